import { FixedClock, addDays } from '../../services/shared/clock';
import { requestConsent, type ConsentSettings } from '../../services/consent/consent';
import { CONSENT_EVENTS } from '../../services/consent/email';
import type { Database } from '../../services/db';
import { findCaller } from '../../services/directory/callers';
import { deliverDueMessages } from '../../services/outbox/delivery';
import { GraphEmailSender, emailChannelHandler } from '../../services/ports/email';
import { Fixtures, T0, buildWorld, type World } from '../support/fixtures';
import { FakeCredential, StubGraph } from '../support/stubGraph';
import { createTestDatabase } from '../support/testDatabase';

const SETTINGS: ConsentSettings = { tokenSecret: 's'.repeat(40), publicBaseUrl: 'https://consent.example' };

/** The consent email from the outbox through Graph sendMail: throttled and failing sends are retried, never lost, never sent twice. */
describe('consent email delivery through Microsoft Graph', () => {
  let db: Database;
  const graph = new StubGraph();
  let baseUrl: string;
  let f: Fixtures;
  let world: World;

  beforeAll(async () => {
    db = await createTestDatabase();
    f = new Fixtures(db);
    world = await buildWorld(f);
    baseUrl = await graph.start();
  });

  afterAll(async () => {
    await graph.stop();
    await db.close();
  });

  it('waits out a 429 Retry-After, retries a 500, then sends exactly once with the same Message-ID', async () => {
    const customerId = await f.customer({ id: 'CUS-GRAPH' });
    const claimId = await f.claim({
      partnerId: world.partnerA,
      engagementId: world.fixed,
      customerId,
      locationId: world.location,
      userId: world.user,
      status: 'CLAIMED',
      consentDeadline: addDays(T0, 20),
    });
    const clock = new FixedClock(T0);
    await requestConsent(db, clock, SETTINGS, await findCaller(db.prisma, 'aad-UA-USER'), { claimId, estimatedDealSizeUsd: 10_000, disclaimerAccepted: true });

    const handlers = { EMAIL: emailChannelHandler(new GraphEmailSender({ sender: 'consent@partner.example', credential: new FakeCredential(), baseUrl, clock })) };
    const options = { random: () => 0.5 };
    const row = () => db.prisma.outboxMessage.findFirstOrThrow({ where: { claimId, event: CONSENT_EVENTS.requested } });

    graph.responses.push({ status: 429, headers: { 'retry-after': '600' } });
    expect(await deliverDueMessages(db, clock, handlers, options)).toEqual({ sent: 0, retried: 1, dead: 0, nextDueInMs: 600_000 });
    expect(await row()).toMatchObject({ status: 'PENDING', attempts: 1, nextAttemptAt: new Date(T0.getTime() + 600_000) });

    clock.set(new Date(T0.getTime() + 599_000));
    expect(await deliverDueMessages(db, clock, handlers, options)).toEqual({ sent: 0, retried: 0, dead: 0, nextDueInMs: 1_000 });
    expect(graph.requests).toHaveLength(1);

    clock.set(new Date(T0.getTime() + 600_000));
    graph.responses.push({ status: 500 });
    expect(await deliverDueMessages(db, clock, handlers, options)).toEqual({ sent: 0, retried: 1, dead: 0, nextDueInMs: 120_000 });

    clock.set(addDays(T0, 1));
    graph.responses.push({ status: 202 });
    expect(await deliverDueMessages(db, clock, handlers, options)).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(await row()).toMatchObject({ status: 'SENT', attempts: 3 });
    expect(await deliverDueMessages(db, clock, handlers, options)).toEqual({ sent: 0, retried: 0, dead: 0 });

    expect(graph.requests).toHaveLength(3);
    const ids = new Set(graph.requests.map((r) => JSON.stringify((r.body as { message: { internetMessageId: string } }).message.internetMessageId)));
    expect(ids.size).toBe(1);
  });

  it('dead-letters at once when Graph refuses the message', async () => {
    const clock = new FixedClock(addDays(T0, 2));
    const customerId = await f.customer({ id: 'CUS-GRAPH-400' });
    const claimId = await f.claim({
      partnerId: world.partnerA,
      engagementId: world.fixed,
      customerId,
      locationId: world.location,
      userId: world.user,
      status: 'CLAIMED',
      consentDeadline: addDays(T0, 20),
    });
    await requestConsent(db, clock, SETTINGS, await findCaller(db.prisma, 'aad-UA-USER'), { claimId, estimatedDealSizeUsd: 10_000, disclaimerAccepted: true });
    const handlers = { EMAIL: emailChannelHandler(new GraphEmailSender({ sender: 'consent@partner.example', credential: new FakeCredential(), baseUrl, clock })) };
    graph.requests.length = 0;
    graph.responses.push({ status: 400, body: { error: { code: 'ErrorInvalidRecipients', message: 'bad recipient' } } });
    expect(await deliverDueMessages(db, clock, handlers)).toEqual({ sent: 0, retried: 0, dead: 1 });
    expect(await db.prisma.outboxMessage.findFirstOrThrow({ where: { claimId, channel: 'EMAIL' } })).toMatchObject({
      status: 'DEAD',
      lastError: 'Microsoft Graph answered 400: ErrorInvalidRecipients — bad recipient',
    });
  });
});
