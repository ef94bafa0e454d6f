import { coSellReferralsCard } from '../../cards/coSellReferrals';
import type { SellerReferralRow } from '../../services/referrals/sellerView';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';

const ROW: SellerReferralRow = {
  referralId: 'REF-1',
  claimId: 'CLM-N2HQC766',
  customerName: 'Contoso Ltd',
  coveredTpids: ['1234567'],
  engagementName: 'Azure Migrate and Modernize',
  partnerName: 'Fabrikam Consulting',
  partnerContact: { name: 'Pat Partner', email: 'pat@fabrikam.example', phone: null },
  claimStatus: 'CONSENT_GRANTED',
  claimStatusLabel: 'Consent granted',
  referralStatusLabel: 'Active · Accepted',
  upgradedAt: new Date('2026-03-02T09:00:00.000Z'),
};

describe('co-sell referrals card', () => {
  it('shows a read-only claim summary per referral with the partner contact, valid against the 1.5 schema', () => {
    const card = coSellReferralsCard({ sellerName: 'Diego', page: { rows: [ROW, { ...ROW, referralId: 'REF-2', partnerContact: { ...ROW.partnerContact, phone: '+1 425 555 0100' } }], nextCursor: 'abc' }, continued: false });
    expect(adaptiveCardErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    for (const expected of ['Contoso Ltd · Azure Migrate and Modernize', 'Fabrikam Consulting', 'Pat Partner', 'pat@fabrikam.example', '+1 425 555 0100', 'CLM-N2HQC766 · Consent granted', 'Co-sell · Active · Accepted', '1234567']) {
      expect(text).toContain(expected);
    }
    expect(submitActions(card).map((action) => action.data)).toEqual([{ action: 'coSellReferrals', cursor: 'abc' }]);
  });

  it('says so when there is nothing yet, and offers no buttons', () => {
    const card = coSellReferralsCard({ sellerName: 'Diego', page: { rows: [], nextCursor: null }, continued: false, note: 'That command is for partner staff.' });
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('No partner has asked for co-sell help');
    expect(JSON.stringify(card)).toContain('That command is for partner staff.');
    expect(submitActions(card)).toEqual([]);
  });
});
