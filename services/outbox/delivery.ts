import { z } from 'zod';
import type { Clock } from '../shared/clock';
import { OutboxChannel, type Database, type Prisma } from '../db';
import type { Page } from '../customersPage/page';
import { clampPageSize, decodePageCursor, encodePageCursor } from '../shared/pageCursor';

/**
 * Delivers the outbox: every email and proactive message was written as a row in the transaction
 * of the change that caused it; this sends the due ones through the handler of their channel.
 *
 * A row is claimed with a lease (`lockedUntil`) by one statement using `FOR UPDATE SKIP LOCKED`,
 * so two instances never take the same row. Each claim counts as an attempt. The outcome is written
 * only while the lease is still ours (the lease end is the token), so a slow instance whose lease
 * ran out cannot overwrite what a later one did. An instance that stops between claiming and
 * marking leaves the row to be taken again when the lease ends: delivery is at least once, and the
 * handler gets the outbox id as an idempotency key so that the transport can drop the repeat.
 */

/**
 * A failure with `undeliverable` set is permanent because the recipient cannot be reached (Teams
 * refused the conversation with 403/404, or there is no conversation with them): the row is
 * recorded UNDELIVERABLE with the reason, not DEAD, which stays for retries exhausted and other
 * permanent failures.
 */
export type DeliveryResult =
  | { ok: true }
  | { ok: false; held?: false; retryable: boolean; retryAfterMs?: number; reason: string; undeliverable?: boolean }
  /**
   * Not sent, and not a failure: the transport's rate limit has no room before `retryAfterMs`. The
   * row is due again exactly then, with its attempt given back and no backoff, however often it is
   * held.
   */
  | { ok: false; held: true; retryAfterMs: number; reason: string };

/** One message as a channel handler sees it. */
export interface OutboundMessage {
  id: string;
  /** The same on every retry and redelivery of this message (the outbox id): a Message-ID, a file name. */
  idempotencyKey: string;
  channel: OutboxChannel;
  event: string;
  recipient: string;
  claimId: string | null;
  partnerId: string | null;
  payload: Prisma.JsonValue;
  /** 1 on the first try. */
  attempt: number;
  createdAt: Date;
}

/** Sends the messages of one channel. A thrown error counts as a retryable failure. */
export interface ChannelHandler {
  send(message: OutboundMessage): Promise<DeliveryResult>;
  /**
   * Called once with a pass's messages of the channel before any is sent, so that what each send
   * needs (who the recipients are, where to reach them) can be looked up in one go. Optional. Never
   * throws: a lookup that fails leaves each send to look up what it needs itself.
   */
  prepare?(messages: readonly OutboundMessage[]): Promise<void>;
}

/** Handlers by channel; rows of a channel without one stay PENDING, untouched. */
export type ChannelHandlers = Partial<Record<OutboxChannel, ChannelHandler>>;

export const DELIVERY_DEFAULTS = {
  batchSize: 50,
  /** Long enough for one send with its own timeouts; a row whose lease ends is taken again. */
  leaseMs: 2 * 60_000,
  maxAttempts: 8,
  /** Recipients sent to at once within a pass (each recipient's messages stay in order). */
  concurrency: 8,
  baseDelayMs: 60_000,
  maxDelayMs: 60 * 60_000,
  /** A Retry-After beyond this is not believed. */
  maxRetryAfterMs: 24 * 60 * 60_000,
} as const;

export interface DeliveryOptions {
  batchSize?: number;
  leaseMs?: number;
  maxAttempts?: number;
  concurrency?: number;
  /** Jitter source in [0, 1); tests pin it. */
  random?: () => number;
}

export interface DeliveryCounts {
  sent: number;
  /** Failed and scheduled for another attempt. */
  retried: number;
  /** Dead-lettered: permanent failure, last attempt failed, last attempt never finished, or recipient unreachable (UNDELIVERABLE). */
  dead: number;
  // The rest are there only when it happened in the pass.
  /** Held back for a rate limit: due again when it allows, no attempt spent. */
  held?: number;
  /** Not sent because it was no longer timely (a reminder after its deadline or its claim's change); recorded DROPPED with why, never listed as undelivered. */
  dropped?: number;
  /** The pass took a full batch: more may be due now. */
  more?: true;
  /**
   * Milliseconds until the soonest message of these channels not taken now is due (held back for a
   * rate limit in this pass or an earlier one, or waiting out a retry); absent when none waits. Rows
   * another instance holds under its lease are that instance's.
   */
  nextDueInMs?: number;
}

/**
 * The wait before the next attempt after `attempt` failed: 1 min, 2, 4 … capped at 1 hour, each
 * ±25 % jitter so that a burst of failures does not retry in lockstep; never sooner than the
 * transport's Retry-After.
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const exponential = Math.min(DELIVERY_DEFAULTS.maxDelayMs, DELIVERY_DEFAULTS.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exponential * (0.75 + 0.5 * random()));
  const asked = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? Math.min(Math.max(0, retryAfterMs), DELIVERY_DEFAULTS.maxRetryAfterMs) : 0;
  return Math.max(jittered, asked);
}

/** Delivers up to one batch of due messages of the channels that have a handler. */
export async function deliverDueMessages(
  db: Database,
  clock: Clock,
  handlers: ChannelHandlers,
  options: DeliveryOptions = {},
): Promise<DeliveryCounts> {
  const batchSize = Math.max(1, Math.trunc(options.batchSize ?? DELIVERY_DEFAULTS.batchSize));
  const leaseMs = Math.max(1, options.leaseMs ?? DELIVERY_DEFAULTS.leaseMs);
  const maxAttempts = Math.max(1, Math.trunc(options.maxAttempts ?? DELIVERY_DEFAULTS.maxAttempts));
  const random = options.random ?? Math.random;
  const concurrency = Math.max(1, Math.trunc(options.concurrency ?? DELIVERY_DEFAULTS.concurrency));
  const counts: DeliveryCounts = { sent: 0, retried: 0, dead: 0 };

  counts.dead += await buryUnfinishedLastAttempts(db, clock.now(), maxAttempts);
  const channels = Object.values(OutboxChannel).filter((channel) => handlers[channel] !== undefined);
  if (channels.length === 0) return counts;
  await deliverBatch(db, clock, handlers, channels, { batchSize, leaseMs, maxAttempts, random, concurrency }, counts);
  const nextDue = await nextDueAt(db, channels, maxAttempts, clock.now());
  if (nextDue !== null) counts.nextDueInMs = Math.max(0, nextDue - clock.now().getTime());
  return counts;
}

/** When the soonest message of `channels` that this instance could take is due (ms since the epoch), or null when none waits. */
async function nextDueAt(db: Database, channels: readonly OutboxChannel[], maxAttempts: number, now: Date): Promise<number | null> {
  // One probe of the (status, nextAttemptAt) index; the column holds UTC without a zone, as EXTRACT reads it.
  const [row] = await db.sql.query<{ dueMs: number | null }>(
    `SELECT (EXTRACT(EPOCH FROM min("nextAttemptAt")) * 1000)::float8 AS "dueMs" FROM "OutboxMessage"
     WHERE "status" = 'PENDING' AND "attempts" < $1 AND "channel" IN (${channels.map((channel) => `'${channel}'`).join(', ')})
       AND ("lockedUntil" IS NULL OR "lockedUntil" <= $2::timestamp(3))`,
    [maxAttempts, now.toISOString()],
  );
  return typeof row?.dueMs === 'number' ? row.dueMs : null;
}

async function deliverBatch(
  db: Database,
  clock: Clock,
  handlers: ChannelHandlers,
  channels: readonly OutboxChannel[],
  { batchSize, leaseMs, maxAttempts, random, concurrency }: Required<Omit<DeliveryOptions, 'random'>> & { random: () => number },
  counts: DeliveryCounts,
): Promise<void> {
  const now = clock.now();
  const lease = new Date(now.getTime() + leaseMs);
  // The rows come back with what a send needs: one statement claims and loads them. Timestamps come
  // back as instants (the columns hold UTC without a zone).
  const claimed = await db.sql.query<ClaimedRow>(
    // MATERIALIZED: a subquery under IN may be scanned again by the plan and take more than LIMIT rows.
    `WITH picked AS MATERIALIZED (
       SELECT "id" FROM "OutboxMessage"
       WHERE "status" = 'PENDING' AND "nextAttemptAt" <= $2::timestamp(3)
         AND ("lockedUntil" IS NULL OR "lockedUntil" <= $2::timestamp(3))
         AND "attempts" < $3 AND "channel" IN (${channels.map((channel) => `'${channel}'`).join(', ')})
       ORDER BY "nextAttemptAt", "id"
       LIMIT $4
       FOR UPDATE SKIP LOCKED)
     UPDATE "OutboxMessage" o SET "lockedUntil" = $1::timestamp(3), "attempts" = o."attempts" + 1
     FROM picked
     WHERE o."id" = picked."id"
       AND o."status" = 'PENDING' AND (o."lockedUntil" IS NULL OR o."lockedUntil" <= $2::timestamp(3))
     RETURNING o."id", o."channel"::text AS "channel", o."event", o."recipient", o."claimId", o."partnerId", o."payload", o."attempts",
               o."createdAt" AT TIME ZONE 'UTC' AS "createdAt", (EXTRACT(EPOCH FROM o."nextAttemptAt") * 1000)::float8 AS "dueMs"`,
    [lease.toISOString(), now.toISOString(), maxAttempts, batchSize],
  );
  if (claimed.length === 0) return;
  if (claimed.length >= batchSize) counts.more = true;
  const rows = claimed.sort((a, b) => a.dueMs - b.dueMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  // Sends paced by a rate limit can make a pass long: past half the lease, the rows not tried yet are
  // given back untouched (attempt returned) rather than sent late in a lease that may end mid-send.
  const tryUntil = now.getTime() + leaseMs / 2;
  const outcomes: Promise<void>[] = [];
  const settlements = new Settlements(db, lease);
  await Promise.all(
    channels.map(async (channel) => {
      const mine = rows.filter((row) => row.channel === channel);
      if (mine.length > 0) await handlers[channel]?.prepare?.(mine.map(outbound));
    }),
  );
  const deliverOne = async (row: ClaimedRow): Promise<void> => {
    const handler = handlers[row.channel];
    if (!handler) return;
    if (clock.now().getTime() > tryUntil) {
      await settlements.settle(row.id, { status: 'PENDING', attemptGivenBack: true });
      counts.more = true;
      return;
    }
    const untimely = await noLongerTimely(db, row.payload, clock.now(), leaseMs);
    if (untimely) {
      if (await settlements.settle(row.id, { status: 'DROPPED', lastError: untimely })) counts.dropped = (counts.dropped ?? 0) + 1;
      return;
    }
    const result = await sendSafely(handler, outbound(row));
    // The outcome is written while the worker goes on to its next message: at the Teams limits the
    // time between sends is what bounds a drain (bench/RESULTS.md, issue 18 target 6). The pass
    // ends only once every outcome is written.
    outcomes.push(recordOutcome(row, result));
  };

  const recordOutcome = async (row: ClaimedRow, result: DeliveryResult): Promise<void> => {
    const at = clock.now();
    let change: Settlement;
    let outcome: 'sent' | 'retried' | 'dead' | 'held';
    if (result.ok) {
      change = { status: 'SENT', sentAt: at };
      outcome = 'sent';
    } else if (result.held === true) {
      // The claim counted an attempt; a hold is not one, so it is given back.
      change = { status: 'PENDING', nextAttemptAt: new Date(at.getTime() + Math.max(0, Math.ceil(result.retryAfterMs))), attemptGivenBack: true };
      outcome = 'held';
    } else if (result.undeliverable === true) {
      change = { status: 'UNDELIVERABLE', lastError: result.reason };
      outcome = 'dead';
    } else if (!result.retryable || row.attempts >= maxAttempts) {
      change = { status: 'DEAD', lastError: result.retryable ? `Gave up after ${row.attempts} attempts: ${result.reason}` : result.reason };
      outcome = 'dead';
    } else {
      change = { status: 'PENDING', nextAttemptAt: new Date(at.getTime() + retryDelayMs(row.attempts, result.retryAfterMs, random)), lastError: result.reason };
      outcome = 'retried';
    }
    if (await settlements.settle(row.id, change)) counts[outcome] = (counts[outcome] ?? 0) + 1;
  };

  // Recipients in parallel, each one's messages in order: one slow or rate-paced conversation does
  // not hold up the others, and the sends' round trips overlap. Every row keeps its own lease.
  const byRecipient = new Map<string, ClaimedRow[]>();
  for (const row of rows) {
    const key = `${row.channel}\u0000${row.recipient}`;
    byRecipient.set(key, [...(byRecipient.get(key) ?? []), row]);
  }
  const queues = [...byRecipient.values()];
  const worker = async () => {
    for (let queue = queues.shift(); queue; queue = queues.shift()) {
      for (const row of queue) await deliverOne(row);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queues.length) }, worker));
  await Promise.all(outcomes);
}

/** A row as a pass claimed it: what a send needs, and when it was due (the pass's order). */
type ClaimedRow = Pick<OutboundMessage, 'id' | 'channel' | 'event' | 'recipient' | 'claimId' | 'partnerId' | 'payload' | 'createdAt'> & {
  attempts: number;
  dueMs: number;
};

function outbound(row: ClaimedRow): OutboundMessage {
  return {
    id: row.id,
    idempotencyKey: row.id,
    channel: row.channel,
    event: row.event,
    recipient: row.recipient,
    claimId: row.claimId,
    partnerId: row.partnerId,
    payload: row.payload,
    attempt: row.attempts,
    createdAt: row.createdAt,
  };
}

/** How a claimed row ends its pass: its new status and what else changes; the lease is always released. */
interface Settlement {
  status: 'PENDING' | 'SENT' | 'DEAD' | 'UNDELIVERABLE' | 'DROPPED';
  sentAt?: Date;
  nextAttemptAt?: Date;
  /** The claim counted an attempt that was not made (a hold, a row given back). */
  attemptGivenBack?: boolean;
  /** Kept as it was when absent. */
  lastError?: string;
}

/**
 * Writes claimed rows' outcomes while the lease is still ours (the lease end is the token): each
 * as soon as it is known, in one statement with whatever else became known while the previous
 * statement was on its way (so no outcome waits for a batch, and a busy pass makes one round trip
 * for many rows, not one each). `settle` resolves to whether the row was still ours.
 */
class Settlements {
  private queued: { id: string; change: Settlement; done: (settled: boolean) => void; failed: (error: unknown) => void }[] = [];
  private flight: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly lease: Date,
  ) {}

  settle(id: string, change: Settlement): Promise<boolean> {
    return new Promise<boolean>((done, failed) => {
      this.queued.push({ id, change, done, failed });
      this.flight ??= this.fly();
    });
  }

  private async fly(): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0);
      try {
        const settled = await this.write(batch.map(({ id, change }) => ({ id, change })));
        for (const item of batch) item.done(settled.has(item.id));
      } catch (error) {
        for (const item of batch) item.failed(error);
      }
    }
    this.flight = null;
  }

  private async write(items: readonly { id: string; change: Settlement }[]): Promise<Set<string>> {
    const rows = await this.db.sql.query<{ id: string }>(
      `UPDATE "OutboxMessage" o
       SET "status" = v."status"::"OutboxStatus", "sentAt" = COALESCE(v."sentAt"::timestamp(3), o."sentAt"),
           "nextAttemptAt" = COALESCE(v."nextAttemptAt"::timestamp(3), o."nextAttemptAt"),
           "attempts" = o."attempts" - v."givenBack", "lastError" = COALESCE(v."lastError", o."lastError"), "lockedUntil" = NULL
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[]) AS v("id", "status", "sentAt", "nextAttemptAt", "givenBack", "lastError")
       WHERE o."id" = v."id" AND o."status" = 'PENDING' AND o."lockedUntil" = $1::timestamp(3)
       RETURNING o."id"`,
      [
        this.lease.toISOString(),
        items.map(({ id }) => id),
        items.map(({ change }) => change.status),
        items.map(({ change }) => change.sentAt?.toISOString() ?? null),
        items.map(({ change }) => change.nextAttemptAt?.toISOString() ?? null),
        items.map(({ change }) => (change.attemptGivenBack ? 1 : 0)),
        items.map(({ change }) => change.lastError ?? null),
      ],
    );
    return new Set(rows.map((row) => row.id));
  }
}

/**
 * What a message may carry to say when it is worth sending: a reminder only before its deadline and
 * while its claim is still in the status it was written for; a daily digest only on its day.
 */
const TimelinessSchema = z.object({
  // Without a claim (a daily digest), only the time counts.
  timely: z.object({ until: z.iso.datetime(), claimId: z.string().optional(), claimStatus: z.string().optional() }),
});

/**
 * Why the message is not worth sending any more, or null. A send can take up to the lease, and the
 * sweep may expire the claim at its deadline, so a reminder that could land after it is dropped: it
 * can never arrive after the claim's expiry message, which is written only once the deadline passed.
 */
async function noLongerTimely(db: Database, payload: Prisma.JsonValue, now: Date, leaseMs: number): Promise<string | null> {
  const parsed = TimelinessSchema.safeParse(payload);
  if (!parsed.success) return null;
  const { until, claimId, claimStatus } = parsed.data.timely;
  if (now.getTime() + leaseMs >= new Date(until).getTime()) {
    return claimId ? `Not sent: its deadline (${until}) passed before it could be delivered` : `Not sent: it was out of date (after ${until}) before it could be delivered`;
  }
  if (!claimId || !claimStatus) return null;
  const claim = await db.prisma.claim.findUnique({ where: { id: claimId }, select: { status: true } });
  if (claim?.status !== claimStatus) return `Not sent: the claim moved on (${claimStatus} → ${claim?.status ?? 'deleted'}) before it could be delivered`;
  return null;
}

async function sendSafely(handler: ChannelHandler, message: OutboundMessage): Promise<DeliveryResult> {
  try {
    return await handler.send(message);
  } catch (error) {
    return { ok: false, retryable: true, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Rows whose last allowed attempt was claimed but never marked (the instance stopped): dead-lettered once the lease ends. */
async function buryUnfinishedLastAttempts(db: Database, now: Date, maxAttempts: number): Promise<number> {
  const rows = await db.sql.query<{ id: string }>(
    `UPDATE "OutboxMessage"
     SET "status" = 'DEAD', "lockedUntil" = NULL,
         "lastError" = 'The last attempt did not finish (the instance stopped while delivering)' || COALESCE('; before that: ' || "lastError", '')
     WHERE "status" = 'PENDING' AND "attempts" >= $1 AND ("lockedUntil" IS NULL OR "lockedUntil" <= $2::timestamp(3))
     RETURNING "id"`,
    [maxAttempts, now.toISOString()],
  );
  return rows.length;
}

/** A dead-lettered message, as an Incentives admin sees it. */
export interface DeadLetter {
  id: string;
  /** DEAD: delivery failed (retries exhausted or refused); UNDELIVERABLE: the recipient cannot be reached. */
  status: 'DEAD' | 'UNDELIVERABLE';
  channel: OutboxChannel;
  event: string;
  recipient: string;
  claimId: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

export interface DeadLetterPageRequest {
  cursor?: string | null;
  pageSize?: number;
}

const DEAD_LETTER_PAGE = { default: 20, max: 50 } as const;
const deadLetterCursor = z.object({ c: z.iso.datetime(), i: z.string().min(1) });

/** The partner's dead-lettered and undeliverable messages, newest first, one keyset page at a time. */
export async function deadLetters(db: Database, partnerId: string, page: DeadLetterPageRequest = {}): Promise<Page<DeadLetter>> {
  const size = clampPageSize(page.pageSize, DEAD_LETTER_PAGE);
  const after = decodeDeadLetterCursor(page.cursor);
  const rows = await db.prisma.outboxMessage.findMany({
    where: {
      partnerId,
      status: { in: ['DEAD', 'UNDELIVERABLE'] },
      ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: size + 1,
    select: { id: true, status: true, channel: true, event: true, recipient: true, claimId: true, attempts: true, lastError: true, createdAt: true },
  });
  const shown = rows.slice(0, size).map((row) => ({ ...row, status: row.status === 'UNDELIVERABLE' ? ('UNDELIVERABLE' as const) : ('DEAD' as const) }));
  const last = shown[shown.length - 1];
  const nextCursor =
    rows.length > size && last
      ? encodePageCursor({ c: last.createdAt.toISOString(), i: last.id })
      : null;
  return { rows: shown, nextCursor };
}

function decodeDeadLetterCursor(cursor: string | null | undefined): { createdAt: Date; id: string } | null {
  const key = decodePageCursor(deadLetterCursor, cursor, 'That page link is not valid any more; list the failed messages again.');
  return key ? { createdAt: new Date(key.c), id: key.i } : null;
}
