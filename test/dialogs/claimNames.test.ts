import { AddCustomerDialog } from '../../dialogs/addCustomerDialog';
import { CONFIRM_ADD_CUSTOMER_ACTION, NOMINATION_ACTIONS } from '../../cards/actions';
import { DEMO } from '../../prisma/demoData';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { allText, callerFor, dialogDeps, DialogDriver, lastCard, submitData } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-11-24T09:00:00.000Z');

describe('two claims added together get distinct names, shown at review', () => {
  let db: Database;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
  });
  afterAll(() => db.close());

  it('proposes the customer on the details card, shows "<name> – <engagement>" for each claim at review, and creates them so', async () => {
    const driver = new DialogDriver(new AddCustomerDialog(dialogDeps(db, clock)), { caller: await callerFor(db, DEMO.users.adminA) });
    await driver.send('add customer');
    await driver.send({ value: { action: NOMINATION_ACTIONS.chooseLocation, locationId: DEMO.locations.seattle } });
    const offered = await driver.send({ value: { action: NOMINATION_ACTIONS.enterCustomerId, customerId: 'bellowscollege.com', idType: 'AUTO' } });
    expect(allText(offered)).toContain('Azure Migrate and Modernize');
    const details = await driver.send({ value: { action: NOMINATION_ACTIONS.chooseEngagements, engagementIds: `${DEMO.engagements.azureMigrate},${DEMO.engagements.copilot}` } });
    expect(allText(details)).toContain('"value":"Bellows College"');
    const review = await driver.send({
      value: {
        action: NOMINATION_ACTIONS.submitDetails,
        friendlyName: 'Bellows College',
        customerName: 'Cameron White',
        customerEmail: 'cameron.white@bellowscollege.com',
        customerPhone: '',
        partnerName: 'Ana Bowman',
        partnerEmail: 'ana.bowman@fabrikamconsulting.com',
        partnerPhone: '',
      },
    });
    const names = ['Bellows College – Azure Migrate and Modernize', 'Bellows College – Microsoft 365 Copilot Accelerate'];
    expect(allText(review)).toContain(`"title":"Claim names","value":"${names.join('; ')}"`);
    await driver.send({ value: submitData(lastCard(review), (d) => d.action === CONFIRM_ADD_CUSTOMER_ACTION) });
    const claims = await db.prisma.claim.findMany({ where: { customer: { name: 'Bellows College' } }, orderBy: { friendlyName: 'asc' } });
    expect(claims.map((c) => c.friendlyName)).toEqual(names);
  });
});
