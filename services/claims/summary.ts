import { z } from 'zod';
import { assertCanList, CLAIM_STATUS_LABELS, claimScope, pageLimit, type ClaimFilters, type ClaimListViewer } from './lists';
import { isOpen } from './lifecycle';
import { ClaimStatus, type Database, type PayType } from '../db';
import { decodePageCursor, encodePageCursor } from '../shared/pageCursor';

/**
 * `summary`: for each engagement the partner has claims on, how many claims are in each status and
 * the money at stake. Who may ask: the partner's Incentives users and admins (the people who work
 * with claims), the same as the other claim lists; it counts every claim of the partner.
 *
 * Money at stake is over the engagement's OPEN claims only (not completed, expired, canceled,
 * declined or finally rejected): the sum of their estimated deal sizes (given when consent is
 * requested; an open claim without one yet adds nothing and is counted apart), and the sum of the
 * proposed payouts of variable-pay claims. Fixed-pay claims have no proposed payout.
 */

export interface StatusCount {
  status: ClaimStatus;
  label: string;
  count: number;
}

export interface EngagementClaimSummary {
  engagementId: string;
  engagementName: string;
  payType: PayType;
  /** Statuses with at least one claim, in lifecycle order. */
  counts: StatusCount[];
  total: number;
  open: number;
  /** Sum of the estimated deal sizes (USD) of the open claims that have one. */
  openDealSizeUsd: number;
  /** Open claims whose deal size is not known yet (consent not requested). */
  openWithoutDealSize: number;
  /** Sum of the proposed payouts (USD) of open variable-pay claims. */
  openProposedPayoutUsd: number;
}

export interface ClaimSummaryPage {
  rows: EngagementClaimSummary[];
  nextCursor: string | null;
}

export interface ClaimSummaryRequest extends ClaimFilters {
  cursor?: string | null;
  pageSize?: number;
}

const cursorSchema = z.object({ t: z.literal('S'), k: z.tuple([z.string(), z.string().min(1)]) });

function encodeCursor(name: string, id: string): string {
  return encodePageCursor({ t: 'S', k: [name, id] });
}

function decodeCursor(cursor: string | null | undefined): { name: string; id: string } | null {
  const key = decodePageCursor(cursorSchema, cursor, 'That page link is not valid any more; ask for the summary again.');
  return key ? { name: key.k[0], id: key.k[1] } : null;
}

const STATUS_ORDER: readonly ClaimStatus[] = Object.values(ClaimStatus);

/**
 * One page of engagements (by name, keyset over (name, id)) that have claims of the viewer's partner
 * matching the filters, each with one grouped count over Claim(partnerId, engagementId, status, …).
 */
export async function claimSummary(db: Database, viewer: ClaimListViewer, request: ClaimSummaryRequest = {}): Promise<ClaimSummaryPage> {
  assertCanList(viewer);
  const limit = pageLimit(request.pageSize);
  const after = decodeCursor(request.cursor);
  const where = claimScope(viewer, request, null);
  const engagements = await db.prisma.engagement.findMany({
    where: {
      claims: { some: where },
      ...(after ? { OR: [{ name: { gt: after.name } }, { name: after.name, id: { gt: after.id } }] } : {}),
    },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: limit + 1,
    select: { id: true, name: true, payType: true },
  });
  const page = engagements.slice(0, limit);
  const groups = await db.prisma.claim.groupBy({
    by: ['engagementId', 'status'],
    where: { AND: [where, { engagementId: { in: page.map((engagement) => engagement.id) } }] },
    _count: { _all: true, estimatedDealSizeUsd: true },
    _sum: { estimatedDealSizeUsd: true, proposedPayoutUsd: true },
  });
  const rows = page.map((engagement): EngagementClaimSummary => {
    const mine = groups.filter((group) => group.engagementId === engagement.id);
    const open = mine.filter((group) => isOpen(group.status));
    const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
    return {
      engagementId: engagement.id,
      engagementName: engagement.name,
      payType: engagement.payType,
      counts: STATUS_ORDER.flatMap((status) => {
        const group = mine.find((candidate) => candidate.status === status);
        return group ? [{ status, label: CLAIM_STATUS_LABELS[status], count: group._count._all }] : [];
      }),
      total: sum(mine.map((group) => group._count._all)),
      open: sum(open.map((group) => group._count._all)),
      openDealSizeUsd: sum(open.map((group) => group._sum.estimatedDealSizeUsd ?? 0)),
      openWithoutDealSize: sum(open.map((group) => group._count._all - group._count.estimatedDealSizeUsd)),
      openProposedPayoutUsd: sum(open.map((group) => group._sum.proposedPayoutUsd ?? 0)),
    };
  });
  const last = page[page.length - 1];
  return { rows, nextCursor: engagements.length > limit && last ? encodeCursor(last.name, last.id) : null };
}
