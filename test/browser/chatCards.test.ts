import pino from 'pino';
import type { Browser, Locator, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { DEMO } from '../../prisma/demoData';
import { artifactPath, hasChromium, launchChromium } from '../support/browser';
import { createDemoDatabase } from '../support/testDatabase';

const logger = pino({ level: 'silent' });
const describeWithChromium = hasChromium ? describe : describe.skip;
const CARD = '.webchat__adaptive-card-renderer .ac-adaptiveCard';

jest.setTimeout(120_000);

describeWithChromium('/chat in Chromium: cards change in place, drawn as Teams draws them', () => {
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  const problems: string[] = [];

  beforeAll(async () => {
    app = await startApp(loadConfig({ PORT: '0', SCHEDULER_INTERVAL_SECONDS: '3600' }), { logger, db: await createDemoDatabase(), host: '127.0.0.1' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function open(user: string): Promise<Page> {
    if (!app || !browser) throw new Error('not started');
    const page = await browser.newPage({ viewport: { width: 1000, height: 2600 } });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${app.url}/chat?user=${user}`);
    await page.locator(CARD).filter({ hasText: 'What I can do' }).waitFor({ timeout: 20_000 });
    return page;
  }

  async function say(page: Page, text: string): Promise<void> {
    const box = page.getByRole('textbox', { name: /message/i });
    await box.fill(text);
    await box.press('Enter');
  }

  function card(page: Page, text: string): Locator {
    return page.locator(CARD).filter({ hasText: text }).last();
  }

  /** Presses a button on a card and waits for that same card to show `expected`: no card is added. */
  async function pressInPlace(page: Page, on: Locator, title: string, expected: string): Promise<void> {
    const before = await page.locator(CARD).count();
    await on.getByRole('button', { name: title, exact: true }).click();
    await card(page, expected).waitFor({ timeout: 15_000 });
    expect(await page.locator(CARD).count()).toBe(before);
  }

  /** No text of a card is broken inside a word: every line break falls between words. */
  async function expectNoMidWordBreaks(page: Page): Promise<void> {
    // Given as text: this project compiles without the DOM library.
    const broken = await page.evaluate<string[]>(`(() => {
      const found = [];
      for (const el of document.querySelectorAll('.webchat__adaptive-card-renderer .ac-textBlock p, .webchat__adaptive-card-renderer .ac-pushButton div')) {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent;
          let top = null;
          for (let i = 0; i < text.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const rect = range.getBoundingClientRect();
            if (rect.height === 0) continue;
            if (top !== null && rect.top > top + 2 && /\\w/.test(text[i - 1] || '') && /\\w/.test(text[i])) found.push(text.slice(Math.max(0, i - 12), i) + '|' + text.slice(i, i + 12));
            top = rect.top;
          }
        }
      }
      return found;
    })()`);
    expect(broken).toEqual([]);
  }

  it('switches tabs and goes through Add customer by replacing the card acted on; three cards are left', async () => {
    const page = await open(DEMO.users.adminA);
    await say(page, 'customers threat protection');
    const customers = card(page, 'Eligible customers');
    await customers.waitFor({ timeout: 15_000 });
    expect(await page.locator(CARD).count()).toBe(2);
    await customers.screenshot({ path: artifactPath('chat-cards', '01-customers-page.png') });
    // Teams' host config: the tabs in one row.
    const tabs = await Promise.all(['Eligible', 'Ineligible', 'Complete'].map((name) => customers.getByRole('button', { name: new RegExp(`^${name}`) }).boundingBox()));
    expect(new Set(tabs.map((box) => Math.round(box?.y ?? -1))).size).toBe(1);
    await expectNoMidWordBreaks(page);

    await pressInPlace(page, customers, 'Add customer', 'Which customer?');
    const flow = page.locator(CARD).last();
    await flow.screenshot({ path: artifactPath('chat-cards', '02-which-customer.png') });
    await flow.locator('[id="customerId"] input').first().fill('firstupconsultants.com');
    await pressInPlace(page, flow, 'Next', 'Claim name and contacts');
    await flow.screenshot({ path: artifactPath('chat-cards', '03-contacts.png') });
    await flow.locator('[id="customerName"] input').first().fill('Tomas Oliveira');
    await flow.locator('[id="customerEmail"] input').first().fill('tomas.oliveira@firstupconsultants.com');
    await pressInPlace(page, flow, 'Next', 'Review: add customer');
    await flow.screenshot({ path: artifactPath('chat-cards', '04-review.png') });
    await pressInPlace(page, flow, 'Add customer', 'Customer added');
    await expectNoMidWordBreaks(page);
    await flow.screenshot({ path: artifactPath('chat-cards', '05-customer-added.png') });

    await say(page, 'customers threat protection');
    await page.locator(CARD).nth(2).waitFor({ timeout: 15_000 });
    const again = page.locator(CARD).last();
    await again.filter({ hasText: 'Eligible customers' }).waitFor();
    await pressInPlace(page, again, 'Ineligible', 'Ineligible customers');
    await pressInPlace(page, again, 'Complete', 'Complete claims');
    await pressInPlace(page, again, 'Eligible', 'Eligible customers');
    expect(await again.textContent()).toContain('First Up Consultants');
    // The welcome card, the Customers page the flow started from (now "Customer added"), and the page opened again.
    expect(await page.locator(CARD).count()).toBe(3);
    await page.screenshot({ path: artifactPath('chat-cards', '06-transcript.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says plainly that the page must be reloaded when the bot no longer knows the conversation (a restart)', async () => {
    const page = await open(DEMO.users.userA);
    await page.getByRole('status').filter({ hasText: 'Chatting as' }).waitFor();
    // What a restarted bot answers: the in-memory conversation and its token are gone.
    await page.route('**/v3/directline/**', (route) => route.fulfill({ status: 403, contentType: 'application/json', body: '{"error":{"code":"TokenExpired"}}' }));
    await page.getByRole('status').filter({ hasText: 'Reload the page' }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'Reload' }).isVisible()).toBe(true);
    await page.screenshot({ path: artifactPath('chat-cards', '07-connection-lost.png') });
    await page.close();
  });
});
