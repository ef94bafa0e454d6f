import { domainForDisplay, type CustomerId } from '../customers/customerIds';
import { matchCustomer, type KnownCustomerRef, type Match } from '../customers/matching';
import type { CustomerIdType, Database, Tx } from '../db';
import { accessRefusal } from '../directory/access';
import { canWorkWithClaims, type Caller, type PartnerCaller } from '../directory/callers';
import { matchEngagement, partnerEngagements, type EngagementSummary } from '../directory/engagements';
import type { Contact } from '../shared/contact';
import type { EligibilityPorts } from '../shared/context';
import { isNotAllowed, NotAllowedError } from '../shared/errors';
import { checkAddCustomer, checkClaimCustomer, type OfferedEngagement } from './checks';
import { nominationLocations, type LocationChoice } from './facts';
import { assertVariableNomination } from './payout';
import { engagementNeedingHours, knownCustomerRefusal, NOT_KNOWN_CANNOT_CLAIM, payoutOpportunityIds, type EngagementVerdict } from './rule';

/**
 * What an Add or Claim customer conversation asks the domain between its questions, before the
 * nomination is created (nominate.ts). Each answer is meant to be kept with the flow: nothing here
 * is asked again on a later turn unless the answer it depends on changed.
 */

export type NominationStart = { ok: true; caller: PartnerCaller; profile: Contact; lastLocationId: string | null } | { ok: false; message: string };

/** May this caller nominate? If so, their profile (the proposed partner contact) and the location they used last. */
export async function beginNomination(db: Database, caller: Caller): Promise<NominationStart> {
  if (caller.kind !== 'partnerUser' || !canWorkWithClaims(caller)) return { ok: false, message: await accessRefusal(db.prisma, caller) };
  const user = await db.prisma.partnerUser.findUnique({ where: { id: caller.userId }, select: { phone: true, lastLocationId: true } });
  return {
    ok: true,
    caller,
    profile: { name: caller.displayName, email: caller.email, phone: user?.phone ?? null },
    lastLocationId: user?.lastLocationId ?? null,
  };
}

export type LocationDecision =
  /** `because`: the only possible location, or the one the user used last (still possible). */
  | { kind: 'chosen'; location: LocationChoice; because: 'only' | 'last' }
  | { kind: 'ask'; locations: LocationChoice[] }
  | { kind: 'none' };

/**
 * The location of a nomination (rule 3/4: MCI-enrolled, and for a named engagement enrolled for
 * it): the only possible one is chosen; the user's last one is used while still possible, unless
 * they asked to choose; otherwise they are asked.
 */
export async function decideLocation(
  prisma: Tx,
  caller: PartnerCaller,
  request: { engagementId?: string | undefined; lastLocationId: string | null; useLast: boolean },
): Promise<LocationDecision> {
  const locations = await nominationLocations(prisma, caller.partnerId, request.engagementId);
  if (locations.length === 0) return { kind: 'none' };
  const only = locations.length === 1 ? locations[0] : undefined;
  if (only) return { kind: 'chosen', location: only, because: 'only' };
  const last = request.useLast ? locations.find((l) => l.id === request.lastLocationId) : undefined;
  if (last) return { kind: 'chosen', location: last, because: 'last' };
  return { kind: 'ask', locations };
}

/** The partner's known customers (those who consented to it for an earlier claim), by name. */
export async function knownCustomers(prisma: Tx, caller: PartnerCaller): Promise<KnownCustomerRef[]> {
  const rows = await prisma.knownCustomer.findMany({
    where: { partnerId: caller.partnerId },
    select: { customerId: true, name: true, customer: { select: { identifiers: { select: { value: true } } } } },
    orderBy: [{ name: 'asc' }, { customerId: 'asc' }],
  });
  return rows.map((row) => ({ id: row.customerId, name: row.name, ids: row.customer.identifiers.map((i) => i.value) }));
}

/** The known customer a typed text names: its id, (part of) its name, or any of its id values. */
export async function findKnownCustomer(prisma: Tx, caller: PartnerCaller, typed: string): Promise<Match<KnownCustomerRef>> {
  const customers = await knownCustomers(prisma, caller);
  const byId = customers.find((c) => c.id === typed);
  return byId ? { kind: 'one', item: byId } : matchCustomer(customers, typed);
}

/** A known customer about to be claimed, with the contact of the partner's latest claim for it (proposed again). */
export interface ClaimableCustomer {
  id: string;
  name: string;
  lastContact: Contact | null;
}

/** Rule 2, claim side: only a customer known to the caller's partner can be claimed. */
export async function claimableCustomer(prisma: Tx, caller: PartnerCaller, customerId: string): Promise<{ ok: true; customer: ClaimableCustomer } | { ok: false; message: string }> {
  const known = await prisma.knownCustomer.findUnique({ where: { partnerId_customerId: { partnerId: caller.partnerId, customerId } } });
  if (!known) return { ok: false, message: NOT_KNOWN_CANNOT_CLAIM };
  const last = await prisma.claim.findFirst({
    where: { partnerId: caller.partnerId, customerId },
    orderBy: { createdAt: 'desc' },
    select: { customerContactName: true, customerContactEmail: true, customerContactPhone: true },
  });
  const lastContact = last ? { name: last.customerContactName, email: last.customerContactEmail, phone: last.customerContactPhone } : null;
  return { ok: true, customer: { id: known.customerId, name: known.name, lastContact } };
}

export type EngagementLookup = { kind: 'one'; engagement: EngagementSummary } | { kind: 'many'; candidates: EngagementSummary[] } | { kind: 'none'; engagements: EngagementSummary[] };

/** The engagement a typed name means, among those the caller's partner can work on (its MCI-enrolled locations' engagements). */
export async function findEngagement(db: Database, caller: PartnerCaller, typed: string): Promise<EngagementLookup> {
  const engagements = await partnerEngagements(db, caller.partnerId);
  const match = matchEngagement(engagements, typed);
  if (match.kind === 'one') return match;
  if (match.kind === 'ambiguous') return { kind: 'many', candidates: match.candidates };
  return { kind: 'none', engagements };
}

/** The opportunity a VARIABLE nomination's payout is worked out from. */
export interface PayoutOpportunity {
  id: string;
  name: string;
  valueUsd: number;
}

/** What the engagements step offers: a verdict for every open engagement, and those engagements' rules. */
export interface NominationOffer {
  verdicts: EngagementVerdict[];
  engagements: OfferedEngagement[];
}

/**
 * Rule 2: the claim to offer instead of adding a customer the partner already knows — for the
 * engagement asked for when it can be claimed for it (`engagementId`), otherwise without one.
 */
export interface ClaimInstead {
  customerId: string;
  customerName: string;
  engagementId: string | null;
  engagementName: string | null;
}

export type AddOffer =
  | { ok: true; offer: NominationOffer; customerLabel: string; derivedTenantId: string | null; opportunity: PayoutOpportunity | null }
  /** `canRetry`: another id can be given (an unknown domain); otherwise the flow ends (rule 2: a known customer is claimed, see `claimInstead`). */
  | { ok: false; message: string; canRetry: boolean; claimInstead?: ClaimInstead };

/**
 * The eligibility step of Add customer, for the id given and the location (if chosen). A customer
 * the partner already knows is refused whatever the engagement (rule 2): it must be claimed, and
 * the refusal says whether it can be claimed for the engagement asked for (`engagementId`).
 */
export async function offerAdd(
  prisma: Tx,
  ports: EligibilityPorts,
  caller: PartnerCaller,
  request: { customerId: CustomerId; locationId: string | null; engagementId?: string | null },
): Promise<AddOffer> {
  let check;
  try {
    check = await checkAddCustomer(prisma, ports, { partnerId: caller.partnerId, customerId: request.customerId, locationId: request.locationId });
  } catch (error) {
    if (isNotAllowed(error)) return { ok: false, message: error.message, canRetry: true };
    throw error;
  }
  const id = request.customerId;
  const customerLabel = check.customerName ?? (id.type === 'DOMAIN' ? domainForDisplay(id.value) : id.value);
  if (check.knownToPartner && check.customerId) return knownCustomerOffer(prisma, ports, caller, check.customerId, customerLabel, request);
  const opportunity = check.opportunity ? { id: check.opportunity.id, name: check.opportunity.name, valueUsd: check.opportunity.valueUsd } : null;
  return { ok: true, offer: { verdicts: check.verdicts, engagements: check.engagements }, customerLabel, derivedTenantId: check.derivedTenantId, opportunity };
}

/** Rule 2's refusal of an add, with the claim for the engagement asked for checked (in claim mode) so it is offered only when it can be made. */
async function knownCustomerOffer(
  prisma: Tx,
  ports: EligibilityPorts,
  caller: PartnerCaller,
  customerId: string,
  customerName: string,
  request: { locationId: string | null; engagementId?: string | null },
): Promise<AddOffer> {
  let asked: EngagementVerdict | undefined;
  if (request.engagementId) {
    try {
      asked = (await checkClaimCustomer(prisma, ports, { partnerId: caller.partnerId, customerId, engagementIds: [request.engagementId], locationId: request.locationId })).verdicts[0];
    } catch (error) {
      // An engagement that no longer exists: refused without naming it.
      if (!isNotAllowed(error)) throw error;
    }
  }
  const claimable = asked?.eligible ? asked : undefined;
  return {
    ok: false,
    canRetry: false,
    message: knownCustomerRefusal(customerName, asked),
    claimInstead: { customerId, customerName, engagementId: claimable?.engagementId ?? null, engagementName: claimable?.engagementName ?? null },
  };
}

/** The eligibility step of Claim customer, for the known customer and the location (if chosen). */
export async function offerClaim(
  prisma: Tx,
  ports: EligibilityPorts,
  caller: PartnerCaller,
  request: { customerId: string; locationId: string | null },
): Promise<NominationOffer> {
  return checkClaimCustomer(prisma, ports, { partnerId: caller.partnerId, customerId: request.customerId, locationId: request.locationId });
}

/** The engagements chosen, with what the later steps need: the engagement the hours are for and the opportunity paid on. */
export interface ChosenEngagements {
  engagementIds: string[];
  names: string[];
  /** The VARIABLE engagement, which needs hours; null when every chosen one is FIXED. */
  hoursFor: OfferedEngagement | null;
  /** The VARIABLE engagement's eligible MSX opportunities of the customer (an add: the one given), in a stable order; empty for FIXED. */
  opportunities: PayoutOpportunity[];
  /** The one of `opportunities` the claim is paid on: the first, until the partner picks another. */
  opportunity: PayoutOpportunity | null;
}

export type EngagementChoice = { ok: true; chosen: ChosenEngagements } | { ok: false; message: string };

/** How the customer is nominated: added by the id given (with the opportunity an MSX id names), or claimed as known. */
export type NominationMode = { mode: 'add'; idType: CustomerIdType; opportunity: PayoutOpportunity | null } | { mode: 'claim' };

export type EngagementChoiceRequest = { offer: NominationOffer; engagementIds: readonly string[] } & NominationMode;

/**
 * Takes the engagements chosen among those offered. VARIABLE: one engagement on its own, by MSX
 * opportunity id (a claim is always made by one of the customer's eligible opportunities), paid on
 * that opportunity; for a claim, every eligible opportunity is looked up once here, so the partner
 * can pick the one paid on when there are several.
 */
export async function chooseEngagements(ports: EligibilityPorts, request: EngagementChoiceRequest): Promise<EngagementChoice> {
  const engagements = request.engagementIds.map((id) => request.offer.engagements.find((e) => e.id === id));
  const missing = request.engagementIds.filter((_id, index) => !engagements[index]);
  if (missing.length > 0) return { ok: false, message: `There is no engagement ${missing.join(', ')} offered here.` };
  const chosen = engagements.filter((e): e is OfferedEngagement => e !== undefined);
  try {
    assertVariableNomination(chosen, request.mode === 'add' ? request.idType : 'MSX_OPPORTUNITY_ID');
  } catch (error) {
    if (error instanceof NotAllowedError) return { ok: false, message: error.message };
    throw error;
  }
  const hoursFor = engagementNeedingHours(chosen) ?? null;
  const opportunities: PayoutOpportunity[] = [];
  if (request.mode === 'add') {
    if (request.opportunity) opportunities.push(request.opportunity);
  } else if (hoursFor) {
    for (const opportunityId of payoutOpportunityIds(request.offer.verdicts.find((v) => v.engagementId === hoursFor.id))) {
      const found = await ports.eligibility.opportunity(opportunityId);
      if (found) opportunities.push({ id: found.id, name: found.name, valueUsd: found.valueUsd });
    }
  }
  const names = chosen.map((e) => e.name);
  return { ok: true, chosen: { engagementIds: chosen.map((e) => e.id), names, hoursFor, opportunities, opportunity: opportunities[0] ?? null } };
}

/** The longest claim name (as the nomination input takes it). */
export const MAX_FRIENDLY_NAME = 200;

const NAME_SEPARATOR = ' – ';

/**
 * The claim name the details card proposes: "<customer> – <engagement>" for one engagement; for
 * several just the customer, as each claim is then named after it and its own engagement (claimNames).
 */
export function proposeFriendlyName(customer: string, engagementNames: readonly string[]): string {
  const only = engagementNames.length === 1 ? engagementNames[0] : undefined;
  return (only ? `${customer}${NAME_SEPARATOR}${only}` : customer).slice(0, MAX_FRIENDLY_NAME);
}

/**
 * What each claim of one nomination is called, in the order of its engagements: the name given for
 * one engagement; for several, "<name given> – <engagement>" each (the name given shortened to fit),
 * so that no two claims added together share a name.
 */
export function claimNames(friendlyName: string, engagementNames: readonly string[]): string[] {
  if (engagementNames.length <= 1) return engagementNames.map(() => friendlyName);
  // A name proposed for one of these engagements alone (before more were chosen) is named after the customer only.
  const named = engagementNames.find((engagement) => friendlyName.endsWith(`${NAME_SEPARATOR}${engagement}`));
  const base = named ? friendlyName.slice(0, -`${NAME_SEPARATOR}${named}`.length) : friendlyName;
  return engagementNames.map((engagement) => {
    const suffix = `${NAME_SEPARATOR}${engagement}`.slice(0, MAX_FRIENDLY_NAME - 1);
    return `${base.slice(0, MAX_FRIENDLY_NAME - suffix.length).trimEnd()}${suffix}`;
  });
}
