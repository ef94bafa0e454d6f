import { DEMO } from '../../prisma/demoData';
import { CONFIRM_CLAIM_CUSTOMER_ACTION } from '../../cards/actions';
import { ClaimCustomerDialog } from '../../dialogs/claimCustomerDialog';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { callerFor, detailsAsProposed, dialogDeps, DialogDriver, lastCard, runSteps, submitData, type Reply, type Step, type Turn } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';

/**
 * Claim customer for a VARIABLE engagement when the customer has several eligible MSX
 * opportunities (Relecloud, a known customer of partner A, has two for Azure Innovate Variable
 * Pay): the partner picks the one the claim is paid on, each shown with its payout.
 */

const NOW = new Date('2026-11-24T09:00:00.000Z');
const AKS = '7-NAR0CF4JAF';
const DATA_ESTATE = '7-9LN8U3ZCDX';

const confirm = (last: Reply[]): Turn => ({ value: submitData(lastCard(last), (d) => d.action === CONFIRM_CLAIM_CUSTOMER_ACTION) });

const fromEligibleTab = { value: { action: 'claimCustomer', customerId: DEMO.customers.relecloud, engagementId: DEMO.engagements.innovateVariable } };

describe('Claim customer: the MSX opportunity a VARIABLE claim is paid on', () => {
  let db: Database;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
  });
  afterAll(() => db.close());

  async function run(steps: Step[]): Promise<DialogDriver> {
    const options = { caller: await callerFor(db, DEMO.users.adminA), customerId: DEMO.customers.relecloud, engagementId: DEMO.engagements.innovateVariable };
    const driver = new DialogDriver(new ClaimCustomerDialog(dialogDeps(db, clock)), options);
    await runSteps(driver, steps);
    return driver;
  }

  const openClaims = () =>
    db.prisma.claim.findMany({ where: { customerId: DEMO.customers.relecloud, engagementId: DEMO.engagements.innovateVariable, openClaimKey: { not: null } } });

  const question = 'Which opportunity is Azure Innovate Variable Pay paid on?';
  const dataEstateChoice = `${DATA_ESTATE}: Relecloud – Data estate migration, $180,000 — $5,250 for 30 hours × $175`;
  const aksChoice = `${AKS}: Relecloud – AKS platform modernization, $620,000 — $6,000 for 30 hours × $200`;

  // Runs first: it creates nothing, so Relecloud is still eligible for the claim the next test makes.
  it('takes a typed answer, refuses one that names no opportunity, and offers Change an answer → Opportunity at review with the pick kept', async () => {
    await run([
      { send: fromEligibleTab, expect: ['Hours for Azure Innovate Variable Pay'], reject: [question] },
      { send: '30', expect: [question, dataEstateChoice, aksChoice] },
      { send: 'help', expect: ['Choose the MSX opportunity the claim is paid on'] },
      { send: 'relecloud', expect: ['"relecloud" is not one of the customer\'s eligible opportunities', question] },
      { send: 'data estate', expect: ['Claim name and contacts'] },
      { send: detailsAsProposed, expect: [`MSX opportunity ID ${DATA_ESTATE}`, '$5,250: 30 hours × $175 an hour', '"field":"opportunity"'] },
      // Asked again with the pick as the default.
      { send: 'change opportunity', expect: [question, `"value":"${DATA_ESTATE}"`] },
      { send: { value: { action: 'chooseOpportunity', opportunityId: AKS } }, expect: [`MSX opportunity ID ${AKS}`, '$6,000: 30 hours × $200 an hour'], reject: ['Check the proposed claim name'] },
      { send: 'cancel' },
    ]);
    expect(await openClaims()).toEqual([]);
  });

  it('asks for the opportunity after the hours, each with its payout, and claims on the one picked (the second), paid on it', async () => {
    const driver = await run([
      { send: fromEligibleTab, expect: ['Hours for Azure Innovate Variable Pay'] },
      { send: { value: { action: 'enterHours', hours: '30' } }, expect: [question, dataEstateChoice, aksChoice] },
      { send: { value: { action: 'chooseOpportunity', opportunityId: AKS } }, expect: ['Claim name and contacts', 'miriam.graham@relecloud.com'] },
      { send: detailsAsProposed, expect: ['Review: claim customer', `MSX opportunity ID ${AKS}`, `$6,000: 30 hours × $200 an hour, for opportunity ${AKS}`] },
      { send: confirm, expect: ['Customer claimed', `by msx opportunity id ${AKS}`, 'proposed payout $6,000'] },
    ]);
    expect(driver.turns).toBe(5);
    const claims = await openClaims();
    expect(claims.map((c) => [c.partnerId, c.idType, c.idValue, c.hours, c.proposedPayoutUsd])).toEqual([[DEMO.partnerA, 'MSX_OPPORTUNITY_ID', AKS, 30, 6000]]);
  });
});
