import template from './consentContacts.json';
import type { ContactFields } from './nominationDetails';
import { expandCard, type AdaptiveCard } from './render';

/** The inputs of the contacts card, as the dialog names them. */
export type ConsentContactInput = 'customerName' | 'customerEmail' | 'customerPhone' | 'partnerName' | 'partnerEmail' | 'partnerPhone';

export interface ConsentContactsCardData {
  title: string;
  text: string;
  /** Pre-filled from the claim; editable. */
  customer: ContactFields;
  /** Pre-filled from the claim; editable. */
  partner: ContactFields;
  /** What was wrong with each input last time, shown under it; absent for nothing. */
  errors?: Partial<Record<ConsentContactInput, string>>;
  action: string;
}

const NO_ERRORS: Record<ConsentContactInput, string> = { customerName: '', customerEmail: '', customerPhone: '', partnerName: '', partnerEmail: '', partnerPhone: '' };

/** The customer's and the partner's contacts before the consent email is sent, pre-filled from the claim. */
export function consentContactsCard(data: ConsentContactsCardData): AdaptiveCard {
  return expandCard(template, { ...data, errors: { ...NO_ERRORS, ...data.errors } });
}
