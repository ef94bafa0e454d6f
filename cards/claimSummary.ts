import type { ClaimSummaryPage, EngagementClaimSummary } from '../services/claims/summary';
import { filterData, filterInputs, filterLine, type ListFilter } from './claimList';
import template from './claimSummary.json';
import { expandCard, type AdaptiveCard } from './render';
import { engagementTitle, formatUsd, plural } from './format';

export interface ClaimSummaryCardData {
  partnerName: string;
  page: ClaimSummaryPage;
  filter: ListFilter;
  continued: boolean;
}

/** What "money at stake" means on the card; the service computes exactly this. */
export const MONEY_AT_STAKE_DEFINITION =
  'Money at stake counts open claims only (not completed, expired, canceled, declined or finally rejected): ' +
  'the sum of their estimated deal sizes, given when consent is requested (open claims without one yet are counted apart), ' +
  'and the sum of the proposed payouts of variable-pay claims.';

function money(row: EngagementClaimSummary): { title: string; value: string }[] {
  const facts = [
    { title: 'Open claims', value: `${row.open} of ${row.total}` },
    {
      title: 'Estimated deal size (open)',
      value: row.openWithoutDealSize > 0 ? `${formatUsd(row.openDealSizeUsd)} (${plural(row.openWithoutDealSize, 'open claim has', 'open claims have')} none yet)` : formatUsd(row.openDealSizeUsd),
    },
  ];
  if (row.payType === 'VARIABLE') facts.push({ title: 'Proposed payouts (open)', value: formatUsd(row.openProposedPayoutUsd) });
  return facts;
}

/** Counts by status for each engagement with the money at stake, paged by engagement, filterable. */
export function claimSummaryCard(data: ClaimSummaryCardData): AdaptiveCard {
  const footer: { title: string; data: Record<string, string> }[] = [];
  if (data.page.nextCursor) footer.push({ title: 'Next page', data: { action: 'summary', cursor: data.page.nextCursor, ...filterData(data.filter) } });
  footer.push({ title: 'Expiring', data: { action: 'expiring' } }, { title: 'Engagements', data: { action: 'engagements' } });
  return expandCard(template, {
    title: 'Claims summary',
    intro: `${data.partnerName}'s claims, counted by status for each engagement${data.continued ? ' (continued)' : ''}.`,
    moneyDefinition: MONEY_AT_STAKE_DEFINITION,
    filterLine: filterLine(data.filter),
    emptyText: `${data.partnerName} has no claims${filterLine(data.filter) ? ' matching these filters' : ''}.`,
    rows: data.page.rows.map((row) => ({
      title: engagementTitle(row.engagementName, row.payType),
      counts: row.counts.map((count) => ({ title: count.label, value: String(count.count) })),
      money: money(row),
      listTitle: `Claims of ${row.engagementName}`,
      listData: { action: 'claims', engagementId: row.engagementId, ...(data.filter.status ? { status: data.filter.status } : {}) },
    })),
    filter: filterInputs('summary', data.filter),
    footer,
  });
}
