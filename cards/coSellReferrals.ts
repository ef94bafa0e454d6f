import type { Page } from '../services/customersPage/page';
import type { SellerReferralRow } from '../services/referrals/sellerView';
import template from './coSellReferrals.json';
import { expandCard, type AdaptiveCard } from './render';
import { CO_SELL_REFERRALS_ACTION } from './actions';
import { formatDay } from './format';


export interface CoSellReferralsCardData {
  sellerName: string;
  page: Page<SellerReferralRow>;
  continued: boolean;
  /** A line before the list, e.g. why a partner command was not run. */
  note?: string;
}

function facts(row: SellerReferralRow): { title: string; value: string }[] {
  return [
    { title: 'Partner', value: row.partnerName },
    { title: 'Partner contact', value: row.partnerContact.name },
    { title: 'Email', value: row.partnerContact.email },
    { title: 'Phone', value: row.partnerContact.phone ?? '' },
    { title: 'Claim', value: `${row.claimId} · ${row.claimStatusLabel}` },
    { title: 'Referral', value: `Co-sell · ${row.referralStatusLabel}` },
    { title: 'Co-sell since', value: formatDay(row.upgradedAt) },
    { title: 'TPID you cover', value: row.coveredTpids.join(', ') },
  ].filter((fact) => fact.value !== '');
}

/**
 * A seller's co-sell referrals, read-only: one claim summary per referral with the partner contact
 * to reach. Its only buttons page through the list; nothing on it changes anything.
 */
export function coSellReferralsCard(data: CoSellReferralsCardData): AdaptiveCard {
  const footer = data.page.nextCursor ? [{ title: 'Next page', data: { action: CO_SELL_REFERRALS_ACTION, cursor: data.page.nextCursor } }] : [];
  const intro = `Hello ${data.sellerName}. As a Microsoft field seller you see here the referrals partners upgraded to co-sell for customers you cover, newest first${data.continued ? ' (continued)' : ''}. Reach out to the partner contact to co-sell; I message you when a new one arrives.`;
  return expandCard(template, {
    title: 'Co-sell referrals for customers you cover',
    intro: data.note ? `${data.note} ${intro}` : intro,
    emptyText: 'No partner has asked for co-sell help with a customer you cover yet. I will message you here when one does.',
    rows: data.page.rows.map((row) => ({ heading: `${row.customerName} · ${row.engagementName}`, facts: facts(row) })),
    footer,
  });
}

export interface CoSellReferralCardData {
  sellerName: string;
  row: SellerReferralRow;
}

/** One co-sell referral, read-only, as the seller's co-sell notification opens it; its button lists them all. */
export function coSellReferralCard(data: CoSellReferralCardData): AdaptiveCard {
  const { row } = data;
  return expandCard(template, {
    title: `Co-sell referral: ${row.customerName}`,
    intro: `${data.sellerName}, ${row.partnerName} asks for co-sell help with ${row.engagementName} for ${row.customerName}, a customer you cover. Reach out to the partner contact.`,
    emptyText: '',
    rows: [{ heading: `${row.customerName} · ${row.engagementName}`, facts: facts(row) }],
    footer: [{ title: 'All co-sell referrals', data: { action: CO_SELL_REFERRALS_ACTION } }],
  });
}
