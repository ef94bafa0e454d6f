import { claimSummaryCard } from '../../cards/claimSummary';
import { coSellReferralCard } from '../../cards/coSellReferrals';
import { customersPageCard } from '../../cards/customersPage';
import { engagementTitle, markdownLink } from '../../cards/format';
import { cardSamples } from '../support/cardSamples';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';

/** Issue 14, items 4 and 7 on the cards: the next step where it is seen first, headings that say things once. */

const ENGAGEMENT = { id: 'eng-azure-migrate-modernize', name: 'Azure Migrate and Modernize', payType: 'FIXED' as const };

function eligiblePage(rows: number) {
  return customersPageCard({
    engagement: ENGAGEMENT,
    current: {
      tab: 'eligible',
      page: {
        rows: Array.from({ length: rows }, (_, index) => ({
          customerId: `cust-${index}`,
          customerName: `Customer ${index}`,
          known: true,
          claim: null,
          actions: ['claimCustomer' as const],
        })),
        nextCursor: 'next',
      },
    },
    availableActions: new Set(['claimCustomer', 'viewClaim']),
    canAddCustomer: true,
    continued: false,
  });
}

describe('Add customer on the Eligible tab', () => {
  it('is above the list, not below the whole of it', () => {
    const card = eligiblePage(10);
    expect(adaptiveCardErrors(card)).toEqual([]);
    const verbs = submitActions(card).map((action) => action.data.action);
    expect(verbs.indexOf('addCustomer')).toBeGreaterThanOrEqual(0);
    expect(verbs.indexOf('addCustomer')).toBeLessThan(verbs.indexOf('claimCustomer'));
    expect(submitActions({ actions: card.actions }).map((action) => action.data.action)).not.toContain('addCustomer');
    expect(submitActions(card).filter((action) => action.data.action === 'addCustomer')).toEqual([
      { title: 'Add customer', data: { action: 'addCustomer', engagementId: ENGAGEMENT.id } },
    ]);
  });
});

describe('engagement headings', () => {
  it('name the pay type once', () => {
    expect(engagementTitle('Cloud Migration Assessment (variable pay)', 'VARIABLE')).toBe('Cloud Migration Assessment (variable pay)');
    expect(engagementTitle('Azure Innovate Variable Pay', 'VARIABLE')).toBe('Azure Innovate Variable Pay');
    expect(engagementTitle('Azure Migrate and Modernize', 'FIXED')).toBe('Azure Migrate and Modernize (fixed pay)');
  });

  it('on the summary card', () => {
    const card = claimSummaryCard({
      partnerName: 'Fabrikam Consulting',
      continued: false,
      filter: { engagementId: null, status: null, engagements: [], statuses: [] },
      page: {
        rows: [
          {
            engagementId: 'eng-cloud-migration-assessment',
            engagementName: 'Cloud Migration Assessment (variable pay)',
            payType: 'VARIABLE',
            total: 1,
            open: 1,
            counts: [{ status: 'ADDED', label: 'Added', count: 1 }],
            openDealSizeUsd: 0,
            openWithoutDealSize: 1,
            openProposedPayoutUsd: 1000,
          },
        ],
        nextCursor: null,
      },
    });
    const text = JSON.stringify(card);
    expect(text).toContain('Cloud Migration Assessment (variable pay)');
    expect(text).not.toContain('(variable pay) (variable pay)');
  });
});

describe('the seller’s co-sell referral card', () => {
  it('shows the one referral, read-only, with a way to the whole list', () => {
    const card = coSellReferralCard({
      sellerName: 'Nestor Wilke',
      row: {
        referralId: 'REF-N2HQC766',
        claimId: 'CLM-N2HQC766',
        customerName: 'Tailspin Toys',
        coveredTpids: ['4829174'],
        engagementName: 'Azure Migrate and Modernize',
        partnerName: 'Fabrikam Consulting',
        partnerContact: { name: 'Adele Vance', email: 'adele.vance@fabrikamconsulting.com', phone: null },
        claimStatus: 'CONSENT_GRANTED',
        claimStatusLabel: 'Consent granted',
        referralStatusLabel: 'Active · Accepted',
        upgradedAt: new Date('2026-03-01T10:00:00.000Z'),
      },
    });
    expect(adaptiveCardErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('Co-sell referral: Tailspin Toys');
    expect(text).toContain('adele.vance@fabrikamconsulting.com');
    expect(submitActions(card)).toEqual([{ title: 'All co-sell referrals', data: { action: 'coSellReferrals' } }]);
  });
});

describe('the claim card’s referral, for Referrals admins', () => {
  it('has its readable id and a Partner Center link', () => {
    const sample = cardSamples().find((entry) => entry.name === 'claim-details');
    if (!sample) throw new Error('no claim-details sample');
    expect(adaptiveCardErrors(sample.card)).toEqual([]);
    const text = JSON.stringify(sample.card);
    expect(text).toContain('REF-N2HQC766');
    expect(text).toContain('[Open the referral in Partner Center](https://partner.microsoft.com/dashboard/referrals/v2/leads)');
  });

  it('has no link without a referral', () => {
    const sample = cardSamples().find((entry) => entry.name === 'claim-details-variable');
    expect(JSON.stringify(sample?.card)).not.toContain('Partner Center](');
  });
});

describe('a Markdown link', () => {
  it('cannot be ended early by its text or address', () => {
    expect(markdownLink('Open [it]', 'https://partner.example/a(b) c')).toBe('[Open it](https://partner.example/a%28b%29%20c)');
  });
});
