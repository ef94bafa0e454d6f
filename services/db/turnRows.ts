import type { SqlDriver } from './database';

/**
 * The statements every turn runs (bot state, the conversation reference), through the pg pool
 * directly: through Prisma the same one-row read costs three to seven times the CPU (bench/RESULTS.md,
 * issue 18), and these run on every activity. Rows are checked here, so callers get typed values.
 */

/** A stored bot state item: its JSON document and eTag. */
export interface BotStateRow {
  key: string;
  document: unknown;
  eTag: string;
}

function isBotStateRow(row: Record<string, unknown>): row is Record<string, unknown> & BotStateRow {
  return typeof row.key === 'string' && typeof row.eTag === 'string';
}

/** The keys asked for on one driver since the last statement went out, and that statement's rows once it has. */
interface PendingRead {
  keys: Set<string>;
  rows: Promise<BotStateRow[]>;
}

const pendingReads = new WeakMap<SqlDriver, PendingRead>();

/**
 * The stored items of `keys`. Reads asked for in the same turn of the event loop go out as one
 * statement: a message turn loads its conversation and user state at once (bot/mciBot.ts), one
 * round trip instead of two.
 */
export function readBotStates(sql: SqlDriver, keys: readonly string[]): Promise<BotStateRow[]> {
  if (keys.length === 0) return Promise.resolve([]);
  let pending = pendingReads.get(sql);
  if (!pending) {
    const batch = new Set<string>();
    const rows = new Promise<BotStateRow[]>((resolve, reject) => {
      setImmediate(() => {
        pendingReads.delete(sql);
        sql.query<Record<string, unknown>>('SELECT "key", "document", "eTag" FROM "BotState" WHERE "key" = ANY($1::text[])', [[...batch]], { prepared: true }).then(
          (found) => resolve(found.filter(isBotStateRow).map((row) => ({ key: row.key, document: row.document, eTag: row.eTag }))),
          reject,
        );
      });
    });
    pending = { keys: batch, rows };
    pendingReads.set(sql, pending);
  }
  for (const key of keys) pending.keys.add(key);
  const wanted = new Set(keys);
  return pending.rows.then((rows) => rows.filter((row) => wanted.has(row.key)));
}

/** The version a write expects: any (unconditional), none yet (insert only), or a stored eTag. */
export type ExpectedVersion = { kind: 'any' } | { kind: 'absent' } | { kind: 'eTag'; eTag: string };

/** Writes `json` under `key` with `eTag` if the stored version is the one expected; whether it was written. */
export async function writeBotState(sql: SqlDriver, key: string, json: string, eTag: string, at: Date, expected: ExpectedVersion): Promise<boolean> {
  // The column is a timestamp without time zone holding UTC, as Prisma writes it.
  const params = [key, json, eTag, at.toISOString()];
  let rows: unknown[];
  switch (expected.kind) {
    case 'any':
      // One statement, so concurrent first writes of a key on several instances cannot collide.
      rows = await sql.query(
        `INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES ($1, $2::jsonb, $3, $4)
         ON CONFLICT ("key") DO UPDATE SET "document" = EXCLUDED."document", "eTag" = EXCLUDED."eTag", "updatedAt" = EXCLUDED."updatedAt" RETURNING 1`,
        params,
      );
      break;
    case 'absent':
      rows = await sql.query(`INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES ($1, $2::jsonb, $3, $4) ON CONFLICT ("key") DO NOTHING RETURNING 1`, params);
      break;
    case 'eTag':
      rows = await sql.query(`UPDATE "BotState" SET "document" = $2::jsonb, "eTag" = $3, "updatedAt" = $4 WHERE "key" = $1 AND "eTag" = $5 RETURNING 1`, [...params, expected.eTag]);
      break;
  }
  return rows.length > 0;
}

export async function deleteBotStates(sql: SqlDriver, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await sql.query('DELETE FROM "BotState" WHERE "key" = ANY($1::text[])', [[...keys]]);
}

/** A stored conversation reference row: every column as pg gives it, and when it was last written. */
export interface ConversationReferenceRow {
  columns: Record<string, unknown>;
  /** "updatedAt" in ms since the epoch (the column holds UTC without a zone, which pg would read as local time). */
  updatedAtMs: number;
}

/**
 * Every column of a conversation's reference row (`SELECT *`, so a column added later is there
 * too, under its own name), or null when the conversation is not recorded.
 */
export async function readConversationReference(sql: SqlDriver, conversationId: string): Promise<ConversationReferenceRow | null> {
  const [row] = await sql.query<Record<string, unknown>>(
    `SELECT *, (EXTRACT(EPOCH FROM "updatedAt") * 1000)::float8 AS "updatedAtMs" FROM "ConversationReference" WHERE "conversationId" = $1`,
    [conversationId],
  );
  if (!row) return null;
  const { updatedAtMs, ...columns } = row;
  return { columns, updatedAtMs: typeof updatedAtMs === 'number' ? updatedAtMs : 0 };
}
