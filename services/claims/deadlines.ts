import { systemActor } from '../outbox/audit';
import { decideChanges, EXPIRY_RULES, isTerminal, type ExpiryDeadline, type ExpiryRule } from './lifecycle';
import { DAY_FORMAT_SQL } from '../shared/wording';
import { auditActionFor } from './transitions';
import { DAY_MS, type Clock } from '../shared/clock';
import { Prisma, type ClaimStatus, type Database } from '../db';

/**
 * Deadline rules and the sweep that applies them: reminders before the consent and submission
 * deadlines, and expiry once a deadline has passed. Every time comes from the injected clock.
 *
 * Set-based: each batch is one SQL statement that locks its due claims (`FOR UPDATE SKIP LOCKED`),
 * expires them, writes their audit events and queues their messages, so a batch costs one round trip
 * however many claims it holds. Which statuses expire at which deadline, and into what, comes from the
 * state machine's own table (lifecycle.ts EXPIRY_RULES), which decideTransition applies to one claim.
 *
 * Safe with several instances on one PostgreSQL: racing statements lock disjoint claims; the update
 * matches on the version and status it locked, as the per-claim transition does; and every message has
 * a unique dedupe key (ON CONFLICT DO NOTHING), so running the sweep again, or racing it, never expires
 * a claim twice nor queues a message twice.
 */

export type DeadlineKind = ExpiryDeadline;

export const DEADLINE_EVENTS = {
  consent: 'deadline.consent.reminder',
  submission: 'deadline.submission.reminder',
  expired: 'claim.expired',
} as const;

/** Days before a deadline at which the claim's creator is reminded. */
export const DEFAULT_REMINDER_DAYS: readonly number[] = [7, 1];

/** At most this many claims per rule and pass: a large backlog drains over several passes. */
export const DEFAULT_SWEEP_BATCH = 500;

/**
 * Claims per statement: one statement locks, expires and notifies this many at once, and holds their
 * row locks only while it runs (tens of milliseconds; bench/RESULTS.md, issue 18).
 */
export const SWEEP_CHUNK = 1_000;

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

/** Why a claim expired: its close reason, also the end of its expiry message. */
export function expiryReason(deadline: DeadlineKind, windowDays: number | string): string {
  return deadline === 'consent'
    ? `Customer consent was not received within the ${windowDays}-day consent window.`
    : `The claim was not submitted within the ${windowDays}-day submission window.`;
}

/** How a message names a claim. */
interface ClaimNaming {
  friendlyName: string;
  claimId: string;
  engagementName: string;
}

function named(claim: ClaimNaming): string {
  return `${claim.friendlyName} (${claim.claimId}, ${claim.engagementName})`;
}

export function expiryText(claim: ClaimNaming, closeReason: string): string {
  return `${named(claim)} has expired. ${closeReason}`;
}

/** `day` is the deadline's day as formatDay writes it. */
export function reminderText(kind: DeadlineKind, claim: ClaimNaming, day: string, days: number): string {
  const left = days === 1 ? '1 day' : `${days} days`;
  return kind === 'consent'
    ? `Less than ${left} left to get the customer's consent for ${named(claim)}: the consent window closes on ${day}. Send or re-send the consent email before then, or the claim expires.`
    : `Less than ${left} left to submit ${named(claim)}: the submission window closes on ${day}. A claim not submitted in time is lost.`;
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
  for (const rule of EXPIRY_RULES) {
    expired += await inChunks(batchSize, (limit) => expireChunk(db, clock, rule, limit));
  }
  for (const rule of EXPIRY_RULES) {
    let nearer = 0;
    for (const days of reminderDays) {
      reminded += await inChunks(batchSize, (limit) => remindChunk(db, clock, rule, { nearer, days }, limit));
      nearer = days;
    }
  }
  return { reminded, expired };
}

interface ChunkOutcome {
  /** Claims handled. */
  done: number;
  /** Claims selected: fewer than asked means nothing more is due (or the rest is locked by another sweep). */
  selected: number;
}

/** Runs chunks until `budget` claims were selected or nothing more is due; returns how many were handled. */
async function inChunks(budget: number, chunk: (limit: number) => Promise<ChunkOutcome>): Promise<number> {
  let done = 0;
  let left = budget;
  while (left > 0) {
    const limit = Math.min(SWEEP_CHUNK, left);
    const outcome = await chunk(limit);
    done += outcome.done;
    left -= outcome.selected;
    if (outcome.selected < limit) break;
  }
  return done;
}

function statusIn(statuses: readonly ClaimStatus[]): Prisma.Sql {
  // Literal enum values (never input) keep the (status, deadline) index usable.
  return Prisma.raw(statuses.map((status) => `'${status}'::"ClaimStatus"`).join(', '));
}

function deadlineColumn(kind: DeadlineKind): Prisma.Sql {
  return Prisma.raw(`c."${DEADLINE_COLUMN[kind]}"`);
}

function at(instant: Date): Prisma.Sql {
  return Prisma.sql`${instant}::timestamp(3)`;
}

/** An instant as Date.toISOString() writes it (timestamps are stored in UTC). */
function isoSql(value: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`to_char(${value}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

function daySql(value: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`to_char(${value}, ${Prisma.raw(`'${DAY_FORMAT_SQL}'`)})`;
}

const SLOT = '\u0001';

/**
 * A sentence as an SQL expression: `words` is called with one placeholder per value, and each
 * placeholder is replaced by its SQL value, so every sentence and key is worded once, in TypeScript,
 * for the set-based statements too.
 */
function sqlText(words: (...slots: string[]) => string, ...values: Prisma.Sql[]): Prisma.Sql {
  const text = words(...values.map((_, index) => `${SLOT}${index}${SLOT}`));
  const pieces = text.split(new RegExp(`${SLOT}(\\d+)${SLOT}`)).flatMap((part, index): Prisma.Sql[] => {
    if (index % 2 === 1) {
      const value = values[Number(part)];
      if (!value) throw new Error(`sqlText: no value for placeholder ${part}`);
      return [Prisma.sql`(${value})::text`];
    }
    return part === '' ? [] : [Prisma.sql`${part}::text`];
  });
  return Prisma.sql`concat(${Prisma.join(pieces)})`;
}

/** The fields the transition sets besides the close reason, as the per-claim transition sets them. */
function expiryAssignments(rule: ExpiryRule, now: Date): Prisma.Sql {
  const terminal = isTerminal(rule.to) ? Prisma.sql`, "openClaimKey" = NULL, "closedAt" = ${at(now)}` : Prisma.empty;
  return Prisma.sql`"status" = ${Prisma.raw(`'${rule.to}'::"ClaimStatus"`)}, "version" = c."version" + 1, "updatedAt" = ${at(now)}${terminal}`;
}

async function expireChunk(db: Database, clock: Clock, rule: ExpiryRule, limit: number): Promise<ChunkOutcome> {
  const [row] = await db.prisma.$queryRaw<{ selected: number; done: number }[]>(expiryStatement(rule, clock.now(), limit));
  return { selected: row?.selected ?? 0, done: row?.done ?? 0 };
}

/**
 * One statement: locks up to `limit` claims that `rule` expires at `now` (skipping claims another
 * sweep holds), moves each to `rule.to` with its version incremented, and writes one audit event per
 * claim and one `claim.expired` message per recipient (the creator and the partner's Incentives
 * admins). Its one row: `selected` claims locked, `done` expired. Exported for the benchmark's plans.
 */
export function expiryStatement(rule: ExpiryRule, now: Date, limit: number): Prisma.Sql {
  const kind = rule.deadline;
  const column = deadlineColumn(kind);
  const windowColumn = Prisma.raw(kind === 'consent' ? 'e."consentWindowDays"' : 'e."submissionWindowDays"');
  const closeReason = sqlText((days) => expiryReason(kind, days), windowColumn);
  // The one change an expiry makes besides its stamps: checked by the state machine as for one claim.
  const changes = decideChanges('EXPIRE', { closeReason: expiryReason(kind, 1) });
  if (!changes.ok) throw new Error(`The state machine no longer lets EXPIRE set the close reason: ${changes.reason}`);
  const event = DEADLINE_EVENTS.expired;
  const naming = [Prisma.sql`u."friendlyName"`, Prisma.sql`u."id"`, Prisma.sql`u."engagementName"`] as const;
  const text = sqlText(
    (friendlyName, claimId, engagementName, reason) => expiryText({ friendlyName, claimId, engagementName }, reason),
    ...naming,
    Prisma.sql`u."closeReason"`,
  );
  const dedupeKey = sqlText((claimId, recipient) => deadlineDedupeKey(claimId, event, 0, recipient), Prisma.sql`u."id"`, Prisma.sql`u."recipient"`);
  return Prisma.sql`
    WITH due AS (
      SELECT c."id", c."status", c."version" FROM "Claim" c
      WHERE c."status" IN (${statusIn(rule.from)}) AND ${column} <= ${at(now)}
      LIMIT ${limit}
      FOR UPDATE OF c SKIP LOCKED
    ), upd AS (
      -- Claims by primary key (= ANY of the locked ids), and every later join from what the update returned:
      -- the planner cannot size a data-modifying CTE, and joined to one it chose a hash of the whole Claim
      -- table per batch and, downstream, a nested loop of every message over every claim (bench/RESULTS.md, issue 18).
      UPDATE "Claim" c SET ${expiryAssignments(rule, now)}, "closeReason" = ${closeReason}
      FROM due, "Engagement" e
      WHERE c."id" = ANY (ARRAY(SELECT "id" FROM due)) AND c."id" = due."id" AND c."version" = due."version" AND c."status" = due."status"
        AND e."id" = c."engagementId"
      RETURNING c."id", c."partnerId", c."friendlyName", c."customerId", c."createdByUserId", c."status", c."version", c."closeReason",
        due."status" AS "previousStatus", due."version" AS "previousVersion", e."name" AS "engagementName"
    ), audit AS (
      INSERT INTO "AuditEvent" ("id", "partnerId", "claimId", "actorKind", "actorId", "action", "before", "after", "at")
      SELECT gen_random_uuid()::text, u."partnerId", u."id", ${systemActor.kind}::"ActorKind", ${systemActor.id}::text, ${auditActionFor('EXPIRE')}::text,
        jsonb_build_object('status', u."previousStatus", 'version', u."previousVersion"),
        jsonb_build_object('status', u."status", 'version', u."version", 'closeReason', u."closeReason"),
        ${at(now)}
      FROM upd u
    ), admins AS MATERIALIZED (
      -- Once per batch for the partners in it, as the per-claim sweep read them once per partner and chunk.
      SELECT p."partnerId", p."aadObjectId" FROM "PartnerUser" p
      JOIN "UserRole" ur ON ur."userId" = p."id" AND ur."role" = 'INCENTIVES_ADMIN'
      WHERE p."partnerId" IN (SELECT "partnerId" FROM upd)
    ), recipients AS (
      -- The creator and the partner's Incentives admins, each once (UNION) when the creator is an admin.
      SELECT u."id", u."partnerId", u."friendlyName", u."customerId", u."closeReason", u."previousStatus", u."engagementName", p."aadObjectId" AS "recipient"
      FROM upd u JOIN "PartnerUser" p ON p."id" = u."createdByUserId"
      UNION
      SELECT u."id", u."partnerId", u."friendlyName", u."customerId", u."closeReason", u."previousStatus", u."engagementName", a."aadObjectId"
      FROM upd u JOIN admins a ON a."partnerId" = u."partnerId"
    ), messages AS (
      INSERT INTO "OutboxMessage" ("id", "dedupeKey", "channel", "event", "recipient", "claimId", "partnerId", "payload", "nextAttemptAt", "createdAt")
      SELECT gen_random_uuid()::text, ${dedupeKey}, 'TEAMS', ${event}::text, u."recipient", u."id", u."partnerId",
        jsonb_build_object(
          'kind', ${event}::text, 'claimId', u."id", 'friendlyName', u."friendlyName", 'customerName', cu."name",
          'engagementName', u."engagementName", 'previousStatus', u."previousStatus", 'deadline', ${kind}::text,
          'closeReason', u."closeReason", 'text', ${text}),
        ${at(now)}, ${at(now)}
      FROM recipients u JOIN "Customer" cu ON cu."id" = u."customerId"
      ON CONFLICT ("dedupeKey") DO NOTHING
    )
    SELECT (SELECT count(*) FROM due)::int AS "selected", (SELECT count(*) FROM upd)::int AS "done"`;
}

/** A reminder threshold and the next smaller one: the claims in between get this reminder. */
interface ReminderBand {
  nearer: number;
  days: number;
}

async function remindChunk(db: Database, clock: Clock, rule: ExpiryRule, band: ReminderBand, limit: number): Promise<ChunkOutcome> {
  const [row] = await db.prisma.$queryRaw<{ selected: number; done: number }[]>(reminderStatement(rule, band, clock.now(), limit));
  return { selected: row?.selected ?? 0, done: row?.done ?? 0 };
}

/**
 * One statement: locks up to `limit` claims that `rule` will expire whose deadline is more than
 * `nearer` and at most `days` days away and that have not had this reminder yet (the outbox row is
 * the record of it), and queues one reminder to each claim's creator. Its one row: `selected` claims
 * locked, `done` reminders queued.
 */
function reminderStatement(rule: ExpiryRule, band: ReminderBand, now: Date, limit: number): Prisma.Sql {
  const kind = rule.deadline;
  const column = deadlineColumn(kind);
  const event = DEADLINE_EVENTS[kind];
  const from = new Date(now.getTime() + band.nearer * DAY_MS);
  const to = new Date(now.getTime() + band.days * DAY_MS);
  const keyPrefix = `:${event}:${band.days}:%`;
  const text = sqlText(
    (friendlyName, claimId, engagementName, day) => reminderText(kind, { friendlyName, claimId, engagementName }, day, band.days),
    Prisma.sql`d."friendlyName"`,
    Prisma.sql`d."id"`,
    Prisma.sql`e."name"`,
    daySql(Prisma.sql`d."deadline"`),
  );
  const dedupeKey = sqlText((claimId, recipient) => deadlineDedupeKey(claimId, event, band.days, recipient), Prisma.sql`d."id"`, Prisma.sql`p."aadObjectId"`);
  const deadline = isoSql(Prisma.sql`d."deadline"`);
  return Prisma.sql`
    WITH due AS (
      SELECT c."id", c."partnerId", c."friendlyName", c."status", ${column} AS "deadline", c."engagementId", c."customerId", c."createdByUserId"
      FROM "Claim" c
      WHERE c."status" IN (${statusIn(rule.from)}) AND ${column} > ${at(from)} AND ${column} <= ${at(to)}
        -- OFFSET 0 keeps this a per-claim probe of the claimId index: as an anti-join, planned from statistics
        -- taken before the reminders were written, it rescanned every outbox row for every claim (bench/RESULTS.md, issue 18).
        AND NOT EXISTS (
          SELECT 1 FROM "OutboxMessage" o
          WHERE o."claimId" = c."id" AND o."event" = ${event} AND o."dedupeKey" LIKE 'claim:' || c."id" || ${keyPrefix}
          OFFSET 0)
      LIMIT ${limit}
      FOR UPDATE OF c SKIP LOCKED
    ), messages AS (
      INSERT INTO "OutboxMessage" ("id", "dedupeKey", "channel", "event", "recipient", "claimId", "partnerId", "payload", "nextAttemptAt", "createdAt")
      SELECT gen_random_uuid()::text, ${dedupeKey}, 'TEAMS', ${event}::text, p."aadObjectId", d."id", d."partnerId",
        jsonb_build_object(
          'kind', ${event}::text, 'claimId', d."id", 'friendlyName', d."friendlyName", 'customerName', cu."name",
          'engagementName', e."name", 'status', d."status", 'deadline', ${deadline}, 'days', ${band.days}::float8,
          -- Delivery drops it once the deadline is too near or the claim moved on (services/outbox/delivery.ts).
          'timely', jsonb_build_object('until', ${deadline}, 'claimId', d."id", 'claimStatus', d."status"),
          'text', ${text}),
        ${at(now)}, ${at(now)}
      FROM due d
      JOIN "PartnerUser" p ON p."id" = d."createdByUserId"
      JOIN "Engagement" e ON e."id" = d."engagementId"
      JOIN "Customer" cu ON cu."id" = d."customerId"
      ON CONFLICT ("dedupeKey") DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM due)::int AS "selected", (SELECT count(*) FROM messages)::int AS "done"`;
}
