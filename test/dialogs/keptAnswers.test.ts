import { DEMO } from '../../prisma/demoData';
import { AddCustomerDialog } from '../../dialogs/addCustomerDialog';
import { NOMINATION_ACTIONS } from '../../cards/actions';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { allText, callerFor, dialogDeps, DialogDriver, lastCard, type Reply } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';

/** Nothing typed is lost: every card asked again comes back with what was typed, and what was wrong next to the field. */

const NOW = new Date('2026-11-24T09:00:00.000Z');

/** The inputs of a card by id, with their values (multi-select choice sets as their comma-separated value). */
function inputsOf(card: Record<string, unknown>): Record<string, { type: string; value: unknown; after: string }> {
  const found: Record<string, { type: string; value: unknown; after: string }> = {};
  const body = card.body as Record<string, unknown>[];
  body.forEach((element, index) => {
    if (typeof element.type === 'string' && element.type.startsWith('Input.') && typeof element.id === 'string') {
      const next = body[index + 1];
      const after = next && next.type === 'TextBlock' && next.color === 'Attention' ? String(next.text) : '';
      found[element.id] = { type: element.type, value: element.value, after };
    }
  });
  return found;
}

describe('Kept answers in Add customer', () => {
  let db: Database;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
  });
  afterAll(() => db.close());

  async function start(): Promise<{ driver: DialogDriver; first: Reply[] }> {
    const driver = new DialogDriver(new AddCustomerDialog(dialogDeps(db, clock)), { caller: await callerFor(db, DEMO.users.adminA) });
    let first = await driver.send('add customer');
    if (allText(first).includes('Which location is this for?')) first = await driver.send({ value: { action: NOMINATION_ACTIONS.chooseLocation, locationId: DEMO.locations.seattle } });
    return { driver, first };
  }

  it('a wrong id comes back on the id card as typed, with its type and the problem under it', async () => {
    const { driver } = await start();
    const replies = await driver.send({ value: { action: NOMINATION_ACTIONS.enterCustomerId, customerId: 'bellows college', idType: 'DOMAIN' } });
    const inputs = inputsOf(lastCard(replies));
    expect(inputs.customerId?.value).toBe('bellows college');
    expect(inputs.customerId?.after).toMatch(/domain/i);
    expect(inputs.idType?.value).toBe('DOMAIN');
  });

  it('a domain with no Microsoft tenant comes back on the id card as typed', async () => {
    const { driver } = await start();
    const replies = await driver.send({ value: { action: NOMINATION_ACTIONS.enterCustomerId, customerId: 'no-such-customer.example', idType: 'AUTO' } });
    const inputs = inputsOf(lastCard(replies));
    expect(inputs.customerId?.value).toBe('no-such-customer.example');
    expect(inputs.customerId?.after).not.toBe('');
  });

  it('"Change an answer → Engagements" shows the engagements chosen ticked, and the details card keeps every field typed', async () => {
    const { driver } = await start();
    const offered = await driver.send({ value: { action: NOMINATION_ACTIONS.enterCustomerId, customerId: 'bellowscollege.com', idType: 'AUTO' } });
    const choices = ((lastCard(offered).body as Record<string, unknown>[]).find((e) => e.id === 'engagementIds')?.choices ?? []) as { value: string }[];
    const two = choices.slice(0, 2).map((c) => c.value);
    expect(two).toHaveLength(2);
    const detailsAsked = await driver.send({ value: { action: NOMINATION_ACTIONS.chooseEngagements, engagementIds: two.join(',') } });
    expect(allText(detailsAsked)).toContain('Claim name and contacts');

    const typed = {
      action: NOMINATION_ACTIONS.submitDetails,
      friendlyName: 'Bellows pilot',
      customerName: 'Cameron White',
      customerEmail: 'cameron.white@',
      customerPhone: '+1 555 0100',
      partnerName: 'Adele Vance',
      partnerEmail: 'adele.vance@fabrikamconsulting.com',
      partnerPhone: '',
    };
    const wrong = inputsOf(lastCard(await driver.send({ value: typed })));
    expect(wrong.friendlyName?.value).toBe('Bellows pilot');
    expect(wrong.customerName?.value).toBe('Cameron White');
    expect(wrong.customerEmail?.value).toBe('cameron.white@');
    expect(wrong.customerEmail?.after).toMatch(/email/i);
    expect(wrong.customerName?.after).toBe('');
    expect(wrong.customerPhone?.value).toBe('+1 555 0100');

    const review = await driver.send({ value: { ...typed, customerEmail: 'cameron.white@bellowscollege.com' } });
    expect(allText(review)).toContain('Review: add customer');
    const again = await driver.send({ value: { action: NOMINATION_ACTIONS.changeAnswer, field: 'engagements' } });
    const ticked = inputsOf(lastCard(again)).engagementIds?.value;
    expect(String(ticked).split(',').sort()).toEqual([...two].sort());
  });

  it('the location used without asking is said first with Change, and Change works at a later step, the customer kept', async () => {
    await db.prisma.partnerUser.update({ where: { id: DEMO.userIds.adminA }, data: { lastLocationId: DEMO.locations.toronto } });
    const driver = new DialogDriver(new AddCustomerDialog(dialogDeps(db, clock)), { caller: await callerFor(db, DEMO.users.adminA) });
    const first = await driver.send('add customer');
    // One card: the location on top of the first question, so that a card answered in place shows both.
    expect(first.filter((r) => r.card)).toHaveLength(1);
    expect(JSON.stringify(first[0]?.card)).toContain('Location: Fabrikam Consulting — Toronto (4329981), the one you used last');
    expect(JSON.stringify(first[0]?.card)).toContain('Which customer?');
    expect(allText(first)).toContain('Change location');
    const offered = await driver.send({ value: { action: NOMINATION_ACTIONS.enterCustomerId, customerId: 'bellowscollege.com', idType: 'AUTO' } });
    expect(allText(offered)).toContain('Engagements for Bellows College');
    const asked = await driver.send({ value: { action: NOMINATION_ACTIONS.changeAnswer, field: 'location' } });
    expect(allText(asked)).toContain('Which location is this for?');
    expect(allText(asked)).not.toContain('belongs to another step');
    const again = await driver.send({ value: { action: NOMINATION_ACTIONS.chooseLocation, locationId: DEMO.locations.seattle } });
    expect(allText(again)).toContain('Engagements for Bellows College');
    expect(allText(again)).not.toContain('Which customer?');
  });
});
