import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type { Database } from '../services/db';
import { BotStateTable, expectedFromETag } from './botStateTable';

/** A write carried an eTag that no longer matches the stored one: someone else wrote the item first. */
export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'ETagConflictError';
  }
}

/**
 * botbuilder Storage on the BotState table, so a conversation can continue on any instance.
 * Behaves as botbuilder's own storages: an item without an eTag, or with '*', is written
 * unconditionally; an item with a specific eTag is written only while the stored eTag is still that
 * one; every write gives the item a new eTag. Nothing is cached in the process.
 */
export class PrismaStorage implements Storage {
  private readonly table: BotStateTable;

  constructor(db: Pick<Database, 'sql'>) {
    this.table = new BotStateTable(db);
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    for (const [key, stored] of await this.table.read(keys)) items[key] = { ...stored.document, eTag: stored.eTag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(async ([key, item]) => {
        const { eTag, ...document } = item as StoreItem;
        if ((await this.table.write(key, document, expectedFromETag(eTag))) === null) throw new ETagConflictError(key);
      }),
    );
  }

  delete(keys: string[]): Promise<void> {
    return this.table.delete(keys);
  }
}
