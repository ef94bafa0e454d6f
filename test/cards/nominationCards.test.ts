import { choiceCard } from '../../cards/choice';
import { engagementChoiceCard } from '../../cards/engagementChoice';
import { nominationConfirmationCard } from '../../cards/nominationConfirmation';
import { nominationDetailsCard } from '../../cards/nominationDetails';
import { nominationReviewCard } from '../../cards/nominationReview';
import type { AdaptiveCard } from '../../cards/render';
import { textEntryCard } from '../../cards/textEntry';
import { engagementCard } from '../../cards/nominationSteps';
import { PER_ID_HINT } from '../../services/nomination/rule';
import { adaptiveCardErrors } from '../support/cardSchema';

type Node = Record<string, unknown>;

function nodes(card: unknown): Node[] {
  const found: Node[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      found.push(node as Node);
      Object.values(node).forEach(walk);
    }
  };
  walk(card);
  return found;
}

const CARDS: [string, AdaptiveCard][] = [
  [
    'location choice',
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
      action: 'chooseLocation',
    }),
  ],
  [
    'customer id entry',
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
      action: 'enterCustomerId',
    }),
  ],
  [
    'mismatch reason entry',
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
      action: 'giveMismatchReason',
    }),
  ],
  [
    'engagement choice',
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
      action: 'chooseEngagements',
      otherIdAction: 'useOtherCustomerId',
    }),
  ],
  [
    'engagement choice with nothing eligible',
    engagementChoiceCard({ hint: '',
      title: 'Engagements for Woodgrove Bank (domain name woodgrovebank.com)',
      text: 'Woodgrove Bank is not eligible for any engagement you can nominate for.',
      eligible: [],
      ineligible: [{ name: 'Security Workshop: Threat Protection', reason: "Customer is not in the engagement's target segment" }],
      multiSelect: true,
      choiceLabel: 'Engagements',
      selected: '',
      action: 'chooseEngagements',
      otherIdAction: '',
    }),
  ],
  [
    'hours entry',
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
      action: 'enterHours',
    }),
  ],
  [
    'details',
    nominationDetailsCard({
      title: 'Claim name and contacts',
      text: 'Check the proposed claim name.',
      friendlyName: 'Bellows College – Azure Migrate and Modernize',
      customer: { name: '', email: '', phone: '' },
      partner: { name: 'Adele Vance', email: 'adele.vance@fabrikamconsulting.com', phone: '+1 425 555 0101' },
      action: 'submitDetails',
    }),
  ],
  [
    'review',
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
      confirmAction: 'confirmAddCustomer',
      reviewId: 'c9d7f1c4-6b2a-4f0e-9f55-1f7b9c1e2a33',
      nomination: { friendlyName: 'Blue Yonder PoC', engagementIds: ['eng-azure-innovate-variable'], hours: 40, customerId: { type: 'MSX_OPPORTUNITY_ID', value: '7-3QLU01LRG0' } },
      changes: [
        { title: 'Location', field: 'location' },
        { title: 'Hours', field: 'hours' },
      ],
    }),
  ],
  [
    'confirmation',
    nominationConfirmationCard({
      title: 'Customer added',
      text: 'Bellows College now appears on the Customers page of Azure Migrate and Modernize.',
      claims: [
        { id: 'CLM-8K2M4P6R', summary: 'Azure Migrate and Modernize: added by domain bellowscollege.com; ask for consent by 24 December 2026', engagementId: 'eng-azure-migrate-modernize' },
        { id: 'CLM-3N7Q9T2W', summary: 'Microsoft 365 Copilot Accelerate: added by domain bellowscollege.com; ask for consent by 24 December 2026', engagementId: 'eng-m365-copilot' },
      ],
    }),
  ],
];

describe('nomination cards', () => {
  it.each(CARDS)('%s is a valid Adaptive Card 1.5 with every template expression bound', (_name, card) => {
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(card.version).toBe('1.5');
    expect(JSON.stringify(card)).not.toContain('${');
  });

  it.each(CARDS)('%s: every input has a label, and required ones an error message; every submit carries data.action', (_name, card) => {
    for (const node of nodes(card)) {
      if (typeof node.type === 'string' && node.type.startsWith('Input.')) {
        expect(node.label).toEqual(expect.any(String));
        if (node.isRequired) expect(node.errorMessage).toEqual(expect.any(String));
      }
      if (node.type === 'Action.Submit') expect((node.data as Node).action).toEqual(expect.any(String));
    }
  });

  it('keeps the review\'s whole nomination and the review id on the confirm button, and one change button per answer', () => {
    const review = CARDS.find(([name]) => name === 'review')?.[1];
    const submits = nodes(review).filter((n) => n.type === 'Action.Submit').map((n) => n.data as Node);
    expect(submits[0]).toEqual({
      action: 'confirmAddCustomer',
      reviewId: 'c9d7f1c4-6b2a-4f0e-9f55-1f7b9c1e2a33',
      nomination: { friendlyName: 'Blue Yonder PoC', engagementIds: ['eng-azure-innovate-variable'], hours: 40, customerId: { type: 'MSX_OPPORTUNITY_ID', value: '7-3QLU01LRG0' } },
    });
    expect(submits.filter((d) => d.action === 'changeAnswer').map((d) => d.field)).toEqual(['location', 'hours']);
  });

  it('drops the choice set and Next when nothing is eligible, and the id type choice when not asked', () => {
    const none = JSON.stringify(CARDS.find(([name]) => name === 'engagement choice with nothing eligible')?.[1]);
    expect(none).not.toContain('"engagementIds"');
    expect(none).not.toContain('"Next"');
    expect(none).not.toContain('Use another customer ID');
    const hours = JSON.stringify(CARDS.find(([name]) => name === 'hours entry')?.[1]);
    expect(hours).not.toContain('"idType"');
  });

  it('gives each claim on the confirmation its own Send consent and Customers page buttons, and no top-level actions (Teams shows six at most)', () => {
    const confirmation = CARDS.find(([name]) => name === 'confirmation')?.[1];
    expect(confirmation?.actions).toBeUndefined();
    const actionSets = nodes(confirmation).filter((n) => n.type === 'ActionSet');
    expect(actionSets.map((set) => (set.actions as Node[]).map((a) => a.data))).toEqual([
      [{ action: 'sendConsent', claimId: 'CLM-8K2M4P6R' }, { action: 'showTab', engagementId: 'eng-azure-migrate-modernize', tab: 'eligible' }],
      [{ action: 'sendConsent', claimId: 'CLM-3N7Q9T2W' }, { action: 'showTab', engagementId: 'eng-m365-copilot', tab: 'eligible' }],
    ]);
  });
});

describe('the engagements step card', () => {
  it('lists each ineligible engagement with its own reason and says the per-id hint once, under the list', () => {
    const card = engagementCard(
      [
        { engagementId: 'e1', engagementName: 'Azure Migrate', payType: 'FIXED', eligible: true, via: { type: 'DOMAIN', value: 'x.com' } },
        { engagementId: 'e2', engagementName: 'Security', payType: 'FIXED', eligible: false, code: 'NOT_IN_CATALOG', reason: 'domain name x.com is not found in the eligibility list of Security.', hint: PER_ID_HINT },
        { engagementId: 'e3', engagementName: 'Copilot', payType: 'FIXED', eligible: false, code: 'CRITERIA_NOT_MET', reason: 'domain name x.com does not meet the eligibility criteria of Copilot.', hint: PER_ID_HINT },
      ],
      { customer: 'X', selected: [], otherIdAction: '', note: '' },
    );
    expect(adaptiveCardErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text.split('Eligibility is checked per id').length - 1).toBe(1);
    const facts = nodes(card).filter((n) => n.type === 'FactSet').flatMap((n) => n.facts as { value: string }[]);
    expect(facts.map((f) => f.value)).toEqual([
      'domain name x.com is not found in the eligibility list of Security.',
      'domain name x.com does not meet the eligibility criteria of Copilot.',
    ]);
  });
});
