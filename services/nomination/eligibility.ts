import { OPEN_STATUSES } from '../claims/lifecycle';
import { CUSTOMER_ID_TYPE_LABELS, emailDomain, type CustomerId } from '../customers/customerIds';
import type { CustomerIdType, Engagement, PayType, Tx } from '../db';
import { NotAllowedError } from '../shared/errors';
import {
  CatalogEligibilitySource,
  type EligibilityKey,
  type EligibilitySource,
  type IdEligibility,
  type MsxOpportunityInfo,
} from '../ports/eligibilitySource';
import { DirectoryTenantResolver, type TenantResolver } from '../ports/tenantResolver';

/** Plural labels, for listing the id types an engagement accepts. */
const ID_TYPE_PLURALS: Record<CustomerIdType, string> = {
  DOMAIN: 'domain names',
  TENANT_ID: 'tenant IDs',
  TPID: 'TPIDs',
  AZURE_SUBSCRIPTION_ID: 'Azure subscription IDs',
  MSX_OPPORTUNITY_ID: 'MSX opportunity IDs',
};

/** The order in which a customer's ids are offered when claiming, so that the chosen id is stable. */
const ID_TYPE_ORDER: readonly CustomerIdType[] = ['DOMAIN', 'TENANT_ID', 'TPID', 'AZURE_SUBSCRIPTION_ID', 'MSX_OPPORTUNITY_ID'];

/** The rules of one engagement that decide who may be nominated for it. */
export interface EngagementRules {
  id: string;
  name: string;
  payType: PayType;
  acceptedIdTypes: readonly CustomerIdType[];
  maxActiveClaimsPerCustomer: number;
  maxHours: number | null;
  active: boolean;
}

/**
 * An id offered for a nomination and the catalog keys its eligibility is read under. A domain is
 * checked under its derived tenant id and under itself (an engagement's catalog may list either);
 * every other id only under itself, so eligibility never cascades between a customer's ids.
 */
export interface NominatedId {
  id: CustomerId;
  checkedAs: readonly CustomerId[];
}

export interface NominationFacts {
  mode: 'add' | 'claim';
  engagements: readonly EngagementRules[];
  /** add: the one id the partner gave; claim: the known customer's ids. */
  ids: readonly NominatedId[];
  eligibility: readonly IdEligibility[];
  knownToPartner: boolean;
  /** Engagement id → the partner's own open claim on it for this customer. */
  ownOpenClaims: ReadonlyMap<string, string>;
  /** Engagement id → open claims on it for this customer, across all partners. */
  openClaimCounts: ReadonlyMap<string, number>;
  /** Engagements the chosen location (or, before one is chosen, any MCI-enrolled location of the partner) is enrolled for. */
  enrolledEngagementIds: ReadonlySet<string>;
  locationId: string | null;
}

export type IneligibleCode =
  | 'ENGAGEMENT_CLOSED'
  | 'OPEN_CLAIM'
  | 'KNOWN_MUST_CLAIM'
  | 'UNKNOWN_MUST_ADD'
  | 'VARIABLE_NEEDS_MSX'
  | 'ID_TYPE_NOT_ACCEPTED'
  | 'CRITERIA_NOT_MET'
  | 'NOT_IN_CATALOG'
  | 'ACTIVE_CLAIMS_LIMIT'
  | 'NO_ENROLLED_LOCATION';

interface VerdictBase {
  engagementId: string;
  engagementName: string;
  payType: PayType;
}

export type EngagementVerdict =
  | (VerdictBase & { eligible: true; /** The id the claim is recorded with. */ via: CustomerId })
  | (VerdictBase & { eligible: false; code: IneligibleCode; reason: string });

export function describeId(id: CustomerId): string {
  return `${CUSTOMER_ID_TYPE_LABELS[id.type]} ${id.value}`;
}

function listTypes(types: readonly CustomerIdType[]): string {
  const labels = ID_TYPE_ORDER.filter((type) => types.includes(type)).map((type) => ID_TYPE_PLURALS[type]);
  if (labels.length === 0) return 'no customer ids';
  if (labels.length === 1) return labels[0] ?? '';
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1] ?? ''}`;
}

function entryKey(engagementId: string, id: CustomerId): string {
  return `${engagementId}\u0000${id.type}\u0000${id.value}`;
}

/**
 * Decides, for each candidate engagement, whether this customer may be nominated for it by this
 * partner now, and if not, why. Pure: every fact comes in as data.
 */
export function checkNomination(facts: NominationFacts): EngagementVerdict[] {
  const entries = new Map(facts.eligibility.map((e) => [entryKey(e.engagementId, e), e]));
  return facts.engagements.map((engagement) => {
    const base: VerdictBase = { engagementId: engagement.id, engagementName: engagement.name, payType: engagement.payType };
    const refuse = (code: IneligibleCode, reason: string): EngagementVerdict => ({ ...base, eligible: false, code, reason });
    const name = engagement.name;

    if (!engagement.active) return refuse('ENGAGEMENT_CLOSED', `${name} is not open for nominations.`);
    const ownClaim = facts.ownOpenClaims.get(engagement.id);
    if (ownClaim) {
      return refuse('OPEN_CLAIM', `The customer already has an open claim of yours on ${name} (${ownClaim}); it cannot be added or claimed again until that claim is closed.`);
    }
    if (facts.mode === 'add' && facts.knownToPartner) {
      return refuse('KNOWN_MUST_CLAIM', `The customer is already known to you, so for ${name} it must be claimed (Claim customer on the Eligible tab), not added.`);
    }
    if (facts.mode === 'claim' && !facts.knownToPartner) {
      return refuse('UNKNOWN_MUST_ADD', `The customer has not consented to you for an earlier claim, so for ${name} it must be added, not claimed.`);
    }

    const usable = facts.ids.filter((nominated) =>
      engagement.payType === 'VARIABLE'
        ? nominated.id.type === 'MSX_OPPORTUNITY_ID'
        : engagement.acceptedIdTypes.includes(nominated.id.type),
    );
    if (usable.length === 0) {
      if (engagement.payType === 'VARIABLE') {
        return refuse('VARIABLE_NEEDS_MSX', `${name} is a variable pay engagement: customers can only be nominated by MSX opportunity ID.`);
      }
      const offered = facts.ids.map((nominated) => nominated.id.type);
      const what = facts.mode === 'add' && offered[0] ? ID_TYPE_PLURALS[offered[0]] : 'any id recorded for this customer';
      return refuse('ID_TYPE_NOT_ACCEPTED', `${name} does not accept ${what}; it accepts ${listTypes(engagement.acceptedIdTypes)}.`);
    }

    let via: CustomerId | null = null;
    let refusal: { id: NominatedId; entry: IdEligibility } | null = null;
    for (const nominated of usable) {
      for (const key of nominated.checkedAs) {
        const entry = entries.get(entryKey(engagement.id, key));
        if (entry?.eligible) {
          via = nominated.id;
          break;
        }
        if (entry && !refusal) refusal = { id: nominated, entry };
      }
      if (via) break;
    }
    if (!via) {
      const perId =
        'Eligibility is checked per id and does not carry over to other ids of the same customer: if the customer is eligible through another id (for example its TPID), nominate it with that id.';
      if (refusal) {
        const why = refusal.entry.reason ? `: ${refusal.entry.reason}` : '';
        return refuse('CRITERIA_NOT_MET', `${describeNominated(refusal.id)} does not meet the eligibility criteria of ${name}${why}. ${perId}`);
      }
      const subject = facts.mode === 'add' && usable[0] ? describeNominated(usable[0]) : 'None of the customer\'s ids';
      const verb = facts.mode === 'add' ? 'is not found' : 'is found';
      return refuse('NOT_IN_CATALOG', `${subject} ${verb} in the eligibility list of ${name}. ${perId}`);
    }

    const open = facts.openClaimCounts.get(engagement.id) ?? 0;
    if (open >= engagement.maxActiveClaimsPerCustomer) {
      return refuse('ACTIVE_CLAIMS_LIMIT', `The customer has reached the limit of ${engagement.maxActiveClaimsPerCustomer} active claim(s) allowed on ${name}.`);
    }
    if (!facts.enrolledEngagementIds.has(engagement.id)) {
      const reason = facts.locationId
        ? `Location ${facts.locationId} is not enrolled for ${name}.`
        : `None of your MCI-enrolled locations is enrolled for ${name}.`;
      return refuse('NO_ENROLLED_LOCATION', reason);
    }
    return { ...base, eligible: true, via };
  });
}

function describeNominated(nominated: NominatedId): string {
  const tenant = nominated.id.type === 'DOMAIN' ? nominated.checkedAs.find((key) => key.type === 'TENANT_ID') : undefined;
  return tenant ? `${describeId(nominated.id)} (tenant ID ${tenant.value})` : describeId(nominated.id);
}

/** The outside-world ports eligibility needs; the local defaults read the database. */
export type { EligibilityPorts } from '../shared/context';
import type { EligibilityPorts } from '../shared/context';

export function localEligibilityPorts(prisma: Tx): EligibilityPorts {
  return { tenants: new DirectoryTenantResolver(prisma), eligibility: new CatalogEligibilitySource(prisma) };
}

/** The tenant a domain belongs to; a domain without a known tenant cannot be nominated. */
export async function deriveTenant(tenants: TenantResolver, domain: string): Promise<string> {
  const tenantId = await tenants.tenantForDomain(domain);
  if (!tenantId) {
    throw new NotAllowedError(
      `No Microsoft tenant could be found for the domain ${domain}, so its eligibility cannot be checked. Check the spelling, or nominate the customer by tenant ID or TPID instead.`,
    );
  }
  return tenantId.toLowerCase();
}

function checkedAs(id: CustomerId, tenantId: string | null): CustomerId[] {
  return tenantId ? [id, { type: 'TENANT_ID', value: tenantId }] : [id];
}

/** What the outside world says about a nomination. Read before any transaction: in production these are remote calls. */
export interface ExternalFacts {
  ids: NominatedId[];
  eligibility: IdEligibility[];
  /** The opportunity of an MSX opportunity id nomination, if it exists. */
  opportunity: MsxOpportunityInfo | null;
}

/** External facts for adding a customer by the one id the partner gave. An unknown domain is refused. */
export async function gatherAddFacts(ports: EligibilityPorts, id: CustomerId, engagementIds: readonly string[]): Promise<ExternalFacts> {
  const tenantId = id.type === 'DOMAIN' ? await deriveTenant(ports.tenants, id.value) : null;
  const nominated: NominatedId = { id, checkedAs: checkedAs(id, tenantId) };
  const eligibility = await ports.eligibility.eligibility(engagementIds, nominated.checkedAs);
  const opportunity = id.type === 'MSX_OPPORTUNITY_ID' ? await ports.eligibility.opportunity(id.value) : null;
  return { ids: [nominated], eligibility, opportunity };
}

/** External facts for claiming a known customer by any of its ids; a domain without a known tenant is checked as itself. */
export async function gatherClaimFacts(ports: EligibilityPorts, ids: readonly CustomerId[], engagementIds: readonly string[]): Promise<ExternalFacts> {
  const sorted = [...ids].sort((a, b) => ID_TYPE_ORDER.indexOf(a.type) - ID_TYPE_ORDER.indexOf(b.type) || a.value.localeCompare(b.value));
  const nominated: NominatedId[] = [];
  for (const id of sorted) {
    const tenantId = id.type === 'DOMAIN' ? await ports.tenants.tenantForDomain(id.value) : null;
    nominated.push({ id, checkedAs: checkedAs(id, tenantId?.toLowerCase() ?? null) });
  }
  const keys: EligibilityKey[] = nominated.flatMap((n) => n.checkedAs);
  const eligibility = await ports.eligibility.eligibility(engagementIds, keys);
  return { ids: nominated, eligibility, opportunity: null };
}

/** An engagement row with its accepted id types, as the rules need it. */
export type EngagementWithIdTypes = Engagement & { acceptedIdTypes: { idType: CustomerIdType }[] };

export function engagementRules(row: EngagementWithIdTypes): EngagementRules {
  return {
    id: row.id,
    name: row.name,
    payType: row.payType,
    acceptedIdTypes: row.acceptedIdTypes.map((t) => t.idType),
    maxActiveClaimsPerCustomer: row.maxActiveClaimsPerCustomer,
    maxHours: row.maxHours,
    active: row.active,
  };
}

/**
 * The engagements asked about, in the order asked, refusing ids that do not exist; or, when none
 * are named, every open engagement in name order.
 */
export async function loadEngagements(prisma: Tx, engagementIds?: readonly string[]): Promise<EngagementWithIdTypes[]> {
  const rows = await prisma.engagement.findMany({
    where: engagementIds ? { id: { in: [...engagementIds] } } : { active: true },
    include: { acceptedIdTypes: { select: { idType: true } } },
    orderBy: { name: 'asc' },
  });
  if (!engagementIds) return rows;
  const missing = engagementIds.filter((id) => !rows.some((row) => row.id === id));
  if (missing.length > 0) throw new NotAllowedError(`There is no engagement ${missing.join(', ')}.`);
  return engagementIds.flatMap((id) => rows.filter((row) => row.id === id));
}

export async function loadEngagementRules(prisma: Tx, engagementIds?: readonly string[]): Promise<EngagementRules[]> {
  return (await loadEngagements(prisma, engagementIds)).map(engagementRules);
}

/**
 * The customer an add nomination is about: the owner of the id given (or, for a domain, of its
 * derived tenant id), else the customer of the MSX opportunity; null for a customer not known yet.
 */
export async function findNominatedCustomer(prisma: Tx, external: ExternalFacts): Promise<string | null> {
  const owner = await findCustomerByIds(prisma, external.ids[0]?.checkedAs ?? []);
  if (owner) return owner;
  const opportunityCustomer = external.opportunity?.customerId;
  if (!opportunityCustomer) return null;
  return (await prisma.customer.findUnique({ where: { id: opportunityCustomer }, select: { id: true } }))?.id ?? null;
}

/** The customer that owns any of these ids, or null for a customer Microsoft's view does not have yet. */
export async function findCustomerByIds(prisma: Tx, ids: readonly CustomerId[]): Promise<string | null> {
  for (const id of ids) {
    const row = await prisma.customerIdentifier.findUnique({ where: { type_value: { type: id.type, value: id.value } } });
    if (row) return row.customerId;
  }
  return null;
}

export interface LocationChoice {
  id: string;
  name: string;
  country: string;
}

/**
 * The locations a partner may nominate from: MCI-enrolled ones, and for a given engagement only
 * those also enrolled for it.
 */
export async function nominationLocations(prisma: Tx, partnerId: string, engagementId?: string): Promise<LocationChoice[]> {
  return prisma.location.findMany({
    where: { partnerId, mciEnrolled: true, ...(engagementId ? { engagements: { some: { engagementId } } } : {}) },
    select: { id: true, name: true, country: true },
    orderBy: { id: 'asc' },
  });
}

/**
 * The engagements the chosen location is enrolled for (refusing a location that is not the
 * partner's or not MCI-enrolled), or, with no location yet, those any MCI-enrolled location of
 * the partner is enrolled for.
 */
export async function loadEnrolledEngagements(prisma: Tx, partnerId: string, locationId: string | null): Promise<Set<string>> {
  if (locationId) {
    const location = await prisma.location.findUnique({ where: { id: locationId }, include: { engagements: { select: { engagementId: true } } } });
    if (!location || location.partnerId !== partnerId) {
      throw new NotAllowedError(`Location ${locationId} is not one of your organisation's locations.`);
    }
    if (!location.mciEnrolled) {
      throw new NotAllowedError(`Location ${locationId} is not enrolled in MCI; only MCI-enrolled locations can be used for MCI engagements.`);
    }
    return new Set(location.engagements.map((e) => e.engagementId));
  }
  const rows = await prisma.locationEngagement.findMany({
    where: { location: { partnerId, mciEnrolled: true } },
    select: { engagementId: true },
    distinct: ['engagementId'],
  });
  return new Set(rows.map((row) => row.engagementId));
}

export interface PartnerCustomerFacts {
  knownToPartner: boolean;
  ownOpenClaims: Map<string, string>;
  openClaimCounts: Map<string, number>;
}

/** What the database says about this customer and this partner on these engagements. */
export async function loadPartnerCustomerFacts(
  prisma: Tx,
  partnerId: string,
  customerId: string | null,
  engagementIds: readonly string[],
): Promise<PartnerCustomerFacts> {
  const facts: PartnerCustomerFacts = { knownToPartner: false, ownOpenClaims: new Map(), openClaimCounts: new Map() };
  if (!customerId || engagementIds.length === 0) return facts;
  const known = await prisma.knownCustomer.findUnique({ where: { partnerId_customerId: { partnerId, customerId } } });
  facts.knownToPartner = known !== null;
  const open = await prisma.claim.findMany({
    where: { customerId, engagementId: { in: [...engagementIds] }, status: { in: [...OPEN_STATUSES] } },
    select: { id: true, engagementId: true, partnerId: true },
  });
  for (const claim of open) {
    facts.openClaimCounts.set(claim.engagementId, (facts.openClaimCounts.get(claim.engagementId) ?? 0) + 1);
    if (claim.partnerId === partnerId) facts.ownOpenClaims.set(claim.engagementId, claim.id);
  }
  return facts;
}

export interface AddCustomerCheck {
  customerId: string | null;
  knownToPartner: boolean;
  /** For a domain: the tenant id derived from it. */
  derivedTenantId: string | null;
  opportunity: MsxOpportunityInfo | null;
  verdicts: EngagementVerdict[];
}

/**
 * The eligibility step of Add customer: for each candidate engagement (all open ones by default),
 * may this partner add the customer with this id, and if not, why.
 */
export async function checkAddCustomer(
  prisma: Tx,
  ports: EligibilityPorts,
  request: { partnerId: string; customerId: CustomerId; engagementIds?: readonly string[]; locationId?: string | null },
): Promise<AddCustomerCheck> {
  const engagements = await loadEngagementRules(prisma, request.engagementIds);
  const engagementIds = engagements.map((e) => e.id);
  const external = await gatherAddFacts(ports, request.customerId, engagementIds);
  const nominated = external.ids[0];
  const customerId = await findNominatedCustomer(prisma, external);
  const partnerFacts = await loadPartnerCustomerFacts(prisma, request.partnerId, customerId, engagementIds);
  const locationId = request.locationId ?? null;
  const enrolledEngagementIds = await loadEnrolledEngagements(prisma, request.partnerId, locationId);
  const verdicts = checkNomination({
    mode: 'add',
    engagements,
    ids: external.ids,
    eligibility: external.eligibility,
    ...partnerFacts,
    enrolledEngagementIds,
    locationId,
  });
  return {
    customerId,
    knownToPartner: partnerFacts.knownToPartner,
    derivedTenantId: nominated?.checkedAs.find((key) => key.type === 'TENANT_ID' && nominated.id.type === 'DOMAIN')?.value ?? null,
    opportunity: external.opportunity,
    verdicts,
  };
}

/** The customer's ids, for claiming a known customer. */
export async function loadCustomerIds(prisma: Tx, customerId: string): Promise<CustomerId[]> {
  const rows = await prisma.customerIdentifier.findMany({ where: { customerId }, select: { type: true, value: true } });
  return rows.map((row) => ({ type: row.type, value: row.value }));
}

/** The eligibility step of Claim customer: for each candidate engagement, may this partner claim this known customer. */
export async function checkClaimCustomer(
  prisma: Tx,
  ports: EligibilityPorts,
  request: { partnerId: string; customerId: string; engagementIds?: readonly string[]; locationId?: string | null },
): Promise<EngagementVerdict[]> {
  const engagements = await loadEngagementRules(prisma, request.engagementIds);
  const engagementIds = engagements.map((e) => e.id);
  const external = await gatherClaimFacts(ports, await loadCustomerIds(prisma, request.customerId), engagementIds);
  const partnerFacts = await loadPartnerCustomerFacts(prisma, request.partnerId, request.customerId, engagementIds);
  const locationId = request.locationId ?? null;
  const enrolledEngagementIds = await loadEnrolledEngagements(prisma, request.partnerId, locationId);
  return checkNomination({
    mode: 'claim',
    engagements,
    ids: external.ids,
    eligibility: external.eligibility,
    ...partnerFacts,
    enrolledEngagementIds,
    locationId,
  });
}

export interface TenantEmailMatch {
  matches: boolean;
  emailDomain: string;
  /** The tenant the email's domain belongs to, or null when it is unknown. */
  emailTenantId: string | null;
}

/**
 * Does a tenant id nomination match the customer contact's email domain? The email's domain and
 * then its parent domains are looked up, so mail.contoso.com finds contoso.com. An unknown email
 * domain counts as a mismatch: the partner must then give a reason.
 */
export async function checkTenantEmailMatch(tenants: TenantResolver, tenantId: string, email: string): Promise<TenantEmailMatch> {
  const domain = emailDomain(email) ?? '';
  const labels = domain.split('.').filter((label) => label.length > 0);
  let emailTenantId: string | null = null;
  for (let start = 0; start < labels.length - 1 && !emailTenantId; start += 1) {
    emailTenantId = (await tenants.tenantForDomain(labels.slice(start).join('.')))?.toLowerCase() ?? null;
  }
  return { matches: emailTenantId !== null && emailTenantId === tenantId.toLowerCase(), emailDomain: domain, emailTenantId };
}
