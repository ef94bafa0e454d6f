import { randomUUID } from 'node:crypto';
import type { ActorKind, Prisma, Tx } from '../db';

/** Who caused a change: a partner user, the customer (consent page), a seller or the system (scheduler). */
export interface Actor {
  kind: ActorKind;
  /** PartnerUser id, Seller id, or the customer's email; null for the system. */
  id: string | null;
}

export const systemActor: Actor = { kind: 'SYSTEM', id: null };

export interface AuditDraft {
  partnerId: string | null;
  claimId?: string | null;
  actor: Actor;
  action: string;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  at: Date;
}

/**
 * Appends an audit event inside the caller's transaction. Audit rows are never updated or deleted:
 * a trigger refuses it in the database (migration 20261124202000_audit_append_only).
 */
export async function writeAudit(tx: Tx, draft: AuditDraft): Promise<void> {
  await tx.auditEvent.create({
    data: {
      id: randomUUID(),
      partnerId: draft.partnerId,
      claimId: draft.claimId ?? null,
      actorKind: draft.actor.kind,
      actorId: draft.actor.id,
      action: draft.action,
      before: draft.before,
      after: draft.after,
      at: draft.at,
    },
  });
}
