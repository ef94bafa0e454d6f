import type { CustomerId } from '../customers/customerIds';
import type { Caller, PartnerCaller } from '../directory/callers';
import type { ServiceContext } from '../shared/context';
import { checkContactTenant } from './checks';
import {
  beginNomination,
  chooseEngagements,
  claimableCustomer,
  decideLocation,
  findEngagement,
  findKnownCustomer,
  knownCustomers,
  offerAdd,
  offerClaim,
  type EngagementChoiceRequest,
} from './draft';
import { customerName } from './facts';
import { addCustomer, claimCustomer, type AddCustomerInput, type ClaimCustomerInput, type NominationResult } from './nominate';

export type { AddCustomerInput, ClaimCustomerInput, CreatedClaim, NominationResult } from './nominate';
export type { OfferedEngagement } from './checks';
export type {
  AddOffer,
  ChosenEngagements,
  ClaimInstead,
  ClaimableCustomer,
  EngagementChoice,
  EngagementChoiceRequest,
  EngagementLookup,
  LocationDecision,
  NominationMode,
  NominationOffer,
  NominationStart,
  PayoutOpportunity,
} from './draft';
export type { LocationChoice } from './facts';
export type { EngagementVerdict } from './rule';
export type { PayoutProposal } from './payout';
export type { Contact } from '../shared/contact';
export { claimNames, proposeFriendlyName } from './draft';
export { localEligibilityPorts } from './facts';
export { describeId } from './rule';
export { proposePayout, validateHours } from './payout';
export { contactMessagesFor, contactSchema } from '../shared/contact';

/** A nomination created, with the customer's name as Microsoft's view now has it. */
export type NamedNomination = NominationResult & { customerName: string };

/**
 * Add and claim customer: who may nominate, the locations, customers and engagements open to a
 * nomination, the eligibility verdicts per id value, and the claims a nomination creates. The
 * questions a flow asks are answered once each; Add/Claim customer decide every rule again.
 */
export function createNomination({ db, clock, ports }: ServiceContext) {
  const named = async (result: NominationResult): Promise<NamedNomination> => ({
    ...result,
    customerName: (await customerName(db.prisma, result.customerId)) ?? 'The customer',
  });
  return {
    /** May this caller nominate? Their starting draft, or the refusal naming who can grant a role. */
    begin: (caller: Caller) => beginNomination(db, caller),
    decideLocation: (caller: PartnerCaller, request: Parameters<typeof decideLocation>[2]) => decideLocation(db.prisma, caller, request),
    knownCustomers: (caller: PartnerCaller) => knownCustomers(db.prisma, caller),
    findKnownCustomer: (caller: PartnerCaller, typed: string) => findKnownCustomer(db.prisma, caller, typed),
    claimableCustomer: (caller: PartnerCaller, customerId: string) => claimableCustomer(db.prisma, caller, customerId),
    /** The engagement a typed name means, among the caller's partner's. */
    findEngagement: (caller: PartnerCaller, typed: string) => findEngagement(db, caller, typed),
    /** `engagementId`: the engagement asked for, named in the refusal of a customer already known (rule 2). */
    offerAdd: (caller: PartnerCaller, request: { customerId: CustomerId; locationId: string | null; engagementId?: string | null }) => offerAdd(db.prisma, ports, caller, request),
    offerClaim: (caller: PartnerCaller, request: { customerId: string; locationId: string | null }) => offerClaim(db.prisma, ports, caller, request),
    chooseEngagements: (request: EngagementChoiceRequest) => chooseEngagements(ports, request),
    /** What does not match between a tenant id nomination and the customer contact's email domain (null: nothing to explain). */
    contactMismatch: (customerId: CustomerId, email: string) => checkContactTenant(ports.tenants, customerId, email),
    addCustomer: async (caller: PartnerCaller, input: AddCustomerInput) => named(await addCustomer(db, clock, { userId: caller.userId }, input, ports)),
    claimCustomer: async (caller: PartnerCaller, input: ClaimCustomerInput) => named(await claimCustomer(db, clock, { userId: caller.userId }, input, ports)),
  };
}

export type Nomination = ReturnType<typeof createNomination>;
