import { choiceCard } from '../../cards/choice';
import { claimActionCard } from '../../cards/claimAction';
import { claimDetailsCard } from '../../cards/claimDetails';
import { claimShareCard } from '../../cards/claimShare';
import { claimListCard, type ListFilter } from '../../cards/claimList';
import { claimSummaryCard } from '../../cards/claimSummary';
import { coSellReferralCard, coSellReferralsCard } from '../../cards/coSellReferrals';
import { consentContactsCard } from '../../cards/consentContacts';
import { consentReviewCard } from '../../cards/consentReview';
import { customersPageCard, type CustomersPageCardData } from '../../cards/customersPage';
import { digestCard, digestSettingsCard } from '../../cards/digest';
import { engagementChoiceCard } from '../../cards/engagementChoice';
import { engagementsCard } from '../../cards/engagements';
import { nominationConfirmationCard } from '../../cards/nominationConfirmation';
import { nominationDetailsCard } from '../../cards/nominationDetails';
import { nominationReviewCard } from '../../cards/nominationReview';
import {
  confirmationCard,
  customerIdCard,
  detailsCard,
  engagementCard,
  guidTypeCard,
  hoursCard,
  knownCustomerCard,
  locationCard,
  withLocationInUse,
  mismatchReasonCard,
  opportunityCard,
} from '../../cards/nominationSteps';
import { questionCard } from '../../cards/question';
import { bulkAddHelpCard, bulkAddReportCard, bulkAddResultCard } from '../../cards/bulkAdd';
import { notificationCard } from '../../cards/notification';
import type { AdaptiveCard } from '../../cards/render';
import { submitProofCard } from '../../cards/submitProof';
import { textEntryCard } from '../../cards/textEntry';
import { undeliveredMessagesCard } from '../../cards/undeliveredMessages';
import { revokeConfirmCard, usersCard } from '../../cards/users';
import { welcomeCard } from '../../cards/welcome';
import { notificationFor } from '../../bot/notifier';
import { FLOW_VERBS } from '../../dialogs/commands';
import { availableCommands, SHARE_HINT } from '../../dialogs/helpCard';
import { CONSENT_DISCLAIMER, SEND_CONSENT_ACTIONS } from '../../dialogs/sendConsentDialog';
import type { ClaimDetails } from '../../services/claims/details';
import type { CustomerAction } from '../../services/customersPage/page';
import { CANCEL_REASON_ACTION, CONFIRM_ADD_CUSTOMER_ACTION, CONFIRM_CANCEL_CLAIM_ACTION, CONFIRM_RESEND_CONSENT_ACTION, CONFIRM_SEND_CONSENT_ACTION, CONFIRM_SUBMIT_CLAIM_ACTION, NOMINATION_ACTIONS, SUBMIT_PROOF_ACTION } from '../../cards/actions';

/**
 * One example of every card the bot sends, with the data the dialogs give it (the verbs are the
 * dialogs' own constants), for the Teams rendering test and `npm run cards`. Where a card test has
 * fixtures (test/cards/*.test.ts) the same values are used.
 */
export interface CardSample {
  /** File-name friendly: screenshots are saved as `<name>.<theme>.png`. */
  name: string;
  /** The cards/*.ts function that made it. */
  fn: string;
  card: AdaptiveCard;
}

const MIGRATE = { id: 'eng-azure-migrate-modernize', name: 'Azure Migrate and Modernize', payType: 'FIXED' as const };
const ALL_ROW_ACTIONS = new Set<CustomerAction>(['claimCustomer', 'sendConsent', 'resendConsent', 'submitClaim', 'viewClaim']);
const ENGAGEMENT_OPTIONS = [
  { id: MIGRATE.id, name: MIGRATE.name },
  { id: 'eng-azure-innovate-variable', name: 'Azure Innovate Variable Pay' },
];
const NO_FILTER: ListFilter = { engagementId: null, status: null, engagements: ENGAGEMENT_OPTIONS, statuses: ['OPEN', 'CLOSED', 'CONSENT_REQUESTED', 'SUBMITTED'] };

function openClaim(id: string, status: 'CLAIMED' | 'CONSENT_REQUESTED' | 'CONSENT_GRANTED', origin: 'ADDED' | 'CLAIMED' = 'CLAIMED') {
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

const customersPage: CustomersPageCardData = {
  engagement: MIGRATE,
  current: {
    tab: 'eligible',
    page: {
      rows: [
        { customerId: 'cust-contoso', customerName: 'Contoso Ltd', known: true, claim: null, actions: ['claimCustomer'] },
        { customerId: 'cust-tailspin', customerName: 'Tailspin Toys', known: true, claim: openClaim('CLM-N2HQC766', 'CONSENT_REQUESTED'), actions: ['resendConsent', 'viewClaim'] },
        { customerId: 'cust-proseware', customerName: 'Proseware, Inc.', known: false, claim: openClaim('CLM-7B25VBDC', 'CLAIMED', 'ADDED'), actions: ['sendConsent', 'viewClaim'] },
        { customerId: 'cust-northwind', customerName: 'Northwind Traders', known: true, claim: openClaim('CLM-QY4WA29C', 'CONSENT_GRANTED'), actions: ['submitClaim', 'viewClaim'] },
      ],
      nextCursor: 'eyJ0IjoiRSIsImsiOlsiTm9ydGh3aW5kIiwiY3VzdC1ub3J0aHdpbmQiXX0',
    },
  },
  availableActions: ALL_ROW_ACTIONS,
  canAddCustomer: true,
  continued: false,
};

const claim: ClaimDetails = {
  id: 'CLM-N2HQC766',
  friendlyName: 'Tailspin migration',
  status: 'CONSENT_REQUESTED',
  statusLabel: 'Consent requested',
  origin: 'CLAIMED',
  customerName: 'Tailspin Toys',
  engagementId: MIGRATE.id,
  engagementName: MIGRATE.name,
  payType: 'FIXED',
  locationId: '4105567',
  locationName: 'Fabrikam Consulting — Seattle',
  idType: 'DOMAIN',
  idTypeLabel: 'Domain name',
  idValue: 'tailspintoys.com',
  createdBy: 'Ana Bowman',
  customerContact: { name: 'Mark Hanson', email: 'mark.hanson@tailspintoys.com' },
  partnerContact: { name: 'Adele Vance', email: 'adele.vance@fabrikamconsulting.com' },
  tenantMismatchReason: null,
  estimatedDealSizeUsd: 85000,
  hours: null,
  proposedPayoutUsd: null,
  deadlines: [{ kind: 'consent', at: new Date('2026-03-20T09:00:00.000Z'), daysLeft: 18 }],
  closedAt: null,
  closeReason: null,
  reviewNote: null,
  history: [
    { at: new Date('2026-02-18T10:12:00.000Z'), what: 'Customer claimed', who: 'Ana Bowman' },
    { at: new Date('2026-02-18T10:20:00.000Z'), what: 'Partner-led referral created', who: 'system' },
    { at: new Date('2026-02-18T10:20:00.000Z'), what: 'Consent email sent to the customer', who: 'Ana Bowman' },
  ],
  referral: {
    id: 'REF-N2HQC766',
    partnerCenterUrl: 'https://partner.microsoft.com/dashboard/referrals/v2/leads',
    dealType: 'PARTNER_LED',
    status: 'NEW',
    substatus: 'PENDING',
    dealSizeUsd: 85000,
    createdAt: new Date('2026-02-18T10:20:00.000Z'),
    upgradedAt: null,
  },
  referralsVisible: true,
  canCancel: true,
  nextSteps: [],
};

const variableClaim: ClaimDetails = {
  ...claim,
  id: 'CLM-7K3P9QXD',
  friendlyName: 'Blue Yonder PoC',
  status: 'CLAIMED',
  statusLabel: 'Added',
  origin: 'ADDED',
  customerName: 'Blue Yonder Airlines',
  engagementId: 'eng-azure-innovate-variable',
  engagementName: 'Azure Innovate Variable Pay',
  payType: 'VARIABLE',
  idType: 'MSX_OPPORTUNITY_ID',
  idTypeLabel: 'MSX opportunity ID',
  idValue: '7-3QLU01LRG0',
  createdBy: null,
  estimatedDealSizeUsd: null,
  hours: 40,
  proposedPayoutUsd: 8000,
  history: [{ at: new Date('2026-02-25T14:02:00.000Z'), what: 'Customer added', who: 'Alex Wilber' }],
  referral: null,
  referralsVisible: false,
  canCancel: false,
  nextSteps: ['sendConsent'],
};

const backToPage = [{ title: 'Customers page', data: { action: 'showTab', engagementId: MIGRATE.id, tab: 'eligible' } }];

function sample(name: string, fn: string, card: AdaptiveCard): CardSample {
  return { name, fn, card };
}

/** Every card the bot sends, at least once each; several where a card has distinct shapes. */
export function cardSamples(): CardSample[] {
  return [
    sample(
      'welcome',
      'welcomeCard',
      welcomeCard({
        greeting: `Hello Ana Bowman. I bring Partner Center's Customers page for MCI engagements into Teams, and tell you when something happens to your claims. ${SHARE_HINT}`,
        showIdentity: true,
        partnerName: 'Fabrikam Consulting',
        roles: 'Incentives admin, Referrals admin',
        commands: availableCommands(new Set(FLOW_VERBS)),
        buttons: [
          { title: 'Help', action: 'help' },
          { title: 'Engagements', action: 'engagements' },
          { title: 'My claims', action: 'myClaims' },
          { title: 'Expiring', action: 'expiring' },
        ],
      }),
    ),
    sample(
      'welcome-no-role',
      'welcomeCard',
      welcomeCard({
        greeting: 'Hello Megan Bowen. You have no incentives role yet, so you cannot work with claims. Ask an Incentives admin to grant you a role: Ana Bowman (ana.bowman@fabrikamconsulting.com).',
        showIdentity: true,
        partnerName: 'Fabrikam Consulting',
        roles: 'none',
        commands: availableCommands(new Set()).filter((command) => command.command === 'help'),
        buttons: [{ title: 'Help', action: 'help' }],
      }),
    ),
    sample(
      'engagements',
      'engagementsCard',
      engagementsCard({
        title: 'Engagements you can work on',
        intro: 'Fabrikam Consulting',
        engagements: [
          {
            id: MIGRATE.id,
            name: MIGRATE.name,
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
        ],
      }),
    ),
    sample('engagements-none', 'engagementsCard', engagementsCard({ title: 'Engagements you can work on', intro: 'None yet', engagements: [] })),
    sample('customers-eligible', 'customersPageCard', customersPageCard(customersPage)),
    sample(
      'customers-ineligible',
      'customersPageCard',
      customersPageCard({
        ...customersPage,
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
      }),
    ),
    sample(
      'customers-complete',
      'customersPageCard',
      customersPageCard({
        ...customersPage,
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
      }),
    ),
    sample(
      'claim-list-expiring',
      'claimListCard',
      claimListCard({
        title: 'Expiring soon',
        intro: 'Fabrikam Consulting’s open claims with a deadline in the next 7 days.',
        emptyText: 'Nothing expires this week.',
        listAction: 'expiring',
        filter: NO_FILTER,
        page: {
          rows: [
            {
              id: 'CLM-N2HQC766',
              friendlyName: 'Tailspin migration',
              customerName: 'Tailspin Toys',
              engagementId: MIGRATE.id,
              engagementName: MIGRATE.name,
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
              status: 'CONSENT_GRANTED',
              statusLabel: 'Consent granted',
              deadline: { kind: 'submission', at: new Date('2026-03-08T09:00:00.000Z'), daysLeft: 6 },
              createdBy: 'Alex Wilber',
            },
          ],
          nextCursor: 'eyJ0IjoiWCJ9',
        },
      }),
    ),
    sample(
      'claim-list-empty',
      'claimListCard',
      claimListCard({
        title: 'My claims',
        intro: 'The claims you created, newest first.',
        emptyText: 'You have not created any claims yet.',
        listAction: 'myClaims',
        filter: { ...NO_FILTER, status: 'OPEN' },
        page: { rows: [], nextCursor: null },
      }),
    ),
    sample(
      'claim-summary',
      'claimSummaryCard',
      claimSummaryCard({
        partnerName: 'Fabrikam Consulting',
        filter: NO_FILTER,
        continued: false,
        page: {
          rows: [
            {
              engagementId: MIGRATE.id,
              engagementName: MIGRATE.name,
              payType: 'FIXED',
              counts: [
                { status: 'CLAIMED', label: 'Claimed', count: 3 },
                { status: 'CONSENT_REQUESTED', label: 'Consent requested', count: 2 },
                { status: 'COMPLETED', label: 'Completed', count: 4 },
              ],
              total: 9,
              open: 5,
              openDealSizeUsd: 170000,
              openWithoutDealSize: 3,
              openProposedPayoutUsd: 0,
            },
            {
              engagementId: 'eng-azure-innovate-variable',
              engagementName: 'Azure Innovate Variable Pay',
              payType: 'VARIABLE',
              counts: [{ status: 'ADDED', label: 'Added', count: 1 }],
              total: 1,
              open: 1,
              openDealSizeUsd: 0,
              openWithoutDealSize: 1,
              openProposedPayoutUsd: 8000,
            },
          ],
          nextCursor: null,
        },
      }),
    ),
    sample('claim-details', 'claimDetailsCard', claimDetailsCard({ claim, buttons: backToPage })),
    sample('claim-details-variable', 'claimDetailsCard', claimDetailsCard({ claim: variableClaim, buttons: backToPage })),
    sample(
      'claim-details-link',
      'claimDetailsCard',
      claimDetailsCard({ claim, buttons: backToPage, link: `https://mci-bot.fabrikamconsulting.example/claims/${claim.id}` }),
    ),
    sample(
      'claim-share',
      'claimShareCard',
      claimShareCard({
        claim: {
          id: claim.id,
          friendlyName: claim.friendlyName,
          customerName: claim.customerName,
          engagementName: claim.engagementName,
          payType: claim.payType,
          status: claim.status,
          statusLabel: claim.statusLabel,
          deadline: { kind: 'consent', at: new Date('2026-03-20T09:00:00.000Z'), daysLeft: 18 },
          nextSteps: [],
        },
        link: `https://mci-bot.fabrikamconsulting.example/claims/${claim.id}`,
      }),
    ),
    sample(
      'users',
      'usersCard',
      usersCard({
        partnerName: 'Fabrikam Consulting',
        continued: false,
        page: {
          rows: [
            { userId: 'U-1', displayName: 'Ana Bowman', email: 'ana.bowman@fabrikamconsulting.com', roles: ['INCENTIVES_ADMIN', 'REFERRALS_ADMIN'] },
            { userId: 'U-2', displayName: 'Alex Wilber', email: 'alex.wilber@fabrikamconsulting.com', roles: ['INCENTIVES_USER'] },
            { userId: 'U-3', displayName: 'Megan Bowen', email: 'megan.bowen@fabrikamconsulting.com', roles: [] },
          ],
          nextCursor: 'eyJ0IjoiVSJ9',
        },
      }),
    ),
    sample(
      'users-revoke-confirm',
      'revokeConfirmCard',
      revokeConfirmCard({
        user: { userId: 'U-2', displayName: 'Alex Wilber', email: 'alex.wilber@fabrikamconsulting.com', roles: ['INCENTIVES_USER'] },
        role: 'INCENTIVES_USER',
        after: [],
      }),
    ),
    sample(
      'undelivered-messages',
      'undeliveredMessagesCard',
      undeliveredMessagesCard({
        continued: false,
        page: {
          partnerName: 'Fabrikam Consulting',
          rows: [
            {
              id: 'O-2',
              status: 'UNDELIVERABLE',
              channel: 'TEAMS',
              event: 'consent.accepted',
              what: 'Notice: the customer accepted consent',
              to: 'Alex Wilber (alex.wilber@fabrikamconsulting.com)',
              recipient: '00000000-0000-0000-0000-00000000a002',
              claimId: 'CLM-N2HQC766',
              attempts: 1,
              lastError: 'No conversation with this user (the bot is not installed in their Teams, or was removed)',
              createdAt: new Date('2026-03-02T08:15:00.000Z'),
            },
            {
              id: 'O-1',
              status: 'DEAD',
              channel: 'EMAIL',
              event: 'consent.requested',
              what: 'Consent request email to the customer',
              to: 'ana.ng@tailspintoys.com',
              recipient: 'ana.ng@tailspintoys.com',
              claimId: 'CLM-N2HQC766',
              attempts: 8,
              lastError: 'Gave up after 8 attempts: Graph sendMail answered 503',
              createdAt: new Date('2026-03-01T17:05:00.000Z'),
            },
          ],
          nextCursor: 'eyJjIjoiMjAyNi0wMy0wMSJ9',
        },
      }),
    ),
    sample(
      'add-location-choice',
      'choiceCard',
      choiceCard({
        title: 'Which location is this for?',
        text: 'Only Microsoft AI Cloud Partner Program locations enrolled in MCI can be used.',
        inputId: 'locationId',
        label: 'Location',
        errorMessage: 'Choose a location.',
        choices: [
          { title: 'Fabrikam Consulting — Seattle (4105567)', value: '4105567' },
          { title: 'Fabrikam Consulting — Toronto (4329981)', value: '4329981' },
        ],
        selected: '4105567',
        submitTitle: 'Next',
        action: NOMINATION_ACTIONS.chooseLocation,
      }),
    ),
    sample(
      'add-customer-id',
      'textEntryCard',
      textEntryCard({
        title: 'Which customer?',
        text: 'Give one id of the customer.',
        inputId: 'customerId',
        label: 'Customer ID',
        placeholder: 'contoso.com',
        value: '',
        multiline: false,
        maxLength: 300,
        errorMessage: 'Enter a customer id.',
        typeChoices: [
          { title: 'Detect from the value', value: 'AUTO' },
          { title: 'TPID (Top Parent ID)', value: 'TPID' },
        ],
        selectedType: 'AUTO',
        submitTitle: 'Next',
        action: NOMINATION_ACTIONS.enterCustomerId,
      }),
    ),
    sample(
      'add-mismatch-reason',
      'textEntryCard',
      textEntryCard({
        title: 'Why does the tenant not match?',
        text: "The tenant ID b1880d96-75e1-4561-bcc4-9e37eec85179 does not match the customer contact's email domain lamnahealthcare.com.",
        inputId: 'reason',
        label: 'Reason for the mismatch',
        placeholder: 'for example: the division runs in a separate tenant',
        value: '',
        multiline: true,
        maxLength: 1000,
        errorMessage: 'A reason is required.',
        typeChoices: [],
        selectedType: '',
        submitTitle: 'Next',
        action: NOMINATION_ACTIONS.giveMismatchReason,
      }),
    ),
    sample(
      'add-engagement-choice',
      'engagementChoiceCard',
      engagementChoiceCard({ hint: '',
        title: 'Engagements for Woodgrove Bank (TPID (Top Parent ID) 11520025)',
        text: 'Choose one or more engagements.',
        eligible: [
          { id: 'eng-security-threat-protection', title: 'Security Workshop: Threat Protection (fixed pay)' },
          { id: 'eng-d365-bc-quick-start', title: 'Dynamics 365 Business Central Quick Start (fixed pay)' },
        ],
        ineligible: [{ name: 'Microsoft 365 Copilot Accelerate', reason: 'Microsoft 365 Copilot Accelerate does not accept TPIDs; it accepts domain names and tenant IDs.' }],
        multiSelect: true,
        choiceLabel: 'Engagements',
        selected: 'eng-security-threat-protection',
        action: NOMINATION_ACTIONS.chooseEngagements,
        otherIdAction: NOMINATION_ACTIONS.otherCustomerId,
      }),
    ),
    sample(
      'add-engagement-choice-none',
      'engagementChoiceCard',
      engagementChoiceCard({ hint: '',
        title: 'Engagements for Woodgrove Bank (domain name woodgrovebank.com)',
        text: 'Woodgrove Bank is not eligible for any engagement you can nominate for.',
        eligible: [],
        ineligible: [{ name: 'Security Workshop: Threat Protection', reason: "Customer is not in the engagement's target segment" }],
        multiSelect: true,
        choiceLabel: 'Engagements',
        selected: '',
        action: NOMINATION_ACTIONS.chooseEngagements,
        otherIdAction: '',
      }),
    ),
    sample(
      'add-hours',
      'textEntryCard',
      textEntryCard({
        title: 'Hours for Azure Innovate Variable Pay',
        text: 'How many hours do you need?',
        inputId: 'hours',
        label: 'Hours (1 to 120)',
        placeholder: 'for example 40',
        value: '40',
        multiline: false,
        maxLength: 6,
        errorMessage: 'Enter a whole number of hours from 1 to 120.',
        typeChoices: [],
        selectedType: '',
        submitTitle: 'Next',
        action: NOMINATION_ACTIONS.enterHours,
      }),
    ),
    sample(
      'add-details',
      'nominationDetailsCard',
      nominationDetailsCard({
        title: 'Claim name and contacts',
        text: 'Check the proposed claim name.',
        friendlyName: 'Bellows College – Azure Migrate and Modernize',
        customer: { name: '', email: '', phone: '' },
        partner: { name: 'Adele Vance', email: 'adele.vance@fabrikamconsulting.com', phone: '+1 425 555 0101' },
        action: NOMINATION_ACTIONS.submitDetails,
      }),
    ),
    sample(
      'add-review',
      'nominationReviewCard',
      nominationReviewCard({
        title: 'Review: add customer',
        text: 'Nothing is created until you select Add customer.',
        facts: [
          { title: 'Claim name', value: 'Blue Yonder PoC' },
          { title: 'Location', value: 'Fabrikam Consulting — Seattle (4105567)' },
          { title: 'Hours', value: '40 (cannot change later)' },
        ],
        payout: '$8,000: 40 hours × $200 an hour, for opportunity 7-3QLU01LRG0.',
        confirmTitle: 'Add customer',
        confirmAction: CONFIRM_ADD_CUSTOMER_ACTION,
        reviewId: 'c9d7f1c4-6b2a-4f0e-9f55-1f7b9c1e2a33',
        nomination: { friendlyName: 'Blue Yonder PoC', engagementIds: ['eng-azure-innovate-variable'], hours: 40, customerId: { type: 'MSX_OPPORTUNITY_ID', value: '7-3QLU01LRG0' } },
        changes: [
          { title: 'Location', field: 'location' },
          { title: 'Hours', field: 'hours' },
        ],
      }),
    ),
    sample(
      'add-confirmation',
      'nominationConfirmationCard',
      nominationConfirmationCard({
        title: 'Customer added',
        text: 'Bellows College now appears on the Customers page of Azure Migrate and Modernize.',
        claims: [{ id: 'CLM-8K2M4P6R', summary: 'Azure Migrate and Modernize: added by domain bellowscollege.com; ask for consent by 24 December 2026', engagementId: MIGRATE.id }],
      }),
    ),
    // The step cards of Add / Claim customer (cards/nominationSteps.ts), drawn from the nomination facade's data.
    sample(
      'step-location',
      'locationCard',
      locationCard(
        [
          { id: '4105567', name: 'Fabrikam Consulting — Seattle', country: 'US' },
          { id: '4329981', name: 'Fabrikam Consulting — Toronto', country: 'CA' },
        ],
        '4105567',
      ),
    ),
    sample(
      'step-known-customer',
      'knownCustomerCard',
      knownCustomerCard([
        { id: 'cust-contoso', name: 'Contoso Ltd' },
        { id: 'cust-tailspin', name: 'Tailspin Toys' },
      ]),
    ),
    sample('step-customer-id', 'customerIdCard', customerIdCard()),
    sample('step-guid-type', 'guidTypeCard', guidTypeCard('b1880d96-75e1-4561-bcc4-9e37eec85179')),
    sample(
      'step-engagements',
      'engagementCard',
      engagementCard(
        [
          { engagementId: 'eng-security-threat-protection', engagementName: 'Security Workshop: Threat Protection', payType: 'FIXED', eligible: true, via: { type: 'TPID', value: '11520025' } },
          { engagementId: 'eng-m365-copilot', engagementName: 'Microsoft 365 Copilot Accelerate', payType: 'FIXED', eligible: false, code: 'ID_TYPE_NOT_ACCEPTED', reason: 'Microsoft 365 Copilot Accelerate does not accept TPIDs; it accepts domain names and tenant IDs.' },
        ],
        { customer: 'Woodgrove Bank (TPID (Top Parent ID) 11520025)', selected: ['eng-security-threat-protection'], otherIdAction: NOMINATION_ACTIONS.otherCustomerId, note: '' },
      ),
    ),
    sample('step-hours', 'hoursCard', hoursCard({ name: 'Azure Innovate Variable Pay', maxHours: 120 })),
    sample('step-hours-wrong', 'hoursCard', hoursCard({ name: 'Azure Innovate Variable Pay', maxHours: 120 }, { value: '500', error: 'Azure Innovate Variable Pay allows at most 120 hours; you entered 500.' })),
    sample('step-customer-id-location-in-use', 'customerIdCard', withLocationInUse(customerIdCard(), { id: '4105567', name: 'Fabrikam Consulting — Seattle' })),
    sample(
      'question-leave-flow',
      'questionCard',
      questionCard({
        title: 'Leave Add customer and open the engagements?',
        text: 'If you stay, everything you answered in Add customer is kept. If you leave, nothing of it is saved.',
        buttons: [
          { title: 'Leave and open the engagements', style: 'default', data: { action: 'leaveFlow', command: 'engagements' } },
          { title: 'Stay in Add customer', style: 'positive', data: { action: 'stayInFlow' } },
        ],
      }),
    ),
    sample(
      'step-opportunity',
      'opportunityCard',
      opportunityCard(
        { name: 'Azure Innovate Variable Pay' },
        [
          { opportunity: { id: '7-9LN8U3ZCDX', name: 'Relecloud – Data estate migration', valueUsd: 180_000 }, proposal: { ok: true, payoutUsd: 5_250, hourlyRateUsd: 175, hours: 30, uncappedUsd: 5_250, capped: false, tier: { minOpportunityUsd: 100_000, hourlyRateUsd: 175 } } },
          { opportunity: { id: '7-NAR0CF4JAF', name: 'Relecloud – AKS platform modernization', valueUsd: 620_000 }, proposal: { ok: true, payoutUsd: 6_000, hourlyRateUsd: 200, hours: 30, uncappedUsd: 6_000, capped: false, tier: { minOpportunityUsd: 500_000, hourlyRateUsd: 200 } } },
        ],
        '',
      ),
    ),
    sample(
      'step-details',
      'detailsCard',
      detailsCard({
        friendlyName: 'Bellows College – Azure Migrate and Modernize',
        customerContact: null,
        partnerContact: { name: 'Adele Vance', email: 'adele.vance@fabrikamconsulting.com', phone: '+1 425 555 0101' },
        note: '',
      }),
    ),
    sample(
      'step-mismatch-reason',
      'mismatchReasonCard',
      mismatchReasonCard("The tenant ID b1880d96-75e1-4561-bcc4-9e37eec85179 does not match the customer contact's email domain lamnahealthcare.com."),
    ),
    sample(
      'step-confirmation',
      'confirmationCard',
      confirmationCard(
        {
          customerId: 'cust-bellows',
          customerName: 'Bellows College',
          claims: [
            {
              id: 'CLM-8K2M4P6R',
              friendlyName: 'Bellows College – Azure Migrate and Modernize',
              engagementId: MIGRATE.id,
              engagementName: MIGRATE.name,
              status: 'ADDED',
              origin: 'ADDED',
              idType: 'DOMAIN',
              idValue: 'bellowscollege.com',
              consentDeadline: new Date('2026-12-24T09:00:00.000Z'),
              hours: null,
              proposedPayoutUsd: null,
            },
          ],
        },
        'added',
      ),
    ),
    sample(
      'consent-contacts',
      'consentContactsCard',
      consentContactsCard({
        title: 'Send consent: Tailspin migration (CLM-N2HQC766)',
        text: 'The consent email goes to the customer contact of Tailspin Toys for Azure Migrate and Modernize. Review the contacts, update them if needed, and select Next.',
        customer: { name: 'Mark Hanson', email: 'mark.hanson@tailspintoys.com', phone: '' },
        partner: { name: 'Adele Vance', email: 'adele.vance@fabrikamconsulting.com', phone: '+1 425 555 0101' },
        action: SEND_CONSENT_ACTIONS.submitContacts,
      }),
    ),
    sample(
      'consent-deal-size',
      'textEntryCard',
      textEntryCard({
        title: 'Estimated deal size',
        text: 'Give the estimated deal size in US dollars. It cannot be changed once the consent email is sent. It does not affect eligibility or payout.',
        inputId: 'dealSize',
        label: 'Estimated deal size (USD, whole number)',
        placeholder: 'for example 50000',
        value: '',
        multiline: false,
        maxLength: 20,
        errorMessage: 'Enter the estimated deal size in US dollars, a whole number such as 50000.',
        typeChoices: [],
        selectedType: '',
        submitTitle: 'Next',
        action: SEND_CONSENT_ACTIONS.enterDealSize,
      }),
    ),
    sample(
      'consent-review',
      'consentReviewCard',
      consentReviewCard({
        title: 'Review: send customer consent email',
        text: 'The email goes to mark.hanson@tailspintoys.com; the customer accepts or declines on a web page. Nothing is sent until you select Send for consent.',
        facts: [
          { title: 'Claim', value: 'Tailspin migration (CLM-N2HQC766)' },
          { title: 'Customer', value: 'Tailspin Toys' },
          { title: 'Engagement', value: MIGRATE.name },
          { title: 'Customer contact', value: 'Mark Hanson <mark.hanson@tailspintoys.com>' },
          { title: 'Your contact', value: 'Adele Vance <adele.vance@fabrikamconsulting.com>, +1 425 555 0101' },
          { title: 'Estimated deal size', value: '$85,000 (cannot change once sent)' },
        ],
        disclaimer: CONSENT_DISCLAIMER,
        confirmTitle: 'Send for consent',
        confirmAction: CONFIRM_SEND_CONSENT_ACTION,
        reviewId: '1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a',
        request: { claimId: 'CLM-N2HQC766', estimatedDealSizeUsd: 85000 },
        changeAction: SEND_CONSENT_ACTIONS.changeAnswer,
        changes: [
          { title: 'Contacts', field: 'contacts' },
          { title: 'Estimated deal size', field: 'dealSize' },
        ],
      }),
    ),
    sample(
      'resend-consent-question',
      'claimActionCard',
      claimActionCard({
        title: 'Re-send consent email: Tailspin migration',
        color: 'Default',
        text: 'The customer has not answered yet. Re-send the consent email to mark.hanson@tailspintoys.com as a reminder? It carries the same link as before.',
        facts: [
          { title: 'Claim', value: 'CLM-N2HQC766' },
          { title: 'Customer', value: 'Tailspin Toys' },
          { title: 'Last sent', value: '18 February 2026 at 10:20 UTC (1 time so far)' },
          { title: 'Consent deadline', value: '20 March 2026' },
        ],
        note: 'The email can be re-sent once every 24 hours.',
        buttons: [
          { title: 'Re-send consent email', style: 'positive', data: { action: CONFIRM_RESEND_CONSENT_ACTION, claimId: 'CLM-N2HQC766' } },
          { title: 'Cancel', style: 'default', data: { action: 'cancel' } },
        ],
      }),
    ),
    sample(
      'consent-sent',
      'claimActionCard',
      claimActionCard({
        title: 'Consent email sent',
        color: 'Good',
        text: 'Tailspin Toys has until 20 March 2026 to accept or decline. I will tell you here when they answer.',
        facts: [
          { title: 'Claim', value: 'Tailspin migration (CLM-N2HQC766)' },
          { title: 'Sent to', value: 'Mark Hanson <mark.hanson@tailspintoys.com>' },
        ],
        note: '',
        buttons: [
          { title: 'View claim', style: 'default', data: { action: 'viewClaim', claimId: 'CLM-N2HQC766' } },
          { title: 'Customers page', style: 'default', data: { action: 'showTab', engagementId: MIGRATE.id, tab: 'eligible' } },
        ],
      }),
    ),
    sample(
      'submit-proof',
      'submitProofCard',
      submitProofCard({
        title: 'Submit claim: Northwind migration (CLM-QY4WA29C)',
        text: 'Northwind Traders consented to Azure Migrate and Modernize. Give the proof of execution Microsoft reviews: what was delivered, when it was completed, and links to the evidence (up to 5).',
        deliverySummary: '',
        completionDate: '',
        evidenceLinks: '',
        summaryMin: 20,
        summaryMax: 2000,
        linksMax: 5,
        minDate: '2026-02-10',
        today: '2026-03-02',
        dateRangeText: '10 February 2026 (when the customer consented) to today, 2 March 2026',
        errors: { completionDate: '2026-02-30 is not a real date: February 2026 has 28 days.' },
        action: SUBMIT_PROOF_ACTION,
      }),
    ),
    sample(
      'submit-review',
      'nominationReviewCard',
      nominationReviewCard({
        title: 'Review: submit claim',
        text: 'Microsoft reviews the claim and its proof of execution; I will tell you the outcome. Nothing is submitted until you select Submit claim.',
        facts: [
          { title: 'Claim', value: 'Northwind migration (CLM-QY4WA29C)' },
          { title: 'What was delivered', value: 'Assessment of 120 servers and migration of the first 20 VMs to Azure.' },
          { title: 'Completion date', value: '27 February 2026' },
          { title: 'Evidence', value: 'https://fabrikamconsulting.sharepoint.com/northwind/assessment.pdf' },
        ],
        payout: '',
        confirmTitle: 'Submit claim',
        confirmAction: CONFIRM_SUBMIT_CLAIM_ACTION,
        reviewId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
        nomination: { claimId: 'CLM-QY4WA29C' },
        changes: [{ title: 'Proof of execution', field: 'proof' }],
      }),
    ),
    sample(
      'cancel-claim-reason',
      'textEntryCard',
      textEntryCard({
        title: 'Cancel claim: Tailspin migration (CLM-N2HQC766)',
        text: 'Canceling closes the claim for good (it is consent requested now). Why is it canceled? The reason is recorded on the claim and in its history.',
        inputId: 'reason',
        label: 'Reason',
        placeholder: 'For example: the customer chose another partner',
        value: '',
        multiline: true,
        maxLength: 500,
        errorMessage: 'Give the reason in 5 to 500 characters.',
        typeChoices: [],
        selectedType: '',
        submitTitle: 'Continue',
        action: CANCEL_REASON_ACTION,
      }),
    ),
    sample(
      'cancel-claim-confirm',
      'claimActionCard',
      claimActionCard({
        title: 'Cancel claim CLM-N2HQC766?',
        color: 'Default',
        text: 'Tailspin migration will be canceled for good; this cannot be undone.',
        facts: [
          { title: 'Customer', value: 'Tailspin Toys' },
          { title: 'Reason', value: 'The customer chose another partner.' },
        ],
        note: 'Nothing changes until you select Cancel claim.',
        buttons: [
          { title: 'Cancel claim', style: 'positive', data: { action: CONFIRM_CANCEL_CLAIM_ACTION, claimId: 'CLM-N2HQC766', reason: 'The customer chose another partner.' } },
          { title: 'Keep the claim', style: 'default', data: { action: 'cancel' } },
        ],
      }),
    ),
    sample(
      'cosell-referrals',
      'coSellReferralsCard',
      coSellReferralsCard({
        sellerName: 'Nestor Wilke',
        continued: false,
        page: {
          rows: [
            {
              referralId: 'REF-4C1B7E',
              claimId: 'CLM-N2HQC766',
              customerName: 'Tailspin Toys',
              coveredTpids: ['11520025'],
              engagementName: MIGRATE.name,
              partnerName: 'Fabrikam Consulting',
              partnerContact: { name: 'Adele Vance', email: 'adele.vance@fabrikamconsulting.com', phone: '+1 425 555 0101' },
              claimStatus: 'CONSENT_GRANTED',
              claimStatusLabel: 'Consent granted',
              referralStatusLabel: 'Active (Accepted)',
              upgradedAt: new Date('2026-02-27T16:00:00.000Z'),
            },
          ],
          nextCursor: 'eyJ0IjoiQyJ9',
        },
      }),
    ),
    sample('cosell-referrals-none', 'coSellReferralsCard', coSellReferralsCard({ sellerName: 'Nestor Wilke', continued: false, page: { rows: [], nextCursor: null } })),
    sample(
      'cosell-referral-one',
      'coSellReferralCard',
      coSellReferralCard({
        sellerName: 'Nestor Wilke',
        row: {
          referralId: 'REF-N2HQC766',
          claimId: 'CLM-N2HQC766',
          customerName: 'Tailspin Toys',
          coveredTpids: ['11520025'],
          engagementName: MIGRATE.name,
          partnerName: 'Fabrikam Consulting',
          partnerContact: { name: 'Adele Vance', email: 'adele.vance@fabrikamconsulting.com', phone: '+1 425 555 0101' },
          claimStatus: 'CONSENT_GRANTED',
          claimStatusLabel: 'Consent granted',
          referralStatusLabel: 'Active (Accepted)',
          upgradedAt: new Date('2026-02-27T16:00:00.000Z'),
        },
      }),
    ),
    sample(
      'notification-consent-accepted',
      'notificationCard',
      notificationCard(
        notificationFor({
          event: 'consent.accepted',
          claimId: 'CLM-N2HQC766',
          payload: { customerName: 'Tailspin Toys', engagementName: MIGRATE.name, text: 'Tailspin Toys accepted consent for Tailspin migration.' },
        }),
      ),
    ),
    sample(
      'notification-deadline',
      'notificationCard',
      notificationCard(
        notificationFor({
          event: 'deadline.consent.reminder',
          claimId: 'CLM-7B25VBDC',
          payload: { customerName: 'Proseware, Inc.', engagementName: MIGRATE.name, text: 'The consent window of CLM-7B25VBDC ends on 20 March 2026 (1 day left).' },
        }),
      ),
    ),
    sample(
      'notification-referral-admin',
      'notificationCard',
      notificationCard(
        notificationFor(
          {
            event: 'referral.created',
            claimId: 'CLM-N2HQC766',
            payload: {
              customerName: 'Tailspin Toys',
              friendlyName: 'Tailspin migration wave 1',
              engagementName: MIGRATE.name,
              referralId: 'REF-N2HQC766',
              audience: 'referralsAdmin',
              referralsAdmins: 1,
              text: 'A partner-led referral (REF-N2HQC766) was created for Tailspin Toys, Azure Migrate and Modernize, and shared with Microsoft sellers.',
            },
          },
          { partnerCenterReferral: 'https://partner.microsoft.com/dashboard/referrals/v2/leads' },
        ),
      ),
    ),
    sample(
      'digest',
      'digestCard',
      digestCard({
        kind: 'digest.daily',
        localDate: '2026-03-03',
        timeZone: 'Europe/Amsterdam',
        asOf: '2026-03-03T07:00:00.000Z',
        scope: 'partner',
        deadlines: {
          total: 7,
          items: [
            {
              claimId: 'CLM-7B25VBDC',
              friendlyName: 'Proseware migration',
              customerName: 'Proseware, Inc.',
              engagementName: MIGRATE.name,
              status: 'CLAIMED',
              deadline: { kind: 'consent', at: '2026-03-05T09:00:00.000Z' },
              upgradedAt: null,
              action: 'sendConsent',
            },
            {
              claimId: 'CLM-N2HQC766',
              friendlyName: 'Tailspin migration wave 1',
              customerName: 'Tailspin Toys',
              engagementName: MIGRATE.name,
              status: 'REJECTED',
              deadline: { kind: 'submission', at: '2026-03-09T09:00:00.000Z' },
              upgradedAt: null,
              action: 'submitClaim',
            },
          ],
        },
        consents: {
          total: 1,
          items: [
            {
              claimId: 'CLM-Q8K2M4PX',
              friendlyName: 'Contoso data and AI',
              customerName: 'Contoso Ltd',
              engagementName: MIGRATE.name,
              status: 'CONSENT_REQUESTED',
              deadline: { kind: 'consent', at: '2026-03-25T09:00:00.000Z' },
              upgradedAt: null,
              action: 'resendConsent',
            },
          ],
        },
        rejected: { total: 0, items: [] },
        upgraded: {
          total: 1,
          items: [
            {
              claimId: 'CLM-W3RT6YZA',
              friendlyName: 'Fourth Coffee security',
              customerName: 'Fourth Coffee',
              engagementName: MIGRATE.name,
              status: 'CONSENT_REQUESTED',
              deadline: null,
              upgradedAt: '2026-03-02T16:00:00.000Z',
              action: 'viewClaim',
            },
          ],
        },
        text: 'Your daily digest: 7 deadlines this week, 1 consent awaiting an answer, 1 referral upgraded to co-sell.',
        timely: { until: '2026-03-03T19:00:00.000Z' },
      }),
    ),
    sample(
      'digest-settings',
      'digestSettingsCard',
      digestSettingsCard({ enabled: true, minutes: 450, timeZone: 'Europe/Amsterdam', zoneFromTeams: true, today: { done: false, minutes: 480, now: 400 }, changed: 'time' }),
    ),
    sample(
      'notification-cosell',
      'notificationCard',
      notificationCard(
        notificationFor({
          event: 'cosell.available',
          claimId: 'CLM-N2HQC766',
          payload: { customerName: 'Tailspin Toys', engagementName: MIGRATE.name, partnerName: 'Fabrikam Consulting', text: 'Fabrikam Consulting asks for co-sell help with Tailspin Toys.' },
        }),
      ),
    ),
    sample(
      'bulk-add-help',
      'bulkAddHelpCard',
      bulkAddHelpCard({
        downloadUrl: 'https://bot.example.com/files/bulk-add/template?expires=1&sig=x',
        columns: [
          { name: 'Customer ID', description: 'Required. A domain name, tenant ID, TPID, Azure subscription ID or MSX opportunity ID.' },
          { name: 'Engagement', description: 'Required. Its name, or enough of it: "azure migrate".' },
        ],
        maxRows: 500,
        maxSize: '1 MB',
      }),
    ),
    sample(
      'bulk-add-report',
      'bulkAddReportCard',
      bulkAddReportCard({
        downloadUrl: 'https://bot.example.com/files/bulk-add/5b0c8a52-2f7e-4f7e-9a55-0a4f2b0b6d11?expires=1&sig=x',
        report: {
          fileId: '5b0c8a52-2f7e-4f7e-9a55-0a4f2b0b6d11',
          fileName: 'customers.xlsx',
          toAdd: 17,
          toClaim: 1,
          refused: 2,
          ignoredColumns: ['Notes'],
          rows: [
            ...Array.from({ length: 17 }, (_, i) => ({
              row: i + 2,
              kind: 'add' as const,
              values: {},
              customerLabel: `Customer ${i + 1}`,
              engagementName: 'Azure Migrate and Modernize',
              input: {
                customerId: { type: 'TPID' as const, value: String(5_550_000 + i) },
                friendlyName: `Customer ${i + 1} – Azure Migrate and Modernize`,
                locationId: '4105567',
                engagementIds: ['eng-azure-migrate-modernize'],
                customerContact: { name: 'Ray Tanaka', email: 'ray@example.com', phone: null },
                partnerContact: { name: 'Ana Bowman', email: 'ana@fabrikam.example', phone: null },
              },
            })),
            { row: 19, kind: 'claim' as const, values: {}, customerName: 'Contoso Ltd', engagementName: 'Azure Migrate and Modernize', reason: 'Contoso Ltd is already known to you (it consented to you for an earlier claim), so it is claimed, not added. Nothing was created: claim it for Azure Migrate and Modernize instead.' },
            { row: 20, kind: 'refused' as const, values: {}, column: 'Customer ID', value: 'lakeshoreretail.com', reason: "domain name lakeshoreretail.com does not meet the eligibility criteria of Azure Migrate and Modernize: Azure consumption above the engagement's threshold." },
            { row: 21, kind: 'refused' as const, values: {}, column: 'Customer contact email', value: 'not-an-email', reason: 'Customer contact: enter a valid email address, such as name@example.com.' },
          ],
        },
      }),
    ),
    sample(
      'bulk-add-result',
      'bulkAddResultCard',
      bulkAddResultCard({
        kind: 'added',
        result: {
          fileName: 'customers.xlsx',
          added: [{ row: 2, customerName: 'Bellows College', claims: [{ id: 'CLM-8K2M4Q7T', friendlyName: 'Bellows College – Azure Migrate and Modernize', engagementName: 'Azure Migrate and Modernize' }] }],
          failed: [{ row: 3, reason: 'The customer already has an open claim of yours on Azure Migrate and Modernize; it was not created a second time.' }],
          skipped: 2,
        },
      }),
    ),
    sample(
      'bulk-add-already-added',
      'bulkAddResultCard',
      bulkAddResultCard({
        kind: 'alreadyAdded',
        finishedAt: new Date('2026-11-24T09:05:00.000Z'),
        result: { fileName: 'customers.xlsx', added: [{ row: 2, customerName: 'Bellows College', claims: [{ id: 'CLM-8K2M4Q7T', friendlyName: 'Bellows College – Azure Migrate and Modernize', engagementName: 'Azure Migrate and Modernize' }] }], failed: [], skipped: 0 },
      }),
    ),
  ];
}
