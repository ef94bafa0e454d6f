import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { deliverDueMessages } from '../../services/outbox/delivery';
import { PartnerCenterReferralSync, localReferralSync } from '../../services/ports/partnerCenterReferrals';
import { LocalReferralPort, PARTNER_CENTER_RECIPIENT, REFERRAL_SYNC_EVENTS } from '../../services/ports/referrals';
import { Fixtures, T0, buildWorld, type World } from '../support/fixtures';
import { FakeCredential } from '../support/stubGraph';
import { createTestDatabase } from '../support/testDatabase';

interface Received {
  method: string;
  path: string;
  authorization: string | undefined;
  requestId: string | undefined;
  body: Record<string, unknown>;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * Partner Center on loopback: records each request; answers a POST or PATCH with the next queued
 * answer (by default 201 with a new id), and a GET (the lookup by externalReferenceId) with the next
 * queued list (by default none found).
 */
class StubPartnerCenter {
  readonly received: Received[] = [];
  readonly answers: Answer[] = [];
  readonly lists: unknown[] = [];
  private server: Server | null = null;
  private created = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((text) => {
        this.received.push({
          method: req.method ?? '',
          path: req.url ?? '',
          authorization: req.headers.authorization,
          requestId: typeof req.headers['ms-requestid'] === 'string' ? req.headers['ms-requestid'] : undefined,
          body: JSON.parse(text || '{}') as Record<string, unknown>,
        });
        this.created += req.method === 'POST' ? 1 : 0;
        const next =
          req.method === 'GET'
            ? { status: 200, body: this.lists.shift() ?? { value: [] } }
            : (this.answers.shift() ?? { status: req.method === 'POST' ? 201 : 200, body: { id: `pc-${this.created}` } });
        res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
        res.end(next.body === undefined ? '' : JSON.stringify(next.body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

let db: Database;
let f: Fixtures;
let world: World;
let stub: StubPartnerCenter;
let baseUrl: string;
let clock: FixedClock;
let credential: FakeCredential;
const port = new LocalReferralPort();

beforeAll(async () => {
  db = await createTestDatabase();
  f = new Fixtures(db);
  world = await buildWorld(f);
  stub = new StubPartnerCenter();
  baseUrl = await stub.start();
});

afterAll(async () => {
  await stub.stop();
  await db.close();
});

beforeEach(async () => {
  clock = new FixedClock(T0);
  credential = new FakeCredential();
  stub.received.length = 0;
  stub.answers.length = 0;
  stub.lists.length = 0;
  await db.prisma.outboxMessage.deleteMany();
});

function sync(): PartnerCenterReferralSync {
  return new PartnerCenterReferralSync({ prisma: db.prisma, credential, baseUrl, clock });
}

/** A claim with a partner-led referral created through the port (which queues its push). */
async function referral(): Promise<{ referralId: string; claimId: string }> {
  const customerId = await f.customer({ name: 'Contoso Ltd', ids: [{ type: 'TPID', value: `${Date.now()}${Math.random()}`.replace('.', '') }] });
  const claimId = await f.claim({ partnerId: world.partnerA, engagementId: world.fixed, customerId, locationId: world.location, userId: world.user, status: 'CONSENT_REQUESTED' });
  const { referral: created } = await db.prisma.$transaction((tx) => port.createPartnerLed(tx, { claimId, partnerId: world.partnerA, dealSizeUsd: 42_000, at: clock.now() }));
  return { referralId: created.id, claimId };
}

async function upgrade(referralId: string): Promise<void> {
  await db.prisma.$transaction((tx) => port.upgradeToCoSell(tx, { referralId, at: clock.now() }));
}

describe('the referral port queues a push in the transaction of each change', () => {
  it('queues one create row and, on upgrade, one upgrade row, addressed to Partner Center', async () => {
    const { referralId, claimId } = await referral();
    await db.prisma.$transaction((tx) => port.createPartnerLed(tx, { claimId, partnerId: world.partnerA, dealSizeUsd: 42_000, at: clock.now() }));
    await upgrade(referralId);
    await upgrade(referralId);
    const rows = await db.prisma.outboxMessage.findMany({ where: { channel: 'REFERRALS' }, orderBy: { event: 'asc' } });
    expect(rows.map((row) => [row.event, row.recipient, row.partnerId, row.payload])).toEqual([
      [REFERRAL_SYNC_EVENTS.create, PARTNER_CENTER_RECIPIENT, world.partnerA, { referralId, claimId }],
      [REFERRAL_SYNC_EVENTS.upgrade, PARTNER_CENTER_RECIPIENT, world.partnerA, { referralId, claimId }],
    ]);
  });

  it('has nothing to push with the local store: the rows are marked sent, no call is made', async () => {
    await referral();
    expect(await deliverDueMessages(db, clock, { REFERRALS: localReferralSync })).toMatchObject({ sent: 1 });
    expect(stub.received).toHaveLength(0);
  });
});

describe('the Partner Center Referrals API client', () => {
  it('creates the referral with a Partner Center token and keeps the returned id as externalId', async () => {
    const { referralId, claimId } = await referral();
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ sent: 1 });
    expect(stub.received).toHaveLength(1);
    const [request] = stub.received;
    expect(request).toMatchObject({ method: 'POST', path: '/v1.0/engagements/referrals', authorization: 'Bearer fake-graph-token' });
    expect(credential.scopes).toEqual(['https://api.partner.microsoft.com/.default']);
    expect(request?.body).toMatchObject({
      externalReferenceId: referralId,
      type: 'Independent',
      consent: { consentToShareReferralWithMicrosoftSellers: true },
      details: { dealValue: 42_000, currency: 'USD' },
      customerProfile: { name: 'Contoso Ltd' },
    });
    expect(JSON.stringify(request?.body)).toContain(claimId);
    expect((await db.prisma.referral.findUniqueOrThrow({ where: { id: referralId } })).externalId).toBe('pc-1');
  });

  it('upgrades to co-sell with a PATCH of the stored Partner Center id, after the create', async () => {
    const { referralId } = await referral();
    await upgrade(referralId);
    stub.answers.push({ status: 201, body: { id: 'pc-upgrade-me' } });
    // Both rows are due at once; whichever order they are taken in, the PATCH never goes before the POST.
    await deliverDueMessages(db, clock, { REFERRALS: sync() });
    clock.advanceDays(1);
    await deliverDueMessages(db, clock, { REFERRALS: sync() });
    expect(await db.prisma.outboxMessage.count({ where: { channel: 'REFERRALS', status: 'SENT' } })).toBe(2);
    expect(stub.received.map((r) => [r.method, r.path])).toEqual([
      ['POST', '/v1.0/engagements/referrals'],
      ['PATCH', '/v1.0/engagements/referrals/pc-upgrade-me'],
    ]);
    expect(stub.received[1]?.body).toMatchObject({ type: 'Shared', status: 'Active', substatus: 'Accepted' });
  });

  it('holds an upgrade back until its referral exists in Partner Center', async () => {
    const { referralId } = await referral();
    await db.prisma.outboxMessage.updateMany({ where: { event: REFERRAL_SYNC_EVENTS.create }, data: { nextAttemptAt: new Date(T0.getTime() + 3_600_000) } });
    await upgrade(referralId);
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() }, { random: () => 0.5 })).toMatchObject({ retried: 1 });
    expect(stub.received).toHaveLength(0);
    const waiting = await db.prisma.outboxMessage.findFirstOrThrow({ where: { event: REFERRAL_SYNC_EVENTS.upgrade } });
    expect(waiting).toMatchObject({ status: 'PENDING', lastError: expect.stringContaining('created in Partner Center first') as unknown });
  });

  it('retries a 429 after its Retry-After and then creates once; a redelivery does not create again', async () => {
    const { referralId } = await referral();
    stub.answers.push({ status: 429, headers: { 'retry-after': '120' }, body: { code: 429, description: 'Rate limit is exceeded' } }, { status: 201, body: { id: 'pc-after-429' } });
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() }, { random: () => 0 })).toMatchObject({ retried: 1 });
    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { event: REFERRAL_SYNC_EVENTS.create } });
    expect(row.lastError).toContain('429');
    expect(row.nextAttemptAt.getTime() - T0.getTime()).toBeGreaterThanOrEqual(120_000);
    clock.set(row.nextAttemptAt);
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ sent: 1 });
    expect(stub.received.map((r) => [r.method, r.requestId])).toEqual([
      ['POST', row.id],
      ['GET', row.id],
      ['POST', row.id],
    ]);
    await db.prisma.outboxMessage.update({ where: { id: row.id }, data: { status: 'PENDING' } });
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ sent: 1 });
    expect(stub.received).toHaveLength(3);
    expect((await db.prisma.referral.findUniqueOrThrow({ where: { id: referralId } })).externalId).toBe('pc-after-429');
  });

  it('on a retry after a lost answer, finds the referral by its externalReferenceId instead of creating a second one', async () => {
    const { referralId } = await referral();
    stub.answers.push({ status: 504 });
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ retried: 1 });
    clock.advanceDays(1);
    stub.lists.push({ value: [{ id: 'pc-found' }] });
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ sent: 1 });
    expect(stub.received.map((r) => r.method)).toEqual(['POST', 'GET']);
    expect(decodeURIComponent(stub.received[1]?.path ?? '')).toBe(`/v1.0/engagements/referrals?$filter=externalReferenceId eq '${referralId}'`);
    expect((await db.prisma.referral.findUniqueOrThrow({ where: { id: referralId } })).externalId).toBe('pc-found');
  });

  it('retries a 503 and a token failure, and dead-letters a 400 naming Partner Center’s reason', async () => {
    await referral();
    stub.answers.push({ status: 503 });
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ retried: 1 });
    clock.advanceDays(1);
    credential.fail = true;
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ retried: 1 });
    credential.fail = false;
    clock.advanceDays(1);
    stub.answers.push({ status: 400, body: { code: 'InvalidInput', description: 'customerProfile.address is required' } });
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ dead: 1 });
    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { event: REFERRAL_SYNC_EVENTS.create } });
    expect(row).toMatchObject({ status: 'DEAD', lastError: expect.stringContaining('customerProfile.address is required') as unknown });
  });
});
