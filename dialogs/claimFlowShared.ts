import type { TurnContext } from 'botbuilder';
import type { WaterfallStepContext } from 'botbuilder-dialogs';
import { claimActionCard } from '../cards/claimAction';
import { normaliseClaimId } from '../services/claims/details';
import { decideTransition, type ClaimEvent } from '../services/claims/lifecycle';
import type { Claim } from '../services/db';
import { canWorkWithClaims, findCaller, type Caller } from '../services/directory/callers';
import type { DialogDeps } from './dialogDeps';
import { noAccessMessage } from './helpCard';
import { sendCard, submittedAction } from './replies';

/** How the router starts a flow on one claim: a card button's claim id, or one typed after the command. */
export interface ClaimFlowOptions {
  caller: Caller;
  claimId?: string;
}

export type PartnerUser = Extract<Caller, { kind: 'partnerUser' }>;

/** One of the caller's partner's claims, with the names a conversation shows. */
export type FlowClaim = Claim & { customer: { name: string }; engagement: { name: string } };

export type ClaimOpening = { ok: true; caller: PartnerUser; claim: FlowClaim } | { ok: false; message: string };

/**
 * Opens the claim a flow acts on: the caller must work with claims, the claim must be one of their
 * partner's (another partner's claim is "not found", so ids reveal nothing), and the state machine
 * must allow `event` now. The refusal is the service's reason; nothing is changed.
 */
export async function openClaimFor(deps: DialogDeps, caller: Caller, rawClaimId: string | undefined, event: ClaimEvent, usage: string): Promise<ClaimOpening> {
  if (caller.kind !== 'partnerUser' || !canWorkWithClaims(caller)) return { ok: false, message: await noAccessMessage(deps.db, caller) };
  const claimId = normaliseClaimId(rawClaimId ?? '');
  if (claimId === '') return { ok: false, message: `Which claim? ${usage}` };
  const claim = await deps.db.prisma.claim.findFirst({
    where: { id: claimId, partnerId: caller.partnerId },
    include: { customer: { select: { name: true } }, engagement: { select: { name: true } } },
  });
  if (!claim) return { ok: false, message: `Claim ${claimId} was not found among ${caller.partnerName}'s claims. Check the id on the Customers page. Nothing was changed.` };
  const decision = decideTransition(claim, event, deps.clock.now());
  if (!decision.ok) return { ok: false, message: `${decision.reason} Nothing was changed.` };
  return { ok: true, caller, claim };
}

/** How a flow on one claim starts: the event it needs, and its confirm button when clicked again after the flow ended. */
export interface ClaimFlowStart {
  event: ClaimEvent;
  usage: string;
  confirmAction: string;
  /** Hands a repeated confirm to the service, which decides (the claim has moved on, so it refuses). */
  resubmitted(context: TurnContext, caller: Caller): Promise<void>;
}

/**
 * The first step of a flow on one claim: a repeated confirm goes to `resubmitted`, anything else
 * opens the claim. Null when the flow ends here, with what was said already sent.
 */
export async function startClaimFlow(step: WaterfallStepContext, deps: DialogDeps, start: ClaimFlowStart): Promise<{ caller: PartnerUser; claim: FlowClaim } | null> {
  const options = step.options as Partial<ClaimFlowOptions>;
  const caller = options.caller;
  if (!caller) throw new Error(`A claim flow (${start.event}) needs the caller in its options.`);
  if (submittedAction(step.context) === start.confirmAction) {
    await start.resubmitted(step.context, caller);
    return null;
  }
  const opened = await openClaimFor(deps, caller, options.claimId, start.event, start.usage);
  if (!opened.ok) {
    await step.context.sendActivity(opened.message);
    return null;
  }
  return { caller: opened.caller, claim: opened.claim };
}

/** The buttons under a claim action's confirmation: the claim's details and its engagement's Customers page. */
export function claimFollowUps(claim: Pick<Claim, 'id' | 'engagementId'>): { title: string; style: 'default'; data: Record<string, string> }[] {
  return [
    { title: 'View claim', style: 'default', data: { action: 'viewClaim', claimId: claim.id } },
    { title: 'Customers page', style: 'default', data: { action: 'showTab', engagementId: claim.engagementId, tab: 'eligible' } },
  ];
}

/** Sends a claim action's confirmation card. */
export async function sendDone(
  context: TurnContext,
  data: { title: string; text: string; facts: { title: string; value: string }[]; note: string; claim: Pick<Claim, 'id' | 'engagementId'> },
): Promise<void> {
  await sendCard(context, claimActionCard({ title: data.title, color: 'Good', text: data.text, facts: data.facts, note: data.note, buttons: claimFollowUps(data.claim) }));
}

/** The user as they are now (roles may have changed since the flow started), for the service to decide. */
export async function currentCaller(deps: DialogDeps, userId: string): Promise<Caller> {
  const user = await deps.db.prisma.partnerUser.findUnique({ where: { id: userId }, select: { aadObjectId: true } });
  return findCaller(deps.db.prisma, user?.aadObjectId ?? null);
}
