import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { artifactPath, hasChromium, launchChromium } from '../support/browser';
import { freePort } from '../support/botProcess';
import { createDemoDatabase } from '../support/testDatabase';

/**
 * The Microsoft 365 Agents Playground (the registry package, a devDependency) against the bot, with
 * the repository's .m365agentsplayground.yml: it chats as the demo's Adele Vance, and a card button
 * (a Customers page tab) is answered in place, as in Teams.
 */

const ROOT = path.resolve(__dirname, '../..');
const CONFIG = path.join(ROOT, '.m365agentsplayground.yml');
const logger = pino({ level: 'silent' });

function playgroundCli(): string | null {
  if (process.env.PLAYGROUND_CLI) return process.env.PLAYGROUND_CLI;
  try {
    return require.resolve('@microsoft/m365agentsplayground/cli.js');
  } catch {
    return null;
  }
}

const cli = playgroundCli();
const describeWithPlayground = hasChromium && cli && existsSync(cli) ? describe : describe.skip;

jest.setTimeout(120_000);

describeWithPlayground('the Microsoft 365 Agents Playground with the demo identities', () => {
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  let playground: ChildProcess | undefined;
  let workDir = '';
  let playgroundUrl = '';
  let output = '';

  beforeAll(async () => {
    app = await startApp(loadConfig({ PORT: '0', SCHEDULER_INTERVAL_SECONDS: '3600' }), { logger, db: await createDemoDatabase(), host: '127.0.0.1' });
    // Its log goes to ./devTools in the folder it starts in: a scratch folder, not the repository.
    workDir = await mkdtemp(path.join(tmpdir(), 'mci-playground-'));
    const port = await freePort();
    playground = spawn(process.execPath, [cli ?? '', '-e', `${app.url}/api/messages`, '-c', 'msteams', '-p', String(port), '--disable-telemetry'], {
      cwd: workDir,
      env: { ...process.env, M365_AGENTS_PLAYGROUND_CONFIG_PATH: CONFIG, TEAMSAPPTESTER_BROWSER: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    playground.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    playground.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!/Listening on/.test(output)) {
      if (playground.exitCode !== null || Date.now() > deadline) {
        const log = await readFile(path.join(workDir, 'devTools', 'm365agentsplayground.log'), 'utf8').catch(() => '');
        throw new Error(`the Playground did not start (exit ${String(playground.exitCode)}): ${output}\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    playgroundUrl = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (playground && playground.exitCode === null) {
      const exited = new Promise((resolve) => playground?.once('exit', resolve));
      playground.kill('SIGTERM');
      await exited;
    }
    await app?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: artifactPath('playground', `${name}.png`), fullPage: true });
  }

  it('chats as Adele Vance and answers a Customers page tab in place', async () => {
    if (!browser) throw new Error('not started');
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    await page.goto(playgroundUrl);
    try {
      const box = page.getByRole('textbox').last();
      await box.waitFor({ timeout: 30_000 });
      await box.fill('customers threat protection');
      await box.press('Enter');
      const customers = page.getByText('Eligible customers', { exact: true });
      await customers.first().waitFor({ timeout: 30_000 });
      await screenshot(page, '01-customers-page');
      const before = await page.getByText('Security Workshop: Threat Protection', { exact: true }).count();

      await page.getByRole('button', { name: 'Ineligible', exact: true }).last().click();
      await page.getByText('Ineligible customers', { exact: true }).first().waitFor({ timeout: 30_000 });
      await screenshot(page, '02-ineligible-tab');
      // The card was answered in place: no second Customers page appeared, and the Eligible tab is gone from view.
      expect(await page.getByText('Security Workshop: Threat Protection', { exact: true }).count()).toBe(before);
      expect(await customers.count()).toBe(0);
    } catch (error) {
      await screenshot(page, 'failed');
      throw error;
    }
    await page.close();
  });
});
