import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { AutoSaveStateMiddleware, MemoryStorage, UserState, type Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { createDialogDeps } from '../../bot/composition';
import { MainDialog } from '../../dialogs/mainDialog';
import { DEMO } from '../../prisma/demoData';
import { FixedClock } from '../../services/shared/clock';
import type { Database, OutboxStatus } from '../../services/db';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';
import { TEST_CONSENT_SETTINGS } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const REFUSED = 'Only an Incentives admin of your organisation can see the messages that could not be delivered.';

interface Reply {
  text: string;
  card: Record<string, unknown> | null;
}

/** `undelivered` through the main dialog, as an admin types it or pages with its card. */
describe('undelivered: the failed messages an Incentives admin sees', () => {
  let db: Database;
  let dialogClient: DialogTestClient;
  let step = 0;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    const deps = createDialogDeps({ db, clock: new FixedClock(NOW), logger: pino({ level: 'silent' }), localMode: true, consent: TEST_CONSENT_SETTINGS });
    const userState = new UserState(new MemoryStorage());
    dialogClient = new DialogTestClient('msteams', new MainDialog(deps, userState, { pageSize: 2 }), undefined, [new AutoSaveStateMiddleware(userState)]);
    await db.prisma.outboxMessage.deleteMany({ where: { status: { in: ['DEAD', 'UNDELIVERABLE'] } } });
  });

  afterAll(async () => {
    await db.close();
  });

  async function turn(aadObjectId: string, say: string | Record<string, unknown>): Promise<Reply[]> {
    const from = { id: `teams-${aadObjectId}`, name: 'Someone', aadObjectId };
    const activity: Partial<Activity> = typeof say === 'string' ? { type: 'message', text: say, from } : { type: 'message', value: say, from };
    const replies: Reply[] = [];
    let reply = (await dialogClient.sendActivity(activity)) as Partial<Activity> | undefined;
    while (reply) {
      const card = (reply.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content as Record<string, unknown> | undefined) ?? null;
      if (card) expect(adaptiveCardErrors(card)).toEqual([]);
      replies.push({ text: reply.text ?? '', card });
      reply = dialogClient.getNextReply();
    }
    return replies;
  }

  async function letter(partnerId: string, status: OutboxStatus, recipient: string, lastError: string): Promise<void> {
    step += 1;
    const id = randomUUID();
    await db.prisma.outboxMessage.create({
      data: {
        id,
        dedupeKey: `test:${id}`,
        channel: 'TEAMS',
        event: 'consent.accepted',
        recipient,
        claimId: partnerId === DEMO.partnerA ? DEMO.claims.tailspinMigrateConsentRequested : DEMO.claims.contosoCopilotPartnerB,
        partnerId,
        payload: {},
        status,
        attempts: 8,
        lastError,
        createdAt: new Date(NOW.getTime() + step * 1000),
      },
    });
  }

  it('lists them for an admin by any of its names, pages with Next page, and opens the claim', async () => {
    await letter(DEMO.partnerA, 'DEAD', DEMO.users.userA, 'first failure');
    await letter(DEMO.partnerA, 'UNDELIVERABLE', DEMO.users.userA, 'second failure');
    await letter(DEMO.partnerA, 'DEAD', DEMO.users.adminA, 'third failure');
    await letter(DEMO.partnerB, 'DEAD', DEMO.users.adminB, 'partner B failure');

    for (const say of ['undelivered', 'Dead letters', 'failed messages', { action: 'undelivered' }]) {
      const [reply] = await turn(DEMO.users.adminA, say);
      const text = JSON.stringify(reply?.card);
      expect(text).toContain('Undelivered messages');
      expect(text).toContain('third failure');
      expect(text).toContain('second failure');
      expect(text).not.toContain('first failure');
      expect(text).toContain('Alex Wilber (alex.wilber@fabrikamconsulting.com)');
      expect(text).not.toContain('partner B failure');
    }
    const [first] = await turn(DEMO.users.adminA, 'undelivered');
    const next = submitActions(first?.card).find((a) => a.title === 'Next page');
    expect(next?.data).toMatchObject({ action: 'undelivered' });
    const [second] = await turn(DEMO.users.adminA, next?.data ?? {});
    const text = JSON.stringify(second?.card);
    expect(text).toContain('first failure');
    expect(text).not.toContain('second failure');
    expect(submitActions(second?.card).map((a) => a.title)).toEqual(['View claim', 'Help']);

    const view = submitActions(second?.card).find((a) => a.title === 'View claim');
    expect(view?.data).toEqual({ action: 'viewClaim', claimId: DEMO.claims.tailspinMigrateConsentRequested });
    const [claim] = await turn(DEMO.users.adminA, view?.data ?? {});
    expect(JSON.stringify(claim?.card)).toContain(DEMO.claims.tailspinMigrateConsentRequested);

    const [ofB] = await turn(DEMO.users.adminB, 'undelivered');
    expect(JSON.stringify(ofB?.card)).toContain('partner B failure');
    for (const ofA of ['first failure', 'second failure', 'third failure', 'alex.wilber@', DEMO.claims.tailspinMigrateConsentRequested]) expect(JSON.stringify(ofB?.card)).not.toContain(ofA);
  });

  it('refuses everyone but Incentives admins, and a forged cursor, with a message', async () => {
    for (const who of [DEMO.users.userA, DEMO.users.noRoleA]) {
      const [reply] = await turn(who, 'undelivered');
      expect(reply).toEqual({ text: REFUSED, card: null });
    }
    const [forged] = await turn(DEMO.users.adminA, { action: 'undelivered', cursor: 'forged' });
    expect(forged?.text).toMatch(/page link is not valid/);
    const [bad] = await turn(DEMO.users.adminA, { action: 'undelivered', cursor: 'x'.repeat(3000) });
    expect(bad?.text).toMatch(/^That button is from an earlier card/);
    expect(bad?.text).not.toContain('undelivered');
  });

  it('lists the command on an Incentives admin’s welcome card only', async () => {
    const [admin] = await turn(DEMO.users.adminA, 'help');
    expect(JSON.stringify(admin?.card)).toContain('"undelivered"');
    const [user] = await turn(DEMO.users.userA, 'help');
    expect(JSON.stringify(user?.card)).not.toContain('undelivered');
  });
});
