import pino from 'pino';
import { AutoSaveStateMiddleware, MemoryStorage, UserState, type Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { createDialogDeps } from '../../bot/composition';
import { MainDialog } from '../../dialogs/mainDialog';
import { DEMO } from '../../prisma/demoData';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';
import { TEST_CONSENT_SETTINGS } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';

// 10:00 in Amsterdam, 09:00 UTC.
const NOW = new Date('2026-03-02T09:00:00.000Z');

interface Reply {
  text: string;
  card: Record<string, unknown> | null;
}

/** `digest`, `digest 8:00`, `digest off` through the main dialog, turn by turn. */
describe('digest: choosing when the daily digest comes', () => {
  let db: Database;
  let client: DialogTestClient;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    const deps = createDialogDeps({ db, clock: new FixedClock(NOW), logger: pino({ level: 'silent' }), localMode: true, consent: TEST_CONSENT_SETTINGS });
    const userState = new UserState(new MemoryStorage());
    client = new DialogTestClient('msteams', new MainDialog(deps, userState), undefined, [new AutoSaveStateMiddleware(userState)]);
  });

  afterAll(async () => {
    await db.close();
  });

  async function turn(say: string | Record<string, unknown>, aadObjectId: string = DEMO.users.adminA): Promise<Reply[]> {
    const from = { id: `teams-${aadObjectId}`, name: 'Someone', aadObjectId };
    const activity: Partial<Activity> = typeof say === 'string' ? { type: 'message', text: say, from } : { type: 'message', value: say, from };
    const replies: Reply[] = [];
    let reply = (await client.sendActivity(activity)) as Partial<Activity> | undefined;
    while (reply) {
      const card = (reply.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content as Record<string, unknown> | undefined) ?? null;
      if (card) expect(adaptiveCardErrors(card)).toEqual([]);
      replies.push({ text: reply.text ?? '', card });
      reply = client.getNextReply();
    }
    return replies;
  }

  const said = (replies: Reply[]) => replies.map((r) => `${r.text} ${r.card ? JSON.stringify(r.card) : ''}`).join('\n');

  it('shows the setting: on at 8:00, in UTC until Teams gives a time zone', async () => {
    const replies = await turn('digest');
    expect(said(replies)).toContain('Your daily digest: every day at 8:00, UTC (Teams has not told me your time zone yet)');
    expect(submitActions(replies[0]?.card ?? null).map((a) => a.data)).toEqual([{ action: 'runCommand', command: 'digest off' }]);
  });

  it('reads the time in the time zone Teams gave', async () => {
    await db.prisma.conversationReference.create({
      data: {
        conversationId: 'a:conv-admin',
        kind: 'PERSONAL',
        aadObjectId: DEMO.users.adminA,
        serviceUrl: 'http://127.0.0.1:9',
        reference: { serviceUrl: 'http://127.0.0.1:9', channelId: 'msteams', conversation: { id: 'a:conv-admin' } },
        timeZone: 'Europe/Amsterdam',
      },
    });
    expect(said(await turn('digest'))).toContain('every day at 8:00, Europe/Amsterdam time');
  });

  it('answers a time that is none, or a word it cannot read, with what to type, and changes nothing', async () => {
    const late = said(await turn('digest 25:00'));
    expect(late).toContain('"25:00" is not a time of day.');
    expect(late).toContain('**digest 8:00**');
    const soon = said(await turn('digest soon'));
    expect(soon).toContain('I can\'t read "soon" as a time of day.');
    expect(soon).toContain('**digest off** stops it');
    expect(await db.prisma.digestPreference.count()).toBe(0);
  });

  it('changes the time from tomorrow on; today keeps its time', async () => {
    const text = said(await turn('digest 7:30'));
    expect(text).toContain('Your daily digest: every day at 7:30, Europe/Amsterdam time');
    expect(text).toContain('the new time applies from tomorrow');
    // 8:00 has passed in Amsterdam, and today's has not been done.
    expect(text).toContain('Today’s comes shortly');
    const row = await db.prisma.digestPreference.findUniqueOrThrow({ where: { userId: DEMO.userIds.adminA } });
    expect(row).toMatchObject({ enabled: true, minutes: 450, previousMinutes: 480, changedOn: '2026-03-02' });
    // Said again: nothing changes.
    expect(said(await turn('digest 7:30'))).not.toContain('Done:');
  });

  it('turns it off at once and on again from tomorrow, also from its buttons', async () => {
    const off = await turn('digest off');
    expect(said(off)).toContain('Your daily digest is off');
    expect(said(off)).toContain('Done: no more daily digests.');
    expect((await db.prisma.digestPreference.findUniqueOrThrow({ where: { userId: DEMO.userIds.adminA } })).enabled).toBe(false);
    const button = submitActions(off[0]?.card ?? null)[0];
    expect(button?.data).toEqual({ action: 'runCommand', command: 'digest 8:00' });
    const on = said(await turn(button?.data ?? {}));
    expect(on).toContain('Your daily digest: every day at 8:00, Europe/Amsterdam time');
    expect(on).toContain('Done: the daily digest is on again, from tomorrow.');
    expect((await db.prisma.digestPreference.findUniqueOrThrow({ where: { userId: DEMO.userIds.adminA } })).enabled).toBe(true);
  });

  it('gives an Incentives user their own setting', async () => {
    const text = said(await turn('digest off', DEMO.users.userA));
    expect(text).toContain('Your daily digest is off');
    expect((await db.prisma.digestPreference.findUniqueOrThrow({ where: { userId: DEMO.userIds.userA } })).enabled).toBe(false);
    expect((await db.prisma.digestPreference.findUniqueOrThrow({ where: { userId: DEMO.userIds.adminA } })).enabled).toBe(true);
  });

  it('refuses someone without a claim role, saying whom to ask', async () => {
    const text = said(await turn('digest 8:00', DEMO.users.noRoleA));
    expect(text).not.toContain('Your daily digest');
    expect(text).toMatch(/Incentives admin/);
    expect(await db.prisma.digestPreference.findUnique({ where: { userId: DEMO.userIds.noRoleA } })).toBeNull();
  });

  it('inside a flow, asks before leaving it to change the digest', async () => {
    await turn('add customer');
    const text = said(await turn('digest 9:00'));
    expect(text).toContain('set your daily digest to \\"9:00\\"');
    await turn('cancel');
  });
});
