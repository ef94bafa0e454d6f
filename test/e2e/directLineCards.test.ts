import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { CONNECTOR_PREFIX } from '../../bot/directLine';
import { CARD_ACTIVITY_KEY } from '../../bot/directLineCards';
import { DEMO } from '../../prisma/demoData';
import { cardOf } from '../support/activities';
import { submitActions } from '../support/cardActions';
import { createDemoDatabase } from '../support/testDatabase';
import { requestJson } from '../support/requestJson';

const logger = pino({ level: 'silent' });

type Activity = Record<string, unknown> & { id: string; type: string; from: { role?: string } };

describe('cards that change in place in the local Direct Line channel (/chat)', () => {
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

  async function start(user: string): Promise<{ conversationId: string; token: string }> {
    const generated = await json('/v3/directline/tokens/generate', { method: 'POST', body: { user: { id: user, name: 'Adele Vance' } } });
    const session = { conversationId: String(generated.body.conversationId), token: String(generated.body.token) };
    expect((await json('/v3/directline/conversations', { method: 'POST', token: session.token })).status).toBe(201);
    return session;
  }

  async function poll(session: { conversationId: string; token: string }, watermark: string): Promise<{ activities: Activity[]; watermark: string }> {
    const page = await json(`/v3/directline/conversations/${session.conversationId}/activities${watermark ? `?watermark=${watermark}` : ''}`, { token: session.token });
    return { activities: page.body.activities as Activity[], watermark: String(page.body.watermark) };
  }

  async function until(session: { conversationId: string; token: string }, watermark: string, predicate: (activities: Activity[]) => boolean): Promise<{ activities: Activity[]; watermark: string }> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const page = await poll(session, watermark);
      if (predicate(page.activities)) return page;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the expected activities never arrived');
  }

  it('answers a card button in place: the same activity comes again with the new card, and no new card is added', async () => {
    const session = await start(DEMO.users.userA);
    const welcome = await until(session, '', (activities) => activities.some((a) => a.from.role === 'bot'));
    await json(`/v3/directline/conversations/${session.conversationId}/activities`, { method: 'POST', token: session.token, body: { type: 'message', text: 'customers azure migrate' } });
    const page = await until(session, welcome.watermark, (activities) => activities.some((a) => JSON.stringify(cardOf(a) ?? {}).includes('Eligible customers')));
    const pageCard = page.activities.find((a) => JSON.stringify(cardOf(a) ?? {}).includes('Eligible customers'));
    if (!pageCard) throw new Error('no Customers page card');
    const complete = submitActions(cardOf(pageCard)).find((action) => action.title === 'Complete');
    // Each button names its card, so that pressing it can act on that card.
    expect(complete?.data).toMatchObject({ action: 'showTab', tab: 'complete', [CARD_ACTIVITY_KEY]: pageCard.id });

    // Web Chat posts a Submit as a message whose value is the button's data.
    const pressed = await json(`/v3/directline/conversations/${session.conversationId}/activities`, { method: 'POST', token: session.token, body: { type: 'message', value: complete?.data } });
    expect(pressed.status).toBe(200);
    const after = await until(session, page.watermark, (activities) => activities.some((a) => a.id === pageCard.id));
    const updated = after.activities.find((a) => a.id === pageCard.id);
    expect(updated?.timestamp).toBe(pageCard.timestamp);
    expect(JSON.stringify(cardOf(updated ?? { id: '' }))).toContain('Complete claims');
    expect(submitActions(cardOf(updated ?? { id: '' })).find((action) => action.title === 'Eligible')?.data[CARD_ACTIVITY_KEY]).toBe(pageCard.id);
    // Only the echo of the press and the updated card: no new bot message.
    expect(after.activities.filter((a) => a.from.role === 'bot').map((a) => a.id)).toEqual([pageCard.id]);
  });

  it('lets the bot update an activity through the connector (updateActivity), and refuses one it does not know', async () => {
    const session = await start(DEMO.users.userA);
    const welcome = await until(session, '', (activities) => activities.some((a) => a.from.role === 'bot'));
    const first = welcome.activities.find((a) => a.from.role === 'bot');
    if (!first) throw new Error('no welcome');
    const put = (activityId: string) =>
      fetch(url(`${CONNECTOR_PREFIX}/v3/conversations/${session.conversationId}/activities/${encodeURIComponent(activityId)}`), {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', id: activityId, text: 'Replaced' }),
      });
    expect((await put(first.id)).status).toBe(200);
    const after = await until(session, welcome.watermark, (activities) => activities.some((a) => a.id === first.id));
    expect(after.activities.find((a) => a.id === first.id)).toMatchObject({ text: 'Replaced', timestamp: first.timestamp });
    expect((await put(`${session.conversationId}|${randomUUID()}`)).status).toBe(404);
  });
});
