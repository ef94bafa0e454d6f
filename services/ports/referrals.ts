import { randomUUID } from 'node:crypto';
import type { Referral, Tx } from '../db';

/**
 * Where referrals live. The local default (this file) keeps them in the Referral table, written in
 * the transaction of the claim change that causes them. A production implementation mirrors them to
 * the Partner Center Referrals API; it must not call out from inside a database transaction, so it
 * keeps the same local rows and pushes them from the outbox.
 */
export interface ReferralPort {
  /** Creates the claim's PARTNER_LED referral (New / Pending), or returns the one it already has. */
  createPartnerLed(tx: Tx, input: { claimId: string; partnerId: string; dealSizeUsd: number; at: Date }): Promise<{ referral: Referral; created: boolean }>;
  /** Upgrades a PARTNER_LED referral to CO_SELL (Active / Accepted); null when it is not partner-led any more. */
  upgradeToCoSell(tx: Tx, input: { referralId: string; at: Date }): Promise<Referral | null>;
  /** Records that the customer consented without the referral qualifying for co-sell (New / Received). */
  markReceived(tx: Tx, input: { referralId: string; at: Date }): Promise<void>;
}

export class LocalReferralPort implements ReferralPort {
  async createPartnerLed(tx: Tx, input: { claimId: string; partnerId: string; dealSizeUsd: number; at: Date }): Promise<{ referral: Referral; created: boolean }> {
    const existing = await tx.referral.findUnique({ where: { claimId: input.claimId } });
    if (existing) return { referral: existing, created: false };
    const referral = await tx.referral.create({
      data: {
        id: `REF-${randomUUID()}`,
        claimId: input.claimId,
        partnerId: input.partnerId,
        dealType: 'PARTNER_LED',
        status: 'NEW',
        substatus: 'PENDING',
        dealSizeUsd: input.dealSizeUsd,
        createdAt: input.at,
      },
    });
    return { referral, created: true };
  }

  async upgradeToCoSell(tx: Tx, input: { referralId: string; at: Date }): Promise<Referral | null> {
    const { count } = await tx.referral.updateMany({
      where: { id: input.referralId, dealType: 'PARTNER_LED', status: 'NEW' },
      data: { dealType: 'CO_SELL', status: 'ACTIVE', substatus: 'ACCEPTED', upgradedAt: input.at },
    });
    return count === 1 ? tx.referral.findUniqueOrThrow({ where: { id: input.referralId } }) : null;
  }

  async markReceived(tx: Tx, input: { referralId: string; at: Date }): Promise<void> {
    await tx.referral.updateMany({ where: { id: input.referralId, dealType: 'PARTNER_LED', status: 'NEW' }, data: { substatus: 'RECEIVED', updatedAt: input.at } });
  }
}

export const localReferralPort: ReferralPort = new LocalReferralPort();
