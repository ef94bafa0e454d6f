/**
 * The day and money formats of the sentences services write themselves: refusal reasons, deadline
 * notices, emails and Teams notification texts. Services may not import cards/, where every format a
 * card or dialog shows lives (cards/format.ts); test/cards/format.test.ts keeps the two identical, so
 * a refusal reason and the card beside it name a day the same way.
 */

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

const USD_FORMAT = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

/** A day, e.g. "3 March 2026" (UTC, the time zone deadlines are kept in). */
export function formatDay(instant: Date): string {
  return DAY_FORMAT.format(instant);
}

/**
 * formatDay as a PostgreSQL to_char pattern, for sentences a set-based statement writes itself
 * (the deadline sweep). Deadlines are stored as UTC timestamps, so no time zone is applied;
 * test/services/deadlines.test.ts keeps it identical to formatDay.
 */
export const DAY_FORMAT_SQL = 'FMDD FMMonth YYYY';

/** An instant, e.g. "3 March 2026 at 14:05 UTC". */
export function formatDateTime(instant: Date): string {
  return INSTANT_FORMAT.format(instant);
}

/** US dollars without cents, e.g. "$12,500". */
export function formatUsd(amount: number): string {
  return USD_FORMAT.format(amount);
}
