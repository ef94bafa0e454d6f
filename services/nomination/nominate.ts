import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { writeAudit } from '../outbox/audit';
import { consentDeadlineFor, openClaimKey } from '../claims/lifecycle';
import type { Clock } from '../shared/clock';
import { contactMessagesFor, contactSchema, type Contact } from '../shared/contact';
import { customerIdSchema, type CustomerId } from '../customers/customerIds';
import { Prisma, type ClaimOrigin, type ClaimStatus, type CustomerIdType, type Database, type Engagement, type Tx } from '../db';
import { accessRefusal } from '../directory/access';
import { hasClaimRole, type PartnerCaller } from '../directory/callers';
import type { EligibilityPorts } from '../shared/context';
import { checkContactTenant } from './checks';
import { claimNames } from './draft';
import {
  engagementRules,
  findNominatedCustomer,
  gatherAddFacts,
  gatherClaimFacts,
  loadEngagements,
  loadEnrolledEngagements,
  loadPartnerCustomerFacts,
  localEligibilityPorts,
  type ExternalFacts,
} from './facts';
import { checkNomination, describeId, type EngagementVerdict } from './rule';
import { NotAllowedError } from '../shared/errors';
import { parseUserInput, problemsOf } from '../shared/validation';
import { assertVariableNomination, proposePayout, validateHours } from './payout';
import type { MsxOpportunityInfo } from '../ports/eligibilitySource';

/** The partner user nominating; their partner and roles are read again from the database. */
export interface NominationActor {
  userId: string;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A claim id: `CLM-` and 8 random Crockford base32 characters (40 bits). */
export function newClaimId(): string {
  const bytes = randomBytes(8);
  let id = 'CLM-';
  // 256 is a multiple of 32, so the low five bits of a byte are uniform.
  for (const byte of bytes) id += CROCKFORD.charAt(byte & 31);
  return id;
}

const baseSchema = z.object({
  friendlyName: z.string().trim().min(1, 'a friendly name is required').max(200, 'a friendly name has at most 200 characters'),
  locationId: z.string().trim().min(1, 'a location is required'),
  engagementIds: z
    .array(z.string().trim().min(1))
    .min(1, 'choose at least one engagement')
    .transform((ids) => [...new Set(ids)]),
  /** VARIABLE only; checked against the engagement's maximum inside the transaction. */
  hours: z.union([z.number(), z.string()]).optional(),
  customerContact: contactSchema(contactMessagesFor('Customer contact')),
  partnerContact: contactSchema(contactMessagesFor('Your contact')),
});

const addCustomerSchema = baseSchema.extend({
  customerId: customerIdSchema,
  tenantMismatchReason: z.string().trim().max(1000).optional().transform((reason) => (reason ? reason : null)),
});

const claimCustomerSchema = baseSchema.extend({
  /** The known customer (Customer.id) chosen on the Eligible tab. */
  customerId: z.string().trim().min(1, 'a customer is required'),
  /** Pins the id the claim is made with, and for VARIABLE the MSX opportunity it is paid on (one of several); otherwise the first eligible id is used. */
  nominatedId: customerIdSchema.optional(),
});

export type AddCustomerInput = z.input<typeof addCustomerSchema>;
export type ClaimCustomerInput = z.input<typeof claimCustomerSchema>;

function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = parseUserInput(schema, input);
  if (!result.success) throw new NotAllowedError(`Please check the details: ${problemsOf(result.error).join('; ')}.`);
  return result.data;
}

export interface CreatedClaim {
  id: string;
  /** Distinct among the claims created together (claimNames). */
  friendlyName: string;
  engagementId: string;
  engagementName: string;
  status: ClaimStatus;
  origin: ClaimOrigin;
  idType: CustomerIdType;
  idValue: string;
  consentDeadline: Date;
  hours: number | null;
  proposedPayoutUsd: number | null;
}

export interface NominationResult {
  customerId: string;
  claims: CreatedClaim[];
}

interface ParsedCommon {
  friendlyName: string;
  locationId: string;
  engagementIds: string[];
  hours?: number | string | undefined;
  customerContact: Contact;
  partnerContact: Contact;
}

/** Refuses anyone but an Incentives user or admin, with the one refusal that names who can grant the role. */
async function requireNominatingUser(tx: Tx, actor: NominationActor): Promise<{ id: string; partnerId: string }> {
  const user = await tx.partnerUser.findUnique({ where: { id: actor.userId }, include: { roles: { select: { role: true } }, partner: { select: { name: true } } } });
  if (!user) throw new NotAllowedError('You are not registered as a user of any partner organisation.');
  const roles = user.roles.map((r) => r.role);
  if (!hasClaimRole(roles)) {
    const caller: PartnerCaller = { kind: 'partnerUser', userId: user.id, partnerId: user.partnerId, partnerName: user.partner.name, displayName: user.displayName, email: user.email, roles };
    throw new NotAllowedError(await accessRefusal(tx, caller));
  }
  return { id: user.id, partnerId: user.partnerId };
}

/**
 * VARIABLE: one engagement on its own, nominated by MSX opportunity id, with valid hours; FIXED:
 * no hours. Returns the hours to record. A claim picks an MSX opportunity id for a VARIABLE
 * engagement by itself, so claims pass that type.
 */
function checkPayTypeShape(engagements: readonly Engagement[], idType: CustomerIdType, hours: number | string | undefined): number | null {
  assertVariableNomination(engagements, idType);
  const variable = engagements.find((e) => e.payType === 'VARIABLE');
  if (!variable) {
    if (hours !== undefined) throw new NotAllowedError('Hours are only given for variable pay engagements.');
    return null;
  }
  if (hours === undefined) throw new NotAllowedError(`${variable.name} is a variable pay engagement: give the number of hours needed.`);
  const check = validateHours(hours, variable);
  if (!check.ok) throw new NotAllowedError(check.message);
  return check.hours;
}

function refuseIneligible(verdicts: readonly EngagementVerdict[], what: string): void {
  const refused = verdicts.flatMap((v) => (v.eligible ? [] : [v.reason]));
  if (refused.length === 0) return;
  const hints = verdicts.flatMap((v) => (!v.eligible && v.hint ? [v.hint] : []));
  const reasons = [...new Set([...refused, ...hints])];
  throw new NotAllowedError(`The customer cannot be ${what}. ${reasons.join(' ')}`);
}

/** Serialises nominations of one customer, so that two cannot both pass the active-claims limit. */
async function lockCustomer(tx: Tx, customerId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Customer" WHERE id = ${customerId} FOR UPDATE`;
}

/** Turns a lost race on a unique key into the refusal the user would have got a moment later. */
function translateConflict(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    if (JSON.stringify(error.meta ?? {}).includes('openClaimKey')) {
      throw new NotAllowedError('The customer already has an open claim of yours on this engagement; it was not created a second time.');
    }
    throw new NotAllowedError('Someone else changed this customer at the same moment. Please try again.');
  }
  throw error;
}

interface ClaimDraft {
  engagement: Engagement;
  via: CustomerId;
  proposedPayoutUsd: number | null;
}

/** What every nomination shares once its engagements are known: who, where, how many hours. */
interface Nomination {
  now: Date;
  user: { id: string; partnerId: string };
  customerId: string;
  origin: ClaimOrigin;
  input: ParsedCommon;
  hours: number | null;
  tenantMismatchReason: string | null;
}

/** One claim draft per eligible engagement; a VARIABLE one with its proposed payout from the opportunity. */
function claimDrafts(
  engagements: readonly Engagement[],
  verdicts: readonly EngagementVerdict[],
  hours: number | null,
  opportunities: ReadonlyMap<string, MsxOpportunityInfo>,
): ClaimDraft[] {
  return verdicts.flatMap((verdict): ClaimDraft[] => {
    const engagement = engagements.find((e) => e.id === verdict.engagementId);
    if (!verdict.eligible || !engagement) return [];
    if (engagement.payType !== 'VARIABLE') return [{ engagement, via: verdict.via, proposedPayoutUsd: null }];
    const opportunity = opportunities.get(verdict.via.value);
    if (!opportunity) throw new NotAllowedError(`MSX opportunity ${verdict.via.value} was not found, so no payout can be proposed.`);
    const proposal = proposePayout(engagement, opportunity.valueUsd, hours ?? 0);
    if (!proposal.ok) throw new NotAllowedError(proposal.reason);
    return [{ engagement, via: verdict.via, proposedPayoutUsd: proposal.payoutUsd }];
  });
}

async function createClaims(tx: Tx, nomination: Nomination, drafts: readonly ClaimDraft[]): Promise<CreatedClaim[]> {
  const { now, user, customerId, origin, input } = nomination;
  const created: CreatedClaim[] = [];
  const names = claimNames(input.friendlyName, drafts.map((draft) => draft.engagement.name));
  for (const [index, { engagement, via, proposedPayoutUsd }] of drafts.entries()) {
    const claim = await tx.claim.create({
      data: {
        id: newClaimId(),
        partnerId: user.partnerId,
        engagementId: engagement.id,
        locationId: input.locationId,
        customerId,
        idType: via.type,
        idValue: via.value,
        friendlyName: names[index] ?? input.friendlyName,
        origin,
        status: origin,
        openClaimKey: openClaimKey(user.partnerId, engagement.id, customerId),
        hours: engagement.payType === 'VARIABLE' ? nomination.hours : null,
        proposedPayoutUsd,
        customerContactName: input.customerContact.name,
        customerContactEmail: input.customerContact.email,
        customerContactPhone: input.customerContact.phone,
        partnerContactName: input.partnerContact.name,
        partnerContactEmail: input.partnerContact.email,
        partnerContactPhone: input.partnerContact.phone,
        tenantMismatchReason: nomination.tenantMismatchReason,
        consentDeadline: consentDeadlineFor(now, engagement),
        createdByUserId: user.id,
        createdAt: now,
      },
    });
    await writeAudit(tx, {
      partnerId: user.partnerId,
      claimId: claim.id,
      actor: { kind: 'USER', id: user.id },
      action: origin === 'ADDED' ? 'claim.added' : 'claim.claimed',
      after: {
        status: claim.status,
        engagementId: claim.engagementId,
        customerId,
        idType: claim.idType,
        idValue: claim.idValue,
        locationId: claim.locationId,
        hours: claim.hours,
        proposedPayoutUsd: claim.proposedPayoutUsd,
        consentDeadline: claim.consentDeadline.toISOString(),
      },
      at: now,
    });
    created.push({
      id: claim.id,
      friendlyName: claim.friendlyName,
      engagementId: engagement.id,
      engagementName: engagement.name,
      status: claim.status,
      origin: claim.origin,
      idType: claim.idType,
      idValue: claim.idValue,
      consentDeadline: claim.consentDeadline,
      hours: claim.hours,
      proposedPayoutUsd: claim.proposedPayoutUsd,
    });
  }
  await tx.partnerUser.update({ where: { id: user.id }, data: { lastLocationId: input.locationId } });
  return created;
}

/**
 * Add customer: nominates a customer not yet known to the partner for one or more engagements,
 * creating the customer when Microsoft's view does not have it yet. Every rule is checked again
 * here, whatever the dialog showed; remote lookups (tenant, eligibility, opportunity) come first,
 * then everything the database decides happens in one transaction.
 */
export async function addCustomer(
  db: Database,
  clock: Clock,
  actor: NominationActor,
  input: AddCustomerInput,
  ports: EligibilityPorts = localEligibilityPorts(db.prisma),
): Promise<NominationResult> {
  const parsed = parseInput(addCustomerSchema, input);
  // Checked here as well as in the transaction so that no lookup is made for someone without the role.
  await requireNominatingUser(db.prisma, actor);
  const id = parsed.customerId;
  const external = await gatherAddFacts(ports, id, parsed.engagementIds);
  const mismatch = await checkContactTenant(ports.tenants, id, parsed.customerContact.email);
  if (mismatch && !parsed.tenantMismatchReason) throw new NotAllowedError(`${mismatch} Give a reason for the mismatch.`);
  const tenantMismatchReason = mismatch ? parsed.tenantMismatchReason : null;
  const opportunities = new Map(external.opportunity ? [[external.opportunity.id, external.opportunity]] : []);
  const now = clock.now();

  try {
    return await db.prisma.$transaction(async (tx) => {
      const user = await requireNominatingUser(tx, actor);
      const engagements = await loadEngagements(tx, parsed.engagementIds);
      const hours = checkPayTypeShape(engagements, id.type, parsed.hours);
      let customerId = await findNominatedCustomer(tx, external);
      if (customerId) await lockCustomer(tx, customerId);
      const verdicts = checkNomination({
        mode: 'add',
        engagements: engagements.map(engagementRules),
        ids: external.ids,
        eligibility: external.eligibility,
        ...(await loadPartnerCustomerFacts(tx, user.partnerId, customerId, parsed.engagementIds)),
        enrolledEngagementIds: await loadEnrolledEngagements(tx, user.partnerId, parsed.locationId),
        locationId: parsed.locationId,
      });
      refuseIneligible(verdicts, 'added');
      const drafts = claimDrafts(engagements, verdicts, hours, opportunities);
      if (!customerId) customerId = await createCustomer(tx, external, parsed.friendlyName, now);
      const nomination: Nomination = { now, user, customerId, origin: 'ADDED', input: parsed, hours, tenantMismatchReason };
      return { customerId, claims: await createClaims(tx, nomination, drafts) };
    });
  } catch (error) {
    return translateConflict(error);
  }
}

/** A customer Microsoft's view did not have: its id, and for a domain the derived tenant id too. */
async function createCustomer(tx: Tx, external: ExternalFacts, name: string, now: Date): Promise<string> {
  const customerId = external.opportunity?.customerId ?? randomUUID();
  await tx.customer.create({ data: { id: customerId, name, createdAt: now } });
  const ids = external.ids[0]?.checkedAs ?? [];
  await tx.customerIdentifier.createMany({ data: ids.map((id) => ({ type: id.type, value: id.value, customerId })) });
  return customerId;
}

/**
 * Claim customer: nominates a customer already known to the partner for one or more engagements,
 * each with an eligible id of a type the engagement accepts (or the id the input pins). Same
 * checks and single transaction as addCustomer.
 */
export async function claimCustomer(
  db: Database,
  clock: Clock,
  actor: NominationActor,
  input: ClaimCustomerInput,
  ports: EligibilityPorts = localEligibilityPorts(db.prisma),
): Promise<NominationResult> {
  const parsed = parseInput(claimCustomerSchema, input);
  await requireNominatingUser(db.prisma, actor);
  const customerId = parsed.customerId;
  let ids: CustomerId[] = await db.prisma.customerIdentifier.findMany({ where: { customerId }, select: { type: true, value: true } });
  if (parsed.nominatedId) {
    const pinned = parsed.nominatedId;
    if (!ids.some((id) => id.type === pinned.type && id.value === pinned.value)) {
      throw new NotAllowedError(`${describeId(pinned)} is not an id of this customer.`);
    }
    ids = [pinned];
  }
  const external = await gatherClaimFacts(ports, ids, parsed.engagementIds);
  const opportunities = new Map<string, MsxOpportunityInfo>();
  for (const id of ids) {
    if (id.type !== 'MSX_OPPORTUNITY_ID') continue;
    const opportunity = await ports.eligibility.opportunity(id.value);
    if (opportunity) opportunities.set(opportunity.id, opportunity);
  }
  const now = clock.now();

  try {
    return await db.prisma.$transaction(async (tx) => {
      const user = await requireNominatingUser(tx, actor);
      const engagements = await loadEngagements(tx, parsed.engagementIds);
      const hours = checkPayTypeShape(engagements, 'MSX_OPPORTUNITY_ID', parsed.hours);
      await lockCustomer(tx, customerId);
      const partnerFacts = await loadPartnerCustomerFacts(tx, user.partnerId, customerId, parsed.engagementIds);
      if (!partnerFacts.knownToPartner) {
        throw new NotAllowedError(
          `Customer ${customerId} is not one of your known customers; a customer who has not consented to you before is added, not claimed.`,
        );
      }
      const verdicts = checkNomination({
        mode: 'claim',
        engagements: engagements.map(engagementRules),
        ids: external.ids,
        eligibility: external.eligibility,
        ...partnerFacts,
        enrolledEngagementIds: await loadEnrolledEngagements(tx, user.partnerId, parsed.locationId),
        locationId: parsed.locationId,
      });
      refuseIneligible(verdicts, 'claimed');
      const drafts = claimDrafts(engagements, verdicts, hours, opportunities);
      const nomination: Nomination = { now, user, customerId, origin: 'CLAIMED', input: parsed, hours, tenantMismatchReason: null };
      return { customerId, claims: await createClaims(tx, nomination, drafts) };
    });
  } catch (error) {
    return translateConflict(error);
  }
}
