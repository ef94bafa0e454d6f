import { z } from 'zod';
import { CLAIM_STATUS_LABELS } from '../claims/lists';
import type { Page } from '../customersPage/page';
import type { ClaimStatus, Database, ReferralStatus, ReferralSubstatus } from '../db';
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
      dealType: 'CO_SELL',
      upgradedAt: { not: null },
      claim: { customer: { identifiers: { some: { type: 'TPID', value: { in: tpids } } } } },
      ...(after ? { OR: [{ upgradedAt: { lt: after.upgradedAt } }, { upgradedAt: after.upgradedAt, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ upgradedAt: 'desc' }, { id: 'desc' }],
    take: size + 1,
    select: {
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
          customer: { select: { name: true, identifiers: { where: { type: 'TPID', value: { in: tpids } }, select: { value: true }, orderBy: { value: 'asc' } } } },
        },
      },
    },
  });
  const shown = rows.slice(0, size).flatMap((row) => {
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
  });
  const last = shown[shown.length - 1];
  const nextCursor = rows.length > size && last ? encodePageCursor({ u: last.upgradedAt.toISOString(), i: last.referralId }) : null;
  return { rows: shown, nextCursor };
}

function decodeCursor(cursor: string | null | undefined): { upgradedAt: Date; id: string } | null {
  const key = decodePageCursor(cursorSchema, cursor, 'That page link is not valid any more; type **referrals** to list the co-sell referrals again.');
  return key ? { upgradedAt: new Date(key.u), id: key.i } : null;
}
