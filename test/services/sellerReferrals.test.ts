import { addDays } from '../../services/shared/clock';
import type { Database, ReferralDealType } from '../../services/db';
import { NotAllowedError } from '../../services/shared/errors';
import { sellerCoSellReferralOf, sellerCoSellReferrals } from '../../services/referrals/sellerView';
import { Fixtures, T0, buildWorld, type World } from '../support/fixtures';
import { createTestDatabase } from '../support/testDatabase';

let db: Database;
let f: Fixtures;
let world: World;
const ids: Record<string, string> = {};

async function seller(id: string, tpids: string[]): Promise<void> {
  await db.prisma.seller.create({
    data: { id, aadObjectId: `aad-${id}`, tenantId: 'microsoft', displayName: `Seller ${id}`, email: `${id.toLowerCase()}@microsoft.example`, coverage: { create: tpids.map((tpid) => ({ tpid })) } },
  });
}

/** A claim of the partner for the customer, with a referral of the given type upgraded `day` days after T0. */
async function referral(name: string, spec: { partnerId: string; customerId: string; engagementId: string; locationId: string; userId: string; dealType: ReferralDealType; day: number }): Promise<void> {
  const claimId = await f.claim({ partnerId: spec.partnerId, engagementId: spec.engagementId, customerId: spec.customerId, locationId: spec.locationId, userId: spec.userId, status: 'CONSENT_GRANTED' });
  const coSell = spec.dealType === 'CO_SELL';
  await db.prisma.referral.create({
    data: {
      id: `REF-${name}`,
      claimId,
      partnerId: spec.partnerId,
      dealType: spec.dealType,
      status: coSell ? 'ACTIVE' : 'NEW',
      substatus: coSell ? 'ACCEPTED' : 'RECEIVED',
      dealSizeUsd: 987_654,
      createdAt: T0,
      upgradedAt: coSell ? addDays(T0, spec.day) : null,
    },
  });
  ids[name] = claimId;
}

beforeAll(async () => {
  db = await createTestDatabase();
  f = new Fixtures(db);
  world = await buildWorld(f);
  const covered = await f.customer({ name: 'Covered Co', ids: [{ type: 'TPID', value: '7001' }, { type: 'TPID', value: '7002' }, { type: 'DOMAIN', value: 'covered.example' }] });
  const other = await f.customer({ name: 'Other Co', ids: [{ type: 'TPID', value: '8001' }] });
  const second = await f.customer({ name: 'Second Co', ids: [{ type: 'TPID', value: '7003' }] });
  await seller('S-ONE', ['7001', '7003']);
  await seller('S-TWO', ['8001']);
  await seller('S-NONE', []);
  const a = { partnerId: world.partnerA, engagementId: world.fixed, locationId: world.location, userId: world.user };
  const b = { partnerId: world.partnerB, engagementId: world.fixed, locationId: world.locationB, userId: world.userB };
  await referral('A-COVERED', { ...a, customerId: covered, dealType: 'CO_SELL', day: 1 });
  await referral('B-COVERED', { ...b, customerId: covered, dealType: 'CO_SELL', day: 2 });
  await referral('A-SECOND', { ...a, customerId: second, dealType: 'CO_SELL', day: 3 });
  await referral('B-SECOND-LED', { ...b, customerId: second, dealType: 'PARTNER_LED', day: 4 });
  await referral('A-OTHER', { ...a, customerId: other, dealType: 'CO_SELL', day: 5 });
  await db.prisma.claim.update({ where: { id: ids['B-COVERED'] }, data: { partnerContactName: 'Bo Partner', partnerContactEmail: 'bo@partner-b.example', partnerContactPhone: '+1 425 555 0100' } });
});

afterAll(async () => {
  await db.close();
});

describe("a seller's co-sell referrals", () => {
  it('are the co-sell referrals of the customers whose TPIDs they cover, of every partner, newest first', async () => {
    const page = await sellerCoSellReferrals(db, { sellerId: 'S-ONE' });
    expect(page.rows.map((row) => row.referralId)).toEqual(['REF-A-SECOND', 'REF-B-COVERED', 'REF-A-COVERED']);
    expect(page.nextCursor).toBeNull();
    expect(page.rows[1]).toEqual({
      referralId: 'REF-B-COVERED',
      claimId: ids['B-COVERED'],
      customerName: 'Covered Co',
      coveredTpids: ['7001'],
      engagementName: 'Fixed Engagement',
      partnerName: 'Partner B',
      partnerContact: { name: 'Bo Partner', email: 'bo@partner-b.example', phone: '+1 425 555 0100' },
      claimStatus: 'CONSENT_GRANTED',
      claimStatusLabel: 'Consent granted',
      referralStatusLabel: 'Active · Accepted',
      upgradedAt: addDays(T0, 2),
    });
  });

  it('never include a customer the seller does not cover, a partner-led referral, or any deal size', async () => {
    const one = await sellerCoSellReferrals(db, { sellerId: 'S-ONE' });
    const two = await sellerCoSellReferrals(db, { sellerId: 'S-TWO' });
    expect(two.rows.map((row) => [row.referralId, row.customerName])).toEqual([['REF-A-OTHER', 'Other Co']]);
    expect(one.rows.some((row) => row.customerName === 'Other Co' || row.referralId === 'REF-B-SECOND-LED')).toBe(false);
    expect(JSON.stringify([one, two])).not.toContain('987654');
    expect(JSON.stringify([one, two])).not.toMatch(/dealSize/i);
    expect(await sellerCoSellReferrals(db, { sellerId: 'S-NONE' })).toEqual({ rows: [], nextCursor: null });
    expect(await sellerCoSellReferrals(db, { sellerId: 'S-UNKNOWN' })).toEqual({ rows: [], nextCursor: null });
  });

  it('page by keyset, and refuse a cursor that is not ours', async () => {
    const first = await sellerCoSellReferrals(db, { sellerId: 'S-ONE', pageSize: 2 });
    expect(first.rows.map((row) => row.referralId)).toEqual(['REF-A-SECOND', 'REF-B-COVERED']);
    const second = await sellerCoSellReferrals(db, { sellerId: 'S-ONE', pageSize: 2, cursor: first.nextCursor });
    expect(second.rows.map((row) => row.referralId)).toEqual(['REF-A-COVERED']);
    expect(second.nextCursor).toBeNull();
    await expect(sellerCoSellReferrals(db, { sellerId: 'S-ONE', cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(NotAllowedError);
  });
});

describe("the co-sell referral of one claim, as a seller's co-sell notification opens it", () => {
  const claim = (name: string): string => ids[name] ?? '';

  it('is the claim’s co-sell referral when the seller covers its customer, whatever the id’s case', async () => {
    expect(await sellerCoSellReferralOf(db, 'S-ONE', claim('A-COVERED'))).toMatchObject({ referralId: 'REF-A-COVERED', customerName: 'Covered Co', coveredTpids: ['7001'] });
    expect(await sellerCoSellReferralOf(db, 'S-ONE', ` ${claim('B-COVERED').toLowerCase()} `)).toMatchObject({ referralId: 'REF-B-COVERED' });
  });

  it('is nothing for a customer they do not cover, a partner-led referral, a claim without one, or a seller without coverage', async () => {
    expect(await sellerCoSellReferralOf(db, 'S-ONE', claim('A-OTHER'))).toBeNull();
    expect(await sellerCoSellReferralOf(db, 'S-ONE', claim('B-SECOND-LED'))).toBeNull();
    expect(await sellerCoSellReferralOf(db, 'S-ONE', 'CLM-NOSUCH1')).toBeNull();
    expect(await sellerCoSellReferralOf(db, 'S-NONE', claim('A-COVERED'))).toBeNull();
    expect(JSON.stringify(await sellerCoSellReferralOf(db, 'S-ONE', claim('A-COVERED')))).not.toContain('987654');
  });
});
