import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Browser, Locator, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { DEMO } from '../../prisma/demoData';
import { CONSENT_EVENTS } from '../../services/consent/email';
import { artifactPath, hasChromium, launchChromium } from '../support/browser';
import { readEml } from '../support/eml';
import { createDemoDatabase } from '../support/testDatabase';

const logger = pino({ level: 'silent' });
const describeWithChromium = hasChromium ? describe : describe.skip;
const ACTIVITY = '.webchat__basic-transcript__activity';

jest.setTimeout(90_000);

describeWithChromium('/chat in Chromium: add a customer, send consent, see the proactive consent card', () => {
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  let dataDir = '';
  const problems: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'mci-chat-browser-'));
    app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, SCHEDULER_INTERVAL_SECONDS: '3600' }), { logger, db: await createDemoDatabase(), host: '127.0.0.1' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  function running(): { app: RunningApp; browser: Browser } {
    if (!app || !browser) throw new Error('not started');
    return { app, browser };
  }

  /** Console errors, page errors and CSP violations all count as failures of the page. */
  async function watched(page: Page): Promise<Page> {
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
    });
    // Given as text: this project compiles without the DOM library. Init scripts are not subject to the page's CSP.
    await page.addInitScript({
      content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.sourceFile));",
    });
    return page;
  }

  let step = 0;
  /** The newest card as drawn, one file per step. */
  async function screenshot(page: Page, name: string): Promise<void> {
    step += 1;
    await lastCard(page).screenshot({ path: artifactPath('chat', `${String(step).padStart(2, '0')}-${name}.png`) });
  }

  /** Does something, then waits for a new transcript entry containing `expected`: an action that does nothing fails here. */
  async function expectReply(page: Page, action: () => Promise<void>, expected: string): Promise<void> {
    const matching = page.locator(ACTIVITY).filter({ hasText: expected });
    const before = await matching.count();
    await action();
    try {
      await matching.nth(before).waitFor({ timeout: 15_000 });
    } catch (error) {
      await page.screenshot({ path: artifactPath('chat', `failed-waiting-for-${expected.replace(/\W+/g, '-')}.png`), fullPage: true });
      throw error;
    }
    await expectCardsRendered(page);
  }

  /** Every Adaptive Card attachment was drawn by the renderer, and Web Chat showed no error box. */
  async function expectCardsRendered(page: Page): Promise<void> {
    const renderers = await page.locator('.webchat__adaptive-card-renderer').count();
    expect(await page.locator('.webchat__adaptive-card-renderer .ac-adaptiveCard').count()).toBe(renderers);
    expect(await page.locator(ACTIVITY).filter({ hasText: /Adaptive Card (render|parse) error/ }).count()).toBe(0);
    expect(problems).toEqual([]);
  }

  function lastCard(page: Page): Locator {
    return page.locator('.ac-adaptiveCard').last();
  }

  /** The renderer wraps each input in an element carrying the card's input id. */
  function input(page: Page, id: string): Locator {
    return lastCard(page).locator(`[id="${id}"] input, [id="${id}"] textarea`).first();
  }

  async function say(page: Page, text: string): Promise<void> {
    const box = page.getByRole('textbox', { name: /message/i });
    await box.fill(text);
    await box.press('Enter');
  }

  it('goes from "add customer" to the consent-received notification by clicking and typing in the rendered cards', async () => {
    const { app: live, browser: chromium } = running();
    const page = await watched(await chromium.newPage({ viewport: { width: 1000, height: 1000 } }));
    await page.goto(`${live.url}/chat?user=${DEMO.users.adminA}`);
    await page.locator(ACTIVITY).filter({ hasText: 'What I can do' }).waitFor({ timeout: 20_000 });
    expect(await page.getByLabel('You are').inputValue()).toBe(DEMO.users.adminA);
    await expectCardsRendered(page);
    await screenshot(page, 'welcome');

    await expectReply(page, () => say(page, 'add customer'), 'Which customer?');
    await screenshot(page, 'which-customer');

    await expectReply(
      page,
      async () => {
        await input(page, 'customerId').fill('firstupconsultants.com');
        await lastCard(page).getByRole('button', { name: 'Next' }).click();
      },
      'Claim name and contacts',
    );
    // The domain resolves to its tenant, and the one eligible engagement is chosen without asking.
    await page.locator(ACTIVITY).filter({ hasText: 'is the only engagement First Up Consultants is eligible for' }).waitFor();
    await screenshot(page, 'contacts');

    await expectReply(
      page,
      async () => {
        await input(page, 'customerName').fill('Tomas Oliveira');
        await input(page, 'customerEmail').fill('tomas.oliveira@firstupconsultants.com');
        await lastCard(page).getByRole('button', { name: 'Next' }).click();
      },
      'Review: add customer',
    );
    await screenshot(page, 'review');

    await expectReply(page, () => lastCard(page).getByRole('button', { name: 'Add customer' }).click(), 'Customer added');
    await screenshot(page, 'customer-added');
    const claim = await live.db.prisma.claim.findFirstOrThrow({ where: { customer: { name: 'First Up Consultants' }, partnerId: DEMO.partnerA } });
    expect(claim.status).toBe('ADDED');

    expect(await lastCard(page).textContent()).toContain(claim.id);
    await expectReply(page, () => lastCard(page).getByRole('button', { name: /^Send consent/ }).first().click(), `Send consent: ${claim.friendlyName} (${claim.id})`);
    expect(await input(page, 'customerEmail').inputValue()).toBe('tomas.oliveira@firstupconsultants.com');
    await screenshot(page, 'consent-contacts');

    await expectReply(page, () => lastCard(page).getByRole('button', { name: 'Next' }).click(), 'Estimated deal size');
    await screenshot(page, 'deal-size');

    await expectReply(
      page,
      async () => {
        await input(page, 'dealSize').fill('75000');
        await lastCard(page).getByRole('button', { name: 'Next' }).click();
      },
      'Review: send customer consent email',
    );
    await screenshot(page, 'consent-review');

    await expectReply(
      page,
      async () => {
        await lastCard(page).getByRole('checkbox', { name: /accept the disclaimer/ }).check();
        await lastCard(page).getByRole('button', { name: 'Send for consent' }).click();
      },
      'Consent email sent',
    );
    await screenshot(page, 'consent-sent');
    expect(await live.db.prisma.claim.findUniqueOrThrow({ where: { id: claim.id } })).toMatchObject({ status: 'CONSENT_REQUESTED', estimatedDealSizeUsd: 75_000 });

    // The outbox tick writes the email; the customer opens its link in another page and accepts.
    const email = await live.db.prisma.outboxMessage.findFirstOrThrow({ where: { claimId: claim.id, channel: 'EMAIL', event: CONSENT_EVENTS.requested } });
    expect((await fetch(`${live.url}/api/dev/tick`, { method: 'POST' })).status).toBe(200);
    expect(await readdir(path.join(dataDir, 'mail'))).toContain(`${email.id}.eml`);
    const eml = await readEml(path.join(dataDir, 'mail', `${email.id}.eml`));
    const link = /(https?:\/\/\S+\/consent\/[A-Za-z0-9_-]{43})/.exec(eml.text)?.[1];
    if (!link) throw new Error(`no consent link in the email: ${eml.text}`);
    const customer = await watched(await chromium.newPage());
    await customer.goto(`${live.url}${new URL(link).pathname}`);
    await customer.getByRole('button', { name: 'Accept' }).click();
    await customer.getByRole('heading', { name: 'Thank you: consent given' }).waitFor();
    await customer.screenshot({ path: artifactPath('chat', 'customer-accepted.png') });
    await customer.close();
    // Reopened, the answered link says so once: the heading, then when; there is nothing it did not change.
    // (Not a watched page: the answered link is 410 Gone on purpose.)
    const again = await chromium.newPage();
    await again.goto(`${live.url}${new URL(link).pathname}`);
    await again.getByRole('heading', { name: 'This consent request has already been answered' }).waitFor();
    const reopened = await again.locator('main').innerText();
    expect(reopened.split('already been answered').length - 1).toBe(1);
    expect(reopened).toMatch(/You accepted it on \d{1,2} [A-Z][a-z]+ \d{4}\./);
    expect(reopened).not.toContain('Nothing was changed');
    await again.screenshot({ path: artifactPath('chat', 'customer-reopened.png') });
    await again.close();
    expect((await live.db.prisma.claim.findUniqueOrThrow({ where: { id: claim.id } })).status).toBe('CONSENT_GRANTED');

    // The next tick delivers the proactive card into the open chat.
    await expectReply(
      page,
      async () => {
        expect((await fetch(`${live.url}/api/dev/tick`, { method: 'POST' })).status).toBe(200);
      },
      'The customer accepted consent',
    );
    await screenshot(page, 'consent-received');
    expect(await lastCard(page).textContent()).toContain(claim.id);
    await page.screenshot({ path: artifactPath('chat', 'transcript.png'), fullPage: true });
  });

  it('switches to the seller from the picker: a new conversation as that person, reachable for co-sell notifications', async () => {
    const { app: live, browser: chromium } = running();
    const page = await watched(await chromium.newPage({ viewport: { width: 1000, height: 800 } }));
    await page.goto(`${live.url}/chat`);
    await page.locator(ACTIVITY).filter({ hasText: 'What I can do' }).waitFor({ timeout: 20_000 });
    expect(await page.locator('body').getAttribute('data-user-id')).toBe(DEMO.users.adminA);

    await page.getByLabel('You are').selectOption(DEMO.seller);
    await page.getByRole('button', { name: 'Switch user' }).click();
    await page.waitForURL(/user=/);
    // A new page and conversation: the first card in it is the bot's greeting to the seller.
    await page.locator('.ac-adaptiveCard').first().waitFor({ timeout: 20_000 });
    await expectCardsRendered(page);
    expect(await page.getByRole('status').textContent()).toContain('Diego Siciliani');
    await screenshot(page, 'seller-welcome');

    const reference = await live.db.prisma.conversationReference.findFirstOrThrow({ where: { aadObjectId: DEMO.seller, kind: 'PERSONAL', active: true } });
    expect(reference.serviceUrl).toBe(`${live.url}/directline-connector`);
    await page.close();
  });
});
