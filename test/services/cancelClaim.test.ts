import { DEMO } from '../../prisma/demoData';
import { claimDetails } from '../../services/claims/details';
import { CANCEL_REASON_LIMITS, cancelClaim } from '../../services/claims/cancel';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { findCaller, type Caller } from '../../services/directory/callers';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const clock = new FixedClock(NOW);

describe('cancel a claim (demo data)', () => {
  let db: Database;
  let adminA: Caller;
  let userA: Caller;
  let adminB: Caller;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    adminA = await findCaller(db.prisma, DEMO.users.adminA);
    userA = await findCaller(db.prisma, DEMO.users.userA);
    adminB = await findCaller(db.prisma, DEMO.users.adminB);
  });

  afterAll(async () => {
    await db.close();
  });

  /** Everything a refused cancel must leave as it was. */
  async function snapshot(): Promise<unknown> {
    const [claims, audit, outbox] = await Promise.all([
      db.prisma.claim.findMany({ orderBy: { id: 'asc' } }),
      db.prisma.auditEvent.count(),
      db.prisma.outboxMessage.count(),
    ]);
    return { claims, audit, outbox };
  }

  it('an Incentives admin cancels an open claim: status, reason, audit before/after and a message to its creator, in one go', async () => {
    const claimId = DEMO.claims.litwareSecuritySubmitted;
    const before = await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
    expect(before.status).toBe('SUBMITTED');
    const canceled = await cancelClaim(db, clock, adminA, { claimId: claimId.toLowerCase(), reason: '  The customer chose to run the workshop in-house.  ' });
    expect(canceled).toMatchObject({ id: claimId, status: 'CANCELED', closeReason: 'The customer chose to run the workshop in-house.', closedAt: NOW, openClaimKey: null });

    const audit = await db.prisma.auditEvent.findMany({ where: { claimId, action: 'claim.cancel' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      partnerId: DEMO.partnerA,
      actorKind: 'USER',
      actorId: DEMO.userIds.adminA,
      before: { status: 'SUBMITTED', version: before.version },
      after: { status: 'CANCELED', version: before.version + 1, closeReason: 'The customer chose to run the workshop in-house.' },
      at: NOW,
    });
    const outbox = await db.prisma.outboxMessage.findMany({ where: { claimId, event: 'claim.canceled' } });
    expect(outbox.map((message) => message.recipient)).toEqual([DEMO.users.userA]);

    const details = await claimDetails(db, clock, { partnerId: DEMO.partnerA, roles: ['INCENTIVES_ADMIN'] }, claimId);
    expect(details?.closeReason).toBe('The customer chose to run the workshop in-house.');
    expect(details?.history.at(-1)).toMatchObject({ what: 'Claim canceled', at: NOW });
    expect(details?.canCancel).toBe(false);
  });

  it('an admin canceling their own claim sends nobody a message', async () => {
    const claimId = DEMO.claims.humongousSecurityConsentRequested;
    await cancelClaim(db, clock, adminA, { claimId, reason: 'Duplicate of another claim.' });
    expect(await db.prisma.outboxMessage.count({ where: { claimId, event: 'claim.canceled' } })).toBe(0);
    expect((await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } })).status).toBe('CANCELED');
  });

  it('refuses an Incentives user, and nothing changes', async () => {
    const before = await snapshot();
    await expect(cancelClaim(db, clock, userA, { claimId: DEMO.claims.contosoDataAiClaimed, reason: 'I want it gone.' })).rejects.toThrow('Only Incentives admins can cancel a claim');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses another partner’s admin as "not found", and nothing changes', async () => {
    const before = await snapshot();
    await expect(cancelClaim(db, clock, adminB, { claimId: DEMO.claims.contosoDataAiClaimed, reason: 'Forged from partner B.' })).rejects.toThrow(
      `Claim ${DEMO.claims.contosoDataAiClaimed} was not found.`,
    );
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['a completed', DEMO.claims.contosoMigrateCompleted, 'This claim is completed, so it cannot be canceled.'],
    ['an expired', DEMO.claims.alpineMigrateExpired, 'This claim is expired, so it cannot be canceled.'],
    ['an already canceled', DEMO.claims.contosoCopilotCanceled, 'This claim is canceled, so it cannot be canceled.'],
  ])('refuses %s claim, and nothing changes', async (_name, claimId, message) => {
    const before = await snapshot();
    await expect(cancelClaim(db, clock, adminA, { claimId, reason: 'Trying anyway.' })).rejects.toThrow(message);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['missing', ''],
    ['too short', 'no'],
    ['too long', 'x'.repeat(CANCEL_REASON_LIMITS.max + 1)],
  ])('refuses a %s reason, and nothing changes', async (_name, reason) => {
    const before = await snapshot();
    await expect(cancelClaim(db, clock, adminA, { claimId: DEMO.claims.contosoDataAiClaimed, reason })).rejects.toThrow('The claim was not canceled');
    expect(await snapshot()).toEqual(before);
  });

  it('offers Cancel on the claim card to admins on open claims only', async () => {
    const open = DEMO.claims.contosoDataAiClaimed;
    expect((await claimDetails(db, clock, { partnerId: DEMO.partnerA, roles: ['INCENTIVES_ADMIN'] }, open))?.canCancel).toBe(true);
    expect((await claimDetails(db, clock, { partnerId: DEMO.partnerA, roles: ['INCENTIVES_USER'] }, open))?.canCancel).toBe(false);
    expect((await claimDetails(db, clock, { partnerId: DEMO.partnerA, roles: ['INCENTIVES_ADMIN'] }, DEMO.claims.contosoMigrateCompleted))?.canCancel).toBe(false);
  });
});
