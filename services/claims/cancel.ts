import { z } from 'zod';
import type { Clock } from '../shared/clock';
import type { Claim, ClaimStatus, Database, Role } from '../db';
import { hasIncentivesAdminRole, type Caller, type PartnerCaller } from '../directory/callers';
import { NotAllowedError } from '../shared/errors';
import { isIncentivesAdmin } from '../directory/roles';
import { parseOrRefuse, toCreator } from './submission';
import { parseUserInput } from '../shared/validation';
import { isTerminal } from './lifecycle';
import { applyTransitionInTx } from './transitions';

/**
 * Canceling a claim: an Incentives admin of the claim's partner closes an open claim for good, with
 * a reason. It is the lifecycle's CANCEL transition (terminal claims are refused there), so the
 * status, the reason (Claim.closeReason), the audit event with before/after and the message to the
 * claim's creator are written in one transaction.
 */

export const CLAIM_CANCELED_EVENT = 'claim.canceled';

export const CANCEL_REASON_LIMITS = { min: 5, max: 500 } as const;

export const CancelReasonSchema = z
  .string({ error: 'give the reason for canceling' })
  .trim()
  .min(CANCEL_REASON_LIMITS.min, `give the reason for canceling in at least ${CANCEL_REASON_LIMITS.min} characters`)
  .max(CANCEL_REASON_LIMITS.max, `keep the reason to ${CANCEL_REASON_LIMITS.max} characters`);

/** A reason checked as the cancel checks it, or what is wrong with it as a sentence for the reason card. */
export function checkCancelReason(raw: unknown): { ok: true; reason: string } | { ok: false; message: string } {
  const parsed = parseUserInput(CancelReasonSchema, raw);
  if (parsed.success) return { ok: true, reason: parsed.data };
  const problem = parsed.error.issues[0]?.message ?? 'give the reason for canceling';
  const length = typeof raw === 'string' ? raw.trim().length : 0;
  return { ok: false, message: `${problem.charAt(0).toUpperCase()}${problem.slice(1)}${length > 0 ? ` (you gave ${length})` : ''}.` };
}

export const CancelClaimInputSchema = z.object({
  claimId: z.string().trim().min(1, 'the claim id is missing').max(200).transform((id) => id.toUpperCase()),
  reason: CancelReasonSchema,
});

export type CancelClaimInput = z.input<typeof CancelClaimInputSchema>;

export const CANCEL_ADMINS_ONLY = 'Only Incentives admins can cancel a claim. Ask an Incentives admin of your organisation to cancel it. Nothing was changed.';

/** Canceling is for Incentives admins only. */
export function canCancelClaims(caller: Caller): caller is PartnerCaller {
  return isIncentivesAdmin(caller);
}

/** Whether a claim card offers "Cancel claim": to admins, on claims the state machine may still cancel. */
export function offersCancel(roles: readonly Role[], status: ClaimStatus): boolean {
  return hasIncentivesAdminRole(roles) && !isTerminal(status);
}

/**
 * Cancels one of the caller's partner's claims (another partner's is "not found"). Refusals —
 * not an admin, a bad reason, a terminal claim, a concurrent change — throw NotAllowedError and
 * change nothing.
 */
export async function cancelClaim(db: Database, clock: Clock, caller: Caller, input: CancelClaimInput): Promise<Claim> {
  if (!canCancelClaims(caller)) throw new NotAllowedError(CANCEL_ADMINS_ONLY);
  const { claimId, reason } = parseOrRefuse(CancelClaimInputSchema, input, 'The claim was not canceled');
  return db.prisma.$transaction((tx) =>
    applyTransitionInTx(tx, clock, {
      claimId,
      partnerId: caller.partnerId,
      event: 'CANCEL',
      actor: { kind: 'USER', id: caller.userId },
      changes: { closeReason: reason },
      outbox: async (updated, inner) =>
        updated.createdByUserId === caller.userId
          ? []
          : [
              await toCreator(inner, updated, CLAIM_CANCELED_EVENT, {
                canceledBy: caller.displayName,
                reason,
                text: `${caller.displayName} canceled ${updated.friendlyName} (${updated.id}): ${reason}`,
              }),
            ],
    }),
  );
}
