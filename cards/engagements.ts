import type { EngagementSummary } from '../services/directory/engagements';
import template from './engagements.json';
import { expandCard, type AdaptiveCard } from './render';
import { days, describeIdTypes, formatUsd } from './format';

export interface EngagementsCardData {
  /** "Engagements you can work on", or a question when a name matched several. */
  title: string;
  intro: string;
  engagements: readonly EngagementSummary[];
}

const EMPTY_TEXT = 'None of your MCI-enrolled locations is enrolled for an open engagement. Your Incentives admin can enrol a location in Partner Center.';

function variableRules(engagement: EngagementSummary): string {
  if (engagement.payType !== 'VARIABLE') return '';
  const parts = [
    engagement.maxHours !== null ? `up to ${engagement.maxHours} hours` : null,
    engagement.payoutCapUsd !== null ? `payout capped at ${formatUsd(engagement.payoutCapUsd)}` : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? `Hourly rate by opportunity tier, ${parts.join(', ')}` : 'Hourly rate by opportunity tier';
}

/** The engagements a partner can work on, each with its rules and a button to its Customers page. */
export function engagementsCard(data: EngagementsCardData): AdaptiveCard {
  return expandCard(template, {
    title: data.title,
    intro: data.intro,
    emptyText: EMPTY_TEXT,
    engagements: data.engagements.map((engagement) => ({
      name: engagement.name,
      description: engagement.description,
      payType: engagement.payType === 'FIXED' ? 'Fixed' : 'Variable',
      idTypes: describeIdTypes(engagement.acceptedIdTypes),
      consentWindow: `${days(engagement.consentWindowDays)} after adding or claiming`,
      submissionWindow: `${days(engagement.submissionWindowDays)} after consent`,
      claimLimit: String(engagement.maxActiveClaimsPerCustomer),
      referrals: engagement.referralsEnabled ? 'Enabled' : 'Not enabled',
      variableRules: variableRules(engagement),
      openData: { action: 'showTab', engagementId: engagement.id, tab: 'eligible' },
    })),
  });
}
