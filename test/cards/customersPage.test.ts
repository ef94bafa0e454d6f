import { customersPageCard, type CustomersPageCardData } from '../../cards/customersPage';
import type { CustomerAction } from '../../services/customersPage/page';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';

const ALL_ACTIONS = new Set<CustomerAction>(['claimCustomer', 'sendConsent', 'resendConsent', 'submitClaim', 'viewClaim']);
const ENGAGEMENT = { id: 'eng-azure-migrate-modernize', name: 'Azure Migrate and Modernize', payType: 'FIXED' as const };

function claim(id: string, status: 'CLAIMED' | 'CONSENT_REQUESTED' | 'CONSENT_GRANTED', origin: 'ADDED' | 'CLAIMED' = 'CLAIMED') {
  return {
    id,
    status,
    origin,
    friendlyName: `Contoso migration wave 1 (${id})`,
    consentDeadline: new Date('2026-03-20T09:00:00.000Z'),
    submissionDeadline: status === 'CONSENT_GRANTED' ? new Date('2026-05-30T09:00:00.000Z') : null,
    // As services/customersPage computes it on 2 March 2026: 18 days left to consent, 89 to submit.
    deadline:
      status === 'CONSENT_GRANTED'
        ? { kind: 'submission' as const, at: new Date('2026-05-30T09:00:00.000Z'), daysLeft: 89 }
        : { kind: 'consent' as const, at: new Date('2026-03-20T09:00:00.000Z'), daysLeft: 18 },
  };
}

function eligibleData(overrides: Partial<CustomersPageCardData> = {}): CustomersPageCardData {
  return {
    engagement: ENGAGEMENT,
    current: {
      tab: 'eligible',
      page: {
        rows: [
          { customerId: 'cust-contoso', customerName: 'Contoso Ltd', known: true, claim: null, actions: ['claimCustomer'] },
          { customerId: 'cust-tailspin', customerName: 'Tailspin Toys', known: true, claim: claim('CLM-N2HQC766', 'CONSENT_REQUESTED'), actions: ['resendConsent', 'viewClaim'] },
          { customerId: 'cust-proseware', customerName: 'Proseware, Inc.', known: false, claim: claim('CLM-7B25VBDC', 'CLAIMED', 'ADDED'), actions: ['sendConsent', 'viewClaim'] },
          { customerId: 'cust-northwind', customerName: 'Northwind Traders', known: true, claim: claim('CLM-QY4WA29C', 'CONSENT_GRANTED'), actions: ['submitClaim', 'viewClaim'] },
        ],
        nextCursor: 'eyJ0IjoiRSIsImsiOlsiTm9ydGh3aW5kIiwiY3VzdC1ub3J0aHdpbmQiXX0',
      },
    },
    availableActions: ALL_ACTIONS,
    canAddCustomer: true,
    continued: false,
    ...overrides,
  };
}

describe('Customers page card', () => {
  it('shows the Eligible tab with every row action, tab buttons, paging and Add customer, valid against the 1.5 schema', () => {
    const card = customersPageCard(eligibleData());
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(card.version).toBe('1.5');
    const text = JSON.stringify(card);
    expect(text).not.toContain('${');
    expect(text).toContain('Consent due by 20 March 2026 (18 days left)');
    expect(text).toContain('Submit by 30 May 2026 (89 days left)');
    const actions = submitActions(card);
    expect(actions).toEqual(
      expect.arrayContaining([
        { title: 'Eligible ✓', data: { action: 'showTab', engagementId: ENGAGEMENT.id, tab: 'eligible' } },
        { title: 'Ineligible', data: { action: 'showTab', engagementId: ENGAGEMENT.id, tab: 'ineligible' } },
        { title: 'Complete', data: { action: 'showTab', engagementId: ENGAGEMENT.id, tab: 'complete' } },
        { title: 'Claim customer', data: { action: 'claimCustomer', customerId: 'cust-contoso', engagementId: ENGAGEMENT.id } },
        { title: 'Re-send consent email', data: { action: 'resendConsent', claimId: 'CLM-N2HQC766', engagementId: ENGAGEMENT.id } },
        { title: 'Send customer consent email', data: { action: 'sendConsent', claimId: 'CLM-7B25VBDC', engagementId: ENGAGEMENT.id } },
        { title: 'Submit claim', data: { action: 'submitClaim', claimId: 'CLM-QY4WA29C', engagementId: ENGAGEMENT.id } },
        { title: 'View CLM-QY4WA29C', data: { action: 'viewClaim', claimId: 'CLM-QY4WA29C', engagementId: ENGAGEMENT.id } },
        {
          title: 'Next page',
          data: { action: 'showTab', engagementId: ENGAGEMENT.id, tab: 'eligible', cursor: 'eyJ0IjoiRSIsImsiOlsiTm9ydGh3aW5kIiwiY3VzdC1ub3J0aHdpbmQiXX0' },
        },
        { title: 'Add customer', data: { action: 'addCustomer', engagementId: ENGAGEMENT.id } },
      ]),
    );
  });

  it('says when Re-send comes back on a row the service holds it back on, with no Re-send button', () => {
    const waiting = { ...claim('CLM-N2HQC766', 'CONSENT_REQUESTED'), resendFrom: new Date('2026-03-03T14:05:00.000Z') };
    const card = customersPageCard(
      eligibleData({
        current: { tab: 'eligible', page: { rows: [{ customerId: 'cust-tailspin', customerName: 'Tailspin Toys', known: true, claim: waiting, actions: ['viewClaim'] }], nextCursor: null } },
      }),
    );
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('Consent due by 20 March 2026 (18 days left). You can re-send the consent email after 3 March 2026 at 14:05 UTC.');
    expect(submitActions(card).map((action) => action.data.action)).not.toContain('resendConsent');
  });

  it('offers only the row actions the bot can carry out now', () => {
    const card = customersPageCard(eligibleData({ availableActions: new Set(['viewClaim']), canAddCustomer: false }));
    expect(adaptiveCardErrors(card)).toEqual([]);
    const verbs = submitActions(card).map((action) => action.data.action);
    expect(verbs).not.toContain('claimCustomer');
    expect(verbs).not.toContain('sendConsent');
    expect(verbs).not.toContain('addCustomer');
    expect(verbs).toContain('viewClaim');
  });

  it('shows an empty state per tab', () => {
    for (const tab of ['eligible', 'complete'] as const) {
      const card = customersPageCard({ ...eligibleData(), current: { tab, page: { rows: [], nextCursor: null } } });
      expect(adaptiveCardErrors(card)).toEqual([]);
      expect(JSON.stringify(card)).toMatch(tab === 'eligible' ? /No customers here yet/ : /No claims on this engagement/);
    }
    const ineligible = customersPageCard({ ...eligibleData(), current: { tab: 'ineligible', page: { rows: [], nextCursor: null, detailHidden: false } } });
    expect(adaptiveCardErrors(ineligible)).toEqual([]);
    expect(JSON.stringify(ineligible)).toContain('None of your known customers is ineligible');
  });

  it('shows Ineligible rows with their reasons, and the no-detail notice for MSX-only engagements', () => {
    const card = customersPageCard({
      ...eligibleData(),
      current: {
        tab: 'ineligible',
        page: {
          rows: [
            { customerId: 'cust-alpine', customerName: 'Alpine Ski House', reason: 'CRITERIA_NOT_MET', reasonText: 'Does not meet the eligibility criteria for this engagement.' },
            { customerId: 'cust-lamna', customerName: 'Lamna Healthcare', reason: 'ACTIVE_CLAIMS_LIMIT', reasonText: 'Has reached the limit of 2 active claim(s) for this engagement.' },
          ],
          nextCursor: null,
          detailHidden: false,
        },
      },
    });
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('Has reached the limit of 2 active claim(s)');

    const msx = customersPageCard({
      ...eligibleData(),
      engagement: { id: 'eng-azure-innovate-variable', name: 'Azure Innovate Variable Pay', payType: 'VARIABLE' },
      current: { tab: 'ineligible', page: { rows: [], nextCursor: null, detailHidden: true } },
    });
    expect(adaptiveCardErrors(msx)).toEqual([]);
    const text = JSON.stringify(msx);
    expect(text).toContain('shows no detail');
    expect(text).not.toContain('None of your known customers is ineligible');
  });

  it('shows Complete rows that open the claim details', () => {
    const card = customersPageCard({
      ...eligibleData(),
      continued: true,
      current: {
        tab: 'complete',
        page: {
          rows: [
            {
              claimId: 'CLM-JVD9R29T',
              customerId: 'cust-contoso',
              customerName: 'Contoso Ltd',
              friendlyName: 'Contoso datacenter exit',
              status: 'COMPLETED',
              origin: 'ADDED',
              closedAt: new Date('2025-11-02T10:00:00.000Z'),
              closeReason: null,
              actions: ['viewClaim'],
            },
            {
              claimId: 'CLM-P9AXW7YC',
              customerId: 'cust-alpine',
              customerName: 'Alpine Ski House',
              friendlyName: 'Alpine migration',
              status: 'EXPIRED',
              origin: 'CLAIMED',
              closedAt: new Date('2026-01-10T10:00:00.000Z'),
              closeReason: 'The claim was not submitted within the 90-day submission window.',
              actions: ['viewClaim'],
            },
          ],
          nextCursor: null,
        },
      },
    });
    expect(adaptiveCardErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('Completed on 2 November 2025');
    expect(text).toContain('Continued from the previous page.');
    expect(submitActions(card)).toEqual(
      expect.arrayContaining([{ title: 'View CLM-P9AXW7YC', data: { action: 'viewClaim', claimId: 'CLM-P9AXW7YC', engagementId: ENGAGEMENT.id } }]),
    );
    expect(submitActions(card).map((a) => a.title)).not.toContain('Next page');
  });
});
