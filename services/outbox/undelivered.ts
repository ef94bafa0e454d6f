import type { Database, OutboxChannel } from '../db';
import type { Caller, PartnerCaller } from '../directory/callers';
import type { Page } from '../customersPage/page';
import { NotAllowedError } from '../shared/errors';
import { deadLetters, type DeadLetter, type DeadLetterPageRequest } from './delivery';
import { PARTNER_CENTER_RECIPIENT } from '../ports/referrals';
import { isIncentivesAdmin } from '../directory/roles';

/**
 * The emails and Teams messages of a partner that could not be delivered (dead-lettered after the
 * last try, or undeliverable because the recipient cannot be reached), as its Incentives admins see
 * them. Scoped to the caller's own partner; recipients are named only when they are the partner's
 * own users or Microsoft sellers, otherwise shown as the address the row holds.
 */

/** A failed message with who it was for and what it was about, in words. */
export interface UndeliveredMessage extends DeadLetter {
  /** The event in words, e.g. "Consent accepted notice"; the event name itself when it has no wording. */
  what: string;
  /** A user's name and email, a seller's name, an email address, or the raw recipient id. */
  to: string;
}

/** A page of them, with the name of the partner they belong to (the caller's). */
export interface UndeliveredPage extends Page<UndeliveredMessage> {
  partnerName: string;
}

const EVENT_WORDS: Record<string, string> = {
  'consent.requested': 'Consent request email to the customer',
  'consent.reminder': 'Consent reminder email to the customer',
  'consent.accepted': 'Notice: the customer accepted consent',
  'consent.declined': 'Notice: the customer declined consent',
  'deadline.consent.reminder': 'Reminder: the consent deadline is near',
  'deadline.submission.reminder': 'Reminder: the submission deadline is near',
  'claim.expired': 'Notice: a claim expired',
  'claim.submitted': 'Notice: a claim was submitted',
  'claim.reviewed': 'Notice: Microsoft reviewed a claim',
  'claim.canceled': 'Notice: an admin canceled a claim',
  'referral.created': 'Notice: a partner-led referral was created',
  'referral.upgraded': 'Notice: the referral was upgraded to co-sell',
  'cosell.available': 'Co-sell notice to a Microsoft seller',
  'referral.sync.create': 'New referral sent to Partner Center',
  'referral.sync.upgrade': 'Co-sell upgrade sent to Partner Center',
  'referrals.signin.failed': 'Notice: Partner Center sign-in needs renewing',
  // services/digest's DIGEST_EVENT (digest imports outbox, so the name is written here).
  'digest.daily': 'Daily digest',
};

/** The event of an outbox row in words. */
export function eventInWords(event: string): string {
  return EVENT_WORDS[event] ?? event;
}

/** Refuses anyone but an Incentives admin of a partner. */
function requireAdmin(caller: Caller): PartnerCaller {
  if (isIncentivesAdmin(caller)) return caller;
  throw new NotAllowedError('Only an Incentives admin of your organisation can see the messages that could not be delivered.');
}

/** One page of the caller's partner's undelivered messages, newest first; refused unless the caller is an Incentives admin. */
export async function undeliveredMessages(db: Database, caller: Caller, page: DeadLetterPageRequest = {}): Promise<UndeliveredPage> {
  const admin = requireAdmin(caller);
  const letters = await deadLetters(db, admin.partnerId, page);
  const teamsIds = [...new Set(letters.rows.filter((row) => row.channel === 'TEAMS').map((row) => row.recipient))];
  const names = new Map<string, string>();
  if (teamsIds.length > 0) {
    const [users, sellers] = await Promise.all([
      db.prisma.partnerUser.findMany({
        where: { partnerId: admin.partnerId, aadObjectId: { in: teamsIds } },
        select: { aadObjectId: true, displayName: true, email: true },
      }),
      db.prisma.seller.findMany({ where: { aadObjectId: { in: teamsIds } }, select: { aadObjectId: true, displayName: true } }),
    ]);
    for (const user of users) names.set(user.aadObjectId, `${user.displayName} (${user.email})`);
    for (const seller of sellers) if (!names.has(seller.aadObjectId)) names.set(seller.aadObjectId, `${seller.displayName} (Microsoft seller)`);
  }
  return {
    partnerName: admin.partnerName,
    rows: letters.rows.map((row) => ({ ...row, what: eventInWords(row.event), to: recipientInWords(row.channel, row.recipient, names) })),
    nextCursor: letters.nextCursor,
  };
}

function recipientInWords(channel: OutboxChannel, recipient: string, names: ReadonlyMap<string, string>): string {
  if (channel === 'REFERRALS' && recipient === PARTNER_CENTER_RECIPIENT) return 'Partner Center Referrals API';
  return names.get(recipient) ?? recipient;
}
