import { randomUUID } from 'node:crypto';
import type { OutboxChannel, Prisma, Tx } from '../db';

/** An email or proactive message to deliver, written in the same transaction as the change that causes it. */
export interface OutboxDraft {
  channel: OutboxChannel;
  /** The event, for example `consent.accepted` or `deadline.consent.reminder`. */
  event: string;
  /** Identifies one event to one recipient; a second draft with the same key is ignored. */
  dedupeKey: string;
  recipient: string;
  claimId?: string | null;
  partnerId?: string | null;
  payload: Prisma.InputJsonValue;
}

/**
 * Writes outbox rows inside the caller's transaction. A row whose dedupe key already exists is
 * skipped, so the same event is never queued twice for the same recipient. Returns how many were new.
 */
export async function enqueue(tx: Tx, drafts: OutboxDraft[], now: Date): Promise<number> {
  if (drafts.length === 0) return 0;
  const result = await tx.outboxMessage.createMany({
    data: drafts.map((draft) => ({
      id: randomUUID(),
      dedupeKey: draft.dedupeKey,
      channel: draft.channel,
      event: draft.event,
      recipient: draft.recipient,
      claimId: draft.claimId ?? null,
      partnerId: draft.partnerId ?? null,
      payload: draft.payload,
      nextAttemptAt: now,
      createdAt: now,
    })),
    skipDuplicates: true,
  });
  return result.count;
}
