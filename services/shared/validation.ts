import type { z } from 'zod';

/**
 * zod at the edge, in words a person reads. A schema's own message (written next to its rule) is
 * kept, as zod tries it first; every check without one gets a plain sentence here instead of zod's
 * default wording ("Invalid input: expected string, received undefined"), and names the field by a
 * label, never by its path. Every parse of user input (card answers, service inputs) goes through
 * parseUserInput, so this is the one place those words are chosen.
 */

/** How the fields of this bot's inputs are named to a person, by their key at any depth. */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  friendlyName: 'Claim name',
  customerContact: 'Customer contact',
  partnerContact: 'Your contact',
  customerName: 'Customer contact name',
  customerEmail: 'Customer contact email',
  customerPhone: 'Customer contact phone',
  partnerName: 'Your contact name',
  partnerEmail: 'Your contact email',
  partnerPhone: 'Your contact phone',
  name: 'name',
  email: 'email',
  phone: 'phone',
  claimId: 'Claim',
  customerId: 'Customer id',
  nominatedId: 'Customer id',
  idType: 'Id type',
  locationId: 'Location',
  engagementIds: 'Engagements',
  hours: 'Hours',
  tenantMismatchReason: 'Reason for the other tenant',
  reason: 'Reason',
  deliverySummary: 'What was delivered',
  completionDate: 'Completion date',
  evidenceLinks: 'Evidence links',
  estimatedDealSizeUsd: 'Estimated deal size',
  dealSize: 'Estimated deal size',
  disclaimerAccepted: 'Disclaimer',
  role: 'Role',
};

/** "Customer contact email" for customerContact.email; null when no key of the path has a label. */
function labelOf(path: readonly PropertyKey[] | undefined): string | null {
  const words = (path ?? []).flatMap((key) => (typeof key === 'string' && FIELD_WORDS[key] ? [FIELD_WORDS[key]] : []));
  return words.length > 0 ? words.join(' ') : null;
}

/** The sentence for an issue whose schema gave no message of its own. */
function plainMessage(issue: z.core.$ZodRawIssue): string {
  const label = labelOf(issue.path);
  const about = (labelled: string, unlabelled: string): string => (label ? `${label}: ${labelled}` : unlabelled);
  const missing = about('this is missing', 'an answer is missing');
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null ? missing : about('this could not be read, enter it again', 'an answer could not be read, enter it again');
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string') return about(`at most ${max} characters`, `an answer is longer than ${max} characters`);
      if (issue.origin === 'array' || issue.origin === 'set') return about(`at most ${max} choices`, `at most ${max} choices`);
      return about(`at most ${max}`, `a number is larger than ${max}`);
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? missing : about(`at least ${min} characters`, `an answer is shorter than ${min} characters`);
      if (issue.origin === 'array' || issue.origin === 'set') return about(min <= 1 ? 'choose at least one' : `choose at least ${min}`, `choose at least ${min}`);
      return about(`at least ${min}`, `a number is smaller than ${min}`);
    }
    case 'invalid_format':
      if (issue.format === 'email') return about('enter a valid email address, such as name@example.com', 'enter a valid email address, such as name@example.com');
      if (issue.format === 'url') return about('enter a full https:// address', 'enter a full https:// address');
      return about('this is not in the form asked for', 'an answer is not in the form asked for');
    case 'not_multiple_of':
      return about('enter a whole number', 'enter a whole number');
    case 'invalid_value':
      return about('choose one of the options offered', 'choose one of the options offered');
    case 'unrecognized_keys':
      return 'the card sent answers it does not ask for';
    default:
      return about('this is not valid', 'an answer is not valid');
  }
}

/** `schema.safeParse(input)`, with every message one a person can read. */
export function parseUserInput<S extends z.ZodType>(schema: S, input: unknown): z.ZodSafeParseResult<z.output<S>> {
  return schema.safeParse(input, { error: plainMessage });
}

/** The distinct messages of a failed parse, in order: what a reply lists after "Please check:". */
export function problemsOf(error: z.ZodError): string[] {
  return [...new Set(error.issues.map((issue) => issue.message))];
}
