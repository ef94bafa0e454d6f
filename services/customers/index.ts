/**
 * Customers as people name them: the formats of their ids (parsed, normalised, inferred from a
 * typed value) and the loose matching of a typed name. Pure: no database, so any layer may use it.
 */
export { CUSTOMER_ID_TYPE_LABELS, GUID_ID_TYPES, domainForDisplay, inferCustomerIdType, parseCustomerId } from './customerIds';
export type { CustomerId } from './customerIds';
/** The id types, as values: what a card's id type choice is checked against. */
export { CustomerIdType } from '../db';
export { matchCustomer } from './matching';
