import { DEMO, DEMO_CUSTOMERS, DEMO_IDENTITIES, isDatabaseEmpty, seedDemoData } from '../../prisma/demoData';
import { reseed, seedTarget } from '../../prisma/seed';
import { isTerminal, openClaimKey, runningDeadline } from '../../services/claims/lifecycle';
import { parseCustomerId } from '../../services/customers/customerIds';
import type { CustomerIdType } from '../../services/db';
import type { Database } from '../../services/db/database';
import { parseHourlyRateTiers } from '../../services/nomination/payout';
import { createTestDatabase } from '../support/testDatabase';

const NOW = new Date('2026-11-24T09:00:00.000Z');
const ALL_ID_TYPES: CustomerIdType[] = ['DOMAIN', 'TENANT_ID', 'TPID', 'AZURE_SUBSCRIPTION_ID', 'MSX_OPPORTUNITY_ID'];

describe('demo data', () => {
  let db: Database;

  beforeAll(async () => {
    db = await createTestDatabase();
    expect(await isDatabaseEmpty(db.prisma)).toBe(true);
    await seedDemoData(db.prisma, NOW);
  });
  afterAll(() => db.close());

  it('leaves the database no longer empty', async () => {
    expect(await isDatabaseEmpty(db.prisma)).toBe(false);
  });

  it('has exactly the demo identities, with their roles, partners and contact details', async () => {
    const users = await db.prisma.partnerUser.findMany({ include: { roles: true }, orderBy: { aadObjectId: 'asc' } });
    expect(users.map((u) => ({ aad: u.aadObjectId, id: u.id, partner: u.partnerId, roles: u.roles.map((r) => r.role).sort() }))).toEqual([
      { aad: DEMO.users.adminA, id: 'user-a-admin', partner: DEMO.partnerA, roles: ['INCENTIVES_ADMIN', 'REFERRALS_ADMIN'] },
      { aad: DEMO.users.userA, id: 'user-a-user', partner: DEMO.partnerA, roles: ['INCENTIVES_USER'] },
      { aad: DEMO.users.noRoleA, id: 'user-a-norole', partner: DEMO.partnerA, roles: [] },
      { aad: DEMO.users.adminB, id: 'user-b-admin', partner: DEMO.partnerB, roles: ['INCENTIVES_ADMIN'] },
    ]);
    expect(DEMO.users).toEqual({
      adminA: '00000000-0000-0000-0000-00000000a001',
      userA: '00000000-0000-0000-0000-00000000a002',
      noRoleA: '00000000-0000-0000-0000-00000000a003',
      adminB: '00000000-0000-0000-0000-00000000b001',
    });
    const partners = await db.prisma.partner.findMany();
    for (const user of users) {
      expect(user.displayName).toMatch(/^\S+ \S+/);
      expect(user.phone).toMatch(/^\+\d/);
      expect(user.tenantId).toBe(partners.find((p) => p.id === user.partnerId)?.tenantId);
      expect(user.email.endsWith(user.partnerId === DEMO.partnerA ? '@fabrikamconsulting.com' : '@treyresearch.net')).toBe(true);
    }
    expect(new Set(DEMO_IDENTITIES.map((i) => i.aadObjectId))).toEqual(new Set([...Object.values(DEMO.users), DEMO.seller]));
  });

  it('has a field seller who covers some TPIDs of partner A\'s customers', async () => {
    const seller = await db.prisma.seller.findUniqueOrThrow({ where: { aadObjectId: DEMO.seller }, include: { coverage: true } });
    expect(seller.aadObjectId).toBe('00000000-0000-0000-0000-00000000c001');
    const partnerATpids = await db.prisma.customerIdentifier.findMany({
      where: { type: 'TPID', customer: { claims: { some: { partnerId: DEMO.partnerA } } } },
    });
    const covered = seller.coverage.map((c) => c.tpid);
    expect(covered.length).toBeGreaterThan(0);
    expect(covered.every((tpid) => partnerATpids.some((id) => id.value === tpid))).toBe(true);
    expect(covered.length).toBeLessThan(partnerATpids.length);
  });

  it('has at least six engagements of both pay types with varied rules', async () => {
    const engagements = await db.prisma.engagement.findMany({ include: { acceptedIdTypes: true } });
    expect(engagements.length).toBeGreaterThanOrEqual(6);
    expect(new Set(engagements.map((e) => e.payType))).toEqual(new Set(['FIXED', 'VARIABLE']));
    for (const e of engagements) {
      const types = e.acceptedIdTypes.map((t) => t.idType);
      expect(types.length).toBeGreaterThan(0);
      expect(e.consentTerms.length).toBeGreaterThan(50);
      expect(e.description.length).toBeGreaterThan(50);
      if (e.payType === 'VARIABLE') {
        expect(types).toEqual(['MSX_OPPORTUNITY_ID']);
        expect(parseHourlyRateTiers(e).length).toBeGreaterThan(0);
        expect(e.maxHours).toBeGreaterThan(0);
        expect(e.payoutCapUsd).toBeGreaterThan(0);
      } else {
        expect(types).not.toContain('MSX_OPPORTUNITY_ID');
        expect([e.hourlyRateTiers, e.maxHours, e.payoutCapUsd]).toEqual([null, null, null]);
      }
      expect(e.referralsEnabled).toBe(e.referralMinDealSizeUsd !== null);
    }
    expect(engagements.some((e) => e.referralsEnabled && (e.referralMinDealSizeUsd ?? 0) > 0)).toBe(true);
    expect(new Set(engagements.map((e) => `${e.consentWindowDays}/${e.submissionWindowDays}`)).size).toBeGreaterThanOrEqual(3);
    expect(engagements.some((e) => e.consentWindowDays === 30 && e.submissionWindowDays === 90)).toBe(true);
    expect(new Set(engagements.map((e) => e.maxActiveClaimsPerCustomer))).toEqual(new Set([1, 2, 3]));
  });

  it('gives partner A three locations, one not enrolled in MCI, and enrols the others for some engagements only', async () => {
    const engagementCount = await db.prisma.engagement.count();
    const locations = await db.prisma.location.findMany({ where: { partnerId: DEMO.partnerA }, include: { engagements: true } });
    expect(locations).toHaveLength(3);
    for (const location of locations) expect(location.id).toMatch(/^\d{7}$/);
    const notEnrolled = locations.filter((l) => !l.mciEnrolled);
    expect(notEnrolled.map((l) => l.id)).toEqual([DEMO.locations.london]);
    expect(notEnrolled[0]?.engagements).toEqual([]);
    for (const location of locations.filter((l) => l.mciEnrolled)) {
      expect(location.engagements.length).toBeGreaterThan(0);
      expect(location.engagements.length).toBeLessThan(engagementCount);
    }
    const partnerB = await db.prisma.location.count({ where: { partnerId: DEMO.partnerB } });
    expect(partnerB).toBeGreaterThanOrEqual(1);
    expect(partnerB).toBeLessThanOrEqual(2);
  });

  it('has at least thirty customers with well-formed ids of every type', async () => {
    expect(await db.prisma.customer.count()).toBeGreaterThanOrEqual(30);
    const ids = await db.prisma.customerIdentifier.findMany();
    expect(new Set(ids.map((id) => id.type))).toEqual(new Set(ALL_ID_TYPES));
    for (const id of ids) {
      const parsed = parseCustomerId(id.type, id.value);
      expect(parsed).toEqual({ ok: true, id: { type: id.type, value: id.value } });
    }
    const opportunities = await db.prisma.msxOpportunity.findMany();
    const msxIds = ids.filter((id) => id.type === 'MSX_OPPORTUNITY_ID');
    expect(opportunities.map((o) => o.id).sort()).toEqual(msxIds.map((id) => id.value).sort());
    for (const o of opportunities) {
      expect(o.valueUsd).toBeGreaterThan(0);
      expect(o.customerId).toBe(msxIds.find((id) => id.value === o.id)?.customerId);
    }
  });

  it("maps customer domains to their tenant in the directory, with a couple left out and one customer's second tenant off its domain", async () => {
    const directory = await db.prisma.directoryDomain.findMany();
    const domains = await db.prisma.customerIdentifier.findMany({ where: { type: 'DOMAIN' } });
    const tenants = await db.prisma.customerIdentifier.findMany({ where: { type: 'TENANT_ID' } });
    for (const entry of directory) {
      const owner = domains.find((d) => d.value === entry.domain)?.customerId;
      expect(tenants.some((t) => t.customerId === owner && t.value === entry.tenantId)).toBe(true);
    }
    const outside = domains.filter((d) => !directory.some((e) => e.domain === d.value));
    expect(outside.length).toBeGreaterThanOrEqual(2);
    const offDomain = tenants.filter((t) => domains.some((d) => d.customerId === t.customerId) && !directory.some((e) => e.tenantId === t.value));
    const withTwoTenants = offDomain.filter((t) => tenants.filter((x) => x.customerId === t.customerId).length > 1);
    expect(withTwoTenants.map((t) => t.customerId)).toContain(DEMO.customers.lamna);
  });

  it('keeps eligibility per id value: never cascaded, with reasons for the ineligible', async () => {
    const entries = await db.prisma.eligibilityEntry.findMany({ include: { engagement: { include: { acceptedIdTypes: true } } } });
    const ids = await db.prisma.customerIdentifier.findMany();
    const owner = new Map(ids.map((id) => [`${id.type}:${id.value}`, id.customerId]));
    expect(entries.some((e) => e.eligible)).toBe(true);
    for (const entry of entries) {
      expect(entry.engagement.acceptedIdTypes.map((t) => t.idType)).toContain(entry.idType);
      expect(owner.has(`${entry.idType}:${entry.idValue}`)).toBe(true);
      if (!entry.eligible) expect(entry.reason).toMatch(/\w{10,}/);
    }
    // Some customer is eligible through one id and not another for the same engagement.
    const verdicts = new Map<string, Set<boolean>>();
    for (const entry of entries) {
      const key = `${entry.engagementId}:${owner.get(`${entry.idType}:${entry.idValue}`)}`;
      verdicts.set(key, (verdicts.get(key) ?? new Set()).add(entry.eligible));
    }
    expect([...verdicts.values()].filter((v) => v.size === 2).length).toBeGreaterThanOrEqual(3);
    const reasons = new Set(entries.filter((e) => !e.eligible).map((e) => e.reason));
    expect(reasons).toContain("Customer is not in the engagement's target segment");
    expect(reasons).toContain("Azure consumption above the engagement's threshold");

    // Woodgrove Bank is eligible for fixed pay engagements only through its TPID.
    const woodgrove = entries.filter((e) => e.engagement.payType === 'FIXED' && owner.get(`${e.idType}:${e.idValue}`) === DEMO.customers.woodgrove);
    expect(woodgrove.filter((e) => e.eligible).every((e) => e.idType === 'TPID')).toBe(true);
    expect(woodgrove.some((e) => e.eligible)).toBe(true);
    // Lamna is eligible for Copilot only through its second tenant, the one not behind its email domain.
    const lamna = DEMO_CUSTOMERS.find((c) => c.key === 'lamna');
    const lamnaCopilot = entries.filter((e) => e.engagementId === DEMO.engagements.copilot && owner.get(`${e.idType}:${e.idValue}`) === DEMO.customers.lamna);
    expect(lamnaCopilot.filter((e) => e.eligible).map((e) => e.idValue)).toEqual([lamna?.tenants[1]]);
  });

  it('backs every known customer with an earlier claim of that partner that reached consent', async () => {
    const known = await db.prisma.knownCustomer.findMany();
    expect(known.filter((k) => k.partnerId === DEMO.partnerA).length).toBeGreaterThanOrEqual(5);
    const claims = await db.prisma.claim.findMany();
    for (const k of known) {
      const first = claims.find((c) => c.id === k.firstClaimId);
      expect(first).toMatchObject({ partnerId: k.partnerId, customerId: k.customerId, origin: 'ADDED' });
      expect(first?.consentAnsweredAt).toEqual(k.knownSince);
      const consented = claims.filter((c) => c.partnerId === k.partnerId && c.customerId === k.customerId && c.submissionDeadline !== null);
      expect(Math.min(...consented.map((c) => c.consentAnsweredAt?.getTime() ?? Infinity))).toBe(k.knownSince.getTime());
    }
    const completed = claims.filter((c) => c.status === 'COMPLETED' && c.partnerId === DEMO.partnerA);
    expect(completed.length).toBeGreaterThanOrEqual(5);
    for (const c of completed) {
      expect(c.consentAnsweredAt).not.toBeNull();
      expect(c.closedAt).not.toBeNull();
      expect(c.openClaimKey).toBeNull();
    }
    // Nobody is known to a partner without a claim that reached consent.
    const consentedPairs = new Set(claims.filter((c) => c.submissionDeadline !== null).map((c) => `${c.partnerId}:${c.customerId}`));
    expect(new Set(known.map((k) => `${k.partnerId}:${k.customerId}`))).toEqual(consentedPairs);
  });

  it('seeds claims the rules allow, consistent in every field', async () => {
    const claims = await db.prisma.claim.findMany({ include: { engagement: { include: { acceptedIdTypes: true } }, location: { include: { engagements: true } }, consent: true, auditTrail: true } });
    const ids = await db.prisma.customerIdentifier.findMany();
    const entries = await db.prisma.eligibilityEntry.findMany({ where: { eligible: true } });
    const directory = await db.prisma.directoryDomain.findMany();
    const known = await db.prisma.knownCustomer.findMany();
    expect(claims.map((c) => c.id).sort()).toEqual(Object.values(DEMO.claims).sort());

    for (const c of claims) {
      expect(c.id).toMatch(/^CLM-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}$/);
      expect(c.openClaimKey).toBe(isTerminal(c.status) ? null : openClaimKey(c.partnerId, c.engagementId, c.customerId));
      expect(c.closedAt === null).toBe(!isTerminal(c.status));
      expect(c.engagement.acceptedIdTypes.map((t) => t.idType)).toContain(c.idType);
      expect(ids.some((id) => id.type === c.idType && id.value === c.idValue && id.customerId === c.customerId)).toBe(true);
      const checkedAs = [c.idValue, ...(c.idType === 'DOMAIN' ? directory.filter((d) => d.domain === c.idValue).map((d) => d.tenantId) : [])];
      expect(entries.some((e) => e.engagementId === c.engagementId && checkedAs.includes(e.idValue))).toBe(true);
      expect(c.location.partnerId).toBe(c.partnerId);
      expect(c.location.mciEnrolled).toBe(true);
      expect(c.location.engagements.map((e) => e.engagementId)).toContain(c.engagementId);
      expect(c.origin).toBe(known.some((k) => k.partnerId === c.partnerId && k.customerId === c.customerId && k.knownSince <= c.createdAt) ? 'CLAIMED' : 'ADDED');
      if (c.engagement.payType === 'VARIABLE') {
        expect(c.hours).toBeGreaterThan(0);
        expect(c.proposedPayoutUsd).toBeGreaterThan(0);
      } else {
        expect([c.hours, c.proposedPayoutUsd]).toEqual([null, null]);
      }
      expect(c.consent !== null).toBe(c.consentRequestedAt !== null);
      expect(c.estimatedDealSizeUsd !== null).toBe(c.consentRequestedAt !== null);
      expect(c.auditTrail.length).toBeGreaterThan(0);
      expect(c.auditTrail.length).toBeGreaterThanOrEqual(c.version + 1);
      expect(c.createdAt.getTime()).toBeLessThan(NOW.getTime());
      const deadline = runningDeadline(c);
      if (deadline) expect(deadline.at.getTime()).toBeGreaterThan(NOW.getTime());
    }
  });

  it('has open claims in various states for partner A and some for partner B, within the limits', async () => {
    const claims = await db.prisma.claim.findMany({ include: { engagement: true } });
    const open = claims.filter((c) => !isTerminal(c.status));
    const statesA = new Set(open.filter((c) => c.partnerId === DEMO.partnerA).map((c) => c.status));
    expect(statesA.size).toBeGreaterThanOrEqual(5);
    expect(open.filter((c) => c.partnerId === DEMO.partnerB).length).toBeGreaterThanOrEqual(1);
    expect(new Set(claims.filter((c) => isTerminal(c.status)).map((c) => c.status))).toEqual(
      new Set(['COMPLETED', 'EXPIRED', 'CANCELED', 'DECLINED', 'REJECTED_FINAL']),
    );

    expect(new Set(open.map((c) => c.openClaimKey)).size).toBe(open.length);
    const perCustomer = new Map<string, number>();
    for (const c of open) perCustomer.set(`${c.engagementId}:${c.customerId}`, (perCustomer.get(`${c.engagementId}:${c.customerId}`) ?? 0) + 1);
    for (const c of open) expect(perCustomer.get(`${c.engagementId}:${c.customerId}`)).toBeLessThanOrEqual(c.engagement.maxActiveClaimsPerCustomer);
    // Counting completed claims as used up as well, the limits still hold.
    const used = new Map<string, number>();
    for (const c of claims.filter((x) => !isTerminal(x.status) || x.status === 'COMPLETED')) {
      used.set(`${c.engagementId}:${c.customerId}`, (used.get(`${c.engagementId}:${c.customerId}`) ?? 0) + 1);
    }
    for (const c of claims) expect(used.get(`${c.engagementId}:${c.customerId}`) ?? 0).toBeLessThanOrEqual(c.engagement.maxActiveClaimsPerCustomer);
  });

  it('links referrals to claims on referral-enabled engagements only', async () => {
    const referrals = await db.prisma.referral.findMany({ include: { claim: { include: { engagement: true } } } });
    expect(new Set(referrals.map((r) => r.dealType))).toEqual(new Set(['PARTNER_LED', 'CO_SELL']));
    for (const r of referrals) {
      expect(r.claim.engagement.referralsEnabled).toBe(true);
      expect(r.dealSizeUsd).toBe(r.claim.estimatedDealSizeUsd);
      expect(r.dealSizeUsd).toBeGreaterThanOrEqual(r.claim.engagement.referralMinDealSizeUsd ?? 0);
      expect(r.partnerId).toBe(r.claim.partnerId);
      if (r.dealType === 'CO_SELL') expect(r.claim.consentAnsweredAt).not.toBeNull();
    }
  });

  it('is reset and seeded again identically by npm run seed', async () => {
    const rowCounts = async () => {
      const tables = await db.sql.query<{ name: string }>(
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations' ORDER BY tablename`,
      );
      const counts: Record<string, number> = {};
      for (const { name } of tables) counts[name] = (await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}"`))[0]?.n ?? -1;
      return counts;
    };
    const snapshot = async () => ({
      counts: await rowCounts(),
      claims: await db.prisma.claim.findMany({ orderBy: { id: 'asc' } }),
      known: await db.prisma.knownCustomer.findMany({ orderBy: [{ partnerId: 'asc' }, { customerId: 'asc' }] }),
      eligibility: await db.prisma.eligibilityEntry.findMany({ orderBy: [{ engagementId: 'asc' }, { idType: 'asc' }, { idValue: 'asc' }] }),
    });
    const before = await snapshot();
    await db.prisma.botState.create({ data: { key: 'msteams/conversations/old', document: {}, eTag: '1', updatedAt: NOW } });
    const migrationsBefore = await db.sql.query('SELECT * FROM "_prisma_migrations"');

    await reseed(db, NOW);

    expect(await snapshot()).toEqual(before);
    expect(await db.prisma.botState.count()).toBe(0);
    expect(await db.sql.query('SELECT * FROM "_prisma_migrations"')).toEqual(migrationsBefore);
  });
});

describe('npm run seed settings', () => {
  it('uses the embedded PostgreSQL under DATA_DIR, ./data by default, on EMBEDDED_PG_PORT or a free port', () => {
    const embedded = { kind: 'embedded', port: null, purpose: 'npm run seed' };
    expect(seedTarget({})).toEqual({ ...embedded, dataDir: './data' });
    expect(seedTarget({ DATA_DIR: '/srv/mci' })).toEqual({ ...embedded, dataDir: '/srv/mci' });
    expect(seedTarget({ DATA_DIR: '  ' })).toEqual({ ...embedded, dataDir: './data' });
    expect(seedTarget({ EMBEDDED_PG_PORT: '55999' })).toEqual({ ...embedded, dataDir: './data', port: 55999 });
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    expect(seedTarget({ DATABASE_URL: 'postgres://bot:pw@db:5432/mci' })).toEqual({ kind: 'postgres', url: 'postgres://bot:pw@db:5432/mci' });
  });

  it('refuses a bad DATABASE_URL with a clear message that does not echo it', () => {
    expect(() => seedTarget({ DATABASE_URL: 'mysql://root:secret@db/mci' })).toThrow(
      'Cannot seed, bad setting:\nDATABASE_URL: expected a PostgreSQL URL such as postgres://user:password@host:5432/database',
    );
    expect(() => seedTarget({ DATABASE_URL: 'mysql://root:secret@db/mci' })).not.toThrow(/secret/);
  });
});
