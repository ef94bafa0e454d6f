import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DEMO, DEMO_CUSTOMERS } from '../../prisma/demoData';
import { openDatabase } from '../../services/db/database';
import { CONSENT_EVENTS } from '../../services/consent/email';
import { cardOf, messageActivity, postActivity } from '../support/activities';
import { submitActions } from '../support/cardActions';
import { CaptureConnector } from '../support/captureConnector';
import { freePort, startBot, waitForHealth, type BotProcess } from '../support/botProcess';

const ROUNDS = 6;
/** The whole test stops starting rounds after this, whatever ROUNDS says. */
const BUDGET_MS = 60_000;

/**
 * The real process on one data folder, killed with SIGKILL at a random moment of a burst of turns
 * that add customers and send consent, then started again on the same folder, round after round.
 * What the connector was told was done must be in the database; nothing is delivered twice.
 */
describe('the embedded PostgreSQL survives SIGKILL', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mci-durability-'));
  const connector = new CaptureConnector();
  let serviceUrl = '';
  let bot: BotProcess | null = null;

  beforeAll(async () => {
    serviceUrl = await connector.start();
  });
  afterAll(async () => {
    bot?.killGroup();
    await connector.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Claims the connector was told were added, and those whose consent email it was told was sent. */
  const added = new Set<string>();
  const consentSent = new Set<string>();
  const domains = DEMO_CUSTOMERS.filter((c) => !c.outsideDirectory).flatMap((c) => c.domains);

  /** Turns completed in the current round; the kill is timed in turns, so that a slow machine still makes progress. */
  let turns = 0;

  async function say(url: string, conversationId: string, message: { text?: string; value?: Record<string, unknown> }): Promise<Record<string, unknown>[]> {
    const activity = messageActivity({ serviceUrl, conversationId, aadObjectId: DEMO.users.adminA, ...message });
    const res = await postActivity(url, activity);
    if (res.status !== 200) throw new Error(`turn answered ${res.status}`);
    turns += 1;
    // The request answers once the turn has completed, replies included.
    return connector.activities.filter((a) => a.body.replyToId === activity.id).map((a) => a.body);
  }

  const cards = (replies: Record<string, unknown>[]) => replies.flatMap((r) => (cardOf(r) ? [cardOf(r) as Record<string, unknown>] : []));
  const text = (replies: Record<string, unknown>[]) => JSON.stringify(replies);
  const button = (replies: Record<string, unknown>[], action: string) =>
    cards(replies)
      .flatMap((card) => submitActions(card))
      .find((a) => a.data.action === action)?.data;

  /** One customer added to the Security engagement and its consent email sent; stops at the first reply that is not the happy path. */
  async function addAndSendConsent(url: string, domain: string): Promise<void> {
    const conversation = `durability-${randomUUID()}`;
    const first = await say(url, conversation, { text: `add ${domain} to Security` });
    const detailsCard = cards(first).at(-1);
    if (!detailsCard || !button(first, 'submitDetails')) return;
    const values: Record<string, unknown> = { action: 'submitDetails' };
    for (const element of (detailsCard.body as Record<string, unknown>[]) ?? []) {
      if (typeof element.id === 'string') values[element.id] = element.value ?? '';
    }
    const contact = DEMO_CUSTOMERS.find((c) => c.domains.includes(domain))?.contact;
    const details = await say(url, conversation, { value: { ...values, customerName: contact?.name ?? 'Pat Doe', customerEmail: contact?.email ?? `pat@${domain}` } });
    const confirm = button(details, 'confirmAddCustomer');
    if (!confirm) return;
    const done = await say(url, conversation, { value: confirm });
    const send = button(done, 'sendConsent');
    if (!text(done).includes('Customer added') || !send?.claimId) return;
    added.add(send.claimId);

    const contacts = await say(url, conversation, { value: send });
    const contactsCard = cards(contacts).at(-1);
    if (!contactsCard) return;
    const contactValues: Record<string, unknown> = { action: 'submitConsentContacts' };
    for (const element of (contactsCard.body as Record<string, unknown>[]) ?? []) {
      if (typeof element.id === 'string') contactValues[element.id] = element.value ?? '';
    }
    await say(url, conversation, { value: contactValues });
    const review = await say(url, conversation, { value: { action: 'enterDealSize', dealSize: '50,000' } });
    const confirmSend = button(review, 'confirmSendConsent');
    if (!confirmSend) return;
    const sent = await say(url, conversation, { value: { ...confirmSend, disclaimerAccepted: 'true' } });
    if (text(sent).includes('Consent email sent')) consentSent.add(send.claimId);
  }

  function postmasterPid(): number | null {
    const file = path.join(dataDir, 'pg', 'postmaster.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : null;
  }

  async function startHealthy(): Promise<{ process: BotProcess; url: string }> {
    const port = await freePort();
    const process = startBot({ PORT: String(port), DATA_DIR: dataDir, SCHEDULER_INTERVAL_SECONDS: '1' });
    bot = process;
    const url = `http://127.0.0.1:${port}`;
    const health = await Promise.race([
      waitForHealth(url, 90_000),
      process.exited.then((code) => Promise.reject(new Error(`the bot exited (${code}): ${process.output()}`))),
    ]);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'up', kind: 'embedded' });
    return { process, url };
  }

  it('keeps every claim the connector was told of, and delivers nothing twice, over rounds of SIGKILL and restart', async () => {
    const started = Date.now();
    let next = 0;
    let rounds = 0;
    for (let round = 0; round < ROUNDS && Date.now() - started < BUDGET_MS && next < domains.length; round++) {
      rounds++;
      const { process, url } = await startHealthy();
      // A random moment: after 3 to 24 completed turns (an add takes three), then 0–150 ms into the next one.
      turns = 0;
      const killAfterTurns = 3 + Math.floor(Math.random() * 22);
      const roundEnds = Date.now() + 60_000;
      const killed = (async () => {
        while (turns < killAfterTurns && Date.now() < roundEnds && next < domains.length) await new Promise((resolve) => setTimeout(resolve, 5));
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 150)));
        process.killGroup();
        // Every other round the server goes down with the bot, as in a power cut; otherwise it is left running.
        const postmaster = postmasterPid();
        if (round % 2 === 1 && postmaster) {
          try {
            global.process.kill(postmaster, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      })();
      const burst = (async () => {
        while (next < domains.length) {
          const domain = domains[next++];
          if (domain) await addAndSendConsent(url, domain);
        }
      })().catch(() => undefined);
      await killed;
      await burst;
      await process.exited;
    }

    // One last start: healthy, the outbox drained, a clean stop. A row a killed process had taken
    // is leased for two minutes; the local test clock moves past the lease instead of waiting.
    const last = await startHealthy();
    const dev = (route: string, body: unknown) =>
      fetch(`${last.url}/api/dev/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await dev('clock', { advanceDays: 1 })).status).toBe(200);
    expect((await dev('tick', {})).status).toBe(200);
    expect((await dev('tick', {})).status).toBe(200);
    last.process.child.kill('SIGTERM');
    expect(await last.process.exited).toBe(0);
    bot = null;

    expect(rounds).toBeGreaterThan(1);
    expect(added.size).toBeGreaterThan(0);
    const db = await openDatabase({ kind: 'embedded', dataDir, purpose: 'the durability test' });
    try {
      const claims = await db.prisma.claim.findMany({ where: { id: { in: [...added] } }, select: { id: true, status: true } });
      expect(claims.map((c) => c.id).sort()).toEqual([...added].sort());
      for (const claim of claims) {
        if (consentSent.has(claim.id)) expect(claim.status).not.toBe('ADDED');
      }
      // A turn cut short and tried again must not have created a second claim or a second email.
      const perCustomer = await db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "Claim" WHERE "partnerId" = $1 GROUP BY "customerId", "engagementId" HAVING count(*) > 1`,
        [DEMO.partnerA],
      );
      expect(perCustomer).toEqual([]);
      const emails = await db.prisma.outboxMessage.findMany({ where: { channel: 'EMAIL', event: CONSENT_EVENTS.requested, claimId: { in: [...consentSent] } } });
      expect(new Set(emails.map((e) => e.claimId)).size).toBe(emails.length);
      expect(emails.length).toBe(consentSent.size);
      for (const email of emails) {
        expect(email.status).toBe('SENT');
        expect(existsSync(path.join(dataDir, 'mail', `${email.id}.eml`))).toBe(true);
      }
      // One file per email sent: a retry after a crash replaced its file rather than adding one.
      const sentEmails = await db.prisma.outboxMessage.count({ where: { channel: 'EMAIL', status: 'SENT' } });
      expect(readdirSync(path.join(dataDir, 'mail')).filter((file) => file.endsWith('.eml'))).toHaveLength(sentEmails);
    } finally {
      await db.close();
    }
    // Teams: each turn's replies arrived once, and no proactive message arrived twice.
    const seen = new Set<string>();
    for (const activity of connector.activities) {
      const key = `${activity.conversationId}\n${JSON.stringify({ ...activity.body, id: undefined, timestamp: undefined, localTimestamp: undefined })}`;
      expect(seen.has(key) ? key : null).toBeNull();
      seen.add(key);
    }
  }, 240_000);
});
