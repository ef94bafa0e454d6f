import { createHash } from 'node:crypto';
import { TurnContext, type Activity } from 'botbuilder';
import { z } from 'zod';
import type { ConversationKind, Database, Prisma } from '../services/db';
import { readConversationReference } from '../services/db/turnRows';
import { validTimeZone } from '../services/digest';
import { callerTenantId } from './identity';
import type { Logger } from './logger';

/**
 * Where the bot can reach people proactively: one row per conversation (personal chat, team channel
 * or group chat), kept up to date by conversation id from every incoming activity (install, message,
 * card action), so the stored reference always carries the latest serviceUrl. The row is read first
 * and written only when something in it would change (or it was last refreshed over an hour ago); and
 * a message or card action whose reference this instance read or wrote in the last minute, unchanged,
 * is not read again: a steady conversation costs one read a minute, not one per activity (issue 18).
 * A personal conversation is keyed to the user's AAD object id, which is what the outbox names as a
 * Teams recipient.
 *
 * Removal (`installationUpdate` remove, or the bot leaving the conversation's members) marks the
 * row inactive; the notifier does the same when Teams answers 403/404 for it.
 */

export const REMOVED_REASON = 'The bot was uninstalled or removed from this conversation';

/** What the notifier needs from a stored reference; checked when read back from the database. */
export const StoredReferenceSchema = z.looseObject({
  serviceUrl: z.string().min(1),
  channelId: z.string().min(1),
  conversation: z.looseObject({
    id: z.string().min(1),
    name: z.string().default(''),
    isGroup: z.boolean().default(false),
    conversationType: z.string().default('personal'),
  }),
  bot: z.looseObject({ id: z.string(), name: z.string().default('') }).optional(),
  user: z.looseObject({ id: z.string(), name: z.string().default('') }).optional(),
});

export type StoredReference = z.output<typeof StoredReferenceSchema>;

/** Where a person is reached proactively: their personal conversation with the bot. */
export interface PersonalConversation {
  conversationId: string;
  tenantId: string | null;
  reference: StoredReference;
}

const teamsActivitySchema = z.looseObject({
  conversation: z.looseObject({ id: z.string().min(1), conversationType: z.string().optional() }),
  from: z.looseObject({ aadObjectId: z.string().optional() }).optional(),
});

/** The kind of a conversation by Teams' `conversationType`; the Emulator sends none, which is a personal chat. */
export function conversationKind(conversationType: string | undefined): ConversationKind {
  if (conversationType === 'channel') return 'CHANNEL';
  if (conversationType === 'groupChat') return 'GROUP_CHAT';
  return 'PERSONAL';
}

/** Whether the activity says the bot was removed from its conversation. */
export function isRemoval(activity: Partial<Activity>): boolean {
  if (activity.type === 'installationUpdate') return (activity.action ?? '').startsWith('remove');
  if (activity.type === 'conversationUpdate') {
    const botId = activity.recipient?.id;
    return botId !== undefined && (activity.membersRemoved ?? []).some((member) => member.id === botId);
  }
  return false;
}

/**
 * How long an unchanged row goes without a write: `updatedAt` still says, to the hour, which of a
 * user's personal conversations is the one they used last (personalConversation picks by it).
 */
const REFRESH_AFTER_MS = 60 * 60 * 1000;

/**
 * How long this instance trusts what it last read or wrote of a conversation's row. Another instance
 * can only deactivate it (Teams answered 403/404 there, or an uninstall reached it): a message in the
 * conversation after that reactivates the row at the latest this long after. Installs and removals
 * always go to the database.
 */
export const REFERENCE_TRUSTED_MS = 60 * 1000;

/** Conversations remembered per instance; the oldest is forgotten first (a forgotten one is read again). */
const REMEMBERED_CONVERSATIONS = 10_000;

function withoutActivityId(reference: unknown): unknown {
  if (typeof reference !== 'object' || reference === null || Array.isArray(reference)) return reference;
  const rest: Record<string, unknown> = { ...reference };
  delete rest.activityId;
  return rest;
}

/** Equal as JSON values, whatever the order of object keys (PostgreSQL's jsonb does not keep it). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]));
}

/** The activity types that only ever keep a row as it is: anything else (install, removal) is written through. */
const STEADY_ACTIVITY_TYPES: readonly string[] = ['message', 'invoke'];

/** What this instance last knew of a row: a digest of the fields it holds, and when it was known and last written. */
interface KnownRow {
  digest: string;
  knownAtMs: number;
  updatedAtMs: number;
}

export class ConversationReferenceStore {
  private readonly known = new Map<string, KnownRow>();

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    /** Tests move it. */
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records or refreshes the turn's conversation, or deactivates it on removal. Never fails the turn.
   * With `create: false` a conversation not recorded yet is left so: an invoke can come from a chat
   * the bot is not part of (a claim card shared into a chat between people, the compose box), which
   * must never become where a person's notifications go.
   */
  async record(context: TurnContext, options: { create: boolean } = { create: true }): Promise<void> {
    try {
      await this.recordActivity(context.activity, options);
    } catch (error) {
      this.logger.warn({ err: error, conversationId: context.activity.conversation?.id }, 'could not store the conversation reference');
    }
  }

  async recordActivity(activity: Activity, options: { create: boolean } = { create: true }): Promise<void> {
    const parsed = teamsActivitySchema.safeParse(activity);
    if (!parsed.success || !activity.serviceUrl) return;
    const conversationId = parsed.data.conversation.id;
    if (isRemoval(activity)) {
      await this.deactivate(conversationId, REMOVED_REASON);
      return;
    }
    const kind = conversationKind(parsed.data.conversation.conversationType);
    const aadObjectId = kind === 'PERSONAL' ? (parsed.data.from?.aadObjectId ?? null) : null;
    const tenantId = callerTenantId(activity);
    const reference = JSON.parse(JSON.stringify(TurnContext.getConversationReference(activity))) as Prisma.InputJsonValue;
    // Teams' `localTimezone` (the daily digest's clock), a plain column: kept as it was when an activity carries none or one Intl does not know.
    const timeZone = validTimeZone(activity.localTimezone);
    const fields = { kind, aadObjectId, tenantId, serviceUrl: activity.serviceUrl, reference, active: true, inactiveReason: null, ...(timeZone ? { timeZone } : {}) };
    const digest = createHash('sha256').update(JSON.stringify({ ...fields, reference: withoutActivityId(reference) })).digest('base64');
    const now = this.now();
    const known = this.known.get(conversationId);
    if (known && known.digest === digest && now - known.knownAtMs < REFERENCE_TRUSTED_MS && now - known.updatedAtMs <= REFRESH_AFTER_MS && STEADY_ACTIVITY_TYPES.includes(activity.type ?? '')) return;
    const storedAtMs = await this.storedUpToDate(conversationId, fields);
    if (storedAtMs !== null) {
      this.remember(conversationId, { digest, knownAtMs: now, updatedAtMs: storedAtMs });
      return;
    }
    this.known.delete(conversationId);
    if (!options.create) {
      const { count } = await this.db.prisma.conversationReference.updateMany({ where: { conversationId }, data: fields });
      if (count > 0) this.remember(conversationId, { digest, knownAtMs: now, updatedAtMs: now });
      return;
    }
    await this.db.prisma.conversationReference.upsert({
      where: { conversationId },
      create: { conversationId, ...fields },
      update: fields,
    });
    this.remember(conversationId, { digest, knownAtMs: now, updatedAtMs: now });
  }

  private remember(conversationId: string, row: KnownRow): void {
    this.known.delete(conversationId);
    this.known.set(conversationId, row);
    if (this.known.size > REMEMBERED_CONVERSATIONS) this.known.delete(this.known.keys().next().value ?? '');
  }

  /**
   * When the stored row was last written, if it already holds every one of `fields` (a column added
   * to them later is compared too) and was refreshed within the hour, so that writing would change
   * nothing; null otherwise. The reference's activityId (the id of the activity it was taken from)
   * differs on every activity and is not what a proactive message needs, so it alone does not cause a write.
   */
  private async storedUpToDate(conversationId: string, fields: Record<string, unknown>): Promise<number | null> {
    const stored = await readConversationReference(this.db.sql, conversationId);
    if (!stored || this.now() - stored.updatedAtMs > REFRESH_AFTER_MS) return null;
    const { columns } = stored;
    const same = Object.entries(fields).every(([key, value]) => (key === 'reference' ? sameJson(withoutActivityId(columns[key]), withoutActivityId(value)) : sameJson(columns[key], value)));
    return same ? stored.updatedAtMs : null;
  }

  async deactivate(conversationId: string, reason: string): Promise<void> {
    this.known.delete(conversationId);
    await this.db.prisma.conversationReference.updateMany({ where: { conversationId }, data: { active: false, inactiveReason: reason } });
  }

  /** The user's most recently refreshed active personal conversation, if any. */
  async personalConversation(aadObjectId: string): Promise<PersonalConversation | null> {
    return (await this.personalConversations([aadObjectId])).get(aadObjectId) ?? null;
  }

  /**
   * Each user's most recently refreshed active personal conversation whose reference can be used,
   * in one statement (a delivery pass looks up all its recipients at once); users without one are
   * not in the map.
   */
  async personalConversations(aadObjectIds: readonly string[]): Promise<Map<string, PersonalConversation>> {
    const found = new Map<string, PersonalConversation>();
    if (aadObjectIds.length === 0) return found;
    const rows = await this.db.sql.query<{ conversationId: string; aadObjectId: string; tenantId: string | null; reference: unknown }>(
      `SELECT "conversationId", "aadObjectId", "tenantId", "reference" FROM "ConversationReference"
       WHERE "aadObjectId" = ANY($1::text[]) AND "kind" = 'PERSONAL' AND "active"
       ORDER BY "aadObjectId", "updatedAt" DESC, "conversationId"`,
      [[...new Set(aadObjectIds)]],
    );
    for (const row of rows) {
      if (found.has(row.aadObjectId)) continue;
      const reference = StoredReferenceSchema.safeParse(row.reference);
      if (reference.success) found.set(row.aadObjectId, { conversationId: row.conversationId, tenantId: row.tenantId, reference: reference.data });
    }
    return found;
  }
}
