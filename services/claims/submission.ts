import { z } from 'zod';
import { formatDay } from '../shared/wording';
import { applyTransitionInTx } from './transitions';
import type { Clock } from '../shared/clock';
import type { Claim, Database, Tx } from '../db';
import { canWorkWithClaims, type Caller } from '../directory/callers';
import { NotAllowedError } from '../shared/errors';
import type { OutboxDraft } from '../outbox/outbox';

/**
 * Submitting a consented claim with its proof of execution (Microsoft's review of it comes back
 * through services/ports/review.ts). It goes through the claim state machine, so the submission
 * window and the allowed states are the lifecycle's rules, and it writes its audit event and its
 * message in the same transaction.
 */

export const SUBMISSION_EVENTS = {
  submitted: 'claim.submitted',
  reviewed: 'claim.reviewed',
} as const;

export const PROOF_LIMITS = { summaryMin: 20, summaryMax: 4000, linksMin: 1, linksMax: 10 } as const;

const httpsLink = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^https$/, hostname: z.regexes.domain, error: 'each evidence link must be a full https:// address' }));

/** A date such as 2026-03-01 (or a full timestamp, of which only the UTC day counts). */
const calendarDay = z.union([z.date(), z.string().trim()]).transform((value, ctx) => {
  const instant = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(instant.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'the completion date must be a date such as 2026-03-01' });
    return z.NEVER;
  }
  return startOfUtcDay(instant);
});

export const SubmitClaimInputSchema = z.object({
  claimId: z.string().trim().min(1, 'the claim id is missing'),
  deliverySummary: z
    .string({ error: 'describe what was delivered' })
    .trim()
    .min(PROOF_LIMITS.summaryMin, `describe what was delivered in at least ${PROOF_LIMITS.summaryMin} characters`)
    .max(PROOF_LIMITS.summaryMax, `keep the delivery summary to ${PROOF_LIMITS.summaryMax} characters`),
  completionDate: calendarDay,
  evidenceLinks: z
    .array(httpsLink, { error: 'give the evidence links as a list' })
    .min(PROOF_LIMITS.linksMin, 'give at least one evidence link')
    .max(PROOF_LIMITS.linksMax, `give at most ${PROOF_LIMITS.linksMax} evidence links`)
    .refine((links) => new Set(links).size === links.length, 'each evidence link only once'),
});

export type SubmitClaimInput = z.input<typeof SubmitClaimInputSchema>;

/**
 * Submits a claim with its proof of execution. Only Incentives users and admins of the claim's
 * partner may; the claim must be CONSENT_GRANTED or REJECTED and inside its submission window. The
 * completion date may not be in the future nor before the customer consented. Refusals throw
 * NotAllowedError with a message for the user, and change nothing.
 */
export async function submitClaim(db: Database, clock: Clock, caller: Caller, input: SubmitClaimInput): Promise<Claim> {
  if (caller.kind !== 'partnerUser' || !canWorkWithClaims(caller)) {
    throw new NotAllowedError('Only Incentives users and Incentives admins can submit claims. Ask an Incentives admin of your organisation for a role.');
  }
  const proof = parseOrRefuse(SubmitClaimInputSchema, input, 'The claim was not submitted');
  return db.prisma.$transaction(async (tx) => {
    const claim = await tx.claim.findFirst({ where: { id: proof.claimId, partnerId: caller.partnerId } });
    if (!claim) throw new NotAllowedError(`Claim ${proof.claimId} was not found.`);
    const today = startOfUtcDay(clock.now());
    if (proof.completionDate.getTime() > today.getTime()) {
      throw new NotAllowedError('The claim was not submitted: the completion date cannot be in the future.');
    }
    if (claim.consentAnsweredAt && proof.completionDate.getTime() < startOfUtcDay(claim.consentAnsweredAt).getTime()) {
      throw new NotAllowedError(
        `The claim was not submitted: the completion date cannot be before the customer consented on ${formatDay(claim.consentAnsweredAt)}.`,
      );
    }
    return applyTransitionInTx(tx, clock, {
      claimId: claim.id,
      partnerId: caller.partnerId,
      event: 'SUBMIT',
      actor: { kind: 'USER', id: caller.userId },
      changes: { deliverySummary: proof.deliverySummary, completionDate: proof.completionDate, evidenceLinks: proof.evidenceLinks },
      // The creator is told when someone else submitted their claim; who submitted it saw it happen.
      outbox: async (updated, inner) =>
        updated.createdByUserId === caller.userId
          ? []
          : [
              await toCreator(inner, updated, SUBMISSION_EVENTS.submitted, {
                submittedBy: caller.displayName,
                text: `${caller.displayName} submitted ${updated.friendlyName} (${updated.id}) for Microsoft's review.`,
              }),
            ],
    });
  });
}

/** A Teams message to the claim's creator; the version in the key lets a resubmission notify again. */
export async function toCreator(tx: Tx, claim: Claim, event: string, details: Record<string, string>): Promise<OutboxDraft> {
  const creator = await tx.partnerUser.findUniqueOrThrow({ where: { id: claim.createdByUserId }, select: { aadObjectId: true } });
  return {
    channel: 'TEAMS',
    event,
    dedupeKey: `claim:${claim.id}:${event}:v${claim.version}:${creator.aadObjectId}`,
    recipient: creator.aadObjectId,
    claimId: claim.id,
    partnerId: claim.partnerId,
    payload: { kind: event, claimId: claim.id, friendlyName: claim.friendlyName, status: claim.status, ...details },
  };
}

/** Parses input at the edge; a failure becomes one NotAllowedError naming every problem. */
export function parseOrRefuse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = [...new Set(parsed.error.issues.map((issue) => issue.message))];
  throw new NotAllowedError(`${what}: ${problems.join('; ')}.`);
}

function startOfUtcDay(instant: Date): Date {
  return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
}
