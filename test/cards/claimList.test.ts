import { claimListCard } from '../../cards/claimList';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';

describe('claim list card', () => {
  it('lists claims with their running deadline and a View button, with Next page, valid against the 1.5 schema', () => {
    const card = claimListCard({
      title: 'Expiring soon',
      intro: 'Fabrikam Consulting’s open claims with a deadline in the next 7 days.',
      emptyText: 'Nothing expires this week.',
      listAction: 'expiring',
      page: {
        rows: [
          {
            id: 'CLM-N2HQC766',
            friendlyName: 'Tailspin migration',
            customerName: 'Tailspin Toys',
            engagementId: 'eng-azure-migrate-modernize',
            engagementName: 'Azure Migrate and Modernize',
            status: 'CONSENT_REQUESTED',
            statusLabel: 'Consent requested',
            deadline: { kind: 'consent', at: new Date('2026-03-05T09:00:00.000Z'), daysLeft: 3 },
          },
          {
            id: 'CLM-57Z1ZAXY',
            friendlyName: 'Litware security workshop',
            customerName: 'Litware, Inc.',
            engagementId: 'eng-security-threat-protection',
            engagementName: 'Security Workshop: Threat Protection',
            status: 'SUBMITTED',
            statusLabel: 'Submitted',
            deadline: null,
          },
        ],
        nextCursor: 'eyJ0IjoiWCJ9',
      },
    });
    expect(adaptiveCardErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('Consent due by 5 March 2026 (3 days left)');
    expect(submitActions(card)).toEqual([
      { title: 'View CLM-N2HQC766', data: { action: 'viewClaim', claimId: 'CLM-N2HQC766', engagementId: 'eng-azure-migrate-modernize' } },
      { title: 'View CLM-57Z1ZAXY', data: { action: 'viewClaim', claimId: 'CLM-57Z1ZAXY', engagementId: 'eng-security-threat-protection' } },
      { title: 'Next page', data: { action: 'expiring', cursor: 'eyJ0IjoiWCJ9' } },
      { title: 'Engagements', data: { action: 'engagements' } },
    ]);
  });

  it('shows the empty state', () => {
    const card = claimListCard({ title: 'My claims', intro: 'Yours.', emptyText: 'You have not created any claims yet.', listAction: 'myClaims', page: { rows: [], nextCursor: null } });
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('You have not created any claims yet.');
  });
});
