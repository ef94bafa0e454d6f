import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { DEMO } from '../../prisma/demoData';
import { answerConsent, requestConsent, type ConsentSettings } from '../../services/consent/consent';
import { ConsentEmailPayloadSchema } from '../../services/consent/email';
import { findCaller } from '../../services/directory/callers';
import { REFERRAL_EVENTS } from '../../services/referrals/referrals';
import { cardOf, messageActivity, postActivity } from '../support/activities';
import { TeamsCaptureConnector, type TeamsActivity } from '../support/teamsConnector';

const logger = pino({ level: 'silent' });
const CLAIM = DEMO.claims.contosoDataAiClaimed;
const CONVERSATIONS = { creator: 'a:conv-user-a', admin: 'a:conv-admin-a', seller: 'a:conv-seller' } as const;

type CardAction = { type?: string; title?: string; url?: string; data?: { action?: string; claimId?: string } };

function actionsOf(activity: TeamsActivity | undefined): CardAction[] {
  return (cardOf(activity?.body ?? {})?.actions as CardAction[] | undefined) ?? [];
}

/** The claim a captured proactive card is about (the claim id its buttons carry), if any. */
function claimOf(activity: TeamsActivity): string | undefined {
  return actionsOf(activity).find((action) => action.data?.claimId)?.data?.claimId;
}

/** The Partner Center link a test deployment configures: its pattern carries the referral's Partner Center id. */
const REFERRALS_URL = 'https://partner.example/referrals/{referralId}';

describe('proactive notifications through the real server in local mode', () => {
  let app: RunningApp;
  let dataDir: string;
  let teams: TeamsCaptureConnector;
  let serviceUrl: string;
  let settings: ConsentSettings;

  async function start(): Promise<RunningApp> {
    return startApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, SCHEDULER_INTERVAL_SECONDS: '3600', PARTNER_CENTER_REFERRALS_URL: REFERRALS_URL }), { logger, host: '127.0.0.1' });
  }

  async function tick(): Promise<void> {
    expect((await fetch(`${app.url}/api/dev/tick`, { method: 'POST' })).status).toBe(200);
  }

  function cardsAbout(conversationId: string): string[] {
    return activitiesAbout(conversationId).map((activity) => JSON.stringify(cardOf(activity.body)));
  }

  function activitiesAbout(conversationId: string): TeamsActivity[] {
    return teams.to(conversationId).filter((activity) => claimOf(activity) === CLAIM);
  }

  /** What the bot answers when this person clicks one of a card's buttons. */
  async function click(conversationId: string, aadObjectId: string, action: CardAction | undefined): Promise<string> {
    expect(action?.data).toBeDefined();
    const before = teams.to(conversationId).length;
    const res = await postActivity(app.url, messageActivity({ serviceUrl, aadObjectId, conversationId, value: action?.data ?? {} }));
    expect(res.status).toBeLessThan(300);
    return JSON.stringify(teams.to(conversationId).slice(before).map((activity) => [activity.body.text, cardOf(activity.body)]));
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'mci-notify-e2e-'));
    teams = new TeamsCaptureConnector();
    serviceUrl = await teams.start();
    app = await start();
    settings = { tokenSecret: app.config.consentTokenSecret, publicBaseUrl: app.config.publicBaseUrl };
    // The demo's claimed Contoso claim, on an engagement with referrals enabled from 10,000 USD; the demo seller covers Contoso's TPID.
    const claim = await app.db.prisma.claim.findUniqueOrThrow({ where: { id: CLAIM } });
    await app.db.prisma.engagement.update({ where: { id: claim.engagementId }, data: { referralsEnabled: true, referralMinDealSizeUsd: 10_000 } });
    for (const [conversationId, aadObjectId] of [
      [CONVERSATIONS.creator, DEMO.users.userA],
      [CONVERSATIONS.admin, DEMO.users.adminA],
      [CONVERSATIONS.seller, DEMO.seller],
    ] as const) {
      expect((await postActivity(app.url, messageActivity({ serviceUrl, aadObjectId, conversationId, text: 'help' }))).status).toBeLessThan(300);
    }
  }, 120_000);

  afterAll(async () => {
    await app.stop();
    await teams.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores the personal conversation of everyone who talks to the bot', async () => {
    const rows = await app.db.prisma.conversationReference.findMany({ where: { conversationId: { in: Object.values(CONVERSATIONS) } } });
    expect(rows.map((row) => [row.aadObjectId, row.kind, row.active]).sort()).toEqual(
      [
        [DEMO.users.adminA, 'PERSONAL', true],
        [DEMO.seller, 'PERSONAL', true],
        [DEMO.users.userA, 'PERSONAL', true],
      ].sort(),
    );
  });

  it('tells the creator and the Referrals admin once each that a referral was created, even across a restart between the write and the delivery', async () => {
    await requestConsent(app.db, app.clock, settings, await findCaller(app.db.prisma, DEMO.users.userA), { claimId: CLAIM, estimatedDealSizeUsd: 35_000, disclaimerAccepted: true });
    expect(await app.db.prisma.referral.findUniqueOrThrow({ where: { claimId: CLAIM } })).toMatchObject({ dealType: 'PARTNER_LED', status: 'NEW' });
    await app.stop();
    app = await start();
    await tick();
    await tick();
    const created = cardsAbout(CONVERSATIONS.creator);
    expect(created).toHaveLength(1);
    expect(created[0]).toContain('partner-led referral');
    expect(created[0]).toContain('Contoso');
    // The referral by its readable id, never a GUID; the creator is told the Referrals admins were told, and gets no Partner Center link.
    const referralId = `REF-${CLAIM.slice(4)}`;
    expect(created[0]).toContain(referralId);
    expect(created[0]).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/);
    expect(created[0]).toContain('Your Referrals admins were told');
    expect(created[0]).not.toContain('Partner Center](');
    // The Referrals admin (the demo admin) is told too, with Partner Center's workspace while the referral has no Partner Center id.
    const admin = activitiesAbout(CONVERSATIONS.admin);
    expect(admin).toHaveLength(1);
    const adminCard = JSON.stringify(cardOf(admin[0]?.body ?? {}));
    expect(adminCard).toContain(referralId);
    expect(adminCard).toContain('[Open the referral in Partner Center](https://partner.microsoft.com/dashboard/referrals/v2/leads)');
    expect(cardsAbout(CONVERSATIONS.seller)).toHaveLength(0);
  }, 120_000);

  it('on acceptance tells the creator twice (accepted, upgraded), the Referrals admin once and the covering seller once, through a 429', async () => {
    // Partner Center has given the referral its id (the push a production deployment makes).
    await app.db.prisma.referral.update({ where: { claimId: CLAIM }, data: { externalId: 'pc-777' } });
    const email = await app.db.prisma.outboxMessage.findFirstOrThrow({ where: { claimId: CLAIM, channel: 'EMAIL' } });
    const token = ConsentEmailPayloadSchema.parse(email.payload).actionUrl.split('/consent/')[1] ?? '';
    const throttled = { status: 429, retryAfterSeconds: 1 };
    teams.script(CONVERSATIONS.seller, throttled, throttled, throttled, throttled, throttled, throttled);
    expect(await answerConsent(app.db, app.clock, settings, { token, answer: 'ACCEPTED' })).toMatchObject({ ok: true });
    await tick();
    teams.clearScript(CONVERSATIONS.seller);
    expect(cardsAbout(CONVERSATIONS.seller)).toHaveLength(0);
    const waiting = await app.db.prisma.outboxMessage.findFirstOrThrow({ where: { claimId: CLAIM, event: REFERRAL_EVENTS.coSellAvailable } });
    expect(waiting).toMatchObject({ status: 'PENDING', recipient: DEMO.seller });
    expect((await fetch(`${app.url}/api/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceDays: 1 }) })).status).toBe(200);
    await tick();
    await tick();
    const creator = cardsAbout(CONVERSATIONS.creator);
    expect(creator).toHaveLength(3);
    expect(creator.filter((card) => card.includes('accepted consent'))).toHaveLength(1);
    expect(creator.filter((card) => card.includes('upgraded to co-sell'))).toHaveLength(1);
    const seller = cardsAbout(CONVERSATIONS.seller);
    expect(seller).toHaveLength(1);
    expect(seller[0]).toContain('co-sell');
    const admin = activitiesAbout(CONVERSATIONS.admin);
    expect(admin).toHaveLength(2);
    const upgraded = admin.find((activity) => JSON.stringify(cardOf(activity.body)).includes('upgraded to co-sell'));
    expect(JSON.stringify(cardOf(upgraded?.body ?? {}))).toContain('[Open the referral in Partner Center](https://partner.example/referrals/pc-777)');
    expect(teams.violations).toEqual([]);
    const rows = await app.db.prisma.outboxMessage.findMany({ where: { claimId: CLAIM, channel: 'TEAMS' } });
    expect(rows.every((row) => row.status === 'SENT')).toBe(true);
  }, 120_000);

  it('offers the creator Submit claim on the consent-accepted card, and the click starts the submission', async () => {
    const accepted = activitiesAbout(CONVERSATIONS.creator).find((activity) => JSON.stringify(cardOf(activity.body)).includes('accepted consent'));
    const actions = actionsOf(accepted);
    expect(actions.map((action) => action.title)).toEqual(['Submit claim', 'View claim']);
    const answer = await click(CONVERSATIONS.creator, DEMO.users.userA, actions[0]);
    expect(answer).toContain(`Submit claim: `);
    expect(answer).toContain(CLAIM);
    expect(answer).not.toContain('That button');
    await click(CONVERSATIONS.creator, DEMO.users.userA, { data: { action: 'cancel' } });
  });

  it('offers the seller the co-sell referral, which their click opens — not a partner command', async () => {
    const card = activitiesAbout(CONVERSATIONS.seller)[0];
    const actions = actionsOf(card);
    expect(actions.map((action) => [action.title, action.data?.action])).toEqual([['View co-sell referral', 'coSellReferrals']]);
    const answer = await click(CONVERSATIONS.seller, DEMO.seller, actions[0]);
    expect(answer).toContain('Co-sell referral: Contoso');
    expect(answer).not.toContain('That command is for partner staff');
  });

  it('shows the covering seller who messages the bot the co-sell referral, read-only, with the partner contact', async () => {
    const claim = await app.db.prisma.claim.findUniqueOrThrow({ where: { id: CLAIM }, include: { customer: true } });
    const before = teams.to(CONVERSATIONS.seller).length;
    expect((await postActivity(app.url, messageActivity({ serviceUrl, aadObjectId: DEMO.seller, conversationId: CONVERSATIONS.seller, text: 'referrals' }))).status).toBeLessThan(300);
    const reply = teams.to(CONVERSATIONS.seller).slice(before);
    expect(reply).toHaveLength(1);
    const card = JSON.stringify(cardOf(reply[0]?.body ?? {}));
    expect(card).toContain('Co-sell referrals for customers you cover');
    expect(card).toContain(claim.customer.name);
    expect(card).toContain(claim.partnerContactEmail);
    expect(card).toContain(CLAIM);
    expect(card).not.toContain('35000');
  });

  it('records the referral pushes in the outbox, with nothing to push in local mode', async () => {
    const pushes = await app.db.prisma.outboxMessage.findMany({ where: { channel: 'REFERRALS', payload: { path: ['claimId'], equals: CLAIM } } });
    expect(pushes.map((row) => [row.event, row.status]).sort()).toEqual([
      ['referral.sync.create', 'SENT'],
      ['referral.sync.upgrade', 'SENT'],
    ]);
  });

  it('marks the conversation inactive when the bot is uninstalled', async () => {
    const remove = { ...messageActivity({ serviceUrl, aadObjectId: DEMO.users.adminA, conversationId: CONVERSATIONS.admin }), type: 'installationUpdate', action: 'remove' };
    expect((await postActivity(app.url, remove)).status).toBeLessThan(300);
    expect(await app.db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId: CONVERSATIONS.admin } })).toMatchObject({ active: false });
  });
});
