import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { DEMO } from '../../prisma/demoData';
import { hashConsentToken, newConsentToken } from '../../services/consent/token';
import { findCaller } from '../../services/directory/callers';
import { undeliveredMessages } from '../../services/outbox/undelivered';
import { messageActivity, postActivity } from '../support/activities';
import { CaptureConnector } from '../support/captureConnector';
import { createDemoDatabase } from '../support/testDatabase';

const logger = pino({ level: 'silent' });

/** One message partner B's admin sends: typed text or a card button's data. */
type Say = string | Record<string, unknown>;

/** Messages sent one after the other in a conversation of their own; `knows`: what B's own input lets it be shown. */
type Script = Say[] | { says: Say[]; knows: string[] };

/** What B said in one turn (and what it knows from it), and every reply. */
interface Turn {
  said: string;
  replies: Record<string, unknown>[];
}

/**
 * Strict partner isolation (issue 6): partner B's Incentives admin replays every command and card
 * action of the product, through the real HTTP endpoint, with partner A's claim ids, customer ids,
 * engagement names and ids, user emails and a live consent token of A's. B must read nothing of A's
 * (no A claim id, customer, contact, user or location in any reply, beyond what B typed itself) and
 * change nothing (every table that holds claims, consents, referrals, roles, audit, outbox and known
 * customers is the same before and after).
 */
describe('partner isolation: partner B replays everything with partner A’s ids', () => {
  let app: RunningApp;
  let dataDir: string;
  const connector = new CaptureConnector();
  let serviceUrl: string;
  let aToken: string;
  let secrets: string[];
  let conversations = 0;

  beforeAll(async () => {
    serviceUrl = await connector.start();
    dataDir = await mkdtemp(path.join(tmpdir(), 'mci-isolation-'));
    app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, SCHEDULER_INTERVAL_SECONDS: '3600' }), {
      logger,
      db: await createDemoDatabase(),
      host: '127.0.0.1',
    });
    // Settle the scheduler's first pass so that only B's messages could change anything afterwards.
    expect((await fetch(`${app.url}/api/dev/tick`, { method: 'POST' })).status).toBe(200);
    // A live consent link of partner A's: the token the customer of A's claim got by email.
    aToken = newConsentToken();
    await app.db.prisma.consentRequest.update({
      where: { claimId: DEMO.claims.tailspinMigrateConsentRequested },
      data: { tokenHash: hashConsentToken(app.config.consentTokenSecret, aToken) },
    });
    // A message of A's that could not be delivered: only A's admins may see it.
    await app.db.prisma.outboxMessage.create({
      data: {
        id: 'isolation-dead-letter',
        dedupeKey: 'isolation-dead-letter',
        channel: 'EMAIL',
        event: 'consent.requested',
        claimId: DEMO.claims.tailspinMigrateConsentRequested,
        partnerId: DEMO.partnerA,
        recipient: 'grady.archie@tailspintoys.com',
        payload: {},
        status: 'DEAD',
        attempts: 5,
        lastError: 'mailbox unavailable',
      },
    });
    // Messages of A's that could not be delivered, to A's user and to A's customer: what `undelivered` lists for A's admins.
    const aContact = (await app.db.prisma.claim.findUniqueOrThrow({ where: { id: DEMO.claims.tailspinMigrateConsentRequested } })).customerContactEmail;
    for (const [channel, recipient] of [['TEAMS', DEMO.users.userA], ['EMAIL', aContact]] as const) {
      await app.db.prisma.outboxMessage.create({
        data: {
          id: `isolation-dead-${channel}`,
          dedupeKey: `isolation-dead-${channel}`,
          channel,
          event: 'consent.accepted',
          recipient,
          claimId: DEMO.claims.tailspinMigrateConsentRequested,
          partnerId: DEMO.partnerA,
          payload: {},
          status: channel === 'TEAMS' ? 'UNDELIVERABLE' : 'DEAD',
          attempts: 8,
          lastError: 'HTTP 500',
        },
      });
    }
    const aDead = await undeliveredMessages(app.db, await findCaller(app.db.prisma, DEMO.users.adminA));
    expect(aDead.rows.map((row) => row.to)).toEqual(expect.arrayContaining([aContact, expect.stringContaining('alex.wilber@fabrikamconsulting.com')]));
    secrets = await partnerASecrets(app);
  }, 60_000);

  afterAll(async () => {
    await app.stop();
    await connector.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Everything of partner A's that partner B must never be shown: ids, names and emails only A's data holds. */
  async function partnerASecrets(running: RunningApp): Promise<string[]> {
    const prisma = running.db.prisma;
    const claims = await prisma.claim.findMany({ include: { customer: { select: { name: true } } } });
    const known = await prisma.knownCustomer.findMany();
    const ofB = new Set<string>();
    for (const c of claims.filter((claim) => claim.partnerId === DEMO.partnerB)) ofB.add(c.customer.name).add(c.friendlyName).add(c.customerContactName).add(c.customerContactEmail);
    for (const k of known.filter((row) => row.partnerId === DEMO.partnerB)) ofB.add(k.name);
    const ofA = new Set<string>();
    for (const c of claims.filter((claim) => claim.partnerId === DEMO.partnerA)) {
      ofA.add(c.id).add(c.customer.name).add(c.friendlyName).add(c.customerContactName).add(c.customerContactEmail).add(c.partnerContactEmail);
    }
    for (const k of known.filter((row) => row.partnerId === DEMO.partnerA)) ofA.add(k.name);
    const users = await prisma.partnerUser.findMany({ where: { partnerId: DEMO.partnerA } });
    for (const u of users) ofA.add(u.email).add(u.displayName);
    const locations = await prisma.location.findMany({ where: { partnerId: DEMO.partnerA } });
    for (const l of locations) ofA.add(l.name);
    const partnerA = await prisma.partner.findUniqueOrThrow({ where: { id: DEMO.partnerA } });
    ofA.add(partnerA.name);
    return [...ofA].filter((s) => s.length >= 4 && !ofB.has(s));
  }

  /** The rows an action of B's could change. */
  async function snapshot() {
    const prisma = app.db.prisma;
    return {
      claims: await prisma.claim.findMany({ orderBy: { id: 'asc' } }),
      consents: await prisma.consentRequest.findMany({ orderBy: { claimId: 'asc' } }),
      referrals: await prisma.referral.findMany({ orderBy: { id: 'asc' } }),
      roles: await prisma.userRole.findMany({ orderBy: [{ userId: 'asc' }, { role: 'asc' }] }),
      audit: await prisma.auditEvent.findMany({ orderBy: { id: 'asc' } }),
      outbox: await prisma.outboxMessage.findMany({ orderBy: { id: 'asc' } }),
      known: await prisma.knownCustomer.findMany({ orderBy: [{ partnerId: 'asc' }, { customerId: 'asc' }] }),
      partnerAUsers: await prisma.partnerUser.findMany({ where: { partnerId: DEMO.partnerA }, orderBy: { id: 'asc' } }),
      customers: await prisma.customer.count(),
      identifiers: await prisma.customerIdentifier.count(),
    };
  }

  /** Sends B's messages one after the other in one new conversation; returns every reply with what was said. */
  async function replay(script: Script): Promise<Turn[]> {
    const { says, knows } = Array.isArray(script) ? { says: script, knows: [] } : script;
    conversations += 1;
    const conversationId = `isolation-${conversations}`;
    const turns: Turn[] = [];
    for (const say of says) {
      const before = connector.activities.length;
      const activity = messageActivity({
        serviceUrl,
        aadObjectId: DEMO.users.adminB,
        conversationId,
        ...(typeof say === 'string' ? { text: say } : { value: say }),
      });
      const res = await postActivity(app.url, activity);
      expect(res.status).toBe(200);
      await connector.waitFor(before + 1);
      const replies = connector.activities.slice(before).filter((a) => a.conversationId === conversationId).map((a) => a.body);
      turns.push({ said: [typeof say === 'string' ? say : JSON.stringify(say), ...knows].join(' '), replies });
    }
    return turns;
  }

  /** B sees nothing of A's it did not type itself in that turn. */
  function expectNothingOfA(turns: Turn[]): void {
    for (const turn of turns) {
      const shown = JSON.stringify(turn.replies).toLowerCase();
      const said = turn.said.toLowerCase();
      const leaked = secrets.filter((secret) => !said.includes(secret.toLowerCase()) && shown.includes(secret.toLowerCase()));
      expect({ said: turn.said, leaked }).toEqual({ said: turn.said, leaked: [] });
    }
  }

  const aClaims = Object.values(DEMO.claims).filter((id) => id !== DEMO.claims.contosoCopilotPartnerB);
  /** A claim of A's in each status: every flow is tried on each. */
  const oneClaimPerStatus = [
    DEMO.claims.prosewareInnovateAdded,
    DEMO.claims.contosoDataAiClaimed,
    DEMO.claims.tailspinMigrateConsentRequested,
    DEMO.claims.northwindCopilotConsentGranted,
    DEMO.claims.litwareSecuritySubmitted,
    DEMO.claims.wideWorldDataAiRejected,
    DEMO.claims.contosoMigrateCompleted,
    DEMO.claims.northwindMigrateRejectedFinal,
    DEMO.claims.alpineMigrateExpired,
    DEMO.claims.contosoCopilotCanceled,
    DEMO.claims.fourthCoffeeCopilotDeclined,
  ];
  const aCustomers = [DEMO.customers.tailspin, DEMO.customers.northwind, DEMO.customers.contoso, DEMO.customers.woodgrove, DEMO.customers.litware];
  const engagementIds = Object.values(DEMO.engagements);
  const aEmails = ['adele.vance@fabrikamconsulting.com', 'alex.wilber@fabrikamconsulting.com', 'lee.gu@fabrikamconsulting.com'];

  it('reads nothing of A’s and changes nothing, whatever B types or whichever card B forges', async () => {
    const before = await snapshot();
    const scripts: Script[] = [
      // Lists and pages: B's own organisation only, whatever filter names A's engagements.
      ['help'],
      [{ action: 'help' }],
      [{ action: 'cancel' }],
      ['engagements'],
      [{ action: 'engagements' }],
      [{ action: 'customers', engagement: 'azure migrate' }],
      ['users'],
      ['my claims'],
      ['expiring'],
      ['summary'],
      ['claims'],
      ['my claims azure migrate'],
      ['expiring status consent requested'],
      ['summary copilot'],
      ['undelivered'],
      [{ action: 'undelivered' }],
      ['undelivered'],
      [{ action: 'undelivered' }],
      [{ action: 'undelivered', cursor: Buffer.from(JSON.stringify({ c: new Date(Date.now() + 86_400_000).toISOString(), i: 'z' }), 'utf8').toString('base64url') }],
      ...[
        'customers azure migrate',
        'customers copilot',
        'customers security',
        'customers data ai',
        'customers business central',
        'customers azure innovate',
        'customers cloud migration assessment',
        'customers',
      ].map((line) => [line]),
      // Every claim flow and the status, by text and by button, on every claim of A's.
      ...aClaims.flatMap((claimId): Script[] => [[`status ${claimId}`], [{ action: 'viewClaim', claimId }]]),
      ...oneClaimPerStatus.flatMap((claimId): Script[] => [
        [`send consent ${claimId}`, 'cancel'],
        [`resend consent ${claimId}`, 'cancel'],
        [`submit claim ${claimId}`, 'cancel'],
        [`cancel claim ${claimId}`, 'cancel'],
        [{ action: 'sendConsent', claimId }, 'cancel'],
        [{ action: 'resendConsent', claimId }, 'cancel'],
        [{ action: 'submitClaim', claimId }, 'cancel'],
        [{ action: 'cancelClaim', claimId }, 'cancel'],
      ]),
      // A flow started without an id, then answered with A's claim id.
      ['send consent', DEMO.claims.woodgroveBusinessCentralClaimed, 'cancel'],
      ['submit claim', DEMO.claims.northwindCopilotConsentGranted, 'cancel'],
      ['resend consent', DEMO.claims.tailspinMigrateConsentRequested, 'cancel'],
      ['cancel claim', DEMO.claims.lamnaSecurityClaimed, 'cancel'],
      // Confirm buttons of A's flows, clicked with no flow of B's running.
      [{ action: 'confirmAddCustomer' }, 'cancel'],
      [{ action: 'confirmClaimCustomer' }, 'cancel'],
      [{ action: 'confirmSendConsent' }, 'cancel'],
      [{ action: 'confirmResendConsent' }, 'cancel'],
      [{ action: 'confirmSubmitClaim' }, 'cancel'],
      [{ action: 'confirmCancelClaim' }, 'cancel'],
      // Customers pages and rows of A's engagements and customers.
      ...engagementIds.flatMap((engagementId): Script[] => [
        [{ action: 'showTab', engagementId, tab: 'eligible' }],
        [{ action: 'showTab', engagementId, tab: 'ineligible' }],
        [{ action: 'showTab', engagementId, tab: 'complete' }],
        [{ action: 'addCustomer', engagementId }, 'cancel'],
        [{ action: 'myClaims', engagementId }],
        [{ action: 'expiring', engagementId }],
        [{ action: 'summary', engagementId }],
        [{ action: 'claims', engagementId }],
        ...aCustomers.map((customerId): Say[] => [{ action: 'claimCustomer', customerId, engagementId }, 'cancel']),
      ]),
      ...aCustomers.map((customerId): Say[] => [{ action: 'claimCustomer', customerId }, 'cancel']),
      // Shortcuts naming A's customers.
      ['claim Tailspin Toys for azure migrate', 'cancel'],
      ['claim Tailspin Toys for security', 'cancel'],
      ['claim Northwind Traders for security', 'cancel'],
      ['claim customer', 'Tailspin Toys', 'cancel'],
      // Inside B's own flows, A's customer or A's location given as the answer.
      ['claim customer', { action: 'chooseCustomer', customerId: DEMO.customers.tailspin }, 'cancel'],
      ['claim customer', { action: 'chooseCustomer', customerId: DEMO.customers.graphicDesign }, { action: 'chooseLocation', locationId: DEMO.locations.seattle }, 'cancel'],
      ['add customer', { action: 'chooseLocation', locationId: DEMO.locations.seattle }, { action: 'chooseLocation', locationId: DEMO.locations.toronto }, 'cancel'],
      // Steps of flows, clicked with no flow running.
      ...['chooseLocation', 'chooseCustomer', 'submitDetails', 'submitConsentContacts', 'enterDealSize', 'submitProof', 'giveCancelReason', 'coSellReferrals'].map(
        (action): Script => [{ action, claimId: DEMO.claims.tailspinMigrateConsentRequested, customerId: DEMO.customers.tailspin, locationId: DEMO.locations.seattle, reason: 'x' }, 'cancel'],
      ),
      // Adding a customer A already has: the customer is new to B, so B's flow goes on. The directory
      // names the customer B gave a domain of (Microsoft's data), but nothing of A's claims or contacts.
      { says: ['add tailspintoys.com to security', 'cancel'], knows: ['Tailspin Toys'] },
      { says: ['add northwindtraders.com to data ai', 'cancel'], knows: ['Northwind Traders'] },
      // Roles: A's users, by command and by button.
      ...aEmails.flatMap((email): Script[] => [
        [`grant incentives admin to ${email}`],
        [`revoke incentives admin from ${email}`],
        [{ action: 'grantRole', email, role: 'INCENTIVES_USER' }],
        [{ action: 'revokeRole', email, role: 'INCENTIVES_ADMIN' }],
        [{ action: 'confirmRevokeRole', email, role: 'INCENTIVES_ADMIN' }],
      ]),
      [{ action: 'users', cursor: Buffer.from(JSON.stringify({ t: 'U', k: 'a' }), 'utf8').toString('base64url') }],
      // A's consent token, typed where a claim id goes.
      [`status ${aToken}`],
      [{ action: 'viewClaim', claimId: aToken }],
      [{ action: 'sendConsent', claimId: aToken }, 'cancel'],
    ];
    const turns = [];
    for (const script of scripts) turns.push(...(await replay(script)));
    expect(turns.length).toBeGreaterThan(250);
    // Not a vacuous pass: B's own claim shows up in B's lists.
    expect(JSON.stringify(turns)).toContain(DEMO.claims.contosoCopilotPartnerB);
    // …and A's admin does see the undelivered message B was not shown.
    const sent = connector.activities.length;
    await postActivity(app.url, messageActivity({ serviceUrl, aadObjectId: DEMO.users.adminA, conversationId: 'isolation-a', text: 'undelivered' }));
    await connector.waitFor(sent + 1);
    expect(JSON.stringify(connector.activities.slice(sent))).toContain('grady.archie@tailspintoys.com');
    expectNothingOfA(turns);
    expect(await snapshot()).toEqual(before);
  }, 600_000);

  it('lets A’s consent token touch only its own claim, whatever else the form names', async () => {
    const claimId = DEMO.claims.tailspinMigrateConsentRequested;
    const before = await snapshot();
    const page = await fetch(`${app.url}/consent/${aToken}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const res = await fetch(`${app.url}/consent/${aToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url },
      body: new URLSearchParams({ answer: 'decline', csrf, claimId: DEMO.claims.contosoCopilotPartnerB, partnerId: DEMO.partnerB }).toString(),
    });
    expect(res.status).toBe(200);
    const after = await snapshot();
    const changed = <T>(rows: T[], was: T[], key: (row: T) => string) => rows.filter((row, i) => JSON.stringify(row) !== JSON.stringify(was[i])).map(key);
    expect(changed(after.claims, before.claims, (row) => row.id)).toEqual([claimId]);
    expect(changed(after.consents, before.consents, (row) => row.claimId)).toEqual([claimId]);
    const added = <T extends { id: string }>(rows: T[], was: T[]) => rows.filter((row) => !was.some((old) => old.id === row.id));
    const newAudit = added(after.audit, before.audit);
    expect(newAudit.length).toBeGreaterThan(0);
    for (const row of newAudit) expect(row).toMatchObject({ claimId, partnerId: DEMO.partnerA });
    const newOutbox = added(after.outbox, before.outbox);
    expect(newOutbox.length).toBeGreaterThan(0);
    for (const row of newOutbox) expect(row).toMatchObject({ claimId, partnerId: DEMO.partnerA });
    expect(after.referrals).toEqual(before.referrals);
    expect(after.roles).toEqual(before.roles);
    expect(after.known).toEqual(before.known);
    const bClaim = await app.db.prisma.claim.findUniqueOrThrow({ where: { id: DEMO.claims.contosoCopilotPartnerB } });
    expect((before.claims as { id: string }[]).find((c) => c.id === bClaim.id)).toEqual(bClaim);
  });
});
