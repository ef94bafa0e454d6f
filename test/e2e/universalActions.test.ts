import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { CLAIM_NOT_VISIBLE_MESSAGE } from '../../bot/mciBot';
import { DEMO } from '../../prisma/demoData';
import { cardOf, messageActivity, postActivity } from '../support/activities';
import { CaptureConnector } from '../support/captureConnector';
import { adaptiveCardErrors } from '../support/cardSchema';
import { createDemoDatabase } from '../support/testDatabase';

const logger = pino({ level: 'silent' });

type Json = Record<string, unknown>;

interface ExecuteAction {
  title: string;
  verb: string;
  data: Json;
  fallback: Json;
}

/** Every Action.Execute of a card (not looking inside fallbacks), and every Submit that is not a fallback. */
function actionsOf(card: unknown): { executes: ExecuteAction[]; bareSubmits: Json[] } {
  const executes: ExecuteAction[] = [];
  const bareSubmits: Json[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const record = node as Json;
    if (record.type === 'Action.Execute') {
      executes.push(record as unknown as ExecuteAction);
      return;
    }
    if (record.type === 'Action.Submit') bareSubmits.push(record);
    Object.values(record).forEach(walk);
  };
  walk(card);
  return { executes, bareSubmits };
}

/** What a client sends of a card's inputs untouched: their default values, by id. */
function defaultInputs(card: unknown): Json {
  const values: Json = {};
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const record = node as Json;
    if (typeof record.type === 'string' && record.type.startsWith('Input.') && typeof record.id === 'string' && record.value !== undefined && record.value !== '') values[record.id] = record.value;
    Object.values(record).forEach(walk);
  };
  walk(card);
  return values;
}

function button(card: unknown, title: string | RegExp): ExecuteAction {
  const found = actionsOf(card).executes.find((action) => (typeof title === 'string' ? action.title === title : title.test(action.title)));
  if (!found) throw new Error(`no "${String(title)}" button in ${JSON.stringify(card).slice(0, 400)}`);
  return found;
}

describe('Universal Actions over the protocol: Teams buttons are Action.Execute, and the card acted on is answered in place', () => {
  let app: RunningApp | undefined;
  const connector = new CaptureConnector();
  let serviceUrl = '';

  beforeAll(async () => {
    serviceUrl = await connector.start();
    app = await startApp(loadConfig({ PORT: '0', SCHEDULER_INTERVAL_SECONDS: '3600' }), { logger, db: await createDemoDatabase(), host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.stop();
    await connector.stop();
  });

  function running(): RunningApp {
    if (!app) throw new Error('app not started');
    return app;
  }

  function teams(activity: Json, conversationType = 'personal'): Json {
    const conversation = activity.conversation as Json;
    return { ...activity, channelId: 'msteams', conversation: { ...conversation, conversationType } };
  }

  /** The bot's answers since `from`: proactive notifications (the scheduler's) are no reply to anything. */
  function replies(from: number) {
    return connector.activities.slice(from).filter((activity) => typeof activity.body.replyToId === 'string');
  }

  /** A typed message from Teams; returns the cards the bot posted for it. */
  async function say(text: string, aadObjectId: string, conversationId: string, channel: 'msteams' | 'emulator' = 'msteams'): Promise<Json[]> {
    const before = connector.activities.length;
    const activity = messageActivity({ serviceUrl, text, aadObjectId, conversationId });
    const res = await postActivity(running().url, channel === 'msteams' ? teams(activity) : activity);
    expect(res.status).toBe(200);
    return replies(before).map((reply) => cardOf(reply.body)).filter((card): card is Json => card !== undefined);
  }

  /** An `adaptiveCard/action` invoke as Teams sends it when an Action.Execute is selected (inputs merged into data). */
  async function execute(action: { verb: string; data: Json }, aadObjectId: string, conversationId: string, inputs: Json = {}, conversationType = 'personal'): Promise<{ status: number; body: Json }> {
    const base = messageActivity({ serviceUrl, aadObjectId, conversationId });
    const invoke = teams({ ...base, type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: action.verb, data: { ...action.data, ...inputs } }, trigger: 'manual' } }, conversationType);
    const res = await postActivity(running().url, invoke);
    return { status: res.status, body: (await res.json()) as Json };
  }

  /** The card of an invoke answer, checked to be the answer Teams expects. */
  function answerCard(answer: { status: number; body: Json }): Json {
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    const card = answer.body.value as Json;
    expect(adaptiveCardErrors(card)).toEqual([]);
    return card;
  }

  it('sends Teams every button as Action.Execute (verb and data) with the same Action.Submit as fallback; the Emulator keeps Submit', async () => {
    const [card] = await say('customers azure migrate', DEMO.users.userA, 'ua-shape');
    const { executes, bareSubmits } = actionsOf(card);
    expect(bareSubmits).toEqual([]);
    const complete = button(card, 'Complete');
    expect(complete).toMatchObject({ verb: 'showTab', data: { action: 'showTab', engagementId: DEMO.engagements.azureMigrate, tab: 'complete' } });
    expect(complete.fallback).toMatchObject({ type: 'Action.Submit', title: 'Complete', data: complete.data });
    expect(executes.length).toBeGreaterThan(3);

    const [emulatorCard] = await say('customers azure migrate', DEMO.users.userA, 'ua-shape-emulator', 'emulator');
    expect(actionsOf(emulatorCard).executes).toEqual([]);
  });

  it('answers a tab switch invoke with the new tab as the updated card, posting nothing new to the conversation', async () => {
    const [page] = await say('customers azure migrate', DEMO.users.userA, 'ua-tabs');
    const before = connector.activities.length;
    const card = answerCard(await execute(button(page, 'Complete'), DEMO.users.userA, 'ua-tabs'));
    expect(JSON.stringify(card)).toContain('Complete claims');
    expect(JSON.stringify(card)).toContain(DEMO.claims.contosoMigrateCompleted);
    expect(button(card, 'Eligible').verb).toBe('showTab');
    expect(connector.activities.length).toBe(before);
  });

  it('refuses an invoke that is no Action.Execute as a bad request (400, not a failure of the bot), running nothing', async () => {
    const base = messageActivity({ serviceUrl, aadObjectId: DEMO.users.userA, conversationId: 'ua-malformed' });
    const before = connector.activities.length;
    const res = await postActivity(running().url, teams({ ...base, type: 'invoke', name: 'adaptiveCard/action', value: { trigger: 'manual' } }));
    expect(res.status).toBe(400);
    expect(connector.activities.length).toBe(before);
  });

  it('shows a refused action on the card itself: an unknown verb answers with why, and no buttons', async () => {
    const card = answerCard(await execute({ verb: 'noSuchThing', data: {} }, DEMO.users.userA, 'ua-refused'));
    expect(JSON.stringify(card)).toContain('from an earlier card or not one of mine');
    expect(actionsOf(card).executes).toEqual([]);
  });

  /**
   * Add customer (First Up Consultants on the Security Workshop) from the Customers page, then three tab
   * switches, once by Submit messages (each answer a new card) and once by Execute invokes (each
   * answer replacing the card acted on). Returns the cards posted to the conversation.
   */
  async function addCustomerAndSwitchTabs(conversationId: string, mode: 'submit' | 'execute', aadObjectId: string, customer: { domain: string; name: string; email: string }): Promise<number> {
    const start = connector.activities.length;
    let [card] = await say('customers threat protection', aadObjectId, conversationId);
    const act = async (action: ExecuteAction, typed: Json = {}): Promise<Json> => {
      const inputs = { ...defaultInputs(card), ...typed };
      if (mode === 'execute') return answerCard(await execute(action, aadObjectId, conversationId, inputs));
      const before = connector.activities.length;
      const res = await postActivity(running().url, teams(messageActivity({ serviceUrl, value: { ...action.fallback.data as Json, ...inputs }, aadObjectId, conversationId })));
      expect(res.status).toBe(200);
      const cards = replies(before).map((reply) => cardOf(reply.body)).filter((found): found is Json => found !== undefined);
      expect(cards.length).toBeGreaterThan(0);
      return cards[0] as Json;
    };
    card = await act(button(card, 'Add customer'));
    expect(JSON.stringify(card)).toContain('Which customer?');
    card = await act(button(card, 'Next'), { customerId: customer.domain });
    expect(JSON.stringify(card)).toContain('Claim name and contacts');
    card = await act(button(card, 'Next'), { customerName: customer.name, customerEmail: customer.email });
    expect(JSON.stringify(card)).toContain('Review: add customer');
    card = await act(button(card, 'Add customer'));
    expect(JSON.stringify(card)).toContain('Customer added');
    // The finished flow shows its outcome; the review's buttons are gone from it.
    expect(actionsOf(card).executes.map((action) => action.verb)).not.toContain('confirmAddCustomer');
    [card] = await say('customers threat protection', aadObjectId, conversationId);
    for (const tab of ['Ineligible', 'Complete', 'Eligible']) {
      card = await act(button(card, tab));
      expect(JSON.stringify(card)).toContain(`${tab === 'Complete' ? 'Complete claims' : `${tab} customers`}`);
    }
    return replies(start).filter((reply) => cardOf(reply.body) !== undefined).length;
  }

  it('leaves two cards after a full Add customer flow and three tab switches by Execute (the two typed commands), where Submit left one per step', async () => {
    const firstUp = { domain: 'firstupconsultants.com', name: 'Tomas Oliveira', email: 'tomas.oliveira@firstupconsultants.com' };
    const bestForYou = { domain: 'bestforyouorganic.com', name: 'Nora Vega', email: 'nora.vega@bestforyouorganic.com' };
    const bySubmit = await addCustomerAndSwitchTabs(`ua-count-submit-${randomUUID()}`, 'submit', DEMO.users.adminA, firstUp);
    const byExecute = await addCustomerAndSwitchTabs(`ua-count-execute-${randomUUID()}`, 'execute', DEMO.users.adminA, bestForYou);
    expect({ bySubmit, byExecute }).toEqual({ bySubmit: 9, byExecute: 2 });
  });

  it('refreshes a claim card to the claim as it is now, for its partner only; the refresh does not disturb a flow in progress', async () => {
    const claimId = DEMO.claims.contosoDataAiClaimed;
    const [card] = await say(`status ${claimId}`, DEMO.users.adminA, 'ua-refresh');
    expect(card?.refresh).toMatchObject({ action: { type: 'Action.Execute', verb: 'refreshClaim', data: { claimId } } });
    // A personal chat refreshes for its one member; no userIds needed.
    expect((card?.refresh as Json).userIds).toBeUndefined();
    expect(JSON.stringify(card)).toContain('Cancel claim');
    const refresh = (card?.refresh as Json).action as ExecuteAction;

    // Meanwhile the conversation is in the middle of adding a customer.
    const [whichCustomer] = await say('add customer', DEMO.users.adminA, 'ua-refresh');
    expect(JSON.stringify(whichCustomer)).toContain('Which customer?');

    await running().db.prisma.claim.update({ where: { id: claimId }, data: { status: 'CANCELED', closedAt: new Date(), closeReason: 'Customer withdrew' } });
    const refreshed = answerCard(await execute(refresh, DEMO.users.adminA, 'ua-refresh'));
    const text = JSON.stringify(refreshed);
    expect(text).toContain('Canceled');
    expect(text).not.toContain('Cancel claim');
    expect(refreshed.refresh).toMatchObject({ action: { verb: 'refreshClaim', data: { claimId } } });

    // The flow carries on where it was.
    const contacts = answerCard(await execute(button(whichCustomer, 'Next'), DEMO.users.adminA, 'ua-refresh', { customerId: 'firstupconsultants.com' }));
    expect(JSON.stringify(contacts)).toMatch(/Claim name and contacts|already/);

    // Someone of partner B, looking at a forwarded copy, gets nothing of it.
    const other = answerCard(await execute(refresh, DEMO.users.adminB, `ua-refresh-b-${randomUUID()}`));
    expect(JSON.stringify(other)).toContain(CLAIM_NOT_VISIBLE_MESSAGE);
    expect(JSON.stringify(other)).not.toContain('Contoso');
    expect(actionsOf(other).executes).toEqual([]);
    expect(other.refresh).toBeUndefined();
  });

  it('limits a claim card’s automatic refresh in a group chat to the user who asked', async () => {
    const base = messageActivity({ serviceUrl, text: `status ${DEMO.claims.tailspinMigrateConsentRequested}`, aadObjectId: DEMO.users.userA, conversationId: 'ua-group', userId: '29:user-a' });
    const before = connector.activities.length;
    expect((await postActivity(running().url, teams(base, 'groupChat'))).status).toBe(200);
    const card = cardOf(connector.activities[before]?.body ?? {});
    expect(card?.refresh).toMatchObject({ userIds: ['29:user-a'] });
  });
});
