import { DEMO } from '../../prisma/demoData';
import { ClaimCustomerDialog, type ClaimCustomerOptions } from '../../dialogs/claimCustomerDialog';
import { parseShortcut, resolveAddShortcut, resolveClaimShortcut, type Shortcut } from '../../dialogs/shortcuts';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import type { PartnerCaller } from '../../services/directory';
import { allText, callerFor, detailsAsProposed, dialogDeps, DialogDriver, lastCard, runSteps, submitData, type Reply, type Step, type Turn } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';
import { CONFIRM_CLAIM_CUSTOMER_ACTION } from '../../cards/actions';

const NOW = new Date('2026-11-24T09:00:00.000Z');

const confirm = (last: Reply[]): Turn => ({ value: submitData(lastCard(last), (d) => d.action === CONFIRM_CLAIM_CUSTOMER_ACTION) });

describe('Claim customer dialog', () => {
  let db: Database;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
  });
  afterAll(() => db.close());

  async function run(aad: string, options: Omit<ClaimCustomerOptions, 'caller'>, steps: Step[]): Promise<DialogDriver> {
    const driver = new DialogDriver(new ClaimCustomerDialog(dialogDeps(db, clock)), { caller: await callerFor(db, aad), ...options });
    await runSteps(driver, steps);
    return driver;
  }

  const openClaims = (customerId: string, engagementId: string) =>
    db.prisma.claim.findMany({ where: { customerId, engagementId, partnerId: DEMO.partnerA, openClaimKey: { not: null } } });

  it('claims a known customer from the Eligible tab in three turns: the only possible location is chosen and said, contacts proposed', async () => {
    const driver = await run(DEMO.users.userA, { customerId: DEMO.customers.contoso, engagementId: DEMO.engagements.azureMigrate }, [
      {
        send: { value: { action: 'claimCustomer', customerId: DEMO.customers.contoso, engagementId: DEMO.engagements.azureMigrate } },
        expect: [
          'Fabrikam Consulting — Seattle (4105567), your only MCI-enrolled location enrolled for this engagement',
          'Contoso Ltd – Azure Migrate and Modernize',
          'patti.fernandez@contoso.com',
          'alex.wilber@fabrikamconsulting.com',
        ],
        reject: ['Toronto'],
      },
      { send: (last) => detailsAsProposed(last), expect: ['Review: claim customer', 'Contoso Ltd', 'Patti Fernandez'] },
      { send: confirm, expect: ['Customer claimed', 'Customers page of Azure Migrate and Modernize'] },
    ]);
    expect(driver.turns).toBe(3);
    const claims = await openClaims(DEMO.customers.contoso, DEMO.engagements.azureMigrate);
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({
      origin: 'CLAIMED',
      status: 'CLAIMED',
      locationId: DEMO.locations.seattle,
      idType: 'DOMAIN',
      idValue: 'contoso.co.uk',
      friendlyName: 'Contoso Ltd – Azure Migrate and Modernize',
      customerContactName: 'Patti Fernandez',
      partnerContactEmail: 'alex.wilber@fabrikamconsulting.com',
      createdByUserId: DEMO.userIds.userA,
    });
  });

  it('claims by `claim customer`: customer chosen by typed name, eligible engagements listed with the others\' reasons, VARIABLE hours and payout', async () => {
    await run(DEMO.users.adminA, {}, [
      { send: 'claim customer', expect: ['Which customer?', 'Northwind Traders', 'Contoso Ltd'], reject: ['Bellows'] },
      { send: 'zzz', expect: ['"zzz" is not one of your known customers'] },
      { send: 'help', expect: ['Choose one of your known customers', 'Type **cancel** to stop'] },
      { send: 'w', expect: ['"w" matches several known customers'] },
      {
        send: 'northwind',
        expect: [
          'Seattle (4105567), the one you used last',
          'Engagements for Northwind Traders',
          'already has an open claim of yours on Microsoft 365 Copilot Accelerate (CLM-QY4WA29C)',
          'Location 4105567 is not enrolled for Dynamics 365 Business Central Quick Start',
          '"title":"Azure Innovate Variable Pay"',
        ],
      },
      { send: { value: { action: 'chooseEngagements', engagementIds: DEMO.engagements.copilot } }, expect: ['already has an open claim of yours on Microsoft 365 Copilot Accelerate'] },
      { send: { value: { action: 'chooseEngagements', engagementIds: DEMO.engagements.innovateVariable } }, expect: ['Hours (1 to 120)'] },
      { send: '200', expect: ['allows at most 120 hours'] },
      { send: { value: { action: 'enterHours', hours: '30' } }, expect: ['Northwind Traders – Azure Innovate Variable Pay', 'nestor.wilke@northwindtraders.com'] },
      // The card comes back as typed (the wrong email included, the other fields kept), the problem under the email.
      {
        send: (last) => detailsAsProposed(last, { customerEmail: 'nestor@', customerName: 'Nestor W.' }),
        expect: ['Customer contact: enter a valid email address', '"value":"nestor@"', '"value":"Nestor W."', '"color":"Attention"'],
      },
      {
        send: (last) => detailsAsProposed(last, { friendlyName: 'Northwind order PoC', customerEmail: 'nestor.wilke@northwindtraders.com' }),
        expect: ['$5,250: 30 hours × $175 an hour', '7-C65XMGU3KD', 'Nestor W.'],
      },
      { send: 'maybe', expect: ['Select **Claim customer** on the review card'] },
      { send: confirm, expect: ['Customer claimed', 'proposed payout $5,250'] },
    ]);
    const claims = await openClaims(DEMO.customers.northwind, DEMO.engagements.innovateVariable);
    expect(claims.map((c) => [c.origin, c.idType, c.idValue, c.hours, c.proposedPayoutUsd, c.friendlyName])).toEqual([
      ['CLAIMED', 'MSX_OPPORTUNITY_ID', '7-C65XMGU3KD', 30, 5250, 'Northwind order PoC'],
    ]);
  });

  it('changes the claim name and contacts at review (typed `change contacts`), keeping the location and engagement', async () => {
    await run(DEMO.users.adminA, { customerId: DEMO.customers.tailspin, engagementId: DEMO.engagements.security }, [
      { send: 'claim tailspin for security', expect: ['Claim name and contacts', 'grady.archie@tailspintoys.com'] },
      { send: (last) => detailsAsProposed(last), expect: ['Review: claim customer'] },
      { send: 'change customer id', expect: ['That answer cannot be changed here'] },
      { send: 'change contacts', expect: ['Claim name and contacts', 'Tailspin Toys – Security Workshop: Threat Protection'] },
      { send: (last) => detailsAsProposed(last, { friendlyName: 'Tailspin security', customerName: 'Grady A.' }), expect: ['Tailspin security', 'Grady A.', 'Seattle'] },
      { send: confirm, expect: ['Customer claimed'] },
    ]);
    const claims = await openClaims(DEMO.customers.tailspin, DEMO.engagements.security);
    expect(claims.map((c) => [c.friendlyName, c.customerContactName, c.locationId])).toEqual([['Tailspin security', 'Grady A.', DEMO.locations.seattle]]);
  });

  it.each([
    ['a customer who is not known to the partner', DEMO.users.adminA, DEMO.customers.bellows, DEMO.engagements.security, 'is not one of your known customers'],
    ['a user without a role', DEMO.users.noRoleA, DEMO.customers.contoso, DEMO.engagements.security, 'no incentives role yet'],
    ['a customer of another partner', DEMO.users.adminB, DEMO.customers.contoso, DEMO.engagements.security, 'is not one of your known customers'],
  ])('refuses %s and creates nothing', async (_name, aad, customerId, engagementId, message) => {
    const before = await db.prisma.claim.count();
    const driver = await run(aad, { customerId, engagementId }, [{ send: { value: { action: 'claimCustomer', customerId, engagementId } }, expect: [message] }]);
    expect(driver.client.dialogTurnResult.status).toBe('complete');
    expect(await db.prisma.claim.count()).toBe(before);
  });

  it('refuses a second click on the same confirm card with the service\'s message: one claim', async () => {
    let review: Reply[] = [];
    await run(DEMO.users.userA, { customerId: DEMO.customers.adventureWorks, engagementId: DEMO.engagements.copilot }, [
      { send: 'claim adventure works for copilot', expect: ['Claim name and contacts'] },
      { send: (last) => detailsAsProposed(last) },
      {
        send: (last) => {
          review = last;
          return confirm(last);
        },
        expect: ['Customer claimed'],
      },
    ]);
    const again = new DialogDriver(new ClaimCustomerDialog(dialogDeps(db, clock)), { caller: await callerFor(db, DEMO.users.userA) });
    const second = await again.send(confirm(review));
    expect(allText(second)).toContain('already has an open claim of yours on Microsoft 365 Copilot Accelerate');
    expect(allText(second)).toContain('Nothing was created');
    expect(await openClaims(DEMO.customers.adventureWorks, DEMO.engagements.copilot)).toHaveLength(1);
  });

  describe('shortcut resolution against the demo data', () => {
    const shortcut = (line: string): Shortcut => {
      const parsed = parseShortcut(line);
      if (!parsed) throw new Error(`not a shortcut: ${line}`);
      return parsed;
    };
    const nomination = () => dialogDeps(db, clock).services.nomination;
    const partnerCaller = async (aad: string): Promise<PartnerCaller> => {
      const caller = await callerFor(db, aad);
      if (caller.kind !== 'partnerUser') throw new Error('expected a partner user');
      return caller;
    };

    it('resolves `add <id> to <engagement>` with the engagement matched loosely', async () => {
      const caller = await partnerCaller(DEMO.users.adminA);
      const parsed = shortcut('add contoso.com to Azure Migrate');
      if (parsed.kind !== 'add') throw new Error('expected add');
      expect(await resolveAddShortcut(nomination(), caller, parsed)).toEqual({ ok: true, options: { caller, idText: 'contoso.com', engagementId: DEMO.engagements.azureMigrate } });
      const vague = shortcut('add contoso.com to azure');
      if (vague.kind !== 'add') throw new Error('expected add');
      expect(await resolveAddShortcut(nomination(), caller, vague)).toMatchObject({ ok: false, message: expect.stringContaining('matches several engagements') as unknown });
    });

    it.each([
      ['claim northwind for security', { ok: true }],
      ['claim 64332379 for data & ai', { ok: true }],
      ['claim bellows for security', { ok: false, message: expect.stringContaining('is not one of your known customers') as unknown }],
      ['claim contoso for nothing at all', { ok: false, message: expect.stringContaining('no open engagement called "nothing at all"') as unknown }],
    ])('%s', async (line, expected) => {
      const caller = await partnerCaller(DEMO.users.adminA);
      const parsed = shortcut(line);
      if (parsed.kind !== 'claim') throw new Error('expected claim');
      expect(await resolveClaimShortcut(nomination(), caller, parsed)).toMatchObject(expected);
    });
  });
});
