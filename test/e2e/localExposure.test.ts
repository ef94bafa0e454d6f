import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { CaptureConnector } from '../support/captureConnector';
import { messageActivity, postActivity } from '../support/activities';
import { createDemoDatabase } from '../support/testDatabase';

/**
 * Local mode trusts whoever reaches it, so it listens on loopback by default and replies only to
 * loopback serviceUrls (or those LOCAL_SERVICE_URLS lists). Through the real server.
 */

const logger = pino({ level: 'silent' });
const ADMIN_A = '00000000-0000-0000-0000-00000000a001';
/** TEST-NET-1 (RFC 5737): never routed, so even a regression would send nothing anywhere. */
const REMOTE_SERVICE_URL = 'http://192.0.2.10:3978/';

describe('local mode exposure', () => {
  const connector = new CaptureConnector();
  let loopbackServiceUrl: string;
  let port: string;
  let app: RunningApp | undefined;

  beforeAll(async () => {
    loopbackServiceUrl = await connector.start();
    port = new URL(loopbackServiceUrl).port;
    // No `host` option: the listen address comes from the configuration's default.
    app = await startApp(loadConfig({ PORT: '0', LOCAL_SERVICE_URLS: `http://0.0.0.0:${port}` }), { logger, db: await createDemoDatabase() });
  });

  afterAll(async () => {
    await app?.stop();
    await connector.stop();
  });

  beforeEach(() => {
    connector.activities.length = 0;
  });

  it('listens on 127.0.0.1 unless HOST says otherwise', () => {
    const address = app?.server.address();
    expect(address?.address).toBe('127.0.0.1');
    expect(app?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses an activity whose serviceUrl is not on loopback: 400, nothing processed or stored, no reply', async () => {
    const db = app?.db;
    if (!app || !db) throw new Error('app not started');
    const before = { states: await db.prisma.botState.count(), references: await db.prisma.conversationReference.count() };
    const conversationId = 'conv-remote';
    const res = await postActivity(app.url, messageActivity({ serviceUrl: REMOTE_SERVICE_URL, text: 'help', aadObjectId: ADMIN_A, conversationId }));
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('LOCAL_SERVICE_URLS');
    for (const serviceUrl of ['http://169.254.169.254/latest/', 'file:///etc/passwd', 'not a url', 42, `http://0.0.0.0:${Number(port) + 1}/`]) {
      const refused = await postActivity(app.url, { ...messageActivity({ serviceUrl: '', text: 'help', conversationId }), serviceUrl });
      expect(refused.status).toBe(400);
    }
    const missing = messageActivity({ serviceUrl: '', text: 'help', conversationId });
    delete missing.serviceUrl;
    expect((await postActivity(app.url, missing)).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connector.activities).toHaveLength(0);
    expect(await db.prisma.botState.count()).toBe(before.states);
    expect(await db.prisma.conversationReference.count()).toBe(before.references);
  });

  it('replies to a loopback serviceUrl', async () => {
    if (!app) throw new Error('app not started');
    expect((await postActivity(app.url, messageActivity({ serviceUrl: loopbackServiceUrl, text: 'help', aadObjectId: ADMIN_A }))).status).toBe(200);
    expect(await connector.waitFor(1)).toHaveLength(1);
  });

  it('replies to an origin LOCAL_SERVICE_URLS lists', async () => {
    if (!app) throw new Error('app not started');
    // 0.0.0.0 is not a loopback name, so only the allow-list lets it through; on Linux a connection to
    // it reaches the connector listening on 127.0.0.1, so the test still sends nothing off the machine.
    const res = await postActivity(app.url, messageActivity({ serviceUrl: `http://0.0.0.0:${port}/`, text: 'help', aadObjectId: ADMIN_A }));
    expect(res.status).toBe(200);
    expect(await connector.waitFor(1)).toHaveLength(1);
  });
});

describe('listening beyond loopback in local mode', () => {
  it('needs ALLOW_REMOTE_LOCAL_MODE=true, and then warns', async () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST: local mode .* ALLOW_REMOTE_LOCAL_MODE=true/);
    const warnings: string[] = [];
    const recording = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const app = await startApp(loadConfig({ PORT: '0', HOST: '0.0.0.0', ALLOW_REMOTE_LOCAL_MODE: 'true' }), { logger: recording, db: await createDemoDatabase() });
    try {
      expect(app.server.address().address).toBe('0.0.0.0');
      expect(warnings.join('\n')).toContain('local mode on a non-loopback address');
    } finally {
      await app.stop();
    }
  });
});
