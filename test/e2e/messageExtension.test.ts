import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { CLAIM_NOT_VISIBLE_MESSAGE } from '../../bot/mciBot';
import { DEMO } from '../../prisma/demoData';
import { SHARE_HINT } from '../../dialogs/helpCard';
import { cardOf, messageActivity, postActivity } from '../support/activities';
import { CaptureConnector } from '../support/captureConnector';
import { adaptiveCardErrors } from '../support/cardSchema';
import { createDemoDatabase } from '../support/testDatabase';

const logger = pino({ level: 'silent' });
const PUBLIC_BASE_URL = 'https://mci-bot.contoso.example/base';

type Json = Record<string, unknown>;

interface Attachment {
  contentType: string;
  content: Json;
  preview?: { contentType: string; content: Json };
}

interface ComposeResult {
  type: string;
  attachmentLayout?: string;
  attachments?: Attachment[];
  text?: string;
}

/** The claim id shown on a shared claim card (its "Claim" fact). */
function claimIdOf(card: Json): string {
  const match = /"title":"Claim","value":"(CLM-[A-Z0-9]+)"/.exec(JSON.stringify(card));
  if (!match?.[1]) throw new Error(`no claim id on ${JSON.stringify(card).slice(0, 300)}`);
  return match[1];
}

describe('Message extension over the protocol: search and share claims, and claim links unfurled, each for its own partner only', () => {
  let app: RunningApp | undefined;
  const connector = new CaptureConnector();
  let serviceUrl = '';

  beforeAll(async () => {
    serviceUrl = await connector.start();
    app = await startApp(loadConfig({ PORT: '0', SCHEDULER_INTERVAL_SECONDS: '3600', PUBLIC_BASE_URL }), { logger, db: await createDemoDatabase(), host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.stop();
    await connector.stop();
  });

  function running(): RunningApp {
    if (!app) throw new Error('app not started');
    return app;
  }

  /** An invoke as Teams posts it from the compose box of a group chat the bot is not in. */
  async function invoke(name: string, value: unknown, aadObjectId: string): Promise<{ status: number; body: Json }> {
    const base = messageActivity({ serviceUrl, aadObjectId, conversationId: `19:chat-${randomUUID()}@thread.v2` });
    const activity = { ...base, channelId: 'msteams', type: 'invoke', name, value, conversation: { ...(base.conversation as Json), conversationType: 'groupChat' } };
    const res = await postActivity(running().url, activity);
    const text = await res.text();
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Json) };
  }

  async function search(text: string, aadObjectId: string, queryOptions: Json = { skip: 0, count: 25 }): Promise<ComposeResult> {
    const answer = await invoke('composeExtension/query', { commandId: 'searchClaims', parameters: [{ name: 'query', value: text }], queryOptions }, aadObjectId);
    expect(answer.status).toBe(200);
    return answer.body.composeExtension as ComposeResult;
  }

  async function unfurl(url: string, aadObjectId: string): Promise<ComposeResult> {
    const answer = await invoke('composeExtension/queryLink', { url }, aadObjectId);
    expect(answer.status).toBe(200);
    return answer.body.composeExtension as ComposeResult;
  }

  function cards(result: ComposeResult): Json[] {
    expect(result.type).toBe('result');
    return (result.attachments ?? []).map((attachment) => {
      expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
      return attachment.content;
    });
  }

  async function partnerOf(claimIds: string[]): Promise<Set<string>> {
    const rows = await running().db.prisma.claim.findMany({ where: { id: { in: claimIds } }, select: { partnerId: true } });
    return new Set(rows.map((row) => row.partnerId));
  }

  it("answers a search with the caller's own partner's claims as claim cards to share, each with a preview, View in chat and the refresh", async () => {
    const result = await search('contoso', DEMO.users.userA);
    const found = cards(result);
    expect(found.length).toBeGreaterThan(1);
    const ids = found.map(claimIdOf);
    expect(await partnerOf(ids)).toEqual(new Set([DEMO.partnerA]));
    expect(ids).not.toContain(DEMO.claims.contosoCopilotPartnerB);
    for (const [index, card] of found.entries()) {
      expect(adaptiveCardErrors(card)).toEqual([]);
      const claimId = ids[index];
      // Teams: Execute buttons with the Submit as fallback, and a refresh for every later viewer (no userIds).
      expect(card.actions).toEqual([expect.objectContaining({ type: 'Action.Execute', title: 'View in chat', verb: 'viewClaim', data: { action: 'viewClaim', claimId } })]);
      expect(card.refresh).toEqual({ action: { type: 'Action.Execute', verb: 'refreshClaim', data: { action: 'refreshClaim', claimId } } });
      expect(JSON.stringify(card)).toContain(`${PUBLIC_BASE_URL}/claims/${claimId}`);
      const preview = result.attachments?.[index]?.preview;
      expect(preview?.contentType).toBe('application/vnd.microsoft.card.thumbnail');
      expect(JSON.stringify(preview?.content)).toContain(claimId);
    }
    // Someone of partner B searching the same name sees only partner B's claim.
    expect(cards(await search('Contoso', DEMO.users.adminB)).map(claimIdOf)).toEqual([DEMO.claims.contosoCopilotPartnerB]);
  });

  it('finds by claim id, shows status, deadline and next step, and never finds another partner’s claim by its id', async () => {
    const [card] = cards(await search(DEMO.claims.tailspinMigrateConsentRequested.toLowerCase(), DEMO.users.userA));
    const text = JSON.stringify(card);
    expect(text).toContain('Consent requested');
    expect(text).toContain('Consent due by');
    expect(text).toContain('Next step');
    const other = await search(DEMO.claims.contosoCopilotPartnerB, DEMO.users.userA);
    expect(other.type).toBe('message');
    expect(other.text).toContain('No claim of Fabrikam Consulting matches');
    expect(JSON.stringify(other)).not.toContain('Trey');
  });

  it("pages by Teams' skip and count: the pages join into the whole list without repeats, and scrolling past the end gives nothing", async () => {
    const all = cards(await search('', DEMO.users.userA, { skip: 0, count: 25 })).map(claimIdOf);
    expect(all.length).toBeGreaterThan(8);
    const paged: string[] = [];
    for (let skip = 0; skip < all.length; skip += 4) paged.push(...cards(await search('', DEMO.users.userA, { skip, count: 4 })).map(claimIdOf));
    expect(paged).toEqual(all);
    const end = await search('', DEMO.users.userA, { skip: all.length, count: 4 });
    expect(end).toEqual({ type: 'result', attachmentLayout: 'list', attachments: [] });
    // The initial run (no typed text, Teams' initialRun parameter) lists the newest claims.
    const initial = await invoke('composeExtension/query', { commandId: 'searchClaims', parameters: [{ name: 'initialRun', value: 'true' }], queryOptions: { skip: 0, count: 3 } }, DEMO.users.userA);
    expect(cards(initial.body.composeExtension as ComposeResult).map(claimIdOf)).toEqual(all.slice(0, 3));
  });

  it('tells someone without a claim role, and someone unknown, why there are no results', async () => {
    const noRole = await search('contoso', DEMO.users.noRoleA);
    expect(noRole.type).toBe('message');
    expect(noRole.text).toContain('no incentives role');
    expect(noRole.attachments ?? []).toEqual([]);
    const stranger = await search('contoso', randomUUID());
    expect(stranger.type).toBe('message');
    expect(stranger.text).toContain("I don't know you yet");
    expect(JSON.stringify(stranger)).not.toContain('CLM-');
  });

  it('refuses a malformed query or link invoke as a bad request, before any turn runs', async () => {
    const before = connector.activities.length;
    expect((await invoke('composeExtension/query', { commandId: 'somethingElse', parameters: [] }, DEMO.users.userA)).status).toBe(400);
    expect((await invoke('composeExtension/query', { commandId: 'searchClaims', queryOptions: { skip: -1 } }, DEMO.users.userA)).status).toBe(400);
    expect((await invoke('composeExtension/queryLink', { link: 'x' }, DEMO.users.userA)).status).toBe(400);
    expect(connector.activities.length).toBe(before);
  });

  it("a shared card's View in chat and refresh show the claim to its partner, and nothing to another partner", async () => {
    const claimId = DEMO.claims.tailspinMigrateConsentRequested;
    const [card] = cards(await search(claimId, DEMO.users.userA));
    const refresh = (card?.refresh as { action: { verb: string; data: Json } }).action;
    const view = await invoke('adaptiveCard/action', { action: { type: 'Action.Execute', verb: refresh.verb, data: refresh.data }, trigger: 'automatic' }, DEMO.users.adminA);
    expect(view.status).toBe(200);
    expect(JSON.stringify(view.body)).toContain(claimId);
    const viewInChat = (card?.actions as { verb: string; data: Json }[])[0];
    if (!viewInChat) throw new Error('no View in chat');
    const opened = await invoke('adaptiveCard/action', { action: { type: 'Action.Execute', verb: viewInChat.verb, data: viewInChat.data }, trigger: 'manual' }, DEMO.users.userA);
    expect(opened.status).toBe(200);
    expect(JSON.stringify(opened.body)).toContain(claimId);
    expect(JSON.stringify(opened.body)).toContain('Customer contact');
    // The bot's claim card gives the link to paste elsewhere.
    expect(JSON.stringify(opened.body)).toContain(`Link to share: ${PUBLIC_BASE_URL}/claims/${claimId}`);
    const other = await invoke('adaptiveCard/action', { action: { type: 'Action.Execute', verb: refresh.verb, data: refresh.data }, trigger: 'automatic' }, DEMO.users.adminB);
    expect(JSON.stringify(other.body)).toContain(CLAIM_NOT_VISIBLE_MESSAGE);
    expect(JSON.stringify(other.body)).not.toContain('Tailspin');
  });

  it("unfurls a claim link of the bot host into the same claim card for its partner, and into nothing for another partner or another link", async () => {
    const claimId = DEMO.claims.tailspinMigrateConsentRequested;
    const link = `${PUBLIC_BASE_URL}/claims/${claimId}`;
    const own = await unfurl(link, DEMO.users.userA);
    const [card] = cards(own);
    expect(own.attachments).toHaveLength(1);
    expect(claimIdOf(card ?? {})).toBe(claimId);
    expect(card?.refresh).toMatchObject({ action: { verb: 'refreshClaim', data: { claimId } } });
    expect(adaptiveCardErrors(card ?? {})).toEqual([]);
    const [searched] = cards(await search(claimId, DEMO.users.userA));
    expect(card).toEqual(searched);

    for (const [who, url] of [
      [DEMO.users.adminB, link],
      [DEMO.users.noRoleA, link],
      [DEMO.users.userA, `https://elsewhere.example/base/claims/${claimId}`],
      [DEMO.users.adminB, `${PUBLIC_BASE_URL}/claims/${DEMO.claims.contosoCopilotPartnerB.toLowerCase()}x`],
    ] as const) {
      const nothing = await unfurl(url, who);
      expect(nothing).toEqual({ type: 'result', attachmentLayout: 'list', attachments: [] });
    }
    // Partner B's own link does unfurl for partner B.
    expect(cards(await unfurl(`${PUBLIC_BASE_URL}/claims/${DEMO.claims.contosoCopilotPartnerB}`, DEMO.users.adminB)).map(claimIdOf)).toEqual([DEMO.claims.contosoCopilotPartnerB]);
  });

  it('records no conversation reference for the chats the compose box and shared cards are used in, not even a chat between two people', async () => {
    const before = await running().db.prisma.conversationReference.count();
    await search('contoso', DEMO.users.userA);
    await unfurl(`${PUBLIC_BASE_URL}/claims/${DEMO.claims.tailspinMigrateConsentRequested}`, DEMO.users.userA);
    // A shared card's refresh in a one-to-one chat between two people (Teams calls it "personal" too).
    const humanChat = `19:${randomUUID()}@unq.gbl.spaces`;
    const base = messageActivity({ serviceUrl, aadObjectId: DEMO.users.userA, conversationId: humanChat });
    const refresh = { ...base, channelId: 'msteams', type: 'invoke', name: 'adaptiveCard/action', conversation: { id: humanChat, conversationType: 'personal' }, value: { action: { type: 'Action.Execute', verb: 'refreshClaim', data: { action: 'refreshClaim', claimId: DEMO.claims.tailspinMigrateConsentRequested } }, trigger: 'automatic' } };
    expect((await postActivity(running().url, refresh)).status).toBe(200);
    expect(await running().db.prisma.conversationReference.count()).toBe(before);
    expect(await running().db.prisma.conversationReference.findUnique({ where: { conversationId: humanChat } })).toBeNull();
  });

  it('the welcome card tells claim workers where search and share is; someone without a role is not offered it', async () => {
    const welcome = async (aadObjectId: string): Promise<string> => {
      const conversationId = `me-help-${randomUUID()}`;
      const before = connector.activities.length;
      expect((await postActivity(running().url, { ...messageActivity({ serviceUrl, text: 'help', aadObjectId, conversationId }), channelId: 'msteams' })).status).toBe(200);
      return JSON.stringify(connector.activities.slice(before).map((activity) => cardOf(activity.body)));
    };
    expect(await welcome(DEMO.users.userA)).toContain(JSON.stringify(SHARE_HINT).slice(1, -1));
    expect(await welcome(DEMO.users.noRoleA)).not.toContain('compose box');
  });

  it('answers a claim link opened in a browser with a plain page that says to open it in Teams, the same for every id', async () => {
    const known = await fetch(`${running().url}/claims/${DEMO.claims.tailspinMigrateConsentRequested}`);
    expect(known.status).toBe(200);
    expect(known.headers.get('content-type')).toContain('text/html');
    expect(known.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await known.text();
    expect(html).toContain('Open this claim in Microsoft Teams');
    expect(html).not.toContain(DEMO.claims.tailspinMigrateConsentRequested);
    expect(html).not.toMatch(/Tailspin|Consent requested|Fabrikam/);
    expect(html).not.toContain('<script');
    const unknown = await fetch(`${running().url}/claims/CLM-NOSUCHONE`);
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toBe(html);
  });
});
