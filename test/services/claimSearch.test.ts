import { DEMO } from '../../prisma/demoData';
import { createClaims, type Claims } from '../../services/claims';
import type { Database } from '../../services/db';
import type { PartnerCaller } from '../../services/directory';
import { localEligibilityPorts } from '../../services/nomination';
import { FixedClock } from '../../services/shared/clock';
import { NotAllowedError } from '../../services/shared/errors';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const PUBLIC_BASE_URL = 'https://mci-bot.contoso.example/base';

function caller(partnerId: string, userId: string, roles: PartnerCaller['roles']): PartnerCaller {
  return { kind: 'partnerUser', userId, partnerId, partnerName: partnerId, displayName: userId, email: `${userId}@example.com`, roles };
}

const userA = caller(DEMO.partnerA, DEMO.userIds.userA, ['INCENTIVES_USER']);
const adminB = caller(DEMO.partnerB, DEMO.userIds.adminB, ['INCENTIVES_ADMIN']);
const noRoleA = caller(DEMO.partnerA, DEMO.userIds.noRoleA, []);
const referralsOnlyA = caller(DEMO.partnerA, DEMO.userIds.adminA, ['REFERRALS_ADMIN']);

describe('claim search and claim links (the message extension and link unfurling)', () => {
  let db: Database;
  let claims: Claims;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    claims = createClaims({ db, clock: new FixedClock(NOW), consent: { tokenSecret: 'x'.repeat(32), publicBaseUrl: PUBLIC_BASE_URL }, ports: localEligibilityPorts(db.prisma) });
  });

  afterAll(async () => {
    await db.close();
  });

  async function allIds(who: PartnerCaller, text: string, pageSize = 2): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page += 1) {
      const result = await claims.search(who, { text, cursor, pageSize });
      expect(result.rows.length).toBeLessThanOrEqual(pageSize);
      ids.push(...result.rows.map((row) => row.id));
      if (!result.nextCursor) return ids;
      cursor = result.nextCursor;
    }
    throw new Error('too many pages');
  }

  it("finds the caller's partner's claims by customer name, newest first, and never another partner's", async () => {
    const expected = await db.prisma.claim.findMany({
      where: { partnerId: DEMO.partnerA, customer: { name: { contains: 'contoso', mode: 'insensitive' } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true },
    });
    expect(expected.length).toBeGreaterThan(2);
    const ids = await allIds(userA, '  CONTOSO ');
    expect(ids).toEqual(expected.map((claim) => claim.id));
    expect(ids).not.toContain(DEMO.claims.contosoCopilotPartnerB);
    expect(await allIds(adminB, 'contoso')).toEqual([DEMO.claims.contosoCopilotPartnerB]);
  });

  it('finds a claim by its id (any case), by a customer domain and by engagement name', async () => {
    expect(await allIds(userA, DEMO.claims.tailspinMigrateConsentRequested.toLowerCase())).toEqual([DEMO.claims.tailspinMigrateConsentRequested]);
    // Another partner's claim id finds nothing: ids reveal nothing across partners.
    expect(await allIds(userA, DEMO.claims.contosoCopilotPartnerB)).toEqual([]);
    const domain = await db.prisma.customerIdentifier.findFirst({ where: { type: 'DOMAIN', customer: { claims: { some: { partnerId: DEMO.partnerA } } } } });
    if (!domain) throw new Error('no demo domain');
    const byDomain = await allIds(userA, domain.value);
    expect(byDomain.length).toBeGreaterThan(0);
    const owners = await db.prisma.claim.findMany({ where: { id: { in: byDomain } }, select: { partnerId: true } });
    expect(new Set(owners.map((claim) => claim.partnerId))).toEqual(new Set([DEMO.partnerA]));
    const engagement = await db.prisma.engagement.findUniqueOrThrow({ where: { id: DEMO.engagements.azureMigrate }, select: { name: true } });
    const byEngagement = await allIds(userA, engagement.name, 25);
    const expected = await db.prisma.claim.count({ where: { partnerId: DEMO.partnerA, engagementId: DEMO.engagements.azureMigrate } });
    expect(byEngagement.length).toBeGreaterThanOrEqual(expected);
  });

  it("pages by Teams' skip as by the cursor: the same rows, no repeats, nothing past the end", async () => {
    const all = await allIds(userA, '', 25);
    expect(all.length).toBeGreaterThan(6);
    const bySkip: string[] = [];
    for (let skip = 0; skip < all.length + 3; skip += 3) {
      bySkip.push(...(await claims.search(userA, { text: '', skip, pageSize: 3 })).rows.map((row) => row.id));
    }
    expect(bySkip).toEqual(all.slice(0, Math.min(all.length, bySkip.length)));
    expect(bySkip.length).toBe(all.length);
    expect((await claims.search(userA, { text: '', skip: all.length, pageSize: 3 })).rows).toEqual([]);
  });

  it('shows each result with its status, running deadline and the next steps the role allows', async () => {
    const [row] = (await claims.search(userA, { text: DEMO.claims.tailspinMigrateConsentRequested })).rows;
    expect(row).toMatchObject({ id: DEMO.claims.tailspinMigrateConsentRequested, status: 'CONSENT_REQUESTED', statusLabel: 'Consent requested', deadline: { kind: 'consent' } });
    const [completed] = (await claims.search(userA, { text: DEMO.claims.contosoMigrateCompleted })).rows;
    expect(completed).toMatchObject({ status: 'COMPLETED', deadline: null, nextSteps: [] });
  });

  it('refuses people without a claim role, and a page link from another search gives nothing', async () => {
    await expect(claims.search(noRoleA, { text: 'contoso' })).rejects.toBeInstanceOf(NotAllowedError);
    await expect(claims.search(referralsOnlyA, { text: 'contoso' })).rejects.toBeInstanceOf(NotAllowedError);
    await expect(claims.search(userA, { text: 'contoso', cursor: 'forged' })).rejects.toBeInstanceOf(NotAllowedError);
    const first = await claims.search(userA, { text: 'contoso', pageSize: 1 });
    expect((await claims.search(userA, { text: 'tailspin', cursor: first.nextCursor })).rows).toEqual([]);
  });

  it('gives claims a link of the bot host and reads the claim id back only from such a link', () => {
    const link = claims.link(DEMO.claims.tailspinMigrateConsentRequested);
    expect(link).toBe(`${PUBLIC_BASE_URL}/claims/${DEMO.claims.tailspinMigrateConsentRequested}`);
    expect(claims.claimIdOfLink(link)).toBe(DEMO.claims.tailspinMigrateConsentRequested);
    expect(claims.claimIdOfLink(`${link.toLowerCase().replace('https://mci-bot.contoso.example', 'https://MCI-BOT.contoso.example')}/`)).toBe(DEMO.claims.tailspinMigrateConsentRequested);
    expect(claims.claimIdOfLink(`https://elsewhere.example/base/claims/${DEMO.claims.tailspinMigrateConsentRequested}`)).toBeNull();
    expect(claims.claimIdOfLink(`https://mci-bot.contoso.example/other/claims/CLM-1`)).toBeNull();
    expect(claims.claimIdOfLink(`${PUBLIC_BASE_URL}/claims/%E0%A4%A`)).toBeNull();
    expect(claims.claimIdOfLink('not a link')).toBeNull();
  });

  it("shows a linked claim to its own partner's claim roles only", async () => {
    expect(await claims.shareView(userA, DEMO.claims.tailspinMigrateConsentRequested)).toMatchObject({ id: DEMO.claims.tailspinMigrateConsentRequested });
    expect(await claims.shareView(adminB, DEMO.claims.tailspinMigrateConsentRequested)).toBeNull();
    expect(await claims.shareView(noRoleA, DEMO.claims.tailspinMigrateConsentRequested)).toBeNull();
  });
});
