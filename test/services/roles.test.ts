import { DEMO } from '../../prisma/demoData';
import { FixedClock } from '../../services/shared/clock';
import type { Database, Role } from '../../services/db';
import { findCaller, type Caller } from '../../services/directory/callers';
import { NotAllowedError } from '../../services/shared/errors';
import { grantRole, listPartnerUsers, parseRole, previewRevoke, revokeRole } from '../../services/directory/roles';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const EMAILS = {
  adminA: 'adele.vance@fabrikamconsulting.com',
  userA: 'alex.wilber@fabrikamconsulting.com',
  noRoleA: 'lee.gu@fabrikamconsulting.com',
  adminB: 'megan.bowen@treyresearch.net',
} as const;

let db: Database;
const clock = new FixedClock(NOW);

/** A fresh demo database for each test: role changes would leak between tests otherwise. */
function withDemoDatabase(): void {
  beforeEach(async () => {
    db = await createDemoDatabase(NOW);
  });

  afterEach(async () => {
    await db.close();
  });
}

function caller(aadObjectId: string): Promise<Caller> {
  return findCaller(db.prisma, aadObjectId);
}

async function rolesOf(email: string): Promise<Role[]> {
  const user = await db.prisma.partnerUser.findUniqueOrThrow({ where: { email }, select: { roles: { select: { role: true } } } });
  return user.roles.map((r) => r.role).sort();
}

/** Role rows and audit rows: what a refused change must leave as it was. */
async function snapshot(): Promise<unknown> {
  return {
    roles: await db.prisma.userRole.findMany({ orderBy: [{ userId: 'asc' }, { role: 'asc' }] }),
    audit: await db.prisma.auditEvent.count(),
  };
}

describe('parseRole', () => {
  it.each([
    ['incentives admin', 'INCENTIVES_ADMIN'],
    ['Incentives-Admin', 'INCENTIVES_ADMIN'],
    ['INCENTIVES_USER', 'INCENTIVES_USER'],
    [' incentive   user ', 'INCENTIVES_USER'],
    ['referrals admin', 'REFERRALS_ADMIN'],
    ['Referral Admin', 'REFERRALS_ADMIN'],
  ])('reads "%s" as %s', (text, role) => {
    expect(parseRole(text)).toBe(role);
  });

  it('reads anything else as no role', () => {
    expect(parseRole('superuser')).toBeNull();
    expect(parseRole('')).toBeNull();
  });
});

describe('listing users', () => {
  withDemoDatabase();

  it('lists the users of the admin’s own partner with their roles, by email', async () => {
    const page = await listPartnerUsers(db, await caller(DEMO.users.adminA));
    expect(page.rows).toEqual([
      { userId: DEMO.userIds.adminA, displayName: 'Adele Vance', email: EMAILS.adminA, roles: ['INCENTIVES_ADMIN', 'REFERRALS_ADMIN'] },
      { userId: DEMO.userIds.userA, displayName: 'Alex Wilber', email: EMAILS.userA, roles: ['INCENTIVES_USER'] },
      { userId: DEMO.userIds.noRoleA, displayName: 'Lee Gu', email: EMAILS.noRoleA, roles: [] },
    ]);
    expect(page.nextCursor).toBeNull();
    const b = await listPartnerUsers(db, await caller(DEMO.users.adminB));
    expect(b.rows.map((r) => r.email)).toEqual([EMAILS.adminB]);
  });

  it('pages by email with a cursor, and refuses a forged cursor', async () => {
    const admin = await caller(DEMO.users.adminA);
    const first = await listPartnerUsers(db, admin, { pageSize: 2 });
    expect(first.rows.map((r) => r.email)).toEqual([EMAILS.adminA, EMAILS.userA]);
    expect(first.nextCursor).not.toBeNull();
    const second = await listPartnerUsers(db, admin, { pageSize: 2, cursor: first.nextCursor });
    expect(second.rows.map((r) => r.email)).toEqual([EMAILS.noRoleA]);
    expect(second.nextCursor).toBeNull();
    await expect(listPartnerUsers(db, admin, { cursor: 'not-a-cursor' })).rejects.toThrow(NotAllowedError);
  });

  it('refuses anyone who is not an Incentives admin', async () => {
    for (const aad of [DEMO.users.userA, DEMO.users.noRoleA, DEMO.seller, 'someone-unknown']) {
      await expect(listPartnerUsers(db, await caller(aad))).rejects.toThrow(/Only an Incentives admin/);
    }
  });
});

describe('granting and revoking roles', () => {
  withDemoDatabase();

  it('grants a role by email (any case), audits it with the role sets before and after, and the user can then work', async () => {
    const admin = await caller(DEMO.users.adminA);
    const change = await grantRole(db, clock, admin, { email: ' Lee.Gu@FabrikamConsulting.com ', role: 'INCENTIVES_USER' });
    expect(change).toMatchObject({ changed: true, before: [], after: ['INCENTIVES_USER'], user: { email: EMAILS.noRoleA } });
    expect(await rolesOf(EMAILS.noRoleA)).toEqual(['INCENTIVES_USER']);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'role.granted' } });
    expect(audit).toMatchObject({
      partnerId: DEMO.partnerA,
      claimId: null,
      actorKind: 'USER',
      actorId: DEMO.userIds.adminA,
      before: { userId: DEMO.userIds.noRoleA, email: EMAILS.noRoleA, roles: [] },
      after: { userId: DEMO.userIds.noRoleA, email: EMAILS.noRoleA, roles: ['INCENTIVES_USER'] },
      at: NOW,
    });
    const lee = await caller(DEMO.users.noRoleA);
    expect(lee.kind === 'partnerUser' && lee.roles).toEqual(['INCENTIVES_USER']);
  });

  it('revokes a role and audits it', async () => {
    const admin = await caller(DEMO.users.adminA);
    const change = await revokeRole(db, clock, admin, { email: EMAILS.userA, role: 'INCENTIVES_USER' });
    expect(change).toMatchObject({ changed: true, before: ['INCENTIVES_USER'], after: [] });
    expect(await rolesOf(EMAILS.userA)).toEqual([]);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'role.revoked' } });
    expect(audit).toMatchObject({ partnerId: DEMO.partnerA, actorId: DEMO.userIds.adminA, before: { roles: ['INCENTIVES_USER'] }, after: { roles: [] } });
  });

  it('changes nothing and writes no audit event when the user already has the role (grant) or does not (revoke)', async () => {
    const admin = await caller(DEMO.users.adminA);
    const before = await snapshot();
    expect(await grantRole(db, clock, admin, { email: EMAILS.userA, role: 'INCENTIVES_USER' })).toMatchObject({ changed: false });
    expect(await revokeRole(db, clock, admin, { email: EMAILS.noRoleA, role: 'REFERRALS_ADMIN' })).toMatchObject({ changed: false });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an Incentives user, a user with no role, a seller and an unknown person, changing nothing', async () => {
    const before = await snapshot();
    for (const aad of [DEMO.users.userA, DEMO.users.noRoleA, DEMO.seller, 'someone-unknown']) {
      const who = await caller(aad);
      await expect(grantRole(db, clock, who, { email: EMAILS.noRoleA, role: 'INCENTIVES_ADMIN' })).rejects.toThrow(/Only an Incentives admin/);
      await expect(revokeRole(db, clock, who, { email: EMAILS.adminA, role: 'INCENTIVES_ADMIN' })).rejects.toThrow(/Only an Incentives admin/);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('never lets the last Incentives admin revoke their own admin role, nor the preview offer it', async () => {
    const before = await snapshot();
    const adminB = await caller(DEMO.users.adminB);
    await expect(revokeRole(db, clock, adminB, { email: EMAILS.adminB, role: 'INCENTIVES_ADMIN' })).rejects.toThrow(/only Incentives admin of Trey Research/);
    await expect(previewRevoke(db, adminB, { email: EMAILS.adminB, role: 'INCENTIVES_ADMIN' })).rejects.toThrow(/only Incentives admin/);
    const adminA = await caller(DEMO.users.adminA);
    await expect(revokeRole(db, clock, adminA, { email: EMAILS.adminA, role: 'INCENTIVES_ADMIN' })).rejects.toThrow(/grant it to someone else first/);
    expect(await snapshot()).toEqual(before);
    expect(await rolesOf(EMAILS.adminB)).toEqual(['INCENTIVES_ADMIN']);
  });

  it('lets an admin give up their admin role once another admin exists, and then refuses the other the last one', async () => {
    const adele = await caller(DEMO.users.adminA);
    await grantRole(db, clock, adele, { email: EMAILS.userA, role: 'INCENTIVES_ADMIN' });
    await revokeRole(db, clock, adele, { email: EMAILS.adminA, role: 'INCENTIVES_ADMIN' });
    expect(await rolesOf(EMAILS.adminA)).toEqual(['REFERRALS_ADMIN']);
    // Adele's old caller (resolved before her role went) cannot act any more.
    await expect(grantRole(db, clock, adele, { email: EMAILS.noRoleA, role: 'INCENTIVES_USER' })).rejects.toThrow(/no longer an Incentives admin/);
    const alex = await caller(DEMO.users.userA);
    await expect(revokeRole(db, clock, alex, { email: EMAILS.userA, role: 'INCENTIVES_ADMIN' })).rejects.toThrow(/only Incentives admin/);
    expect(await db.prisma.userRole.count({ where: { role: 'INCENTIVES_ADMIN', user: { partnerId: DEMO.partnerA } } })).toBe(1);
  });

  it('keeps one admin when two admins revoke each other at the same time', async () => {
    const adele = await caller(DEMO.users.adminA);
    await grantRole(db, clock, adele, { email: EMAILS.userA, role: 'INCENTIVES_ADMIN' });
    const alex = await caller(DEMO.users.userA);
    const results = await Promise.allSettled([
      revokeRole(db, clock, adele, { email: EMAILS.userA, role: 'INCENTIVES_ADMIN' }),
      revokeRole(db, clock, alex, { email: EMAILS.adminA, role: 'INCENTIVES_ADMIN' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await db.prisma.userRole.count({ where: { role: 'INCENTIVES_ADMIN', user: { partnerId: DEMO.partnerA } } })).toBe(1);
  });

  it('finds only users of the admin’s own partner: another partner’s user or an unknown email is "not found", nothing changes', async () => {
    const before = await snapshot();
    const adminB = await caller(DEMO.users.adminB);
    for (const email of [EMAILS.userA, EMAILS.adminA, 'nobody@treyresearch.net']) {
      await expect(grantRole(db, clock, adminB, { email, role: 'INCENTIVES_ADMIN' })).rejects.toThrow(/not found among your organisation's users/);
      await expect(revokeRole(db, clock, adminB, { email, role: 'INCENTIVES_ADMIN' })).rejects.toThrow(/not found among your organisation's users/);
    }
    await expect(grantRole(db, clock, adminB, { email: 'not an email', role: 'INCENTIVES_USER' })).rejects.toThrow(/is not an email address/);
    expect(await snapshot()).toEqual(before);
  });

  it('previews a revoke without changing anything', async () => {
    const before = await snapshot();
    const preview = await previewRevoke(db, await caller(DEMO.users.adminA), { email: EMAILS.userA, role: 'INCENTIVES_USER' });
    expect(preview).toMatchObject({ changed: true, before: ['INCENTIVES_USER'], after: [] });
    expect(await snapshot()).toEqual(before);
  });
});
