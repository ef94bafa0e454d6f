import template from './nominationConfirmation.json';
import { expandCard, type AdaptiveCard } from './render';

export interface NominationConfirmationCardData {
  title: string;
  text: string;
  /**
   * One entry per created claim: its id, what it is, and the engagement whose Customers page it is on.
   * Each claim carries its own buttons, so the card stays within Teams' six top-level actions however
   * many engagements were chosen.
   */
  claims: { id: string; summary: string; engagementId: string }[];
}

/** Confirmation of Add customer / Claim customer: each claim with Send consent and its Customers page. */
export function nominationConfirmationCard(data: NominationConfirmationCardData): AdaptiveCard {
  return expandCard(template, data);
}
