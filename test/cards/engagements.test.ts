import { engagementsCard } from '../../cards/engagements';
import type { EngagementSummary } from '../../services/directory/engagements';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';

describe('engagements card', () => {
  const engagements: EngagementSummary[] = [
    {
      id: 'eng-azure-migrate-modernize',
      name: 'Azure Migrate and Modernize',
      description: 'Assess the estate and migrate the first workloads.',
      payType: 'FIXED',
      acceptedIdTypes: ['DOMAIN', 'TENANT_ID', 'TPID', 'AZURE_SUBSCRIPTION_ID'],
      consentWindowDays: 30,
      submissionWindowDays: 90,
      maxActiveClaimsPerCustomer: 2,
      referralsEnabled: true,
      maxHours: null,
      payoutCapUsd: null,
    },
    {
      id: 'eng-azure-innovate-variable',
      name: 'Azure Innovate Variable Pay',
      description: 'Build a proof of concept for a qualified opportunity.',
      payType: 'VARIABLE',
      acceptedIdTypes: ['MSX_OPPORTUNITY_ID'],
      consentWindowDays: 30,
      submissionWindowDays: 90,
      maxActiveClaimsPerCustomer: 1,
      referralsEnabled: false,
      maxHours: 120,
      payoutCapUsd: 20000,
    },
  ];

  it('lists each engagement with its rules and a Customers page button, valid against the 1.5 schema', () => {
    const card = engagementsCard({ title: 'Engagements you can work on', intro: 'Fabrikam Consulting', engagements });
    expect(adaptiveCardErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('domain name, tenant ID, TPID (Top Parent ID), Azure subscription ID');
    expect(text).toContain('30 days after adding or claiming');
    expect(text).toContain('90 days after consent');
    expect(text).toContain('up to 120 hours, payout capped at $20,000');
    expect(text).toContain('Not enabled');
    expect(submitActions(card)).toEqual([
      { title: 'Customers page', data: { action: 'showTab', engagementId: 'eng-azure-migrate-modernize', tab: 'eligible' } },
      { title: 'Customers page', data: { action: 'showTab', engagementId: 'eng-azure-innovate-variable', tab: 'eligible' } },
    ]);
  });

  it('says so when there is no engagement', () => {
    const card = engagementsCard({ title: 'Engagements you can work on', intro: 'None yet', engagements: [] });
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('None of your MCI-enrolled locations');
  });
});
