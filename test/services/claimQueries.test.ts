import { DEMO } from '../../prisma/demoData';
import { expiringClaims, myClaims, type ClaimListPage } from '../../services/claimQueries';
import { runningDeadline } from '../../services/claims/lifecycle';
import { addDays, FixedClock } from '../../services/clock';
import type { Database } from '../../services/db';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const clock = new FixedClock(NOW);

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
    const ids = await collect((cursor) => myClaims(db, clock, { partnerId: DEMO.partnerA, userId: DEMO.userIds.userA, cursor, pageSize: 2 }));
    expect(ids).toEqual(expected.map((claim) => claim.id));
  });

  it('my claims never shows another partner’s claims', async () => {
    const page = await myClaims(db, clock, { partnerId: DEMO.partnerB, userId: DEMO.userIds.userA });
    expect(page.rows).toEqual([]);
  });

  it.each([7, 45, 400])('expiring within %i days: the open claims whose running deadline falls in the window, soonest first', async (days) => {
    const open = await db.prisma.claim.findMany({ where: { partnerId: DEMO.partnerA } });
    const expected = open
      .map((claim) => ({ id: claim.id, at: runningDeadline(claim)?.at }))
      .filter((row): row is { id: string; at: Date } => !!row.at && row.at >= NOW && row.at <= addDays(NOW, days))
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id))
      .map((row) => row.id);
    const ids = await collect((cursor) => expiringClaims(db, clock, { partnerId: DEMO.partnerA, withinDays: days, cursor, pageSize: 2 }));
    expect(ids).toEqual(expected);
    if (days === 400) expect(ids.length).toBeGreaterThan(3);
  });

  it('refuses a cursor of another list', async () => {
    const page = await myClaims(db, clock, { partnerId: DEMO.partnerA, userId: DEMO.userIds.userA, pageSize: 1 });
    await expect(expiringClaims(db, clock, { partnerId: DEMO.partnerA, cursor: page.nextCursor })).rejects.toThrow('not valid any more');
  });
});
