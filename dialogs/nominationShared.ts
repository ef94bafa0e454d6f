import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { choiceCard } from '../cards/choice';
import { engagementChoiceCard } from '../cards/engagementChoice';
import { nominationConfirmationCard } from '../cards/nominationConfirmation';
import { nominationDetailsCard } from '../cards/nominationDetails';
import type { AdaptiveCard } from '../cards/render';
import { textEntryCard } from '../cards/textEntry';
import type { Engagement } from '../services/db';
import { canWorkWithClaims, partnerAdmins, type Caller } from '../services/directory/callers';
import { nominationLocations, type EngagementVerdict, type LocationChoice } from '../services/nomination/eligibility';
import type { NominationResult } from '../services/nomination/nominate';
import { formatUsd, proposePayout, validateHours } from '../services/nomination/payout';
import type { DialogDeps } from './dialogDeps';
import type { Answer } from './replies';
import { matchEngagement } from './shortcuts';
import { NOMINATION_ACTIONS } from '../cards/actions';

/** A contact as the dialogs keep it between turns. */
export interface Contact {
  name: string;
  email: string;
  phone: string | null;
}

/** The answers Add customer and Claim customer share, kept between turns and across re-asks. */
export interface NominationDraft {
  userId: string;
  partnerId: string;
  /** The user's own profile: the proposed partner contact. */
  profile: Contact;
  lastLocationId: string | null;
  locationId?: string;
  engagementIds?: string[];
  hours?: number;
  friendlyName?: string;
  customerContact?: Contact;
  partnerContact?: Contact;
  /** Set when the user asked to change the location: ask even when a last location exists. */
  chooseLocation?: boolean;
  /** The claim name and contacts were given (or confirmed) on the details card. */
  detailsGiven?: boolean;
  /** The review card currently valid; a confirm from any other is out of date. */
  reviewId?: string;
  /** Notes already said once (location chosen for you, derived tenant), so a re-ask does not repeat them. */
  said: string[];
}


/** Says a note once per flow. */
export async function sayOnce(context: TurnContext, draft: NominationDraft, key: string, text: string): Promise<void> {
  if (draft.said.includes(key)) return;
  draft.said.push(key);
  await context.sendActivity(text);
}

/** Null when the caller may nominate; otherwise what to tell them, naming who can grant the role. */
export async function refusalForCaller(deps: DialogDeps, caller: Caller): Promise<string | null> {
  if (canWorkWithClaims(caller)) return null;
  if (caller.kind !== 'partnerUser') {
    return 'Adding or claiming customers is for partner users with the Incentives user or Incentives admin role.';
  }
  const admins = await partnerAdmins(deps.db.prisma, caller.partnerId);
  const who = admins.length > 0 ? admins.map((a) => `${a.displayName} (${a.email})`).join(', ') : 'an Incentives admin of your organisation';
  return `Adding or claiming customers needs the Incentives user or Incentives admin role. Ask ${who} to grant it.`;
}

/** A new draft for a partner user: their profile proposes the partner contact, their last location the location. */
export async function startDraft(deps: DialogDeps, caller: Extract<Caller, { kind: 'partnerUser' }>): Promise<NominationDraft> {
  const user = await deps.db.prisma.partnerUser.findUnique({ where: { id: caller.userId }, select: { phone: true, lastLocationId: true } });
  return {
    userId: caller.userId,
    partnerId: caller.partnerId,
    profile: { name: caller.displayName, email: caller.email, phone: user?.phone ?? null },
    lastLocationId: user?.lastLocationId ?? null,
    said: [],
  };
}

export function describeLocation(location: LocationChoice): string {
  return `${location.name} (${location.id})`;
}

export type LocationDecision = { kind: 'chosen'; note: string | null } | { kind: 'ask'; locations: LocationChoice[] } | { kind: 'none'; message: string };

/**
 * The location step: the only possible location is chosen and said; the user's last location is
 * used when it is still possible (shown, and changeable, at review); otherwise the user is asked.
 */
export async function decideLocation(deps: DialogDeps, draft: NominationDraft, engagementId: string | undefined, useLast: boolean): Promise<LocationDecision> {
  const locations = await nominationLocations(deps.db.prisma, draft.partnerId, engagementId);
  if (locations.length === 0) {
    return {
      kind: 'none',
      message: engagementId
        ? 'None of your MCI-enrolled locations is enrolled for this engagement, so it cannot be nominated for. An Incentives admin can enrol a location in Partner Center.'
        : 'Your organisation has no location enrolled in MCI, so no customer can be nominated. An Incentives admin can enrol a location in Partner Center.',
    };
  }
  const only = locations.length === 1 ? locations[0] : undefined;
  if (only) {
    draft.locationId = only.id;
    return { kind: 'chosen', note: `Location: ${describeLocation(only)}, your only MCI-enrolled location${engagementId ? ' enrolled for this engagement' : ''}.` };
  }
  const last = useLast ? locations.find((l) => l.id === draft.lastLocationId) : undefined;
  if (last) {
    draft.locationId = last.id;
    return { kind: 'chosen', note: `Location: ${describeLocation(last)}, the one you used last. You can change it at review.` };
  }
  return { kind: 'ask', locations };
}

export function locationCard(locations: readonly LocationChoice[], selected: string | undefined): AdaptiveCard {
  return choiceCard({
    title: 'Which location is this for?',
    text: 'Only Microsoft AI Cloud Partner Program locations enrolled in MCI can be used.',
    inputId: 'locationId',
    label: 'Location',
    errorMessage: 'Choose a location.',
    choices: locations.map((l) => ({ title: describeLocation(l), value: l.id })),
    selected: selected ?? '',
    submitTitle: 'Next',
    action: NOMINATION_ACTIONS.chooseLocation,
  });
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const locationSubmission = z.object({ locationId: z.string().trim().min(1) });

/** A location chosen on the card or typed (its id or part of its name), among those offered. */
export function parseLocationAnswer(answer: Answer, locations: readonly LocationChoice[]): Parsed<string> {
  const offered = locations.map(describeLocation).join('; ');
  let wanted: string | null = null;
  if (answer.kind === 'card') wanted = locationSubmission.safeParse(answer.value).data?.locationId ?? null;
  if (answer.kind === 'text') wanted = answer.text;
  if (!wanted) return { ok: false, message: `Choose one of your MCI-enrolled locations: ${offered}.` };
  const needle = wanted.toLowerCase();
  const found = locations.filter((l) => l.id === wanted || l.name.toLowerCase().includes(needle) || l.country.toLowerCase() === needle);
  const only = found.length === 1 ? found[0] : undefined;
  if (only) return { ok: true, value: only.id };
  return { ok: false, message: `"${wanted}" is not one of your MCI-enrolled locations. Choose one of: ${offered}.` };
}

function payTypeLabel(verdict: Pick<EngagementVerdict, 'payType'>): string {
  return verdict.payType === 'VARIABLE' ? 'variable pay' : 'fixed pay';
}

/** The engagements step's card: the eligible ones selectable, the others listed with their reasons. */
export function engagementCard(
  verdicts: readonly EngagementVerdict[],
  options: { customer: string; selected: readonly string[]; otherIdAction: string; note: string },
): AdaptiveCard {
  const eligible = verdicts.filter((v) => v.eligible);
  const ineligible = verdicts.flatMap((v) => (v.eligible ? [] : [{ name: v.engagementName, reason: v.reason }]));
  const variableOffered = eligible.some((v) => v.payType === 'VARIABLE');
  const intro =
    eligible.length === 0
      ? `${options.customer} is not eligible for any engagement you can nominate for.`
      : variableOffered
        ? 'A variable pay engagement is chosen on its own, with the hours you need.'
        : 'Choose one or more engagements.';
  return engagementChoiceCard({
    title: `Engagements for ${options.customer}`,
    text: [options.note, intro].filter((t) => t !== '').join(' '),
    eligible: eligible.map((v) => ({
      id: v.engagementId,
      title: v.engagementName.toLowerCase().includes(payTypeLabel(v)) ? v.engagementName : `${v.engagementName} (${payTypeLabel(v)})`,
    })),
    ineligible,
    multiSelect: !variableOffered,
    choiceLabel: variableOffered ? 'Engagement' : 'Engagements',
    selected: options.selected.filter((id) => eligible.some((v) => v.engagementId === id)).join(','),
    action: NOMINATION_ACTIONS.chooseEngagements,
    otherIdAction: options.otherIdAction,
  });
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
      if (match.kind !== 'one') return { ok: false, message: `"${part.trim()}" does not name one engagement. Choose from: ${names}.` };
      ids.push(match.engagement.id);
    }
  }
  if (ids.length === 0) return { ok: false, message: `Choose at least one eligible engagement: ${names}.` };
  const refused = ids.flatMap((id) => {
    const verdict = verdicts.find((v) => v.engagementId === id);
    if (!verdict) return [`${id} is not an engagement offered here.`];
    return verdict.eligible ? [] : [verdict.reason];
  });
  if (refused.length > 0) return { ok: false, message: `${refused.join(' ')} Choose from: ${names}.` };
  return { ok: true, value: [...new Set(ids)] };
}

export function hoursCard(engagement: Pick<Engagement, 'name' | 'maxHours'>, value: number | undefined): AdaptiveCard {
  return textEntryCard({
    title: `Hours for ${engagement.name}`,
    text: `How many hours do you need to deliver ${engagement.name} for this customer? The hours cannot be changed once the customer is added.`,
    inputId: 'hours',
    label: `Hours (1 to ${engagement.maxHours ?? 0})`,
    placeholder: 'for example 40',
    value: value === undefined ? '' : String(value),
    multiline: false,
    maxLength: 6,
    errorMessage: `Enter a whole number of hours from 1 to ${engagement.maxHours ?? 0}.`,
    typeChoices: [],
    selectedType: '',
    submitTitle: 'Next',
    action: NOMINATION_ACTIONS.enterHours,
  });
}

const hoursSubmission = z.object({ hours: z.union([z.string(), z.number()]) });

export function parseHoursAnswer(answer: Answer, engagement: Pick<Engagement, 'name' | 'maxHours'>): Parsed<number> {
  const raw = answer.kind === 'card' ? hoursSubmission.safeParse(answer.value).data?.hours : answer.kind === 'text' ? answer.text : undefined;
  const check = validateHours(raw ?? '', engagement);
  return check.ok ? { ok: true, value: check.hours } : { ok: false, message: check.message };
}

/** The proposed payout of a VARIABLE nomination, as the review shows it. */
export function payoutText(
  engagement: Pick<Engagement, 'name' | 'hourlyRateTiers' | 'maxHours' | 'payoutCapUsd'>,
  opportunity: { id: string; name: string; valueUsd: number },
  hours: number,
): Parsed<string> {
  const proposal = proposePayout(engagement, opportunity.valueUsd, hours);
  if (!proposal.ok) return { ok: false, message: proposal.reason };
  const cap = proposal.capped ? `, capped at ${formatUsd(proposal.payoutUsd)}` : '';
  return {
    ok: true,
    value:
      `${formatUsd(proposal.payoutUsd)}: ${proposal.hours} hours × ${formatUsd(proposal.hourlyRateUsd)} an hour${cap}, ` +
      `for opportunity ${opportunity.id} (${opportunity.name}, ${formatUsd(opportunity.valueUsd)}).`,
  };
}

export function detailsCard(draft: NominationDraft, proposedName: string, customerContact: Contact | null, note: string): AdaptiveCard {
  const asFields = (contact: Contact | null | undefined) => ({ name: contact?.name ?? '', email: contact?.email ?? '', phone: contact?.phone ?? '' });
  return nominationDetailsCard({
    title: 'Claim name and contacts',
    text: [note, 'Check the proposed claim name, give the customer\'s contact, and check your own contact details.'].filter((t) => t !== '').join(' '),
    friendlyName: draft.friendlyName ?? proposedName,
    customer: asFields(draft.customerContact ?? customerContact),
    partner: asFields(draft.partnerContact ?? draft.profile),
    action: NOMINATION_ACTIONS.submitDetails,
  });
}

const optionalPhone = z
  .string()
  .trim()
  .max(50, 'a phone number has at most 50 characters')
  .optional()
  .transform((phone) => (phone ? phone : null));
const emailField = (who: string) => z.string().trim().toLowerCase().pipe(z.email({ error: `${who}: enter a valid email address, such as name@example.com` }));
const nameField = (who: string) => z.string().trim().min(1, `${who}: a name is required`).max(200, `${who}: the name is too long`);

const detailsSubmission = z.object({
  friendlyName: z.string().trim().min(1, 'Claim name: a friendly name is required').max(200, 'Claim name: at most 200 characters'),
  customerName: nameField('Customer contact'),
  customerEmail: emailField('Customer contact'),
  customerPhone: optionalPhone,
  partnerName: nameField('Your contact'),
  partnerEmail: emailField('Your contact'),
  partnerPhone: optionalPhone,
});

export interface Details {
  friendlyName: string;
  customerContact: Contact;
  partnerContact: Contact;
}

/** The details card's answers, or every problem with them. */
export function parseDetailsAnswer(answer: Answer): Parsed<Details> {
  if (answer.kind !== 'card') return { ok: false, message: 'Please fill in the claim name and contacts on the card above and select Next.' };
  const parsed = detailsSubmission.safeParse(answer.value);
  if (!parsed.success) {
    const problems = [...new Set(parsed.error.issues.map((issue) => (issue.message.includes(':') ? issue.message : `${issue.path.join('.')}: required`)))];
    return { ok: false, message: `Please check: ${problems.join('; ')}. Everything else you entered is kept.` };
  }
  const d = parsed.data;
  return {
    ok: true,
    value: {
      friendlyName: d.friendlyName,
      customerContact: { name: d.customerName, email: d.customerEmail, phone: d.customerPhone },
      partnerContact: { name: d.partnerName, email: d.partnerEmail, phone: d.partnerPhone },
    },
  };
}

/** Merges the details into the draft. */
export function applyDetails(draft: NominationDraft, details: Details): void {
  draft.friendlyName = details.friendlyName;
  draft.customerContact = details.customerContact;
  draft.partnerContact = details.partnerContact;
}

/** A claim name proposed from the customer and the engagements. */
export function proposeFriendlyName(customer: string, engagementNames: readonly string[]): string {
  const first = engagementNames[0];
  if (!first) return customer;
  const rest = engagementNames.length > 1 ? ` and ${engagementNames.length - 1} more` : '';
  return `${customer} – ${first}${rest}`.slice(0, 200);
}

export function contactText(contact: Contact | undefined): string {
  if (!contact) return '';
  return [contact.name, contact.email, contact.phone].filter((part) => part).join(', ');
}


export function confirmationCard(result: NominationResult, verb: 'added' | 'claimed', customer: string): AdaptiveCard {
  const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const pages = new Map(result.claims.map((c) => [c.engagementId, c.engagementName]));
  return nominationConfirmationCard({
    title: `Customer ${verb}`,
    text: `${customer} now appears on the Customers page of ${[...pages.values()].join(', ')}.`,
    claims: result.claims.map((c) => ({
      id: c.id,
      engagementId: c.engagementId,
      summary:
        `${c.engagementName}: ${c.status.toLowerCase()} by ${c.idType.toLowerCase().replace(/_/g, ' ')} ${c.idValue}; ` +
        `ask for consent by ${dateFormat.format(c.consentDeadline)}` +
        (c.proposedPayoutUsd !== null ? `; ${c.hours ?? 0} hours, proposed payout ${formatUsd(c.proposedPayoutUsd)}` : ''),
    })),
  });
}

const CHANGE_WORDS: readonly [RegExp, string][] = [
  [/^location$/, 'location'],
  [/^(customer )?id$/, 'customerId'],
  [/^engagements?$/, 'engagements'],
  [/^hours$/, 'hours'],
  [/^(details|contacts?|(claim )?name)$/, 'details'],
];

/** The answer a typed `change <answer>` at review names (`change location`, `change contacts`), or null. */
export function changeFieldFromText(text: string): string | null {
  const match = /^change\s+(?:the\s+)?(.+)$/i.exec(text.trim());
  const what = match?.[1]?.toLowerCase().trim() ?? '';
  return CHANGE_WORDS.find(([pattern]) => pattern.test(what))?.[1] ?? null;
}
