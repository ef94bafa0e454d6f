import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CaptureConnector } from '../support/captureConnector';
import { cardOf, messageActivity, postActivity } from '../support/activities';
import { freePort, startBot, waitForHealth } from '../support/botProcess';

describe('npm start, as a newcomer runs it', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mci-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts on an empty data folder, seeds it, answers help, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const bot = startBot({ PORT: String(port), DATA_DIR: dataDir });
    const connector = new CaptureConnector();
    const serviceUrl = await connector.start();
    try {
      const url = `http://127.0.0.1:${port}`;
      const health = await waitForHealth(url, 60_000);
      expect(health.status).toBe(200);
      const res = await postActivity(url, messageActivity({ serviceUrl, text: 'help', aadObjectId: '00000000-0000-0000-0000-00000000a002' }));
      expect(res.status).toBe(200);
      const [reply] = await connector.waitFor(1);
      expect(JSON.stringify(cardOf(reply?.body ?? {}))).toContain('Incentives user');
      expect(await health.json()).toMatchObject({ status: 'ok', kind: 'embedded' });
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
      // Fast shutdown completed: the server removed its pid file, the folder is free, the password stayed private.
      expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      expect(existsSync(path.join(dataDir, 'pg.lock'))).toBe(false);
      expect(statSync(path.join(dataDir, 'pg-password')).mode & 0o777).toBe(0o600);
      expect(bot.output()).not.toContain(readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim());
    } finally {
      bot.child.kill('SIGKILL');
      await connector.stop();
    }
  }, 90_000);

  it('refuses to start on bad configuration, one line per bad setting', async () => {
    const bot = startBot({ PORT: 'abc', LOG_LEVEL: 'loud', DATA_DIR: dataDir });
    expect(await bot.exited).toBe(1);
    expect(bot.output()).toContain('PORT: expected a whole number from 0 to 65535 (got "abc")');
    expect(bot.output()).toContain('LOG_LEVEL: expected one of');
  }, 30_000);

  it('refuses to start with Graph mail but no sender mailbox, or Partner Center without its App+User sign-in', async () => {
    const bot = startBot({ EMAIL_PROVIDER: 'graph', GRAPH_CREDENTIAL: 'managed-identity', REFERRALS_PROVIDER: 'partner-center', PARTNER_CENTER_CLIENT_SECRET: 'never-shown', DATA_DIR: dataDir });
    expect(await bot.exited).toBe(1);
    expect(bot.output()).toContain('GRAPH_SENDER: required when EMAIL_PROVIDER is graph');
    for (const name of ['PARTNER_CENTER_TENANT_ID', 'PARTNER_CENTER_CLIENT_ID', 'PARTNER_CENTER_REFRESH_TOKEN', 'REFERRALS_PARTNER_ROLE', 'REFERRALS_SOLUTION_AREA', 'REFERRALS_SOLUTION_PLAY']) {
      expect(bot.output()).toContain(`${name}: required when REFERRALS_PROVIDER is partner-center`);
    }
    expect(bot.output()).not.toContain('PARTNER_CENTER_CLIENT_SECRET');
    expect(bot.output()).not.toContain('never-shown');
  }, 30_000);
});
