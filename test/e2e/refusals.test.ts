import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActivityHandler } from 'botbuilder';
import pino from 'pino';
import { createAdapter } from '../../bot/adapter';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { createHttpServer, InFlight } from '../../bot/server';
import { CaptureConnector } from '../support/captureConnector';
import { messageActivity, postActivity } from '../support/activities';
import { createDemoDatabase, createTestDatabase } from '../support/testDatabase';

/**
 * Clean refusals through the real server: junk tokens are refused before any key is fetched, an
 * unreachable OpenID document gives 503, and no route's body carries internal error text.
 */

const logger = pino({ level: 'silent' });
const APP_ID = '11111111-2222-3333-4444-555555555555';
const ADMIN_A = '00000000-0000-0000-0000-00000000a001';
/** What internal error text looks like: stack frames, source paths, driver and engine messages. */
const INTERNAL = /\bat .+:\d+:\d+|node_modules|\.ts:\d+|\.js:\d+|prisma|ECONN|TypeError|ReferenceError|stack|openid|Failed to load|SELECT \* FROM|secret detail/i;

/** Stands in for the Bot Framework's OpenID metadata on loopback; answers 500 (it "cannot be fetched"). */
class BrokenMetadata {
  requests = 0;
  private server: http.Server | null = null;

  async start(): Promise<string> {
    this.server = http.createServer((_req, res) => {
      this.requests += 1;
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('metadata down');
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/.well-known/openidconfiguration`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const signature = (): string => randomBytes(256).toString('base64url');
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
/** A token shaped like the Bot Framework's (RS256, a key id, its issuer, our audience), signed by nobody. */
function plausibleToken(overrides: { header?: object; payload?: object } = {}): string {
  const header = { alg: 'RS256', kid: 'some-key-id', typ: 'JWT', ...overrides.header };
  const payload = { iss: 'https://api.botframework.com', aud: APP_ID, exp: inAnHour(), nbf: Math.floor(Date.now() / 1000) - 60, serviceurl: 'http://127.0.0.1/', ...overrides.payload };
  return `${part(header)}.${part(payload)}.${signature()}`;
}

describe('production mode refusals', () => {
  const metadata = new BrokenMetadata();
  const connector = new CaptureConnector();
  let serviceUrl: string;
  let app: RunningApp | undefined;

  beforeAll(async () => {
    const url = await metadata.start();
    serviceUrl = await connector.start();
    app = await startApp(
      loadConfig({ PORT: '0', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret', CONSENT_TOKEN_SECRET: 'x'.repeat(40), PUBLIC_BASE_URL: 'https://bot.example.com' }),
      { logger, db: await createTestDatabase(), host: '127.0.0.1', openIdMetadata: { channel: url, emulator: url } },
    );
  });

  afterAll(async () => {
    await app?.stop();
    await connector.stop();
    await metadata.stop();
  });

  it.each([
    ['no token', undefined],
    ['not a bearer token', 'Basic dXNlcjpwYXNz'],
    ['not a JWT', 'Bearer not.a.token'],
    ['two parts', `Bearer ${part({ alg: 'RS256', kid: 'k' })}.${part({ exp: inAnHour() })}`],
    ['alg none', `Bearer ${part({ alg: 'none', kid: 'k' })}.${part({ iss: 'https://api.botframework.com', aud: APP_ID, exp: inAnHour() })}.x`],
    ['signed with the app password (HS256)', `Bearer ${plausibleToken({ header: { alg: 'HS256' } })}`],
    ['no key id', `Bearer ${plausibleToken({ header: { kid: undefined } })}`],
    ['expired', `Bearer ${plausibleToken({ payload: { exp: Math.floor(Date.now() / 1000) - 3600 } })}`],
    ['for another app', `Bearer ${plausibleToken({ payload: { aud: '99999999-2222-3333-4444-555555555555' } })}`],
    ['from an unknown issuer', `Bearer ${plausibleToken({ payload: { iss: 'https://evil.example.com' } })}`],
    ['a header that is not JSON', `Bearer ${Buffer.from('{nope').toString('base64url')}.${part({})}.${signature()}`],
  ])('refuses %s with 401 before any key is fetched, and processes nothing', async (_name, authorization) => {
    if (!app) throw new Error('app not started');
    const res = await postActivity(app.url, messageActivity({ serviceUrl, text: 'help', aadObjectId: ADMIN_A }), authorization ? { authorization } : {});
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Unauthorized.' });
    expect(metadata.requests).toBe(0);
    expect(connector.activities).toHaveLength(0);
    expect(await app.db.prisma.botState.count()).toBe(0);
  });

  it('answers 503 with a generic body when the OpenID metadata cannot be fetched, and processes nothing', async () => {
    if (!app) throw new Error('app not started');
    const res = await postActivity(app.url, messageActivity({ serviceUrl, text: 'help', aadObjectId: ADMIN_A }), { authorization: `Bearer ${plausibleToken()}` });
    expect(res.status).toBe(503);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ error: 'Sign-in cannot be checked right now; try again shortly.' });
    expect(body).not.toMatch(INTERNAL);
    expect(metadata.requests).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connector.activities).toHaveLength(0);
    expect(await app.db.prisma.botState.count()).toBe(0);
  });
});

describe('no route answers with internal error text', () => {
  it('with the database broken, sweeps every route', async () => {
    const connector = new CaptureConnector();
    const serviceUrl = await connector.start();
    const db = await createDemoDatabase();
    const app = await startApp(loadConfig({ PORT: '0' }), { logger, db, host: '127.0.0.1' });
    try {
      await db.close();
      const token = randomBytes(32).toString('base64url');
      const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const routes: [string, RequestInit][] = [
        ['/healthz', {}],
        [`/consent/${token}`, {}],
        [`/consent/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url }, body: 'answer=accept&csrf=x' }],
        ['/api/messages', json(messageActivity({ serviceUrl, text: 'help', aadObjectId: ADMIN_A }))],
        ['/api/messages', json({ type: 'message' })],
        ['/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken json' }],
        ['/api/dev/clock', {}],
        ['/api/dev/clock', json({ advanceDays: 1 })],
        ['/api/dev/tick', { method: 'POST' }],
        ['/api/dev/review', json({ claimId: 'CLM-NOPE0000', outcome: 'COMPLETED', note: '' })],
        ['/chat', {}],
        ['/v3/directline/tokens/generate', json({ user: { id: ADMIN_A, name: 'Admin' } })],
        ['/no/such/route', {}],
      ];
      for (const [path, init] of routes) {
        const res = await fetch(`${app.url}${path}`, init);
        const body = await res.text();
        expect({ path, status: res.status, internal: INTERNAL.exec(body)?.[0] ?? null }).toEqual({ path, status: res.status, internal: null });
      }
    } finally {
      await app.stop();
      await connector.stop();
    }
  });

  it('when a turn throws past the turn error handler, /api/messages answers 500 with a generic body', async () => {
    const connector = new CaptureConnector();
    const serviceUrl = await connector.start();
    const db = await createTestDatabase();
    const config = loadConfig({ PORT: '0' });
    const adapter = createAdapter(config, logger);
    adapter.onTurnError = (_context, error) => Promise.reject(error);
    class ThrowingBot extends ActivityHandler {
      override run(): Promise<void> {
        return Promise.reject(new Error('secret detail at /srv/bot/mciBot.ts:12:3 while running SELECT * FROM "Claim"'));
      }
    }
    const server = createHttpServer({ adapter, bot: new ThrowingBot(), db, logger, localServiceUrls: { allowedOrigins: [] }, authentication: null }, new InFlight());
    await new Promise<void>((resolve) => {
      server.listen(0, '127.0.0.1', resolve);
    });
    try {
      const res = await postActivity(`http://127.0.0.1:${server.address().port}`, messageActivity({ serviceUrl, text: 'help' }));
      expect(res.status).toBe(500);
      const body = await res.text();
      expect(body).not.toMatch(INTERNAL);
      expect(JSON.parse(body)).toEqual({ error: 'The activity could not be processed.' });
    } finally {
      server.close();
      server.server.closeAllConnections();
      await connector.stop();
      await db.close();
    }
  });
});
