import type { Activity, MessagingExtensionResult } from 'botbuilder';
import { z } from 'zod';
import { SEARCH_COMMAND_ID, SEARCH_PARAMETER, type ClaimSearchQuery } from '../dialogs/messageExtension';
import { MAX_SEARCH_TEXT } from '../services/claims';
import { toUniversalActions } from './universalActions';

/**
 * The message extension's invokes at the edge: `composeExtension/query` (the compose box's search)
 * and `composeExtension/queryLink` (a pasted link of the bot's host) are read with zod before any
 * turn runs, and a body that is not one of them is refused as a bad request.
 */

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** Teams shows 25 results a page and scrolls by `skip`. */
const DEFAULT_COUNT = 25;

const Parameter = z.looseObject({ name: z.string().max(100), value: z.unknown().optional() });

const QueryValue = z.looseObject({
  commandId: z.literal(SEARCH_COMMAND_ID),
  parameters: z.array(Parameter).max(10).optional(),
  queryOptions: z.looseObject({ skip: z.number().int().min(0).optional(), count: z.number().int().min(1).optional() }).optional(),
});

const LinkValue = z.looseObject({ url: z.string().min(1).max(2048) });

export const QUERY_INVOKE = 'composeExtension/query';
export const QUERY_LINK_INVOKE = 'composeExtension/queryLink';

export function isComposeExtensionInvoke(activity: Pick<Activity, 'type' | 'name'>): boolean {
  return activity.type === 'invoke' && (activity.name === QUERY_INVOKE || activity.name === QUERY_LINK_INVOKE);
}

/** What is wrong with a compose extension invoke's body, or null when it is one the bot answers. */
export function composeExtensionProblem(activity: Pick<Activity, 'name' | 'value'>): string | null {
  if (activity.name === QUERY_INVOKE) {
    return QueryValue.safeParse(activity.value).success ? null : `A ${QUERY_INVOKE} invoke carries value.commandId "${SEARCH_COMMAND_ID}", its parameters and queryOptions.`;
  }
  return LinkValue.safeParse(activity.value).success ? null : `A ${QUERY_LINK_INVOKE} invoke carries value.url, the link pasted.`;
}

/** The search a `composeExtension/query` asks for: the typed text (empty on the initial run), skip and count. */
export function searchQuery(value: unknown): ClaimSearchQuery {
  const parsed = QueryValue.parse(value);
  const typed = parsed.parameters?.find((parameter) => parameter.name === SEARCH_PARAMETER)?.value;
  return {
    text: typeof typed === 'string' ? typed.trim().slice(0, MAX_SEARCH_TEXT) : '',
    skip: parsed.queryOptions?.skip ?? 0,
    count: parsed.queryOptions?.count ?? DEFAULT_COUNT,
  };
}

export function linkQueryUrl(value: unknown): string {
  return LinkValue.parse(value).url;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The result with each claim card's buttons as Action.Execute (Submit as fallback): a card shared
 * into a chat is acted on and refreshed in place there. Its refresh names no users, so every
 * viewer of the chat (up to Teams' limit) sees their own view.
 */
export function shapedResult(result: MessagingExtensionResult): MessagingExtensionResult {
  if (!result.attachments) return result;
  return {
    ...result,
    attachments: result.attachments.map((attachment) =>
      attachment.contentType === ADAPTIVE_CARD && isRecord(attachment.content) ? { ...attachment, content: toUniversalActions(attachment.content) } : attachment,
    ),
  };
}
