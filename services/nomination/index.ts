import type { ServiceContext } from '../shared/context';
import { addCustomer, claimCustomer, type AddCustomerInput, type ClaimCustomerInput, type NominationActor } from './nominate';

export type { AddCustomerInput, ClaimCustomerInput, CreatedClaim, NominationActor, NominationResult } from './nominate';

/** Add and claim customer: eligibility per id value, the engagements and locations open to a nomination, and the claims it creates. */
export function createNomination({ db, clock, ports }: ServiceContext) {
  return {
    addCustomer: (actor: NominationActor, input: AddCustomerInput) => addCustomer(db, clock, actor, input, ports),
    claimCustomer: (actor: NominationActor, input: ClaimCustomerInput) => claimCustomer(db, clock, actor, input, ports),
  };
}

export type Nomination = ReturnType<typeof createNomination>;
