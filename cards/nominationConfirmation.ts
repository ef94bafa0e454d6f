import template from './nominationConfirmation.json';
import { expandCard, type AdaptiveCard } from './render';

export interface NominationConfirmationCardData {
  title: string;
  text: string;
  /** One line per created claim: the claim id and what it is. */
  claims: { id: string; summary: string }[];
  /** The Customers pages the customer now appears on. */
  pages: { title: string; engagementId: string }[];
}

/** Confirmation of Add customer / Claim customer: the claim ids and the engagements' Customers pages. */
export function nominationConfirmationCard(data: NominationConfirmationCardData): AdaptiveCard {
  return expandCard(template, data);
}
