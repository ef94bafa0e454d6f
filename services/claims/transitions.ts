import { writeAudit, type Actor } from '../outbox/audit';
import type { Clock } from '../shared/clock';
import type { Claim, Database, Prisma, PrismaClient, Tx } from '../db';
import { NotAllowedError } from '../shared/errors';
import { enqueue, type OutboxDraft } from '../outbox/outbox';
import {
  decideChanges,
  decideTransition,
  isTerminal,
  submissionDeadlineFor,
  type ClaimChangeField,
  type ClaimChanges,
  type ClaimEvent,
} from './lifecycle';

/** One claim transition, as a service asks for it. */
export interface TransitionRequest {
  claimId: string;
  /** The acting partner; a claim of any other partner is not found. Null when the customer or the system acts. */
  partnerId: string | null;
  event: ClaimEvent;
  actor: Actor;
  /** Fields the caller sets together with the transition; lifecycle.ts decides which ones each event may change. */
  changes?: ClaimChanges;
  /** The messages the transition causes, built from the updated claim; written in the same transaction. */
  outbox?: (claim: Claim, tx: Tx) => OutboxDraft[] | Promise<OutboxDraft[]>;
}

export const CLAIM_CHANGED_MEANWHILE =
  'This claim was changed by someone else at the same time, so nothing was saved. Look at the claim again and retry.';

/** The audit action recorded for an event, e.g. `claim.send_consent`. */
export function auditActionFor(event: ClaimEvent): string {
  return `claim.${event.toLowerCase()}`;
}

/** Runs one transition in its own transaction; see applyTransitionInTx. */
export async function applyTransition(db: Database | PrismaClient, clock: Clock, request: TransitionRequest): Promise<Claim> {
  const prisma = 'sql' in db ? db.prisma : db;
  return prisma.$transaction((tx) => applyTransitionInTx(tx, clock, request));
}

/**
 * Runs one transition inside the caller's transaction, so other services can compose it with their
 * own writes: reads the claim (scoped to the partner), asks the lifecycle, updates the claim only if
 * nobody changed it since it was read, and writes the audit event and the outbox rows. A refusal
 * throws NotAllowedError before anything is written; any error rolls the whole transaction back.
 */
export async function applyTransitionInTx(tx: Tx, clock: Clock, request: TransitionRequest): Promise<Claim> {
  const now = clock.now();
  const changes = request.changes ?? {};
  const claim = await tx.claim.findFirst({
    where: request.partnerId === null ? { id: request.claimId } : { id: request.claimId, partnerId: request.partnerId },
  });
  if (!claim) throw new NotAllowedError(`Claim ${request.claimId} was not found.`);

  const decision = decideTransition(claim, request.event, now);
  if (!decision.ok) throw new NotAllowedError(decision.reason);
  const changeDecision = decideChanges(request.event, changes);
  if (!changeDecision.ok) throw new NotAllowedError(changeDecision.reason);

  const terminal = isTerminal(decision.to);
  const data: Prisma.ClaimUncheckedUpdateManyInput = {
    ...changes,
    ...(await eventStamps(tx, claim, request.event, now)),
    status: decision.to,
    version: claim.version + 1,
    updatedAt: now,
    ...(terminal ? { openClaimKey: null, closedAt: now } : {}),
  };
  // Matching on version and status makes the update the arbiter between racing transitions: only one matches.
  const { count } = await tx.claim.updateMany({
    where: { id: claim.id, version: claim.version, status: claim.status },
    data,
  });
  if (count !== 1) throw new NotAllowedError(CLAIM_CHANGED_MEANWHILE);
  const updated = await tx.claim.findUniqueOrThrow({ where: { id: claim.id } });
  if (request.event === 'ACCEPT_CONSENT') await rememberKnownCustomer(tx, updated, now);

  await writeAudit(tx, {
    partnerId: claim.partnerId,
    claimId: claim.id,
    actor: request.actor,
    action: auditActionFor(request.event),
    before: { status: claim.status, version: claim.version },
    after: { status: updated.status, version: updated.version, ...auditableChanges(changes) },
    at: now,
  });
  const drafts = request.outbox ? await request.outbox(updated, tx) : [];
  await enqueue(tx, drafts, now);
  return updated;
}

/**
 * A customer who consents becomes known to the partner: from then on it is claimed, not added, and it
 * shows on every engagement's Customers page of that partner.
 */
async function rememberKnownCustomer(tx: Tx, claim: Claim, now: Date): Promise<void> {
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: claim.customerId }, select: { name: true } });
  await tx.knownCustomer.upsert({
    where: { partnerId_customerId: { partnerId: claim.partnerId, customerId: claim.customerId } },
    create: { partnerId: claim.partnerId, customerId: claim.customerId, name: customer.name, firstClaimId: claim.id, knownSince: now },
    update: {},
  });
}

/** The timestamps an event sets, besides status and the closing fields every terminal status gets. */
async function eventStamps(
  tx: Tx,
  claim: Claim,
  event: ClaimEvent,
  now: Date,
): Promise<Prisma.ClaimUncheckedUpdateManyInput> {
  switch (event) {
    case 'SEND_CONSENT':
      return { consentRequestedAt: now };
    case 'ACCEPT_CONSENT': {
      const engagement = await tx.engagement.findUniqueOrThrow({
        where: { id: claim.engagementId },
        select: { submissionWindowDays: true },
      });
      return { consentAnsweredAt: now, submissionDeadline: submissionDeadlineFor(now, engagement) };
    }
    case 'DECLINE_CONSENT':
      return { consentAnsweredAt: now };
    case 'SUBMIT':
      return { submittedAt: now };
    case 'COMPLETE':
    case 'REJECT':
    case 'REJECT_FINAL':
      return { reviewedAt: now };
    case 'RESEND_CONSENT':
    case 'EXPIRE':
    case 'CANCEL':
      return {};
  }
}

function auditableChanges(changes: ClaimChanges): Prisma.InputJsonObject {
  const audited: Record<string, Prisma.InputJsonValue | null> = {};
  for (const key of Object.keys(changes) as ClaimChangeField[]) {
    const value = changes[key];
    if (value !== undefined) audited[key] = value instanceof Date ? value.toISOString() : value;
  }
  return audited;
}
