import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { DEMO } from '../../prisma/demoData';
import { CONSENT_EVENTS } from '../../services/consent/email';
import { cardOf, messageActivity, postActivity } from '../support/activities';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';
import { CaptureConnector } from '../support/captureConnector';
import { readEml } from '../support/eml';
import { createDemoDatabase } from '../support/testDatabase';

const logger = pino({ level: 'silent' });

interface TurnReplies {
  text: string;
  cards: Record<string, unknown>[];
}

describe('a customer from Add customer to a completed claim, through the real server in local mode', () => {
  let app: RunningApp | undefined;
  let dataDir = '';
  const connector = new CaptureConnector();
  let serviceUrl: string;

  beforeAll(async () => {
    serviceUrl = await connector.start();
    dataDir = await mkdtemp(path.join(tmpdir(), 'mci-consent-flow-e2e-'));
    app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, SCHEDULER_INTERVAL_SECONDS: '3600' }), { logger, db: await createDemoDatabase(), host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.stop();
    await connector.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  function running(): RunningApp {
    if (!app) throw new Error('app not started');
    return app;
  }

  const conversation = 'e2e-consent-flow';
  const user = DEMO.users.adminA;

  async function say(message: { text?: string; value?: Record<string, unknown> }): Promise<TurnReplies> {
    const before = connector.activities.length;
    const res = await postActivity(running().url, messageActivity({ serviceUrl, conversationId: conversation, aadObjectId: user, ...message }));
    expect(res.status).toBe(200);
    await connector.waitFor(before + 1);
    const replies = connector.activities.slice(before).filter((a) => a.conversationId === conversation);
    const cards = replies.flatMap((r) => {
      const card = cardOf(r.body);
      return card ? [card] : [];
    });
    for (const card of cards) expect(adaptiveCardErrors(card)).toEqual([]);
    return { text: replies.map((r) => `${typeof r.body.text === 'string' ? r.body.text : ''} ${JSON.stringify(cardOf(r.body) ?? {})}`).join('\n'), cards };
  }

  function lastCard(turn: TurnReplies): Record<string, unknown> {
    const card = turn.cards[turn.cards.length - 1];
    if (!card) throw new Error(`no card in: ${turn.text}`);
    return card;
  }

  /** A card's inputs with the values it was sent with, plus the changes and the verb. */
  function filled(card: Record<string, unknown>, action: string, change: Record<string, string> = {}): Record<string, unknown> {
    const values: Record<string, unknown> = { action };
    for (const element of card.body as Record<string, unknown>[]) {
      if (typeof element.id === 'string') values[element.id] = element.value ?? '';
    }
    return { ...values, ...change };
  }

  function button(card: Record<string, unknown>, predicate: (data: Record<string, string>) => boolean): Record<string, string> {
    const data = submitActions(card).find((a) => predicate(a.data))?.data;
    if (!data) throw new Error(`no such button in ${JSON.stringify(card)}`);
    return data;
  }

  async function post(route: string, body: unknown): Promise<Response> {
    return fetch(`${running().url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  it('adds by domain, sends consent from the Eligible tab, the customer accepts by email, the claim is submitted, reviewed and on the Complete tab', async () => {
    const { db } = running();
    const first = await say({ text: 'add firstupconsultants.com to Security' });
    const details = await say({ value: filled(lastCard(first), 'submitDetails', { customerName: 'Tomas Oliveira', customerEmail: 'tomas.oliveira@firstupconsultants.com' }) });
    const added = await say({ value: button(lastCard(details), (d) => d.action === 'confirmAddCustomer') });
    expect(added.text).toContain('Customer added');
    const claim = await db.prisma.claim.findFirstOrThrow({ where: { customer: { name: 'First Up Consultants' }, partnerId: DEMO.partnerA } });
    expect(claim.status).toBe('ADDED');

    const eligible = await say({ text: 'customers security' });
    expect(eligible.text).toContain('First Up Consultants');
    const sendButton = submitActions(lastCard(eligible)).find((a) => a.data.action === 'sendConsent' && a.data.claimId === claim.id);
    expect(sendButton?.title).toBe('Send customer consent email');

    const contacts = await say({ value: sendButton?.data ?? {} });
    expect(contacts.text).toContain('tomas.oliveira@firstupconsultants.com');
    const deal = await say({ value: filled(lastCard(contacts), 'submitConsentContacts') });
    expect(deal.text).toContain('cannot be changed once the consent email is sent');
    const review = await say({ value: { action: 'enterDealSize', dealSize: '75,000' } });
    expect(review.text).toContain('$75,000 (cannot change once sent)');
    const sent = await say({ value: { ...button(lastCard(review), (d) => d.action === 'confirmSendConsent'), disclaimerAccepted: 'true' } });
    expect(sent.text).toContain('Consent email sent');
    expect(sent.text).toContain('tomas.oliveira@firstupconsultants.com');
    expect(await db.prisma.claim.findUniqueOrThrow({ where: { id: claim.id } })).toMatchObject({ status: 'CONSENT_REQUESTED', estimatedDealSizeUsd: 75_000 });

    const email = await db.prisma.outboxMessage.findFirstOrThrow({ where: { claimId: claim.id, channel: 'EMAIL', event: CONSENT_EVENTS.requested } });
    expect(email.recipient).toBe('tomas.oliveira@firstupconsultants.com');
    expect((await post('/api/dev/tick', {})).status).toBe(200);
    expect((await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: email.id } })).status).toBe('SENT');
    expect(await readdir(path.join(dataDir, 'mail'))).toContain(`${email.id}.eml`);
    const eml = await readEml(path.join(dataDir, 'mail', `${email.id}.eml`));
    const link = /(https?:\/\/\S+\/consent\/[A-Za-z0-9_-]{43})/.exec(eml.text)?.[1];
    if (!link) throw new Error(`no consent link in the email: ${eml.text}`);
    const linkPath = new URL(link).pathname;

    const page = await fetch(`${running().url}${linkPath}`);
    expect(page.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    expect(csrf).not.toBe('');
    const accepted = await fetch(`${running().url}${linkPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: running().url },
      body: new URLSearchParams({ answer: 'accept', csrf }).toString(),
    });
    expect(accepted.status).toBe(200);

    const status = await say({ text: `status ${claim.id.toLowerCase()}` });
    expect(status.text).toContain('Consent granted');
    const submitButton = submitActions(lastCard(await say({ text: 'customers security' }))).find((a) => a.data.action === 'submitClaim' && a.data.claimId === claim.id);
    expect(submitButton?.title).toBe('Submit claim');

    const proof = await say({ value: submitButton?.data ?? {} });
    expect(proof.text).toContain('Completion date');
    const submitReview = await say({
      value: {
        action: 'submitProof',
        deliverySummary: 'Threat protection workshop delivered with a Defender rollout plan for First Up.',
        completionDate: running().clock.now().toISOString().slice(0, 10),
        evidenceLinks: 'https://evidence.fabrikam.example/firstup/workshop-report',
      },
    });
    expect(submitReview.text).toContain('Review: submit claim');
    const submitted = await say({ value: button(lastCard(submitReview), (d) => d.action === 'confirmSubmitClaim') });
    expect(submitted.text).toContain('Claim submitted');
    expect((await db.prisma.claim.findUniqueOrThrow({ where: { id: claim.id } })).status).toBe('SUBMITTED');

    const reviewed = await post('/api/dev/review', { claimId: claim.id, outcome: 'COMPLETED' });
    expect(reviewed.status).toBe(200);
    expect(await reviewed.json()).toMatchObject({ claimId: claim.id, status: 'COMPLETED' });

    const complete = await say({ value: { action: 'showTab', engagementId: DEMO.engagements.security, tab: 'complete' } });
    expect(complete.text).toContain(claim.id);
    expect(submitActions(lastCard(complete)).some((a) => a.data.action === 'viewClaim' && a.data.claimId === claim.id)).toBe(true);
  });
});
