import { randomUUID } from 'node:crypto';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type { Prisma, PrismaClient } from '../services/db';

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

  constructor(private readonly prisma: PrismaClient) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const rows = await this.prisma.botState.findMany({ where: { key: { in: keys } } });
    const items: StoreItems = {};
    for (const key of keys) {
      const row = rows.find((candidate) => candidate.key === key);
      const document = row && isJsonObject(row.document) ? row.document : {};
      // An absent key is handed out as an empty item too (BotState would use `{}` anyway), so that
      // its first write can be made conditional on the key still being absent.
      const item: StoreItem = row ? { ...document, eTag: row.eTag } : {};
      this.versions.set(item, { key, eTag: row ? row.eTag : null });
      items[key] = item;
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(Object.entries(changes).map(([key, item]) => this.writeOne(key, item as StoreItem)));
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.prisma.botState.deleteMany({ where: { key: { in: keys } } });
  }

  private async writeOne(key: string, item: StoreItem): Promise<void> {
    const { eTag, ...rest } = item;
    const document = JSON.stringify(rest);
    const newETag = randomUUID();
    const now = new Date();
    const read = this.versions.get(item);
    const expected: string | null | undefined = read && read.key === key ? read.eTag : typeof eTag === 'string' && eTag !== '' && eTag !== '*' ? eTag : undefined;
    let written: number;
    if (expected === undefined) {
      written = await this.prisma.$executeRaw`
        INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES (${key}, ${document}::jsonb, ${newETag}, ${now})
        ON CONFLICT ("key") DO UPDATE SET "document" = EXCLUDED."document", "eTag" = EXCLUDED."eTag", "updatedAt" = EXCLUDED."updatedAt"`;
    } else if (expected === null) {
      written = await this.prisma.$executeRaw`
        INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES (${key}, ${document}::jsonb, ${newETag}, ${now})
        ON CONFLICT ("key") DO NOTHING`;
    } else {
      written = await this.prisma.$executeRaw`
        UPDATE "BotState" SET "document" = ${document}::jsonb, "eTag" = ${newETag}, "updatedAt" = ${now}
        WHERE "key" = ${key} AND "eTag" = ${expected}`;
    }
    if (written === 0) throw new StateConflictError(key);
    // The same object may be saved again in this turn (a second saveChanges): it now stands at the new version.
    if (read) this.versions.set(item, { key, eTag: newETag });
  }
}

function isJsonObject(value: Prisma.JsonValue): value is Prisma.JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
