import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { CONNECTOR_PREFIX, DirectLineStore } from '../../bot/directLine';
import { createProactiveAdapter } from '../../bot/proactiveAdapter';
import { TeamsNotifier } from '../../bot/notifier';
import { DEMO } from '../../prisma/demoData';
import { cardOf } from '../support/activities';
import { adaptiveCardErrors } from '../support/cardSchema';
import { createDemoDatabase, createTestDatabase } from '../support/testDatabase';
import { requestJson } from '../support/requestJson';

const logger = pino({ level: 'silent' });

type Activity = Record<string, unknown> & { id: string; type: string; from: { id: string; role?: string; aadObjectId?: string }; text?: string };

interface Session {
  conversationId: string;
  token: string;
}

describe('the local Direct Line channel, as Web Chat uses it with polling', () => {
  let app: RunningApp | undefined;

  beforeAll(async () => {
    app = await startApp(loadConfig({ PORT: '0', SCHEDULER_INTERVAL_SECONDS: '3600' }), { logger, db: await createDemoDatabase(), host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.stop();
  });

  function url(path: string): string {
    if (!app) throw new Error('app not started');
    return `${app.url}${path}`;
  }

  function json(path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    return requestJson(url(path), init);
  }

  async function start(user: string, name: string): Promise<Session> {
    const generated = await json('/v3/directline/tokens/generate', { method: 'POST', body: { user: { id: user, name } } });
    expect(generated.status).toBe(200);
    const session = { conversationId: String(generated.body.conversationId), token: String(generated.body.token) };
    const started = await json('/v3/directline/conversations', { method: 'POST', token: session.token, body: { user: { id: user } } });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ conversationId: session.conversationId, token: session.token });
    return session;
  }

  /** Polls like Web Chat until an activity matches; bounded. */
  async function waitFor(session: Session, predicate: (activity: Activity) => boolean, watermark = ''): Promise<{ found: Activity; all: Activity[]; watermark: string }> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const page = await json(`/v3/directline/conversations/${session.conversationId}/activities${watermark ? `?watermark=${watermark}` : ''}`, { token: session.token });
      expect(page.status).toBe(200);
      const all = page.body.activities as Activity[];
      const found = all.find(predicate);
      if (found) return { found, all, watermark: String(page.body.watermark) };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the expected activity never arrived');
  }

  it('starts a conversation with the welcome card, echoes the user message with the bound identity, and the bot answers in it', async () => {
    const session = await start(DEMO.users.adminA, 'Adele Vance');
    const welcome = await waitFor(session, (a) => a.type === 'message' && a.from.role === 'bot');
    const card = cardOf(welcome.found);
    expect(JSON.stringify(card)).toContain('MCI Engagement Assistant');
    expect(adaptiveCardErrors(card ?? {})).toEqual([]);

    const clientActivityID = randomUUID();
    const posted = await json(`/v3/directline/conversations/${session.conversationId}/activities`, {
      method: 'POST',
      token: session.token,
      // Whatever the client claims as sender is replaced by the user the token was made for.
      body: { type: 'message', text: 'engagements', from: { id: 'someone-else', aadObjectId: DEMO.users.adminB }, channelData: { clientActivityID } },
    });
    expect(posted.status).toBe(200);
    const echo = await waitFor(session, (a) => a.id === posted.body.id, welcome.watermark);
    expect(echo.found).toMatchObject({ text: 'engagements', channelData: { clientActivityID }, from: { id: DEMO.users.adminA, role: 'user', aadObjectId: DEMO.users.adminA } });
    const reply = await waitFor(session, (a) => a.from.role === 'bot' && JSON.stringify(a).includes('Security'), welcome.watermark);
    expect(reply.all.map((a) => a.id)).not.toContain(welcome.found.id);

    const reference = await app?.db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId: session.conversationId } });
    expect(reference).toMatchObject({ aadObjectId: DEMO.users.adminA, kind: 'PERSONAL', active: true, serviceUrl: url(CONNECTOR_PREFIX) });
  });

  it('carries a card submit (value) to the bot like an Action.Submit from Web Chat', async () => {
    const session = await start(DEMO.users.adminA, 'Adele Vance');
    const welcome = await waitFor(session, (a) => a.from.role === 'bot');
    const posted = await json(`/v3/directline/conversations/${session.conversationId}/activities`, {
      method: 'POST',
      token: session.token,
      body: { type: 'message', value: { action: 'addCustomer' }, channelData: { clientActivityID: randomUUID(), postBack: true } },
    });
    expect(posted.status).toBe(200);
    // The first question of Add customer: the location (asked, or the one used last said with Change), then the customer id.
    const question = await waitFor(session, (a) => a.from.role === 'bot' && /Which (location|customer)/.test(JSON.stringify(cardOf(a) ?? {})), welcome.watermark);
    expect(JSON.stringify(cardOf(question.found))).toMatch(/Which (location|customer)/);
  });

  it('delivers a proactive notification to the conversation of the person it is for', async () => {
    const session = await start(DEMO.seller, 'Diego Siciliani');
    const welcome = await waitFor(session, (a) => a.from.role === 'bot');
    if (!app) throw new Error('app not started');
    const notifier = new TeamsNotifier({ db: app.db, adapter: createProactiveAdapter(app.config), appId: '', logger });
    const result = await notifier.send({
      id: 'outbox-1',
      idempotencyKey: 'outbox-1',
      channel: 'TEAMS',
      event: 'cosell.available',
      recipient: DEMO.seller,
      claimId: 'CLM-TEST0001',
      partnerId: DEMO.partnerA,
      payload: { text: 'Co-sell with Fabrikam for Contoso', customerName: 'Contoso', engagementName: 'Security', partnerName: 'Fabrikam Consulting' },
      attempt: 1,
      createdAt: new Date(),
    });
    expect(result).toEqual({ ok: true });
    const note = await waitFor(session, (a) => JSON.stringify(cardOf(a) ?? {}).includes('A co-sell opportunity for a customer you cover'), welcome.watermark);
    expect(note.found.from.role).toBe('bot');
  });

  it('refuses unknown tokens, other conversations, bad bodies, and bot posts to unknown conversations', async () => {
    const mine = await start(DEMO.users.userA, 'Alex Wilber');
    const other = await start(DEMO.users.adminB, 'Megan Bowen');
    expect((await json(`/v3/directline/conversations/${mine.conversationId}/activities`, { token: 'not-a-token' })).status).toBe(403);
    expect((await json(`/v3/directline/conversations/${other.conversationId}/activities`, { token: mine.token })).status).toBe(404);
    const bad = await json(`/v3/directline/conversations/${mine.conversationId}/activities`, { method: 'POST', token: mine.token, body: { type: 'installationUpdate' } });
    expect(bad.status).toBe(400);
    expect((await json('/v3/directline/tokens/generate', { method: 'POST', body: { user: { id: '' } } })).status).toBe(400);
    const refreshed = await json('/v3/directline/tokens/refresh', { method: 'POST', token: mine.token });
    expect(refreshed).toMatchObject({ status: 200, body: { conversationId: mine.conversationId, token: mine.token } });
    const gone = await json(`${CONNECTOR_PREFIX}/v3/conversations/unknown-conversation/activities`, { method: 'POST', body: { type: 'message', text: 'hi' } });
    expect(gone.status).toBe(404);
  });

  it('serves the chat page with a strict policy, the chosen person, and the Web Chat bundle from node_modules', async () => {
    const page = await fetch(url(`/chat?user=${DEMO.users.adminB}`));
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    const html = await page.text();
    const nonce = /data-nonce="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(nonce).not.toBe('');
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain(`style-src 'self' 'nonce-${nonce}'`);
    expect(csp).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script>|https?:\/\//);
    expect(html).toContain(`data-user-id="${DEMO.users.adminB}"`);
    expect(html).toMatch(new RegExp(`value="${DEMO.users.adminB}"[^>]*selected`));

    const bundle = await fetch(url('/chat/webchat.js'));
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect((await bundle.text()).length).toBeGreaterThan(1_000_000);
    expect((await fetch(url('/chat/app.js'))).status).toBe(200);
  });
});

describe('the local Direct Line store', () => {
  it('keeps at most the configured conversations and activities, with watermarks still valid after trimming, and forgets idle conversations', () => {
    let now = 0;
    const store = new DirectLineStore({ maxConversations: 2, maxActivitiesPerConversation: 3, idleExpiryMs: 1000 }, () => now);
    const first = store.create({ id: 'u1', name: 'One' });
    now = 10;
    const second = store.create({ id: 'u2', name: 'Two' });
    now = 20;
    store.find(first.id);
    store.create({ id: 'u3', name: 'Three' });
    expect(store.size).toBe(2);
    expect(store.find(second.id)).toBeUndefined();
    expect(store.find(first.id)).toBeDefined();

    for (let i = 0; i < 5; i += 1) store.append(first, { type: 'message', text: `m${i}` });
    const all = store.since(first, undefined);
    expect(all.activities.map((a) => a.text)).toEqual(['m2', 'm3', 'm4']);
    expect(all.watermark).toBe('4');
    expect(store.since(first, 3).activities.map((a) => a.text)).toEqual(['m4']);
    expect(store.since(first, 4)).toEqual({ activities: [], watermark: '4' });

    now = 5000;
    expect(store.find(first.id)).toBeUndefined();
    expect(store.byAuthorization(`Bearer ${first.token}`)).toBeUndefined();
  });
});

describe('production mode', () => {
  it('has no Direct Line channel, connector or chat page', async () => {
    const app = await startApp(
      loadConfig({
        PORT: '0',
        MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
        MicrosoftAppPassword: 'not-a-real-secret',
        CONSENT_TOKEN_SECRET: 'x'.repeat(40),
        PUBLIC_BASE_URL: 'https://bot.example.com',
      }),
      { logger, db: await createTestDatabase(), host: '127.0.0.1' },
    );
    try {
      const post = (path: string) => fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message' }) });
      expect((await post('/v3/directline/tokens/generate')).status).toBe(404);
      expect((await post('/v3/directline/conversations')).status).toBe(404);
      expect((await post(`${CONNECTOR_PREFIX}/v3/conversations/x/activities`)).status).toBe(404);
      expect((await fetch(`${app.url}/chat`)).status).toBe(404);
      expect((await fetch(`${app.url}/chat/webchat.js`)).status).toBe(404);
    } finally {
      await app.stop();
    }
  });
});
