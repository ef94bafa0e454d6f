import { addDays } from '../shared/clock';
import { formatDay } from '../shared/wording';
import { ClaimStatus, type Engagement } from '../db';

/**
 * The claim state machine: which event may move a claim from which status to which, and when.
 * Pure: no database, no clock of its own. services/claims/transitions.ts executes what this decides.
 */

export const CLAIM_EVENTS = [
  'SEND_CONSENT',
  'RESEND_CONSENT',
  'ACCEPT_CONSENT',
  'DECLINE_CONSENT',
  'SUBMIT',
  'COMPLETE',
  'REJECT',
  'REJECT_FINAL',
  'EXPIRE',
  'CANCEL',
] as const;

export type ClaimEvent = (typeof CLAIM_EVENTS)[number];

export const TERMINAL_STATUSES: readonly ClaimStatus[] = [
  ClaimStatus.COMPLETED,
  ClaimStatus.EXPIRED,
  ClaimStatus.CANCELED,
  ClaimStatus.DECLINED,
  ClaimStatus.REJECTED_FINAL,
];

export const OPEN_STATUSES: readonly ClaimStatus[] = Object.values(ClaimStatus).filter(
  (status) => !TERMINAL_STATUSES.includes(status),
);

/** Open claims whose clock is the consent window. */
export const AWAITING_CONSENT_STATUSES: readonly ClaimStatus[] = [
  ClaimStatus.ADDED,
  ClaimStatus.CLAIMED,
  ClaimStatus.CONSENT_REQUESTED,
];

/** Open claims whose clock is the submission window (a rejected claim may be resubmitted within it). */
export const AWAITING_SUBMISSION_STATUSES: readonly ClaimStatus[] = [ClaimStatus.CONSENT_GRANTED, ClaimStatus.REJECTED];

export function isTerminal(status: ClaimStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function isOpen(status: ClaimStatus): boolean {
  return !isTerminal(status);
}

/** What the state machine needs to know about a claim. */
export interface ClaimTiming {
  status: ClaimStatus;
  consentDeadline: Date;
  submissionDeadline: Date | null;
}

export type TransitionDecision = { ok: true; to: ClaimStatus } | { ok: false; reason: string };

/** Decides whether `event` may happen to `claim` at `now`; a refusal carries a reason a partner can read. */
export function decideTransition(claim: ClaimTiming, event: ClaimEvent, now: Date): TransitionDecision {
  const { status } = claim;
  if (isTerminal(status)) return refuse(status, event);
  const beforeConsentDeadline = now.getTime() < claim.consentDeadline.getTime();

  switch (event) {
    case 'SEND_CONSENT':
      if (status !== 'ADDED' && status !== 'CLAIMED') {
        return refuse(status, event, status === 'CONSENT_REQUESTED' ? 'Re-send the consent email to remind the customer.' : undefined);
      }
      return beforeConsentDeadline ? allow('CONSENT_REQUESTED') : consentWindowClosed(claim);
    case 'RESEND_CONSENT':
      if (status !== 'CONSENT_REQUESTED') return refuse(status, event);
      return beforeConsentDeadline ? allow('CONSENT_REQUESTED') : consentWindowClosed(claim);
    case 'ACCEPT_CONSENT':
      if (status !== 'CONSENT_REQUESTED') return refuse(status, event);
      return beforeConsentDeadline ? allow('CONSENT_GRANTED') : consentWindowClosed(claim);
    case 'DECLINE_CONSENT':
      return status === 'CONSENT_REQUESTED' ? allow('DECLINED') : refuse(status, event);
    case 'SUBMIT': {
      if (status !== 'CONSENT_GRANTED' && status !== 'REJECTED') return refuse(status, event);
      if (!claim.submissionDeadline) return noSubmissionDeadline();
      if (now.getTime() < claim.submissionDeadline.getTime()) return allow('SUBMITTED');
      return { ok: false, reason: `This claim's submission window closed on ${formatDay(claim.submissionDeadline)}.` };
    }
    case 'COMPLETE':
      return status === 'SUBMITTED' ? allow('COMPLETED') : refuse(status, event);
    case 'REJECT':
      return status === 'SUBMITTED' ? allow('REJECTED') : refuse(status, event);
    case 'REJECT_FINAL':
      return status === 'SUBMITTED' ? allow('REJECTED_FINAL') : refuse(status, event);
    case 'EXPIRE':
      return decideExpiry(claim, now);
    case 'CANCEL':
      return allow('CANCELED');
  }
}

/** A deadline a claim can expire at. */
export type ExpiryDeadline = 'consent' | 'submission';

/** Open claims in `from` expire into `to` once their `deadline` has passed. */
export interface ExpiryRule {
  deadline: ExpiryDeadline;
  from: readonly ClaimStatus[];
  to: ClaimStatus;
}

/**
 * When claims expire: the one table both executors read. decideTransition applies it to one claim;
 * the deadline sweep (services/claims/deadlines.ts) turns it into one set-based statement per batch.
 */
export const EXPIRY_RULES: readonly ExpiryRule[] = [
  { deadline: 'consent', from: AWAITING_CONSENT_STATUSES, to: ClaimStatus.EXPIRED },
  { deadline: 'submission', from: AWAITING_SUBMISSION_STATUSES, to: ClaimStatus.EXPIRED },
];

function decideExpiry(claim: ClaimTiming, now: Date): TransitionDecision {
  const rule = EXPIRY_RULES.find((candidate) => candidate.from.includes(claim.status));
  if (!rule) return refuse(claim.status, 'EXPIRE');
  const deadline = rule.deadline === 'consent' ? claim.consentDeadline : claim.submissionDeadline;
  if (!deadline) return noSubmissionDeadline();
  if (now.getTime() >= deadline.getTime()) return allow(rule.to);
  const window = rule.deadline === 'consent' ? 'consent window' : 'submission window';
  return { ok: false, reason: `This claim's ${window} is open until ${formatDay(deadline)}, so it has not expired.` };
}

function allow(to: ClaimStatus): TransitionDecision {
  return { ok: true, to };
}

function consentWindowClosed(claim: ClaimTiming): TransitionDecision {
  return { ok: false, reason: `This claim's consent window closed on ${formatDay(claim.consentDeadline)}.` };
}

function noSubmissionDeadline(): TransitionDecision {
  return { ok: false, reason: 'This claim has no submission deadline recorded, so it cannot be submitted or expired. Contact support.' };
}

const STATUS_DESCRIPTIONS: Record<ClaimStatus, string> = {
  ADDED: 'added and waiting for the consent email to be sent',
  CLAIMED: 'claimed and waiting for the consent email to be sent',
  CONSENT_REQUESTED: "waiting for the customer's consent",
  CONSENT_GRANTED: 'consented and waiting to be submitted',
  SUBMITTED: 'submitted and under review',
  REJECTED: 'rejected and waiting to be resubmitted',
  COMPLETED: 'completed',
  REJECTED_FINAL: 'finally rejected',
  EXPIRED: 'expired',
  CANCELED: 'canceled',
  DECLINED: 'declined by the customer',
};

const REFUSED_CONSEQUENCES: Record<ClaimEvent, string> = {
  SEND_CONSENT: 'the consent email cannot be sent',
  RESEND_CONSENT: 'the consent email cannot be re-sent',
  ACCEPT_CONSENT: 'consent cannot be accepted',
  DECLINE_CONSENT: 'consent cannot be declined',
  SUBMIT: 'it cannot be submitted',
  COMPLETE: 'it cannot be completed',
  REJECT: 'it cannot be rejected',
  REJECT_FINAL: 'it cannot be finally rejected',
  EXPIRE: 'it does not expire',
  CANCEL: 'it cannot be canceled',
};

function refuse(status: ClaimStatus, event: ClaimEvent, hint?: string): TransitionDecision {
  const reason = `This claim is ${STATUS_DESCRIPTIONS[status]}, so ${REFUSED_CONSEQUENCES[event]}.`;
  return { ok: false, reason: hint ? `${reason} ${hint}` : reason };
}

/** The consent deadline of a claim created at `createdAt`: the engagement's consent window, never a constant. */
export function consentDeadlineFor(createdAt: Date, engagement: Pick<Engagement, 'consentWindowDays'>): Date {
  return addDays(createdAt, windowDays(engagement.consentWindowDays, 'consent window'));
}

/** The submission deadline once consent is granted at `consentGrantedAt`: the engagement's submission window. */
export function submissionDeadlineFor(consentGrantedAt: Date, engagement: Pick<Engagement, 'submissionWindowDays'>): Date {
  return addDays(consentGrantedAt, windowDays(engagement.submissionWindowDays, 'submission window'));
}

function windowDays(days: number, what: string): number {
  if (!Number.isInteger(days) || days <= 0) {
    throw new Error(`The engagement's ${what} must be a positive whole number of days, not ${days}.`);
  }
  return days;
}

/** The deadline that currently runs for an open claim, or null when none does (under review or terminal). */
export function runningDeadline(claim: ClaimTiming): { kind: 'consent' | 'submission'; at: Date } | null {
  if (AWAITING_CONSENT_STATUSES.includes(claim.status)) return { kind: 'consent', at: claim.consentDeadline };
  if (AWAITING_SUBMISSION_STATUSES.includes(claim.status) && claim.submissionDeadline) {
    return { kind: 'submission', at: claim.submissionDeadline };
  }
  return null;
}

/**
 * The value of Claim.openClaimKey while a claim is open: unique per partner, engagement and customer.
 * Each part is URI-encoded so that the separator cannot occur inside a part and two triples never collide.
 */
export function openClaimKey(partnerId: string, engagementId: string, customerId: string): string {
  return [partnerId, engagementId, customerId].map(encodeURIComponent).join(':');
}

/** The claim fields a caller may change together with a transition (everything else is the executor's). */
export interface ClaimChanges {
  customerContactName?: string;
  customerContactEmail?: string;
  customerContactPhone?: string | null;
  partnerContactName?: string;
  partnerContactEmail?: string;
  partnerContactPhone?: string | null;
  estimatedDealSizeUsd?: number;
  disclaimerAcceptedAt?: Date;
  deliverySummary?: string;
  completionDate?: Date;
  evidenceLinks?: string[];
  reviewNote?: string;
  closeReason?: string;
}

export type ClaimChangeField = keyof ClaimChanges;

const CONTACT_FIELDS = [
  'customerContactName',
  'customerContactEmail',
  'customerContactPhone',
  'partnerContactName',
  'partnerContactEmail',
  'partnerContactPhone',
] as const satisfies readonly ClaimChangeField[];

/**
 * Which fields each event may change. The estimated deal size is only set when consent is first
 * requested, because Partner Center fixes it from then on.
 */
const EDITABLE_FIELDS: Record<ClaimEvent, readonly ClaimChangeField[]> = {
  SEND_CONSENT: [...CONTACT_FIELDS, 'estimatedDealSizeUsd', 'disclaimerAcceptedAt'],
  RESEND_CONSENT: CONTACT_FIELDS,
  ACCEPT_CONSENT: [],
  DECLINE_CONSENT: ['closeReason'],
  SUBMIT: ['deliverySummary', 'completionDate', 'evidenceLinks'],
  COMPLETE: ['reviewNote'],
  REJECT: ['reviewNote'],
  REJECT_FINAL: ['reviewNote', 'closeReason'],
  EXPIRE: ['closeReason'],
  CANCEL: ['closeReason'],
};

const FIELD_LABELS: Record<ClaimChangeField, string> = {
  customerContactName: "customer contact's name",
  customerContactEmail: "customer contact's email",
  customerContactPhone: "customer contact's phone",
  partnerContactName: "partner contact's name",
  partnerContactEmail: "partner contact's email",
  partnerContactPhone: "partner contact's phone",
  estimatedDealSizeUsd: 'estimated deal size',
  disclaimerAcceptedAt: 'disclaimer acceptance',
  deliverySummary: 'delivery summary',
  completionDate: 'completion date',
  evidenceLinks: 'evidence links',
  reviewNote: 'review note',
  closeReason: 'close reason',
};

/** Refuses changes to fields the event may not touch, naming the first such field. */
export function decideChanges(event: ClaimEvent, changes: ClaimChanges): { ok: true } | { ok: false; reason: string } {
  const allowed = EDITABLE_FIELDS[event];
  const field = (Object.keys(changes) as ClaimChangeField[]).find(
    (key) => changes[key] !== undefined && !allowed.includes(key),
  );
  if (!field) return { ok: true };
  if (field === 'estimatedDealSizeUsd') {
    return { ok: false, reason: 'The estimated deal size is set when the consent email is first sent and cannot be changed afterwards.' };
  }
  return { ok: false, reason: `The ${FIELD_LABELS[field]} cannot be changed at this step.` };
}
