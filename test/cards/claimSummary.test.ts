import { claimSummaryCard, MONEY_AT_STAKE_DEFINITION } from '../../cards/claimSummary';
import type { ListFilter } from '../../cards/claimList';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';

const filter: ListFilter = {
  engagementId: null,
  status: null,
  engagements: [{ id: 'eng-azure-innovate-variable', name: 'Azure Innovate' }],
  statuses: ['OPEN', 'CLOSED', 'SUBMITTED'],
};

describe('claims summary card', () => {
  it('shows counts by status, the money at stake and its definition, with a list button per engagement and Next page', () => {
    const card = claimSummaryCard({
      partnerName: 'Fabrikam Consulting',
      continued: false,
      filter,
      page: {
        rows: [
          {
            engagementId: 'eng-azure-innovate-variable',
            engagementName: 'Azure Innovate',
            payType: 'VARIABLE',
            counts: [
              { status: 'ADDED', label: 'Added', count: 2 },
              { status: 'COMPLETED', label: 'Completed', count: 1 },
            ],
            total: 3,
            open: 2,
            openDealSizeUsd: 150000,
            openWithoutDealSize: 1,
            openProposedPayoutUsd: 12000,
          },
        ],
        nextCursor: 'next',
      },
    });
    expect(adaptiveCardErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain(MONEY_AT_STAKE_DEFINITION);
    expect(text).toContain('Azure Innovate (variable pay)');
    expect(text).toContain('{"title":"Added","value":"2"}');
    expect(text).toContain('{"title":"Open claims","value":"2 of 3"}');
    expect(text).toContain('$150,000 (1 open claim has none yet)');
    expect(text).toContain('{"title":"Proposed payouts (open)","value":"$12,000"}');
    expect(submitActions(card)).toEqual([
      { title: 'Claims of Azure Innovate', data: { action: 'claims', engagementId: 'eng-azure-innovate-variable' } },
      { title: 'Apply filters', data: { action: 'summary' } },
      { title: 'Next page', data: { action: 'summary', cursor: 'next' } },
      { title: 'Expiring', data: { action: 'expiring' } },
      { title: 'Engagements', data: { action: 'engagements' } },
    ]);
  });

  it('shows the empty state for filters that match nothing', () => {
    const card = claimSummaryCard({ partnerName: 'Fabrikam Consulting', continued: false, filter: { ...filter, status: 'SUBMITTED' }, page: { rows: [], nextCursor: null } });
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('Fabrikam Consulting has no claims matching these filters.');
  });
});
