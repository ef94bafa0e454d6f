import { z } from 'zod';
import { formatDay } from '../shared/wording';
import { shorten } from '../shared/text';
import { applyTransitionInTx } from './transitions';
import type { Clock } from '../shared/clock';
import type { Claim, Database, Tx } from '../db';
import { canWorkWithClaims, type Caller } from '../directory/callers';
import { NotAllowedError } from '../shared/errors';
import { parseUserInput, problemsOf } from '../shared/validation';
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

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const DATE_EXAMPLE = 'Give the completion date as a date such as 2026-03-01.';

/**
 * A calendar day: "2026-03-01", or a full ISO timestamp of which only the UTC day counts. The day
 * must exist: JavaScript turns "2026-02-30" into 2 March, so the parts are checked, never rolled over.
 */
const calendarDay = z.union([z.date(), z.string().trim()], { error: DATE_EXAMPLE }).transform((value, ctx) => {
  if (value instanceof Date) {
    if (!Number.isNaN(value.getTime())) return startOfUtcDay(value);
    ctx.addIssue({ code: 'custom', message: DATE_EXAMPLE });
    return z.NEVER;
  }
  const parts = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/.exec(value);
  if (!parts) {
    ctx.addIssue({ code: 'custom', message: value === '' ? 'Give the completion date.' : DATE_EXAMPLE });
    return z.NEVER;
  }
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const unreal = impossibleDay(year, month, day);
  if (unreal) {
    ctx.addIssue({ code: 'custom', message: `${value.slice(0, 10)} is not a real date: ${unreal}.` });
    return z.NEVER;
  }
  const instant = parts[4] ? new Date(value) : new Date(Date.UTC(year, month - 1, day));
  if (Number.isNaN(instant.getTime())) {
    ctx.addIssue({ code: 'custom', message: DATE_EXAMPLE });
    return z.NEVER;
  }
  return startOfUtcDay(instant);
});

/** Why year-month-day is not a day of the calendar, or null when it is. */
function impossibleDay(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12) return 'the month must be 01 to 12';
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return `${MONTHS[month - 1]} ${year} has ${daysInMonth} days`;
  return null;
}

const evidenceLink = z.url({ protocol: /^https$/, hostname: z.regexes.domain });

/** The evidence links, each checked on its own so that the message names the one that is wrong. */
const evidenceLinks = z.array(z.string(), { error: 'Give the evidence links as a list.' }).transform((given, ctx) => {
  const links = given.map((link) => link.trim()).filter((link) => link !== '');
  if (links.length < PROOF_LIMITS.linksMin) ctx.addIssue({ code: 'custom', message: 'Give at least one evidence link.' });
  if (links.length > PROOF_LIMITS.linksMax) ctx.addIssue({ code: 'custom', message: `Give at most ${PROOF_LIMITS.linksMax} evidence links; you gave ${links.length}.` });
  for (const link of links) {
    if (!evidenceLink.safeParse(link).success) ctx.addIssue({ code: 'custom', message: `"${shorten(link)}" is not a full https:// address; each evidence link must be one.` });
  }
  const repeated = links.find((link, index) => links.indexOf(link) !== index);
  if (repeated !== undefined) ctx.addIssue({ code: 'custom', message: `"${shorten(repeated)}" is given twice; give each evidence link only once.` });
  return links;
});

export const SubmitClaimInputSchema = z.object({
  claimId: z.string({ error: 'The claim id is missing.' }).trim().min(1, 'The claim id is missing.'),
  deliverySummary: z
    .string({ error: 'Describe what was delivered.' })
    .trim()
    .min(PROOF_LIMITS.summaryMin, `Describe what was delivered in at least ${PROOF_LIMITS.summaryMin} characters.`)
    .max(PROOF_LIMITS.summaryMax, `Keep the description of what was delivered to ${PROOF_LIMITS.summaryMax} characters.`),
  completionDate: calendarDay,
  evidenceLinks,
});

/** The parts of the proof of execution a problem can be about, as the proof card names its inputs. */
export const PROOF_FIELDS = ['deliverySummary', 'completionDate', 'evidenceLinks'] as const;
export type ProofField = (typeof PROOF_FIELDS)[number];

/** What is wrong with each part of a proof, in sentences for the person who typed it. */
export type ProofProblems = Partial<Record<ProofField | 'claimId', string>>;

export type ProofCheck = { ok: true; proof: z.output<typeof SubmitClaimInputSchema> } | { ok: false; problems: ProofProblems };

/** The claim facts the completion date is checked against. */
export type ProofClaim = Pick<Claim, 'consentAnsweredAt'>;

/** The days the completion date may take (UTC): from the day the customer consented, if known, to today. */
export function completionDateRange(claim: ProofClaim, now: Date): { earliest: Date | null; latest: Date } {
  return { earliest: claim.consentAnsweredAt ? startOfUtcDay(claim.consentAnsweredAt) : null, latest: startOfUtcDay(now) };
}

/**
 * Checks a proof of execution for one claim, every part at once: the shape, a real completion day
 * between consent and today. The proof card and the submission apply this one rule.
 */
export function checkProof(input: unknown, claim: ProofClaim, now: Date): ProofCheck {
  const parsed = parseUserInput(SubmitClaimInputSchema, input);
  const problems: ProofProblems = {};
  const add = (field: ProofField | 'claimId', message: string) => {
    problems[field] = problems[field] ? `${problems[field]} ${message}` : message;
  };
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = PROOF_FIELDS.find((name) => name === issue.path[0]) ?? 'claimId';
      add(field, issue.message);
    }
  }
  const completionDate = parsed.success ? parsed.data.completionDate : SubmitClaimInputSchema.shape.completionDate.safeParse(fieldOf(input, 'completionDate')).data;
  if (completionDate) {
    const range = completionDateRange(claim, now);
    if (completionDate.getTime() > range.latest.getTime()) {
      add('completionDate', `The completion date cannot be in the future: give a day up to today, ${formatDay(range.latest)}.`);
    } else if (range.earliest && completionDate.getTime() < range.earliest.getTime()) {
      add('completionDate', `The completion date cannot be before the customer consented on ${formatDay(range.earliest)}.`);
    }
  }
  if (parsed.success && Object.keys(problems).length === 0) return { ok: true, proof: parsed.data };
  return { ok: false, problems };
}

function fieldOf(input: unknown, field: string): unknown {
  return input && typeof input === 'object' ? (input as Record<string, unknown>)[field] : undefined;
}

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
  const claimId = SubmitClaimInputSchema.shape.claimId.safeParse(fieldOf(input, 'claimId')).data;
  if (!claimId) throw new NotAllowedError('The claim was not submitted: the claim id is missing.');
  return db.prisma.$transaction(async (tx) => {
    const claim = await tx.claim.findFirst({ where: { id: claimId, partnerId: caller.partnerId } });
    if (!claim) throw new NotAllowedError(`Claim ${claimId} was not found.`);
    const checked = checkProof(input, claim, clock.now());
    if (!checked.ok) throw new NotAllowedError(`The claim was not submitted. ${Object.values(checked.problems).join(' ')}`);
    const proof = checked.proof;
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
  // The card's "Customer" and "Engagement" facts are these names, never the claim's friendly name.
  const names = await tx.claim.findUniqueOrThrow({ where: { id: claim.id }, select: { customer: { select: { name: true } }, engagement: { select: { name: true } } } });
  return {
    channel: 'TEAMS',
    event,
    dedupeKey: `claim:${claim.id}:${event}:v${claim.version}:${creator.aadObjectId}`,
    recipient: creator.aadObjectId,
    claimId: claim.id,
    partnerId: claim.partnerId,
    payload: { kind: event, claimId: claim.id, friendlyName: claim.friendlyName, customerName: names.customer.name, engagementName: names.engagement.name, status: claim.status, ...details },
  };
}

/** Parses input at the edge; a failure becomes one NotAllowedError naming every problem. */
export function parseOrRefuse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = parseUserInput(schema, input);
  if (parsed.success) return parsed.data;
  throw new NotAllowedError(`${what}: ${problemsOf(parsed.error).join('; ')}.`);
}

function startOfUtcDay(instant: Date): Date {
  return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
}
