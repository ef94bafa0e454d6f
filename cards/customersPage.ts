import type { CompleteRow, CustomerAction, EligibleRow, IneligiblePage, IneligibleRow, Page } from '../services/customersPage/page';
import type { PayType } from '../services/db';
import template from './customersPage.json';
import { CLAIM_STATUS_LABELS, formatDateTime, formatDay, runningDeadlineText } from './format';
import { expandCard, type AdaptiveCard } from './render';

export const CUSTOMERS_TABS = ['eligible', 'ineligible', 'complete'] as const;
export type CustomersTab = (typeof CUSTOMERS_TABS)[number];

export type CustomersTabPage =
  | { tab: 'eligible'; page: Page<EligibleRow> }
  | { tab: 'ineligible'; page: IneligiblePage }
  | { tab: 'complete'; page: Page<CompleteRow> };

export interface CustomersPageCardData {
  engagement: { id: string; name: string; payType: PayType };
  current: CustomersTabPage;
  /** The row actions the bot can carry out now; others are not offered. */
  availableActions: ReadonlySet<CustomerAction>;
  /** Offer "Add customer" on the Eligible tab. */
  canAddCustomer: boolean;
  /** True when this page follows a "Next page". */
  continued: boolean;
}

interface SubmitButton {
  title: string;
  data: Record<string, string>;
}

interface RowView {
  title: string;
  subtitle: string;
  detail: string;
  actions: SubmitButton[];
}

const TAB_TITLES: Record<CustomersTab, string> = { eligible: 'Eligible', ineligible: 'Ineligible', complete: 'Complete' };

const TAB_HEADINGS: Record<CustomersTab, string> = { eligible: 'Eligible customers', ineligible: 'Ineligible customers', complete: 'Complete claims' };

const TAB_DESCRIPTIONS: Record<CustomersTab, string> = {
  eligible: 'Customers eligible for this engagement: customers who consented to you for an earlier claim, and customers with an open claim of yours on it.',
  ineligible: 'Known customers who are not eligible: they do not meet the engagement’s criteria, or have reached its limit of active claims.',
  complete: 'Claims that are completed, expired, canceled or final rejected, with no further action pending. Select a claim to see its details.',
};

const EMPTY_TEXTS: Record<CustomersTab, string> = {
  eligible: 'No customers here yet. Customers appear here once you add them to this engagement, or once they consent to you for any claim.',
  ineligible: 'None of your known customers is ineligible for this engagement.',
  complete: 'No claims on this engagement have reached a final state yet.',
};

const MSX_ONLY_NOTICE =
  'This engagement accepts customers only by MSX opportunity ID, so the Ineligible tab shows no detail (as in Partner Center). Add the customer with its opportunity ID to check its eligibility.';

const ACTION_TITLES: Record<CustomerAction, string> = {
  claimCustomer: 'Claim customer',
  sendConsent: 'Send customer consent email',
  resendConsent: 'Re-send consent email',
  submitClaim: 'Submit claim',
  viewClaim: 'View',
};

function eligibleRow(row: EligibleRow, data: CustomersPageCardData): RowView {
  const engagementId = data.engagement.id;
  const actions = row.actions
    .filter((action) => data.availableActions.has(action))
    .map((action): SubmitButton => {
      if (action === 'claimCustomer') return { title: ACTION_TITLES[action], data: { action, customerId: row.customerId, engagementId } };
      const claimId = row.claim?.id ?? '';
      return { title: action === 'viewClaim' ? `View ${claimId}` : ACTION_TITLES[action], data: { action, claimId, engagementId } };
    });
  if (!row.claim) {
    return { title: row.customerName, subtitle: 'Known customer, no open claim on this engagement', detail: '', actions };
  }
  const origin = row.claim.origin === 'ADDED' ? 'added' : 'claimed';
  return {
    title: row.customerName,
    subtitle: `${row.claim.id} · ${CLAIM_STATUS_LABELS[row.claim.status]} · ${row.claim.friendlyName} (${origin})`,
    detail: [
      row.claim.deadline ? runningDeadlineText(row.claim.deadline) : '',
      // The service holds Re-send back for 24 hours after a send; the row says when it comes.
      row.claim.resendFrom ? `You can re-send the consent email after ${formatDateTime(row.claim.resendFrom)}.` : '',
    ]
      .filter((part) => part !== '')
      .join('. '),
    actions,
  };
}

function ineligibleRow(row: IneligibleRow): RowView {
  return { title: row.customerName, subtitle: row.reasonText, detail: '', actions: [] };
}

function completeRow(row: CompleteRow, data: CustomersPageCardData): RowView {
  const actions = row.actions
    .filter((action) => data.availableActions.has(action))
    .map((action): SubmitButton => ({ title: `View ${row.claimId}`, data: { action, claimId: row.claimId, engagementId: data.engagement.id } }));
  return {
    title: `${row.claimId} · ${row.customerName}`,
    subtitle: `${CLAIM_STATUS_LABELS[row.status]} on ${formatDay(row.closedAt)} · ${row.friendlyName}`,
    detail: row.closeReason ?? '',
    actions,
  };
}

function rowsOf(data: CustomersPageCardData): RowView[] {
  const { current } = data;
  switch (current.tab) {
    case 'eligible':
      return current.page.rows.map((row) => eligibleRow(row, data));
    case 'ineligible':
      return current.page.rows.map(ineligibleRow);
    case 'complete':
      return current.page.rows.map((row) => completeRow(row, data));
  }
}

/** One tab of an engagement's Customers page: tab buttons, the rows with their actions, paging and the empty state. */
export function customersPageCard(data: CustomersPageCardData): AdaptiveCard {
  const { engagement, current } = data;
  const tabData = (tab: CustomersTab, cursor?: string): Record<string, string> => ({
    action: 'showTab',
    engagementId: engagement.id,
    tab,
    ...(cursor ? { cursor } : {}),
  });
  const rows = rowsOf(data);
  const footer: SubmitButton[] = [];
  if (current.page.nextCursor) footer.push({ title: 'Next page', data: tabData(current.tab, current.page.nextCursor) });
  // Above the list, not below it: a long Eligible tab must not hide the way to add a customer.
  const topActions: SubmitButton[] =
    current.tab === 'eligible' && data.canAddCustomer ? [{ title: 'Add customer', data: { action: 'addCustomer', engagementId: engagement.id } }] : [];
  footer.push({ title: 'Engagements', data: { action: 'engagements' } });
  const notice = current.tab === 'ineligible' && current.page.detailHidden ? MSX_ONLY_NOTICE : '';
  const pageNote = data.continued ? 'Continued from the previous page.' : '';
  return expandCard(template, {
    engagementName: engagement.name,
    payTypeText: engagement.payType === 'FIXED' ? 'Fixed pay engagement' : 'Variable pay engagement',
    tabs: CUSTOMERS_TABS.map((tab) => ({
      title: tab === current.tab ? `${TAB_TITLES[tab]} ✓` : TAB_TITLES[tab],
      style: tab === current.tab ? 'positive' : 'default',
      data: tabData(tab),
    })),
    tabHeading: TAB_HEADINGS[current.tab],
    tabDescription: TAB_DESCRIPTIONS[current.tab],
    topActions,
    notice,
    emptyText: data.continued ? 'No more rows.' : EMPTY_TEXTS[current.tab],
    rows,
    pageNote,
    footer,
  });
}
