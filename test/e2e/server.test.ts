import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { createDemoDatabase, createTestDatabase } from '../support/testDatabase';
import { CaptureConnector } from '../support/captureConnector';
import { cardOf, messageActivity, postActivity } from '../support/activities';

const logger = pino({ level: 'silent' });
const ADMIN_A = '00000000-0000-0000-0000-00000000a001';
const NO_ROLE_A = '00000000-0000-0000-0000-00000000a003';
const SELLER = '00000000-0000-0000-0000-00000000c001';

describe('the bot through its real HTTP server in local mode', () => {
  let app: RunningApp | undefined;
  const connector = new CaptureConnector();
  let serviceUrl: string;
  let baseUrl: string;

  beforeAll(async () => {
    serviceUrl = await connector.start();
    const db = await createDemoDatabase();
    app = await startApp(loadConfig({ PORT: '0' }), { logger, db, host: '127.0.0.1' });
    baseUrl = app.url;
  });

  afterAll(async () => {
    await app?.stop();
    await connector.stop();
  });

  beforeEach(() => {
    connector.activities.length = 0;
  });

  it('serves /healthz with the database status', async () => {
    const res = await fetch(`${baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: 'up', kind: 'postgres' });
  });

  it('answers help with the welcome card posted to the serviceUrl, acting as the user the activity names', async () => {
    const activity = messageActivity({ serviceUrl, text: 'HELP', aadObjectId: ADMIN_A, conversationId: 'conv-help' });
    const res = await postActivity(baseUrl, activity);
    expect(res.status).toBe(200);
    const [reply] = await connector.waitFor(1);
    expect(reply?.conversationId).toBe('conv-help');
    expect(reply?.path).toContain(`/activities/${String(activity.id)}`);
    const card = cardOf(reply?.body ?? {});
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    const text = JSON.stringify(card);
    expect(text).toContain('Incentives admin, Referrals admin');
    expect(text).toContain('MCI Engagement Assistant');
  });

  it('acts as the demo admin of partner A when the activity carries no AAD object id', async () => {
    await postActivity(baseUrl, messageActivity({ serviceUrl, text: 'help' }));
    const [reply] = await connector.waitFor(1);
    expect(JSON.stringify(cardOf(reply?.body ?? {}))).toContain('Incentives admin, Referrals admin');
  });

  it('answers a card action by its data.action verb', async () => {
    await postActivity(baseUrl, messageActivity({ serviceUrl, value: { action: 'help' }, aadObjectId: ADMIN_A }));
    const [reply] = await connector.waitFor(1);
    expect(cardOf(reply?.body ?? {})).toBeDefined();
  });

  it('tells a user without a role who can grant one', async () => {
    await postActivity(baseUrl, messageActivity({ serviceUrl, text: 'help', aadObjectId: NO_ROLE_A }));
    const [reply] = await connector.waitFor(1);
    const text = JSON.stringify(cardOf(reply?.body ?? {}));
    expect(text).toContain('no incentives role');
    expect(text).toMatch(/Ask an Incentives admin to grant you a role: .+@/);
  });

  it('answers a Microsoft field seller with the co-sell referrals of the customers they cover', async () => {
    await postActivity(baseUrl, messageActivity({ serviceUrl, text: 'help', aadObjectId: SELLER }));
    const [reply] = await connector.waitFor(1);
    expect(JSON.stringify(cardOf(reply?.body ?? {}))).toContain('Co-sell referrals for customers you cover');
  });

  it('answers unknown input with a short card pointing at help, not silence', async () => {
    await postActivity(baseUrl, messageActivity({ serviceUrl, text: 'make me a sandwich', aadObjectId: ADMIN_A }));
    const replies = await connector.waitFor(1);
    const card = JSON.stringify(cardOf(replies[0]?.body ?? {}));
    expect(card).toContain('make me a sandwich');
    expect(card).toContain('"action":"help"');
  });

  it('reads a command typed after an @mention of the bot, as Teams sends it in channels and group chats', async () => {
    const base = messageActivity({ serviceUrl, text: '<at>MCI Engagements</at> engagements', aadObjectId: ADMIN_A, conversationId: 'conv-channel' });
    await postActivity(baseUrl, {
      ...base,
      entities: [{ type: 'mention', text: '<at>MCI Engagements</at>', mentioned: { id: 'bot', name: 'MCI Engagements' } }],
    });
    const [reply] = await connector.waitFor(1);
    const card = JSON.stringify(cardOf(reply?.body ?? {}));
    expect(card).toContain('Engagements you can work on');
    expect(card).not.toContain("I don't know");
  });

  it('welcomes people when the bot is added to a conversation', async () => {
    const res = await postActivity(baseUrl, {
      ...messageActivity({ serviceUrl, aadObjectId: ADMIN_A, conversationId: 'conv-new' }),
      type: 'conversationUpdate',
      membersAdded: [{ id: 'bot' }, { id: 'user-1', aadObjectId: ADMIN_A }],
    });
    expect(res.status).toBe(200);
    const [reply] = await connector.waitFor(1);
    expect(reply?.conversationId).toBe('conv-new');
    expect(cardOf(reply?.body ?? {})).toBeDefined();
  });

  it('refuses a request that is not a Bot Framework activity', async () => {
    const res = await fetch(`${baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(connector.activities).toHaveLength(0);
  });
});

describe('production mode', () => {
  it('refuses unauthenticated activities with 401 and processes nothing', async () => {
    const connector = new CaptureConnector();
    const serviceUrl = await connector.start();
    const db = await createTestDatabase();
    const app = await startApp(
      loadConfig({
        PORT: '0',
        MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
        MicrosoftAppPassword: 'not-a-real-secret',
        CONSENT_TOKEN_SECRET: 'x'.repeat(40),
        PUBLIC_BASE_URL: 'https://bot.example.com',
      }),
      { logger, db, host: '127.0.0.1' },
    );
    try {
      const unsigned = await postActivity(app.url, messageActivity({ serviceUrl, text: 'help', aadObjectId: ADMIN_A }));
      expect(unsigned.status).toBe(401);
      const forged = await postActivity(app.url, messageActivity({ serviceUrl, text: 'help', aadObjectId: ADMIN_A }), {
        authorization: 'Bearer not.a.token',
      });
      expect(forged.status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(connector.activities).toHaveLength(0);
      expect(await app.db.prisma.botState.count()).toBe(0);
    } finally {
      await app.stop();
      await connector.stop();
    }
  });
});

describe('health when the database is down', () => {
  it('answers 503', async () => {
    const db = await createTestDatabase();
    const app = await startApp(loadConfig({ PORT: '0' }), { logger, db, host: '127.0.0.1' });
    try {
      await db.close();
      const res = await fetch(`${app.url}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ database: 'down' });
    } finally {
      await app.stop();
    }
  });
});
