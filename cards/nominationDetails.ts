import template from './nominationDetails.json';
import { expandCard, type AdaptiveCard } from './render';

export interface ContactFields {
  name: string;
  email: string;
  phone: string;
}

export interface NominationDetailsCardData {
  title: string;
  text: string;
  /** Proposed from the customer and the engagement; editable. */
  friendlyName: string;
  customer: ContactFields;
  /** Proposed from the user's own profile; editable. */
  partner: ContactFields;
  action: string;
}

/** The friendly name, the customer's contact and the partner's own contact, in one card. */
export function nominationDetailsCard(data: NominationDetailsCardData): AdaptiveCard {
  return expandCard(template, data);
}
