import { CUSTOMER_ID_TYPE_LABELS, type CustomerId } from '../customers/customerIds';
import type { CustomerIdType, PayType } from '../db';
import type { IdEligibility } from '../ports/eligibilitySource';

/**
 * The nomination rule, pure: every fact comes in as data, so it can be checked without a database
 * and decided the same way for what a flow shows and for what Add/Claim customer creates.
 */

/** Plural labels, for listing the id types an engagement accepts. */
const ID_TYPE_PLURALS: Record<CustomerIdType, string> = {
  DOMAIN: 'domain names',
  TENANT_ID: 'tenant IDs',
  TPID: 'TPIDs',
  AZURE_SUBSCRIPTION_ID: 'Azure subscription IDs',
  MSX_OPPORTUNITY_ID: 'MSX opportunity IDs',
};

/** The order in which a customer's ids are offered when claiming, so that the chosen id is stable. */
export const ID_TYPE_ORDER: readonly CustomerIdType[] = ['DOMAIN', 'TENANT_ID', 'TPID', 'AZURE_SUBSCRIPTION_ID', 'MSX_OPPORTUNITY_ID'];

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
  | (VerdictBase & {
      eligible: true;
      /** The id the claim is recorded with. */
      via: CustomerId;
      /** VARIABLE: every eligible MSX opportunity id of the customer, in the order checked (`via` first); a claim may be paid on any one. */
      opportunityIds?: string[];
    })
  | (VerdictBase & {
      eligible: false;
      code: IneligibleCode;
      reason: string;
      /** What the partner can do about it, said once however many verdicts share it. */
      hint?: string;
    });

/** Eligibility is per id: said once under the reasons that depend on the id given. */
export const PER_ID_HINT =
  'Eligibility is checked per id and does not carry over to other ids of the same customer: if the customer is eligible through another id (for example its TPID), nominate it with that id.';

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
 * partner now, and if not, why.
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

    const eligibleIds: CustomerId[] = [];
    let refusal: { id: NominatedId; entry: IdEligibility } | null = null;
    for (const nominated of usable) {
      for (const key of nominated.checkedAs) {
        const entry = entries.get(entryKey(engagement.id, key));
        if (entry?.eligible) {
          eligibleIds.push(nominated.id);
          break;
        }
        if (entry && !refusal) refusal = { id: nominated, entry };
      }
      // Only a VARIABLE engagement needs every eligible id (its opportunities); otherwise the first is the one.
      if (eligibleIds.length > 0 && engagement.payType !== 'VARIABLE') break;
    }
    const via = eligibleIds[0];
    if (!via) {
      // Another id can help only where the engagement takes other ids: a variable pay one takes MSX opportunity IDs alone.
      const hint = engagement.payType === 'VARIABLE' ? {} : { hint: PER_ID_HINT };
      if (refusal) {
        const why = refusal.entry.reason ? `: ${refusal.entry.reason}` : '';
        return { ...refuse('CRITERIA_NOT_MET', `${describeNominated(refusal.id)} does not meet the eligibility criteria of ${name}${why}.`), ...hint };
      }
      const subject = facts.mode === 'add' && usable[0] ? describeNominated(usable[0]) : 'None of the customer\'s ids';
      const verb = facts.mode === 'add' ? 'is not found' : 'is found';
      return { ...refuse('NOT_IN_CATALOG', `${subject} ${verb} in the eligibility list of ${name}.`), ...hint };
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
    const opportunityIds = engagement.payType === 'VARIABLE' ? { opportunityIds: eligibleIds.map((id) => id.value) } : {};
    return { ...base, eligible: true, via, ...opportunityIds };
  });
}

function describeNominated(nominated: NominatedId): string {
  const tenant = nominated.id.type === 'DOMAIN' ? nominated.checkedAs.find((key) => key.type === 'TENANT_ID') : undefined;
  return tenant ? `${describeId(nominated.id)} (tenant ID ${tenant.value})` : describeId(nominated.id);
}

/**
 * Rule 2 on the add side: a customer the partner already knows is claimed, never added. The
 * refusal names the engagement asked for (if one was) and whether the customer can be claimed for
 * it: `claim` is that engagement's verdict in claim mode, undefined when none was asked for.
 */
export function knownCustomerRefusal(customerLabel: string, claim: EngagementVerdict | undefined): string {
  const known = `${customerLabel} is already known to you (it consented to you for an earlier claim), so it is claimed, not added.`;
  if (!claim) return `${known} Nothing was created.`;
  if (claim.eligible) return `${known} Nothing was created: claim it for ${claim.engagementName} instead.`;
  return `${known} It cannot be claimed for ${claim.engagementName} either: ${claim.reason} Nothing was created.`;
}

/** Rule 2 on the claim side: only a customer the partner already knows can be claimed. */
export const NOT_KNOWN_CANNOT_CLAIM =
  'That customer is not one of your known customers, so it cannot be claimed; a customer new to you is added instead (add customer). Nothing was created.';

/** What the tenant-id / email-domain comparison found (see facts.ts checkTenantEmailMatch). */
export interface TenantEmailMatch {
  matches: boolean;
  emailDomain: string;
  /** The tenant the email's domain belongs to, or null when it is unknown. */
  emailTenantId: string | null;
}

/**
 * Rule 3: a customer nominated by tenant id must have a contact whose email domain belongs to that
 * tenant, or the partner gives a reason. What does not match, or null when no reason is needed.
 */
export function tenantMismatch(tenantId: string, match: TenantEmailMatch): string | null {
  if (match.matches) return null;
  const emailTenant = match.emailTenantId ? `belongs to tenant ${match.emailTenantId}` : 'has no known tenant';
  return `The tenant ID ${tenantId} does not match the customer contact's email domain ${match.emailDomain}, which ${emailTenant}.`;
}

/**
 * The engagement a nomination's hours are for: VARIABLE engagements need hours (their payout is
 * hours × rate), FIXED ones take none. Undefined when no chosen engagement is VARIABLE.
 */
export function engagementNeedingHours<T extends { payType: PayType }>(engagements: readonly T[]): T | undefined {
  return engagements.find((engagement) => engagement.payType === 'VARIABLE');
}

/**
 * The MSX opportunities a VARIABLE nomination may be paid on: those its eligible verdict found
 * eligible, the one it records first. An add is made with its one opportunity; a claim of a
 * customer with several is paid on the one the partner picks.
 */
export function payoutOpportunityIds(verdict: EngagementVerdict | undefined): string[] {
  if (!verdict?.eligible || verdict.via.type !== 'MSX_OPPORTUNITY_ID') return [];
  return verdict.opportunityIds ?? [verdict.via.value];
}
