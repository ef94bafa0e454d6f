import type { CustomerIdType, Tx } from '../db';

/** One customer id as the eligibility service keys it. */
export interface EligibilityKey {
  type: CustomerIdType;
  value: string;
}

/** What the eligibility source says about one id value for one engagement. */
export interface IdEligibility {
  engagementId: string;
  type: CustomerIdType;
  value: string;
  eligible: boolean;
  /** Why the id is not eligible (or a note when it is), as the source words it. */
  reason: string | null;
}

/** An MSX opportunity, the basis of a VARIABLE engagement's payout. */
export interface MsxOpportunityInfo {
  id: string;
  customerId: string;
  name: string;
  valueUsd: number;
}

/**
 * Microsoft's view of which customer ids are eligible for which engagements. The local default
 * reads the EligibilityEntry catalog; production calls Microsoft's eligibility service. One batched
 * call per question so that an HTTP implementation makes one request, not one per id.
 */
export interface EligibilitySource {
  /**
   * The known verdicts for every (engagement, id) pair asked about. A pair missing from the
   * answer is not in the engagement's eligibility list, which means not eligible.
   */
  eligibility(engagementIds: readonly string[], ids: readonly EligibilityKey[]): Promise<IdEligibility[]>;
  /** The MSX opportunity with this id, or null when there is none. */
  opportunity(opportunityId: string): Promise<MsxOpportunityInfo | null>;
}

/** The local eligibility catalog (EligibilityEntry) and MSX opportunity table. */
export class CatalogEligibilitySource implements EligibilitySource {
  constructor(private readonly prisma: Tx) {}

  async eligibility(engagementIds: readonly string[], ids: readonly EligibilityKey[]): Promise<IdEligibility[]> {
    if (engagementIds.length === 0 || ids.length === 0) return [];
    const rows = await this.prisma.eligibilityEntry.findMany({
      where: {
        engagementId: { in: [...engagementIds] },
        OR: ids.map((id) => ({ idType: id.type, idValue: id.value })),
      },
    });
    return rows.map((row) => ({
      engagementId: row.engagementId,
      type: row.idType,
      value: row.idValue,
      eligible: row.eligible,
      reason: row.reason,
    }));
  }

  async opportunity(opportunityId: string): Promise<MsxOpportunityInfo | null> {
    const row = await this.prisma.msxOpportunity.findUnique({ where: { id: opportunityId } });
    return row ? { id: row.id, customerId: row.customerId, name: row.name, valueUsd: row.valueUsd } : null;
  }
}
