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
  /** What was wrong with each input when the card is asked again ('' for nothing), shown under it. */
  errors?: Partial<DetailsErrors>;
  action: string;
}

export interface DetailsErrors {
  friendlyName: string;
  customerName: string;
  customerEmail: string;
  customerPhone: string;
  partnerName: string;
  partnerEmail: string;
  partnerPhone: string;
}

const NO_DETAILS_ERRORS: DetailsErrors = { friendlyName: '', customerName: '', customerEmail: '', customerPhone: '', partnerName: '', partnerEmail: '', partnerPhone: '' };

/** The friendly name, the customer's contact and the partner's own contact, in one card. */
export function nominationDetailsCard(data: NominationDetailsCardData): AdaptiveCard {
  return expandCard(template, { ...data, errors: { ...NO_DETAILS_ERRORS, ...data.errors } });
}
