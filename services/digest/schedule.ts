import { randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock';
import type { Database, Role, Tx } from '../db';
import { enqueue } from '../outbox/outbox';
import { composeDigest, DIGEST_EVENT, type DigestPayload } from './compose';
import { DEFAULT_DIGEST_MINUTES, instantAt, localMoment, nextDate, zoneOrUtc } from './time';

/**
 * The digest step of the scheduler's pass: for each partner user with a claim role and a personal
 * conversation with the bot, once their local time reaches their digest time, the day is recorded
 * and (when there is something to say) the digest is written to the outbox, both in one
 * transaction. The day's record is a conditional update (`lastDigestOn` < today) and the outbox row
 * has the dedupe key `digest:<user>:<local date>`, so two instances, a restart or a repeated pass
 * never queue a day twice; local dates only move forward, so a time-zone change never repeats one.
 *
 * Each user's row carries `nextDueAt`, the instant worked out for their next look, so a pass reads
 * only the users due (and those whose conversation's time zone changed since).
 */

export interface DigestRunOptions {
  /** Users looked at per pass at most; the rest wait for the next pass. */
  batchSize?: number;
}

export interface DigestRunResult {
  /** Users whose day came: a digest was queued. */
  queued: number;
  /** Users whose day came with nothing to say: recorded, nothing queued. */
  empty: number;
  /** Users looked at whose time has not come yet (their next look was set). */
  waiting: number;
}

export const DEFAULT_DIGEST_BATCH = 200;

const TX_OPTIONS = { maxWait: 30_000, timeout: 60_000 } as const;

/** The stored setting (or the default one) and what the day's decision needs. */
export interface DigestSettingRow {
  enabled: boolean;
  minutes: number;
  previousMinutes: number | null;
  changedOn: string | null;
  lastDigestOn: string | null;
}

export const DEFAULT_SETTING: DigestSettingRow = { enabled: true, minutes: DEFAULT_DIGEST_MINUTES, previousMinutes: null, changedOn: null, lastDigestOn: null };

/** The digest time that holds on `date`: a change applies from the day after it was made. Null: none that day. */
export function minutesOn(setting: DigestSettingRow, date: string): number | null {
  if (!setting.enabled) return null;
  return setting.changedOn === date ? setting.previousMinutes : setting.minutes;
}

export type DigestDecision = { due: true; date: string } | { due: false; nextDueAt: Date | null };

/** Whether the person's digest for today is due at `now` in `zone`, or when to look again (null: never, it is off). */
export function decideDigest(setting: DigestSettingRow, now: Date, zone: string): DigestDecision {
  if (!setting.enabled) return { due: false, nextDueAt: null };
  const today = localMoment(now, zone);
  const done = setting.lastDigestOn !== null && setting.lastDigestOn >= today.date;
  const todays = minutesOn(setting, today.date);
  if (!done && todays !== null) {
    if (today.minutes >= todays) return { due: true, date: today.date };
    return { due: false, nextDueAt: instantAt(today.date, todays, zone) };
  }
  // Done today, or none today: the next day's time (a change made today holds from then).
  const tomorrow = nextDate(today.date);
  return { due: false, nextDueAt: instantAt(tomorrow, minutesOn(setting, tomorrow) ?? setting.minutes, zone) };
}

export function digestDedupeKey(userId: string, localDate: string): string {
  return `digest:${userId}:${localDate}`;
}

interface Candidate {
  userId: string;
  aadObjectId: string;
  partnerId: string;
  roles: Role[];
  hasRow: boolean;
  enabled: boolean | null;
  minutes: number | null;
  previousMinutes: number | null;
  changedOn: string | null;
  lastDigestOn: string | null;
  /** The conversation's time zone as stored (null: none given). */
  timeZone: string | null;
}

function settingOf(row: Candidate): DigestSettingRow {
  if (!row.hasRow) return DEFAULT_SETTING;
  return {
    enabled: row.enabled ?? true,
    minutes: row.minutes ?? DEFAULT_DIGEST_MINUTES,
    previousMinutes: row.previousMinutes,
    changedOn: row.changedOn,
    lastDigestOn: row.lastDigestOn,
  };
}

/**
 * Users with a claim role and an active personal conversation, whose digest row is missing, due,
 * never worked out, or worked out in another time zone than their conversation's now.
 */
async function dueCandidates(db: Database, now: Date, limit: number): Promise<Candidate[]> {
  return db.sql.query<Candidate>(
    `SELECT u."id" AS "userId", u."aadObjectId", u."partnerId",
            ARRAY(SELECT r."role"::text FROM "UserRole" r WHERE r."userId" = u."id" ORDER BY r."role") AS "roles",
            (p."userId" IS NOT NULL) AS "hasRow", p."enabled", p."minutes", p."previousMinutes", p."changedOn", p."lastDigestOn",
            cr."timeZone"
     FROM "PartnerUser" u
     JOIN LATERAL (
       SELECT c."timeZone" FROM "ConversationReference" c
       WHERE c."aadObjectId" = u."aadObjectId" AND c."kind" = 'PERSONAL' AND c."active"
       ORDER BY c."updatedAt" DESC, c."conversationId" LIMIT 1) cr ON TRUE
     LEFT JOIN "DigestPreference" p ON p."userId" = u."id"
     WHERE EXISTS (SELECT 1 FROM "UserRole" r WHERE r."userId" = u."id" AND r."role" IN ('INCENTIVES_USER', 'INCENTIVES_ADMIN'))
       AND (p."userId" IS NULL
            OR (p."enabled" AND (p."nextDueAt" IS NULL OR p."nextDueAt" <= $1::timestamp(3) OR p."zone" IS DISTINCT FROM cr."timeZone")))
     ORDER BY md5(u."id" || $3)
     LIMIT $2`,
    // Each pass walks the people in its own order, so racing instances seldom wait on the same person.
    [now.toISOString(), limit, randomUUID()],
  );
}

/** Runs the digest rule once for the users due; safe to run from several instances at once. */
export async function runDigests(db: Database, clock: Clock, options: DigestRunOptions = {}): Promise<DigestRunResult> {
  const limit = Math.max(1, Math.trunc(options.batchSize ?? DEFAULT_DIGEST_BATCH));
  const result: DigestRunResult = { queued: 0, empty: 0, waiting: 0 };
  const candidates = await dueCandidates(db, clock.now(), limit);
  for (const candidate of candidates) {
    const now = clock.now();
    const zone = zoneOrUtc(candidate.timeZone);
    const decision = decideDigest(settingOf(candidate), now, zone);
    if (decision.due && !candidate.hasRow) {
      // Someone first seen after today's time (the bot installed at noon, a new deployment) starts
      // tomorrow: a digest is at the time they have, never at whatever time the bot first saw them.
      const tomorrow = nextDate(decision.date);
      await db.prisma.digestPreference.createMany({
        data: [{ userId: candidate.userId, lastDigestOn: decision.date, nextDueAt: instantAt(tomorrow, DEFAULT_SETTING.minutes, zone), zone: candidate.timeZone }],
        skipDuplicates: true,
      });
      result.waiting += 1;
      continue;
    }
    if (!decision.due) {
      await db.prisma.digestPreference.upsert({
        where: { userId: candidate.userId },
        create: { userId: candidate.userId, nextDueAt: decision.nextDueAt, zone: candidate.timeZone },
        update: { nextDueAt: decision.nextDueAt, zone: candidate.timeZone },
      });
      result.waiting += 1;
      continue;
    }
    // Read before the short transaction that takes the day: reads hold no lock, and a person whose
    // day another instance takes meanwhile only costs those reads.
    const payload = await composeDigest(db.prisma, { userId: candidate.userId, partnerId: candidate.partnerId, roles: candidate.roles }, now, { localDate: decision.date, timeZone: zone });
    const outcome = await db.prisma.$transaction((tx) => recordDay(tx, candidate, decision.date, zone, now, payload), TX_OPTIONS);
    if (outcome) result[outcome] += 1;
  }
  return result;
}

/**
 * Takes the day for the user (only if nobody took it, and the digest is still on) and queues its
 * digest (composed just before) when there is something to say. Null when another instance had it, or it was turned off.
 */
async function recordDay(tx: Tx, candidate: Candidate, date: string, zone: string, now: Date, payload: DigestPayload | null): Promise<'queued' | 'empty' | null> {
  await tx.digestPreference.createMany({ data: [{ userId: candidate.userId }], skipDuplicates: true });
  const setting = settingOf(candidate);
  const tomorrow = nextDate(date);
  const { count } = await tx.digestPreference.updateMany({
    where: { userId: candidate.userId, enabled: true, OR: [{ lastDigestOn: null }, { lastDigestOn: { lt: date } }] },
    data: {
      lastDigestOn: date,
      lastDigestAt: now,
      nextDueAt: instantAt(tomorrow, minutesOn({ ...setting, lastDigestOn: date }, tomorrow) ?? setting.minutes, zone),
      zone: candidate.timeZone,
    },
  });
  if (count !== 1) return null;
  if (!payload) return 'empty';
  await enqueue(
    tx,
    [
      {
        channel: 'TEAMS',
        event: DIGEST_EVENT,
        dedupeKey: digestDedupeKey(candidate.userId, date),
        recipient: candidate.aadObjectId,
        partnerId: candidate.partnerId,
        payload,
      },
    ],
    now,
  );
  return 'queued';
}
