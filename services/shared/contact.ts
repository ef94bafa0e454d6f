import { z } from 'zod';
import { cleanTextSchema } from './text';

/**
 * A person to contact about a claim (the customer's contact, the partner's own): the one definition
 * of what a contact is, for every service input and every card that asks for one, so that a
 * contact accepted on a card is never refused by the service behind it.
 */
export interface Contact {
  name: string;
  email: string;
  phone: string | null;
}

/** The longest values a contact may hold (as the Claim columns and Partner Center take them). */
export const CONTACT_LIMITS = { name: 200, email: 320, phone: 50 } as const;

/** How a contact's problems are worded, each naming whose contact it is. */
export interface ContactMessages {
  nameRequired: string;
  nameTooLong: string;
  email: string;
  phoneTooLong: string;
}

/** The messages of a contact's fields, on a card or from a service, each starting with who the contact is ("Customer contact: …"). */
export function contactMessagesFor(who: string): ContactMessages {
  return {
    nameRequired: `${who}: a name is required`,
    nameTooLong: `${who}: the name is too long`,
    email: `${who}: enter a valid email address, such as name@example.com`,
    phoneTooLong: `${who}: a phone number has at most ${CONTACT_LIMITS.phone} characters`,
  };
}

/**
 * A contact as given (its text cleaned for storage): name and email required (trimmed, the email lower-cased), the phone optional
 * (an empty one is none).
 */
export function contactSchema(messages: ContactMessages) {
  return z.object({
    name: cleanTextSchema.pipe(z.string().trim().min(1, messages.nameRequired).max(CONTACT_LIMITS.name, messages.nameTooLong)),
    email: z.string().trim().toLowerCase().max(CONTACT_LIMITS.email, messages.email).pipe(z.email({ error: messages.email })),
    phone: cleanTextSchema
      .pipe(z.string().trim().max(CONTACT_LIMITS.phone, messages.phoneTooLong))
      .nullish()
      .transform((phone): string | null => (phone ? phone : null)),
  });
}
