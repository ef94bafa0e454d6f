import type { ClaimDetails, ClaimNextStep } from '../services/claims/details';
import template from './claimDetails.json';
import { expandCard, type AdaptiveCard } from './render';
import { CANCEL_CLAIM_ACTION, claimRefresh } from './actions';
import { daysLeftText, engagementTitle, formatDateTime, formatDay, formatUsd, markdownLink, REFERRAL_DEAL_TYPE_LABELS, referralStatusText } from './format';

export interface ClaimDetailsCardData {
  claim: ClaimDetails;
  /** Follow-up buttons (Action.Submit with `data.action`), e.g. back to the engagement's Customers page. */
  buttons: { title: string; data: Record<string, string> }[];
  /** The claim's link (PUBLIC_BASE_URL/claims/<id>), which unfurls into its card when pasted in Teams. */
  link?: string;
}

interface Fact {
  title: string;
  value: string;
}

export const STATUS_COLORS: Record<ClaimDetails['status'], 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent'> = {
  ADDED: 'Accent',
  CLAIMED: 'Accent',
  CONSENT_REQUESTED: 'Accent',
  CONSENT_GRANTED: 'Accent',
  SUBMITTED: 'Accent',
  REJECTED: 'Warning',
  COMPLETED: 'Good',
  REJECTED_FINAL: 'Attention',
  EXPIRED: 'Attention',
  CANCELED: 'Default',
  DECLINED: 'Attention',
};

function deadlineValue(deadline: ClaimDetails['deadlines'][number]): string {
  const day = formatDay(deadline.at);
  return deadline.daysLeft === null ? day : `${day} (${daysLeftText(deadline.daysLeft)})`;
}

function claimFacts(claim: ClaimDetails): Fact[] {
  const facts: Fact[] = [
    { title: 'Customer', value: claim.customerName },
    { title: 'Engagement', value: engagementTitle(claim.engagementName, claim.payType) },
    { title: 'Location', value: `${claim.locationName} (${claim.locationId})` },
    { title: 'Customer id used', value: `${claim.idTypeLabel}: ${claim.idValue}` },
    { title: 'How', value: claim.origin === 'ADDED' ? 'Customer added' : 'Known customer claimed' },
    ...(claim.createdBy ? [{ title: 'Created by', value: claim.createdBy }] : []),
    { title: 'Customer contact', value: `${claim.customerContact.name} <${claim.customerContact.email}>` },
    { title: 'Partner contact', value: `${claim.partnerContact.name} <${claim.partnerContact.email}>` },
    { title: 'Estimated deal size', value: claim.estimatedDealSizeUsd === null ? 'Not given yet (set when consent is requested)' : formatUsd(claim.estimatedDealSizeUsd) },
  ];
  if (claim.payType === 'VARIABLE') {
    facts.push({ title: 'Hours', value: claim.hours === null ? 'Not recorded' : String(claim.hours) });
    facts.push({ title: 'Proposed payout', value: claim.proposedPayoutUsd === null ? 'Not recorded' : formatUsd(claim.proposedPayoutUsd) });
  }
  if (claim.tenantMismatchReason) facts.push({ title: 'Tenant mismatch reason', value: claim.tenantMismatchReason });
  if (claim.reviewNote) facts.push({ title: 'Review note', value: claim.reviewNote });
  if (claim.closeReason) facts.push({ title: 'Closed because', value: claim.closeReason });
  return facts;
}

function referralFacts(claim: ClaimDetails): Fact[] {
  const referral = claim.referral;
  if (!referral) return [];
  const facts: Fact[] = [
    { title: 'Referral', value: referral.id },
    { title: 'Deal type', value: REFERRAL_DEAL_TYPE_LABELS[referral.dealType] },
    { title: 'Status', value: referralStatusText(referral.status, referral.substatus) },
    { title: 'Deal size', value: formatUsd(referral.dealSizeUsd) },
    { title: 'Created', value: formatDay(referral.createdAt) },
  ];
  if (referral.upgradedAt) facts.push({ title: 'Upgraded to co-sell', value: formatDay(referral.upgradedAt) });
  return facts;
}


export const NEXT_STEP_TITLES: Record<ClaimNextStep, string> = {
  sendConsent: 'Send consent email',
  submitClaim: 'Submit claim',
};

/**
 * A claim's details: who, what, where, status, deadlines with days left, payout, history,
 * (Referrals admins) its referral, the next steps the service allows the viewer first, and
 * (admins, open claims) "Cancel claim" last.
 */
export function claimDetailsCard(data: ClaimDetailsCardData): AdaptiveCard {
  const { claim } = data;
  const card = expandCard(template, {
    claimId: claim.id,
    friendlyName: claim.friendlyName,
    statusLine: claim.closedAt ? `${claim.statusLabel} on ${formatDay(claim.closedAt)}` : claim.statusLabel,
    statusColor: STATUS_COLORS[claim.status],
    facts: claimFacts(claim),
    deadlines: claim.deadlines.map((deadline) => ({
      title: deadline.kind === 'consent' ? 'Consent by' : 'Submit by',
      value: deadlineValue(deadline),
    })),
    showReferralSection: claim.referralsVisible,
    referralFacts: referralFacts(claim),
    referralLink: claim.referral ? markdownLink('Open the referral in Partner Center', claim.referral.partnerCenterUrl) : '',
    linkText: data.link ? `Link to share: ${data.link} (pasted in a Teams chat it shows this claim to the people of your organisation)` : '',
    history: claim.history.map((entry) => ({ title: formatDateTime(entry.at), value: `${entry.what} (${entry.who})` })),
    buttons: [
      ...claim.nextSteps.map((step) => ({ title: NEXT_STEP_TITLES[step], data: { action: step, claimId: claim.id } })),
      ...data.buttons,
      ...(claim.canCancel ? [{ title: 'Cancel claim', data: { action: CANCEL_CLAIM_ACTION, claimId: claim.id } }] : []),
    ],
  });
  // Opened later (Teams, Universal Actions), the card shows the claim as it is then, for whoever looks.
  return { ...card, refresh: claimRefresh(claim.id) };
}
