import type { Referral, Tx } from '../db';
import { enqueue } from '../outbox/outbox';

/**
 * Where referrals live. They are kept in the Referral table, written in the transaction of the
 * claim change that causes them, and each change also queues a REFERRALS outbox row in that same
 * transaction. The outbox handler chosen in configuration then either has nothing to push (local
 * default: the table is the store) or pushes the change to the Partner Center Referrals API
 * (services/ports/partnerCenterReferrals.ts) — never from inside a database transaction.
 */

/** The REFERRALS outbox events: push a new referral, push its upgrade to co-sell. */
export const REFERRAL_SYNC_EVENTS = { create: 'referral.sync.create', upgrade: 'referral.sync.upgrade' } as const;

/**
 * A referral's id: `REF-` and its claim's id without `CLM-` (a claim has at most one referral), so
 * people read and say it like the claim id instead of a GUID. The demo data uses the same form.
 */
export function referralIdFor(claimId: string): string {
  return `REF-${claimId.replace(/^CLM-/, '')}`;
}

/** Who the REFERRALS rows are addressed to. */
export const PARTNER_CENTER_RECIPIENT = 'partner-center';

async function queueSync(tx: Tx, referral: Referral, event: string, at: Date): Promise<void> {
  // claimId stays null: the claim's own outbox lists (emails, Teams messages) are not about this push.
  await enqueue(
    tx,
    [{ channel: 'REFERRALS', event, dedupeKey: `referral:${referral.id}:${event}`, recipient: PARTNER_CENTER_RECIPIENT, partnerId: referral.partnerId, payload: { referralId: referral.id, claimId: referral.claimId } }],
    at,
  );
}
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
        id: referralIdFor(input.claimId),
        claimId: input.claimId,
        partnerId: input.partnerId,
        dealType: 'PARTNER_LED',
        status: 'NEW',
        substatus: 'PENDING',
        dealSizeUsd: input.dealSizeUsd,
        createdAt: input.at,
      },
    });
    await queueSync(tx, referral, REFERRAL_SYNC_EVENTS.create, input.at);
    return { referral, created: true };
  }

  async upgradeToCoSell(tx: Tx, input: { referralId: string; at: Date }): Promise<Referral | null> {
    const { count } = await tx.referral.updateMany({
      where: { id: input.referralId, dealType: 'PARTNER_LED', status: 'NEW' },
      data: { dealType: 'CO_SELL', status: 'ACTIVE', substatus: 'ACCEPTED', upgradedAt: input.at },
    });
    if (count !== 1) return null;
    const referral = await tx.referral.findUniqueOrThrow({ where: { id: input.referralId } });
    await queueSync(tx, referral, REFERRAL_SYNC_EVENTS.upgrade, input.at);
    return referral;
  }

  async markReceived(tx: Tx, input: { referralId: string; at: Date }): Promise<void> {
    await tx.referral.updateMany({ where: { id: input.referralId, dealType: 'PARTNER_LED', status: 'NEW' }, data: { substatus: 'RECEIVED', updatedAt: input.at } });
  }
}

export const localReferralPort: ReferralPort = new LocalReferralPort();
