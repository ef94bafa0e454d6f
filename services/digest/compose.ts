import { z } from 'zod';
import { AWAITING_CONSENT_STATUSES, AWAITING_SUBMISSION_STATUSES, EXPIRING_WITHIN_DAYS } from '../claims';
import { hasIncentivesAdminRole } from '../directory';
import { addDays, DAY_MS } from '../shared/clock';
import type { ClaimStatus, Prisma, PrismaClient, Role, Tx } from '../db';

/**
 * What one person's digest says: the claims that need them, by what they need, and the referrals
 * upgraded to co-sell in the last day. An Incentives admin's digest covers the partner's claims;
 * an Incentives user's the claims they created. Each claim is in one section only, the most urgent.
 */

export const DIGEST_EVENT = 'digest.daily';

/** Rows shown per section; the rest are counted ("and 4 more") with a button to the full list. */
export const DIGEST_SECTION_ROWS = 5;

/** How long a queued digest is worth delivering (Teams throttling or unreachable meanwhile). */
export const DIGEST_VALID_MS = 12 * 60 * 60 * 1000;

/** The next step a row's button starts (the claim flows' verbs; viewClaim opens the claim). */
export const DIGEST_ACTIONS = ['sendConsent', 'resendConsent', 'submitClaim', 'viewClaim'] as const;

const ItemSchema = z.object({
  claimId: z.string(),
  friendlyName: z.string(),
  customerName: z.string(),
  engagementName: z.string(),
  status: z.string(),
  /** The deadline that runs on the claim (ISO), with its kind; null when none is shown. */
  deadline: z.object({ kind: z.enum(['consent', 'submission']), at: z.iso.datetime() }).nullable(),
  /** When its referral was upgraded to co-sell (ISO), in the referrals section. */
  upgradedAt: z.iso.datetime().nullable(),
  action: z.enum(DIGEST_ACTIONS),
});

const SectionSchema = z.object({ items: z.array(ItemSchema), total: z.number().int().min(0) });

/** The outbox payload of a digest (what the Teams card is drawn from at delivery). */
export const DigestPayloadSchema = z.object({
  kind: z.literal(DIGEST_EVENT),
  /** The person's local date the digest is for. */
  localDate: z.string(),
  timeZone: z.string(),
  /** When it was written (ISO): "days left" on the card count from here. */
  asOf: z.iso.datetime(),
  /** Whose claims: the partner's (an Incentives admin) or the person's own. */
  scope: z.enum(['partner', 'own']),
  deadlines: SectionSchema,
  consents: SectionSchema,
  rejected: SectionSchema,
  upgraded: SectionSchema,
  text: z.string(),
  /** Delivery drops it after this (services/outbox/delivery.ts): a digest read the next day would be wrong. */
  timely: z.object({ until: z.iso.datetime() }),
});

export type DigestPayload = z.infer<typeof DigestPayloadSchema>;
export type DigestItem = z.infer<typeof ItemSchema>;
export type DigestSection = z.infer<typeof SectionSchema>;

export interface DigestRecipient {
  userId: string;
  partnerId: string;
  roles: readonly Role[];
}

const CLAIM_SELECT = {
  id: true,
  friendlyName: true,
  status: true,
  consentDeadline: true,
  submissionDeadline: true,
  customer: { select: { name: true } },
  engagement: { select: { name: true } },
} satisfies Prisma.ClaimSelect;

type DigestClaim = Prisma.ClaimGetPayload<{ select: typeof CLAIM_SELECT }>;

function nextStep(status: ClaimStatus): DigestItem['action'] {
  if (status === 'ADDED' || status === 'CLAIMED') return 'sendConsent';
  if (status === 'CONSENT_REQUESTED') return 'resendConsent';
  if (status === 'CONSENT_GRANTED' || status === 'REJECTED') return 'submitClaim';
  return 'viewClaim';
}

function item(claim: DigestClaim, deadline: DigestItem['deadline'], extra: { upgradedAt?: Date; action?: DigestItem['action'] } = {}): DigestItem {
  return {
    claimId: claim.id,
    friendlyName: claim.friendlyName,
    customerName: claim.customer.name,
    engagementName: claim.engagement.name,
    status: claim.status,
    deadline,
    upgradedAt: extra.upgradedAt ? extra.upgradedAt.toISOString() : null,
    action: extra.action ?? nextStep(claim.status),
  };
}

/**
 * The digest for one person at `now`, or null when there is nothing to say. Reads only (in parallel
 * on the pool); the caller writes it to the outbox in the transaction that records the day.
 */
export async function composeDigest(
  tx: Tx | PrismaClient,
  recipient: DigestRecipient,
  now: Date,
  day: { localDate: string; timeZone: string },
): Promise<DigestPayload | null> {
  const partnerWide = hasIncentivesAdminRole(recipient.roles);
  const scope: Prisma.ClaimWhereInput = { partnerId: recipient.partnerId, ...(partnerWide ? {} : { createdByUserId: recipient.userId }) };
  const horizon = addDays(now, EXPIRING_WITHIN_DAYS);
  const take = DIGEST_SECTION_ROWS + 1;

  const consentSoon: Prisma.ClaimWhereInput = { ...scope, status: { in: [...AWAITING_CONSENT_STATUSES] }, consentDeadline: { gt: now, lte: horizon } };
  const submissionSoon: Prisma.ClaimWhereInput = { ...scope, status: { in: [...AWAITING_SUBMISSION_STATUSES] }, submissionDeadline: { gt: now, lte: horizon } };
  // The claims with a deadline this week are in that section; these are the others.
  const consents: Prisma.ClaimWhereInput = { ...scope, status: 'CONSENT_REQUESTED', consentDeadline: { gt: horizon } };
  const rejected: Prisma.ClaimWhereInput = { ...scope, status: 'REJECTED', submissionDeadline: { gt: horizon } };
  const upgraded: Prisma.ReferralWhereInput = {
    partnerId: recipient.partnerId,
    dealType: 'CO_SELL',
    upgradedAt: { gt: new Date(now.getTime() - DAY_MS), lte: now },
    ...(partnerWide ? {} : { claim: { createdByUserId: recipient.userId } }),
  };

  const [consentRows, submissionRows, consentCount, submissionCount, consentAsked, consentAskedCount, rejectedRows, rejectedCount, upgradedRows, upgradedCount] = await Promise.all([
    tx.claim.findMany({ where: consentSoon, orderBy: [{ consentDeadline: 'asc' }, { id: 'asc' }], take, select: CLAIM_SELECT }),
    tx.claim.findMany({ where: submissionSoon, orderBy: [{ submissionDeadline: 'asc' }, { id: 'asc' }], take, select: CLAIM_SELECT }),
    tx.claim.count({ where: consentSoon }),
    tx.claim.count({ where: submissionSoon }),
    tx.claim.findMany({ where: consents, orderBy: [{ consentDeadline: 'asc' }, { id: 'asc' }], take, select: CLAIM_SELECT }),
    tx.claim.count({ where: consents }),
    tx.claim.findMany({ where: rejected, orderBy: [{ submissionDeadline: 'asc' }, { id: 'asc' }], take, select: CLAIM_SELECT }),
    tx.claim.count({ where: rejected }),
    tx.referral.findMany({ where: upgraded, orderBy: [{ upgradedAt: 'desc' }, { id: 'asc' }], take, select: { upgradedAt: true, claim: { select: CLAIM_SELECT } } }),
    tx.referral.count({ where: upgraded }),
  ]);

  const deadlineItems = [
    ...consentRows.map((claim) => item(claim, { kind: 'consent', at: claim.consentDeadline.toISOString() })),
    ...submissionRows.flatMap((claim) => (claim.submissionDeadline ? [item(claim, { kind: 'submission', at: claim.submissionDeadline.toISOString() })] : [])),
  ]
    .sort((a, b) => (a.deadline?.at ?? '').localeCompare(b.deadline?.at ?? '') || a.claimId.localeCompare(b.claimId))
    .slice(0, DIGEST_SECTION_ROWS);
  const shown = (rows: DigestItem[]) => rows.slice(0, DIGEST_SECTION_ROWS);
  const payload: DigestPayload = {
    kind: DIGEST_EVENT,
    localDate: day.localDate,
    timeZone: day.timeZone,
    asOf: now.toISOString(),
    scope: partnerWide ? 'partner' : 'own',
    deadlines: { items: deadlineItems, total: consentCount + submissionCount },
    consents: { items: shown(consentAsked.map((claim) => item(claim, { kind: 'consent', at: claim.consentDeadline.toISOString() }))), total: consentAskedCount },
    rejected: {
      items: shown(rejectedRows.map((claim) => item(claim, claim.submissionDeadline ? { kind: 'submission', at: claim.submissionDeadline.toISOString() } : null))),
      total: rejectedCount,
    },
    upgraded: {
      items: shown(upgradedRows.map((row) => item(row.claim, null, { upgradedAt: row.upgradedAt ?? now, action: 'viewClaim' }))),
      total: upgradedCount,
    },
    text: '',
    timely: { until: new Date(now.getTime() + DIGEST_VALID_MS).toISOString() },
  };
  const total = payload.deadlines.total + payload.consents.total + payload.rejected.total + payload.upgraded.total;
  if (total === 0) return null;
  payload.text = summaryText(payload);
  return payload;
}

/** The digest in a line: the toast and activity feed show it (the card says the rest). */
function summaryText(payload: DigestPayload): string {
  const parts = [
    [payload.deadlines.total, 'deadline this week', 'deadlines this week'],
    [payload.consents.total, 'consent awaiting an answer', 'consents awaiting an answer'],
    [payload.rejected.total, 'rejected claim to resubmit', 'rejected claims to resubmit'],
    [payload.upgraded.total, 'referral upgraded to co-sell', 'referrals upgraded to co-sell'],
  ] as const;
  const said = parts.flatMap(([count, one, many]) => (count > 0 ? [`${count} ${count === 1 ? one : many}`] : []));
  return `Your daily digest: ${said.join(', ')}.`;
}
