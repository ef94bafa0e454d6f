import type { PartnerCaller } from '../directory/callers';
import type { ServiceContext } from '../shared/context';
import { completeTab, eligibleTab, ineligibleTab } from './page';

export { actionsFor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page';
export type { CompleteRow, CustomerAction, EligibleRow, IneligiblePage, IneligibleReason, IneligibleRow, Page, PageClaim } from './page';

/** What a tab of an engagement's Customers page asks for; the partner comes from the caller. */
export interface TabRequest {
  engagementId: string;
  cursor?: string | null;
  pageSize?: number;
}

/** The Customers page of an engagement: its Eligible, Ineligible and Complete tabs, keyset-paged. */
export function createCustomersPage({ db, clock }: ServiceContext) {
  const scoped = (caller: PartnerCaller, request: TabRequest) => ({ ...request, partnerId: caller.partnerId });
  return {
    eligible: (caller: PartnerCaller, request: TabRequest) => eligibleTab(db, clock, scoped(caller, request)),
    ineligible: (caller: PartnerCaller, request: TabRequest) => ineligibleTab(db, clock, scoped(caller, request)),
    complete: (caller: PartnerCaller, request: TabRequest) => completeTab(db, clock, scoped(caller, request)),
  };
}

export type CustomersPage = ReturnType<typeof createCustomersPage>;
