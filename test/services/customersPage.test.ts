import { FixedClock, addDays } from '../../services/shared/clock';
import {
  MAX_PAGE_SIZE,
  completeTab,
  eligibleTab,
  ineligibleTab,
  type EligibleRow,
  type Page,
  type PageRequest,
} from '../../services/customersPage/page';
import type { ClaimOrigin, ClaimStatus, Database } from '../../services/db';
import { NotAllowedError } from '../../services/shared/errors';
import { Fixtures, T0, buildWorld, guid, type World } from '../support/fixtures';
import { createTestDatabase } from '../support/testDatabase';

type Tab<Row> = (db: Database, clock: FixedClock, request: PageRequest) => Promise<Page<Row>>;

/** Reads every page of a tab, failing if a page is larger than asked or the walk does not end. */
async function walk<Row>(tab: Tab<Row>, db: Database, clock: FixedClock, request: PageRequest, pageSize: number): Promise<{ rows: Row[]; pages: number }> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: Page<Row> = await tab(db, clock, { ...request, cursor, pageSize });
    expect(page.rows.length).toBeLessThanOrEqual(pageSize);
    rows.push(...page.rows);
    cursor = page.nextCursor;
    pages += 1;
    if (pages > 1000) throw new Error('the walk does not end');
  } while (cursor);
  return { rows, pages };
}

describe('the Customers page of an engagement', () => {
  let db: Database;
  let f: Fixtures;
  let w: World;
  const clock = new FixedClock(T0);
  let seq = 0;

  /** A customer with one TPID, optionally known to a partner under a name, optionally eligible for engagements. */
  async function customer(spec: { name?: string; knownTo?: string; eligibleFor?: string[]; ineligibleFor?: string[]; id?: string }): Promise<string> {
    seq += 1;
    const tpid = String(500000 + seq);
    const id = await f.customer({ id: spec.id, name: spec.name, ids: [{ type: 'TPID', value: tpid }] });
    if (spec.knownTo) await f.known(spec.knownTo, id, spec.name);
    for (const engagementId of spec.eligibleFor ?? []) await f.eligible(engagementId, { type: 'TPID', value: tpid });
    for (const engagementId of spec.ineligibleFor ?? []) await f.eligible(engagementId, { type: 'TPID', value: tpid }, false, 'Segment');
    return id;
  }

  async function claimOf(engagementId: string, customerId: string, status: ClaimStatus, extra: { origin?: ClaimOrigin; partnerId?: string; id?: string; closedAt?: Date; consentAnsweredAt?: Date; submissionDeadline?: Date; consentDeadline?: Date } = {}): Promise<string> {
    const partnerId = extra.partnerId ?? w.partnerA;
    return f.claim({
      partnerId,
      engagementId,
      customerId,
      locationId: partnerId === w.partnerA ? w.location : w.locationB,
      userId: partnerId === w.partnerA ? w.user : w.userB,
      status,
      origin: extra.origin,
      id: extra.id,
      closedAt: extra.closedAt,
      consentAnsweredAt: extra.consentAnsweredAt,
      submissionDeadline: extra.submissionDeadline,
      consentDeadline: extra.consentDeadline,
    });
  }

  const names = (rows: { customerName: string }[]): string[] => rows.map((r) => r.customerName);
  const request = (engagementId: string, partnerId: string = w.partnerA): PageRequest => ({ partnerId, engagementId });

  beforeAll(async () => {
    db = await createTestDatabase();
    f = new Fixtures(db);
    w = await buildWorld(f);
  });

  afterAll(async () => {
    await db.close();
  });

  describe('Eligible and Ineligible tabs', () => {
    let e: string;

    beforeAll(async () => {
      e = await f.engagement({ name: 'Page Engagement', maxActiveClaimsPerCustomer: 2, idTypes: ['DOMAIN', 'TPID'] });
      await customer({ name: 'A known eligible', knownTo: w.partnerA, eligibleFor: [e] });
      await customer({ name: 'B known ineligible', knownTo: w.partnerA, ineligibleFor: [e] });
      await customer({ name: 'C known not listed', knownTo: w.partnerA });
      const atLimit = await customer({ name: 'D known at limit', knownTo: w.partnerA, eligibleFor: [e] });
      await claimOf(e, atLimit, 'CONSENT_REQUESTED', { partnerId: w.partnerB });
      const partnerC = await f.partner();
      const userC = await f.user({ partnerId: partnerC });
      const locationC = await f.location({ partnerId: partnerC });
      await f.claim({ partnerId: partnerC, engagementId: e, customerId: atLimit, locationId: locationC, userId: userC, status: 'SUBMITTED' });
      const ownAtLimit = await customer({ name: 'E known with own claim at limit', knownTo: w.partnerA, eligibleFor: [e] });
      await claimOf(e, ownAtLimit, 'CLAIMED', { id: 'CLM-OWN' });
      await claimOf(e, ownAtLimit, 'CONSENT_GRANTED', { partnerId: w.partnerB, submissionDeadline: addDays(T0, 60) });
      const added = await customer({ name: 'F newly added' });
      await claimOf(e, added, 'ADDED', { origin: 'ADDED', id: 'CLM-ADDED' });
      await customer({ name: 'G known to partner B only', knownTo: w.partnerB, eligibleFor: [e] });
      const tpidEligibleElsewhere = await customer({ name: 'H eligible for another engagement', knownTo: w.partnerA, eligibleFor: [w.fixed] });
      expect(tpidEligibleElsewhere).toBeTruthy();
      const viaDomain = await f.customer({ name: 'I by domain', ids: [{ type: 'DOMAIN', value: 'idomain.com' }] });
      await f.known(w.partnerA, viaDomain, 'I by domain');
      await f.domain('idomain.com', guid(99));
      await f.eligible(e, { type: 'TENANT_ID', value: guid(99) });
      const subscriptionOnly = await f.customer({ name: 'J subscription only', ids: [{ type: 'AZURE_SUBSCRIPTION_ID', value: guid(98) }] });
      await f.known(w.partnerA, subscriptionOnly, 'J subscription only');
      await f.eligible(e, { type: 'AZURE_SUBSCRIPTION_ID', value: guid(98) });
      const declined = await customer({ name: 'K newly added, declined' });
      await claimOf(e, declined, 'DECLINED', { origin: 'ADDED', consentAnsweredAt: T0 });
      const expired = await customer({ name: 'L newly added, never answered' });
      await claimOf(e, expired, 'EXPIRED', { origin: 'ADDED' });
    });

    it('lists known eligible customers and customers with an open claim of the partner, with their actions', async () => {
      const page = await eligibleTab(db, clock, request(e));
      expect(page.nextCursor).toBeNull();
      expect(names(page.rows)).toEqual(['A known eligible', 'E known with own claim at limit', 'F newly added', 'I by domain']);
      const byName = (name: string): EligibleRow | undefined => page.rows.find((r) => r.customerName === name);
      expect(byName('A known eligible')).toMatchObject({ known: true, claim: null, actions: ['claimCustomer'] });
      expect(byName('E known with own claim at limit')).toMatchObject({
        known: true,
        claim: { id: 'CLM-OWN', status: 'CLAIMED', origin: 'CLAIMED' },
        actions: ['sendConsent', 'viewClaim'],
      });
      expect(byName('F newly added')).toMatchObject({ known: false, claim: { id: 'CLM-ADDED', origin: 'ADDED' }, actions: ['sendConsent', 'viewClaim'] });
    });

    it('lists known customers that are not eligible on Ineligible, with the reason', async () => {
      const page = await ineligibleTab(db, clock, request(e));
      expect(page.detailHidden).toBe(false);
      expect(page.rows.map((r) => [r.customerName, r.reason])).toEqual([
        ['B known ineligible', 'CRITERIA_NOT_MET'],
        ['C known not listed', 'CRITERIA_NOT_MET'],
        ['D known at limit', 'ACTIVE_CLAIMS_LIMIT'],
        ['H eligible for another engagement', 'CRITERIA_NOT_MET'],
        ['J subscription only', 'CRITERIA_NOT_MET'],
      ]);
      expect(page.rows.find((r) => r.reason === 'ACTIVE_CLAIMS_LIMIT')?.reasonText).toMatch(/limit of 2 active claim/);
    });

    it('shows each partner only its own known customers and claims', async () => {
      const forB = await eligibleTab(db, clock, request(e, w.partnerB));
      expect(names(forB.rows)).toEqual(['D known at limit', 'E known with own claim at limit', 'G known to partner B only']);
      expect(forB.rows.find((r) => r.customerName === 'E known with own claim at limit')?.actions).toEqual(['submitClaim', 'viewClaim']);
      const ineligibleB = await ineligibleTab(db, clock, request(e, w.partnerB));
      expect(ineligibleB.rows).toEqual([]);
    });

    it('keeps a newly added customer who declined or never answered off every tab', async () => {
      const all = [
        ...names((await eligibleTab(db, clock, request(e))).rows),
        ...names((await ineligibleTab(db, clock, request(e))).rows),
        ...(await completeTab(db, clock, request(e))).rows.map((r) => r.customerName),
      ];
      expect(all.filter((name) => name.startsWith('K ') || name.startsWith('L '))).toEqual([]);
    });

    it('offers each action only while the state machine allows it', async () => {
      const engagement = await f.engagement({ idTypes: ['TPID'] });
      const statuses: [string, ClaimStatus, { consentDeadline?: Date; submissionDeadline?: Date }, string[]][] = [
        ['1 requested', 'CONSENT_REQUESTED', {}, ['resendConsent', 'viewClaim']],
        ['2 requested, window closed', 'CONSENT_REQUESTED', { consentDeadline: addDays(T0, -1) }, ['viewClaim']],
        ['3 added, window closed', 'ADDED', { consentDeadline: addDays(T0, -1) }, ['viewClaim']],
        ['4 granted', 'CONSENT_GRANTED', { submissionDeadline: addDays(T0, 5) }, ['submitClaim', 'viewClaim']],
        ['5 rejected in window', 'REJECTED', { submissionDeadline: addDays(T0, 5) }, ['submitClaim', 'viewClaim']],
        ['6 rejected, window closed', 'REJECTED', { submissionDeadline: addDays(T0, -5) }, ['viewClaim']],
        ['7 submitted', 'SUBMITTED', { submissionDeadline: addDays(T0, 5) }, ['viewClaim']],
      ];
      for (const [name, status, deadlines] of statuses) {
        const id = await customer({ name, knownTo: w.partnerA, eligibleFor: [engagement] });
        await claimOf(engagement, id, status, deadlines);
      }
      const page = await eligibleTab(db, clock, request(engagement));
      expect(page.rows.map((r) => [r.customerName, r.actions])).toEqual(statuses.map(([name, , , actions]) => [name, actions]));
    });

    it('holds Re-send back for 24 hours after the consent email was sent, saying when it comes (issue 14)', async () => {
      const engagement = await f.engagement({ idTypes: ['TPID'] });
      const HOUR = 60 * 60 * 1000;
      const cases: [string, number, string[], Date | undefined][] = [
        ['1 sent 2 hours ago', 2, ['viewClaim'], new Date(T0.getTime() + 22 * HOUR)],
        ['2 sent 23 hours 59 minutes ago', 24 - 1 / 60, ['viewClaim'], new Date(T0.getTime() + HOUR / 60)],
        ['3 sent 24 hours ago', 24, ['resendConsent', 'viewClaim'], undefined],
        ['4 sent 3 days ago', 72, ['resendConsent', 'viewClaim'], undefined],
      ];
      for (const [name, hoursAgo] of cases) {
        const id = await customer({ name, knownTo: w.partnerA, eligibleFor: [engagement] });
        const claimId = await claimOf(engagement, id, 'CONSENT_REQUESTED', {});
        const sentAt = new Date(T0.getTime() - hoursAgo * HOUR);
        await db.prisma.consentRequest.create({
          data: { claimId, tokenHash: `hash-${claimId}`, expiresAt: addDays(T0, 30), firstSentAt: sentAt, lastSentAt: sentAt, sendCount: 1 },
        });
      }
      const page = await eligibleTab(db, clock, request(engagement));
      expect(page.rows.map((r) => [r.customerName, r.actions, r.claim?.resendFrom])).toEqual(cases.map(([name, , actions, from]) => [name, actions, from]));
    });

    it('gives each open claim the deadline running now, with whole days left rounded up (the card only words it)', async () => {
      const engagement = await f.engagement({ idTypes: ['TPID'] });
      const almostFiveDays = new Date(addDays(T0, 5).getTime() - 60 * 60 * 1000);
      const cases: [string, ClaimStatus, { consentDeadline?: Date; submissionDeadline?: Date }, { kind: 'consent' | 'submission'; at: Date; daysLeft: number } | null][] = [
        ['1 claimed', 'CLAIMED', { consentDeadline: addDays(T0, 3) }, { kind: 'consent', at: addDays(T0, 3), daysLeft: 3 }],
        ['2 requested, window closed', 'CONSENT_REQUESTED', { consentDeadline: addDays(T0, -1) }, { kind: 'consent', at: addDays(T0, -1), daysLeft: -1 }],
        ['3 granted', 'CONSENT_GRANTED', { submissionDeadline: almostFiveDays }, { kind: 'submission', at: almostFiveDays, daysLeft: 5 }],
        ['4 submitted', 'SUBMITTED', { submissionDeadline: addDays(T0, 5) }, null],
      ];
      for (const [name, status, deadlines] of cases) {
        const id = await customer({ name, knownTo: w.partnerA, eligibleFor: [engagement] });
        await claimOf(engagement, id, status, deadlines);
      }
      const page = await eligibleTab(db, clock, request(engagement));
      expect(page.rows.map((r) => [r.customerName, r.claim?.deadline])).toEqual(cases.map(([name, , , deadline]) => [name, deadline]));
    });

    it('shows no Ineligible detail for an engagement that accepts only MSX opportunity ids', async () => {
      const page = await ineligibleTab(db, clock, request(w.variable));
      expect(page).toEqual({ rows: [], nextCursor: null, detailHidden: true });
    });

    it('refuses a cursor that is not one of its own', async () => {
      const other = await ineligibleTab(db, clock, { ...request(e), pageSize: 1 });
      expect(other.nextCursor).not.toBeNull();
      await expect(eligibleTab(db, clock, { ...request(e), cursor: other.nextCursor })).rejects.toThrow(NotAllowedError);
      await expect(eligibleTab(db, clock, { ...request(e), cursor: 'garbage!' })).rejects.toThrow(/page link is not valid/);
      const forged = Buffer.from(JSON.stringify({ t: 'C', k: ['yesterday', 'CLM-X'] })).toString('base64url');
      await expect(completeTab(db, clock, { ...request(e), cursor: forged })).rejects.toThrow(/page link is not valid/);
    });

    it('refuses an unknown engagement', async () => {
      await expect(eligibleTab(db, clock, request('E-NOPE'))).rejects.toThrow(/There is no engagement E-NOPE/);
    });
  });

  describe('paging', () => {
    let e: string;
    const expected: { name: string; id: string }[] = [];

    beforeAll(async () => {
      e = await f.engagement({ name: 'Paging Engagement', idTypes: ['TPID'] });
      // Repeated names make the customer id the tie-breaker; 100 known and 20 only on the page through an open claim.
      for (let i = 0; i < 120; i += 1) {
        const name = `Name ${String(i % 37).padStart(2, '0')}`;
        const id = `CUS-PG-${String((i * 53) % 120).padStart(3, '0')}`;
        if (i < 100) {
          await customer({ id, name, knownTo: w.partnerA, eligibleFor: [e] });
        } else {
          await customer({ id, name });
          await claimOf(e, id, 'ADDED', { origin: 'ADDED' });
        }
        expected.push({ name, id });
      }
      for (let i = 0; i < 30; i += 1) await customer({ name: `Name ${String(i).padStart(2, '0')}`, knownTo: w.partnerA, ineligibleFor: [e] });
      expected.sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1));
    });

    it('walks 120 Eligible rows in pages of 25: every row exactly once, in a stable order', async () => {
      const first = await walk(eligibleTab, db, clock, request(e), 25);
      expect(first.pages).toBe(5);
      expect(first.rows.map((r) => r.customerId)).toEqual(expected.map((x) => x.id));
      expect(new Set(first.rows.map((r) => r.customerId)).size).toBe(120);
      const again = await walk(eligibleTab, db, clock, request(e), 25);
      expect(again.rows.map((r) => r.customerId)).toEqual(first.rows.map((r) => r.customerId));
      const byOne = await walk(eligibleTab, db, clock, request(e), 7);
      expect(byOne.rows.map((r) => r.customerId)).toEqual(first.rows.map((r) => r.customerId));
    });

    it('walks the Ineligible tab the same way', async () => {
      // Every known customer of partner A that is not among the 100 eligible ones, including those of earlier tests.
      const ineligible = (await db.prisma.knownCustomer.count({ where: { partnerId: w.partnerA } })) - 100;
      expect(ineligible).toBeGreaterThan(30);
      const { rows, pages } = await walk(ineligibleTab, db, clock, request(e), 25);
      expect(pages).toBe(Math.ceil(ineligible / 25));
      expect(rows).toHaveLength(ineligible);
      expect(new Set(rows.map((r) => r.customerId)).size).toBe(ineligible);
    });

    it('never returns more than the maximum page size', async () => {
      const page = await eligibleTab(db, clock, { ...request(e), pageSize: 500 });
      expect(page.rows).toHaveLength(MAX_PAGE_SIZE);
      expect(page.nextCursor).not.toBeNull();
    });

    it('walks 120 Complete rows in pages of 25, newest closed first', async () => {
      const engagement = await f.engagement({ name: 'Complete Paging', idTypes: ['TPID'] });
      const target = await customer({ name: 'Many claims', knownTo: w.partnerA });
      const ids: { id: string; closedAt: Date }[] = [];
      for (let i = 0; i < 120; i += 1) {
        const id = `CLM-CP${String(i).padStart(3, '0')}`;
        // Pairs share a closing time, so the claim id breaks the tie.
        const closedAt = addDays(T0, -Math.floor(i / 2));
        await claimOf(engagement, target, (['COMPLETED', 'CANCELED', 'REJECTED_FINAL'] as const)[i % 3] ?? 'COMPLETED', { id, closedAt });
        ids.push({ id, closedAt });
      }
      ids.sort((a, b) => b.closedAt.getTime() - a.closedAt.getTime() || (a.id < b.id ? 1 : -1));
      const { rows, pages } = await walk(completeTab, db, clock, request(engagement), 25);
      expect(pages).toBe(5);
      expect(rows.map((r) => r.claimId)).toEqual(ids.map((x) => x.id));
      expect(rows[0]?.closedAt).toEqual(ids[0]?.closedAt);
    });
  });

  describe('Complete tab', () => {
    it('holds the partner’s completed, expired, canceled and final-rejected claims, not declined ones nor unanswered new customers', async () => {
      const e = await f.engagement({ name: 'Complete Engagement', idTypes: ['TPID'] });
      const known = await customer({ name: 'Known one', knownTo: w.partnerA, eligibleFor: [e] });
      const fresh = await customer({ name: 'Fresh one' });
      const at = (days: number): Date => addDays(T0, -days);
      await claimOf(e, known, 'COMPLETED', { id: 'CLM-COMPLETED', closedAt: at(1) });
      await claimOf(e, known, 'EXPIRED', { id: 'CLM-EXPIRED-CLAIMED', closedAt: at(2) });
      await claimOf(e, known, 'CANCELED', { id: 'CLM-CANCELED', closedAt: at(3) });
      await claimOf(e, known, 'REJECTED_FINAL', { id: 'CLM-FINAL', closedAt: at(4) });
      await claimOf(e, known, 'DECLINED', { id: 'CLM-DECLINED-CLAIMED', closedAt: at(5), consentAnsweredAt: at(5) });
      await claimOf(e, fresh, 'EXPIRED', { id: 'CLM-ADDED-UNANSWERED', origin: 'ADDED', closedAt: at(6) });
      await claimOf(e, fresh, 'DECLINED', { id: 'CLM-ADDED-DECLINED', origin: 'ADDED', closedAt: at(7), consentAnsweredAt: at(7) });
      await claimOf(e, fresh, 'EXPIRED', {
        id: 'CLM-ADDED-EXPIRED-AFTER-CONSENT',
        origin: 'ADDED',
        closedAt: at(8),
        consentAnsweredAt: at(100),
        submissionDeadline: at(8),
      });
      await claimOf(e, fresh, 'CANCELED', { id: 'CLM-ADDED-CANCELED', origin: 'ADDED', closedAt: at(9) });
      await claimOf(e, known, 'CONSENT_REQUESTED', { id: 'CLM-STILL-OPEN' });
      await claimOf(e, known, 'COMPLETED', { id: 'CLM-OF-B', partnerId: w.partnerB, closedAt: at(1) });
      await claimOf(w.fixed, known, 'COMPLETED', { id: 'CLM-OTHER-ENGAGEMENT', closedAt: at(1) });

      const page = await completeTab(db, clock, request(e));
      expect(page.rows.map((r) => r.claimId)).toEqual([
        'CLM-COMPLETED',
        'CLM-EXPIRED-CLAIMED',
        'CLM-CANCELED',
        'CLM-FINAL',
        'CLM-ADDED-EXPIRED-AFTER-CONSENT',
        'CLM-ADDED-CANCELED',
      ]);
      expect(page.rows[0]).toMatchObject({ customerName: 'Known one', status: 'COMPLETED', actions: ['viewClaim'], closedAt: at(1) });
      expect(page.nextCursor).toBeNull();
    });
  });
});
