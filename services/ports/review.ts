import { z } from 'zod';
import type { Actor } from '../outbox/audit';
import type { ClaimEvent } from '../claims/lifecycle';
import { applyTransition } from '../claims/transitions';
import type { Clock } from '../shared/clock';
import type { Claim, Database } from '../db';
import type { Caller } from '../directory/callers';
import { NotAllowedError } from '../shared/errors';
import { SUBMISSION_EVENTS, parseOrRefuse, toCreator } from '../claims/submission';

/**
 * Microsoft reviews submitted claims outside this product. The review port is where its outcome
 * comes in: in local mode an Incentives admin enters it (the dev route, or a command), so that a
 * claim can reach the Complete tab; a production implementation would take it from Partner Center.
 */

export const REVIEW_OUTCOMES = ['COMPLETED', 'REJECTED', 'REJECTED_FINAL'] as const;

export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export const ReviewDecisionSchema = z
  .object({
    claimId: z.string().trim().min(1, 'the claim id is missing'),
    outcome: z.enum(REVIEW_OUTCOMES, { error: `the outcome must be one of ${REVIEW_OUTCOMES.join(', ')}` }),
    note: z.string().trim().max(2000, 'keep the review note to 2000 characters').default(''),
  })
  .refine((decision) => decision.outcome === 'COMPLETED' || decision.note.length > 0, {
    path: ['note'],
    message: 'a rejection needs a note saying why',
  });

export type ReviewDecision = z.input<typeof ReviewDecisionSchema>;

export interface ReviewPort {
  /** Applies a review outcome to a SUBMITTED claim; `by` is who entered it. Refusals throw NotAllowedError. */
  record(by: Caller, decision: ReviewDecision): Promise<Claim>;
}

/** Local mode: an Incentives admin of the claim's partner stands in for Microsoft's reviewer. */
export class LocalReviewPort implements ReviewPort {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async record(by: Caller, decision: ReviewDecision): Promise<Claim> {
    if (by.kind !== 'partnerUser' || !by.roles.includes('INCENTIVES_ADMIN')) {
      throw new NotAllowedError("Only an Incentives admin can enter Microsoft's review outcome in local mode.");
    }
    const claim = await this.db.prisma.claim.findFirst({ where: { id: decision.claimId.trim(), partnerId: by.partnerId }, select: { id: true } });
    if (!claim) throw new NotAllowedError(`Claim ${decision.claimId} was not found.`);
    return recordReview(this.db, this.clock, { kind: 'USER', id: by.userId }, decision);
  }
}

const REVIEW_EVENTS: Record<ReviewOutcome, ClaimEvent> = { COMPLETED: 'COMPLETE', REJECTED: 'REJECT', REJECTED_FINAL: 'REJECT_FINAL' };

const REVIEW_TEXT: Record<ReviewOutcome, string> = {
  COMPLETED: 'was approved by Microsoft: the claim is complete.',
  REJECTED: 'was rejected by Microsoft. You can resubmit it with better proof of execution within its submission window.',
  REJECTED_FINAL: 'was finally rejected by Microsoft and cannot be resubmitted.',
};

/**
 * Records Microsoft's review of a SUBMITTED claim through COMPLETE, REJECT or REJECT_FINAL and tells
 * the claim's creator (`claim.reviewed`), all in one transaction. `actor` is whoever entered the
 * outcome; the port decides who may.
 */
export async function recordReview(db: Database, clock: Clock, actor: Actor, input: ReviewDecision): Promise<Claim> {
  const decision = parseOrRefuse(ReviewDecisionSchema, input, 'The review was not recorded');
  const note = decision.note.length > 0 ? decision.note : undefined;
  return applyTransition(db, clock, {
    claimId: decision.claimId,
    partnerId: null,
    event: REVIEW_EVENTS[decision.outcome],
    actor,
    changes: { reviewNote: note, ...(decision.outcome === 'REJECTED_FINAL' ? { closeReason: note } : {}) },
    outbox: async (updated, tx) => [
      await toCreator(tx, updated, SUBMISSION_EVENTS.reviewed, {
        outcome: decision.outcome,
        note: decision.note,
        text: `${updated.friendlyName} (${updated.id}) ${REVIEW_TEXT[decision.outcome]}${note ? ` Note: ${note}` : ''}`,
      }),
    ],
  });
}
