import { CLAIM_STATUS_LABELS, seesCreators } from './lists';
import { offersCancel } from './cancel';
import { decideTransition, runningDeadline, type ClaimEvent, type ClaimTiming } from './lifecycle';
import { hasClaimRole } from '../directory/callers';
import { DEFAULT_PARTNER_CENTER_REFERRALS_URL, partnerCenterReferralLink } from '../referrals/links';
import { DAY_MS, type Clock } from '../shared/clock';
import { CUSTOMER_ID_TYPE_LABELS } from '../customers/customerIds';
import type {
  ActorKind,
  ClaimOrigin,
  ClaimStatus,
  CustomerIdType,
  Database,
  PayType,
  ReferralDealType,
  ReferralStatus,
  ReferralSubstatus,
  Role,
} from '../db';

/** Who asks to see a claim: only claims of their own partner are visible. */
export interface ClaimViewer {
  partnerId: string;
  roles: readonly Role[];
}

export interface ClaimDeadline {
  kind: 'consent' | 'submission';
  at: Date;
  /** Whole days left, rounded up; 0 or less once passed. Null when this deadline is not the one running now. */
  daysLeft: number | null;
}

export interface ClaimHistoryEntry {
  at: Date;
  what: string;
  who: string;
}

export interface ClaimReferral {
  /** Readable: `REF-` and the claim id's suffix. */
  id: string;
  /** Where a Referrals admin opens it in Partner Center. */
  partnerCenterUrl: string;
  dealType: ReferralDealType;
  status: ReferralStatus;
  substatus: ReferralSubstatus;
  dealSizeUsd: number;
  createdAt: Date;
  upgradedAt: Date | null;
}

export interface ClaimDetails {
  id: string;
  friendlyName: string;
  status: ClaimStatus;
  statusLabel: string;
  origin: ClaimOrigin;
  customerName: string;
  engagementId: string;
  engagementName: string;
  payType: PayType;
  locationId: string;
  locationName: string;
  idType: CustomerIdType;
  idTypeLabel: string;
  idValue: string;
  customerContact: { name: string; email: string };
  partnerContact: { name: string; email: string };
  tenantMismatchReason: string | null;
  estimatedDealSizeUsd: number | null;
  /** VARIABLE only. */
  hours: number | null;
  proposedPayoutUsd: number | null;
  deadlines: ClaimDeadline[];
  closedAt: Date | null;
  closeReason: string | null;
  reviewNote: string | null;
  history: ClaimHistoryEntry[];
  /** Only for Referrals admins, and only when a referral is linked to the claim. */
  referral: ClaimReferral | null;
  /** True when the viewer may see referrals (whether or not one exists). */
  referralsVisible: boolean;
  /** Who created the claim: shown to Incentives admins only. */
  createdBy: string | null;
  /** True when the viewer may cancel this claim now (Incentives admin, claim not terminal). */
  canCancel: boolean;
  /** What the viewer may do next with this claim now, as the state machine and their roles allow. */
  nextSteps: ClaimNextStep[];
}

/** A next step a claim card offers: the card verb that starts it. */
export type ClaimNextStep = 'sendConsent' | 'submitClaim';

/** Each next step and the transition it starts; offered only when that transition is allowed now. */
const NEXT_STEPS: readonly [ClaimNextStep, ClaimEvent][] = [
  ['sendConsent', 'SEND_CONSENT'],
  ['submitClaim', 'SUBMIT'],
];

/**
 * The next steps a viewer may take with a claim now: only Incentives users and admins work with
 * claims (a Referrals admin only looks), and only what the state machine allows at `now`.
 */
export function nextStepsFor(roles: readonly Role[], claim: ClaimTiming, now: Date): ClaimNextStep[] {
  if (!hasClaimRole(roles)) return [];
  return NEXT_STEPS.filter(([, event]) => decideTransition(claim, event, now).ok).map(([step]) => step);
}

/**
 * Claim details are for the partner's people with a role: Incentives users and admins work with
 * claims, and Referrals admins open them to reach the linked referral.
 */
export function canViewClaims(roles: readonly Role[]): boolean {
  return roles.length > 0;
}

/** Claim ids are shown upper-case (CLM-…); people type them in any case and with stray spaces. */
export function normaliseClaimId(raw: string): string {
  return raw.trim().toUpperCase();
}

const HISTORY_LABELS: Record<string, string> = {
  'claim.added': 'Customer added',
  'claim.claimed': 'Customer claimed',
  'claim.send_consent': 'Consent email sent to the customer',
  'claim.resend_consent': 'Consent email re-sent to the customer',
  'claim.accept_consent': 'Customer gave consent',
  'claim.decline_consent': 'Customer declined consent',
  'claim.submit': 'Claim submitted',
  'claim.complete': 'Claim completed',
  'claim.reject': 'Claim rejected (can be resubmitted within the window)',
  'claim.reject_final': 'Claim finally rejected',
  'claim.expire': 'Claim expired',
  'claim.cancel': 'Claim canceled',
  'referral.created': 'Partner-led referral created',
  'referral.upgraded': 'Referral upgraded to co-sell',
  'referral.received': 'Referral received (no seller covers the customer yet)',
};

const ACTOR_LABELS: Record<ActorKind, string> = {
  USER: 'Partner user',
  CUSTOMER: 'Customer',
  SELLER: 'Microsoft seller',
  SYSTEM: 'System',
};

function daysLeft(at: Date, now: Date): number {
  return Math.ceil((at.getTime() - now.getTime()) / DAY_MS);
}

/**
 * One claim of the viewer's partner with its history, or null when there is none: a claim of
 * another partner is "not found" too, so claim ids reveal nothing across partners. The referral
 * and its history rows are shown to Referrals admins only.
 */
export async function claimDetails(
  db: Database,
  clock: Clock,
  viewer: ClaimViewer,
  rawClaimId: string,
  links: { partnerCenterReferralsUrl?: string } = {},
): Promise<ClaimDetails | null> {
  const claimId = normaliseClaimId(rawClaimId);
  if (claimId === '' || !canViewClaims(viewer.roles)) return null;
  const claim = await db.prisma.claim.findFirst({
    where: { id: claimId, partnerId: viewer.partnerId },
    include: {
      customer: { select: { name: true } },
      engagement: { select: { name: true, payType: true } },
      location: { select: { name: true } },
      createdBy: { select: { displayName: true } },
      referral: true,
      auditTrail: { orderBy: [{ at: 'asc' }, { id: 'asc' }], take: 200 },
    },
  });
  if (!claim) return null;
  const referralsVisible = viewer.roles.includes('REFERRALS_ADMIN');
  const now = clock.now();
  const running = runningDeadline(claim);
  const deadlines: ClaimDeadline[] = [
    { kind: 'consent', at: claim.consentDeadline, daysLeft: running?.kind === 'consent' ? daysLeft(claim.consentDeadline, now) : null },
  ];
  if (claim.submissionDeadline) {
    deadlines.push({
      kind: 'submission',
      at: claim.submissionDeadline,
      daysLeft: running?.kind === 'submission' ? daysLeft(claim.submissionDeadline, now) : null,
    });
  }
  const trail = claim.auditTrail.filter((event) => referralsVisible || !event.action.startsWith('referral.'));
  const userIds = [...new Set(trail.filter((e) => e.actorKind === 'USER' && e.actorId).map((e) => e.actorId ?? ''))];
  const users = await db.prisma.partnerUser.findMany({ where: { id: { in: userIds }, partnerId: viewer.partnerId }, select: { id: true, displayName: true } });
  const userNames = new Map(users.map((user) => [user.id, user.displayName]));
  const history = trail.map(
    (event): ClaimHistoryEntry => ({
      at: event.at,
      what: HISTORY_LABELS[event.action] ?? event.action,
      who: (event.actorKind === 'USER' && event.actorId ? userNames.get(event.actorId) : undefined) ?? ACTOR_LABELS[event.actorKind],
    }),
  );
  const referral = referralsVisible && claim.referral ? claim.referral : null;
  return {
    id: claim.id,
    friendlyName: claim.friendlyName,
    status: claim.status,
    statusLabel: CLAIM_STATUS_LABELS[claim.status],
    origin: claim.origin,
    customerName: claim.customer.name,
    engagementId: claim.engagementId,
    engagementName: claim.engagement.name,
    payType: claim.engagement.payType,
    locationId: claim.locationId,
    locationName: claim.location.name,
    idType: claim.idType,
    idTypeLabel: CUSTOMER_ID_TYPE_LABELS[claim.idType],
    idValue: claim.idValue,
    customerContact: { name: claim.customerContactName, email: claim.customerContactEmail },
    partnerContact: { name: claim.partnerContactName, email: claim.partnerContactEmail },
    tenantMismatchReason: claim.tenantMismatchReason,
    estimatedDealSizeUsd: claim.estimatedDealSizeUsd,
    hours: claim.hours,
    proposedPayoutUsd: claim.proposedPayoutUsd,
    deadlines,
    closedAt: claim.closedAt,
    closeReason: claim.closeReason,
    reviewNote: claim.reviewNote,
    history,
    referral: referral
      ? {
          id: referral.id,
          partnerCenterUrl: partnerCenterReferralLink(links.partnerCenterReferralsUrl ?? DEFAULT_PARTNER_CENTER_REFERRALS_URL, referral.externalId),
          dealType: referral.dealType,
          status: referral.status,
          substatus: referral.substatus,
          dealSizeUsd: referral.dealSizeUsd,
          createdAt: referral.createdAt,
          upgradedAt: referral.upgradedAt,
        }
      : null,
    referralsVisible,
    createdBy: seesCreators(viewer.roles) ? claim.createdBy.displayName : null,
    canCancel: offersCancel(viewer.roles, claim.status),
    nextSteps: nextStepsFor(viewer.roles, claim, now),
  };
}
