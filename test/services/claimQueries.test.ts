import { DEMO } from '../../prisma/demoData';
import {
  expiringClaims,
  myClaims,
  parseStatusFilter,
  partnerClaims,
  statusesFor,
  type ClaimListPage,
  type ClaimListViewer,
} from '../../services/claims/lists';
import { runningDeadline } from '../../services/claims/lifecycle';
import { addDays, FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const clock = new FixedClock(NOW);

const userA: ClaimListViewer = { partnerId: DEMO.partnerA, userId: DEMO.userIds.userA, roles: ['INCENTIVES_USER'] };
const adminA: ClaimListViewer = { partnerId: DEMO.partnerA, userId: DEMO.userIds.adminA, roles: ['INCENTIVES_ADMIN', 'REFERRALS_ADMIN'] };
const adminB: ClaimListViewer = { partnerId: DEMO.partnerB, userId: DEMO.userIds.adminB, roles: ['INCENTIVES_ADMIN'] };

async function collect(read: (cursor: string | null) => Promise<ClaimListPage>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page += 1) {
    const result = await read(cursor);
    expect(result.rows.length).toBeLessThanOrEqual(2);
    ids.push(...result.rows.map((row) => row.id));
    if (!result.nextCursor) return ids;
    cursor = result.nextCursor;
  }
  throw new Error('too many pages');
}

describe('claim lists (demo data)', () => {
  let db: Database;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
  });

  afterAll(async () => {
    await db.close();
  });

  it('my claims: every claim the user created, newest first, paged without repeats', async () => {
    const expected = await db.prisma.claim.findMany({
      where: { partnerId: DEMO.partnerA, createdByUserId: DEMO.userIds.userA },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true },
    });
    expect(expected.length).toBeGreaterThan(2);
    const ids = await collect((cursor) => myClaims(db, clock, userA, { cursor, pageSize: 2 }));
    expect(ids).toEqual(expected.map((claim) => claim.id));
  });

  it('my claims never shows another partner’s claims, whatever user id is asked with', async () => {
    const page = await myClaims(db, clock, { ...adminB, userId: DEMO.userIds.userA });
    expect(page.rows).toEqual([]);
  });

  it('claims: every claim of the partner, newest first, paged; a user does not see creators, an admin does', async () => {
    const expected = await db.prisma.claim.findMany({
      where: { partnerId: DEMO.partnerA },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true, createdBy: { select: { displayName: true } } },
    });
    const ids = await collect((cursor) => partnerClaims(db, clock, userA, { cursor, pageSize: 2 }));
    expect(ids).toEqual(expected.map((claim) => claim.id));
    expect(ids).not.toContain(DEMO.claims.contosoCopilotPartnerB);
    const asUser = await partnerClaims(db, clock, userA, { pageSize: 50 });
    expect(asUser.rows.every((row) => row.createdBy === null)).toBe(true);
    const asAdmin = await partnerClaims(db, clock, adminA, { pageSize: 50 });
    expect(asAdmin.rows.map((row) => row.createdBy)).toEqual(expected.map((claim) => claim.createdBy.displayName));
  });

  it('claims of partner B hold only partner B’s claims', async () => {
    const ids = await collect((cursor) => partnerClaims(db, clock, adminB, { cursor, pageSize: 2 }));
    const expected = await db.prisma.claim.findMany({ where: { partnerId: DEMO.partnerB }, select: { id: true } });
    expect(ids.sort()).toEqual(expected.map((claim) => claim.id).sort());
    expect(ids).toContain(DEMO.claims.contosoCopilotPartnerB);
  });

  it.each([
    ['engagement', { engagementId: DEMO.engagements.azureMigrate }],
    ['status', { status: 'COMPLETED' as const }],
    ['open statuses', { status: 'OPEN' as const }],
    ['engagement and status', { engagementId: DEMO.engagements.security, status: 'CLOSED' as const }],
  ])('claims filtered by %s: exactly the matching claims, paged', async (_name, filter) => {
    const statuses = 'status' in filter ? [...statusesFor(filter.status)] : undefined;
    const expected = await db.prisma.claim.findMany({
      where: {
        partnerId: DEMO.partnerA,
        ...('engagementId' in filter ? { engagementId: filter.engagementId } : {}),
        ...(statuses ? { status: { in: statuses } } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true },
    });
    expect(expected.length).toBeGreaterThan(0);
    const ids = await collect((cursor) => partnerClaims(db, clock, userA, { ...filter, cursor, pageSize: 2 }));
    expect(ids).toEqual(expected.map((claim) => claim.id));
  });

  it('an engagement filter cannot reach another partner’s claims', async () => {
    const page = await partnerClaims(db, clock, adminB, { engagementId: DEMO.engagements.azureMigrate, pageSize: 50 });
    const ofA = await db.prisma.claim.count({ where: { partnerId: DEMO.partnerA, engagementId: DEMO.engagements.azureMigrate } });
    expect(ofA).toBeGreaterThan(0);
    expect(page.rows.every((row) => row.engagementId === DEMO.engagements.azureMigrate)).toBe(true);
    const partners = await db.prisma.claim.findMany({ where: { id: { in: page.rows.map((row) => row.id) } }, select: { partnerId: true } });
    expect(partners.every((claim) => claim.partnerId === DEMO.partnerB)).toBe(true);
  });

  it.each([7, 45, 400])('expiring within %i days: the open claims whose running deadline falls in the window, soonest first', async (days) => {
    const open = await db.prisma.claim.findMany({ where: { partnerId: DEMO.partnerA } });
    const expected = open
      .map((claim) => ({ id: claim.id, at: runningDeadline(claim)?.at }))
      .filter((row): row is { id: string; at: Date } => !!row.at && row.at >= NOW && row.at <= addDays(NOW, days))
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id))
      .map((row) => row.id);
    const ids = await collect((cursor) => expiringClaims(db, clock, userA, { withinDays: days, cursor, pageSize: 2 }));
    expect(ids).toEqual(expected);
    if (days === 400) expect(ids.length).toBeGreaterThan(3);
  });

  it('expiring filtered by status and engagement keeps the soonest-first order of the matching claims only', async () => {
    const all = await expiringClaims(db, clock, userA, { withinDays: 400, pageSize: 50 });
    const consentRequested = all.rows.filter((row) => row.status === 'CONSENT_REQUESTED').map((row) => row.id);
    expect(consentRequested.length).toBeGreaterThan(1);
    expect(await collect((cursor) => expiringClaims(db, clock, userA, { withinDays: 400, status: 'CONSENT_REQUESTED', cursor, pageSize: 2 }))).toEqual(consentRequested);
    const engagementId = all.rows[0]?.engagementId ?? '';
    const ofEngagement = all.rows.filter((row) => row.engagementId === engagementId).map((row) => row.id);
    expect(await collect((cursor) => expiringClaims(db, clock, userA, { withinDays: 400, engagementId, cursor, pageSize: 2 }))).toEqual(ofEngagement);
    expect((await expiringClaims(db, clock, userA, { withinDays: 400, status: 'COMPLETED' })).rows).toEqual([]);
  });

  it('refuses a cursor of another list', async () => {
    const page = await myClaims(db, clock, userA, { pageSize: 1 });
    await expect(expiringClaims(db, clock, userA, { cursor: page.nextCursor })).rejects.toThrow('not valid any more');
    await expect(partnerClaims(db, clock, userA, { cursor: page.nextCursor })).rejects.toThrow('not valid any more');
  });

  it('refuses a caller without an Incentives role', async () => {
    const referralsOnly: ClaimListViewer = { partnerId: DEMO.partnerA, userId: DEMO.userIds.noRoleA, roles: ['REFERRALS_ADMIN'] };
    await expect(partnerClaims(db, clock, referralsOnly)).rejects.toThrow('Only Incentives users and Incentives admins');
    await expect(expiringClaims(db, clock, { ...referralsOnly, roles: [] })).rejects.toThrow('Only Incentives users and Incentives admins');
  });

  it.each([
    ['consent requested', 'CONSENT_REQUESTED'],
    ['CONSENT_REQUESTED', 'CONSENT_REQUESTED'],
    ['Cancelled', 'CANCELED'],
    ['final rejected', 'REJECTED_FINAL'],
    ['open', 'OPEN'],
    ['azure', null],
  ])('reads the typed status "%s"', (typed, expected) => {
    expect(parseStatusFilter(typed)).toBe(expected);
  });
});
