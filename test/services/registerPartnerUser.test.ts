import { DEMO } from '../../prisma/demoData';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { findCaller, registerPartnerUser, type Newcomer } from '../../services/directory/callers';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const clock = new FixedClock(NOW);
const NEW_AAD = '6d0c7f4e-2b1a-4c39-8e57-1f9a3b2c4d5e';

let db: Database;

beforeEach(async () => {
  db = await createDemoDatabase(NOW);
});

afterEach(async () => {
  await db.close();
});

function newcomer(overrides: Partial<Newcomer> = {}): Newcomer {
  return { aadObjectId: NEW_AAD, tenantId: DEMO.tenants.partnerA, email: 'New.Person@fabrikamconsulting.com', displayName: 'New Person', ...overrides };
}

/** Partner users and audit rows: what a refused registration must leave as it was. */
async function snapshot(): Promise<unknown> {
  return {
    users: await db.prisma.partnerUser.findMany({ orderBy: { id: 'asc' } }),
    roles: await db.prisma.userRole.count(),
    audit: await db.prisma.auditEvent.count(),
  };
}

describe('registerPartnerUser', () => {
  it("registers a newcomer of a partner's tenant as a user of that partner with no role, and audits it", async () => {
    const result = await registerPartnerUser(db, clock, newcomer({ tenantId: DEMO.tenants.partnerA.toUpperCase() }));
    expect(result).toMatchObject({ outcome: 'registered', partnerId: DEMO.partnerA, email: 'new.person@fabrikamconsulting.com' });

    const user = await db.prisma.partnerUser.findUniqueOrThrow({ where: { aadObjectId: NEW_AAD }, include: { roles: true } });
    expect(user).toMatchObject({ partnerId: DEMO.partnerA, tenantId: DEMO.tenants.partnerA, email: 'new.person@fabrikamconsulting.com', displayName: 'New Person' });
    expect(user.roles).toEqual([]);

    const caller = await findCaller(db.prisma, NEW_AAD, DEMO.tenants.partnerA);
    expect(caller).toMatchObject({ kind: 'partnerUser', partnerId: DEMO.partnerA, roles: [] });

    const audit = await db.prisma.auditEvent.findMany({ where: { action: 'user.registered' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      partnerId: DEMO.partnerA,
      actorKind: 'SYSTEM',
      actorId: null,
      after: { userId: user.id, email: 'new.person@fabrikamconsulting.com', displayName: 'New Person' },
      at: NOW,
    });
  });

  it('is idempotent: a second registration, even at the same moment, creates no second user nor audit event', async () => {
    const [first, second] = await Promise.all([registerPartnerUser(db, clock, newcomer()), registerPartnerUser(db, clock, newcomer())]);
    expect([first.outcome, second.outcome].sort()).toEqual(['known', 'registered']);
    expect(await registerPartnerUser(db, clock, newcomer())).toEqual({ outcome: 'known' });
    expect(await db.prisma.partnerUser.count({ where: { aadObjectId: NEW_AAD } })).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { action: 'user.registered' } })).toBe(1);
  });

  it('registers nobody when another user already has the email (whatever its case)', async () => {
    const before = await snapshot();
    expect(await registerPartnerUser(db, clock, newcomer({ email: 'Lee.Gu@fabrikamconsulting.com' }))).toEqual({ outcome: 'emailTaken', email: 'lee.gu@fabrikamconsulting.com' });
    expect(await snapshot()).toEqual(before);
  });

  it("registers nobody from a tenant that is not a partner's", async () => {
    const before = await snapshot();
    expect(await registerPartnerUser(db, clock, newcomer({ tenantId: DEMO.tenants.microsoft }))).toEqual({ outcome: 'notPartnerTenant' });
    expect(await snapshot()).toEqual(before);
  });

  it("registers no seller, even from a partner's tenant", async () => {
    const before = await snapshot();
    expect(await registerPartnerUser(db, clock, newcomer({ aadObjectId: DEMO.seller.toUpperCase() }))).toEqual({ outcome: 'known' });
    expect(await snapshot()).toEqual(before);
  });

  it('registers nobody already a user, even of another partner', async () => {
    const before = await snapshot();
    expect(await registerPartnerUser(db, clock, newcomer({ aadObjectId: DEMO.users.adminB }))).toEqual({ outcome: 'known' });
    expect(await snapshot()).toEqual(before);
  });

  it('registers nobody without a usable email', async () => {
    const before = await snapshot();
    expect(await registerPartnerUser(db, clock, newcomer({ email: 'not an email' }))).toMatchObject({ outcome: 'invalid' });
    expect(await snapshot()).toEqual(before);
  });
});
