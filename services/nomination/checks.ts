import type { CustomerId } from '../customers/customerIds';
import type { Engagement, Tx } from '../db';
import type { MsxOpportunityInfo } from '../ports/eligibilitySource';
import type { TenantResolver } from '../ports/tenantResolver';
import type { EligibilityPorts } from '../shared/context';
import {
  checkTenantEmailMatch,
  customerName,
  engagementRules,
  findNominatedCustomer,
  gatherAddFacts,
  gatherClaimFacts,
  loadCustomerIds,
  loadEngagements,
  loadEnrolledEngagements,
  loadPartnerCustomerFacts,
  type EngagementWithIdTypes,
  type ExternalFacts,
  type PartnerCustomerFacts,
} from './facts';
import { checkNomination, tenantMismatch, type EngagementVerdict, type NominationFacts } from './rule';

/**
 * The eligibility step of Add and Claim customer: the facts loaded once, the rule applied to every
 * candidate engagement. Add/Claim customer (nominate.ts) decides again at confirm.
 */

/** An engagement as a nomination flow offers it: what its steps and review show, and what a payout is worked out from. */
export type OfferedEngagement = Pick<Engagement, 'id' | 'name' | 'payType' | 'maxHours' | 'hourlyRateTiers' | 'payoutCapUsd'>;

function offered(rows: readonly EngagementWithIdTypes[]): OfferedEngagement[] {
  return rows.map(({ id, name, payType, maxHours, hourlyRateTiers, payoutCapUsd }) => ({ id, name, payType, maxHours, hourlyRateTiers, payoutCapUsd }));
}

/** The partner's side of the facts (known customer, open claims, enrolled engagements) and the rule applied to them. */
async function decide(
  prisma: Tx,
  mode: NominationFacts['mode'],
  request: { partnerId: string; locationId?: string | null },
  rows: readonly EngagementWithIdTypes[],
  external: ExternalFacts,
  customerId: string | null,
): Promise<{ partnerFacts: PartnerCustomerFacts; verdicts: EngagementVerdict[] }> {
  const partnerFacts = await loadPartnerCustomerFacts(prisma, request.partnerId, customerId, rows.map((e) => e.id));
  const locationId = request.locationId ?? null;
  const enrolledEngagementIds = await loadEnrolledEngagements(prisma, request.partnerId, locationId);
  const verdicts = checkNomination({
    mode,
    engagements: rows.map(engagementRules),
    ids: external.ids,
    eligibility: external.eligibility,
    ...partnerFacts,
    enrolledEngagementIds,
    locationId,
  });
  return { partnerFacts, verdicts };
}

export interface AddCustomerCheck {
  customerId: string | null;
  /** The name Microsoft's view has for the customer, null for a customer it does not have yet. */
  customerName: string | null;
  knownToPartner: boolean;
  /** For a domain: the tenant id derived from it. */
  derivedTenantId: string | null;
  opportunity: MsxOpportunityInfo | null;
  verdicts: EngagementVerdict[];
  engagements: OfferedEngagement[];
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
  const rows = await loadEngagements(prisma, request.engagementIds);
  const engagementIds = rows.map((e) => e.id);
  const external = await gatherAddFacts(ports, request.customerId, engagementIds);
  const nominated = external.ids[0];
  const customerId = await findNominatedCustomer(prisma, external);
  const { partnerFacts, verdicts } = await decide(prisma, 'add', request, rows, external, customerId);
  return {
    customerId,
    customerName: await customerName(prisma, customerId),
    knownToPartner: partnerFacts.knownToPartner,
    derivedTenantId: nominated?.checkedAs.find((key) => key.type === 'TENANT_ID' && nominated.id.type === 'DOMAIN')?.value ?? null,
    opportunity: external.opportunity,
    verdicts,
    engagements: offered(rows),
  };
}

export interface ClaimCustomerCheck {
  verdicts: EngagementVerdict[];
  engagements: OfferedEngagement[];
}

/** The eligibility step of Claim customer: for each candidate engagement, may this partner claim this known customer. */
export async function checkClaimCustomer(
  prisma: Tx,
  ports: EligibilityPorts,
  request: { partnerId: string; customerId: string; engagementIds?: readonly string[]; locationId?: string | null },
): Promise<ClaimCustomerCheck> {
  const rows = await loadEngagements(prisma, request.engagementIds);
  const engagementIds = rows.map((e) => e.id);
  const external = await gatherClaimFacts(ports, await loadCustomerIds(prisma, request.customerId), engagementIds);
  const { verdicts } = await decide(prisma, 'claim', request, rows, external, request.customerId);
  return { verdicts, engagements: offered(rows) };
}

/**
 * Rule 3's tenant check for the contact given: what does not match between a tenant id nomination
 * and the customer contact's email domain, or null when no reason is needed (any other id type asks nothing).
 */
export async function checkContactTenant(tenants: TenantResolver, id: CustomerId, email: string): Promise<string | null> {
  if (id.type !== 'TENANT_ID') return null;
  return tenantMismatch(id.value, await checkTenantEmailMatch(tenants, id.value, email));
}
