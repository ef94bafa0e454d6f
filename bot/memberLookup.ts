import { TeamsInfo, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Directory } from '../services/directory';
import { isRemoval } from './conversationReferences';
import { CALLER_KEY, callerTenantId } from './identity';
import type { Logger } from './logger';

/** How long the Teams member lookup may take before the turn goes on without it. */
const LOOKUP_TIMEOUT_MS = 5_000;

/** The activities on which someone may be met for the first time. */
const FIRST_CONTACT_TYPES: readonly string[] = ['message', 'conversationUpdate', 'installationUpdate'];

/** What Teams says about the person behind an activity (TeamsChannelAccount), checked at the edge. */
const memberSchema = z.looseObject({
  aadObjectId: z.string().nullish(),
  email: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  name: z.string().nullish(),
});

/** Teams' `GET /v3/conversations/{id}/members/{userId}` for the sender of the activity. */
async function lookupSender(context: TurnContext): Promise<unknown> {
  return TeamsInfo.getMember(context, context.activity.from.id);
}

export interface ProvisioningDeps {
  directory: Directory;
  logger: Logger;
}

/**
 * Registers, without a role, a person of a partner's tenant who talks to the bot in Teams for the
 * first time, so their admins can grant them a role by email (services/directory/callers.ts decides who may
 * be registered). Only on Teams: other channels (Emulator, Web Chat) carry demo identities. Never
 * fails the turn: a lookup that fails or takes too long is logged and the turn goes on as before.
 */
export async function registerOnFirstContact(context: TurnContext, deps: ProvisioningDeps): Promise<void> {
  const { activity } = context;
  if (activity.channelId !== 'msteams' || !FIRST_CONTACT_TYPES.includes(activity.type) || isRemoval(activity)) return;
  const aadObjectId = activity.from?.aadObjectId?.trim().toLowerCase();
  const tenantId = callerTenantId(activity);
  if (!aadObjectId || !tenantId) return;
  try {
    const caller = await deps.directory.findCaller(aadObjectId, tenantId);
    if (caller.kind !== 'unknown' || !caller.partner) {
      // The same lookup the dialog makes for this turn (callerObjectId and callerTenantId agree on Teams): reuse it.
      context.turnState.set(CALLER_KEY, caller);
      return;
    }
    const member = memberSchema.parse(await withTimeout(lookupSender(context), LOOKUP_TIMEOUT_MS));
    if (member.aadObjectId && member.aadObjectId.toLowerCase() !== aadObjectId) {
      deps.logger.warn({ aadObjectId }, 'the Teams member lookup answered for someone else; not registered');
      return;
    }
    const email = member.email?.trim() || member.userPrincipalName?.trim();
    if (!email) {
      deps.logger.warn({ aadObjectId, partnerId: caller.partner.id }, 'Teams gave no email or UPN for a newcomer; not registered');
      return;
    }
    const registration = await deps.directory.registerPartnerUser({ aadObjectId, tenantId, email, displayName: member.name?.trim() || activity.from.name || email });
    if (registration.outcome === 'registered') {
      deps.logger.info({ userId: registration.userId, partnerId: registration.partnerId }, 'registered a newcomer of a partner tenant, without a role');
    } else if (registration.outcome !== 'known') {
      deps.logger.warn({ aadObjectId, partnerId: caller.partner.id, registration }, 'a newcomer of a partner tenant was not registered');
    }
  } catch (error) {
    deps.logger.warn({ err: error, aadObjectId }, 'could not register a newcomer; the turn goes on without');
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the Teams member lookup took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
