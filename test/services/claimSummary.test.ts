import { DEMO } from '../../prisma/demoData';
import type { ClaimListViewer } from '../../services/claims/lists';
import { claimSummary, type EngagementClaimSummary } from '../../services/claims/summary';
import { isOpen } from '../../services/claims/lifecycle';
import type { Database } from '../../services/db';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-03-02T09:00:00.000Z');

const userA: ClaimListViewer = { partnerId: DEMO.partnerA, userId: DEMO.userIds.userA, roles: ['INCENTIVES_USER'] };
const adminB: ClaimListViewer = { partnerId: DEMO.partnerB, userId: DEMO.userIds.adminB, roles: ['INCENTIVES_ADMIN'] };

describe('claims summary (demo data)', () => {
  let db: Database;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
  });

  afterAll(async () => {
    await db.close();
  });

  /** The summary computed the slow, obvious way from every claim of the partner. */
  async function expectedSummary(partnerId: string, engagementId?: string): Promise<Map<string, Omit<EngagementClaimSummary, 'engagementName' | 'payType' | 'counts'> & { counts: Record<string, number> }>> {
    const claims = await db.prisma.claim.findMany({ where: { partnerId, ...(engagementId ? { engagementId } : {}) } });
    const byEngagement = new Map<string, Omit<EngagementClaimSummary, 'engagementName' | 'payType' | 'counts'> & { counts: Record<string, number> }>();
    for (const claim of claims) {
      const row = byEngagement.get(claim.engagementId) ?? {
        engagementId: claim.engagementId,
        counts: {},
        total: 0,
        open: 0,
        openDealSizeUsd: 0,
        openWithoutDealSize: 0,
        openProposedPayoutUsd: 0,
      };
      row.counts[claim.status] = (row.counts[claim.status] ?? 0) + 1;
      row.total += 1;
      if (isOpen(claim.status)) {
        row.open += 1;
        row.openDealSizeUsd += claim.estimatedDealSizeUsd ?? 0;
        row.openWithoutDealSize += claim.estimatedDealSizeUsd === null ? 1 : 0;
        row.openProposedPayoutUsd += claim.proposedPayoutUsd ?? 0;
      }
      byEngagement.set(claim.engagementId, row);
    }
    return byEngagement;
  }

  it('counts every claim by status for each engagement, with the money at stake of open claims, paged by engagement name', async () => {
    const expected = await expectedSummary(DEMO.partnerA);
    const rows: EngagementClaimSummary[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const result = await claimSummary(db, userA, { cursor, pageSize: 2 });
      expect(result.rows.length).toBeLessThanOrEqual(2);
      rows.push(...result.rows);
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(rows.map((row) => row.engagementId).sort()).toEqual([...expected.keys()].sort());
    // By name as the database orders names (its collation), which the keyset pages follow.
    const byName = await db.prisma.engagement.findMany({ where: { id: { in: [...expected.keys()] } }, orderBy: [{ name: 'asc' }, { id: 'asc' }], select: { id: true } });
    expect(rows.map((row) => row.engagementId)).toEqual(byName.map((engagement) => engagement.id));
    for (const row of rows) {
      const want = expected.get(row.engagementId);
      expect(Object.fromEntries(row.counts.map((count) => [count.status, count.count]))).toEqual(want?.counts);
      expect({ total: row.total, open: row.open, openDealSizeUsd: row.openDealSizeUsd, openWithoutDealSize: row.openWithoutDealSize, openProposedPayoutUsd: row.openProposedPayoutUsd }).toEqual({
        total: want?.total,
        open: want?.open,
        openDealSizeUsd: want?.openDealSizeUsd,
        openWithoutDealSize: want?.openWithoutDealSize,
        openProposedPayoutUsd: want?.openProposedPayoutUsd,
      });
    }
    expect(rows.some((row) => row.openDealSizeUsd > 0)).toBe(true);
    expect(rows.some((row) => row.payType === 'VARIABLE' && row.openProposedPayoutUsd > 0)).toBe(true);
  });

  it('filters by engagement and by status', async () => {
    const one = await claimSummary(db, userA, { engagementId: DEMO.engagements.azureMigrate });
    expect(one.rows.map((row) => row.engagementId)).toEqual([DEMO.engagements.azureMigrate]);
    expect(one.rows[0]?.total).toBe((await expectedSummary(DEMO.partnerA, DEMO.engagements.azureMigrate)).get(DEMO.engagements.azureMigrate)?.total);

    const completed = await claimSummary(db, userA, { status: 'COMPLETED', pageSize: 50 });
    const completedCounts = await db.prisma.claim.groupBy({ by: ['engagementId'], where: { partnerId: DEMO.partnerA, status: 'COMPLETED' }, _count: { _all: true } });
    expect(completed.rows.map((row) => [row.engagementId, row.total]).sort()).toEqual(completedCounts.map((group) => [group.engagementId, group._count._all]).sort());
    expect(completed.rows.every((row) => row.counts.every((count) => count.status === 'COMPLETED') && row.open === 0 && row.openDealSizeUsd === 0)).toBe(true);
  });

  it('partner B sees only its own claims, even filtering by an engagement where partner A has many', async () => {
    const all = await claimSummary(db, adminB, { pageSize: 50 });
    const expected = await expectedSummary(DEMO.partnerB);
    expect(all.rows.map((row) => [row.engagementId, row.total]).sort()).toEqual([...expected.values()].map((row) => [row.engagementId, row.total]).sort());
    const migrate = await claimSummary(db, adminB, { engagementId: DEMO.engagements.azureMigrate });
    expect(migrate.rows.reduce((sum, row) => sum + row.total, 0)).toBe(expected.get(DEMO.engagements.azureMigrate)?.total ?? 0);
  });

  it('refuses a caller without an Incentives role, and a forged cursor', async () => {
    await expect(claimSummary(db, { ...userA, roles: ['REFERRALS_ADMIN'] })).rejects.toThrow('Only Incentives users and Incentives admins');
    await expect(claimSummary(db, userA, { cursor: 'bm90IGEgY3Vyc29y' })).rejects.toThrow('not valid any more');
  });
});
