import type { OutboxChannel } from '../services/db';
import type { UndeliveredMessage, UndeliveredPage } from '../services/outbox/undelivered';
import template from './undeliveredMessages.json';
import { expandCard, type AdaptiveCard } from './render';
import { UNDELIVERED_ACTION } from './actions';
import { formatDateTime } from './format';

export interface UndeliveredMessagesCardData {
  page: UndeliveredPage;
  /** True on a page after the first. */
  continued: boolean;
}

const CHANNEL_WORDS: Record<OutboxChannel, string> = { EMAIL: 'Email', TEAMS: 'Teams', REFERRALS: 'Partner Center' };

/** The outbox's delivery guarantee, said as it is (README, docs/deployment.md): admins judge a repeat by it. */
export const DELIVERY_GUARANTEE =
  'Nothing is lost: each message is delivered or listed here. A repeat is possible only if the bot stopped between a send and its record.';

function statusText(row: UndeliveredMessage): string {
  if (row.status === 'UNDELIVERABLE') return 'Undeliverable: recipient unreachable';
  return `Failed after ${row.attempts} ${row.attempts === 1 ? 'attempt' : 'attempts'}`;
}

/** An Incentives admin's list of the partner's messages that could not be delivered, newest first, each with why and its claim. */
export function undeliveredMessagesCard(data: UndeliveredMessagesCardData): AdaptiveCard {
  const footer: { title: string; data: Record<string, string> }[] = [];
  if (data.page.nextCursor) footer.push({ title: 'Next page', data: { action: UNDELIVERED_ACTION, cursor: data.page.nextCursor } });
  footer.push({ title: 'Help', data: { action: 'help' } });
  return expandCard(template, {
    title: 'Undelivered messages',
    intro: `${data.continued ? '(continued) ' : ''}${data.page.partnerName}'s emails and Teams messages that could not be delivered, newest first: retries ran out, or the recipient cannot be reached (for example the bot was removed from their Teams).`,
    guarantee: DELIVERY_GUARANTEE,
    emptyText: `Every message of ${data.page.partnerName} was delivered or is still being tried; none failed.`,
    rows: data.page.rows.map((row) => ({
      what: row.what,
      statusText: statusText(row),
      facts: [
        { title: 'When', value: formatDateTime(row.createdAt) },
        { title: 'Channel', value: CHANNEL_WORDS[row.channel] },
        { title: 'To', value: row.to },
        ...(row.claimId ? [{ title: 'Claim', value: row.claimId }] : []),
        { title: 'Reason', value: row.lastError ?? 'Not recorded' },
      ],
      claimId: row.claimId ?? '',
    })),
    footer,
  });
}
