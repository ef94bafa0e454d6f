import template from './consentContacts.json';
import type { ContactFields } from './nominationDetails';
import { expandCard, type AdaptiveCard } from './render';

export interface ConsentContactsCardData {
  title: string;
  text: string;
  /** Pre-filled from the claim; editable. */
  customer: ContactFields;
  /** Pre-filled from the claim; editable. */
  partner: ContactFields;
  action: string;
}

/** The customer's and the partner's contacts before the consent email is sent, pre-filled from the claim. */
export function consentContactsCard(data: ConsentContactsCardData): AdaptiveCard {
  return expandCard(template, data);
}
