import { systemActor, writeAudit } from '../outbox/audit';
import type { Clock } from '../shared/clock';
import type { Claim, Engagement, Referral, Tx } from '../db';
import { enqueue, type OutboxDraft } from '../outbox/outbox';
import { localReferralPort, type ReferralPort } from '../ports/referrals';

/**
 * Referral and co-sell (rule 6). When consent is requested on a referral-enabled engagement and the
 * engagement's conditions hold — the customer has a TPID and the estimated deal size is at least the
 * engagement's `referralMinDealSizeUsd` — a PARTNER_LED referral is linked to the claim, and the
 * partner's Referrals admins (who work referrals) and the claim's creator are told. When the
 * customer accepts and at least one Microsoft seller covers one of the customer's TPIDs, the
 * referral is upgraded to CO_SELL, the same people are told, and every covering seller gets one
 * co-sell message. Everything happens in the caller's transaction; every message's dedupe key names
 * the referral, the event and the recipient, so each person is queued exactly once per event (a
 * creator who is also a Referrals admin gets one message, the admin's).
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
  /** The Entra object ids of the partner's Referrals admins. */
  referralsAdmins: string[];
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
  const referralsAdmins = await tx.partnerUser.findMany({
    where: { partnerId: plain.partnerId, roles: { some: { role: 'REFERRALS_ADMIN' } } },
    select: { aadObjectId: true },
    orderBy: { id: 'asc' },
  });
  return {
    claim: plain,
    engagement,
    engagementName: engagement.name,
    partnerName: partner.name,
    customerName: customer.name,
    creatorAadObjectId: createdBy.aadObjectId,
    referralsAdmins: referralsAdmins.map((user) => user.aadObjectId),
    tpids: customer.identifiers.map((identifier) => identifier.value),
  };
}

/** Who a message is for: the claim's creator, one of the partner's Referrals admins, or a Microsoft seller. */
export type ReferralAudience = 'creator' | 'referralsAdmin' | 'seller';

/** The partner's people told of a referral event: every Referrals admin, and the creator unless they are one. */
function partnerRecipients(facts: ClaimFacts): { recipient: string; audience: ReferralAudience }[] {
  const admins = facts.referralsAdmins.map((recipient) => ({ recipient, audience: 'referralsAdmin' as const }));
  return facts.referralsAdmins.includes(facts.creatorAadObjectId) ? admins : [{ recipient: facts.creatorAadObjectId, audience: 'creator' }, ...admins];
}

function draft(facts: ClaimFacts, referral: Referral, event: string, to: { recipient: string; audience: ReferralAudience }, text: string): OutboxDraft {
  const { recipient, audience } = to;
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
      audience,
      referralsAdmins: facts.referralsAdmins.length,
      text,
    },
  };
}

/**
 * Called in the transaction that requests consent: creates the partner-led referral when the
 * conditions hold and queues `referral.created` to the partner's Referrals admins and the claim's
 * creator. Returns the referral, or null when none applies.
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
  await enqueue(tx, partnerRecipients(facts).map((to) => draft(facts, referral, REFERRAL_EVENTS.created, to, text)), now);
  return referral;
}

/**
 * Called in the transaction that records the customer's acceptance: upgrades the claim's
 * partner-led referral to co-sell when a seller covers one of the customer's TPIDs, queues
 * `referral.upgraded` to the Referrals admins and the creator, and `cosell.available` to every covering seller. Without a
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
  const upgraded = `${facts.customerName} consented, so referral ${referral.id} for ${facts.engagementName} (${facts.claim.id}) was upgraded to co-sell. ${sellers.length === 1 ? 'One Microsoft seller covers' : `${sellers.length} Microsoft sellers cover`} this customer and ${sellers.length === 1 ? 'was' : 'were'} told.`;
  const drafts = [
    ...partnerRecipients(facts).map((to) => draft(facts, referral, REFERRAL_EVENTS.upgraded, to, upgraded)),
    ...sellers.map((seller) =>
      draft(
        facts,
        referral,
        REFERRAL_EVENTS.coSellAvailable,
        { recipient: seller.aadObjectId, audience: 'seller' },
        `${facts.partnerName} is delivering ${facts.engagementName} for ${facts.customerName}, a customer you cover, and asks for co-sell help. Partner contact: ${contact}.`,
      ),
    ),
  ];
  await enqueue(tx, drafts, now);
  return referral;
}
