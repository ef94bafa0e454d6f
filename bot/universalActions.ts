import type { Activity, AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, TurnContext } from 'botbuilder';
import { REFRESH_CLAIM_ACTION } from '../cards/actions';

/**
 * Universal Actions at the edge: the cards and dialogs speak `Action.Submit` with `data.action` as
 * the verb; here, for the channels that support Universal Actions, every such button becomes an
 * `Action.Execute` (the same verb and data) with the Submit as its fallback for older clients, and
 * an `adaptiveCard/action` invoke is answered with the card the turn produced, so the card acted on
 * changes in place instead of a new one being posted.
 *
 * Teams and the Microsoft 365 Agents Playground (which presents itself as `msteams`) send the
 * invoke. Web Chat 4.18 draws only Submit and OpenUrl buttons, and the Bot Framework Emulator sends
 * no invoke: both keep the plain Submit cards (the /chat page updates its cards through the local
 * Direct Line channel instead, see bot/directLine.ts).
 */

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** Teams shows at most this many users their own automatic refresh in a large chat. */
export const MAX_REFRESH_USERS = 60;

export function supportsUniversalActions(channelId: string | undefined): boolean {
  return channelId === 'msteams';
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of the card in which every Submit that names a verb is an Execute with that Submit as fallback. */
export function toUniversalActions<T>(node: T): T {
  return rewrite(node) as T;
}

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (!isRecord(node)) return node;
  if (node.type === 'Action.Submit' && isRecord(node.data) && typeof node.data.action === 'string') {
    return { ...node, type: 'Action.Execute', verb: node.data.action, fallback: node };
  }
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) copy[key] = key === 'fallback' ? value : rewrite(value);
  return copy;
}

/** Removes the refresh definition: a channel that cannot answer it should not try. */
function withoutRefresh(card: Json): Json {
  return Object.fromEntries(Object.entries(card).filter(([key]) => key !== 'refresh'));
}

/**
 * The card as this channel should get it: Execute buttons and a refresh (limited, in group chats
 * and channels, to the user it was made for) where Universal Actions work; otherwise unchanged
 * but for the refresh, which only an Execute-capable client can act on.
 */
export function cardForChannel(card: Json, activity: Pick<Activity, 'channelId' | 'conversation' | 'from'>): Json {
  if (!supportsUniversalActions(activity.channelId)) return isRecord(card.refresh) ? withoutRefresh(card) : card;
  const rewritten = toUniversalActions(card);
  const refresh = rewritten.refresh;
  const conversationType = activity.conversation?.conversationType;
  const userId = activity.from?.id;
  if (isRecord(refresh) && conversationType && conversationType !== 'personal' && userId && !Array.isArray(refresh.userIds)) {
    // Beyond 60 members Teams refreshes only the listed users; the one who asked is the one who needs it.
    rewritten.refresh = { ...refresh, userIds: [userId].slice(0, MAX_REFRESH_USERS) };
  }
  return rewritten;
}

/** The activity with each Adaptive Card attachment made right for the channel it goes to. */
export function activityForChannel(outgoing: Partial<Activity>, incoming: Pick<Activity, 'channelId' | 'conversation' | 'from'>): Partial<Activity> {
  if (!outgoing.attachments?.some((attachment) => attachment.contentType === ADAPTIVE_CARD)) return outgoing;
  return {
    ...outgoing,
    attachments: outgoing.attachments.map((attachment) =>
      attachment.contentType === ADAPTIVE_CARD && isRecord(attachment.content) ? { ...attachment, content: cardForChannel(attachment.content, incoming) } : attachment,
    ),
  };
}

/** The refresh a claim card carries: the viewer's current view of that claim. */
export interface ClaimRefresh {
  claimId: string;
  /** What the card said when it was sent (a notification's headline), kept above the current view. */
  notice?: string;
}

export function claimRefreshData(data: Json): ClaimRefresh | null {
  if (data.action !== REFRESH_CLAIM_ACTION || typeof data.claimId !== 'string' || data.claimId === '') return null;
  return { claimId: data.claimId, ...(typeof data.notice === 'string' && data.notice !== '' ? { notice: data.notice } : {}) };
}

/** What a card button's invoke asks for, as the dialogs read a Submit: `activity.value` with `action` = the verb. */
export function submittedValue(invoke: AdaptiveCardInvokeValue): Json {
  const data = isRecord(invoke.action.data) ? invoke.action.data : {};
  return { ...data, action: invoke.action.verb };
}

/**
 * Collects the replies of an invoke turn instead of sending them: the first card the turn produces
 * is the invoke's answer (what the card acted on turns into), with any text said before it shown
 * at its top; what comes after it is sent as usual.
 */
export class InvokeReplies {
  private readonly captured: Partial<Activity>[] = [];
  private capturing = true;

  constructor(context: TurnContext) {
    context.onSendActivities(async (_context, activities, next) => {
      if (!this.capturing) return next();
      const kept = activities.filter((activity) => activity.type !== 'message' && activity.type !== undefined);
      this.captured.push(...activities.filter((activity) => !kept.includes(activity)));
      activities.splice(0, activities.length, ...kept);
      return kept.length > 0 ? next() : [];
    });
  }

  /**
   * Stops collecting; returns the answer card (null when the turn said nothing), whether the turn
   * drew a card of its own (or only said something), and the replies to send after it.
   */
  finish(): { card: Json | null; drawn: boolean; rest: Partial<Activity>[] } {
    this.capturing = false;
    const index = this.captured.findIndex((activity) => cardIn(activity) !== null);
    const before = index === -1 ? this.captured : this.captured.slice(0, index);
    const notices = before.map((activity) => activity.text).filter((text): text is string => typeof text === 'string' && text.trim() !== '');
    const card = index === -1 ? null : cardIn(this.captured[index] ?? {});
    const rest = index === -1 ? before.filter((activity) => !activity.text) : [...before.filter((activity) => !activity.text), ...this.captured.slice(index + 1)];
    if (card) return { card: withNotices(card, notices), drawn: true, rest };
    if (notices.length === 0) return { card: null, drawn: false, rest };
    return { card: { type: 'AdaptiveCard', version: '1.5', body: noticeBlocks(notices) }, drawn: false, rest };
  }
}

function cardIn(activity: Partial<Activity>): Json | null {
  const attachment = activity.attachments?.find((candidate) => candidate.contentType === ADAPTIVE_CARD);
  return attachment && isRecord(attachment.content) ? attachment.content : null;
}

function noticeBlocks(notices: readonly string[]): Json[] {
  return notices.map((text) => ({ type: 'TextBlock', text, wrap: true }));
}

/** The card with the turn's earlier messages at its top, set off from it by a separator. */
export function withNotices(card: Json, notices: readonly string[]): Json {
  if (notices.length === 0) return card;
  const body: unknown[] = Array.isArray(card.body) ? card.body : [];
  const [first, ...others] = body;
  const setOff = isRecord(first) ? [{ ...first, separator: true, spacing: 'Medium' }, ...others] : body;
  return { ...card, body: [...noticeBlocks(notices), ...setOff] };
}

export function cardResponse(card: Json): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: ADAPTIVE_CARD, value: card };
}
