import type { StatusFilter } from '../services/claims';
import type { ClaimStatus, CustomerIdType, PayType, ReferralStatus, ReferralSubstatus, Role } from '../services/db';

/**
 * Every format and label a person reads on a card, and in the texts dialogs and bot/ write around
 * cards: days, instants, money, days left, plurals, pay types, claim statuses, roles, customer id
 * types, referral deal types and statuses. Cards get plain data (codes, dates, amounts) and turn it
 * into words here, so a word or a date reads the same on every card.
 *
 * Services write some sentences of their own (refusal reasons, emails, Teams notification texts,
 * the consent page) and may not import cards/: they keep only the words those sentences need
 * (services/shared/wording.ts, and the status, role and id-type names beside the rules that use
 * them); test/cards/format.test.ts keeps those identical to the ones here.
 */

// ---------------------------------------------------------------- dates
// One format per kind of date, on every card and chat message: a day is "3 March 2026" (month in
// full, always with its year), an instant "3 March 2026 at 14:05 UTC". Never "31 Dec" nor an ISO date
// except in a date input's value; test/cards/dateWording.test.ts checks every card sample.

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

const INSTANT_FORMAT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

/** A day as people read it, e.g. "3 March 2026" (UTC, the time zone deadlines are kept in). */
export function formatDay(instant: Date): string {
  return DAY_FORMAT.format(instant);
}

/** An instant as people read it, e.g. "3 March 2026 at 14:05 UTC". */
export function formatDateTime(instant: Date): string {
  return INSTANT_FORMAT.format(instant);
}

/** A person's local date (YYYY-MM-DD, as the digest keeps it) as a day: "3 March 2026". */
export function formatLocalDate(isoDate: string): string {
  return formatDay(new Date(`${isoDate}T00:00:00.000Z`));
}

/** A time of day in minutes after midnight, on the 24-hour clock: "8:00", "17:30". */
export function formatTimeOfDay(minutes: number): string {
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "passed", "1 day left", "12 days left". */
export function daysLeftText(daysLeft: number): string {
  if (daysLeft <= 0) return 'passed';
  return daysLeft === 1 ? '1 day left' : `${daysLeft} days left`;
}

/** A claim's running deadline as the services compute it. */
export interface RunningDeadline {
  kind: 'consent' | 'submission';
  at: Date;
  /** Whole days left, rounded up; 0 or less once passed. */
  daysLeft: number;
}

/** "Consent due by 3 March 2026 (2 days left)", "Submit by 1 June 2026 (passed)". */
export function runningDeadlineText(deadline: RunningDeadline): string {
  const what = deadline.kind === 'consent' ? 'Consent due by' : 'Submit by';
  return `${what} ${formatDay(deadline.at)} (${daysLeftText(deadline.daysLeft)})`;
}

// ---------------------------------------------------------------- numbers

const USD_FORMAT = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

/** US dollars without cents, e.g. "$12,500". */
export function formatUsd(amount: number): string {
  return USD_FORMAT.format(amount);
}

/** "1 day", "30 days". */
export function days(count: number): string {
  return plural(count, 'day', 'days');
}

/** "1 open claim has", "3 open claims have": the count and the word that fits it. */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

// ---------------------------------------------------------------- engagements and customers

/** "fixed pay", "variable pay". */
export function payTypeText(payType: PayType): string {
  return payType === 'FIXED' ? 'fixed pay' : 'variable pay';
}

/** A Markdown link a TextBlock draws: brackets in the text and parentheses in the address cannot end it early. */
export function markdownLink(text: string, url: string): string {
  return `[${text.replace(/[[\]]/g, '')}](${url.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/ /g, '%20')})`;
}

/** "Azure Migrate (fixed pay)"; a name that already says its pay type ("… (variable pay)", "… Variable Pay") is left as it is. */
export function engagementTitle(name: string, payType: PayType): string {
  const pay = payTypeText(payType);
  return name.toLowerCase().includes(pay) ? name : `${name} (${pay})`;
}

/** The customer id types as sentences name them (lower case: "Add it with its tenant ID"). */
export const CUSTOMER_ID_TYPE_LABELS: Record<CustomerIdType, string> = {
  DOMAIN: 'domain name',
  TENANT_ID: 'tenant ID',
  TPID: 'TPID (Top Parent ID)',
  AZURE_SUBSCRIPTION_ID: 'Azure subscription ID',
  MSX_OPPORTUNITY_ID: 'MSX opportunity ID',
};

/** The accepted id types of an engagement as people read them, e.g. "domain name, tenant ID". */
export function describeIdTypes(types: readonly CustomerIdType[]): string {
  return types.map((type) => CUSTOMER_ID_TYPE_LABELS[type]).join(', ');
}

// ---------------------------------------------------------------- claims

export const CLAIM_STATUS_LABELS: Record<ClaimStatus, string> = {
  ADDED: 'Added',
  CLAIMED: 'Claimed',
  CONSENT_REQUESTED: 'Consent requested',
  CONSENT_GRANTED: 'Consent granted',
  SUBMITTED: 'Submitted',
  REJECTED: 'Rejected',
  COMPLETED: 'Completed',
  REJECTED_FINAL: 'Final rejected',
  EXPIRED: 'Expired',
  CANCELED: 'Canceled',
  DECLINED: 'Declined',
};

/** The status filters of the claim lists: "Open", "Closed" and every status. */
export const STATUS_FILTER_LABELS: Record<StatusFilter, string> = { OPEN: 'Open', CLOSED: 'Closed', ...CLAIM_STATUS_LABELS };

// ---------------------------------------------------------------- referrals

export const REFERRAL_DEAL_TYPE_LABELS = { PARTNER_LED: 'Partner-led', CO_SELL: 'Co-sell' } as const;

function titleCase(value: string): string {
  return value.charAt(0) + value.slice(1).toLowerCase();
}

/** "Active (Accepted)": a referral's status and substatus as the Partner Center Referrals API names them. */
export function referralStatusText(status: ReferralStatus, substatus: ReferralSubstatus): string {
  return `${titleCase(status)} (${titleCase(substatus)})`;
}

// ---------------------------------------------------------------- roles

/** The roles in the order they are listed and offered. */
export const ROLE_LABELS: Record<Role, string> = {
  INCENTIVES_ADMIN: 'Incentives admin',
  INCENTIVES_USER: 'Incentives user',
  REFERRALS_ADMIN: 'Referrals admin',
};

/** Every role, in the order of ROLE_LABELS. */
export const ROLE_ORDER = Object.keys(ROLE_LABELS) as readonly Role[];

/** "Incentives admin, Referrals admin"; `none` (default "none") when there is no role. */
export function rolesText(roles: readonly Role[], none = 'none'): string {
  return roles.length > 0 ? roles.map((role) => ROLE_LABELS[role]).join(', ') : none;
}
