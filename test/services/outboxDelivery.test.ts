import { randomUUID } from 'node:crypto';
import { FixedClock } from '../../services/shared/clock';
import type { Database, OutboxChannel } from '../../services/db';
import { enqueue } from '../../services/outbox/outbox';
import {
  DELIVERY_DEFAULTS,
  deadLetters,
  deliverDueMessages,
  retryDelayMs,
  type ChannelHandler,
  type DeliveryResult,
  type OutboundMessage,
} from '../../services/outbox/delivery';
import { NotAllowedError } from '../../services/shared/errors';
import { T0 } from '../support/fixtures';
import { createTestDatabase } from '../support/testDatabase';

let db: Database;
let clock: FixedClock;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

beforeEach(async () => {
  clock = new FixedClock(T0);
  await db.prisma.outboxMessage.deleteMany();
});

async function queue(channel: OutboxChannel = 'EMAIL', extra: { partnerId?: string } = {}): Promise<string> {
  const dedupeKey = `test:${randomUUID()}`;
  await db.prisma.$transaction((tx) =>
    enqueue(tx, [{ channel, event: 'test.event', dedupeKey, recipient: 'someone@example.com', partnerId: extra.partnerId ?? 'P1', payload: { n: 1 } }], clock.now()),
  );
  return (await db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey } })).id;
}

async function row(id: string) {
  return db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
}

/** A handler that answers from a script and records what it was given. */
class ScriptedHandler implements ChannelHandler {
  readonly received: OutboundMessage[] = [];
  constructor(private readonly answer: (message: OutboundMessage) => DeliveryResult | Promise<DeliveryResult> = () => ({ ok: true })) {}
  async send(message: OutboundMessage): Promise<DeliveryResult> {
    this.received.push(message);
    return this.answer(message);
  }
}

const half = () => 0.5;

describe('retryDelayMs', () => {
  it('doubles from one minute, caps at an hour, and jitters by ±25 %', () => {
    expect(retryDelayMs(1, undefined, half)).toBe(60_000);
    expect(retryDelayMs(2, undefined, half)).toBe(120_000);
    expect(retryDelayMs(4, undefined, half)).toBe(480_000);
    expect(retryDelayMs(10, undefined, half)).toBe(3_600_000);
    expect(retryDelayMs(1, undefined, () => 0)).toBe(45_000);
    expect(retryDelayMs(1, undefined, () => 0.999999)).toBeLessThanOrEqual(75_000);
  });
  it('never retries sooner than Retry-After, and does not believe an absurd one', () => {
    expect(retryDelayMs(1, 10 * 60_000, half)).toBe(600_000);
    expect(retryDelayMs(3, 1_000, half)).toBe(240_000);
    expect(retryDelayMs(1, 365 * 24 * 3_600_000, half)).toBe(DELIVERY_DEFAULTS.maxRetryAfterMs);
  });
});

describe('deliverDueMessages', () => {
  it('sends a due message once, marks it SENT and passes the outbox id as the idempotency key', async () => {
    const id = await queue();
    const email = new ScriptedHandler();
    expect(await deliverDueMessages(db, clock, { EMAIL: email })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(email.received).toHaveLength(1);
    expect(email.received[0]).toMatchObject({ id, idempotencyKey: id, channel: 'EMAIL', event: 'test.event', recipient: 'someone@example.com', payload: { n: 1 }, attempt: 1 });
    expect(await row(id)).toMatchObject({ status: 'SENT', sentAt: T0, attempts: 1, lockedUntil: null });
    expect(await deliverDueMessages(db, clock, { EMAIL: email })).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(email.received).toHaveLength(1);
  });

  it('routes each row to the handler of its channel and leaves rows without a handler untouched', async () => {
    const emailId = await queue('EMAIL');
    const teamsId = await queue('TEAMS');
    const email = new ScriptedHandler();
    expect(await deliverDueMessages(db, clock, { EMAIL: email })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(email.received.map((m) => m.id)).toEqual([emailId]);
    const untouched = await row(teamsId);
    expect(untouched).toMatchObject({ status: 'PENDING', attempts: 0, lockedUntil: null, lastError: null, nextAttemptAt: T0 });
    expect(await deliverDueMessages(db, clock, {})).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(await row(teamsId)).toEqual(untouched);
  });

  it('does not send a message before its next attempt is due', async () => {
    const id = await queue();
    await db.prisma.outboxMessage.update({ where: { id }, data: { nextAttemptAt: new Date(T0.getTime() + 1000) } });
    const email = new ScriptedHandler();
    expect((await deliverDueMessages(db, clock, { EMAIL: email })).sent).toBe(0);
    clock.set(new Date(T0.getTime() + 1000));
    expect((await deliverDueMessages(db, clock, { EMAIL: email })).sent).toBe(1);
  });

  it('retries a retryable failure with exponential backoff', async () => {
    const id = await queue();
    const email = new ScriptedHandler(() => ({ ok: false, retryable: true, reason: 'HTTP 503' }));
    expect(await deliverDueMessages(db, clock, { EMAIL: email }, { random: half })).toEqual({ sent: 0, retried: 1, dead: 0, nextDueInMs: 60_000 });
    expect(await row(id)).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'HTTP 503', lockedUntil: null, nextAttemptAt: new Date(T0.getTime() + 60_000) });

    expect((await deliverDueMessages(db, clock, { EMAIL: email }, { random: half })).retried).toBe(0);
    clock.set(new Date(T0.getTime() + 60_000));
    expect((await deliverDueMessages(db, clock, { EMAIL: email }, { random: half })).retried).toBe(1);
    expect(await row(id)).toMatchObject({ attempts: 2, nextAttemptAt: new Date(T0.getTime() + 60_000 + 120_000) });
    expect(email.received.map((m) => m.attempt)).toEqual([1, 2]);
    expect(new Set(email.received.map((m) => m.idempotencyKey))).toEqual(new Set([id]));
  });

  it('honours Retry-After', async () => {
    const id = await queue();
    const email = new ScriptedHandler(() => ({ ok: false, retryable: true, retryAfterMs: 30 * 60_000, reason: 'HTTP 429' }));
    await deliverDueMessages(db, clock, { EMAIL: email }, { random: half });
    expect(await row(id)).toMatchObject({ attempts: 1, lastError: 'HTTP 429', nextAttemptAt: new Date(T0.getTime() + 30 * 60_000) });
  });

  it('treats a thrown error as a retryable failure', async () => {
    const id = await queue();
    const email = new ScriptedHandler(() => {
      throw new Error('socket hang up');
    });
    expect((await deliverDueMessages(db, clock, { EMAIL: email }, { random: half })).retried).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'PENDING', lastError: 'socket hang up' });
  });

  it('dead-letters a message after the last attempt fails', async () => {
    const id = await queue();
    const email = new ScriptedHandler(() => ({ ok: false, retryable: true, reason: 'HTTP 500' }));
    const counts = { sent: 0, retried: 0, dead: 0 };
    for (let i = 0; i < 10; i += 1) {
      const pass = await deliverDueMessages(db, clock, { EMAIL: email }, { random: half, maxAttempts: 4 });
      counts.retried += pass.retried;
      counts.dead += pass.dead;
      clock.advanceDays(1);
    }
    expect(counts).toEqual({ sent: 0, retried: 3, dead: 1 });
    expect(email.received).toHaveLength(4);
    expect(await row(id)).toMatchObject({ status: 'DEAD', attempts: 4, lastError: 'Gave up after 4 attempts: HTTP 500', lockedUntil: null });
  });

  it('holds a message back for a rate limit without spending an attempt or backing off, however often', async () => {
    const id = await queue();
    let holds = 12;
    const email = new ScriptedHandler(() => (holds-- > 0 ? { ok: false, held: true, retryAfterMs: 1_500, reason: 'rate limit' } : { ok: true }));
    for (let pass = 0; pass < 12; pass += 1) {
      expect(await deliverDueMessages(db, clock, { EMAIL: email }, { maxAttempts: 4 })).toEqual({ sent: 0, retried: 0, dead: 0, held: 1, nextDueInMs: 1_500 });
      // Due again exactly when the window allows: not a millisecond sooner, no minute of backoff.
      expect(await row(id)).toMatchObject({ status: 'PENDING', attempts: 0, lastError: null, lockedUntil: null, nextAttemptAt: new Date(clock.now().getTime() + 1_500) });
      clock.set(new Date(clock.now().getTime() + 1_499));
      expect((await deliverDueMessages(db, clock, { EMAIL: email })).held).toBeUndefined();
      clock.set(new Date(clock.now().getTime() + 1));
    }
    expect(await deliverDueMessages(db, clock, { EMAIL: email }, { maxAttempts: 4 })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(await row(id)).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(email.received.map((m) => m.attempt)).toEqual(Array.from({ length: 13 }, () => 1));
  });

  it('says when the soonest waiting message is due, whichever earlier pass held it back', async () => {
    const soon = await queue();
    const later = await queue();
    const held = new Set<string>();
    const email = new ScriptedHandler((message) => {
      if (held.has(message.id)) return { ok: true };
      held.add(message.id);
      return { ok: false, held: true, retryAfterMs: message.id === soon ? 1_000 : 3_000, reason: 'rate limit' };
    });
    expect(await deliverDueMessages(db, clock, { EMAIL: email })).toMatchObject({ held: 2, nextDueInMs: 1_000 });
    clock.set(new Date(clock.now().getTime() + 1_000));
    // This pass sends the one due and holds nothing, yet the other is still waiting: it says when.
    expect(await deliverDueMessages(db, clock, { EMAIL: email })).toEqual({ sent: 1, retried: 0, dead: 0, nextDueInMs: 2_000 });
    clock.set(new Date(clock.now().getTime() + 2_000));
    expect(await deliverDueMessages(db, clock, { EMAIL: email })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(await row(later)).toMatchObject({ status: 'SENT' });
  });

  it('says when a pass took a full batch, so that the scheduler runs the next one at once', async () => {
    for (let i = 0; i < 3; i += 1) await queue();
    expect(await deliverDueMessages(db, clock, { EMAIL: new ScriptedHandler() }, { batchSize: 2 })).toEqual({ sent: 2, retried: 0, dead: 0, more: true, nextDueInMs: 0 });
    expect(await deliverDueMessages(db, clock, { EMAIL: new ScriptedHandler() }, { batchSize: 2 })).toEqual({ sent: 1, retried: 0, dead: 0 });
  });

  it('gives back untouched the rows of a pass it reaches after half the lease, for the next pass', async () => {
    const first = await queue();
    const second = await queue();
    // The first send takes the whole half lease (a slow connector, or sends paced by the limit).
    const email = new ScriptedHandler(() => {
      clock.set(new Date(T0.getTime() + DELIVERY_DEFAULTS.leaseMs / 2 + 1));
      return { ok: true };
    });
    expect(await deliverDueMessages(db, clock, { EMAIL: email })).toEqual({ sent: 1, retried: 0, dead: 0, more: true, nextDueInMs: 0 });
    expect(email.received).toHaveLength(1);
    const left = email.received[0]?.id === first ? second : first;
    expect(await row(left)).toMatchObject({ status: 'PENDING', attempts: 0, lockedUntil: null });
    expect(await deliverDueMessages(db, clock, { EMAIL: email })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(await row(left)).toMatchObject({ status: 'SENT', attempts: 1 });
  });

  it('sends to several recipients at once within a pass, each recipient’s messages in order', async () => {
    const to = async (recipient: string, n: number) =>
      db.prisma.$transaction((tx) => enqueue(tx, [{ channel: 'EMAIL', event: 'test.event', dedupeKey: `test:${randomUUID()}`, recipient, payload: { n } }], clock.now()));
    // Queued one millisecond apart: the order they are due in.
    for (let n = 1; n <= 3; n += 1) {
      clock.set(new Date(T0.getTime() + n));
      await to('slow@example.com', n);
    }
    await to('quick@example.com', 1);
    let release: () => void = () => undefined;
    const slowGate = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const email = new ScriptedHandler(async (message) => {
      const n = String((message.payload as { n: number }).n);
      if (message.recipient === 'slow@example.com' && n === '1') await slowGate;
      order.push(`${message.recipient}#${n}`);
      if (message.recipient === 'quick@example.com') release();
      return { ok: true };
    });
    expect(await deliverDueMessages(db, clock, { EMAIL: email })).toEqual({ sent: 4, retried: 0, dead: 0 });
    // The quick recipient did not wait behind the slow one, whose messages kept their order.
    expect(order).toEqual(['quick@example.com#1', 'slow@example.com#1', 'slow@example.com#2', 'slow@example.com#3']);
  });

  it('dead-letters a permanent failure at once', async () => {
    const id = await queue();
    const email = new ScriptedHandler(() => ({ ok: false, retryable: false, reason: 'Recipient address rejected' }));
    expect(await deliverDueMessages(db, clock, { EMAIL: email })).toEqual({ sent: 0, retried: 0, dead: 1 });
    expect(await row(id)).toMatchObject({ status: 'DEAD', attempts: 1, lastError: 'Recipient address rejected' });
    clock.advanceDays(1);
    await deliverDueMessages(db, clock, { EMAIL: email });
    expect(email.received).toHaveLength(1);
  });

  it('records an unreachable recipient as UNDELIVERABLE with the reason, at once, never retried', async () => {
    const id = await queue('TEAMS');
    const teams = new ScriptedHandler(() => ({ ok: false, retryable: false, undeliverable: true, reason: 'Teams refused the message (403 BotNotInConversationRoster)' }));
    expect(await deliverDueMessages(db, clock, { TEAMS: teams })).toEqual({ sent: 0, retried: 0, dead: 1 });
    expect(await row(id)).toMatchObject({ status: 'UNDELIVERABLE', attempts: 1, lastError: 'Teams refused the message (403 BotNotInConversationRoster)', lockedUntil: null });
    clock.advanceDays(1);
    await deliverDueMessages(db, clock, { TEAMS: teams });
    expect(teams.received).toHaveLength(1);
  });

  it('never delivers a row twice when two deliverers race', async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, () => queue()));
    const seen: string[] = [];
    const slow = (message: OutboundMessage): Promise<DeliveryResult> => {
      seen.push(message.id);
      return new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 2));
    };
    const results = await Promise.all([
      deliverDueMessages(db, clock, { EMAIL: new ScriptedHandler(slow) }, { batchSize: 12 }),
      deliverDueMessages(db, clock, { EMAIL: new ScriptedHandler(slow) }, { batchSize: 12 }),
      deliverDueMessages(db, clock, { EMAIL: new ScriptedHandler(slow) }, { batchSize: 12 }),
    ]);
    // A racer may claim fewer than its batch (a row another racer just leased is skipped, not waited
    // for); what is left is picked up by the next pass. What must never happen is a second delivery.
    const straggler = await deliverDueMessages(db, clock, { EMAIL: new ScriptedHandler(slow) }, { batchSize: 30 });
    expect(results.reduce((sum, r) => sum + r.sent, 0) + straggler.sent).toBe(30);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(await db.prisma.outboxMessage.count({ where: { status: 'SENT', attempts: 1 } })).toBe(30);
  });

  it('does not take a row another deliverer holds, and redelivers it once that lease has ended', async () => {
    const id = await queue();
    let release: () => void = () => undefined;
    const stuck = new ScriptedHandler(
      () =>
        new Promise<DeliveryResult>((resolve) => {
          release = () => resolve({ ok: true });
        }),
    );
    const first = deliverDueMessages(db, clock, { EMAIL: stuck }, { leaseMs: 60_000 });
    while (stuck.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    const other = new ScriptedHandler();
    expect((await deliverDueMessages(db, clock, { EMAIL: other })).sent).toBe(0);
    expect(other.received).toHaveLength(0);

    clock.set(new Date(T0.getTime() + 60_000));
    expect((await deliverDueMessages(db, clock, { EMAIL: other })).sent).toBe(1);
    expect(other.received[0]).toMatchObject({ id, idempotencyKey: id, attempt: 2 });

    // The first deliverer's lease has ended; its late outcome must not overwrite the redelivery's.
    release();
    expect((await first).sent).toBe(0);
    expect(await row(id)).toMatchObject({ status: 'SENT', attempts: 2, sentAt: new Date(T0.getTime() + 60_000) });
  });

  it('redelivers a row claimed by an instance that stopped before marking it, once the lease ends', async () => {
    const id = await queue();
    const lease = new Date(T0.getTime() + DELIVERY_DEFAULTS.leaseMs);
    await db.prisma.outboxMessage.update({ where: { id }, data: { attempts: 1, lockedUntil: lease } });
    const email = new ScriptedHandler();
    expect((await deliverDueMessages(db, clock, { EMAIL: email })).sent).toBe(0);
    clock.set(lease);
    expect((await deliverDueMessages(db, clock, { EMAIL: email })).sent).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'SENT', attempts: 2 });
  });

  it('dead-letters a row whose last attempt never finished', async () => {
    const id = await queue();
    await db.prisma.outboxMessage.update({ where: { id }, data: { attempts: 3, lockedUntil: T0, lastError: 'HTTP 500' } });
    const email = new ScriptedHandler();
    expect(await deliverDueMessages(db, clock, { EMAIL: email }, { maxAttempts: 3 })).toEqual({ sent: 0, retried: 0, dead: 1 });
    expect(email.received).toHaveLength(0);
    expect((await row(id)).status).toBe('DEAD');
    expect((await row(id)).lastError).toContain('did not finish');
  });
});

describe('deadLetters', () => {
  it("pages over the partner's dead letters, newest first, and refuses a bad cursor", async () => {
    const dead: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      dead.push(await queue('EMAIL', { partnerId: 'P1' }));
      clock.set(new Date(clock.now().getTime() + 1000));
    }
    await queue('EMAIL', { partnerId: 'P2' });
    await queue('EMAIL', { partnerId: 'P1' });
    await db.prisma.outboxMessage.updateMany({ where: { id: { in: dead } }, data: { status: 'DEAD', lastError: 'HTTP 400' } });
    await db.prisma.outboxMessage.updateMany({ where: { partnerId: 'P2' }, data: { status: 'DEAD' } });

    const first = await deadLetters(db, 'P1', { pageSize: 2 });
    expect(first.rows.map((r) => r.id)).toEqual([dead[4], dead[3]]);
    expect(first.rows[0]).toMatchObject({ channel: 'EMAIL', event: 'test.event', lastError: 'HTTP 400' });
    const second = await deadLetters(db, 'P1', { pageSize: 2, cursor: first.nextCursor });
    const third = await deadLetters(db, 'P1', { pageSize: 2, cursor: second.nextCursor });
    expect([...second.rows, ...third.rows].map((r) => r.id)).toEqual([dead[2], dead[1], dead[0]]);
    expect(third.nextCursor).toBeNull();
    await expect(deadLetters(db, 'P1', { cursor: 'garbage' })).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('lists undeliverable messages alongside dead ones, each labelled, and not sent or pending ones', async () => {
    const dead = await queue('EMAIL', { partnerId: 'P3' });
    clock.set(new Date(clock.now().getTime() + 1000));
    const unreachable = await queue('TEAMS', { partnerId: 'P3' });
    clock.set(new Date(clock.now().getTime() + 1000));
    const sent = await queue('TEAMS', { partnerId: 'P3' });
    await queue('TEAMS', { partnerId: 'P3' });
    await db.prisma.outboxMessage.update({ where: { id: dead }, data: { status: 'DEAD', lastError: 'Gave up after 8 attempts: HTTP 500' } });
    await db.prisma.outboxMessage.update({ where: { id: unreachable }, data: { status: 'UNDELIVERABLE', lastError: 'Teams refused the message (403 BotDisabledByAdmin)' } });
    await db.prisma.outboxMessage.update({ where: { id: sent }, data: { status: 'SENT' } });
    const page = await deadLetters(db, 'P3');
    expect(page.rows.map((r) => [r.id, r.status, r.lastError])).toEqual([
      [unreachable, 'UNDELIVERABLE', 'Teams refused the message (403 BotDisabledByAdmin)'],
      [dead, 'DEAD', 'Gave up after 8 attempts: HTTP 500'],
    ]);
  });
});
