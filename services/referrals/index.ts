import type { ServiceContext } from '../shared/context';
import { sellerCoSellReferrals } from './sellerView';

export { referralStatusLabel, SELLER_REFERRALS_PAGE } from './sellerView';
export type { SellerReferralRow } from './sellerView';

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
  };
}

export type Referrals = ReturnType<typeof createReferrals>;
