import { buildServices } from '../../bot/composition';
import { DEMO } from '../../prisma/demoData';
import type { AppServices } from '../../services';
import { EXPIRING_STATUS_FILTERS, seesCreators, STATUS_FILTERS } from '../../services/claims';
import type { Database } from '../../services/db';
import type { Caller, PartnerCaller } from '../../services/directory';
import { FixedClock } from '../../services/shared/clock';
import { createDemoDatabase } from '../support/testDatabase';

/** The rules the claim flows and lists used to decide in dialogs, now behind the facades. */
const NOW = new Date('2026-03-02T09:00:00.000Z');
const CONSENT = { tokenSecret: 't'.repeat(40), publicBaseUrl: 'https://bot.test' };

describe('facades (demo data)', () => {
  let db: Database;
  let services: AppServices;
  let adminA: PartnerCaller;
  let userA: PartnerCaller;
  let noRoleA: Caller;
  let adminB: PartnerCaller;

  const partnerUser = (caller: Caller): PartnerCaller => {
    if (caller.kind !== 'partnerUser') throw new Error(`expected a partner user, got ${caller.kind}`);
    return caller;
  };

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    services = buildServices({ db, clock: new FixedClock(NOW), consent: CONSENT });
    adminA = partnerUser(await services.directory.findCaller(DEMO.users.adminA));
    userA = partnerUser(await services.directory.findCaller(DEMO.users.userA));
    noRoleA = await services.directory.findCaller(DEMO.users.noRoleA);
    adminB = partnerUser(await services.directory.findCaller(DEMO.users.adminB));
  });

  afterAll(async () => {
    await db.close();
  });

  describe('claims.openFor: the claim a flow acts on', () => {
    it('opens a claim of the caller’s partner when the state machine allows the event now', async () => {
      const opened = await services.claims.openFor(userA, DEMO.claims.contosoDataAiClaimed, 'SEND_CONSENT', 'usage');
      expect(opened.ok).toBe(true);
      if (opened.ok) {
        expect(opened.claim.id).toBe(DEMO.claims.contosoDataAiClaimed);
        expect(opened.claim.customer.name).toBeTruthy();
        expect(opened.claim.engagement.name).toBeTruthy();
      }
    });

    it('accepts the id in any case and with spaces, as typed', async () => {
      const opened = await services.claims.openFor(userA, `  ${DEMO.claims.contosoDataAiClaimed.toLowerCase()} `, 'SEND_CONSENT', 'usage');
      expect(opened.ok).toBe(true);
    });

    it('refuses an event the state machine does not allow now, saying why', async () => {
      const opened = await services.claims.openFor(userA, DEMO.claims.contosoMigrateCompleted, 'SEND_CONSENT', 'usage');
      expect(opened.ok).toBe(false);
      if (!opened.ok) expect(opened.message).toMatch(/Nothing was changed\.$/);
    });

    it('answers "not found" for another partner’s claim, revealing nothing of it', async () => {
      const opened = await services.claims.openFor(adminB, DEMO.claims.contosoDataAiClaimed, 'SEND_CONSENT', 'usage');
      expect(opened.ok).toBe(false);
      if (!opened.ok) {
        expect(opened.message).toContain('was not found among');
        expect(opened.message).not.toMatch(/Contoso/i);
      }
    });

    it('refuses a user without a claim role with the one refusal, naming who can grant it', async () => {
      const opened = await services.claims.openFor(noRoleA, DEMO.claims.contosoDataAiClaimed, 'SEND_CONSENT', 'usage');
      expect(opened).toEqual({ ok: false, message: await services.directory.accessRefusal(noRoleA) });
      if (!opened.ok) expect(opened.message).toMatch(/Ask an Incentives admin to grant you a role: .+\(.+@.+\)/);
    });

    it('asks which claim when none is named', async () => {
      expect(await services.claims.openFor(userA, '  ', 'SEND_CONSENT', 'Type send consent and the id.')).toEqual({ ok: false, message: 'Which claim? Type send consent and the id.' });
    });
  });

  describe('directory.accessRefusal', () => {
    it('tells a partner user without a role their email and their admins', async () => {
      const text = await services.directory.accessRefusal(noRoleA);
      expect(text).toContain('You have no incentives role yet');
      expect(text).toContain(noRoleA.kind === 'partnerUser' ? noRoleA.email : '-');
      expect(text).toContain(adminA.email);
    });

    it('tells someone unknown from no partner tenant to ask their own admins', async () => {
      const unknown = await services.directory.findCaller('00000000-0000-0000-0000-0000000000ff');
      expect(await services.directory.accessRefusal(unknown)).toMatch(/^I don't know you yet/);
    });
  });

  describe('directory.currentCaller', () => {
    it('resolves a partner user as they are now, by user id', async () => {
      const again = await services.directory.currentCaller(userA.userId);
      expect(again).toEqual(userA);
    });

    it('is unknown for a user id that does not exist', async () => {
      expect((await services.directory.currentCaller('no-such-user')).kind).toBe('unknown');
    });
  });

  describe('consent.sendHistory', () => {
    it('gives the send count of a claim whose email was sent, to its own partner only', async () => {
      const history = await services.consent.sendHistory(userA, DEMO.claims.tailspinMigrateConsentRequested);
      expect(history?.sendCount).toBeGreaterThanOrEqual(1);
      // The demo's consent requests predate their outbox rows, so a re-send cannot keep the link, and says so.
      expect(history?.keepsLink).toBe(false);
      expect(await services.consent.sendHistory(adminB, DEMO.claims.tailspinMigrateConsentRequested)).toBeNull();
    });
  });

  describe('claim lists', () => {
    it('expiring offers only the statuses that have a running deadline', () => {
      expect(EXPIRING_STATUS_FILTERS).toEqual(['OPEN', 'ADDED', 'CLAIMED', 'CONSENT_REQUESTED', 'CONSENT_GRANTED', 'REJECTED']);
      expect(STATUS_FILTERS).toEqual(expect.arrayContaining([...EXPIRING_STATUS_FILTERS]));
    });

    it('only Incentives admins see who created each claim', () => {
      expect(seesCreators(adminA.roles)).toBe(true);
      expect(seesCreators(userA.roles)).toBe(false);
    });

    it('partner claims are the caller’s partner’s only', async () => {
      const a = await services.claims.partnerClaims(adminA, { pageSize: 50 });
      const b = await services.claims.partnerClaims(adminB, { pageSize: 50 });
      const idsA = new Set(a.rows.map((row) => row.id));
      expect(a.rows.length).toBeGreaterThan(0);
      expect(b.rows.some((row) => idsA.has(row.id))).toBe(false);
    });
  });
});
