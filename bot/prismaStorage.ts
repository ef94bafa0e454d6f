import { randomUUID } from 'node:crypto';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type { Prisma, PrismaClient } from '../services/db';

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
  constructor(private readonly prisma: PrismaClient) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const rows = await this.prisma.botState.findMany({ where: { key: { in: keys } } });
    const items: StoreItems = {};
    for (const row of rows) {
      const document = isJsonObject(row.document) ? row.document : {};
      items[row.key] = { ...document, eTag: row.eTag };
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
    // Serialised as a document store would: dates become strings, undefined members are dropped.
    const document = JSON.stringify(rest);
    const newETag = randomUUID();
    if (typeof eTag !== 'string' || eTag === '' || eTag === '*') {
      // One statement, so concurrent first writes of a key on several instances cannot collide.
      await this.prisma.$executeRaw`
        INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt")
        VALUES (${key}, ${document}::jsonb, ${newETag}, ${new Date()})
        ON CONFLICT ("key") DO UPDATE
          SET "document" = EXCLUDED."document", "eTag" = EXCLUDED."eTag", "updatedAt" = EXCLUDED."updatedAt"`;
      return;
    }
    const updated = await this.prisma.$executeRaw`
      UPDATE "BotState" SET "document" = ${document}::jsonb, "eTag" = ${newETag}, "updatedAt" = ${new Date()}
      WHERE "key" = ${key} AND "eTag" = ${eTag}`;
    if (updated === 0) throw new ETagConflictError(key);
  }
}

function isJsonObject(value: Prisma.JsonValue): value is Prisma.JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
