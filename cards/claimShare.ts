import type { ClaimShareView } from '../services/claims';
import { claimRefresh } from './actions';
import { NEXT_STEP_TITLES, STATUS_COLORS } from './claimDetails';
import { engagementTitle, runningDeadlineText } from './format';
import type { AdaptiveCard } from './render';

/**
 * The claim card a person shares into a chat or channel from the compose box (the message
 * extension's search) or that a pasted claim link unfurls into: status, the running deadline and
 * what comes next, with *View in chat* (the bot's full claim card). It carries the claim refresh,
 * so whoever opens it later sees the claim as it is then, as their own role allows.
 */

export interface ClaimShareCardData {
  claim: ClaimShareView;
  /** The claim's link (PUBLIC_BASE_URL/claims/<id>): pasted in Teams it unfurls into this card. */
  link: string;
}

function nextStepText(claim: ClaimShareView): string {
  if (claim.nextSteps.length === 0) return claim.deadline ? 'Nothing to do for you now; wait for the customer or the review.' : 'Nothing more to do: the claim is closed.';
  return claim.nextSteps.map((step) => NEXT_STEP_TITLES[step]).join(' or ');
}

export function claimShareCard({ claim, link }: ClaimShareCardData): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: claim.friendlyName, weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', text: claim.statusLabel, color: STATUS_COLORS[claim.status], weight: 'Bolder', spacing: 'None', wrap: true },
      {
        type: 'FactSet',
        facts: [
          { title: 'Claim', value: claim.id },
          { title: 'Customer', value: claim.customerName },
          { title: 'Engagement', value: engagementTitle(claim.engagementName, claim.payType) },
          { title: 'Deadline', value: claim.deadline ? runningDeadlineText(claim.deadline) : 'None running' },
          { title: 'Next step', value: nextStepText(claim) },
        ],
      },
      { type: 'TextBlock', text: `Link to share: ${link}`, isSubtle: true, size: 'Small', wrap: true },
    ],
    actions: [{ type: 'Action.Submit', title: 'View in chat', data: { action: 'viewClaim', claimId: claim.id } }],
    refresh: claimRefresh(claim.id),
  };
}

/** How a result is listed in the compose box's search before it is chosen. */
export function claimSharePreview(claim: ClaimShareView): { title: string; subtitle: string; text: string } {
  return {
    title: claim.friendlyName,
    subtitle: `${claim.customerName} · ${claim.statusLabel}`,
    text: `${claim.id} · ${claim.engagementName}${claim.deadline ? ` · ${runningDeadlineText(claim.deadline)}` : ''}`,
  };
}
