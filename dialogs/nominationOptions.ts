import type { CustomerId } from '../services/customers';
import type { Caller } from '../services/directory';

/**
 * How the router starts the nomination flows: what a shortcut line, a card button or a command
 * already names. Apart from the dialogs, so that the shortcut resolver and the router can name
 * them without importing the flows.
 */

export interface AddCustomerOptions {
  caller: Caller;
  /** The engagement a Customers page's "Add customer" or a shortcut names. */
  engagementId?: string;
  /** A typed customer id whose type is inferred (`add contoso.com to …`). */
  idText?: string;
  /** A customer id of a known type. */
  customerId?: CustomerId;
}

/** The Eligible tab's button names customer and engagement, a shortcut both, `claim customer` neither. */
export interface ClaimCustomerOptions {
  caller: Caller;
  /** The known customer (Customer.id). */
  customerId?: string;
  engagementId?: string;
}
