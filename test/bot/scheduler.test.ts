import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { buildServices } from '../../bot/composition';
import { nextPassInMs, startScheduler } from '../../bot/scheduler';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { enqueue } from '../../services/outbox/outbox';
import type { DeliveryResult } from '../../services/outbox/delivery';
import { T0 } from '../support/fixtures';
import { createTestDatabase } from '../support/testDatabase';

let db: Database;
const clock = new FixedClock(T0);

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

beforeEach(async () => {
  await db.prisma.outboxMessage.deleteMany();
});

/** The scheduler's two facades over a database. */
function facades(database: Database) {
  const services = buildServices({ db: database, clock, consent: { tokenSecret: 't'.repeat(40), publicBaseUrl: 'https://bot.test' } });
  return { claims: services.claims, outbox: services.outbox };
}

function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { logger, lines };
}

async function queueEmail(): Promise<void> {
  await db.prisma.$transaction((tx) =>
    enqueue(tx, [{ channel: 'EMAIL', event: 'test', dedupeKey: randomUUID(), recipient: 'a@example.com', payload: {} }], clock.now()),
  );
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

/** A handler that holds every send until released, counting sends in flight at once. */
function gate() {
  let inFlight = 0;
  let maxInFlight = 0;
  let sends = 0;
  const waiting: (() => void)[] = [];
  return {
    handler: {
      async send(): Promise<DeliveryResult> {
        sends += 1;
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise<void>((resolve) => waiting.push(resolve));
        inFlight -= 1;
        return { ok: true };
      },
    },
    release: () => waiting.splice(0).forEach((resolve) => resolve()),
    /** Waits (bounded) until `count` sends have started: the first query of a file warms Prisma up, which takes longer than a settle. */
    async untilSends(count: number): Promise<void> {
      for (let i = 0; i < 200 && sends < count; i += 1) await settle();
    },
    get sends() {
      return sends;
    },
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

describe('startScheduler', () => {
  it('runs the deadline sweep then delivery, and never overlaps its passes', async () => {
    const { logger } = capturingLogger();
    const g = gate();
    const scheduler = startScheduler({ ...facades(db), logger, intervalMs: 3_600_000, delivery: { EMAIL: g.handler } });
    await queueEmail();
    const first = scheduler.runOnce();
    await g.untilSends(1);
    await queueEmail();
    const second = scheduler.runOnce();
    await settle();
    expect(g.sends).toBe(1);
    g.release();
    expect(await first).toEqual({ deadlines: { reminded: 0, expired: 0 }, delivery: { sent: 1, retried: 0, dead: 0, nextDueInMs: 0 } });
    await g.untilSends(2);
    g.release();
    expect(await second).toEqual({ deadlines: { reminded: 0, expired: 0 }, delivery: { sent: 1, retried: 0, dead: 0 } });
    expect(g.maxInFlight).toBe(1);
    await scheduler.stop();
  });

  it('runs on its interval', async () => {
    const { logger } = capturingLogger();
    let sends = 0;
    const scheduler = startScheduler({
      ...facades(db),
      logger,
      intervalMs: 20,
      delivery: {
        EMAIL: {
          send: () => {
            sends += 1;
            return Promise.resolve({ ok: true });
          },
        },
      },
    });
    await queueEmail();
    for (let i = 0; i < 100 && sends === 0; i += 1) await settle();
    expect(sends).toBe(1);
    await scheduler.stop();
  });

  it('stop() waits for the pass in flight, and nothing runs afterwards', async () => {
    const { logger } = capturingLogger();
    const g = gate();
    const scheduler = startScheduler({ ...facades(db), logger, intervalMs: 3_600_000, delivery: { EMAIL: g.handler } });
    await queueEmail();
    const pass = scheduler.runOnce();
    await g.untilSends(1);
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);
    g.release();
    await stopping;
    expect((await pass).delivery?.sent).toBe(1);
    await queueEmail();
    expect(await scheduler.runOnce()).toEqual({ deadlines: null, delivery: null });
    expect(g.sends).toBe(1);
  });

  it('logs a failing pass instead of throwing, and keeps going', async () => {
    const { logger, lines } = capturingLogger();
    const broken = await createTestDatabase();
    await broken.close();
    const scheduler = startScheduler({ ...facades(broken), logger, intervalMs: 3_600_000, delivery: {} });
    expect(await scheduler.runOnce()).toEqual({ deadlines: null, delivery: null });
    expect(await scheduler.runOnce()).toEqual({ deadlines: null, delivery: null });
    expect(lines.filter((line) => line.level >= 50).map((line) => line.msg)).toEqual([
      'scheduler: deadline sweep failed',
      'scheduler: outbox delivery failed',
      'scheduler: deadline sweep failed',
      'scheduler: outbox delivery failed',
    ]);
    await scheduler.stop();
  });
});

describe('when the next pass runs', () => {
  it('is at once after a full batch, when the soonest waiting message is due, else after the interval', () => {
    expect(nextPassInMs(5_000, { sent: 50, retried: 0, dead: 0, more: true, nextDueInMs: 700 })).toBe(0);
    expect(nextPassInMs(5_000, { sent: 3, retried: 0, dead: 0, held: 4, nextDueInMs: 700 })).toBe(700);
    // A pass that found nothing due still wakes for the rows an earlier pass held back (the delivery reports them).
    expect(nextPassInMs(5_000, { sent: 0, retried: 0, dead: 0, nextDueInMs: 1_200 })).toBe(1_200);
    expect(nextPassInMs(5_000, { sent: 0, retried: 0, dead: 0, nextDueInMs: 60_000 })).toBe(5_000);
    expect(nextPassInMs(5_000, { sent: 0, retried: 0, dead: 0 })).toBe(5_000);
    expect(nextPassInMs(5_000, null)).toBe(5_000);
  });
});
