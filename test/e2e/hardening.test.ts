import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { ConversationStateStore } from '../../bot/conversationStateStore';
import { REPLY_TOO_LARGE_MESSAGE, STATE_RESET_MESSAGE } from '../../bot/mciBot';
import { DEMO } from '../../prisma/demoData';
import { submitActions } from '../support/cardActions';
import { CaptureConnector } from '../support/captureConnector';
import { cardOf, messageActivity, postActivity } from '../support/activities';
import { createDemoDatabase } from '../support/testDatabase';

const logger = pino({ level: 'silent' });

/**
 * Issue 19 through the real HTTP server: text PostgreSQL cannot store is cleaned at the edge, a
 * conversation whose state cannot be saved starts over, and echoed text stays within Teams' limits.
 */
describe('user text at the edge, through the real server (local mode)', () => {
  let app: RunningApp | undefined;
  const connector = new CaptureConnector();
  let serviceUrl: string;

  beforeAll(async () => {
    serviceUrl = await connector.start();
    app = await startApp(loadConfig({ PORT: '0' }), { logger, db: await createDemoDatabase(), host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.stop();
    await connector.stop();
  });

  afterEach(() => jest.restoreAllMocks());

  function running(): RunningApp {
    if (!app) throw new Error('app not started');
    return app;
  }

  interface Turn {
    /** Every reply's text and card, as one string for assertions. */
    text: string;
    bodies: Record<string, unknown>[];
    cards: Record<string, unknown>[];
  }

  async function say(conversationId: string, message: { text?: string; value?: Record<string, unknown> }, aadObjectId: string = DEMO.users.userA): Promise<Turn> {
    const before = connector.activities.length;
    const res = await postActivity(running().url, messageActivity({ serviceUrl, conversationId, aadObjectId, ...message }));
    expect(res.status).toBe(200);
    await connector.waitFor(before + 1);
    const bodies = connector.activities.slice(before).filter((a) => a.conversationId === conversationId).map((a) => a.body);
    const cards = bodies.flatMap((body) => { const card = cardOf(body); return card ? [card] : []; });
    return { text: bodies.map((body) => `${typeof body.text === 'string' ? body.text : ''} ${JSON.stringify(cardOf(body) ?? {})}`).join('\n'), bodies, cards };
  }

  function lastCard(turn: Turn): Record<string, unknown> {
    const card = turn.cards[turn.cards.length - 1];
    if (!card) throw new Error(`no card in: ${turn.text}`);
    return card;
  }

  function detailsSubmission(card: Record<string, unknown>, change: Record<string, string>): Record<string, unknown> {
    const values: Record<string, unknown> = { action: 'submitDetails' };
    for (const element of card.body as Record<string, unknown>[]) {
      if (typeof element.id === 'string') values[element.id] = element.value ?? '';
    }
    return { ...values, ...change };
  }

  function confirmData(card: Record<string, unknown>, action: string): Record<string, unknown> {
    const data = submitActions(card).find((a) => a.data.action === action)?.data;
    if (!data) throw new Error(`no ${action} button`);
    return data;
  }

  it.each([
    ['a NUL', 'a\u0000b', 'ab', DEMO.engagements.azureMigrate],
    ['a lone surrogate', '\ud800', '\ufffd', DEMO.engagements.security],
  ])('Claim customer details with %s in the claim name: the flow continues, the claim is stored cleaned, and later turns work', async (_what, friendlyName, stored, engagementId) => {
    const conversation = `e2e-clean-${engagementId}`;
    const first = await say(conversation, { value: { action: 'claimCustomer', customerId: DEMO.customers.contoso, engagementId } });
    const review = await say(conversation, { value: detailsSubmission(lastCard(first), { friendlyName }) });
    expect(review.text).not.toContain('went wrong');
    const done = await say(conversation, { value: confirmData(lastCard(review), 'confirmClaimCustomer') });
    expect(done.text).toContain('Customer claimed');
    const claim = await running().db.prisma.claim.findFirstOrThrow({ where: { customerId: DEMO.customers.contoso, engagementId, openClaimKey: { not: null } } });
    expect(claim.friendlyName).toBe(stored);
    const later = await say(conversation, { text: 'my claims' });
    expect(later.text).not.toContain('went wrong');
    expect(later.text).toContain(claim.id);
  });

  it('a conversation whose state cannot be saved starts over with a clear message, and its next turns work', async () => {
    const conversation = 'e2e-poisoned-state';
    const first = await say(conversation, { value: { action: 'claimCustomer', customerId: DEMO.customers.contoso, engagementId: DEMO.engagements.copilot } });
    // What PostgreSQL answers for a value its JSON cannot hold, on the one write of this turn's dialog state.
    jest.spyOn(ConversationStateStore.prototype, 'write').mockRejectedValueOnce(new Error('22P05: unsupported Unicode escape sequence'));
    const poisoned = await say(conversation, { value: detailsSubmission(lastCard(first), {}) });
    expect(poisoned.text).toContain(STATE_RESET_MESSAGE);
    expect(poisoned.text).not.toContain('went wrong');
    const row = await running().db.prisma.botState.findMany({ where: { key: { contains: conversation } } });
    expect(row.map((r) => JSON.stringify(r))).not.toContainEqual(expect.stringContaining('claimCustomer'));
    const next = await say(conversation, { text: 'help' });
    expect(next.text).not.toContain('went wrong');
    expect(next.cards.length).toBeGreaterThan(0);
    const again = await say(conversation, { value: { action: 'claimCustomer', customerId: DEMO.customers.contoso, engagementId: DEMO.engagements.copilot } });
    expect(again.text).not.toContain('went wrong');
    expect(again.text).not.toContain(STATE_RESET_MESSAGE);
  });

  it('900 KB of unknown text gets a small reply that quotes at most 60 characters of it', async () => {
    const turn = await say('e2e-huge-text', { text: `nonsense ${'x'.repeat(900 * 1024)}` });
    const sizes = turn.bodies.map((body) => Buffer.byteLength(JSON.stringify(body)));
    expect(Math.max(...sizes)).toBeLessThan(100 * 1024);
    // The echo is the title of the short "I don't know" card.
    const titles = turn.cards.flatMap((card) => (card.body as { text?: unknown }[]).map((element) => element.text));
    const echo = titles.find((text): text is string => typeof text === 'string' && text.startsWith("I don't know"));
    expect(echo).toBeDefined();
    expect(echo?.length).toBeLessThan(120);
    expect(echo).toContain('…');
    expect(turn.text).not.toContain(REPLY_TOO_LARGE_MESSAGE);
  });
});
