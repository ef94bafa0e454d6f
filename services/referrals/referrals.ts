import { systemActor, writeAudit } from '../outbox/audit';
import type { Clock } from '../shared/clock';
import type { Claim, Engagement, Referral, Tx } from '../db';
import { enqueue, type OutboxDraft } from '../outbox/outbox';
import { localReferralPort, type ReferralPort } from '../ports/referrals';

/**
 * Referral and co-sell (rule 6). When consent is requested on a referral-enabled engagement and the
 * engagement's conditions hold — the customer has a TPID and the estimated deal size is at least the
 * engagement's `referralMinDealSizeUsd` — a PARTNER_LED referral is linked to the claim and its
 * creator is told. When the customer accepts and at least one Microsoft seller covers one of the
 * customer's TPIDs, the referral is upgraded to CO_SELL, the creator is told, and every covering
 * seller gets one co-sell message. Everything happens in the caller's transaction; every message's
 * dedupe key names the referral, the event and the recipient, so each is queued exactly once.
 */

export const REFERRAL_EVENTS = {
  created: 'referral.created',
  upgraded: 'referral.upgraded',
  coSellAvailable: 'cosell.available',
} as const;

/** Whether a partner-led referral is created for a claim of this engagement with this deal size and these TPIDs. */
export function referralConditionsHold(
  engagement: Pick<Engagement, 'referralsEnabled' | 'referralMinDealSizeUsd'>,
  dealSizeUsd: number | null,
  tpids: readonly string[],
): boolean {
  return (
    engagement.referralsEnabled &&
    engagement.referralMinDealSizeUsd !== null &&
    dealSizeUsd !== null &&
    dealSizeUsd >= engagement.referralMinDealSizeUsd &&
    tpids.length > 0
  );
}

interface ClaimFacts {
  claim: Claim;
  engagementName: string;
  partnerName: string;
  customerName: string;
  creatorAadObjectId: string;
  tpids: string[];
  engagement: Pick<Engagement, 'referralsEnabled' | 'referralMinDealSizeUsd'>;
}

async function claimFacts(tx: Tx, claimId: string): Promise<ClaimFacts> {
  const claim = await tx.claim.findUniqueOrThrow({
    where: { id: claimId },
    include: {
      engagement: { select: { name: true, referralsEnabled: true, referralMinDealSizeUsd: true } },
      partner: { select: { name: true } },
      customer: { select: { name: true, identifiers: { where: { type: 'TPID' }, select: { value: true }, orderBy: { value: 'asc' } } } },
      createdBy: { select: { aadObjectId: true } },
    },
  });
  const { engagement, partner, customer, createdBy, ...plain } = claim;
  return {
    claim: plain,
    engagement,
    engagementName: engagement.name,
    partnerName: partner.name,
    customerName: customer.name,
    creatorAadObjectId: createdBy.aadObjectId,
    tpids: customer.identifiers.map((identifier) => identifier.value),
  };
}

function draft(facts: ClaimFacts, referral: Referral, event: string, recipient: string, text: string): OutboxDraft {
  return {
    channel: 'TEAMS',
    event,
    dedupeKey: `referral:${referral.id}:${event}:${recipient}`,
    recipient,
    claimId: facts.claim.id,
    partnerId: facts.claim.partnerId,
    payload: {
      kind: event,
      claimId: facts.claim.id,
      referralId: referral.id,
      dealType: referral.dealType,
      friendlyName: facts.claim.friendlyName,
      customerName: facts.customerName,
      engagementName: facts.engagementName,
      partnerName: facts.partnerName,
      text,
    },
  };
}

/**
 * Called in the transaction that requests consent: creates the partner-led referral when the
 * conditions hold and queues `referral.created` to the claim's creator. Returns the referral, or
 * null when none applies.
 */
export async function createReferralInTx(tx: Tx, clock: Clock, claimId: string, port: ReferralPort = localReferralPort): Promise<Referral | null> {
  const facts = await claimFacts(tx, claimId);
  if (!referralConditionsHold(facts.engagement, facts.claim.estimatedDealSizeUsd, facts.tpids) || facts.claim.estimatedDealSizeUsd === null) return null;
  const now = clock.now();
  const { referral, created } = await port.createPartnerLed(tx, {
    claimId: facts.claim.id,
    partnerId: facts.claim.partnerId,
    dealSizeUsd: facts.claim.estimatedDealSizeUsd,
    at: now,
  });
  if (!created) return referral;
  await writeAudit(tx, { partnerId: facts.claim.partnerId, claimId: facts.claim.id, actor: systemActor, action: REFERRAL_EVENTS.created, after: { referralId: referral.id, dealType: 'PARTNER_LED' }, at: now });
  const text = `A partner-led referral (${referral.id}) was created for ${facts.customerName}, ${facts.engagementName} (${facts.claim.friendlyName}, ${facts.claim.id}), and shared with Microsoft sellers.`;
  await enqueue(tx, [draft(facts, referral, REFERRAL_EVENTS.created, facts.creatorAadObjectId, text)], now);
  return referral;
}

/**
 * Called in the transaction that records the customer's acceptance: upgrades the claim's
 * partner-led referral to co-sell when a seller covers one of the customer's TPIDs, queues
 * `referral.upgraded` to the creator and `cosell.available` to every covering seller. Without a
 * covering seller the referral stays partner-led (New / Received). Returns the upgraded referral,
 * or null.
 */
export async function upgradeReferralInTx(tx: Tx, clock: Clock, claimId: string, port: ReferralPort = localReferralPort): Promise<Referral | null> {
  const existing = await tx.referral.findUnique({ where: { claimId } });
  if (!existing || existing.dealType !== 'PARTNER_LED' || existing.status !== 'NEW') return null;
  const facts = await claimFacts(tx, claimId);
  const now = clock.now();
  const sellers =
    facts.tpids.length === 0
      ? []
      : await tx.seller.findMany({
          where: { coverage: { some: { tpid: { in: facts.tpids } } } },
          select: { aadObjectId: true },
          orderBy: { aadObjectId: 'asc' },
        });
  if (sellers.length === 0) {
    await port.markReceived(tx, { referralId: existing.id, at: now });
    await writeAudit(tx, { partnerId: facts.claim.partnerId, claimId, actor: systemActor, action: 'referral.received', before: { referralId: existing.id, substatus: existing.substatus }, after: { referralId: existing.id, substatus: 'RECEIVED' }, at: now });
    return null;
  }
  const referral = await port.upgradeToCoSell(tx, { referralId: existing.id, at: now });
  if (!referral) return null;
  await writeAudit(tx, { partnerId: facts.claim.partnerId, claimId, actor: systemActor, action: REFERRAL_EVENTS.upgraded, after: { referralId: referral.id, dealType: 'CO_SELL', sellers: sellers.length }, at: now });
  const contact = `${facts.claim.partnerContactName} (${facts.claim.partnerContactEmail})`;
  const drafts = [
    draft(
      facts,
      referral,
      REFERRAL_EVENTS.upgraded,
      facts.creatorAadObjectId,
      `${facts.customerName} consented, so referral ${referral.id} for ${facts.engagementName} (${facts.claim.id}) was upgraded to co-sell. ${sellers.length === 1 ? 'One Microsoft seller covers' : `${sellers.length} Microsoft sellers cover`} this customer and ${sellers.length === 1 ? 'was' : 'were'} told.`,
    ),
    ...sellers.map((seller) =>
      draft(
        facts,
        referral,
        REFERRAL_EVENTS.coSellAvailable,
        seller.aadObjectId,
        `${facts.partnerName} is delivering ${facts.engagementName} for ${facts.customerName}, a customer you cover, and asks for co-sell help. Partner contact: ${contact}.`,
      ),
    ),
  ];
  await enqueue(tx, drafts, now);
  return referral;
}
