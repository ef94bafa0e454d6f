import { z } from 'zod';
import { assertCanList, CLAIM_STATUS_LABELS, filteredStatuses, pageLimit, type ClaimFilters, type ClaimListViewer } from './lists';
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

/** One (engagement, status) of the partner: the sum of its ClaimStatusTally rows, and how many rows that took. */
interface TallyGroup {
  engagement_id: string;
  status: ClaimStatus;
  claims: number;
  with_deal_size: number;
  deal_size_usd: number;
  proposed_payout_usd: number;
  tally_rows: number;
}

/**
 * Rows a key may gather before a summary folds them into one. Each statement that writes claims
 * appends at most one row per key it touches, so folding keeps a summary's read bounded by the
 * partner's engagements × statuses, however many claims it has.
 */
const FOLD_AFTER_ROWS_PER_KEY = 4;

async function readTally(db: Database, partnerId: string, engagementId: string | null): Promise<TallyGroup[]> {
  const scope = `"partnerId" = $1${engagementId ? ' AND "engagementId" = $2' : ''}`;
  const params = engagementId ? [partnerId, engagementId] : [partnerId];
  const groups = await db.sql.query<TallyGroup>(
    `SELECT "engagementId" AS engagement_id, "status"::text AS status, sum("claims")::float8 AS claims,
            sum("withDealSize")::float8 AS with_deal_size, sum("dealSizeUsd")::float8 AS deal_size_usd,
            sum("proposedPayoutUsd")::float8 AS proposed_payout_usd, count(*)::int AS tally_rows
     FROM "ClaimStatusTally" WHERE ${scope} GROUP BY "engagementId", "status"`,
    params,
  );
  const rows = groups.reduce((total, group) => total + group.tally_rows, 0);
  if (rows > FOLD_AFTER_ROWS_PER_KEY * groups.length + 16) {
    // One statement: readers see the rows before or after the fold, never half of it; rows
    // appended meanwhile by writers are not in its snapshot and stay as they are.
    await db.sql.query(
      `WITH gone AS (DELETE FROM "ClaimStatusTally" WHERE ${scope} RETURNING *)
       INSERT INTO "ClaimStatusTally" ("partnerId", "engagementId", "status", "claims", "withDealSize", "dealSizeUsd", "proposedPayoutUsd")
       SELECT "partnerId", "engagementId", "status", sum("claims"), sum("withDealSize"), sum("dealSizeUsd"), sum("proposedPayoutUsd")
       FROM gone GROUP BY "partnerId", "engagementId", "status"
       HAVING sum("claims") <> 0 OR sum("withDealSize") <> 0 OR sum("dealSizeUsd") <> 0 OR sum("proposedPayoutUsd") <> 0`,
      params,
    );
  }
  return groups;
}

/**
 * One page of engagements (by name, keyset over (name, id)) that have claims of the viewer's partner
 * matching the filters, each with its counts and money. They come from ClaimStatusTally, which
 * triggers on Claim keep exact in the same transaction as every write, so a summary reads a few
 * rows per engagement and status instead of grouping every claim of the partner.
 */
export async function claimSummary(db: Database, viewer: ClaimListViewer, request: ClaimSummaryRequest = {}): Promise<ClaimSummaryPage> {
  assertCanList(viewer);
  const limit = pageLimit(request.pageSize);
  const after = decodeCursor(request.cursor);
  const statuses = filteredStatuses(request.status, null);
  const groups = (await readTally(db, viewer.partnerId, request.engagementId ?? null)).filter(
    (group) => group.claims > 0 && (!statuses || statuses.includes(group.status)),
  );
  const engagements = await db.prisma.engagement.findMany({
    where: {
      id: { in: [...new Set(groups.map((group) => group.engagement_id))] },
      ...(after ? { OR: [{ name: { gt: after.name } }, { name: after.name, id: { gt: after.id } }] } : {}),
    },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: limit + 1,
    select: { id: true, name: true, payType: true },
  });
  const page = engagements.slice(0, limit);
  const rows = page.map((engagement): EngagementClaimSummary => {
    const mine = groups.filter((group) => group.engagement_id === engagement.id);
    const open = mine.filter((group) => isOpen(group.status));
    const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
    return {
      engagementId: engagement.id,
      engagementName: engagement.name,
      payType: engagement.payType,
      counts: STATUS_ORDER.flatMap((status) => {
        const group = mine.find((candidate) => candidate.status === status);
        return group ? [{ status, label: CLAIM_STATUS_LABELS[status], count: group.claims }] : [];
      }),
      total: sum(mine.map((group) => group.claims)),
      open: sum(open.map((group) => group.claims)),
      openDealSizeUsd: sum(open.map((group) => group.deal_size_usd)),
      openWithoutDealSize: sum(open.map((group) => group.claims - group.with_deal_size)),
      openProposedPayoutUsd: sum(open.map((group) => group.proposed_payout_usd)),
    };
  });
  const last = page[page.length - 1];
  return { rows, nextCursor: engagements.length > limit && last ? encodeCursor(last.name, last.id) : null };
}
