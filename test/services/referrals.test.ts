import { FixedClock, addDays } from '../../services/shared/clock';
import { claimDetails } from '../../services/claims/details';
import { answerConsent, requestConsent, type ConsentSettings } from '../../services/consent/consent';
import { ConsentEmailPayloadSchema } from '../../services/consent/email';
import type { Database } from '../../services/db';
import { findCaller, type Caller } from '../../services/directory/callers';
import { REFERRAL_SYNC_EVENTS } from '../../services/ports/referrals';
import { REFERRAL_EVENTS, referralConditionsHold } from '../../services/referrals/referrals';
import { Fixtures, T0, buildWorld, type World } from '../support/fixtures';
import { createTestDatabase } from '../support/testDatabase';

const SETTINGS: ConsentSettings = { tokenSecret: 'r'.repeat(40), publicBaseUrl: 'https://consent.example' };

let db: Database;
let f: Fixtures;
let world: World;
let clock: FixedClock;
let referralEngagement: string;
let customers = 0;
const callers: Record<string, Caller> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  f = new Fixtures(db);
  world = await buildWorld(f);
  referralEngagement = await f.engagement({ id: 'E-REF', name: 'Referral Engagement' });
  await db.prisma.engagement.update({ where: { id: referralEngagement }, data: { referralsEnabled: true, referralMinDealSizeUsd: 25_000 } });
  await db.prisma.engagement.update({ where: { id: world.fixed }, data: { referralsEnabled: false, referralMinDealSizeUsd: null } });
  await f.enrol(world.location, referralEngagement);
  const sellers = [
    { id: 'S-1', covers: ['999'] },
    { id: 'S-2', covers: [] },
    { id: 'S-3', covers: [] },
    { id: 'S-4', covers: [] },
  ];
  for (const seller of sellers) {
    await db.prisma.seller.create({
      data: {
        id: seller.id,
        aadObjectId: `aad-${seller.id}`,
        tenantId: 'microsoft',
        displayName: `Seller ${seller.id}`,
        email: `${seller.id.toLowerCase()}@microsoft.example`,
        coverage: { create: seller.covers.map((tpid) => ({ tpid })) },
      },
    });
  }
  for (const id of ['UA-USER']) callers[id] = await findCaller(db.prisma, `aad-${id}`);
});

afterAll(async () => {
  await db.close();
});

beforeEach(() => {
  clock = new FixedClock(T0);
});

function caller(id: string): Caller {
  const found = callers[id];
  if (!found) throw new Error(`no caller ${id}`);
  return found;
}

/** A CLAIMED claim of partner A's user; each TPID of the customer is new and covered by the sellers named for it. */
async function claim(spec: { tpids: string[][]; engagementId?: string }): Promise<string> {
  customers += 1;
  const tpids = spec.tpids.map((_sellers, index) => `${customers * 10 + index}`);
  const customerId = await f.customer({
    id: `CUS-REF-${customers}`,
    name: `Referral Customer ${customers}`,
    ids: [{ type: 'DOMAIN', value: `ref${customers}.example` }, ...tpids.map((value) => ({ type: 'TPID' as const, value }))],
  });
  const coverage = spec.tpids.flatMap((sellers, index) => sellers.map((sellerId) => ({ sellerId, tpid: tpids[index] ?? '' })));
  await db.prisma.sellerCoverage.createMany({ data: coverage });
  return f.claim({
    partnerId: world.partnerA,
    engagementId: spec.engagementId ?? referralEngagement,
    customerId,
    locationId: world.location,
    userId: world.user,
    status: 'CLAIMED',
    consentDeadline: addDays(T0, 20),
  });
}

async function consentToken(claimId: string): Promise<string> {
  const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { claimId, channel: 'EMAIL' } });
  return ConsentEmailPayloadSchema.parse(row.payload).actionUrl.slice(`${SETTINGS.publicBaseUrl}/consent/`.length);
}

async function teams(claimId: string) {
  const rows = await db.prisma.outboxMessage.findMany({ where: { claimId, channel: 'TEAMS' } });
  return rows
    .map((row) => ({ event: row.event, recipient: row.recipient }))
    .sort((a, b) => (a.event === b.event ? a.recipient.localeCompare(b.recipient) : a.event < b.event ? -1 : 1));
}

async function sendAndAnswer(claimId: string, dealSize: number, answer: 'ACCEPTED' | 'DECLINED') {
  await requestConsent(db, clock, SETTINGS, caller('UA-USER'), { claimId, estimatedDealSizeUsd: dealSize, disclaimerAccepted: true });
  clock.advanceDays(1);
  const result = await answerConsent(db, clock, SETTINGS, { token: await consentToken(claimId), answer });
  expect(result.ok).toBe(true);
}

describe('referral conditions', () => {
  it('need referrals enabled, a threshold, a deal size at or above it and a TPID', () => {
    const enabled = { referralsEnabled: true, referralMinDealSizeUsd: 25_000 };
    expect(referralConditionsHold(enabled, 25_000, ['1'])).toBe(true);
    expect(referralConditionsHold(enabled, 24_999, ['1'])).toBe(false);
    expect(referralConditionsHold(enabled, 25_000, [])).toBe(false);
    expect(referralConditionsHold(enabled, null, ['1'])).toBe(false);
    expect(referralConditionsHold({ referralsEnabled: false, referralMinDealSizeUsd: 25_000 }, 50_000, ['1'])).toBe(false);
    expect(referralConditionsHold({ referralsEnabled: true, referralMinDealSizeUsd: null }, 50_000, ['1'])).toBe(false);
  });
});

describe('referral creation when consent is requested', () => {
  it('creates a partner-led referral with a readable id and tells the claim creator and the Referrals admin once each', async () => {
    const claimId = await claim({ tpids: [['S-1', 'S-2']] });
    await requestConsent(db, clock, SETTINGS, caller('UA-USER'), { claimId, estimatedDealSizeUsd: 30_000, disclaimerAccepted: true });
    const referral = await db.prisma.referral.findUniqueOrThrow({ where: { claimId } });
    expect(referral).toMatchObject({ dealType: 'PARTNER_LED', status: 'NEW', substatus: 'PENDING', dealSizeUsd: 30_000, partnerId: world.partnerA, upgradedAt: null });
    // `REF-` and the claim id's suffix, as the demo data has it, never a GUID.
    expect(referral.id).toBe(`REF-${claimId.replace(/^CLM-/, '')}`);
    expect(await teams(claimId)).toEqual([
      { event: REFERRAL_EVENTS.created, recipient: 'aad-UA-REF' },
      { event: REFERRAL_EVENTS.created, recipient: 'aad-UA-USER' },
    ]);
    const rows = await db.prisma.outboxMessage.findMany({ where: { claimId, event: REFERRAL_EVENTS.created }, orderBy: { recipient: 'asc' } });
    expect(rows.map((row) => row.payload)).toEqual([
      expect.objectContaining({ audience: 'referralsAdmin', referralId: referral.id, referralsAdmins: 1 }),
      expect.objectContaining({ audience: 'creator', referralId: referral.id, referralsAdmins: 1 }),
    ]);
    expect(JSON.stringify(rows.map((row) => row.payload))).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(await db.prisma.auditEvent.count({ where: { claimId, action: 'referral.created' } })).toBe(1);
  });

  it.each([
    ['the deal size is below the threshold', { tpids: [['S-1']] }, 24_999],
    ['the customer has no TPID', { tpids: [] }, 30_000],
    ['the engagement has referrals disabled', { tpids: [['S-1']], engagement: 'fixed' }, 30_000],
  ])('creates none when %s', async (_why, spec, dealSize) => {
    const claimId = await claim({ tpids: spec.tpids, ...('engagement' in spec ? { engagementId: world.fixed } : {}) });
    await requestConsent(db, clock, SETTINGS, caller('UA-USER'), { claimId, estimatedDealSizeUsd: dealSize, disclaimerAccepted: true });
    expect(await db.prisma.referral.findUnique({ where: { claimId } })).toBeNull();
    expect(await teams(claimId)).toEqual([]);
  });
});

describe('co-sell upgrade when the customer accepts', () => {
  it('upgrades when a seller covers the TPID and notifies the creator, the Referrals admin and every covering seller exactly once', async () => {
    const claimId = await claim({ tpids: [['S-1', 'S-2'], ['S-3', 'S-1']] });
    await sendAndAnswer(claimId, 40_000, 'ACCEPTED');
    const referral = await db.prisma.referral.findUniqueOrThrow({ where: { claimId } });
    expect(referral).toMatchObject({ dealType: 'CO_SELL', status: 'ACTIVE', substatus: 'ACCEPTED' });
    expect(referral.upgradedAt?.toISOString()).toBe(addDays(T0, 1).toISOString());
    expect(await teams(claimId)).toEqual([
      { event: 'consent.accepted', recipient: 'aad-UA-USER' },
      { event: REFERRAL_EVENTS.coSellAvailable, recipient: 'aad-S-1' },
      { event: REFERRAL_EVENTS.coSellAvailable, recipient: 'aad-S-2' },
      { event: REFERRAL_EVENTS.coSellAvailable, recipient: 'aad-S-3' },
      { event: REFERRAL_EVENTS.created, recipient: 'aad-UA-REF' },
      { event: REFERRAL_EVENTS.created, recipient: 'aad-UA-USER' },
      { event: REFERRAL_EVENTS.upgraded, recipient: 'aad-UA-REF' },
      { event: REFERRAL_EVENTS.upgraded, recipient: 'aad-UA-USER' },
    ]);
    const seller = await db.prisma.outboxMessage.findFirstOrThrow({ where: { claimId, recipient: 'aad-S-1' } });
    expect(seller.payload).toMatchObject({ customerName: expect.stringContaining('Referral Customer') as unknown, partnerName: 'Partner A' });
    expect(JSON.stringify(seller.payload)).not.toContain('40000');
    expect(await db.prisma.auditEvent.count({ where: { claimId, action: 'referral.upgraded' } })).toBe(1);
    const pushes = await db.prisma.outboxMessage.findMany({ where: { channel: 'REFERRALS', payload: { path: ['claimId'], equals: claimId } }, orderBy: { event: 'asc' } });
    expect(pushes.map((row) => row.event)).toEqual([REFERRAL_SYNC_EVENTS.create, REFERRAL_SYNC_EVENTS.upgrade]);
  });

  it('keeps the referral partner-led (received) when no seller covers the customer', async () => {
    const claimId = await claim({ tpids: [[]] });
    await sendAndAnswer(claimId, 40_000, 'ACCEPTED');
    expect(await db.prisma.referral.findUniqueOrThrow({ where: { claimId } })).toMatchObject({ dealType: 'PARTNER_LED', status: 'NEW', substatus: 'RECEIVED', upgradedAt: null });
    expect(await db.prisma.auditEvent.findFirstOrThrow({ where: { claimId, action: 'referral.received' } })).toMatchObject({ actorKind: 'SYSTEM', after: { substatus: 'RECEIVED' } });
    expect((await teams(claimId)).map((row) => row.event)).toEqual(['consent.accepted', REFERRAL_EVENTS.created, REFERRAL_EVENTS.created]);
  });

  it('does not upgrade when the customer declines', async () => {
    const claimId = await claim({ tpids: [['S-1', 'S-2']] });
    await sendAndAnswer(claimId, 40_000, 'DECLINED');
    expect(await db.prisma.referral.findUniqueOrThrow({ where: { claimId } })).toMatchObject({ dealType: 'PARTNER_LED', substatus: 'PENDING' });
    expect((await teams(claimId)).map((row) => row.event)).toEqual(['consent.declined', REFERRAL_EVENTS.created, REFERRAL_EVENTS.created]);
  });
});

describe('who of the partner is told of a referral', () => {
  it('tells a creator who is also a Referrals admin once, as the admin', async () => {
    const both = await f.user({ partnerId: world.partnerA, id: 'UA-BOTH', roles: ['INCENTIVES_USER', 'REFERRALS_ADMIN'] });
    const claimId = await claim({ tpids: [['S-1']] });
    await db.prisma.claim.update({ where: { id: claimId }, data: { createdByUserId: both } });
    await sendAndAnswer(claimId, 40_000, 'ACCEPTED');
    const referralRows = (await teams(claimId)).filter((row) => row.event.startsWith('referral.'));
    expect(referralRows).toEqual([
      { event: REFERRAL_EVENTS.created, recipient: 'aad-UA-BOTH' },
      { event: REFERRAL_EVENTS.created, recipient: 'aad-UA-REF' },
      { event: REFERRAL_EVENTS.upgraded, recipient: 'aad-UA-BOTH' },
      { event: REFERRAL_EVENTS.upgraded, recipient: 'aad-UA-REF' },
    ]);
    const own = await db.prisma.outboxMessage.findMany({ where: { claimId, recipient: 'aad-UA-BOTH', event: { startsWith: 'referral.' } } });
    expect(own.map((row) => (row.payload as { audience?: string }).audience)).toEqual(['referralsAdmin', 'referralsAdmin']);
    await db.prisma.userRole.deleteMany({ where: { userId: both } });
  });

  it('tells only the creator, saying so, when the partner has no Referrals admin; never another partner\'s', async () => {
    const roles = await db.prisma.userRole.findMany({ where: { role: 'REFERRALS_ADMIN' } });
    await db.prisma.userRole.deleteMany({ where: { role: 'REFERRALS_ADMIN', user: { partnerId: world.partnerA } } });
    await f.user({ partnerId: world.partnerB, id: 'UB-REF', roles: ['REFERRALS_ADMIN'] });
    try {
      const claimId = await claim({ tpids: [['S-1']] });
      await requestConsent(db, clock, SETTINGS, caller('UA-USER'), { claimId, estimatedDealSizeUsd: 30_000, disclaimerAccepted: true });
      const rows = await db.prisma.outboxMessage.findMany({ where: { claimId, channel: 'TEAMS' } });
      expect(rows.map((row) => [row.event, row.recipient, (row.payload as { referralsAdmins?: number }).referralsAdmins])).toEqual([[REFERRAL_EVENTS.created, 'aad-UA-USER', 0]]);
    } finally {
      await db.prisma.userRole.createMany({ data: roles, skipDuplicates: true });
    }
  });
});

describe('referral in the claim details', () => {
  it('is shown to Referrals admins only', async () => {
    const claimId = await claim({ tpids: [['S-1', 'S-2']] });
    await sendAndAnswer(claimId, 40_000, 'ACCEPTED');
    const forReferrals = await claimDetails(db, clock, { partnerId: world.partnerA, roles: ['REFERRALS_ADMIN'] }, claimId);
    expect(forReferrals?.referral).toMatchObject({ dealType: 'CO_SELL', status: 'ACTIVE' });
    expect(forReferrals?.history.map((entry) => entry.what)).toEqual(expect.arrayContaining(['Partner-led referral created', 'Referral upgraded to co-sell']));
    for (const roles of [['INCENTIVES_USER'], ['INCENTIVES_ADMIN']] as const) {
      const details = await claimDetails(db, clock, { partnerId: world.partnerA, roles }, claimId);
      expect(details?.referral).toBeNull();
      expect(details?.referralsVisible).toBe(false);
      expect(details?.history.some((entry) => entry.what.toLowerCase().includes('referral'))).toBe(false);
    }
  });
});
