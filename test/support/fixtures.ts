import { openClaimKey, isTerminal } from '../../services/claims/lifecycle';
import { addDays } from '../../services/shared/clock';
import type { ClaimOrigin, ClaimStatus, CustomerIdType, Database, PayType, Prisma, Role } from '../../services/db';

/** The instant fixtures treat as "now" unless told otherwise. */
export const T0 = new Date('2026-03-02T09:00:00.000Z');

export interface IdSpec {
  type: CustomerIdType;
  value: string;
}

/** A deterministic GUID from a number, for tenant and subscription ids. */
export function guid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/**
 * Inserts domain rows with sensible defaults, so that a test states only what it is about.
 * Ids are generated from a counter unless given.
 */
export class Fixtures {
  private counter = 0;

  constructor(private readonly db: Database) {}

  private next(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${this.counter}`;
  }

  async partner(spec: { id?: string; name?: string } = {}): Promise<string> {
    const id = spec.id ?? this.next('P');
    await this.db.prisma.partner.create({ data: { id, name: spec.name ?? `Partner ${id}`, tenantId: `tenant-${id}` } });
    return id;
  }

  async user(spec: { partnerId: string; roles?: Role[]; id?: string; displayName?: string }): Promise<string> {
    const id = spec.id ?? this.next('U');
    await this.db.prisma.partnerUser.create({
      data: {
        id,
        partnerId: spec.partnerId,
        aadObjectId: `aad-${id}`,
        tenantId: `tenant-${spec.partnerId}`,
        displayName: spec.displayName ?? `User ${id}`,
        email: `${id.toLowerCase()}@partner.example`,
        roles: { create: (spec.roles ?? ['INCENTIVES_USER']).map((role) => ({ role })) },
      },
    });
    return id;
  }

  async location(spec: { partnerId: string; mciEnrolled?: boolean; engagements?: string[]; id?: string }): Promise<string> {
    const id = spec.id ?? this.next('LOC');
    await this.db.prisma.location.create({
      data: {
        id,
        partnerId: spec.partnerId,
        name: `Location ${id}`,
        country: 'NL',
        mciEnrolled: spec.mciEnrolled ?? true,
        engagements: { create: (spec.engagements ?? []).map((engagementId) => ({ engagementId })) },
      },
    });
    return id;
  }

  async enrol(locationId: string, engagementId: string): Promise<void> {
    await this.db.prisma.locationEngagement.create({ data: { locationId, engagementId } });
  }

  async engagement(
    spec: {
      id?: string;
      name?: string;
      payType?: PayType;
      idTypes?: CustomerIdType[];
      consentWindowDays?: number;
      submissionWindowDays?: number;
      maxActiveClaimsPerCustomer?: number;
      maxHours?: number;
      payoutCapUsd?: number;
      hourlyRateTiers?: Prisma.InputJsonValue;
      active?: boolean;
    } = {},
  ): Promise<string> {
    const id = spec.id ?? this.next('ENG');
    const variable = spec.payType === 'VARIABLE';
    const idTypes = spec.idTypes ?? (variable ? ['MSX_OPPORTUNITY_ID'] : ['DOMAIN', 'TENANT_ID', 'TPID', 'AZURE_SUBSCRIPTION_ID']);
    await this.db.prisma.engagement.create({
      data: {
        id,
        name: spec.name ?? `Engagement ${id}`,
        description: 'test engagement',
        consentTerms: 'test terms',
        payType: spec.payType ?? 'FIXED',
        consentWindowDays: spec.consentWindowDays ?? 30,
        submissionWindowDays: spec.submissionWindowDays ?? 90,
        maxActiveClaimsPerCustomer: spec.maxActiveClaimsPerCustomer ?? 3,
        maxHours: spec.maxHours ?? (variable ? 40 : null),
        payoutCapUsd: spec.payoutCapUsd ?? (variable ? 10000 : null),
        hourlyRateTiers:
          spec.hourlyRateTiers ??
          (variable
            ? [
                { minOpportunityUsd: 0, hourlyRateUsd: 100 },
                { minOpportunityUsd: 100000, hourlyRateUsd: 150 },
              ]
            : undefined),
        active: spec.active ?? true,
        acceptedIdTypes: { create: idTypes.map((idType) => ({ idType })) },
      },
    });
    return id;
  }

  async customer(spec: { id?: string; name?: string; ids?: IdSpec[] } = {}): Promise<string> {
    const id = spec.id ?? this.next('CUS');
    await this.db.prisma.customer.create({
      data: { id, name: spec.name ?? `Customer ${id}`, identifiers: { create: spec.ids ?? [] } },
    });
    return id;
  }

  async eligible(engagementId: string, id: IdSpec, eligible = true, reason: string | null = null): Promise<void> {
    await this.db.prisma.eligibilityEntry.create({ data: { engagementId, idType: id.type, idValue: id.value, eligible, reason } });
  }

  async domain(domain: string, tenantId: string): Promise<void> {
    await this.db.prisma.directoryDomain.create({ data: { domain, tenantId } });
  }

  async opportunity(id: string, customerId: string, valueUsd: number): Promise<void> {
    await this.db.prisma.msxOpportunity.create({ data: { id, customerId, name: `Opportunity ${id}`, valueUsd } });
  }

  async known(partnerId: string, customerId: string, name?: string): Promise<void> {
    await this.db.prisma.knownCustomer.create({
      data: { partnerId, customerId, name: name ?? `Customer ${customerId}`, firstClaimId: `CLM-FIRST-${customerId}`, knownSince: T0 },
    });
  }

  /** A claim in any status; open ones hold their openClaimKey, terminal ones a closedAt. */
  async claim(spec: {
    partnerId: string;
    engagementId: string;
    customerId: string;
    locationId: string;
    userId: string;
    status: ClaimStatus;
    origin?: ClaimOrigin;
    id?: string;
    idType?: CustomerIdType;
    idValue?: string;
    consentDeadline?: Date;
    submissionDeadline?: Date | null;
    consentAnsweredAt?: Date | null;
    closedAt?: Date | null;
    createdAt?: Date;
  }): Promise<string> {
    const id = spec.id ?? this.next('CLM-T');
    const terminal = isTerminal(spec.status);
    await this.db.prisma.claim.create({
      data: {
        id,
        partnerId: spec.partnerId,
        engagementId: spec.engagementId,
        locationId: spec.locationId,
        customerId: spec.customerId,
        idType: spec.idType ?? 'TPID',
        idValue: spec.idValue ?? '1',
        friendlyName: `Claim ${id}`,
        origin: spec.origin ?? 'CLAIMED',
        status: spec.status,
        openClaimKey: terminal ? null : openClaimKey(spec.partnerId, spec.engagementId, spec.customerId),
        customerContactName: 'Casey Customer',
        customerContactEmail: 'casey@customer.example',
        partnerContactName: 'Pat Partner',
        partnerContactEmail: 'pat@partner.example',
        consentDeadline: spec.consentDeadline ?? addDays(T0, 30),
        submissionDeadline: spec.submissionDeadline ?? null,
        consentAnsweredAt: spec.consentAnsweredAt ?? null,
        closedAt: terminal ? (spec.closedAt ?? T0) : null,
        createdByUserId: spec.userId,
        createdAt: spec.createdAt ?? T0,
      },
    });
    return id;
  }
}

/** A small world most tests start from: partner A with users and locations, partner B, engagements. */
export interface World {
  partnerA: string;
  partnerB: string;
  /** Partner A, Incentives user. */
  user: string;
  /** Partner A, no role. */
  noRole: string;
  /** Partner A, Referrals admin only. */
  referralsOnly: string;
  /** Partner A, Incentives admin. */
  admin: string;
  userB: string;
  /** FIXED, accepts domain, tenant ID, TPID, subscription. */
  fixed: string;
  /** FIXED, accepts TPID only. */
  tpidOnly: string;
  /** VARIABLE, MSX opportunity ids only. */
  variable: string;
  /** Partner A: MCI-enrolled, enrolled for every engagement. */
  location: string;
  /** Partner A: not MCI-enrolled. */
  notEnrolled: string;
  /** Partner A: MCI-enrolled, enrolled for `fixed` only. */
  fixedOnlyLocation: string;
  /** Partner B: MCI-enrolled, enrolled for every engagement. */
  locationB: string;
}

export async function buildWorld(f: Fixtures): Promise<World> {
  const partnerA = await f.partner({ id: 'PA', name: 'Partner A' });
  const partnerB = await f.partner({ id: 'PB', name: 'Partner B' });
  const user = await f.user({ partnerId: partnerA, id: 'UA-USER', roles: ['INCENTIVES_USER'] });
  const noRole = await f.user({ partnerId: partnerA, id: 'UA-NOROLE', roles: [] });
  const referralsOnly = await f.user({ partnerId: partnerA, id: 'UA-REF', roles: ['REFERRALS_ADMIN'] });
  const admin = await f.user({ partnerId: partnerA, id: 'UA-ADMIN', roles: ['INCENTIVES_ADMIN'], displayName: 'Alex Admin' });
  const userB = await f.user({ partnerId: partnerB, id: 'UB-USER', roles: ['INCENTIVES_ADMIN'] });
  const fixed = await f.engagement({ id: 'E-FIXED', name: 'Fixed Engagement' });
  const tpidOnly = await f.engagement({ id: 'E-TPID', name: 'TPID Engagement', idTypes: ['TPID'] });
  const variable = await f.engagement({ id: 'E-VAR', name: 'Variable Engagement', payType: 'VARIABLE' });
  const all = [fixed, tpidOnly, variable];
  const location = await f.location({ partnerId: partnerA, id: 'LOC-A1', engagements: all });
  const notEnrolled = await f.location({ partnerId: partnerA, id: 'LOC-A2', mciEnrolled: false, engagements: all });
  const fixedOnlyLocation = await f.location({ partnerId: partnerA, id: 'LOC-A3', engagements: [fixed] });
  const locationB = await f.location({ partnerId: partnerB, id: 'LOC-B1', engagements: all });
  return { partnerA, partnerB, user, noRole, referralsOnly, admin, userB, fixed, tpidOnly, variable, location, notEnrolled, fixedOnlyLocation, locationB };
}
