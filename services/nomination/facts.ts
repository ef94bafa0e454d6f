import { OPEN_STATUSES } from '../claims/lifecycle';
import { emailDomain, type CustomerId } from '../customers/customerIds';
import type { CustomerIdType, Engagement, Tx } from '../db';
import { CatalogEligibilitySource, type EligibilityKey, type IdEligibility, type MsxOpportunityInfo } from '../ports/eligibilitySource';
import { DirectoryTenantResolver, type TenantResolver } from '../ports/tenantResolver';
import type { EligibilityPorts } from '../shared/context';
import { NotAllowedError } from '../shared/errors';
import { ID_TYPE_ORDER, type EngagementRules, type NominatedId, type TenantEmailMatch } from './rule';

/**
 * The loaders of the facts the nomination rule (rule.ts) decides on: from the database, and from
 * the outside world through the ports (remote calls in production, so each is asked once per question).
 */

/** The local ports: the directory and eligibility catalog tables. */
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
async function findCustomerByIds(prisma: Tx, ids: readonly CustomerId[]): Promise<string | null> {
  for (const id of ids) {
    const row = await prisma.customerIdentifier.findUnique({ where: { type_value: { type: id.type, value: id.value } } });
    if (row) return row.customerId;
  }
  return null;
}

/** The name Microsoft's view has for a customer, or null when it has none. */
export async function customerName(prisma: Tx, customerId: string | null): Promise<string | null> {
  if (!customerId) return null;
  return (await prisma.customer.findUnique({ where: { id: customerId }, select: { name: true } }))?.name ?? null;
}

/** The customer's ids, for claiming a known customer. */
export async function loadCustomerIds(prisma: Tx, customerId: string): Promise<CustomerId[]> {
  const rows = await prisma.customerIdentifier.findMany({ where: { customerId }, select: { type: true, value: true } });
  return rows.map((row) => ({ type: row.type, value: row.value }));
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
