import type { ClaimListPage, ClaimListRow, StatusFilter } from '../services/claims/lists';
import template from './claimList.json';
import { runningDeadlineText, STATUS_FILTER_LABELS } from './format';
import { expandCard, type AdaptiveCard } from './render';

/** The card verbs of the claim lists; each takes the filter inputs and a cursor. */
export type ClaimListAction = 'myClaims' | 'claims' | 'expiring' | 'summary';

/** The filter inputs' value for "no filter". */
export const ANY_FILTER = 'ANY';

/** The filters a list was asked with, and the choices its filter inputs offer. */
export interface ListFilter {
  engagementId: string | null;
  status: StatusFilter | null;
  /** The engagements of the viewer's partner, by name. */
  engagements: readonly { id: string; name: string }[];
  /** The statuses that make sense for this list. */
  statuses: readonly StatusFilter[];
}

export interface ClaimListCardData {
  title: string;
  intro: string;
  emptyText: string;
  page: ClaimListPage;
  /** The verb whose "Next page" carries the cursor and whose filter inputs narrow the list. */
  listAction: Exclude<ClaimListAction, 'summary'>;
  filter: ListFilter;
}

/** The filter inputs' template data: current values first, "Any" for none. */
export function filterInputs(action: ClaimListAction, filter: ListFilter): Record<string, unknown> {
  return {
    action,
    engagementId: filter.engagementId ?? ANY_FILTER,
    status: filter.status ?? ANY_FILTER,
    engagementChoices: [{ title: 'Any engagement', value: ANY_FILTER }, ...filter.engagements.map((e) => ({ title: e.name, value: e.id }))],
    statusChoices: [{ title: 'Any status', value: ANY_FILTER }, ...filter.statuses.map((s) => ({ title: STATUS_FILTER_LABELS[s], value: s }))],
  };
}

/** "Engagement: … · Status: …" for a filtered list; empty when unfiltered. */
export function filterLine(filter: ListFilter): string {
  const parts: string[] = [];
  if (filter.engagementId) parts.push(`Engagement: ${filter.engagements.find((e) => e.id === filter.engagementId)?.name ?? filter.engagementId}`);
  if (filter.status) parts.push(`Status: ${STATUS_FILTER_LABELS[filter.status]}`);
  return parts.length > 0 ? `Filtered by ${parts.join(' · ')}` : '';
}

/** The filters a "Next page" button carries, so the next page keeps them. */
export function filterData(filter: ListFilter): Record<string, string> {
  return { ...(filter.engagementId ? { engagementId: filter.engagementId } : {}), ...(filter.status ? { status: filter.status } : {}) };
}

function detailText(row: ClaimListRow): string {
  return [row.deadline ? runningDeadlineText(row.deadline) : '', row.createdBy ? `Created by ${row.createdBy}` : ''].filter((part) => part !== '').join(' · ');
}

/** A paged, filterable list of claims (my claims, the partner's claims, expiring soon), each opening its details. */
export function claimListCard(data: ClaimListCardData): AdaptiveCard {
  const footer: { title: string; data: Record<string, string> }[] = [];
  if (data.page.nextCursor) footer.push({ title: 'Next page', data: { action: data.listAction, cursor: data.page.nextCursor, ...filterData(data.filter) } });
  footer.push({ title: 'Engagements', data: { action: 'engagements' } });
  return expandCard(template, {
    title: data.title,
    intro: data.intro,
    emptyText: data.emptyText,
    filterLine: filterLine(data.filter),
    rows: data.page.rows.map((row) => ({
      title: `${row.id} · ${row.customerName}`,
      subtitle: `${row.statusLabel} · ${row.engagementName} · ${row.friendlyName}`,
      detail: detailText(row),
      viewTitle: `View ${row.id}`,
      viewData: { action: 'viewClaim', claimId: row.id, engagementId: row.engagementId },
    })),
    filter: filterInputs(data.listAction, data.filter),
    footer,
  });
}
