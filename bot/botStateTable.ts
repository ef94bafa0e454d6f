import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '../services/db';

/** The version a write expects: any (unconditional), none yet (insert only), or a stored eTag. */
export type ExpectedVersion = { kind: 'any' } | { kind: 'absent' } | { kind: 'eTag'; eTag: string };

/** A stored item: its document and eTag. */
export interface StoredState {
  document: Prisma.JsonObject;
  eTag: string;
}

/**
 * The BotState table as both bot storages read and write it: JSON documents under a key, each
 * write giving a new eTag, conditional on the version the writer expects. Nothing is cached.
 */
export class BotStateTable {
  constructor(private readonly prisma: PrismaClient) {}

  async read(keys: readonly string[]): Promise<Map<string, StoredState>> {
    const found = new Map<string, StoredState>();
    if (keys.length === 0) return found;
    const rows = await this.prisma.botState.findMany({ where: { key: { in: [...keys] } } });
    for (const row of rows) found.set(row.key, { document: isJsonObject(row.document) ? row.document : {}, eTag: row.eTag });
    return found;
  }

  /** Writes the document if the stored version is the one expected; the new eTag, or null when it was not. */
  async write(key: string, document: object, expected: ExpectedVersion): Promise<string | null> {
    // Serialised as a document store would: dates become strings, undefined members are dropped.
    const json = JSON.stringify(document);
    const eTag = randomUUID();
    const now = new Date();
    let written: number;
    switch (expected.kind) {
      case 'any':
        // One statement, so concurrent first writes of a key on several instances cannot collide.
        written = await this.prisma.$executeRaw`
          INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES (${key}, ${json}::jsonb, ${eTag}, ${now})
          ON CONFLICT ("key") DO UPDATE SET "document" = EXCLUDED."document", "eTag" = EXCLUDED."eTag", "updatedAt" = EXCLUDED."updatedAt"`;
        break;
      case 'absent':
        written = await this.prisma.$executeRaw`
          INSERT INTO "BotState" ("key", "document", "eTag", "updatedAt") VALUES (${key}, ${json}::jsonb, ${eTag}, ${now})
          ON CONFLICT ("key") DO NOTHING`;
        break;
      case 'eTag':
        written = await this.prisma.$executeRaw`
          UPDATE "BotState" SET "document" = ${json}::jsonb, "eTag" = ${eTag}, "updatedAt" = ${now}
          WHERE "key" = ${key} AND "eTag" = ${expected.eTag}`;
        break;
    }
    return written === 0 ? null : eTag;
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.prisma.botState.deleteMany({ where: { key: { in: [...keys] } } });
  }
}

/** How botbuilder storages read an item's own eTag: none, empty or '*' means "write whatever is there". */
export function expectedFromETag(eTag: unknown): ExpectedVersion {
  return typeof eTag === 'string' && eTag !== '' && eTag !== '*' ? { kind: 'eTag', eTag } : { kind: 'any' };
}

function isJsonObject(value: Prisma.JsonValue): value is Prisma.JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
