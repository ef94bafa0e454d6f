import type { Database } from '../../services/db';
import { importReviews, reviewReportText } from '../../services/ports/reviewImport';
import { FixedClock } from '../../services/shared/clock';
import { Fixtures, T0, buildWorld, type World } from '../support/fixtures';
import { createTestDatabase } from '../support/testDatabase';

let db: Database;
let f: Fixtures;
let world: World;
const clock = new FixedClock(T0);

beforeAll(async () => {
  db = await createTestDatabase();
  f = new Fixtures(db);
  world = await buildWorld(f);
});

afterAll(async () => {
  await db.close();
});

async function submittedClaim(): Promise<string> {
  const customerId = await f.customer({ ids: [{ type: 'TPID', value: `${Date.now()}${Math.floor(Math.random() * 1000)}` }] });
  return f.claim({ partnerId: world.partnerA, engagementId: world.fixed, customerId, locationId: world.location, userId: world.user, status: 'SUBMITTED' });
}

const status = async (id: string) => (await db.prisma.claim.findUniqueOrThrow({ where: { id } })).status;

describe('npm run import -- review: the review outcomes a partner downloads from Partner Center', () => {
  it('records each outcome as the review command does (audited, creator told); the same file again changes nothing', async () => {
    const done = await submittedClaim();
    const rejected = await submittedClaim();
    const csv = `ClaimId,Outcome,Note\n${done},completed,\n${rejected},REJECTED,"Proof of execution is missing, resubmit"\n`;
    const first = await importReviews(db, clock, csv);
    expect(first).toEqual({ ok: true, rows: 2, recorded: 2, unchanged: 0, failed: [] });
    expect([await status(done), await status(rejected)]).toEqual(['COMPLETED', 'REJECTED']);
    expect(await db.prisma.auditEvent.count({ where: { claimId: { in: [done, rejected] }, actorKind: 'SYSTEM' } })).toBe(2);
    expect(await db.prisma.outboxMessage.count({ where: { claimId: { in: [done, rejected] }, event: 'claim.reviewed' } })).toBe(2);
    const again = await importReviews(db, clock, csv);
    expect(again).toEqual({ ok: true, rows: 2, recorded: 0, unchanged: 2, failed: [] });
    expect(reviewReportText(again)).toBe('Review outcomes imported: 2 rows, 0 recorded, 2 already recorded.');
    expect(await db.prisma.outboxMessage.count({ where: { claimId: { in: [done, rejected] }, event: 'claim.reviewed' } })).toBe(2);
  });

  it('refuses a file with any bad row, naming each line and why, and changes nothing', async () => {
    const good = await submittedClaim();
    const customerId = await f.customer({ ids: [{ type: 'TPID', value: '8881' }] });
    const open = await f.claim({ partnerId: world.partnerA, engagementId: world.fixed, customerId, locationId: world.location, userId: world.user, status: 'CONSENT_GRANTED' });
    const csv = [`claimId,outcome,note`, `${good},COMPLETED,`, `CLM-NOPE,COMPLETED,`, `${open},COMPLETED,`, `${good},REJECTED,`, `${good},APPROVED,`, `${good},REJECTED,again`].join('\n');
    const report = await importReviews(db, clock, csv);
    expect(report).toMatchObject({ ok: false, rows: 6 });
    const lines = reviewReportText(report).split('\n');
    expect(lines[0]).toBe('Nothing was imported: 5 row(s) need fixing.');
    expect(lines.slice(1).map((line) => line.split(':')[0])).toEqual(['line 3', 'line 4', 'line 5', 'line 6', 'line 7']);
    expect(lines[1]).toBe('line 3: no claim CLM-NOPE exists.');
    expect(lines[2]).toContain('is CONSENT_GRANTED, not SUBMITTED');
    expect(lines[3]).toContain('a rejection needs a note saying why');
    expect(lines[5]).toBe(`line 7: claim ${good} is on line 2 already.`);
    expect(await status(good)).toBe('SUBMITTED');
    expect(await importReviews(db, clock, 'claim,outcome\nx,COMPLETED\n')).toMatchObject({ ok: false, problems: [{ line: 1 }] });
  });
});
