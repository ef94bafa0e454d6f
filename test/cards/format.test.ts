import {
  CLAIM_STATUS_LABELS,
  CUSTOMER_ID_TYPE_LABELS,
  days,
  daysLeftText,
  describeIdTypes,
  formatDateTime,
  formatDay,
  formatUsd,
  payTypeText,
  plural,
  REFERRAL_DEAL_TYPE_LABELS,
  referralStatusText,
  ROLE_LABELS,
  ROLE_ORDER,
  rolesText,
  runningDeadlineText,
  STATUS_FILTER_LABELS,
} from '../../cards/format';
import { CLAIM_STATUS_LABELS as SERVICE_CLAIM_STATUS_LABELS, parseStatusFilter, STATUS_FILTERS } from '../../services/claims/lists';
import { CUSTOMER_ID_TYPE_LABELS as SERVICE_ID_TYPE_LABELS } from '../../services/customers/customerIds';
import { ClaimStatus, CustomerIdType } from '../../services/db';
import { ROLE_LABELS as SERVICE_ROLE_LABELS } from '../../services/directory/callers';
import { ROLES } from '../../services/directory/roles';
import * as serviceWording from '../../services/shared/wording';

describe('cards/format', () => {
  describe('dates', () => {
    it('writes a day as "3 March 2026", in UTC whatever the local time zone', () => {
      expect(formatDay(new Date('2026-03-03T00:00:00.000Z'))).toBe('3 March 2026');
      expect(formatDay(new Date('2026-12-31T23:59:59.999Z'))).toBe('31 December 2026');
      expect(formatDay(new Date('2027-01-01T00:30:00+01:00'))).toBe('31 December 2026');
    });

    it('writes an instant as "3 March 2026 at 14:05 UTC"', () => {
      expect(formatDateTime(new Date('2026-03-03T14:05:00.000Z'))).toBe('3 March 2026 at 14:05 UTC');
      expect(formatDateTime(new Date('2026-02-18T09:07:00.000Z'))).toBe('18 February 2026 at 09:07 UTC');
    });

    it('counts days left and words a running deadline', () => {
      expect([5, 1, 0, -3].map(daysLeftText)).toEqual(['5 days left', '1 day left', 'passed', 'passed']);
      expect(runningDeadlineText({ kind: 'consent', at: new Date('2026-03-20T09:00:00.000Z'), daysLeft: 18 })).toBe('Consent due by 20 March 2026 (18 days left)');
      expect(runningDeadlineText({ kind: 'submission', at: new Date('2026-05-30T09:00:00.000Z'), daysLeft: 0 })).toBe('Submit by 30 May 2026 (passed)');
    });
  });

  describe('numbers', () => {
    it('writes US dollars without cents', () => {
      expect(formatUsd(12500)).toBe('$12,500');
      expect(formatUsd(0)).toBe('$0');
      expect(formatUsd(1999.6)).toBe('$2,000');
    });

    it('picks the singular or plural word', () => {
      expect(days(1)).toBe('1 day');
      expect(days(30)).toBe('30 days');
      expect(plural(2, 'open claim has', 'open claims have')).toBe('2 open claims have');
      expect(plural(1, 'open claim has', 'open claims have')).toBe('1 open claim has');
    });
  });

  describe('labels', () => {
    it('names every claim status and status filter', () => {
      expect(Object.keys(CLAIM_STATUS_LABELS).sort()).toEqual(Object.values(ClaimStatus).sort());
      expect(CLAIM_STATUS_LABELS.REJECTED_FINAL).toBe('Final rejected');
      expect(Object.keys(STATUS_FILTER_LABELS).sort()).toEqual([...STATUS_FILTERS].sort());
      expect([STATUS_FILTER_LABELS.OPEN, STATUS_FILTER_LABELS.CLOSED, STATUS_FILTER_LABELS.CONSENT_REQUESTED]).toEqual(['Open', 'Closed', 'Consent requested']);
    });

    it('names pay types, id types and referrals', () => {
      expect([payTypeText('FIXED'), payTypeText('VARIABLE')]).toEqual(['fixed pay', 'variable pay']);
      expect(Object.keys(CUSTOMER_ID_TYPE_LABELS).sort()).toEqual(Object.values(CustomerIdType).sort());
      expect(describeIdTypes(['DOMAIN', 'TENANT_ID'])).toBe('domain name, tenant ID');
      expect(describeIdTypes([])).toBe('');
      expect(REFERRAL_DEAL_TYPE_LABELS.CO_SELL).toBe('Co-sell');
      expect(referralStatusText('ACTIVE', 'ACCEPTED')).toBe('Active (Accepted)');
    });

    it('writes roles as text, with the caller-chosen words for none', () => {
      expect(rolesText(['INCENTIVES_ADMIN', 'REFERRALS_ADMIN'])).toBe('Incentives admin, Referrals admin');
      expect(rolesText([])).toBe('none');
      expect(rolesText([], 'No role: cannot use the bot')).toBe('No role: cannot use the bot');
      expect(ROLE_ORDER.map((role) => ROLE_LABELS[role])).toEqual(['Incentives admin', 'Incentives user', 'Referrals admin']);
    });
  });

  // Services write some sentences of their own and may not import cards/, so they keep the words
  // those sentences need. These tests keep both the same: one vocabulary, one date and money format.
  describe('the words services keep for their own sentences are the same', () => {
    const instants = ['2026-03-03T00:00:00.000Z', '2026-12-31T23:59:59.999Z', '2026-07-09T16:45:00.000Z'].map((iso) => new Date(iso));

    it('formats days, instants and dollars exactly as cards do', () => {
      for (const instant of instants) {
        expect(serviceWording.formatDay(instant)).toBe(formatDay(instant));
        expect(serviceWording.formatDateTime(instant)).toBe(formatDateTime(instant));
      }
      for (const amount of [0, 999, 12500, 1234567.4]) expect(serviceWording.formatUsd(amount)).toBe(formatUsd(amount));
    });

    it('names claim statuses, roles and customer id types exactly as cards do, roles in the same order', () => {
      expect(SERVICE_CLAIM_STATUS_LABELS).toEqual(CLAIM_STATUS_LABELS);
      expect(SERVICE_ROLE_LABELS).toEqual(ROLE_LABELS);
      expect(ROLES).toEqual(ROLE_ORDER);
      expect(SERVICE_ID_TYPE_LABELS).toEqual(CUSTOMER_ID_TYPE_LABELS);
    });

    it('reads back every status filter label a card shows', () => {
      for (const filter of STATUS_FILTERS) expect(parseStatusFilter(STATUS_FILTER_LABELS[filter])).toBe(filter);
    });
  });
});
