import type { Contact, EngagementVerdict, LocationChoice, NamedNomination, PayoutOpportunity, PayoutProposal } from '../services/nomination';
import { NOMINATION_ACTIONS } from './actions';
import { choiceCard } from './choice';
import { engagementChoiceCard } from './engagementChoice';
import { CUSTOMER_ID_TYPE_LABELS, engagementTitle, formatDay, formatUsd } from './format';
import { nominationConfirmationCard } from './nominationConfirmation';
import { nominationDetailsCard, type DetailsErrors } from './nominationDetails';
import type { AdaptiveCard } from './render';
import { textEntryCard } from './textEntry';

/**
 * The step cards of Add customer and Claim customer, and the texts they show: plain data from the
 * nomination facade in, a card out.
 */

export type { Contact } from '../services/nomination';

/** "Fabrikam Consulting — Seattle (4105567)". */
export function describeLocation(location: Pick<LocationChoice, 'id' | 'name'>): string {
  return `${location.name} (${location.id})`;
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

/**
 * A step card with the location the flow uses without asking (the one used last) said on top, with
 * a way to change it: the engagements offered depend on it. One card, so that a card answered in
 * place (Universal Actions) shows both.
 */
export function withLocationInUse(card: AdaptiveCard, location: Pick<LocationChoice, 'id' | 'name'>): AdaptiveCard {
  const notice = [
    {
      type: 'ColumnSet',
      columns: [
        {
          type: 'Column',
          width: 'stretch',
          verticalContentAlignment: 'Center',
          items: [{ type: 'TextBlock', text: `Location: ${describeLocation(location)}, the one you used last`, isSubtle: true, wrap: true }],
        },
        {
          type: 'Column',
          width: 'auto',
          items: [{ type: 'ActionSet', actions: [{ type: 'Action.Submit', title: 'Change location', associatedInputs: 'none', data: { action: NOMINATION_ACTIONS.changeAnswer, field: 'location' } }] }],
        },
      ],
    },
  ];
  return { ...card, body: [...notice, ...card.body] };
}

/** How many known customers the choice card lists; more are found by typing a name or id. */
export const KNOWN_CUSTOMER_CHOICES = 50;

export function knownCustomerCard(customers: readonly { id: string; name: string }[]): AdaptiveCard {
  const more = customers.length > KNOWN_CUSTOMER_CHOICES ? ` (the first ${KNOWN_CUSTOMER_CHOICES}; type a name or id to find another)` : '';
  return choiceCard({
    title: 'Which customer?',
    text: `Your known customers${more}.`,
    inputId: 'customerId',
    label: 'Customer',
    errorMessage: 'Choose a customer.',
    choices: customers.slice(0, KNOWN_CUSTOMER_CHOICES).map((c) => ({ title: c.name, value: c.id })),
    selected: '',
    submitTitle: 'Next',
    action: NOMINATION_ACTIONS.chooseCustomer,
  });
}

const ID_TYPE_CHOICES = [
  { title: 'Detect from the value', value: 'AUTO' },
  ...Object.entries(CUSTOMER_ID_TYPE_LABELS).map(([value, title]) => ({ title, value })),
];

/** What was typed on a step's card and what was wrong with it: the card is asked again with both. */
export interface TypedAnswer {
  value: string;
  error: string;
}

export function customerIdCard(typed?: TypedAnswer & { idType: string }): AdaptiveCard {
  return textEntryCard({
    title: 'Which customer?',
    text: 'Give one id of the customer. The type is detected from the value; choose it yourself if you prefer.',
    inputId: 'customerId',
    label: 'Customer ID',
    placeholder: 'contoso.com, a tenant ID, a TPID or 7-XXXXXXXXXX',
    value: typed?.value ?? '',
    multiline: false,
    maxLength: 300,
    errorMessage: 'Enter a customer id.',
    error: typed?.error ?? '',
    typeChoices: ID_TYPE_CHOICES,
    selectedType: typed?.idType ?? 'AUTO',
    submitTitle: 'Next',
    action: NOMINATION_ACTIONS.enterCustomerId,
  });
}

/** A GUID is a tenant id or an Azure subscription id: the person says which. */
export function guidTypeCard(guid: string): AdaptiveCard {
  return choiceCard({
    title: `Is ${guid} a tenant ID or an Azure subscription ID?`,
    text: 'Both are GUIDs, so I cannot tell them apart.',
    inputId: 'idType',
    label: 'ID type',
    errorMessage: 'Choose tenant ID or Azure subscription ID.',
    choices: (['TENANT_ID', 'AZURE_SUBSCRIPTION_ID'] as const).map((type) => ({ title: CUSTOMER_ID_TYPE_LABELS[type], value: type })),
    selected: '',
    submitTitle: 'Next',
    action: NOMINATION_ACTIONS.chooseIdType,
  });
}

/** The engagements step's card: the eligible ones selectable, the others listed with their reasons. */
export function engagementCard(
  verdicts: readonly EngagementVerdict[],
  options: { customer: string; selected: readonly string[]; otherIdAction: string; note: string },
): AdaptiveCard {
  const eligible = verdicts.filter((v) => v.eligible);
  const ineligible = verdicts.flatMap((v) => (v.eligible ? [] : [{ name: v.engagementName, reason: v.reason }]));
  const hints = [...new Set(verdicts.flatMap((v) => (!v.eligible && v.hint ? [v.hint] : [])))];
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
    eligible: eligible.map((v) => ({ id: v.engagementId, title: engagementTitle(v.engagementName, v.payType) })),
    ineligible,
    hint: hints.join(' '),
    multiSelect: !variableOffered,
    choiceLabel: variableOffered ? 'Engagement' : 'Engagements',
    selected: options.selected.filter((id) => eligible.some((v) => v.engagementId === id)).join(','),
    action: NOMINATION_ACTIONS.chooseEngagements,
    otherIdAction: options.otherIdAction,
  });
}

export function hoursCard(engagement: { name: string; maxHours: number | null }, typed?: TypedAnswer): AdaptiveCard {
  return textEntryCard({
    title: `Hours for ${engagement.name}`,
    text: `How many hours do you need to deliver ${engagement.name} for this customer? The hours cannot be changed once the customer is added.`,
    inputId: 'hours',
    label: `Hours (1 to ${engagement.maxHours ?? 0})`,
    placeholder: 'for example 40',
    value: typed?.value ?? '',
    multiline: false,
    maxLength: 6,
    numberRange: { min: 1, max: engagement.maxHours ?? 0 },
    errorMessage: `Enter a whole number of hours from 1 to ${engagement.maxHours ?? 0}.`,
    error: typed?.error ?? '',
    typeChoices: [],
    selectedType: '',
    submitTitle: 'Next',
    action: NOMINATION_ACTIONS.enterHours,
  });
}

/** One MSX opportunity a VARIABLE claim may be paid on, with its proposed payout for the hours given. */
export interface OpportunityChoice {
  opportunity: PayoutOpportunity;
  proposal: PayoutProposal;
}

/** The opportunity step of a VARIABLE claim when the customer has several eligible ones: each with its payout. */
export function opportunityCard(engagement: { name: string }, choices: readonly OpportunityChoice[], selected: string): AdaptiveCard {
  return choiceCard({
    title: `Which opportunity is ${engagement.name} paid on?`,
    text: 'The customer has several eligible MSX opportunities. The payout depends on the opportunity’s value, and the claim is made with the one you choose.',
    inputId: 'opportunityId',
    label: 'MSX opportunity',
    errorMessage: 'Choose an opportunity.',
    choices: choices.map(({ opportunity, proposal }) => ({
      title: `${opportunity.id}: ${opportunity.name}, ${formatUsd(opportunity.valueUsd)} — ${proposal.ok ? proposedPayoutText(proposal) : `no payout: ${proposal.reason}`}`,
      value: opportunity.id,
    })),
    selected: choices.some((c) => c.opportunity.id === selected) ? selected : '',
    submitTitle: 'Next',
    action: NOMINATION_ACTIONS.chooseOpportunity,
  });
}

/** "$5,250 for 30 hours × $175": a payout as a choice states it. */
function proposedPayoutText(proposal: Extract<PayoutProposal, { ok: true }>): string {
  return `${formatUsd(proposal.payoutUsd)} for ${proposal.hours} hours × ${formatUsd(proposal.hourlyRateUsd)}${proposal.capped ? ' (capped)' : ''}`;
}

export interface DetailsCardData {
  friendlyName: string;
  customerContact: Contact | null;
  partnerContact: Contact;
  /** Said before the request to check the details; empty for none. */
  note: string;
  /** What was wrong with each input, when the card is asked again. */
  errors?: Partial<DetailsErrors>;
}

export function detailsCard(data: DetailsCardData): AdaptiveCard {
  const asFields = (contact: Contact | null) => ({ name: contact?.name ?? '', email: contact?.email ?? '', phone: contact?.phone ?? '' });
  return nominationDetailsCard({
    title: 'Claim name and contacts',
    text: [data.note, "Check the proposed claim name, give the customer's contact, and check your own contact details."].filter((t) => t !== '').join(' '),
    friendlyName: data.friendlyName,
    customer: asFields(data.customerContact),
    partner: asFields(data.partnerContact),
    ...(data.errors ? { errors: data.errors } : {}),
    action: NOMINATION_ACTIONS.submitDetails,
  });
}

export function mismatchReasonCard(mismatch: string, typed?: TypedAnswer): AdaptiveCard {
  return textEntryCard({
    title: 'Why does the tenant not match?',
    text: `${mismatch} Give the reason for the mismatch.`,
    inputId: 'reason',
    label: 'Reason for the mismatch',
    placeholder: 'for example: the division runs in a separate tenant',
    value: typed?.value ?? '',
    error: typed?.error ?? '',
    multiline: true,
    maxLength: 1000,
    errorMessage: 'A reason is required when the tenant does not match the email domain.',
    typeChoices: [],
    selectedType: '',
    submitTitle: 'Next',
    action: NOMINATION_ACTIONS.giveMismatchReason,
  });
}

/** "Patti Fernandez, patti@contoso.com, +1 …". */
export function contactText(contact: Contact | undefined): string {
  if (!contact) return '';
  return [contact.name, contact.email, contact.phone].filter((part) => part).join(', ');
}

/** "MSX opportunity ID 7-3QLU01LRG0": the opportunity a VARIABLE claim is paid on. */
export function opportunityText(opportunity: Pick<PayoutOpportunity, 'id'>): string {
  return `${CUSTOMER_ID_TYPE_LABELS.MSX_OPPORTUNITY_ID} ${opportunity.id}`;
}

/** The proposed payout of a VARIABLE nomination as the review shows it, or why there is none. */
export function payoutText(opportunity: PayoutOpportunity | null, proposal: PayoutProposal | null): string {
  if (!opportunity || !proposal) return 'No MSX opportunity of this customer is eligible, so no payout can be proposed.';
  if (!proposal.ok) return proposal.reason;
  const cap = proposal.capped ? `, capped at ${formatUsd(proposal.payoutUsd)}` : '';
  return (
    `${formatUsd(proposal.payoutUsd)}: ${proposal.hours} hours × ${formatUsd(proposal.hourlyRateUsd)} an hour${cap}, ` +
    `for opportunity ${opportunity.id} (${opportunity.name}, ${formatUsd(opportunity.valueUsd)}).`
  );
}

export function confirmationCard(result: NamedNomination, verb: 'added' | 'claimed'): AdaptiveCard {
  const pages = new Map(result.claims.map((c) => [c.engagementId, c.engagementName]));
  return nominationConfirmationCard({
    title: `Customer ${verb}`,
    text: `${result.customerName} now appears on the Customers page of ${[...pages.values()].join(', ')}.`,
    claims: result.claims.map((c) => ({
      id: c.id,
      engagementId: c.engagementId,
      summary:
        `${c.engagementName}: ${c.status.toLowerCase()} by ${c.idType.toLowerCase().replace(/_/g, ' ')} ${c.idValue}; ` +
        `ask for consent by ${formatDay(c.consentDeadline)}` +
        (c.proposedPayoutUsd !== null ? `; ${c.hours ?? 0} hours, proposed payout ${formatUsd(c.proposedPayoutUsd)}` : ''),
    })),
  });
}
