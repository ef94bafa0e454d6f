import { claimListCard, type ListFilter } from '../../cards/claimList';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';

const unfiltered: ListFilter = {
  engagementId: null,
  status: null,
  engagements: [
    { id: 'eng-azure-migrate-modernize', name: 'Azure Migrate and Modernize' },
    { id: 'eng-security-threat-protection', name: 'Security Workshop: Threat Protection' },
  ],
  statuses: ['OPEN', 'CONSENT_REQUESTED', 'SUBMITTED'],
};

describe('claim list card', () => {
  it('lists claims with their running deadline and a View button, with Next page, valid against the 1.5 schema', () => {
    const card = claimListCard({
      title: 'Expiring soon',
      intro: 'Fabrikam Consulting’s open claims with a deadline in the next 7 days.',
      emptyText: 'Nothing expires this week.',
      listAction: 'expiring',
      filter: unfiltered,
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
            createdBy: 'Ana Bowman',
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
            createdBy: null,
          },
        ],
        nextCursor: 'eyJ0IjoiWCJ9',
      },
    });
    expect(adaptiveCardErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('Consent due by 5 March 2026 (3 days left) · Created by Ana Bowman');
    expect(submitActions(card)).toEqual([
      { title: 'View CLM-N2HQC766', data: { action: 'viewClaim', claimId: 'CLM-N2HQC766', engagementId: 'eng-azure-migrate-modernize' } },
      { title: 'View CLM-57Z1ZAXY', data: { action: 'viewClaim', claimId: 'CLM-57Z1ZAXY', engagementId: 'eng-security-threat-protection' } },
      { title: 'Apply filters', data: { action: 'expiring' } },
      { title: 'Next page', data: { action: 'expiring', cursor: 'eyJ0IjoiWCJ9' } },
      { title: 'Engagements', data: { action: 'engagements' } },
    ]);
  });

  it('shows the empty state', () => {
    const card = claimListCard({ title: 'My claims', intro: 'Yours.', emptyText: 'You have not created any claims yet.', listAction: 'myClaims', filter: unfiltered, page: { rows: [], nextCursor: null } });
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('You have not created any claims yet.');
  });

  it('offers engagement and status filter inputs set to the current filters, and keeps the filters on Next page', () => {
    const filter: ListFilter = { ...unfiltered, engagementId: 'eng-security-threat-protection', status: 'SUBMITTED' };
    const card = claimListCard({ title: 'Claims', intro: 'All.', emptyText: 'None.', listAction: 'claims', filter, page: { rows: [], nextCursor: 'abc' } });
    expect(adaptiveCardErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('Filtered by Engagement: Security Workshop: Threat Protection · Status: Submitted');
    expect(text).toContain('"id":"engagementId"');
    expect(text).toContain('"value":"eng-security-threat-protection","choices"');
    expect(text).toContain('{"title":"Any status","value":"ANY"}');
    expect(text).toContain('{"title":"Consent requested","value":"CONSENT_REQUESTED"}');
    expect(submitActions(card)).toEqual([
      { title: 'Apply filters', data: { action: 'claims' } },
      { title: 'Next page', data: { action: 'claims', cursor: 'abc', engagementId: 'eng-security-threat-protection', status: 'SUBMITTED' } },
      { title: 'Engagements', data: { action: 'engagements' } },
    ]);
  });
});
