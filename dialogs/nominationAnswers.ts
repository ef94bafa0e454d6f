import { z } from 'zod';
import { describeLocation } from '../cards/nominationSteps';
import { contactMessagesFor, contactSchema, validateHours, type Contact, type EngagementVerdict, type LocationChoice } from '../services/nomination';
import { cleanText, cleanTextSchema, parseUserInput, problemsOf, shorten } from '../services/shared';
import type { Answer } from './replies';
import { matchEngagement } from './shortcuts';

/**
 * Reading the answers of the nomination steps, card or typed: zod at the edge, the result in the
 * domain's terms or what to say back. What the answer is checked against comes from the services.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** The inputs of the details card, by their ids. */
export const DETAILS_INPUTS = ['friendlyName', 'customerName', 'customerEmail', 'customerPhone', 'partnerName', 'partnerEmail', 'partnerPhone'] as const;
export type DetailsInput = (typeof DETAILS_INPUTS)[number];

/** The details card's answers as typed, and what was wrong with each: the card is asked again with both. */
export interface DetailsTyped {
  values: Record<DetailsInput, string>;
  errors: Partial<Record<DetailsInput, string>>;
}

const locationSubmission = z.object({ locationId: z.string().trim().min(1) });

/** A location chosen on the card or typed (its id or part of its name), among those offered. */
export function parseLocationAnswer(answer: Answer, locations: readonly LocationChoice[]): Parsed<LocationChoice> {
  const offered = locations.map(describeLocation).join('; ');
  let wanted: string | null = null;
  if (answer.kind === 'card') wanted = locationSubmission.safeParse(answer.value).data?.locationId ?? null;
  if (answer.kind === 'text') wanted = answer.text;
  if (!wanted) return { ok: false, message: `Choose one of your MCI-enrolled locations: ${offered}.` };
  const needle = wanted.toLowerCase();
  const found = locations.filter((l) => l.id === wanted || l.name.toLowerCase().includes(needle) || l.country.toLowerCase() === needle);
  const only = found.length === 1 ? found[0] : undefined;
  if (only) return { ok: true, value: only };
  return { ok: false, message: `"${shorten(wanted)}" is not one of your MCI-enrolled locations. Choose one of: ${offered}.` };
}

const engagementSubmission = z.object({ engagementIds: z.union([z.string(), z.array(z.string())]) });

/** The engagements chosen on the card (comma-separated) or typed (names, loosely), each eligible. */
export function parseEngagementAnswer(answer: Answer, verdicts: readonly EngagementVerdict[]): Parsed<string[]> {
  const eligible = verdicts.filter((v) => v.eligible);
  const names = eligible.map((v) => v.engagementName).join('; ');
  let ids: string[] = [];
  if (answer.kind === 'card') {
    const raw = engagementSubmission.safeParse(answer.value).data?.engagementIds ?? [];
    ids = (Array.isArray(raw) ? raw : raw.split(',')).map((id) => id.trim()).filter((id) => id !== '');
  } else if (answer.kind === 'text') {
    for (const part of answer.text.split(/,| and /i)) {
      const match = matchEngagement(
        verdicts.map((v) => ({ id: v.engagementId, name: v.engagementName })),
        part,
      );
      if (match.kind !== 'one') return { ok: false, message: `"${shorten(part)}" does not name one engagement. Choose from: ${names}.` };
      ids.push(match.engagement.id);
    }
  }
  if (ids.length === 0) return { ok: false, message: `Choose at least one eligible engagement: ${names}.` };
  const refused = ids.flatMap((id) => {
    const verdict = verdicts.find((v) => v.engagementId === id);
    // An id not offered came from an old or altered card: not echoed, it means nothing to the user.
    if (!verdict) return ['One of the engagements chosen is not offered here.'];
    return verdict.eligible ? [] : [verdict.reason];
  });
  if (refused.length > 0) return { ok: false, message: `${[...new Set(refused)].join(' ')} Choose from: ${names}.` };
  return { ok: true, value: [...new Set(ids)] };
}

const hoursSubmission = z.object({ hours: z.union([z.string(), z.number()]) });

export function parseHoursAnswer(answer: Answer, engagement: { name: string; maxHours: number | null }): Parsed<number> {
  const raw = answer.kind === 'card' ? hoursSubmission.safeParse(answer.value).data?.hours : answer.kind === 'text' ? answer.text : undefined;
  const check = validateHours(raw ?? '', engagement);
  return check.ok ? { ok: true, value: check.hours } : { ok: false, message: check.message };
}

export interface Details {
  friendlyName: string;
  customerContact: Contact;
  partnerContact: Contact;
}

const friendlyNameField = cleanTextSchema.pipe(z.string().trim().min(1, 'Claim name: a friendly name is required').max(200, 'Claim name: at most 200 characters'));
const customerContactField = contactSchema(contactMessagesFor('Customer contact'));
const partnerContactField = contactSchema(contactMessagesFor('Your contact'));
const detailsSubmission = z.object({ friendlyName: friendlyNameField, customerContact: customerContactField, partnerContact: partnerContactField });

/** The details card's answers (the claim name and the two contacts, by the one contact schema), or every problem with them. */
export function parseDetailsAnswer(answer: Answer): Parsed<Details> & { typed?: DetailsTyped } {
  if (answer.kind !== 'card') return { ok: false, message: 'Please fill in the claim name and contacts on the card above and select Next.' };
  const card = answer.value;
  const parsed = parseUserInput(detailsSubmission, {
    friendlyName: card.friendlyName,
    customerContact: { name: card.customerName, email: card.customerEmail, phone: card.customerPhone },
    partnerContact: { name: card.partnerName, email: card.partnerEmail, phone: card.partnerPhone },
  });
  if (!parsed.success) {
    const errors: Partial<Record<DetailsInput, string>> = {};
    for (const issue of parsed.error.issues) {
      const input = detailsInputOf(issue.path);
      if (input && !errors[input]) errors[input] = issue.message;
    }
    const values = Object.fromEntries(DETAILS_INPUTS.map((input) => [input, typeof card[input] === 'string' ? cleanText(card[input]).slice(0, 300) : ''])) as Record<DetailsInput, string>;
    return { ok: false, message: `Please check: ${problemsOf(parsed.error).join('; ')}. Everything else you entered is kept.`, typed: { values, errors } };
  }
  return { ok: true, value: parsed.data };
}

/** The card input a details issue is about: `customerContact.email` → `customerEmail`. */
function detailsInputOf(path: readonly PropertyKey[]): DetailsInput | null {
  const [first, second] = path.map(String);
  if (first === 'friendlyName') return 'friendlyName';
  const who = first === 'customerContact' ? 'customer' : first === 'partnerContact' ? 'partner' : null;
  if (!who || !second) return null;
  const input = `${who}${second.charAt(0).toUpperCase()}${second.slice(1)}`;
  return (DETAILS_INPUTS as readonly string[]).includes(input) ? (input as DetailsInput) : null;
}

const CHANGE_WORDS: readonly [RegExp, string][] = [
  [/^location$/, 'location'],
  [/^(customer )?id$/, 'customerId'],
  [/^engagements?$/, 'engagements'],
  [/^hours$/, 'hours'],
  [/^(msx )?opportunity$/, 'opportunity'],
  [/^(details|contacts?|(claim )?name)$/, 'details'],
];

/** The answer a typed `change <answer>` at review names (`change location`, `change contacts`), or null. */
export function changeFieldFromText(text: string): string | null {
  // One space between words first: `\s+…(.+)$` retries over a long run of white space before a line break.
  const match = /^change\s+(?:the\s+)?(.+)$/i.exec(cleanText(text).replace(/\s+/g, ' ').trim());
  const what = match?.[1]?.toLowerCase().trim() ?? '';
  return CHANGE_WORDS.find(([pattern]) => pattern.test(what))?.[1] ?? null;
}
