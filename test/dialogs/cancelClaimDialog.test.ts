import pino from 'pino';
import { AutoSaveStateMiddleware, MemoryStorage, UserState, type Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { createDialogDeps } from '../../bot/composition';
import type { DialogDeps } from '../../dialogs/dialogDeps';
import { MainDialog } from '../../dialogs/mainDialog';
import { DEMO } from '../../prisma/demoData';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';
import { TEST_CONSENT_SETTINGS } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';
import { CANCEL_REASON_ACTION, CONFIRM_CANCEL_CLAIM_ACTION } from '../../cards/actions';

const NOW = new Date('2026-03-02T09:00:00.000Z');

type Who = keyof typeof DEMO.users;

interface Reply {
  text: string;
  card: Record<string, unknown> | null;
}

function allText(replies: readonly Reply[]): string {
  return replies.map((reply) => `${reply.text} ${reply.card ? JSON.stringify(reply.card) : ''}`).join('\n');
}

describe('Cancel claim, turn by turn through the main dialog (demo data)', () => {
  let db: Database;
  let deps: DialogDeps;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    deps = createDialogDeps({ db, clock: new FixedClock(NOW), logger: pino({ level: 'silent' }), localMode: true, consent: TEST_CONSENT_SETTINGS });
  });

  afterAll(async () => {
    await db.close();
  });

  function client(): DialogTestClient {
    const userState = new UserState(new MemoryStorage());
    return new DialogTestClient('msteams', new MainDialog(deps, userState), undefined, [new AutoSaveStateMiddleware(userState)]);
  }

  async function turn(testClient: DialogTestClient, who: Who, say: string | Record<string, unknown>): Promise<Reply[]> {
    const from = { id: `teams-${who}`, name: who, aadObjectId: DEMO.users[who] };
    const activity: Partial<Activity> = typeof say === 'string' ? { type: 'message', text: say, from } : { type: 'message', value: say, from };
    const replies: Reply[] = [];
    let next = (await testClient.sendActivity(activity)) as Partial<Activity> | undefined;
    while (next) {
      const card = (next.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content as Record<string, unknown> | undefined) ?? null;
      if (card) expect(adaptiveCardErrors(card)).toEqual([]);
      replies.push({ text: next.text ?? '', card });
      next = testClient.getNextReply();
    }
    return replies;
  }

  async function snapshot(): Promise<unknown> {
    const [claims, audit, outbox] = await Promise.all([
      db.prisma.claim.findMany({ orderBy: { id: 'asc' } }),
      db.prisma.auditEvent.count(),
      db.prisma.outboxMessage.count(),
    ]);
    return { claims, audit, outbox };
  }

  it('from the claim card: Cancel claim → a bad reason is asked again → reason → confirm → canceled with the reason and its audit event', async () => {
    const claimId = DEMO.claims.contosoDataAiClaimed;
    const bot = client();
    const view = await turn(bot, 'adminA', `status ${claimId}`);
    const cancelButton = submitActions(view[0]?.card).find((action) => action.title === 'Cancel claim');
    expect(cancelButton?.data).toEqual({ action: 'cancelClaim', claimId });

    const ask = await turn(bot, 'adminA', cancelButton?.data ?? {});
    expect(allText(ask)).toContain(`Cancel claim: `);
    expect(allText(ask)).toContain('Why is it canceled?');

    const tooShort = await turn(bot, 'adminA', { action: CANCEL_REASON_ACTION, reason: 'no' });
    // The reason card comes back with what was typed, and what was wrong under the input (issue 14).
    expect(allText(tooShort)).toContain('That reason cannot be used yet: see what is marked on the card below. Nothing was changed.');
    expect(allText(tooShort)).toContain('Why is it canceled?');
    const reasonCard = JSON.stringify(tooShort.at(-1)?.card);
    expect(reasonCard).toContain('"value":"no"');
    expect(reasonCard).toMatch(/"text":"Give the reason for canceling in at least 5 characters \(you gave 2\)\.","color":"Attention"/);

    const help = await turn(bot, 'adminA', 'help');
    expect(allText(help)).toContain('Say why this claim is canceled');

    const confirm = await turn(bot, 'adminA', { action: CANCEL_REASON_ACTION, reason: 'The customer signed with another partner.' });
    expect(allText(confirm)).toContain(`Cancel claim ${claimId}?`);
    expect(allText(confirm)).toContain('The customer signed with another partner.');
    expect((await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } })).status).toBe('CLAIMED');

    const confirmButton = submitActions(confirm.at(-1)?.card).find((action) => action.title === 'Cancel claim');
    expect(confirmButton?.data).toEqual({ action: CONFIRM_CANCEL_CLAIM_ACTION, claimId, reason: 'The customer signed with another partner.' });
    const done = await turn(bot, 'adminA', confirmButton?.data ?? {});
    expect(allText(done)).toContain('Claim canceled');

    const claim = await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
    expect(claim).toMatchObject({ status: 'CANCELED', closeReason: 'The customer signed with another partner.' });
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { claimId, action: 'claim.cancel' } });
    expect(audit).toMatchObject({ actorId: DEMO.userIds.adminA, before: { status: 'CLAIMED' }, after: { status: 'CANCELED', closeReason: 'The customer signed with another partner.' } });

    const after = await turn(bot, 'adminA', `status ${claimId}`);
    expect(allText(after)).toContain('Closed because');
    expect(submitActions(after[0]?.card).map((action) => action.title)).not.toContain('Cancel claim');

    const before = await snapshot();
    const again = await turn(client(), 'adminA', confirmButton?.data ?? {});
    expect(allText(again)).toContain('This claim is canceled, so it cannot be canceled. Nothing was changed.');
    expect(await snapshot()).toEqual(before);
  });

  it('typed: "cancel claim <id>" with a typed reason and "yes"', async () => {
    const claimId = DEMO.claims.relecloudAssessmentConsentRequested;
    const bot = client();
    expect(allText(await turn(bot, 'adminA', `Cancel Claim ${claimId.toLowerCase()}`))).toContain('Why is it canceled?');
    expect(allText(await turn(bot, 'adminA', 'Customer postponed the assessment indefinitely'))).toContain(`Cancel claim ${claimId}?`);
    expect(allText(await turn(bot, 'adminA', 'maybe'))).toContain('Select **Cancel claim** on the card above');
    expect(allText(await turn(bot, 'adminA', 'yes'))).toContain('Claim canceled');
    expect(await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } })).toMatchObject({ status: 'CANCELED', closeReason: 'Customer postponed the assessment indefinitely' });
  });

  it('plain "cancel" leaves the flow and keeps the claim', async () => {
    const claimId = DEMO.claims.tailspinMigrateConsentRequested;
    const bot = client();
    await turn(bot, 'adminA', `cancel claim ${claimId}`);
    // A button of another card asks whether to leave; staying keeps the flow where it was.
    const asked = allText(await turn(bot, 'adminA', { action: 'viewClaim', claimId }));
    expect(asked).toContain(`Leave Cancel claim and show claim ${claimId}?`);
    expect(allText(await turn(bot, 'adminA', { action: 'stayInFlow' }))).toContain('Carrying on with Cancel claim');
    expect(allText(await turn(bot, 'adminA', { action: CANCEL_REASON_ACTION, reason: 'x'.repeat(501) }))).toContain('Keep the reason to 500 characters (you gave 501).');
    await turn(bot, 'adminA', 'Not needed any more, customer moved on');
    const before = await snapshot();
    expect(allText(await turn(bot, 'adminA', 'cancel'))).toContain('Canceled. Nothing was saved.');
    expect(await snapshot()).toEqual(before);
    expect((await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } })).status).toBe('CONSENT_REQUESTED');
  });

  it('an Incentives user is refused, even with a forged confirm card, and nothing changes', async () => {
    const claimId = DEMO.claims.woodgroveBusinessCentralClaimed;
    const before = await snapshot();
    const view = await turn(client(), 'userA', `status ${claimId}`);
    expect(submitActions(view[0]?.card).map((action) => action.title)).not.toContain('Cancel claim');
    expect(allText(await turn(client(), 'userA', `cancel claim ${claimId}`))).toContain('Only Incentives admins can cancel a claim');
    expect(allText(await turn(client(), 'userA', { action: 'cancelClaim', claimId }))).toContain('Only Incentives admins can cancel a claim');
    expect(allText(await turn(client(), 'userA', { action: CONFIRM_CANCEL_CLAIM_ACTION, claimId, reason: 'Forged confirmation' }))).toContain('Only Incentives admins can cancel a claim');
    expect(await snapshot()).toEqual(before);
  });

  it('another partner’s admin cannot cancel partner A’s claim by id or by a forged confirm card, and nothing changes', async () => {
    const claimId = DEMO.claims.woodgroveBusinessCentralClaimed;
    const before = await snapshot();
    expect(allText(await turn(client(), 'adminB', `cancel claim ${claimId}`))).toContain(`Claim ${claimId} was not found among`);
    expect(allText(await turn(client(), 'adminB', { action: CONFIRM_CANCEL_CLAIM_ACTION, claimId, reason: 'Forged from partner B' }))).toContain(`Claim ${claimId} was not found.`);
    expect(await snapshot()).toEqual(before);
  });

  it('a terminal claim is refused with the state machine’s reason', async () => {
    const before = await snapshot();
    expect(allText(await turn(client(), 'adminA', `cancel claim ${DEMO.claims.contosoMigrateCompleted}`))).toContain('This claim is completed, so it cannot be canceled. Nothing was changed.');
    expect(allText(await turn(client(), 'adminA', 'cancel claim'))).toContain('Which claim?');
    expect(await snapshot()).toEqual(before);
  });
});
