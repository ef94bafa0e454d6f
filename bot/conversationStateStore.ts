import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type { Database } from '../services/db';
import { BotStateTable, expectedFromETag, type ExpectedVersion } from './botStateTable';

/**
 * Another instance (or a second click) saved this conversation's state after this turn read it.
 * The turn's own state change was not written; the other one stands.
 */
export class StateConflictError extends Error {
  constructor(readonly key: string) {
    super(`Bot state "${key}" was changed by another turn after this turn read it; this turn's state change was not saved.`);
    this.name = 'StateConflictError';
  }
}

export function isStateConflict(error: unknown): error is StateConflictError {
  return error instanceof StateConflictError;
}

/** What to tell the user when their turn lost the race for the conversation's state. */
export const STATE_CONFLICT_MESSAGE =
  'That answer crossed with another one for this conversation (sent twice, or from two windows at once), so I kept the other one and did not move on. Please continue from the latest card.';

/** What a turn read for a key: the stored eTag, or null when the key did not exist yet. */
type ReadVersion = { eTag: string | null; key: string };

/**
 * The botbuilder Storage for ConversationState that closes the lost-update gap of several instances.
 *
 * botbuilder's `BotState.saveChanges` always writes with eTag '*' (last write wins), so two instances
 * running turns of the same conversation at once would silently overwrite each other's dialog
 * state. This store remembers, for every item object it hands out, the eTag it read (or that the
 * key did not exist), and BotState writes back that same object; the write is then conditional:
 * an UPDATE only while the stored eTag is still the one read, an INSERT only while the key is still
 * absent. When the condition fails, `write` throws StateConflictError and nothing is written.
 * Items it did not hand out are written as PrismaStorage writes them (a specific eTag is checked,
 * '*' or none is unconditional). Same BotState table and document format as PrismaStorage.
 */
export class ConversationStateStore implements Storage {
  /** The version each handed-out item was read at; entries go with the turn's objects. */
  private readonly versions = new WeakMap<object, ReadVersion>();
  private readonly table: BotStateTable;

  constructor(db: Pick<Database, 'sql'>) {
    this.table = new BotStateTable(db);
  }

  async read(keys: string[]): Promise<StoreItems> {
    const stored = await this.table.read(keys);
    const items: StoreItems = {};
    for (const key of keys) {
      const row = stored.get(key);
      // An absent key is handed out as an empty item too (BotState would use `{}` anyway), so that
      // its first write can be made conditional on the key still being absent.
      const item: StoreItem = row ? { ...row.document, eTag: row.eTag } : {};
      this.versions.set(item, { key, eTag: row ? row.eTag : null });
      items[key] = item;
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(Object.entries(changes).map(([key, item]) => this.writeOne(key, item as StoreItem)));
  }

  delete(keys: string[]): Promise<void> {
    return this.table.delete(keys);
  }

  private async writeOne(key: string, item: StoreItem): Promise<void> {
    const { eTag, ...document } = item;
    const read = this.versions.get(item);
    const expected: ExpectedVersion = read && read.key === key ? (read.eTag === null ? { kind: 'absent' } : { kind: 'eTag', eTag: read.eTag }) : expectedFromETag(eTag);
    const written = await this.table.write(key, document, expected);
    if (written === null) throw new StateConflictError(key);
    // The same object may be saved again in this turn (a second saveChanges): it now stands at the new version.
    if (read) this.versions.set(item, { key, eTag: written });
  }
}
