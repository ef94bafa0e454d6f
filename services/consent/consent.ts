import { z } from 'zod';
import { decideTransition } from '../claims/lifecycle';
import { formatDateTime, formatDay } from '../shared/wording';
import { CONSENT_EVENTS, consentEmailDraft, sentToken, type ConsentParties } from './email';
import { hashConsentToken, isWellFormedToken, newConsentToken } from './token';
import { applyTransitionInTx } from '../claims/transitions';
import type { Clock } from '../shared/clock';
import type { Claim, ConsentResponse, Database, Tx } from '../db';
import { canWorkWithClaims, type Caller } from '../directory/callers';
import { NotAllowedError, isNotAllowed } from '../shared/errors';
import { createReferralInTx, upgradeReferralInTx } from '../referrals/referrals';
import { parseOrRefuse, toCreator } from '../claims/submission';
import { contactMessagesFor, contactSchema } from '../shared/contact';

/**
 * The customer's consent (rule 5): the partner sends the consent email, may re-send it as a
 * reminder, and the customer accepts or declines on the consent page. Every step goes through the
 * claim state machine, so it is audited and its messages are queued in the same transaction.
 */

export type { ConsentSettings } from '../shared/context';
import type { ConsentSettings } from '../shared/context';

/** How long a partner waits between two re-sends of the consent email. */
export const RESEND_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** The largest deal size the database column holds (a 32-bit integer). */
export const MAX_DEAL_SIZE_USD = 2_000_000_000;

/** The contacts as the contacts card checks them (services/shared/contact.ts), so a contact the card accepts is never refused here. */
const customerContactSchema = contactSchema(contactMessagesFor('Customer contact'));
const partnerContactSchema = contactSchema(contactMessagesFor('Your contact'));

/** Whole US dollars above 0; "-5" is read as a number, so it is told it must be more than 0, not that it is no whole number. */
const dealSize = z
  .union([z.number(), z.string().trim().regex(/^-?\d+$/, 'the estimated deal size must be a whole number of US dollars').transform(Number)], {
    error: 'the estimated deal size must be a whole number of US dollars',
  })
  .pipe(
    z
      .number()
      .int('the estimated deal size must be a whole number of US dollars')
      .positive('the estimated deal size must be more than 0 US dollars')
      .max(MAX_DEAL_SIZE_USD, `the estimated deal size cannot exceed ${MAX_DEAL_SIZE_USD.toLocaleString('en-US')} US dollars`),
  );

export const RequestConsentInputSchema = z.object({
  claimId: z.string().trim().min(1, 'the claim id is missing'),
  customerContact: customerContactSchema.optional(),
  partnerContact: partnerContactSchema.optional(),
  estimatedDealSizeUsd: dealSize,
  disclaimerAccepted: z.literal(true, { error: 'the disclaimer must be accepted' }),
});

export type RequestConsentInput = z.input<typeof RequestConsentInputSchema>;

export const ResendConsentInputSchema = z.object({
  claimId: z.string().trim().min(1, 'the claim id is missing'),
  customerContact: customerContactSchema.optional(),
  partnerContact: partnerContactSchema.optional(),
});

export type ResendConsentInput = z.input<typeof ResendConsentInputSchema>;

/** When the consent email may be re-sent (24 hours after it was last sent), or null when it may be now. */
export function resendWaitUntil(lastSentAt: Date, now: Date): Date | null {
  const next = new Date(lastSentAt.getTime() + RESEND_INTERVAL_MS);
  return now.getTime() < next.getTime() ? next : null;
}

/** A re-sent consent email: the claim, and whether the customer got a new link (the earlier one then stops working). */
export interface ResendResult {
  claim: Claim;
  newLink: boolean;
}

/** A re-send inside the 24-hour limit; `nextAllowedAt` is when the partner may re-send again. */
export class ResendTooSoonError extends NotAllowedError {
  constructor(readonly nextAllowedAt: Date) {
    super(`The consent email can be re-sent once every 24 hours. You can re-send it again from ${formatDateTime(nextAllowedAt)}.`);
    this.name = 'ResendTooSoonError';
  }
}

/**
 * Sends the consent email for an ADDED or CLAIMED claim of the caller's partner: records the
 * contacts, the estimated deal size (fixed from now on) and the accepted disclaimer, moves the claim
 * to CONSENT_REQUESTED, stores the token's hash with the consent deadline as its expiry, and queues
 * the email, all in one transaction. Refusals throw NotAllowedError and change nothing.
 */
export async function requestConsent(
  db: Database,
  clock: Clock,
  settings: ConsentSettings,
  caller: Caller,
  input: RequestConsentInput,
): Promise<Claim> {
  const partner = requireClaimWorker(caller);
  const request = parseOrRefuse(RequestConsentInputSchema, input, 'The consent email was not sent');
  return db.prisma.$transaction(async (tx) => {
    const claim = await tx.claim.findFirst({ where: { id: request.claimId, partnerId: partner.partnerId } });
    if (!claim) throw new NotAllowedError(`Claim ${request.claimId} was not found.`);
    if (claim.estimatedDealSizeUsd !== null && claim.consentRequestedAt !== null && claim.estimatedDealSizeUsd !== request.estimatedDealSizeUsd) {
      throw new NotAllowedError('The estimated deal size is set when the consent email is first sent and cannot be changed afterwards.');
    }
    const now = clock.now();
    const token = newConsentToken();
    const updated = await applyTransitionInTx(tx, clock, {
      claimId: claim.id,
      partnerId: partner.partnerId,
      event: 'SEND_CONSENT',
      actor: { kind: 'USER', id: partner.userId },
      changes: { ...contactChanges(request), estimatedDealSizeUsd: request.estimatedDealSizeUsd, disclaimerAcceptedAt: now },
      outbox: async (sent, inner) => [await consentEmailDraft(inner, settings, sent, token, 1)],
    });
    await tx.consentRequest.create({
      data: {
        claimId: claim.id,
        tokenHash: hashConsentToken(settings.tokenSecret, token),
        expiresAt: updated.consentDeadline,
        firstSentAt: now,
        lastSentAt: now,
        sendCount: 1,
      },
    });
    await createReferralInTx(tx, clock, updated.id);
    return updated;
  });
}

/**
 * Re-sends the consent email as a reminder, at most once per 24 hours per claim, with the same link
 * when it can, and says whether it did.
 *
 * Same link: the token is taken back from the claim's latest consent email in the outbox (the only
 * place it exists in clear) and checked against the stored hash. When that email is gone, or the
 * claim's consent request predates this product (seeded data), a new token is issued and the old
 * link stops working, so the customer always receives a link that works.
 */
export async function resendConsent(
  db: Database,
  clock: Clock,
  settings: ConsentSettings,
  caller: Caller,
  input: ResendConsentInput,
): Promise<ResendResult> {
  const partner = requireClaimWorker(caller);
  const request = parseOrRefuse(ResendConsentInputSchema, input, 'The consent email was not re-sent');
  return db.prisma.$transaction(async (tx) => {
    const claim = await tx.claim.findFirst({ where: { id: request.claimId, partnerId: partner.partnerId }, include: { consent: true } });
    if (!claim) throw new NotAllowedError(`Claim ${request.claimId} was not found.`);
    const now = clock.now();
    const decision = decideTransition(claim, 'RESEND_CONSENT', now);
    if (!decision.ok) throw new NotAllowedError(decision.reason);
    const consent = claim.consent;
    if (!consent) throw new NotAllowedError('This claim has no consent request to re-send. Send the consent email first.');
    const nextAllowedAt = resendWaitUntil(consent.lastSentAt, now);
    if (nextAllowedAt) throw new ResendTooSoonError(nextAllowedAt);
    const sameToken = await sentToken(tx, settings, claim.id, consent.tokenHash);
    const token = sameToken ?? newConsentToken();
    const sendNumber = consent.sendCount + 1;
    const updated = await applyTransitionInTx(tx, clock, {
      claimId: claim.id,
      partnerId: partner.partnerId,
      event: 'RESEND_CONSENT',
      actor: { kind: 'USER', id: partner.userId },
      changes: contactChanges(request),
      outbox: async (sent, inner) => [await consentEmailDraft(inner, settings, sent, token, sendNumber)],
    });
    // Conditional on lastSentAt, so that of two racing re-sends only one counts.
    const { count } = await tx.consentRequest.updateMany({
      where: { claimId: claim.id, lastSentAt: consent.lastSentAt, response: null },
      data: { lastSentAt: now, sendCount: sendNumber, tokenHash: hashConsentToken(settings.tokenSecret, token) },
    });
    if (count !== 1) throw new NotAllowedError('The consent email was re-sent by someone else at the same time, so nothing was saved.');
    return { claim: updated, newLink: sameToken === null };
  });
}

/** Why a consent token cannot be answered. */
export type ConsentProblem = 'malformed' | 'unknown' | 'answered' | 'expired' | 'closed';

export type ConsentRefusal = {
  ok: false;
  problem: ConsentProblem;
  /** For the customer, under the page's heading for the problem (which it does not repeat). */
  message: string;
  /** For `answered`: what was answered and when. */
  answered?: { response: ConsentResponse; at: Date };
};

/** What the consent page shows the customer. */
export interface ConsentPageView extends ConsentParties {
  claimId: string;
}

export type ConsentPageResult = { ok: true; view: ConsentPageView } | ConsentRefusal;

export type ConsentAnswer = 'ACCEPTED' | 'DECLINED';

export type ConsentAnswerResult = { ok: true; response: ConsentResponse; claim: Claim; view: ConsentPageView } | ConsentRefusal;

/** What the consent page shows for a token, or why the token cannot be answered. Reads only. */
export async function consentPageView(db: Database, clock: Clock, settings: ConsentSettings, token: string): Promise<ConsentPageResult> {
  return db.prisma.$transaction(async (tx) => {
    const found = await openRequest(tx, clock, settings, token);
    return found.ok ? { ok: true, view: found.view } : found;
  });
}

/**
 * The customer's answer. Refuses a malformed, unknown, answered or expired token, or a claim that
 * is no longer waiting for consent, with a typed problem and no change. Otherwise records the
 * answer once (a conditional update: of two racing answers one wins, the other is `answered`),
 * moves the claim through ACCEPT_CONSENT or DECLINE_CONSENT as the customer, and queues the
 * partner's Teams message, in one transaction.
 */
export async function answerConsent(
  db: Database,
  clock: Clock,
  settings: ConsentSettings,
  input: { token: string; answer: ConsentAnswer },
): Promise<ConsentAnswerResult> {
  try {
    return await db.prisma.$transaction(async (tx): Promise<ConsentAnswerResult> => {
      const found = await openRequest(tx, clock, settings, input.token);
      if (!found.ok) return found;
      const now = clock.now();
      const { count } = await tx.consentRequest.updateMany({
        where: { claimId: found.claim.id, response: null },
        data: { response: input.answer, respondedAt: now },
      });
      if (count !== 1) return answeredRefusal(null);
      const accepted = input.answer === 'ACCEPTED';
      const claim = await applyTransitionInTx(tx, clock, {
        claimId: found.claim.id,
        partnerId: null,
        event: accepted ? 'ACCEPT_CONSENT' : 'DECLINE_CONSENT',
        actor: { kind: 'CUSTOMER', id: found.claim.customerContactEmail },
        changes: accepted ? {} : { closeReason: 'The customer declined consent.' },
        outbox: async (updated, inner) => [
          await toCreator(inner, updated, accepted ? CONSENT_EVENTS.accepted : CONSENT_EVENTS.declined, {
            customerName: found.view.customerName,
            engagementName: found.view.engagementName,
            text: accepted
              ? `${found.view.customerName} accepted consent for ${updated.friendlyName} (${updated.id}). Submit the claim by ${formatDay(updated.submissionDeadline ?? now)}.`
              : `${found.view.customerName} declined consent for ${updated.friendlyName} (${updated.id}). The claim is closed.`,
          }),
        ],
      });
      if (accepted) await upgradeReferralInTx(tx, clock, claim.id);
      return { ok: true, response: input.answer, claim, view: found.view };
    });
  } catch (error) {
    // The claim changed between reading and writing (expired by the scheduler, canceled, answered): nothing was saved.
    if (isNotAllowed(error)) return { ok: false, problem: 'closed', message: NO_LONGER_OPEN };
    throw error;
  }
}

type OpenRequest = { ok: true; claim: Claim; view: ConsentPageView } | ConsentRefusal;

async function openRequest(tx: Tx, clock: Clock, settings: ConsentSettings, token: string): Promise<OpenRequest> {
  if (!isWellFormedToken(token)) {
    return { ok: false, problem: 'malformed', message: 'The link is incomplete or damaged. Open the link from the email again, or ask the partner to re-send it.' };
  }
  const request = await tx.consentRequest.findUnique({
    where: { tokenHash: hashConsentToken(settings.tokenSecret, token) },
    include: { claim: { include: { partner: true, engagement: true, customer: true } } },
  });
  if (!request) {
    return { ok: false, problem: 'unknown', message: 'It may have been replaced by a newer email: use the link from the latest email, or ask the partner to re-send it.' };
  }
  if (request.response && request.respondedAt) return answeredRefusal({ response: request.response, at: request.respondedAt });
  const { claim } = request;
  const now = clock.now();
  if (now.getTime() >= request.expiresAt.getTime() || claim.status === 'EXPIRED') {
    return { ok: false, problem: 'expired', message: `It expired on ${formatDay(request.expiresAt)}. Ask the partner if you still want to take part.` };
  }
  if (claim.status !== 'CONSENT_REQUESTED') {
    return { ok: false, problem: 'closed', message: NO_LONGER_OPEN };
  }
  return {
    ok: true,
    claim,
    view: {
      claimId: claim.id,
      partnerName: claim.partner.name,
      engagementName: claim.engagement.name,
      consentTerms: claim.engagement.consentTerms,
      customerName: claim.customer.name,
      customerContactName: claim.customerContactName,
      partnerContactName: claim.partnerContactName,
      partnerContactEmail: claim.partnerContactEmail,
      deadline: request.expiresAt,
    },
  };
}

const NO_LONGER_OPEN = 'It can no longer be answered. Ask the partner if you still want to take part.';

/** The answered state, said once: the heading says it was answered, this says how and when. */
function answeredRefusal(answered: { response: ConsentResponse; at: Date } | null): ConsentRefusal {
  const message = answered ? `You ${answered.response === 'ACCEPTED' ? 'accepted' : 'declined'} it on ${formatDay(answered.at)}.` : 'It was answered a moment ago.';
  return { ok: false, problem: 'answered', message, ...(answered ? { answered } : {}) };
}

function requireClaimWorker(caller: Caller): { partnerId: string; userId: string } {
  if (caller.kind !== 'partnerUser' || !canWorkWithClaims(caller)) {
    throw new NotAllowedError('Only Incentives users and Incentives admins can send consent emails. Ask an Incentives admin of your organisation for a role.');
  }
  return { partnerId: caller.partnerId, userId: caller.userId };
}

type Contact = z.output<typeof customerContactSchema>;

function contactChanges(request: { customerContact?: Contact; partnerContact?: Contact }) {
  return {
    ...(request.customerContact
      ? {
          customerContactName: request.customerContact.name,
          customerContactEmail: request.customerContact.email,
          customerContactPhone: request.customerContact.phone,
        }
      : {}),
    ...(request.partnerContact
      ? {
          partnerContactName: request.partnerContact.name,
          partnerContactEmail: request.partnerContact.email,
          partnerContactPhone: request.partnerContact.phone,
        }
      : {}),
  };
}


/** What the re-send card shows: when the email was last sent and how often, when it may be re-sent, and with which link. */
export interface ConsentSendHistory {
  lastSentAt: Date;
  sendCount: number;
  /** When a re-send is allowed, if not now. */
  resendFrom: Date | null;
  /** A re-send now keeps the link of the earlier email (otherwise a new one replaces it). */
  keepsLink: boolean;
}

/** The claim's consent email history, for the re-send card; null before the first send (or for another partner's claim). */
export async function consentSendHistory(db: Database, clock: Clock, settings: ConsentSettings, partnerId: string, claimId: string): Promise<ConsentSendHistory | null> {
  const consent = await db.prisma.consentRequest.findFirst({ where: { claimId, claim: { partnerId } }, select: { lastSentAt: true, sendCount: true, tokenHash: true } });
  if (!consent) return null;
  const keepsLink = (await sentToken(db.prisma, settings, claimId, consent.tokenHash)) !== null;
  return { lastSentAt: consent.lastSentAt, sendCount: consent.sendCount, resendFrom: resendWaitUntil(consent.lastSentAt, clock.now()), keepsLink };
}
