import type { TurnContext } from 'botbuilder';
import type { DialogDeps } from '../dialogs/dialogDeps';
import { createAppServices, type AppServices, type ConsentSettings, type EligibilityPorts } from '../services';
import type { Database } from '../services/db';
import type { Caller } from '../services/directory';
import { localEligibilityPorts } from '../services/nomination';
import type { Clock } from '../services/shared/clock';
import { createFileTransfer, type BotFileTransfer } from './fileTransfer';
import { CALLER_KEY, callerObjectId, callerTenantId } from './identity';
import type { Logger } from './logger';

export interface CompositionOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
  /** True without a MicrosoftAppId (Emulator, tests): see the README's local mode. */
  localMode: boolean;
  consent: ConsentSettings;
  /** The outside-world ports; the local ones (directory and eligibility catalog tables) unless given. */
  ports?: EligibilityPorts;
  /** Where Referrals admins open a referral in Partner Center; the Referrals workspace unless given. */
  partnerCenterReferralsUrl?: string;
}

/** The services, built once from the database, clock, ports and settings. */
export function buildServices(options: Pick<CompositionOptions, 'db' | 'clock' | 'consent' | 'ports' | 'partnerCenterReferralsUrl'>): AppServices {
  return createAppServices({
    db: options.db,
    clock: options.clock,
    consent: options.consent,
    ports: options.ports ?? localEligibilityPorts(options.db.prisma),
    ...(options.partnerCenterReferralsUrl ? { partnerCenterReferralsUrl: options.partnerCenterReferralsUrl } : {}),
  });
}

/** What the dialogs are built with: the services and the per-turn caller lookup, no database handle. */
export function createDialogDeps(options: CompositionOptions, services: AppServices = buildServices(options), files: BotFileTransfer = fileTransferFor(options, services)): DialogDeps {
  return {
    services,
    clock: options.clock,
    logger: options.logger,
    callerOf: (context) => turnCaller(context, services, options.localMode),
    files,
  };
}

/** Files to and from the user, their links signed with a key derived from CONSENT_TOKEN_SECRET and pointing at PUBLIC_BASE_URL. */
export function fileTransferFor(options: Pick<CompositionOptions, 'localMode' | 'consent'>, services: AppServices): BotFileTransfer {
  return createFileTransfer({ services, localMode: options.localMode, publicBaseUrl: options.consent.publicBaseUrl, secret: options.consent.tokenSecret });
}

/** Who sent this activity, resolved once per turn from their Entra object id (shared with newcomer registration). */
export async function turnCaller(context: TurnContext, services: AppServices, localMode: boolean): Promise<Caller> {
  const cached: unknown = context.turnState.get(CALLER_KEY);
  if (isCaller(cached)) return cached;
  const caller = await services.directory.findCaller(callerObjectId(context.activity, localMode), callerTenantId(context.activity));
  context.turnState.set(CALLER_KEY, caller);
  return caller;
}

function isCaller(value: unknown): value is Caller {
  return typeof value === 'object' && value !== null && 'kind' in value;
}
