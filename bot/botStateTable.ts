import { randomUUID } from 'node:crypto';
import type { Database, Prisma } from '../services/db';
import { deleteBotStates, readBotStates, writeBotState, type ExpectedVersion } from '../services/db/turnRows';

export type { ExpectedVersion } from '../services/db/turnRows';

/** A stored item: its document and eTag. */
export interface StoredState {
  document: Prisma.JsonObject;
  eTag: string;
}

/**
 * The BotState table as both bot storages read and write it: JSON documents under a key, each
 * write giving a new eTag, conditional on the version the writer expects. Nothing is cached. The
 * statements go through the pg pool directly (services/db/turnRows.ts): every turn reads state.
 */
export class BotStateTable {
  constructor(private readonly db: Pick<Database, 'sql'>) {}

  async read(keys: readonly string[]): Promise<Map<string, StoredState>> {
    const found = new Map<string, StoredState>();
    for (const row of await readBotStates(this.db.sql, keys)) found.set(row.key, { document: isJsonObject(row.document) ? row.document : {}, eTag: row.eTag });
    return found;
  }

  /** Writes the document if the stored version is the one expected; the new eTag, or null when it was not. */
  async write(key: string, document: object, expected: ExpectedVersion): Promise<string | null> {
    // Serialised as a document store would: dates become strings, undefined members are dropped.
    const eTag = randomUUID();
    return (await writeBotState(this.db.sql, key, JSON.stringify(document), eTag, new Date(), expected)) ? eTag : null;
  }

  delete(keys: readonly string[]): Promise<void> {
    return deleteBotStates(this.db.sql, keys);
  }
}

/** How botbuilder storages read an item's own eTag: none, empty or '*' means "write whatever is there". */
export function expectedFromETag(eTag: unknown): ExpectedVersion {
  return typeof eTag === 'string' && eTag !== '' && eTag !== '*' ? { kind: 'eTag', eTag } : { kind: 'any' };
}

function isJsonObject(value: unknown): value is Prisma.JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
