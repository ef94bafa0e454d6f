import { systemActor } from '../outbox/audit';
import { AWAITING_CONSENT_STATUSES, AWAITING_SUBMISSION_STATUSES } from './lifecycle';
import { formatDay } from '../shared/wording';
import { applyTransitionInTx } from './transitions';
import { DAY_MS, type Clock } from '../shared/clock';
import { Prisma, type ClaimStatus, type Database, type Tx } from '../db';
import { isNotAllowed } from '../shared/errors';
import { enqueue, type OutboxDraft } from '../outbox/outbox';

/**
 * Deadline rules and the sweep that applies them: reminders before the consent and submission
 * deadlines, and expiry once a deadline has passed. Every time comes from the injected clock.
 *
 * Safe with several instances on one PostgreSQL: each batch locks its due claims with
 * `FOR UPDATE SKIP LOCKED`, so racing sweeps take disjoint claims; the expiry goes through the
 * version-checked EXPIRE transition and every message has a unique dedupe key, so running the sweep
 * again, or racing it, never expires a claim twice nor queues a message twice.
 */

export type DeadlineKind = 'consent' | 'submission';

export const DEADLINE_EVENTS = {
  consent: 'deadline.consent.reminder',
  submission: 'deadline.submission.reminder',
  expired: 'claim.expired',
} as const;

/** Days before a deadline at which the claim's creator is reminded. */
export const DEFAULT_REMINDER_DAYS: readonly number[] = [7, 1];

/** At most this many claims per rule and pass: a large backlog drains over several passes. */
export const DEFAULT_SWEEP_BATCH = 500;

/** Claims locked and handled per transaction, so no transaction (and no lock) is held for long. */
const CHUNK = 100;

/** Interactive transactions queue behind each other on the embedded database; give them room. */
const TX_OPTIONS = { maxWait: 30_000, timeout: 60_000 } as const;

export interface SweepOptions {
  batchSize?: number;
  reminderDays?: readonly number[];
}

export interface SweepResult {
  /** Claims for which a reminder was queued in this pass. */
  reminded: number;
  /** Claims that became EXPIRED in this pass. */
  expired: number;
}

const STATUSES: Record<DeadlineKind, readonly ClaimStatus[]> = {
  consent: AWAITING_CONSENT_STATUSES,
  submission: AWAITING_SUBMISSION_STATUSES,
};

const DEADLINE_COLUMN: Record<DeadlineKind, string> = { consent: 'consentDeadline', submission: 'submissionDeadline' };

/**
 * The reminder due now for a deadline: the smallest threshold the remaining time has reached, or
 * null once the deadline has passed or while it is further away than every threshold. A claim
 * that is already 1 day from its deadline gets the 1-day reminder only, not a late 7-day one too.
 */
export function dueReminder(deadline: Date, now: Date, reminderDays: readonly number[] = DEFAULT_REMINDER_DAYS): number | null {
  const remainingMs = deadline.getTime() - now.getTime();
  if (remainingMs <= 0) return null;
  const reached = reminderDays.filter((days) => remainingMs <= days * DAY_MS);
  return reached.length === 0 ? null : Math.min(...reached);
}

/** The dedupe key of one deadline event for one recipient: the same event is never queued twice. */
export function deadlineDedupeKey(claimId: string, event: string, days: number, recipient: string): string {
  return `claim:${claimId}:${event}:${days}:${recipient}`;
}

/** Runs every deadline rule once: expiries first, then reminders. Returns what it did. */
export async function sweepDeadlines(db: Database, clock: Clock, options: SweepOptions = {}): Promise<SweepResult> {
  const batchSize = Math.max(1, Math.trunc(options.batchSize ?? DEFAULT_SWEEP_BATCH));
  const reminderDays = [...new Set(options.reminderDays ?? DEFAULT_REMINDER_DAYS)].sort((a, b) => a - b);
  if (reminderDays.some((days) => !Number.isFinite(days) || days <= 0)) {
    throw new Error(`Reminder days must be positive numbers, not ${reminderDays.join(', ')}.`);
  }
  let expired = 0;
  let reminded = 0;
  for (const kind of ['consent', 'submission'] as const) {
    expired += await inChunks(batchSize, (limit, skip) => expireChunk(db, clock, kind, limit, skip));
  }
  for (const kind of ['consent', 'submission'] as const) {
    let nearer = 0;
    for (const days of reminderDays) {
      reminded += await inChunks(batchSize, (limit, skip) => remindChunk(db, clock, kind, { nearer, days }, limit, skip));
      nearer = days;
    }
  }
  return { reminded, expired };
}

interface ChunkOutcome {
  /** Claims handled. */
  done: number;
  /** Claims looked at but left as they were; excluded from later chunks of the same pass. */
  skipped: string[];
  /** Claims selected, handled or not: fewer than asked means nothing more is due. */
  selected: number;
}

/** Runs chunks until `budget` claims were selected or nothing more is due; returns how many were handled. */
async function inChunks(budget: number, chunk: (limit: number, skip: string[]) => Promise<ChunkOutcome>): Promise<number> {
  let done = 0;
  let left = budget;
  const skip: string[] = [];
  while (left > 0) {
    const limit = Math.min(CHUNK, left);
    const outcome = await chunk(limit, skip);
    done += outcome.done;
    skip.push(...outcome.skipped);
    left -= outcome.selected;
    if (outcome.selected < limit) break;
  }
  return done;
}

function statusIn(kind: DeadlineKind): Prisma.Sql {
  // Literal enum values (never input) keep the (status, deadline) index usable.
  return Prisma.raw(STATUSES[kind].map((status) => `'${status}'::"ClaimStatus"`).join(', '));
}

function notIn(ids: string[]): Prisma.Sql {
  return ids.length === 0 ? Prisma.empty : Prisma.sql`AND c."id" NOT IN (${Prisma.join(ids)})`;
}

/** Locks up to `limit` claims whose `kind` deadline has passed, skipping claims another sweep holds. */
async function lockExpired(tx: Tx, kind: DeadlineKind, now: Date, limit: number, skip: string[]): Promise<string[]> {
  const column = Prisma.raw(`c."${DEADLINE_COLUMN[kind]}"`);
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT c."id" FROM "Claim" c
    WHERE c."status" IN (${statusIn(kind)}) AND ${column} <= ${now} ${notIn(skip)}
    ORDER BY ${column}, c."id"
    LIMIT ${limit}
    FOR UPDATE OF c SKIP LOCKED`;
  return rows.map((row) => row.id);
}

async function expireChunk(db: Database, clock: Clock, kind: DeadlineKind, limit: number, skip: string[]): Promise<ChunkOutcome> {
  return db.prisma.$transaction(async (tx) => {
    const ids = await lockExpired(tx, kind, clock.now(), limit, skip);
    let done = 0;
    const skipped: string[] = [];
    const admins = new AdminCache(tx);
    for (const id of ids) {
      try {
        await expireClaim(tx, clock, id, kind, admins);
        done += 1;
      } catch (error) {
        // A refusal writes nothing and leaves the transaction usable; the claim is left for a person to look at.
        if (!isNotAllowed(error)) throw error;
        skipped.push(id);
      }
    }
    return { done, skipped, selected: ids.length };
  }, TX_OPTIONS);
}

async function expireClaim(tx: Tx, clock: Clock, claimId: string, kind: DeadlineKind, admins: AdminCache): Promise<void> {
  const facts = await tx.claim.findUniqueOrThrow({
    where: { id: claimId },
    select: {
      status: true,
      engagement: { select: { name: true, consentWindowDays: true, submissionWindowDays: true } },
      customer: { select: { name: true } },
      createdBy: { select: { aadObjectId: true } },
    },
  });
  const { engagement } = facts;
  const closeReason =
    kind === 'consent'
      ? `Customer consent was not received within the ${engagement.consentWindowDays}-day consent window.`
      : `The claim was not submitted within the ${engagement.submissionWindowDays}-day submission window.`;
  await applyTransitionInTx(tx, clock, {
    claimId,
    partnerId: null,
    event: 'EXPIRE',
    actor: systemActor,
    changes: { closeReason },
    outbox: async (claim) => {
      const recipients = new Set([facts.createdBy.aadObjectId, ...(await admins.of(claim.partnerId))]);
      const text = `${claim.friendlyName} (${claim.id}, ${engagement.name}) has expired. ${closeReason}`;
      return [...recipients].map(
        (recipient): OutboxDraft => ({
          channel: 'TEAMS',
          event: DEADLINE_EVENTS.expired,
          dedupeKey: deadlineDedupeKey(claim.id, DEADLINE_EVENTS.expired, 0, recipient),
          recipient,
          claimId: claim.id,
          partnerId: claim.partnerId,
          payload: {
            kind: DEADLINE_EVENTS.expired,
            claimId: claim.id,
            friendlyName: claim.friendlyName,
            customerName: facts.customer.name,
            engagementName: engagement.name,
            previousStatus: facts.status,
            deadline: kind,
            closeReason,
            text,
          },
        }),
      );
    },
  });
}

/** The Entra object ids of each partner's Incentives admins, read once per transaction. */
class AdminCache {
  private readonly byPartner = new Map<string, Promise<string[]>>();

  constructor(private readonly tx: Tx) {}

  of(partnerId: string): Promise<string[]> {
    let admins = this.byPartner.get(partnerId);
    if (!admins) {
      admins = this.tx.partnerUser
        .findMany({ where: { partnerId, roles: { some: { role: 'INCENTIVES_ADMIN' } } }, select: { aadObjectId: true }, orderBy: { id: 'asc' } })
        .then((users) => users.map((user) => user.aadObjectId));
      this.byPartner.set(partnerId, admins);
    }
    return admins;
  }
}

/** A reminder threshold and the next smaller one: the claims in between get this reminder. */
interface ReminderBand {
  nearer: number;
  days: number;
}

/**
 * Locks up to `limit` open claims whose deadline is more than `nearer` and at most `days` days away
 * and that have not had this reminder yet (the outbox row is the record of it).
 */
async function lockDueReminders(
  tx: Tx,
  kind: DeadlineKind,
  band: ReminderBand,
  now: Date,
  limit: number,
  skip: string[],
): Promise<string[]> {
  const column = Prisma.raw(`c."${DEADLINE_COLUMN[kind]}"`);
  const event = DEADLINE_EVENTS[kind];
  const from = new Date(now.getTime() + band.nearer * DAY_MS);
  const to = new Date(now.getTime() + band.days * DAY_MS);
  const keyPrefix = `:${event}:${band.days}:%`;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT c."id" FROM "Claim" c
    WHERE c."status" IN (${statusIn(kind)}) AND ${column} > ${from} AND ${column} <= ${to} ${notIn(skip)}
      AND NOT EXISTS (
        SELECT 1 FROM "OutboxMessage" o
        WHERE o."claimId" = c."id" AND o."event" = ${event} AND o."dedupeKey" LIKE 'claim:' || c."id" || ${keyPrefix})
    ORDER BY ${column}, c."id"
    LIMIT ${limit}
    FOR UPDATE OF c SKIP LOCKED`;
  return rows.map((row) => row.id);
}

async function remindChunk(
  db: Database,
  clock: Clock,
  kind: DeadlineKind,
  band: ReminderBand,
  limit: number,
  skip: string[],
): Promise<ChunkOutcome> {
  return db.prisma.$transaction(async (tx) => {
    const now = clock.now();
    const ids = await lockDueReminders(tx, kind, band, now, limit, skip);
    if (ids.length === 0) return { done: 0, skipped: [], selected: 0 };
    const claims = await tx.claim.findMany({
      where: { id: { in: ids } },
      select: {
        id: true,
        partnerId: true,
        friendlyName: true,
        status: true,
        consentDeadline: true,
        submissionDeadline: true,
        engagement: { select: { name: true } },
        customer: { select: { name: true } },
        createdBy: { select: { aadObjectId: true } },
      },
    });
    const event = DEADLINE_EVENTS[kind];
    const drafts = claims.flatMap((claim): OutboxDraft[] => {
      const deadline = kind === 'consent' ? claim.consentDeadline : claim.submissionDeadline;
      if (!deadline) return [];
      const recipient = claim.createdBy.aadObjectId;
      return [
        {
          channel: 'TEAMS',
          event,
          dedupeKey: deadlineDedupeKey(claim.id, event, band.days, recipient),
          recipient,
          claimId: claim.id,
          partnerId: claim.partnerId,
          payload: {
            kind: event,
            claimId: claim.id,
            friendlyName: claim.friendlyName,
            customerName: claim.customer.name,
            engagementName: claim.engagement.name,
            status: claim.status,
            deadline: deadline.toISOString(),
            days: band.days,
            // Delivery drops it once the deadline is too near or the claim moved on (services/outbox/delivery.ts).
            timely: { until: deadline.toISOString(), claimId: claim.id, claimStatus: claim.status },
            text: reminderText(kind, claim.friendlyName, claim.id, claim.engagement.name, deadline, band.days),
          },
        },
      ];
    });
    // One reminder per claim, so the rows written are the claims reminded.
    const queued = await enqueue(tx, drafts, now);
    return { done: queued, skipped: [], selected: ids.length };
  }, TX_OPTIONS);
}

function reminderText(kind: DeadlineKind, friendlyName: string, claimId: string, engagementName: string, deadline: Date, days: number): string {
  const left = days === 1 ? '1 day' : `${days} days`;
  const what = `${friendlyName} (${claimId}, ${engagementName})`;
  return kind === 'consent'
    ? `Less than ${left} left to get the customer's consent for ${what}: the consent window closes on ${formatDay(deadline)}. Send or re-send the consent email before then, or the claim expires.`
    : `Less than ${left} left to submit ${what}: the submission window closes on ${formatDay(deadline)}. A claim not submitted in time is lost.`;
}
