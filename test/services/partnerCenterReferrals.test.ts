import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { deliverDueMessages } from '../../services/outbox/delivery';
import { PartnerCenterReferralSync, REFERRALS_SIGN_IN_FAILED, localReferralSync, upgradeOps, type ReferralFacts, type ReferralsMode } from '../../services/ports/partnerCenterReferrals';
import { RefreshTokenGrant } from '../../services/ports/partnerCenterToken';
import { LocalReferralPort, PARTNER_CENTER_RECIPIENT, REFERRAL_SYNC_EVENTS } from '../../services/ports/referrals';
import { Fixtures, T0, buildWorld, type World } from '../support/fixtures';
import { APP_ONLY_CLAIMS, APP_USER_CLAIMS, StubPartnerCenter, StubTokenEndpoint, fakeJwt } from '../support/stubPartnerCenter';
import { createTestDatabase } from '../support/testDatabase';

/**
 * The Referrals client against a Partner Center stub on loopback that enforces the documented
 * contract (test/support/stubPartnerCenter.ts) and a token endpoint stub for the refresh-token grant.
 * Today's client before this change failed it on its first call: an app-only token (401), then, given
 * an App+User token, a create without customerProfile.address.country, customerProfile.size,
 * details.closingDateTime and details.requirements.solutions (400), and an upgrade sent as a JSON
 * object instead of a JSON Patch array (400).
 */

let db: Database;
let f: Fixtures;
let world: World;
let pc: StubPartnerCenter;
let tokens: StubTokenEndpoint;
let baseUrl: string;
let authority: string;
let clock: FixedClock;
let engagementName: string;
const port = new LocalReferralPort();
const TENANT = 'partner.example';
/** What the upgrade's operations are worked out from (only the claim id shows in them). */
const FACTS: ReferralFacts = {
  id: 'ref-1',
  externalId: 'pc-1',
  externalEtag: null,
  dealSizeUsd: 1,
  claimId: 'claim-1',
  friendlyName: 'x',
  customerName: 'x',
  country: 'NL',
  engagementName: 'x',
  closingAt: T0,
  customerContact: { name: 'x', email: 'x@example.com', phone: null },
  partnerContact: { name: 'x', email: 'x@example.com', phone: null },
};
const CO_SELL = { partnerRole: 'ServicesPartner', solutionArea: 'CloudAndAIPlatforms', solutionPlay: 'MigrateAndModernizeYourEstate' };

beforeAll(async () => {
  db = await createTestDatabase();
  f = new Fixtures(db);
  world = await buildWorld(f);
  pc = new StubPartnerCenter();
  baseUrl = await pc.start();
  tokens = new StubTokenEndpoint();
  authority = await tokens.start();
  engagementName = (await db.prisma.engagement.findUniqueOrThrow({ where: { id: world.fixed } })).name;
});

afterAll(async () => {
  await pc.stop();
  await tokens.stop();
  await db.close();
});

beforeEach(async () => {
  clock = new FixedClock(T0);
  pc.reset();
  tokens.requests.length = 0;
  tokens.valid.clear();
  tokens.valid.add('stored-refresh-token');
  tokens.claims = APP_USER_CLAIMS;
  await db.prisma.outboxMessage.deleteMany();
});

function grant(): RefreshTokenGrant {
  return new RefreshTokenGrant({ authority, tenantId: TENANT, clientId: 'app-id', clientSecret: 'app-secret', refreshToken: 'stored-refresh-token', clock });
}

function sync(mode: ReferralsMode = 'create', source: RefreshTokenGrant = grant()): PartnerCenterReferralSync {
  return new PartnerCenterReferralSync({ prisma: db.prisma, tokens: source, baseUrl, clock, mode, createSettings: { solutionId: 'sol-123', customerSize: '10to50employees' }, coSell: CO_SELL });
}

let customers = 0;
/** A claim with a partner-led referral created through the port (which queues its push). */
async function referral(): Promise<{ referralId: string; claimId: string; customerName: string }> {
  customers += 1;
  const customerName = `Contoso ${customers} Ltd`;
  const customerId = await f.customer({ name: customerName, ids: [{ type: 'TPID', value: `${Date.now()}${customers}` }] });
  const claimId = await f.claim({ partnerId: world.partnerA, engagementId: world.fixed, customerId, locationId: world.location, userId: world.user, status: 'CONSENT_REQUESTED' });
  const { referral: created } = await db.prisma.$transaction((tx) => port.createPartnerLed(tx, { claimId, partnerId: world.partnerA, dealSizeUsd: 42_000, at: clock.now() }));
  return { referralId: created.id, claimId, customerName };
}

async function upgrade(referralId: string): Promise<void> {
  await db.prisma.$transaction((tx) => port.upgradeToCoSell(tx, { referralId, at: clock.now() }));
}

async function stored(referralId: string) {
  return db.prisma.referral.findUniqueOrThrow({ where: { id: referralId } });
}

/** Partner Center's own partner-led referral for the customer and engagement (as its MCI flow may create). */
function partnerCentersOwn(customerName: string, extra: Record<string, unknown> = {}) {
  return pc.seed({
    name: `${customerName} - ${engagementName}`,
    type: 'Independent',
    status: 'New',
    substatus: 'Pending',
    customerProfile: { name: customerName, address: { country: 'NL' }, size: '10to50employees' },
    consent: { consentToShareReferralWithMicrosoftSellers: true },
    details: { dealValue: 42_000, currency: 'USD', closingDateTime: '2026-12-31T00:00:00Z', requirements: { solutions: [{ id: 'sol-123' }] } },
    ...extra,
  });
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
    expect(pc.requests).toHaveLength(0);
  });
});

describe('the contract stub refuses what the documentation does not allow', () => {
  const call = (method: string, path: string, body: unknown, headers: Record<string, string> = {}, claims: Record<string, unknown> = APP_USER_CLAIMS) =>
    fetch(`${baseUrl}/v1.0/engagements/referrals${path}`, {
      method,
      headers: { authorization: `Bearer ${fakeJwt(claims)}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('app-only tokens, incomplete creates, object or remove patches, PUT without If-Match, and stale eTags', async () => {
    const own = partnerCentersOwn('Stub Check Ltd');
    expect((await call('POST', '', {}, {}, APP_ONLY_CLAIMS)).status).toBe(401);
    const incomplete = await call('POST', '', { name: 'x', type: 'Independent', customerProfile: { name: 'x' }, consent: { consentToShareReferralWithMicrosoftSellers: true }, details: { dealValue: 1, currency: 'USD' } });
    expect(incomplete.status).toBe(400);
    expect(await incomplete.text()).toContain('customerProfile.address.country, customerProfile.size, details.closingDateTime, details.requirements.solutions');
    expect((await call('PATCH', `/${own.id}`, { status: 'Active' })).status).toBe(400);
    expect((await call('PATCH', `/${own.id}`, [{ op: 'remove', path: '/name' }])).status).toBe(400);
    expect((await call('PATCH', `/${own.id}`, [{ op: 'replace', path: '/substatus', value: 'Accepted' }])).status).toBe(400);
    expect((await call('PATCH', `/${own.id}`, [{ op: 'replace', path: '/name', value: 'y' }], { 'if-match': '"stale"' })).status).toBe(412);
    expect((await call('PUT', `/${own.id}`, { ...own, name: 'z' })).status).toBe(428);
  });

  it('adds the Services co-sell fields to a referral that lacks them, and the contract refuses a co-sell without them', async () => {
    const bare = partnerCentersOwn('Co-sell Check Ltd');
    const invite = { op: 'add', path: '/inviteContext', value: { notes: 'co-sell' } };
    const refused = await call('PATCH', `/${bare.id}`, [invite]);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('a Services co-sell referral needs partnerRole, solutionArea, solutionPlay');
    expect(upgradeOps(FACTS, CO_SELL, bare)).toEqual(expect.arrayContaining([
      { op: 'add', path: '/partnerRole', value: CO_SELL.partnerRole },
      { op: 'add', path: '/solutionArea', value: CO_SELL.solutionArea },
      { op: 'add', path: '/solutionPlay', value: CO_SELL.solutionPlay },
    ]));
    // What Partner Center's own flow set is kept.
    const paths = upgradeOps(FACTS, CO_SELL, { ...bare, partnerRole: 'Theirs', solutionArea: 'Theirs', solutionPlay: 'Theirs' }).map((op) => op.path);
    expect(paths).not.toEqual(expect.arrayContaining(['/partnerRole']));
    expect(paths).toEqual(['/status', '/substatus', '/consent/consentToShareReferralWithMicrosoftSellers', '/inviteContext']);
  });
});

describe('the Partner Center Referrals API client (REFERRALS_MODE=create)', () => {
  it('creates the referral with an App+User token and every required field, keeping its id and eTag', async () => {
    const { referralId, claimId, customerName } = await referral();
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ sent: 1 });
    // Looked up by our id, then by customer and engagement, then created.
    expect(pc.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'POST']);
    const created = [...pc.referrals.values()][0];
    expect(created).toMatchObject({
      externalReferenceId: referralId,
      type: 'Independent',
      status: 'New',
      substatus: 'Pending',
      consent: { consentToShareReferralWithMicrosoftSellers: true },
      customerProfile: { name: customerName, address: { country: 'NL' }, size: '10to50employees' },
      ...CO_SELL,
      details: { dealValue: 42_000, currency: 'USD', closingDateTime: new Date(T0.getTime() + 30 * 86_400_000).toISOString(), requirements: { solutions: [{ id: 'sol-123' }] } },
    });
    expect(JSON.stringify(created)).toContain(claimId);
    expect(await stored(referralId)).toMatchObject({ externalId: created?.id, externalEtag: created?.eTag });
    expect(tokens.requests.map((form) => [form.get('grant_type'), form.get('refresh_token'), form.get('scope')])).toEqual([
      ['refresh_token', 'stored-refresh-token', 'https://api.partner.microsoft.com/.default offline_access'],
    ]);
  });

  it('upgrades to co-sell with a JSON Patch and If-Match of the kept eTag, then keeps the new eTag', async () => {
    const { referralId } = await referral();
    const source = grant();
    await deliverDueMessages(db, clock, { REFERRALS: sync('create', source) });
    const { externalId, externalEtag } = await stored(referralId);
    await upgrade(referralId);
    pc.requests.length = 0;
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync('create', source) })).toMatchObject({ sent: 1 });
    // Read first (what Partner Center holds decides the change), then patched with the kept eTag; the
    // Services co-sell fields were sent with the create, so none is added again.
    expect(pc.requests).toEqual([
      { method: 'GET', path: `/v1.0/engagements/referrals/${externalId ?? ''}`, ifMatch: undefined, body: null },
      {
        method: 'PATCH',
        path: `/v1.0/engagements/referrals/${externalId ?? ''}`,
        ifMatch: externalEtag,
        body: [
          { op: 'replace', path: '/status', value: 'Active' },
          { op: 'replace', path: '/substatus', value: 'Accepted' },
          { op: 'replace', path: '/consent/consentToShareReferralWithMicrosoftSellers', value: true },
          { op: 'add', path: '/inviteContext', value: expect.objectContaining({ notes: expect.any(String) as unknown }) as unknown },
        ],
      },
    ]);
    const remote = pc.referrals.get(externalId ?? '');
    expect(remote).toMatchObject({ status: 'Active', substatus: 'Accepted', type: 'Independent' });
    expect((await stored(referralId)).externalEtag).toBe(remote?.eTag);
    // One access token served both pushes: it is renewed only when about to expire.
    expect(tokens.requests).toHaveLength(1);
  });

  it('on a 412 re-reads the referral and applies the change once more', async () => {
    const { referralId } = await referral();
    await deliverDueMessages(db, clock, { REFERRALS: sync() });
    const { externalId } = await stored(referralId);
    const kept = (await stored(referralId)).externalEtag;
    pc.touch(externalId ?? '');
    const changed = pc.referrals.get(externalId ?? '')?.eTag;
    await upgrade(referralId);
    pc.requests.length = 0;
    // The upgrade reads first, so it patches with the changed eTag, not the kept one; a change made
    // between that read and the patch (the forced 412) is read again and the patch applied once more.
    pc.forced.push({ status: 412, method: 'PATCH' });
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ sent: 1 });
    expect(changed).not.toBe(kept);
    expect(pc.requests.map((r) => [r.method, r.ifMatch])).toEqual([
      ['GET', undefined],
      ['PATCH', changed],
      ['GET', undefined],
      ['PATCH', changed],
    ]);
    expect(pc.referrals.get(externalId ?? '')).toMatchObject({ status: 'Active', substatus: 'Accepted' });
  });

  it('a second 412 goes back to the outbox to be retried later, not applied blindly', async () => {
    const { referralId } = await referral();
    await deliverDueMessages(db, clock, { REFERRALS: sync() });
    await upgrade(referralId);
    pc.requests.length = 0;
    pc.forced.push({ status: 412, method: 'PATCH' }, { status: 412, method: 'PATCH' });
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ retried: 1 });
    expect(pc.requests.map((r) => r.method)).toEqual(['GET', 'PATCH', 'GET', 'PATCH']);
    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { event: REFERRAL_SYNC_EVENTS.upgrade } });
    expect(row).toMatchObject({ status: 'PENDING', lastError: expect.stringContaining('412 twice') as unknown });
    expect(pc.referrals.get((await stored(referralId)).externalId ?? '')).toMatchObject({ status: 'New' });
  });

  it('holds an upgrade back until its referral exists in Partner Center', async () => {
    const { referralId } = await referral();
    await db.prisma.outboxMessage.updateMany({ where: { event: REFERRAL_SYNC_EVENTS.create }, data: { nextAttemptAt: new Date(T0.getTime() + 3_600_000) } });
    await upgrade(referralId);
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() }, { random: () => 0.5 })).toMatchObject({ retried: 1 });
    expect(pc.requests).toHaveLength(0);
    const waiting = await db.prisma.outboxMessage.findFirstOrThrow({ where: { event: REFERRAL_SYNC_EVENTS.upgrade } });
    expect(waiting).toMatchObject({ status: 'PENDING', lastError: expect.stringContaining('created in Partner Center first') as unknown });
  });

  it('finds a referral an earlier attempt created (by externalReferenceId) instead of creating a second', async () => {
    const { referralId } = await referral();
    pc.forced.push({ status: 200, body: { value: [] } }, { status: 200, body: { value: [] } }, { status: 504 });
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ retried: 1 });
    const earlier = partnerCentersOwn('Elsewhere', { externalReferenceId: referralId });
    clock.advanceDays(1);
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ sent: 1 });
    expect(pc.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'POST', 'GET']);
    expect(decodeURIComponent(pc.requests[3]?.path ?? '')).toBe(`/v1.0/engagements/referrals?$filter=externalReferenceId eq '${referralId}'`);
    expect((await stored(referralId)).externalId).toBe(earlier.id);
  });

  it('retries a 429 after its Retry-After, and dead-letters a 400 naming the reason', async () => {
    await referral();
    pc.forced.push({ status: 429, headers: { 'retry-after': '120' }, body: { code: 429, description: 'Rate limit is exceeded' } });
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() }, { random: () => 0 })).toMatchObject({ retried: 1 });
    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { event: REFERRAL_SYNC_EVENTS.create } });
    expect(row.lastError).toContain('429');
    expect(row.nextAttemptAt.getTime() - T0.getTime()).toBeGreaterThanOrEqual(120_000);
    clock.set(row.nextAttemptAt);
    pc.forced.push({ status: 200, body: { value: [] } }, { status: 200, body: { value: [] } }, { status: 400, body: { code: 'InvalidInput', description: 'details.closingDateTime is in the past' } });
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ dead: 1 });
    expect((await db.prisma.outboxMessage.findFirstOrThrow({ where: { id: row.id } })).lastError).toContain('details.closingDateTime is in the past');
  });
});

describe('App+User tokens from the stored refresh token', () => {
  it('renews the access token before it expires, with the rotated refresh token', async () => {
    const source = grant();
    const first = await source.getToken();
    expect(await source.getToken()).toBe(first);
    clock.set(new Date(T0.getTime() + 3_600_000 - 4 * 60_000));
    const second = await source.getToken();
    expect(second).not.toBe(first);
    const [firstUse, secondUse] = tokens.requests.map((form) => form.get('refresh_token'));
    expect(firstUse).toBe('stored-refresh-token');
    expect(secondUse).toMatch(/^refresh-\d+$/);
  });

  it('dead-letters, not retries, when the refresh token is refused, naming what the operator must do', async () => {
    tokens.valid.clear();
    await referral();
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ dead: 1 });
    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { event: REFERRAL_SYNC_EVENTS.create } });
    expect(row.lastError).toContain('the stored refresh token was refused (invalid_grant: AADSTS700082');
    expect(row.lastError).toContain('docs/deployment.md');
    expect(pc.requests).toHaveLength(0);
    // Partner A's Incentives admins are told in Teams, once a day however many pushes fail.
    const admins = await db.prisma.partnerUser.findMany({ where: { partnerId: world.partnerA, roles: { some: { role: 'INCENTIVES_ADMIN' } } }, select: { aadObjectId: true } });
    expect(admins.length).toBeGreaterThan(0);
    await referral();
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ dead: 1 });
    const alerts = await db.prisma.outboxMessage.findMany({ where: { channel: 'TEAMS', event: REFERRALS_SIGN_IN_FAILED } });
    expect(alerts.map((alert) => alert.recipient).sort()).toEqual(admins.map((admin) => admin.aadObjectId).sort());
    expect(alerts[0]).toMatchObject({ partnerId: world.partnerA, claimId: null, payload: { text: expect.stringContaining('Referrals are not reaching Partner Center') as unknown } });
  });

  it('an app-only token is refused by the contract', async () => {
    tokens.claims = APP_ONLY_CLAIMS;
    await referral();
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync() })).toMatchObject({ dead: 1 });
    expect((await db.prisma.outboxMessage.findFirstOrThrow()).lastError).toContain('401');
  });
});

describe('REFERRALS_MODE=link: Partner Center’s own referral is linked, never duplicated', () => {
  it('waits while Partner Center has none, then links its own by customer and engagement and writes our id into it', async () => {
    const { referralId, customerName } = await referral();
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync('link') })).toMatchObject({ retried: 1 });
    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { event: REFERRAL_SYNC_EVENTS.create } });
    expect(row.lastError).toContain('REFERRALS_MODE is link, so none is created from here');
    const own = partnerCentersOwn(customerName);
    partnerCentersOwn(customerName, { name: `${customerName} - another engagement` });
    clock.set(row.nextAttemptAt);
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync('link') })).toMatchObject({ sent: 1 });
    expect(pc.requests.some((r) => r.method === 'POST')).toBe(false);
    expect(pc.referrals.get(own.id)).toMatchObject({ externalReferenceId: referralId });
    expect(await stored(referralId)).toMatchObject({ externalId: own.id, externalEtag: pc.referrals.get(own.id)?.eTag });
  });

  it('a link whose write-back fails is found again on the retry and linked then', async () => {
    const { referralId, customerName } = await referral();
    const own = partnerCentersOwn(customerName);
    pc.forced.push({ status: 503, method: 'PATCH' });
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync('link') })).toMatchObject({ retried: 1 });
    expect((await stored(referralId)).externalId).toBeNull();
    clock.advanceDays(1);
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync('link') })).toMatchObject({ sent: 1 });
    expect(pc.referrals.get(own.id)).toMatchObject({ externalReferenceId: referralId });
    expect(await stored(referralId)).toMatchObject({ externalId: own.id, externalEtag: pc.referrals.get(own.id)?.eTag });
  });

  it('an upgrade Partner Center already made itself is left as it is', async () => {
    const { referralId, customerName } = await referral();
    const own = partnerCentersOwn(customerName);
    await deliverDueMessages(db, clock, { REFERRALS: sync('link') });
    // Partner Center's own flow upgrades it on consent: its eTag moves on.
    pc.referrals.set(own.id, { ...(pc.referrals.get(own.id) ?? own), status: 'Active', substatus: 'Accepted' });
    pc.touch(own.id);
    await upgrade(referralId);
    pc.requests.length = 0;
    expect(await deliverDueMessages(db, clock, { REFERRALS: sync('link') })).toMatchObject({ sent: 1 });
    expect(pc.requests.map((r) => r.method)).toEqual(['GET']);
    expect(pc.referrals.get(own.id)).toMatchObject({ status: 'Active', substatus: 'Accepted' });
  });
});
