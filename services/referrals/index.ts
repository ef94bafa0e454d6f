import type { ServiceContext } from '../shared/context';
import { sellerCoSellReferralOf, sellerCoSellReferrals } from './sellerView';

export { referralStatusLabel, SELLER_REFERRALS_PAGE } from './sellerView';
export type { SellerReferralRow } from './sellerView';
export { DEFAULT_PARTNER_CENTER_REFERRALS_URL, partnerCenterReferralLink } from './links';
export type { ReferralAudience } from './referrals';

/** A Microsoft field seller, as the caller resolves them. */
export interface SellerCaller {
  kind: 'seller';
  sellerId: string;
}

/** Referrals as people see them: the seller's read-only view of the co-sell referrals they cover. */
export function createReferrals({ db }: ServiceContext) {
  return {
    sellerCoSell: (seller: SellerCaller, request: { cursor?: string | null; pageSize?: number } = {}) =>
      sellerCoSellReferrals(db, { sellerId: seller.sellerId, ...request }),
    /** The co-sell referral of one claim, if the seller covers its customer; null otherwise. */
    sellerCoSellOf: (seller: SellerCaller, claimId: string) => sellerCoSellReferralOf(db, seller.sellerId, claimId),
  };
}

export type Referrals = ReturnType<typeof createReferrals>;
