/**
 * How the local Direct Line channel gives /chat cards that change in place, as Teams does with
 * Universal Actions. Web Chat 4.18 draws only `Action.Submit` (and OpenUrl) buttons, and a Submit
 * says nothing about the card it was on; so the channel writes that card's activity id into the
 * data of each of its Submit buttons before the page sees it. A message whose value carries it is
 * a button on that card: the channel runs it through the bot as an `adaptiveCard/action` invoke and
 * puts the invoke's answer in place of the card (the same id again, which Web Chat redraws in
 * place). Other clients (the Bot Framework Emulator) never see the key and post a new card as before.
 */

/** The key in a Submit's data naming the card it is on; nothing the bot's cards use. */
export const CARD_ACTIVITY_KEY = 'mci:cardActivityId';

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tagSubmits(node: unknown, activityId: string): unknown {
  if (Array.isArray(node)) return node.map((item) => tagSubmits(item, activityId));
  if (!isRecord(node)) return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) copy[key] = tagSubmits(value, activityId);
  if (node.type === 'Action.Submit' && isRecord(node.data)) copy.data = { ...node.data, [CARD_ACTIVITY_KEY]: activityId };
  return copy;
}

/** The activity with every Submit of its Adaptive Cards naming the activity. */
export function tagCardActions(activity: Json, activityId: string): Json {
  const { attachments } = activity;
  if (!Array.isArray(attachments)) return activity;
  return {
    ...activity,
    attachments: attachments.map((attachment: unknown) =>
      isRecord(attachment) && attachment.contentType === ADAPTIVE_CARD ? { ...attachment, content: tagSubmits(attachment.content, activityId) } : attachment,
    ),
  };
}

/** A card button's press, read from a posted message's value: the card it was on, its verb and its data. */
export interface CardPress {
  cardActivityId: string;
  verb: string;
  data: Json;
}

export function cardPress(value: unknown): CardPress | null {
  if (!isRecord(value)) return null;
  const { [CARD_ACTIVITY_KEY]: cardActivityId, ...data } = value;
  if (typeof cardActivityId !== 'string' || typeof data.action !== 'string') return null;
  return { cardActivityId, verb: data.action, data };
}

/** The card of an invoke answer (`{ statusCode: 200, type: card, value }`), if that is what it is. */
export function answeredCard(body: unknown): Json | null {
  if (!isRecord(body) || body.statusCode !== 200 || body.type !== ADAPTIVE_CARD || !isRecord(body.value)) return null;
  return body.value;
}

export function cardAttachment(card: Json): Json {
  return { contentType: ADAPTIVE_CARD, content: card };
}
