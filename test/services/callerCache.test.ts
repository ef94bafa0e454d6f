import { DEMO } from '../../prisma/demoData';
import type { Database } from '../../services/db';
import { CALLER_CACHE_MS, createDirectory, type Caller, type Directory } from '../../services/directory';
import { CallerCache } from '../../services/directory/callerCache';
import { FixedClock } from '../../services/shared/clock';
import { createDemoDatabase } from '../support/testDatabase';

/** The caller of a turn is reused for a few seconds; a role change must never outlive that, and one made here not at all. */
const NOW = new Date('2026-03-02T09:00:00.000Z');
const USER_A_EMAIL = 'alex.wilber@fabrikamconsulting.com';

const rolesOf = (caller: Caller) => (caller.kind === 'partnerUser' ? caller.roles : []);

describe('CallerCache', () => {
  const someone: Caller = { kind: 'unknown', aadObjectId: 'x', partner: null };

  it('reuses a caller within the window, looks again after it, and shares one lookup between concurrent turns', async () => {
    let now = 0;
    const cache = new CallerCache({ ttlMs: 1_000, now: () => now });
    let lookups = 0;
    const lookup = () => {
      lookups += 1;
      return Promise.resolve(someone);
    };
    await Promise.all([cache.resolve('a', null, lookup), cache.resolve('a', null, lookup)]);
    now = 999;
    await cache.resolve('a', null, lookup);
    expect(lookups).toBe(1);
    await cache.resolve('a', 't', lookup);
    expect(lookups).toBe(2);
    now = 1_000;
    await cache.resolve('a', null, lookup);
    expect(lookups).toBe(3);
  });

  it('forgets everything on clear(), a failed lookup at once, and an entry from a clock that went back', async () => {
    let now = 100;
    const cache = new CallerCache({ ttlMs: 1_000, now: () => now });
    let lookups = 0;
    const lookup = () => {
      lookups += 1;
      return Promise.resolve(someone);
    };
    await cache.resolve('a', null, lookup);
    cache.clear();
    await cache.resolve('a', null, lookup);
    expect(lookups).toBe(2);
    now = 50;
    await cache.resolve('a', null, lookup);
    expect(lookups).toBe(3);

    await expect(cache.resolve('b', null, () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    await expect(cache.resolve('b', null, lookup)).resolves.toBe(someone);
  });
});

describe('directory.findCaller with the caller cache (demo data)', () => {
  let db: Database;
  let now: number;
  let directory: Directory;

  beforeEach(async () => {
    db = await createDemoDatabase(NOW);
    now = 0;
    directory = createDirectory({ db, clock: new FixedClock(NOW), callerCache: { now: () => now } });
  });

  afterEach(async () => {
    await db.close();
  });

  it('stops honouring a role revoked through this process at once', async () => {
    expect(rolesOf(await directory.findCaller(DEMO.users.userA))).toContain('INCENTIVES_USER');
    const admin = await directory.findCaller(DEMO.users.adminA);
    await directory.revokeRole(admin, { email: USER_A_EMAIL, role: 'INCENTIVES_USER' });
    expect(rolesOf(await directory.findCaller(DEMO.users.userA))).not.toContain('INCENTIVES_USER');
    await directory.grantRole(admin, { email: USER_A_EMAIL, role: 'INCENTIVES_USER' });
    expect(rolesOf(await directory.findCaller(DEMO.users.userA))).toContain('INCENTIVES_USER');
  });

  it('stops honouring a role removed elsewhere (another instance) once the cache window has passed', async () => {
    expect(rolesOf(await directory.findCaller(DEMO.users.userA))).toContain('INCENTIVES_USER');
    await db.prisma.userRole.delete({ where: { userId_role: { userId: DEMO.userIds.userA, role: 'INCENTIVES_USER' } } });
    // Within the window the turn may still see the role it had a moment ago (docs/architecture.md)…
    now = CALLER_CACHE_MS - 1;
    expect(rolesOf(await directory.findCaller(DEMO.users.userA))).toContain('INCENTIVES_USER');
    // …but a flow's check before it acts reads the roles as they are,
    expect(rolesOf(await directory.currentCaller(DEMO.userIds.userA))).not.toContain('INCENTIVES_USER');
    // and after the window nobody honours it.
    now = CALLER_CACHE_MS;
    expect(rolesOf(await directory.findCaller(DEMO.users.userA))).not.toContain('INCENTIVES_USER');
  });

  it('knows a newcomer registered through this process at once', async () => {
    const aadObjectId = '6d0c7f4e-2b1a-4c39-8e57-1f9a3b2c4d5e';
    expect(await directory.findCaller(aadObjectId, DEMO.tenants.partnerA)).toMatchObject({ kind: 'unknown' });
    await directory.registerPartnerUser({ aadObjectId, tenantId: DEMO.tenants.partnerA, email: 'new.person@fabrikamconsulting.com', displayName: 'New Person' });
    expect(await directory.findCaller(aadObjectId, DEMO.tenants.partnerA)).toMatchObject({ kind: 'partnerUser', partnerId: DEMO.partnerA, roles: [] });
  });

  it('resolves a partner user with their roles and partner in one statement, as before', async () => {
    expect(await directory.findCaller(DEMO.users.adminA)).toMatchObject({
      kind: 'partnerUser',
      userId: DEMO.userIds.adminA,
      partnerId: DEMO.partnerA,
      roles: expect.arrayContaining(['INCENTIVES_ADMIN']) as unknown,
    });
    expect(await directory.findCaller(DEMO.users.noRoleA)).toMatchObject({ kind: 'partnerUser', roles: [] });
    expect(await directory.findCaller(DEMO.seller)).toMatchObject({ kind: 'seller', sellerId: DEMO.sellerId });
  });
});
