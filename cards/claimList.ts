import type { ClaimListPage, ClaimListRow } from '../services/claimQueries';
import { formatDay } from '../services/claims/lifecycle';
import template from './claimList.json';
import { expandCard, type AdaptiveCard } from './render';

export interface ClaimListCardData {
  title: string;
  intro: string;
  emptyText: string;
  page: ClaimListPage;
  /** The verb (`myClaims` or `expiring`) whose "Next page" carries the cursor. */
  listAction: 'myClaims' | 'expiring';
}

function deadlineText(row: ClaimListRow): string {
  if (!row.deadline) return '';
  const what = row.deadline.kind === 'consent' ? 'Consent due by' : 'Submit by';
  const left = row.deadline.daysLeft;
  const days = left <= 0 ? 'passed' : left === 1 ? '1 day left' : `${left} days left`;
  return `${what} ${formatDay(row.deadline.at)} (${days})`;
}

/** A paged list of claims (my claims, expiring soon), each opening its details. */
export function claimListCard(data: ClaimListCardData): AdaptiveCard {
  const footer: { title: string; data: Record<string, string> }[] = [];
  if (data.page.nextCursor) footer.push({ title: 'Next page', data: { action: data.listAction, cursor: data.page.nextCursor } });
  footer.push({ title: 'Engagements', data: { action: 'engagements' } });
  return expandCard(template, {
    title: data.title,
    intro: data.intro,
    emptyText: data.emptyText,
    rows: data.page.rows.map((row) => ({
      title: `${row.id} · ${row.customerName}`,
      subtitle: `${row.statusLabel} · ${row.engagementName} · ${row.friendlyName}`,
      detail: deadlineText(row),
      viewTitle: `View ${row.id}`,
      viewData: { action: 'viewClaim', claimId: row.id, engagementId: row.engagementId },
    })),
    footer,
  });
}
