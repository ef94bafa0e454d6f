import { DEMO } from '../../prisma/demoData';
import { CLAIM_EVENTS, decideTransition, isOpen, type ClaimEvent } from '../../services/claims/lifecycle';
import type { ClaimListViewer } from '../../services/claims/lists';
import { claimSummary } from '../../services/claims/summary';
import { applyTransition } from '../../services/claims/transitions';
import { systemActor } from '../../services/outbox/audit';
import { addDays, FixedClock } from '../../services/shared/clock';
import type { Claim, Database } from '../../services/db';
import { createDemoDatabase } from '../support/testDatabase';

/**
 * The two copies of claim data that the triggers of migration 20261202020000 keep (issue 18):
 * Claim.openCustomerName (the Eligible tab's page order) and ClaimStatusTally (what `summary`
 * reads). Each is compared with the same facts recomputed from the claims themselves after every
 * kind of write: each transition of the state machine through the service, and the raw writes a
 * set-based job or a person with psql could make.
 */

const NOW = new Date('2026-03-02T09:00:00.000Z');
/** Late enough for every consent and submission window of the demo data to have closed (EXPIRE). */
const LATER = addDays(NOW, 400);
const userA: ClaimListViewer = { partnerId: DEMO.partnerA, userId: DEMO.userIds.userA, roles: ['INCENTIVES_USER'] };

let db: Database;

beforeAll(async () => {
  db = await createDemoDatabase(NOW);
});

afterAll(async () => {
  await db.close();
});

interface Totals {
  partner: string;
  engagement: string;
  status: string;
  claims: number;
  with_deal_size: number;
  deal_size_usd: number;
  proposed_payout_usd: number;
}

async function tallyTotals(): Promise<Totals[]> {
  return db.sql.query<Totals>(
    `SELECT "partnerId" AS partner, "engagementId" AS engagement, "status"::text AS status, sum("claims")::float8 AS claims,
            sum("withDealSize")::float8 AS with_deal_size, sum("dealSizeUsd")::float8 AS deal_size_usd, sum("proposedPayoutUsd")::float8 AS proposed_payout_usd
     FROM "ClaimStatusTally" GROUP BY 1, 2, 3
     HAVING sum("claims") <> 0 OR sum("withDealSize") <> 0 OR sum("dealSizeUsd") <> 0 OR sum("proposedPayoutUsd") <> 0
     ORDER BY 1, 2, 3`,
  );
}

/** The same figures the slow way: a full recount of every claim. */
async function recount(): Promise<Totals[]> {
  return db.sql.query<Totals>(
    `SELECT "partnerId" AS partner, "engagementId" AS engagement, "status"::text AS status, count(*)::float8 AS claims,
            count("estimatedDealSizeUsd")::float8 AS with_deal_size, coalesce(sum("estimatedDealSizeUsd"), 0)::float8 AS deal_size_usd,
            coalesce(sum("proposedPayoutUsd"), 0)::float8 AS proposed_payout_usd
     FROM "Claim" GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
}

/** Claims whose openCustomerName is not their customer's name while open, or not null once terminal. */
async function wrongNameCopies(): Promise<{ id: string; status: string; copy: string | null; name: string }[]> {
  const rows = await db.sql.query<{ id: string; status: Claim['status']; copy: string | null; name: string }>(
    `SELECT c."id" AS id, c."status"::text AS status, c."openCustomerName" AS copy, cu."name" AS name
     FROM "Claim" c JOIN "Customer" cu ON cu."id" = c."customerId"`,
  );
  return rows.filter((row) => row.copy !== (isOpen(row.status) ? row.name : null));
}

async function expectCopiesRight(): Promise<void> {
  expect(await tallyTotals()).toEqual(await recount());
  expect(await wrongNameCopies()).toEqual([]);
}

/** A demo claim `event` may happen to now or, for expiry, once the windows have closed; with the time to apply it at. */
async function claimFor(event: ClaimEvent): Promise<{ claim: Claim; at: Date }> {
  const claims = await db.prisma.claim.findMany({ orderBy: { id: 'asc' } });
  for (const at of [NOW, LATER]) {
    const claim = claims.find((candidate) => decideTransition(candidate, event, at).ok);
    if (claim) return { claim, at };
  }
  throw new Error(`the demo data has no claim that ${event} can happen to`);
}

async function transition(event: ClaimEvent): Promise<void> {
  const { claim, at } = await claimFor(event);
  const updated = await applyTransition(db, new FixedClock(at), { claimId: claim.id, partnerId: null, event, actor: systemActor, changes: changesFor(event) });
  expect(updated.version).toBe(claim.version + 1);
}

function changesFor(event: ClaimEvent) {
  if (event === 'SEND_CONSENT') return { estimatedDealSizeUsd: 125_000 };
  if (event === 'SUBMIT') return { deliverySummary: 'Assessment delivered.', completionDate: NOW, evidenceLinks: ['https://evidence.example/1'] };
  return {};
}

describe('copies of claim data kept by triggers', () => {
  it('are right for the demo data as migrated and seeded', async () => {
    expect((await tallyTotals()).length).toBeGreaterThan(5);
    await expectCopiesRight();
  });

  it.each(CLAIM_EVENTS.map((event) => [event]))('stay right after %s through the transition service', async (event) => {
    // The demo data has few submitted claims: the review events each get a fresh one.
    if (['COMPLETE', 'REJECT', 'REJECT_FINAL'].includes(event)) await transition('SUBMIT');
    await transition(event);
    await expectCopiesRight();
  });

  it('stay right after a set-based UPDATE of many claims, a key change, inserts, deletes and updates that change nothing counted', async () => {
    // As a set-based deadline sweep would: many claims of several keys in one statement.
    await db.sql.query(
      `UPDATE "Claim" SET "status" = 'EXPIRED', "openClaimKey" = NULL, "closedAt" = $1
       WHERE "status" IN ('ADDED', 'CLAIMED', 'CONSENT_REQUESTED') AND "consentDeadline" <= $1`,
      [LATER],
    );
    await expectCopiesRight();
    const [first, second] = await db.prisma.claim.findMany({ where: { partnerId: DEMO.partnerA }, orderBy: { id: 'asc' }, take: 2 });
    if (!first || !second) throw new Error('demo data without claims of partner A');
    await db.prisma.claim.update({ where: { id: first.id }, data: { partnerId: DEMO.partnerB, locationId: DEMO.locations.munich, openClaimKey: null } });
    await db.prisma.claim.update({ where: { id: second.id }, data: { proposedPayoutUsd: 777, estimatedDealSizeUsd: null } });
    await db.prisma.claim.updateMany({ where: { partnerId: DEMO.partnerA }, data: { reviewNote: 'touched' } });
    await expectCopiesRight();
    // A copy of `second` as written by another writer (the trigger, not the writer, sets the name copy).
    const copyOf = (id: string) => ({
      id,
      partnerId: second.partnerId,
      engagementId: second.engagementId,
      locationId: second.locationId,
      customerId: second.customerId,
      idType: second.idType,
      idValue: second.idValue,
      friendlyName: second.friendlyName,
      origin: second.origin,
      customerContactName: second.customerContactName,
      customerContactEmail: second.customerContactEmail,
      partnerContactName: second.partnerContactName,
      partnerContactEmail: second.partnerContactEmail,
      consentDeadline: second.consentDeadline,
      createdByUserId: second.createdByUserId,
    });
    await db.prisma.claim.createMany({
      data: [
        { ...copyOf('CLM-COPY-1'), status: 'CLAIMED', openClaimKey: 'copy-test-1', estimatedDealSizeUsd: 10, openCustomerName: 'Not the name' },
        { ...copyOf('CLM-COPY-2'), status: 'COMPLETED', closedAt: NOW, proposedPayoutUsd: 5 },
      ],
    });
    await expectCopiesRight();
    // Claims with audit events cannot be deleted (AuditEvent is append-only); these two have none.
    await db.prisma.claim.deleteMany({ where: { id: { in: ['CLM-COPY-1', 'CLM-COPY-2'] } } });
    await expectCopiesRight();
  });

  it('keep the open claims name copy whatever a writer sets, and follow a renamed customer', async () => {
    const open = await db.prisma.claim.findFirstOrThrow({ where: { status: { in: ['CONSENT_GRANTED', 'SUBMITTED', 'REJECTED', 'ADDED', 'CLAIMED', 'CONSENT_REQUESTED'] } } });
    await db.prisma.claim.update({ where: { id: open.id }, data: { openCustomerName: 'Something else' } });
    expect(await wrongNameCopies()).toEqual([]);
    const closed = await db.prisma.claim.findFirstOrThrow({ where: { status: 'COMPLETED', customerId: { not: open.customerId } } });
    await db.prisma.customer.update({ where: { id: open.customerId }, data: { name: 'Renamed Customer Ltd' } });
    await db.prisma.customer.update({ where: { id: closed.customerId }, data: { name: 'Renamed Closed Ltd' } });
    expect(await db.prisma.claim.findUniqueOrThrow({ where: { id: open.id } })).toMatchObject({ openCustomerName: 'Renamed Customer Ltd' });
    expect(await db.prisma.claim.findUniqueOrThrow({ where: { id: closed.id } })).toMatchObject({ openCustomerName: null });
    // Moved to another customer: the copy is the new customer's name.
    await db.prisma.claim.update({ where: { id: open.id }, data: { customerId: closed.customerId } });
    expect(await db.prisma.claim.findUniqueOrThrow({ where: { id: open.id } })).toMatchObject({ openCustomerName: 'Renamed Closed Ltd' });
    await expectCopiesRight();
  });

  it('summary folds a key’s appended rows into one and still counts exactly', async () => {
    const claim = await db.prisma.claim.findFirstOrThrow({ where: { partnerId: DEMO.partnerA, status: { in: ['CONSENT_GRANTED', 'SUBMITTED', 'REJECTED', 'ADDED', 'CLAIMED', 'CONSENT_REQUESTED'] } } });
    for (let i = 1; i <= 150; i += 1) await db.prisma.claim.update({ where: { id: claim.id }, data: { estimatedDealSizeUsd: 1000 + i } });
    const rowsOf = async () =>
      Number((await db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM "ClaimStatusTally" WHERE "partnerId" = $1`, [DEMO.partnerA]))[0]?.n);
    const before = await rowsOf();
    const summary = await claimSummary(db, userA, { pageSize: 50 });
    const after = await rowsOf();
    expect(after).toBeLessThan(before - 140);
    expect(after).toBeLessThanOrEqual((await tallyTotals()).filter((row) => row.partner === DEMO.partnerA).length);
    await expectCopiesRight();
    const counted = await recount();
    for (const row of summary.rows) {
      const mine = counted.filter((group) => group.partner === DEMO.partnerA && group.engagement === row.engagementId);
      expect(row.total).toBe(mine.reduce((total, group) => total + group.claims, 0));
      expect(row.openDealSizeUsd).toBe(mine.filter((group) => isOpen(group.status as Claim['status'])).reduce((total, group) => total + group.deal_size_usd, 0));
    }
    expect(await claimSummary(db, userA, { pageSize: 50 })).toEqual(summary);
  });

  it('are emptied with the claims by TRUNCATE', async () => {
    await db.sql.exec('TRUNCATE "Claim" CASCADE');
    expect(await tallyTotals()).toEqual([]);
    expect(await db.sql.query('SELECT 1 FROM "ClaimStatusTally"')).toEqual([]);
  });
});
