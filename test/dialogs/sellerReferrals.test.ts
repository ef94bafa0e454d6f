import { AutoSaveStateMiddleware, MemoryStorage, TestAdapter, TurnContext, UserState, type Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { MainDialog } from '../../dialogs/mainDialog';
import { DEMO } from '../../prisma/demoData';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';
import { dialogDeps, type Reply } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-03-02T09:00:00.000Z');

/** The Customers-page and flow verbs: none may appear on a seller's card. */
const CHANGING_VERBS = ['addCustomer', 'claimCustomer', 'sendConsent', 'resendConsent', 'submitClaim', 'viewClaim', 'showTab'];

describe('a Microsoft field seller talking to the bot (demo data)', () => {
  let db: Database;
  let client: DialogTestClient;
  let dialog: MainDialog;
  let coveredCustomers: string[];

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    const userState = new UserState(new MemoryStorage());
    dialog = new MainDialog(dialogDeps(db, new FixedClock(NOW)), userState);
    client = new DialogTestClient('msteams', dialog, undefined, [new AutoSaveStateMiddleware(userState)]);
    const coverage = await db.prisma.sellerCoverage.findMany({ where: { sellerId: DEMO.sellerId }, select: { tpid: true } });
    const customers = await db.prisma.customer.findMany({ where: { identifiers: { some: { type: 'TPID', value: { in: coverage.map((c) => c.tpid) } } } }, select: { name: true } });
    coveredCustomers = customers.map((c) => c.name);
    // A co-sell referral for a customer the demo seller does not cover, which they must not see.
    const uncovered = await db.prisma.claim.findFirstOrThrow({ where: { referral: null, customer: { name: { notIn: coveredCustomers } } }, orderBy: { id: 'asc' } });
    await db.prisma.referral.create({
      data: { id: 'REF-NOT-COVERED', claimId: uncovered.id, partnerId: uncovered.partnerId, dealType: 'CO_SELL', status: 'ACTIVE', substatus: 'ACCEPTED', dealSizeUsd: 123_457, upgradedAt: NOW },
    });
  }, 60_000);

  afterAll(async () => {
    await db.close();
  });

  async function say(turn: string | Record<string, unknown>): Promise<Reply[]> {
    const from = { id: 'teams-seller', name: 'seller', aadObjectId: DEMO.seller };
    const activity: Partial<Activity> = typeof turn === 'string' ? { type: 'message', text: turn, from } : { type: 'message', value: turn, from };
    const replies: Reply[] = [];
    let next = (await client.sendActivity(activity)) as Partial<Activity> | undefined;
    while (next) {
      const card = next.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content as Record<string, unknown> | undefined;
      replies.push({ text: next.text ?? '', card });
      next = client.getNextReply();
    }
    return replies;
  }

  it.each(['hi', 'help', 'referrals', 'co-sell'])('answers "%s" with the co-sell referrals of the customers they cover, read-only', async (text) => {
    const replies = await say(text);
    expect(replies).toHaveLength(1);
    const card = replies[0]?.card;
    expect(adaptiveCardErrors(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain('Co-sell referrals for customers you cover');
    expect(json).not.toContain('That command is for partner staff');
    expect(submitActions(card).filter((action) => CHANGING_VERBS.includes(action.data.action ?? ''))).toEqual([]);
  });

  it('shows only co-sell referrals of covered customers, with the partner contact and no deal size', async () => {
    const coSell = await db.prisma.referral.findMany({
      where: { dealType: 'CO_SELL' },
      include: { claim: { select: { partnerContactEmail: true, customer: { select: { name: true } } } } },
    });
    const json = JSON.stringify((await say('referrals'))[0]?.card);
    expect(coSell.filter((referral) => coveredCustomers.includes(referral.claim.customer.name)).length).toBeGreaterThan(0);
    expect(coSell.filter((referral) => !coveredCustomers.includes(referral.claim.customer.name)).length).toBeGreaterThan(0);
    for (const referral of coSell) {
      const covered = coveredCustomers.includes(referral.claim.customer.name);
      expect([referral.claim.customer.name, json.includes(`${referral.claim.customer.name} · `)]).toEqual([referral.claim.customer.name, covered]);
      if (covered) expect(json).toContain(referral.claim.partnerContactEmail);
      expect(json).not.toContain(String(referral.dealSizeUsd));
    }
  });

  it('answers a partner command with a note and the same list, and changes nothing', async () => {
    const before = await Promise.all([db.prisma.claim.count(), db.prisma.auditEvent.count(), db.prisma.outboxMessage.count()]);
    const replies = await say('add customer');
    expect(JSON.stringify(replies[0]?.card)).toContain('That command is for partner staff');
    await say({ action: 'sendConsent', claimId: DEMO.claims.contosoDataAiClaimed });
    expect(await Promise.all([db.prisma.claim.count(), db.prisma.auditEvent.count(), db.prisma.outboxMessage.count()])).toEqual(before);
  });

  it('welcomes a seller who installs the bot with their co-sell referrals', async () => {
    const context = new TurnContext(new TestAdapter(), { type: 'conversationUpdate', channelId: 'msteams', from: { id: 'teams-seller', name: 'seller', aadObjectId: DEMO.seller } });
    const card = await dialog.welcomeCard(context);
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('Co-sell referrals for customers you cover');
  });

  async function coveredCoSellClaim() {
    return db.prisma.claim.findFirstOrThrow({
      where: { referral: { dealType: 'CO_SELL' }, customer: { name: { in: coveredCustomers } } },
      include: { customer: { select: { name: true } } },
      orderBy: { id: 'asc' },
    });
  }

  it.each(['coSellReferrals', 'viewClaim'])('opens the co-sell referral of a claim they cover from a co-sell card’s %s button, never "for partner staff"', async (action) => {
    const claim = await coveredCoSellClaim();
    const replies = await say({ action, claimId: claim.id });
    expect(replies).toHaveLength(1);
    const card = replies[0]?.card;
    expect(adaptiveCardErrors(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain(`Co-sell referral: ${claim.customer.name}`);
    expect(json).toContain(claim.partnerContactEmail);
    expect(json).not.toContain('That command is for partner staff');
    expect(submitActions(card)).toEqual([{ title: 'All co-sell referrals', data: { action: 'coSellReferrals' } }]);
  });

  it('lists them all from the referral card’s button, and says so for a claim they may not see', async () => {
    const all = JSON.stringify((await say({ action: 'coSellReferrals' }))[0]?.card);
    expect(all).toContain('Co-sell referrals for customers you cover');
    expect(all).not.toContain('That command is for partner staff');
    const uncovered = await db.prisma.referral.findUniqueOrThrow({ where: { id: 'REF-NOT-COVERED' }, include: { claim: { include: { customer: true } } } });
    const refused = JSON.stringify((await say({ action: 'coSellReferrals', claimId: uncovered.claimId }))[0]?.card);
    expect(refused).toContain('That claim has no co-sell referral for a customer you cover.');
    expect(refused).not.toContain(uncovered.claim.customer.name);
  });

  it('says so when a Next page link is not valid', async () => {
    const bad = await say({ action: 'coSellReferrals', cursor: 'garbage' });
    expect(bad.map((reply) => reply.text)).toEqual([expect.stringContaining('page link is not valid') as unknown]);
  });
});
