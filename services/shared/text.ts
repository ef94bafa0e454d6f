import { z } from 'zod';

/**
 * Text from users, made safe at the edge: capped at what Teams itself would ever send (so no
 * pattern sees more) and cleaned of what PostgreSQL cannot store (a NUL, a lone UTF-16 surrogate:
 * its JSON and text types reject both, error 22P05, and the conversation state could not be saved).
 */

/** Teams caps a message's text at about 28 KB; nothing longer ever comes from a real client. */
export const MAX_MESSAGE_TEXT = 28 * 1024;

/** How much of what a user typed a reply quotes back. */
export const ECHO_LENGTH = 60;

// Every surrogate half without its partner (the lookarounds make each match one code unit: linear).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text without NULs, each lone surrogate replaced by U+FFFD, and at most `max` characters. */
export function cleanText(text: string, max = MAX_MESSAGE_TEXT): string {
  // Cut first, so the clean-up never runs over more than the cap; a surrogate pair cut in two is then replaced like any lone half.
  return text.slice(0, max).replaceAll('\u0000', '').replace(LONE_SURROGATE, '\ufffd');
}

/** The zod transform every schema of user text starts with: `cleanTextSchema.pipe(z.string().trim().max(…))`. */
export const cleanTextSchema = z.string().transform((text) => cleanText(text));

/** What a reply quotes of user text: on one line, at most ECHO_LENGTH characters, an ellipsis when cut. */
export function shorten(text: string, max = ECHO_LENGTH): string {
  const line = text.slice(0, max * 4).replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  return `${line.slice(0, max - 1).trimEnd()}…`;
}

/** Limits on a card submission's value, so cleaning it is bounded however it was built. */
const MAX_VALUE_DEPTH = 8;
const MAX_VALUE_ENTRIES = 500;

/**
 * A card submission (or any JSON from a client) with every string cleaned and capped, recursively;
 * deeper levels, and entries past the limit, are dropped: no card of ours nests or carries that much.
 */
export function cleanValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_VALUE_DEPTH) return undefined;
  if (Array.isArray(value)) return value.slice(0, MAX_VALUE_ENTRIES).map((item) => cleanValue(item, depth + 1));
  const cleaned: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, MAX_VALUE_ENTRIES)) {
    const cleanKey = cleanText(key, 200);
    // A key such as __proto__ would set the prototype instead of a field.
    if (cleanKey === '__proto__') continue;
    cleaned[cleanKey] = cleanValue(item, depth + 1);
  }
  return cleaned;
}
