import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CaptureConnector } from '../support/captureConnector';
import { cardOf, messageActivity, postActivity } from '../support/activities';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function startBot(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(TSX, ['bot/main.ts'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForHealth(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(`${url}/healthz`);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

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
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
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
});
