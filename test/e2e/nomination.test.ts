import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { DEMO } from '../../prisma/demoData';
import { eligibleTab } from '../../services/customersPage/page';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';
import { CaptureConnector } from '../support/captureConnector';
import { cardOf, messageActivity, postActivity } from '../support/activities';
import { createDemoDatabase } from '../support/testDatabase';

const logger = pino({ level: 'silent' });

/** The replies of one user turn: their texts and cards (each card checked against the 1.5 schema). */
interface TurnReplies {
  text: string;
  cards: Record<string, unknown>[];
}

describe('Add customer and Claim customer through the real HTTP server (local mode)', () => {
  let app: RunningApp | undefined;
  const connector = new CaptureConnector();
  let serviceUrl: string;

  beforeAll(async () => {
    serviceUrl = await connector.start();
    app = await startApp(loadConfig({ PORT: '0' }), { logger, db: await createDemoDatabase(), host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.stop();
    await connector.stop();
  });

  function running(): RunningApp {
    if (!app) throw new Error('app not started');
    return app;
  }

  /** Posts one user turn and returns every reply the bot sent for it (the turn is complete when the POST answers). */
  async function say(conversationId: string, aadObjectId: string, message: { text?: string; value?: Record<string, unknown> }): Promise<TurnReplies> {
    const before = connector.activities.length;
    const res = await postActivity(running().url, messageActivity({ serviceUrl, conversationId, aadObjectId, ...message }));
    expect(res.status).toBe(200);
    await connector.waitFor(before + 1);
    const replies = connector.activities.slice(before).filter((a) => a.conversationId === conversationId);
    const cards = replies.flatMap((r) => {
      const card = cardOf(r.body);
      return card ? [card] : [];
    });
    for (const card of cards) expect(adaptiveCardErrors(card)).toEqual([]);
    return { text: replies.map((r) => `${typeof r.body.text === 'string' ? r.body.text : ''} ${JSON.stringify(cardOf(r.body) ?? {})}`).join('\n'), cards };
  }

  function lastCard(turn: TurnReplies): Record<string, unknown> {
    const card = turn.cards[turn.cards.length - 1];
    if (!card) throw new Error(`no card in: ${turn.text}`);
    return card;
  }

  /** The details card submitted with its pre-filled values and the customer contact given. */
  function detailsSubmission(card: Record<string, unknown>, change: Record<string, string>): Record<string, unknown> {
    const values: Record<string, unknown> = { action: 'submitDetails' };
    for (const element of card.body as Record<string, unknown>[]) {
      if (typeof element.id === 'string') values[element.id] = element.value ?? '';
    }
    return { ...values, ...change };
  }

  function confirmData(card: Record<string, unknown>, action: string): Record<string, unknown> {
    const data = submitActions(card).find((a) => a.data.action === action)?.data;
    if (!data) throw new Error(`no ${action} button`);
    return data;
  }

  it('adds a FIXED customer by domain with the one-line shortcut in three user turns, shows it on the Eligible tab, and refuses a second click', async () => {
    const conversation = 'e2e-add-fixed';
    const user = DEMO.users.adminA;
    let turns = 0;
    const turn = async (message: { text?: string; value?: Record<string, unknown> }) => {
      turns += 1;
      return say(conversation, user, message);
    };
    const first = await turn({ text: 'add firstupconsultants.com to Security' });
    expect(first.text).toContain('Fabrikam Consulting — Seattle (4105567), the one you used last');
    expect(first.text).toContain('First Up Consultants – Security Workshop: Threat Protection');
    const second = await turn({ value: detailsSubmission(lastCard(first), { customerName: 'Tomas Oliveira', customerEmail: 'tomas.oliveira@firstupconsultants.com' }) });
    expect(second.text).toContain('Review: add customer');
    const third = await turn({ value: confirmData(lastCard(second), 'confirmAddCustomer') });
    expect(third.text).toContain('Customer added');
    expect(turns).toBe(3);

    const again = await say(conversation, user, { value: confirmData(lastCard(second), 'confirmAddCustomer') });
    expect(again.text).toContain('already has an open claim of yours on Security Workshop: Threat Protection');
    expect(await running().db.prisma.claim.count({ where: { customer: { name: 'First Up Consultants' } } })).toBe(1);

    const claim = await running().db.prisma.claim.findFirstOrThrow({ where: { customer: { name: 'First Up Consultants' }, partnerId: DEMO.partnerA } });
    expect(claim).toMatchObject({ engagementId: DEMO.engagements.security, idType: 'DOMAIN', idValue: 'firstupconsultants.com', origin: 'ADDED', locationId: DEMO.locations.seattle });
    expect(third.text).toContain(claim.id);
    const tab = await eligibleTab(running().db, running().clock, { partnerId: DEMO.partnerA, engagementId: DEMO.engagements.security, pageSize: 50 });
    expect(tab.rows.find((row) => row.customerName === 'First Up Consultants')?.claim?.id).toBe(claim.id);
  });

  it('adds a VARIABLE customer by MSX opportunity id with hours, showing the proposed payout', async () => {
    const conversation = 'e2e-add-variable';
    const user = DEMO.users.userA;
    const first = await say(conversation, user, { text: 'add 7-QIMLX96595 to azure innovate' });
    expect(first.text).toContain('your only MCI-enrolled location enrolled for this engagement');
    expect(first.text).toContain('Hours (1 to 120)');
    const hours = await say(conversation, user, { value: { action: 'enterHours', hours: '40' } });
    const review = await say(conversation, user, {
      value: detailsSubmission(lastCard(hours), { customerName: 'Megan Connolly', customerEmail: 'megan.connolly@cpandl.com' }),
    });
    expect(review.text).toContain('$8,000: 40 hours × $200 an hour');
    const done = await say(conversation, user, { value: confirmData(lastCard(review), 'confirmAddCustomer') });
    expect(done.text).toContain('proposed payout $8,000');
    const claim = await running().db.prisma.claim.findFirstOrThrow({ where: { idValue: '7-QIMLX96595', partnerId: DEMO.partnerA } });
    expect(claim).toMatchObject({ engagementId: DEMO.engagements.innovateVariable, hours: 40, proposedPayoutUsd: 8000, origin: 'ADDED' });
  });

  it('claims a known customer from the Eligible tab button', async () => {
    const conversation = 'e2e-claim';
    const user = DEMO.users.userA;
    const first = await say(conversation, user, { value: { action: 'claimCustomer', customerId: DEMO.customers.contoso, engagementId: DEMO.engagements.azureMigrate } });
    expect(first.text).toContain('patti.fernandez@contoso.com');
    const review = await say(conversation, user, { value: detailsSubmission(lastCard(first), {}) });
    const done = await say(conversation, user, { value: confirmData(lastCard(review), 'confirmClaimCustomer') });
    expect(done.text).toContain('Customer claimed');
    const claims = await running().db.prisma.claim.findMany({
      where: { customerId: DEMO.customers.contoso, engagementId: DEMO.engagements.azureMigrate, partnerId: DEMO.partnerA, openClaimKey: { not: null } },
    });
    expect(claims.map((c) => [c.origin, c.createdByUserId])).toEqual([['CLAIMED', DEMO.userIds.userA]]);
  });

  it('refuses to add a customer who must be claimed, and creates nothing', async () => {
    const before = await running().db.prisma.claim.count();
    const refused = await say('e2e-refused', DEMO.users.adminA, { text: 'add contoso.com to Azure Migrate' });
    expect(refused.text).toContain('Contoso Ltd is already known to you');
    expect(refused.text).toContain('so it is claimed, not added');
    expect(await running().db.prisma.claim.count()).toBe(before);
  });
});
