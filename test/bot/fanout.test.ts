import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import pino from 'pino';
import { loadConfig } from '../../bot/config';
import { ConversationReferenceStore } from '../../bot/conversationReferences';
import { TeamsNotifier } from '../../bot/notifier';
import { createProactiveAdapter } from '../../bot/proactiveAdapter';
import { TeamsRateLimiter } from '../../bot/teamsRateLimiter';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { enqueue } from '../../services/outbox/outbox';
import { deliverDueMessages, type ChannelHandler, type DeliveryResult } from '../../services/outbox/delivery';
import { LocalReferralPort } from '../../services/ports/referrals';
import { REFERRAL_EVENTS, upgradeReferralInTx } from '../../services/referrals/referrals';
import { cardOf, messageActivity } from '../support/activities';
import { Fixtures, T0, buildWorld, type World } from '../support/fixtures';
import { TeamsCaptureConnector } from '../support/teamsConnector';
import { createTestDatabase } from '../support/testDatabase';

/**
 * Fan-outs through the real notifier and the real Bot Framework client to the capture connector on
 * loopback, which enforces Teams' limits. Time is simulated: the limiter, the connector and the
 * outbox read one clock, and the notifier's waits advance it instead of sleeping, so a fan-out that
 * takes minutes of Teams time runs in seconds and the assertions do not depend on the machine's speed.
 */

const logger = pino({ level: 'silent' });
const TENANT = 'tenant-fanout';

/** One timeline for the outbox clock (a Date) and the limiter and connector (milliseconds). */
class SimulatedTime {
  ms = 0;
  readonly clock = new FixedClock(T0);

  advance(ms: number): void {
    this.ms += ms;
    this.clock.set(new Date(this.clock.now().getTime() + ms));
  }
}

let db: Database;
let f: Fixtures;
let world: World;
let time: SimulatedTime;
let teams: TeamsCaptureConnector;
let serviceUrl: string;
let store: ConversationReferenceStore;
const adapter = createProactiveAdapter(loadConfig({}));

beforeAll(async () => {
  db = await createTestDatabase();
  f = new Fixtures(db);
  world = await buildWorld(f);
  store = new ConversationReferenceStore(db, logger);
});

afterAll(async () => {
  await db.close();
});

beforeEach(async () => {
  time = new SimulatedTime();
  teams = new TeamsCaptureConnector({ now: () => time.ms });
  serviceUrl = await teams.start();
});

afterEach(async () => {
  await teams.stop();
});

/** A user's personal chat with the bot in the fan-out tenant. */
async function install(aadObjectId: string, conversationId: string): Promise<void> {
  const activity = { ...messageActivity({ serviceUrl, aadObjectId, conversationId, text: 'hi' }), conversation: { id: conversationId, tenantId: TENANT } };
  await store.recordActivity(activity as unknown as Activity);
}

function notifier(share = 1): TeamsNotifier {
  return new TeamsNotifier({
    db,
    adapter,
    appId: '',
    logger,
    limiter: new TeamsRateLimiter({ now: () => time.ms, share }),
    sleep: (ms) => {
      time.advance(ms);
      return Promise.resolve();
    },
  });
}

/** Delivers (with one or more instances) until nothing of `events` is pending, moving simulated time to each next attempt; bounded. */
async function deliverAll(events: string[], instances: ChannelHandler[] = [notifier()]): Promise<void> {
  for (let pass = 0; pass < 100; pass += 1) {
    // The instances take turns on the one timeline. Run at once, one instance's simulated wait would
    // move the clock while the other's request is still in flight, so the connector would date that
    // request seconds late (in real time the flight takes milliseconds) and see bunching no real
    // deployment has.
    for (const handler of instances) await deliverDueMessages(db, time.clock, { TEAMS: handler }, { batchSize: 50, random: () => 0 });
    const next = await db.prisma.outboxMessage.findFirst({ where: { status: 'PENDING', event: { in: events } }, orderBy: { nextAttemptAt: 'asc' } });
    if (!next) return;
    time.advance(Math.max(1, next.nextAttemptAt.getTime() - time.clock.now().getTime()));
  }
  throw new Error('messages still pending after 100 delivery passes');
}

jest.setTimeout(180_000);

describe('fan-out within Teams’ limits', () => {
  it('delivers 500 co-sell messages to 500 sellers exactly once each, with no limit violation', async () => {
    const sellers = Array.from({ length: 500 }, (_, i) => ({ id: `S-FAN-${String(i).padStart(3, '0')}`, conversationId: `a:fan-${i}` }));
    await db.prisma.seller.createMany({
      data: sellers.map((s) => ({ id: s.id, aadObjectId: `aad-${s.id}`, tenantId: TENANT, displayName: s.id, email: `${s.id.toLowerCase()}@microsoft.example` })),
    });
    await db.prisma.sellerCoverage.createMany({ data: sellers.map((s) => ({ sellerId: s.id, tpid: '424242' })) });
    for (const s of sellers) await install(`aad-${s.id}`, s.conversationId);
    const customerId = await f.customer({ name: 'Fan-out Customer', ids: [{ type: 'TPID', value: '424242' }] });
    const claimId = await f.claim({ partnerId: world.partnerA, engagementId: world.fixed, customerId, locationId: world.location, userId: world.user, status: 'CONSENT_GRANTED' });
    await db.prisma.$transaction(async (tx) => {
      const { referral } = await new LocalReferralPort().createPartnerLed(tx, { claimId, partnerId: world.partnerA, dealSizeUsd: 50_000, at: time.clock.now() });
      expect(referral.dealType).toBe('PARTNER_LED');
      await upgradeReferralInTx(tx, time.clock, claimId);
    });
    expect(await db.prisma.outboxMessage.count({ where: { claimId, event: REFERRAL_EVENTS.coSellAvailable } })).toBe(500);

    await deliverAll([REFERRAL_EVENTS.coSellAvailable]);

    expect(teams.violations).toEqual([]);
    expect(teams.requests.filter((r) => r.status !== 200)).toEqual([]);
    for (const s of sellers) expect(teams.to(s.conversationId)).toHaveLength(1);
    expect(teams.activities).toHaveLength(500);
    const rows = await db.prisma.outboxMessage.findMany({ where: { claimId, event: REFERRAL_EVENTS.coSellAvailable } });
    expect(rows.every((row) => row.status === 'SENT')).toBe(true);
    // 500 sends at 50 per second in one tenant take at least 9 s of Teams time.
    expect(time.ms).toBeGreaterThanOrEqual(9_000);
  });

  async function queueBusy(aadObjectId: string, conversationId: string): Promise<void> {
    await db.prisma.$transaction((tx) =>
      enqueue(
        tx,
        Array.from({ length: 100 }, (_, i) => ({
          channel: 'TEAMS' as const,
          event: 'consent.accepted',
          dedupeKey: `busy:${conversationId}:${i}`,
          recipient: aadObjectId,
          claimId: `CLM-BUSY${String(i).padStart(4, '0')}`,
          payload: { text: `Message ${i} of 100`, customerName: 'Contoso', engagementName: 'Azure Migrate' },
        })),
        time.clock.now(),
      ),
    );
  }

  it('delivers 100 messages to one conversation exactly once each, with no limit violation', async () => {
    const aadObjectId = randomUUID();
    const conversationId = `a:busy-${randomUUID()}`;
    await install(aadObjectId, conversationId);
    await queueBusy(aadObjectId, conversationId);

    await deliverAll(['consent.accepted']);

    expect(teams.violations).toEqual([]);
    expect(teams.requests.filter((r) => r.status !== 200)).toEqual([]);
    const texts = teams.to(conversationId).map((activity) => JSON.stringify(cardOf(activity.body)).match(/Message \d+ of 100/)?.[0]);
    expect(new Set(texts).size).toBe(100);
    expect(texts).toHaveLength(100);
    expect(await db.prisma.outboxMessage.count({ where: { recipient: aadObjectId, status: 'SENT' } })).toBe(100);
    // At 60 per 30 s, 100 sends to one conversation span more than 30 s of Teams time.
    expect(time.ms).toBeGreaterThan(30_000);
  });

  it('stays within the limits when two instances, each with half of every limit, deliver to one conversation', async () => {
    const aadObjectId = randomUUID();
    const conversationId = `a:shared-${randomUUID()}`;
    await install(aadObjectId, conversationId);
    await queueBusy(aadObjectId, conversationId);

    const sentBy = [0, 0];
    const instances = [notifier(0.5), notifier(0.5)].map((handler, index): ChannelHandler => ({
      async send(message): Promise<DeliveryResult> {
        const result = await handler.send(message);
        if (result.ok) sentBy[index] = (sentBy[index] ?? 0) + 1;
        return result;
      },
    }));

    await deliverAll(['consent.accepted'], instances);

    expect(sentBy.every((count) => count > 0)).toBe(true);

    expect(teams.violations).toEqual([]);
    expect(teams.to(conversationId)).toHaveLength(100);
    expect(await db.prisma.outboxMessage.count({ where: { recipient: aadObjectId, status: 'SENT' } })).toBe(100);
  });
});
