import type { z } from 'zod';
import { NotAllowedError } from './errors';

/**
 * Keyset page links: the last row's sort key as base64url JSON. A link comes back from a card, so it
 * is read with the list's own schema, and a forged or stale one is refused with the list's message.
 */
export function encodePageCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The key a page link carries, or null for the first page; `staleMessage` says how to start again. */
export function decodePageCursor<T>(schema: z.ZodType<T>, cursor: string | null | undefined, staleMessage: string): T | null {
  if (!cursor) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new NotAllowedError(staleMessage);
  return result.data;
}

/** The rows one page holds: the asked size truncated into 1..max, the default when none or not a number. */
export function clampPageSize(pageSize: number | undefined, limits: { default: number; max: number }): number {
  const size = Math.trunc(pageSize ?? limits.default);
  return Math.min(limits.max, Math.max(1, Number.isFinite(size) ? size : limits.default));
}
