import { z } from 'zod';
import { CLAIM_STATUS_LABELS } from '../claims/lists';
import type { Page } from '../customersPage/page';
import type { ClaimStatus, Database, Prisma, ReferralStatus, ReferralSubstatus } from '../db';
import { clampPageSize, decodePageCursor, encodePageCursor } from '../shared/pageCursor';

/**
 * What a Microsoft field seller sees (rule 6, sellers): the CO_SELL referrals of the customers whose
 * TPIDs they cover, newest upgrade first, as a read-only claim summary with the partner contact to
 * reach. The query is scoped by the seller's coverage in the database, so nothing of a customer they
 * do not cover is read; the deal size is never selected, so no deal size can reach them.
 */

export interface SellerReferralRow {
  referralId: string;
  claimId: string;
  customerName: string;
  /** The customer's TPIDs this seller covers: why they see the row. */
  coveredTpids: string[];
  engagementName: string;
  partnerName: string;
  partnerContact: { name: string; email: string; phone: string | null };
  claimStatus: ClaimStatus;
  claimStatusLabel: string;
  referralStatusLabel: string;
  upgradedAt: Date;
}

export interface SellerReferralsRequest {
  sellerId: string;
  cursor?: string | null;
  pageSize?: number;
}

export const SELLER_REFERRALS_PAGE = { default: 10, max: 25 } as const;

const REFERRAL_STATUS_LABELS: Record<ReferralStatus, string> = { NEW: 'New', ACTIVE: 'Active', CLOSED: 'Closed' };
const REFERRAL_SUBSTATUS_LABELS: Record<ReferralSubstatus, string> = {
  PENDING: 'Pending',
  RECEIVED: 'Received',
  ACCEPTED: 'Accepted',
  WON: 'Won',
  LOST: 'Lost',
  DECLINED: 'Declined',
  EXPIRED: 'Expired',
};

/** "Active · Accepted", as the Partner Center Referrals API names status and substatus. */
export function referralStatusLabel(status: ReferralStatus, substatus: ReferralSubstatus): string {
  return `${REFERRAL_STATUS_LABELS[status]} · ${REFERRAL_SUBSTATUS_LABELS[substatus]}`;
}

const cursorSchema = z.object({ u: z.iso.datetime(), i: z.string().min(1) });

/** One keyset page of the co-sell referrals of the customers the seller covers. */
export async function sellerCoSellReferrals(db: Database, request: SellerReferralsRequest): Promise<Page<SellerReferralRow>> {
  const size = clampPageSize(request.pageSize, SELLER_REFERRALS_PAGE);
  const after = decodeCursor(request.cursor);
  const coverage = await db.prisma.sellerCoverage.findMany({ where: { sellerId: request.sellerId }, select: { tpid: true } });
  const tpids = coverage.map((row) => row.tpid);
  if (tpids.length === 0) return { rows: [], nextCursor: null };
  const rows = await db.prisma.referral.findMany({
    where: {
      ...coveredCoSell(tpids),
      ...(after ? { OR: [{ upgradedAt: { lt: after.upgradedAt } }, { upgradedAt: after.upgradedAt, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ upgradedAt: 'desc' }, { id: 'desc' }],
    take: size + 1,
    select: rowSelect(tpids),
  });
  const shown = rows.slice(0, size).flatMap(toRow);
  const last = shown[shown.length - 1];
  const nextCursor = rows.length > size && last ? encodePageCursor({ u: last.upgradedAt.toISOString(), i: last.referralId }) : null;
  return { rows: shown, nextCursor };
}

/**
 * The co-sell referral of one claim, if the seller covers its customer: what the seller's co-sell
 * notification opens. Null for a claim without a co-sell referral or of a customer they do not
 * cover, so a claim id tells a seller nothing more than their list does.
 */
export async function sellerCoSellReferralOf(db: Database, sellerId: string, claimId: string): Promise<SellerReferralRow | null> {
  const coverage = await db.prisma.sellerCoverage.findMany({ where: { sellerId }, select: { tpid: true } });
  const tpids = coverage.map((row) => row.tpid);
  if (tpids.length === 0) return null;
  const row = await db.prisma.referral.findFirst({ where: { claimId: claimId.trim().toUpperCase(), ...coveredCoSell(tpids) }, select: rowSelect(tpids) });
  return row ? (toRow(row)[0] ?? null) : null;
}

/** Co-sell referrals of customers with one of these TPIDs: the seller's whole scope, in the query. */
function coveredCoSell(tpids: string[]) {
  return {
    dealType: 'CO_SELL' as const,
    upgradedAt: { not: null },
    claim: { customer: { identifiers: { some: { type: 'TPID' as const, value: { in: tpids } } } } },
  };
}

/** What a seller's row reads: never the deal size. */
function rowSelect(tpids: string[]) {
  return {
    id: true,
    status: true,
    substatus: true,
    upgradedAt: true,
    claim: {
      select: {
        id: true,
        status: true,
        partnerContactName: true,
        partnerContactEmail: true,
        partnerContactPhone: true,
        partner: { select: { name: true } },
        engagement: { select: { name: true } },
        customer: { select: { name: true, identifiers: { where: { type: 'TPID' as const, value: { in: tpids } }, select: { value: true }, orderBy: { value: 'asc' as const } } } },
      },
    },
  } satisfies Prisma.ReferralSelect;
}

type SelectedReferral = Prisma.ReferralGetPayload<{ select: ReturnType<typeof rowSelect> }>;

function toRow(row: SelectedReferral): SellerReferralRow[] {
  if (!row.upgradedAt) return [];
  const { claim } = row;
  return [
    {
      referralId: row.id,
      claimId: claim.id,
      customerName: claim.customer.name,
      coveredTpids: claim.customer.identifiers.map((identifier) => identifier.value),
      engagementName: claim.engagement.name,
      partnerName: claim.partner.name,
      partnerContact: { name: claim.partnerContactName, email: claim.partnerContactEmail, phone: claim.partnerContactPhone },
      claimStatus: claim.status,
      claimStatusLabel: CLAIM_STATUS_LABELS[claim.status],
      referralStatusLabel: referralStatusLabel(row.status, row.substatus),
      upgradedAt: row.upgradedAt,
    },
  ];
}

function decodeCursor(cursor: string | null | undefined): { upgradedAt: Date; id: string } | null {
  const key = decodePageCursor(cursorSchema, cursor, 'That page link is not valid any more; type **referrals** to list the co-sell referrals again.');
  return key ? { upgradedAt: new Date(key.u), id: key.i } : null;
}
