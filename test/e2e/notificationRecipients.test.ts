import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { DEMO } from '../../prisma/demoData';
import { cancelClaim } from '../../services/claims/cancel';
import { OPEN_STATUSES } from '../../services/claims/lifecycle';
import { DAY_MS } from '../../services/shared/clock';
import { requestConsent, type ConsentSettings } from '../../services/consent/consent';
import { CONSENT_EVENTS } from '../../services/consent/email';
import { findCaller } from '../../services/directory/callers';
import { submitClaim } from '../../services/claims/submission';
import { cardOf, messageActivity, postActivity } from '../support/activities';
import { readEml } from '../support/eml';
import { TeamsCaptureConnector, type TeamsActivity } from '../support/teamsConnector';
import { createDemoDatabase } from '../support/testDatabase';

/**
 * Issue 5's "each event produces exactly one message to each right recipient and none to anyone
 * else", through the real server in local mode with the Teams capture connector on loopback. Every
 * person below has talked to the bot once, so each could be reached; for each event the test
 * compares everything Teams received since the trigger with the exact expected (person → titles),
 * then runs the scheduler again and checks nothing more arrives. The cases run in order, on one
 * server and one clock.
 */

const logger = pino({ level: 'silent' });

const PEOPLE = {
  /** Partner A's Incentives user who created every claim under test. */
  creator: DEMO.users.userA,
  /** Another Incentives user of partner A (added here), who created none of them. */
  otherUser: '00000000-0000-0000-0000-00000000a004',
  /** Incentives admin and Referrals admin of partner A: told of referrals too. */
  admin: DEMO.users.adminA,
  /** A second Incentives admin of partner A (added here): expiries go to every admin. */
  secondAdmin: '00000000-0000-0000-0000-00000000a005',
  noRole: DEMO.users.noRoleA,
  otherPartnerAdmin: DEMO.users.adminB,
  /** The demo seller, covering Contoso's TPIDs. */
  seller: DEMO.seller,
  /** A second seller (added here) covering Contoso's TPIDs too. */
  secondSeller: '00000000-0000-0000-0000-00000000c002',
  /** A seller (added here) covering other customers only. */
  otherSeller: '00000000-0000-0000-0000-00000000c003',
} as const;

type Person = keyof typeof PEOPLE;

const TITLE = {
  accepted: 'The customer accepted consent',
  declined: 'The customer declined consent',
  consentNear: 'The consent deadline is near',
  submissionNear: 'The submission deadline is near',
  expired: 'A claim expired',
  submitted: 'A claim was submitted',
  reviewed: 'Microsoft reviewed a claim',
  referralCreated: 'A partner-led referral was created',
  referralUpgraded: 'The referral was upgraded to co-sell',
  canceled: 'An admin canceled a claim',
  coSell: 'A co-sell opportunity for a customer you cover',
} as const;

const CLAIMS = {
  referral: DEMO.claims.contosoDataAiClaimed,
  declined: DEMO.claims.lamnaSecurityClaimed,
  reviewed: DEMO.claims.litwareSecuritySubmitted,
  submissionDeadline: DEMO.claims.adventureWorksSecurityConsentGranted,
  consentDeadline: DEMO.claims.prosewareInnovateAdded,
} as const;

/** A second TPID for Contoso, covered by both Contoso sellers: each must still be told once. */
const EXTRA_CONTOSO_TPID = '90000001';

/** Passes the drain may take; each pass delivers a whole batch, so one is normally enough. */
const MAX_DRAIN_PASSES = 5;

const conversationOf = (person: Person): string => `a:conv-recipients-${person}`;

/** Who a captured activity went to, by the conversation each person opened with the bot. */
function personOf(activity: TeamsActivity): string {
  const person = (Object.keys(PEOPLE) as Person[]).find((key) => conversationOf(key) === activity.conversationId);
  return person ?? `unknown conversation ${activity.conversationId}`;
}

function titleOf(activity: TeamsActivity): string {
  const body = cardOf(activity.body)?.body as { text?: string }[] | undefined;
  return body?.[0]?.text ?? `(no card: ${JSON.stringify(activity.body)})`;
}

/** The claim a card's buttons carry: "View claim" for partner staff, the co-sell referral's button for a seller. */
function claimOf(activity: TeamsActivity): string | undefined {
  const actions = cardOf(activity.body)?.actions as { data?: { action?: string; claimId?: string } }[] | undefined;
  return actions?.find((action) => action.data?.claimId)?.data?.claimId;
}

/** person → sorted titles, people without messages left out. */
function byRecipient(activities: TeamsActivity[]): Record<string, string[]> {
  const delivered: Record<string, string[]> = {};
  for (const activity of activities) (delivered[personOf(activity)] ??= []).push(titleOf(activity));
  for (const titles of Object.values(delivered)) titles.sort();
  return delivered;
}

function sorted(expected: Partial<Record<Person, string[]>>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(expected).map(([person, titles]) => [person, [...titles].sort()]));
}

interface EventCase {
  event: string;
  claimId: string;
  trigger: () => Promise<void>;
  expected: Partial<Record<Person, string[]>>;
}

describe('who is told of each claim event, through the real server and the Teams capture connector', () => {
  let app: RunningApp;
  let dataDir: string;
  let teams: TeamsCaptureConnector;
  let settings: ConsentSettings;

  async function post(route: string, body: unknown): Promise<Response> {
    return fetch(`${app.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  async function tick(): Promise<void> {
    expect((await post('/api/dev/tick', {})).status).toBe(200);
  }

  /** Runs scheduler passes until no message waits in the outbox; fails if one is still waiting after a few. */
  async function drain(): Promise<void> {
    for (let pass = 0; pass < MAX_DRAIN_PASSES; pass += 1) {
      await tick();
      if ((await app.db.prisma.outboxMessage.count({ where: { status: 'PENDING' } })) === 0) return;
    }
    const waiting = await app.db.prisma.outboxMessage.findMany({ where: { status: 'PENDING' }, select: { event: true, recipient: true, lastError: true } });
    throw new Error(`the outbox did not drain: ${JSON.stringify(waiting)}`);
  }

  async function clockTo(instant: Date): Promise<void> {
    expect((await post('/api/dev/clock', { now: instant.toISOString() })).status).toBe(200);
  }

  async function caller(person: Person) {
    return findCaller(app.db.prisma, PEOPLE[person]);
  }

  /** The customer answers the consent email the way a customer does: the link in the stored .eml, the page, its form. */
  async function answerByEmail(claimId: string, answer: 'accept' | 'decline'): Promise<void> {
    const email = await app.db.prisma.outboxMessage.findFirstOrThrow({ where: { claimId, channel: 'EMAIL', event: CONSENT_EVENTS.requested } });
    expect(email.status).toBe('SENT');
    const eml = await readEml(path.join(dataDir, 'mail', `${email.id}.eml`));
    const link = /(https?:\/\/\S+\/consent\/[A-Za-z0-9_-]{43})/.exec(eml.text)?.[1];
    if (!link) throw new Error(`no consent link in the email: ${eml.text}`);
    const page = new URL(link).pathname;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await fetch(`${app.url}${page}`)).text())?.[1] ?? '';
    expect(csrf).not.toBe('');
    const answered = await fetch(`${app.url}${page}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url },
      body: new URLSearchParams({ answer, csrf }).toString(),
    });
    expect(answered.status).toBe(200);
  }

  async function deadlineOf(claimId: string, which: 'consentDeadline' | 'submissionDeadline'): Promise<Date> {
    const deadline = (await app.db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } }))[which];
    if (!deadline) throw new Error(`${claimId} has no ${which}`);
    return deadline;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'mci-recipients-e2e-'));
    teams = new TeamsCaptureConnector();
    const serviceUrl = await teams.start();
    app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, SCHEDULER_INTERVAL_SECONDS: '3600' }), { logger, db: await createDemoDatabase(), host: '127.0.0.1' });
    settings = { tokenSecret: app.config.consentTokenSecret, publicBaseUrl: app.config.publicBaseUrl };
    const { prisma } = app.db;

    await prisma.partnerUser.create({
      data: {
        id: 'user-a-user-2', partnerId: DEMO.partnerA, aadObjectId: PEOPLE.otherUser, tenantId: DEMO.tenants.partnerA,
        displayName: 'Isaiah Langer', email: 'isaiah.langer@fabrikamconsulting.com', roles: { create: [{ role: 'INCENTIVES_USER' }] },
      },
    });
    await prisma.partnerUser.create({
      data: {
        id: 'user-a-admin-2', partnerId: DEMO.partnerA, aadObjectId: PEOPLE.secondAdmin, tenantId: DEMO.tenants.partnerA,
        displayName: 'Nestor Wilke', email: 'nestor.wilke@fabrikamconsulting.com', roles: { create: [{ role: 'INCENTIVES_ADMIN' }] },
      },
    });
    // Each case moves the clock on by days: the daily digests that would fall due on the way are
    // turned off, so that what arrives is only what each claim event sends.
    const everyone = await prisma.partnerUser.findMany({ select: { id: true } });
    await prisma.digestPreference.createMany({ data: everyone.map(({ id }) => ({ userId: id, enabled: false })) });
    const contosoTpid = (await prisma.customerIdentifier.findFirstOrThrow({ where: { customerId: DEMO.customers.contoso, type: 'TPID' } })).value;
    const northwindTpid = (await prisma.customerIdentifier.findFirstOrThrow({ where: { customerId: DEMO.customers.northwind, type: 'TPID' } })).value;
    await prisma.customerIdentifier.create({ data: { type: 'TPID', value: EXTRA_CONTOSO_TPID, customerId: DEMO.customers.contoso } });
    await prisma.sellerCoverage.create({ data: { sellerId: DEMO.sellerId, tpid: EXTRA_CONTOSO_TPID } });
    await prisma.seller.create({
      data: {
        id: 'seller-c002', aadObjectId: PEOPLE.secondSeller, tenantId: DEMO.tenants.microsoft, displayName: 'Johanna Lorenz', email: 'johanna.lorenz@microsoft.com',
        coverage: { create: [{ tpid: contosoTpid }, { tpid: EXTRA_CONTOSO_TPID }] },
      },
    });
    await prisma.seller.create({
      data: {
        id: 'seller-c003', aadObjectId: PEOPLE.otherSeller, tenantId: DEMO.tenants.microsoft, displayName: 'Pradeep Gupta', email: 'pradeep.gupta@microsoft.com',
        coverage: { create: [{ tpid: northwindTpid }] },
      },
    });
    // Referrals from 10,000 USD on the Contoso claim's engagement, so that consent requested there creates one.
    await prisma.engagement.update({ where: { id: DEMO.engagements.dataAi }, data: { referralsEnabled: true, referralMinDealSizeUsd: 10_000 } });
    // Every other open demo claim is closed directly (no messages), so that moving the clock reminds or expires only the claims under test.
    await prisma.claim.updateMany({
      where: { id: { notIn: Object.values(CLAIMS) }, status: { in: [...OPEN_STATUSES] } },
      data: { status: 'CANCELED', openClaimKey: null, closeReason: 'Closed for the recipients test.' },
    });

    for (const person of Object.keys(PEOPLE) as Person[]) {
      const hello = messageActivity({ serviceUrl, aadObjectId: PEOPLE[person], conversationId: conversationOf(person), text: 'help' });
      expect((await postActivity(app.url, hello)).status).toBeLessThan(300);
    }
  }, 60_000);

  afterAll(async () => {
    await app.stop();
    await teams.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('has a personal conversation with everyone, and nothing waiting in the outbox', async () => {
    const rows = await app.db.prisma.conversationReference.findMany({ where: { conversationId: { in: (Object.keys(PEOPLE) as Person[]).map(conversationOf) } } });
    expect(rows.map((row) => [row.aadObjectId, row.kind, row.active]).sort()).toEqual(Object.values(PEOPLE).map((id) => [id, 'PERSONAL', true]).sort());
    expect(await app.db.prisma.outboxMessage.count({ where: { status: 'PENDING' } })).toBe(0);
  });

  const cases: EventCase[] = [
    {
      event: 'submission deadline near: the creator only',
      claimId: CLAIMS.submissionDeadline,
      // The demo claim is 5 days from its submission deadline: the scheduler's next pass is the trigger.
      trigger: async () => {
        const left = (await deadlineOf(CLAIMS.submissionDeadline, 'submissionDeadline')).getTime() - app.clock.now().getTime();
        expect(left).toBeGreaterThan(DAY_MS);
        expect(left).toBeLessThanOrEqual(7 * DAY_MS);
      },
      expected: { creator: [TITLE.submissionNear] },
    },
    {
      event: "referral created (consent requested above the threshold): the creator and the partner's Referrals admin",
      claimId: CLAIMS.referral,
      trigger: async () => {
        await requestConsent(app.db, app.clock, settings, await caller('creator'), { claimId: CLAIMS.referral, estimatedDealSizeUsd: 35_000, disclaimerAccepted: true });
      },
      expected: { creator: [TITLE.referralCreated], admin: [TITLE.referralCreated] },
    },
    {
      event: 'consent accepted and referral upgraded: the creator twice, the Referrals admin once, each covering seller once',
      claimId: CLAIMS.referral,
      trigger: () => answerByEmail(CLAIMS.referral, 'accept'),
      expected: { creator: [TITLE.accepted, TITLE.referralUpgraded], admin: [TITLE.referralUpgraded], seller: [TITLE.coSell], secondSeller: [TITLE.coSell] },
    },
    {
      event: 'claim canceled by an admin: the creator only',
      claimId: CLAIMS.referral,
      trigger: async () => {
        await cancelClaim(app.db, app.clock, await caller('admin'), { claimId: CLAIMS.referral, reason: 'The customer postponed the workshop to next year.' });
      },
      expected: { creator: [TITLE.canceled] },
    },
    {
      event: 'consent requested without a referral: nobody in Teams',
      claimId: CLAIMS.declined,
      trigger: async () => {
        await requestConsent(app.db, app.clock, settings, await caller('creator'), { claimId: CLAIMS.declined, estimatedDealSizeUsd: 15_000, disclaimerAccepted: true });
      },
      expected: {},
    },
    {
      event: 'consent declined: the creator only',
      claimId: CLAIMS.declined,
      trigger: () => answerByEmail(CLAIMS.declined, 'decline'),
      expected: { creator: [TITLE.declined] },
    },
    {
      event: 'review outcome rejected: the creator only',
      claimId: CLAIMS.reviewed,
      trigger: async () => {
        const res = await post('/api/dev/review', { claimId: CLAIMS.reviewed, outcome: 'REJECTED', note: 'Attach the threat exploration report and resubmit.' });
        expect(res.status).toBe(200);
      },
      expected: { creator: [TITLE.reviewed] },
    },
    {
      event: 'claim resubmitted by an admin: the creator only',
      claimId: CLAIMS.reviewed,
      trigger: async () => {
        await submitClaim(app.db, app.clock, await caller('admin'), {
          claimId: CLAIMS.reviewed,
          deliverySummary: 'Threat exploration report and remediation roadmap presented to the customer, report attached.',
          completionDate: app.clock.now(),
          evidenceLinks: ['https://fabrikamconsulting.sharepoint.com/sites/MCI/Shared%20Documents/litware/threat-report.pdf'],
        });
      },
      expected: { creator: [TITLE.submitted] },
    },
    {
      event: 'review outcome completed: the creator only',
      claimId: CLAIMS.reviewed,
      trigger: async () => {
        expect((await post('/api/dev/review', { claimId: CLAIMS.reviewed, outcome: 'COMPLETED' })).status).toBe(200);
      },
      expected: { creator: [TITLE.reviewed] },
    },
    {
      event: "submission deadline passed: the creator and every Incentives admin of the claim's partner",
      claimId: CLAIMS.submissionDeadline,
      trigger: async () => clockTo(new Date((await deadlineOf(CLAIMS.submissionDeadline, 'submissionDeadline')).getTime() + 60 * 60_000)),
      expected: { creator: [TITLE.expired], admin: [TITLE.expired], secondAdmin: [TITLE.expired] },
    },
    {
      event: 'consent deadline near: the creator only',
      claimId: CLAIMS.consentDeadline,
      trigger: async () => clockTo(new Date((await deadlineOf(CLAIMS.consentDeadline, 'consentDeadline')).getTime() - 6.5 * DAY_MS)),
      expected: { creator: [TITLE.consentNear] },
    },
    {
      event: "consent deadline passed: the creator and every Incentives admin of the claim's partner",
      claimId: CLAIMS.consentDeadline,
      trigger: async () => clockTo(new Date((await deadlineOf(CLAIMS.consentDeadline, 'consentDeadline')).getTime() + 60 * 60_000)),
      expected: { creator: [TITLE.expired], admin: [TITLE.expired], secondAdmin: [TITLE.expired] },
    },
  ];

  it.each(cases)('$event', async ({ claimId, trigger, expected }) => {
    const mark = teams.activities.length;
    await trigger();
    await drain();
    const delivered = teams.activities.slice(mark);
    expect(byRecipient(delivered)).toEqual(sorted(expected));
    expect(delivered.filter((activity) => claimOf(activity) !== claimId)).toEqual([]);

    // The same passes again: nothing new is queued and nothing is sent twice.
    const rows = await app.db.prisma.outboxMessage.count();
    await tick();
    await tick();
    expect(teams.activities.length).toBe(mark + delivered.length);
    expect(await app.db.prisma.outboxMessage.count()).toBe(rows);
  });

  it('delivered every message it queued, none dead or undeliverable, within Teams’ limits (replies to the setup’s messages included)', async () => {
    expect(teams.violations).toEqual([]);
    expect(await app.db.prisma.outboxMessage.findMany({ where: { status: { not: 'SENT' } }, select: { event: true, recipient: true, status: true, lastError: true } })).toEqual([]);
  });
});
