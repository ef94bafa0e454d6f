import pino from 'pino';
import { AutoSaveStateMiddleware, MemoryStorage, UserState, type Activity } from 'botbuilder';
import { DialogTurnStatus } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { createDialogDeps } from '../../bot/composition';
import { MainDialog } from '../../dialogs/mainDialog';
import { DEMO } from '../../prisma/demoData';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { submitActions } from '../support/cardActions';
import { TEST_CONSENT_SETTINGS } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';

/** Commands typed (or clicked) inside a flow, and lines that are no command: the conversation forgives both. */

const NOW = new Date('2026-03-02T09:00:00.000Z');

interface Reply {
  text: string;
  card: Record<string, unknown> | null;
}

describe('Interruptions and typos', () => {
  let db: Database;
  let dialog: MainDialog;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    const deps = createDialogDeps({ db, clock: new FixedClock(NOW), logger: pino({ level: 'silent' }), localMode: true, consent: TEST_CONSENT_SETTINGS });
    dialog = new MainDialog(deps, new UserState(new MemoryStorage()));
  });

  afterAll(async () => {
    await db.close();
  });

  function client(): DialogTestClient {
    const userState = new UserState(new MemoryStorage());
    return new DialogTestClient('msteams', dialog, undefined, [new AutoSaveStateMiddleware(userState)]);
  }

  async function turn(testClient: DialogTestClient, say: string | Record<string, unknown>): Promise<Reply[]> {
    const from = { id: 'teams-userA', name: 'userA', aadObjectId: DEMO.users.userA };
    const activity: Partial<Activity> = typeof say === 'string' ? { type: 'message', text: say, from } : { type: 'message', value: say, from };
    const replies: Reply[] = [];
    let reply = (await testClient.sendActivity(activity)) as Partial<Activity> | undefined;
    while (reply) {
      const attachment = reply.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
      replies.push({ text: reply.text ?? '', card: (attachment?.content as Record<string, unknown> | undefined) ?? null });
      reply = testClient.getNextReply();
    }
    return replies;
  }

  const text = (replies: Reply[]): string => replies.map((r) => `${r.text} ${r.card ? JSON.stringify(r.card) : ''}`).join('\n');
  const button = (replies: Reply[], title: RegExp) => {
    const found = replies.flatMap((r) => submitActions(r.card ?? undefined)).find((a) => title.test(a.title));
    if (!found) throw new Error(`no button ${String(title)} in ${text(replies)}`);
    return found.data;
  };

  it('a command typed inside Add customer asks whether to leave; staying asks the same step again with the answers kept', async () => {
    const testClient = client();
    const asked = await turn(testClient, 'add contoso.example to azure migrate');
    const stepCard = JSON.stringify([...asked].reverse().find((r) => r.card)?.card);
    const flowStep = await turn(testClient, 'engagements');
    expect(text(flowStep)).toContain('Leave Add customer and open the engagements?');
    expect(text(flowStep)).not.toMatch(/is not a customer id|does not name one engagement/);
    expect(testClient.dialogTurnResult.status).toBe(DialogTurnStatus.waiting);

    const stayed = await turn(testClient, button(flowStep, /^Stay in Add customer$/));
    expect(text(stayed)).toContain('Carrying on with Add customer');
    expect(JSON.stringify([...stayed].reverse().find((r) => r.card)?.card)).toBe(stepCard);
    expect(testClient.dialogTurnResult.status).toBe(DialogTurnStatus.waiting);
  });

  it('leaving for a typed command cancels the flow and answers the command at once', async () => {
    const testClient = client();
    await turn(testClient, 'add customer');
    const asked = await turn(testClient, 'customers azure migrate');
    expect(text(asked)).toContain('Leave Add customer and open the Customers page of \\"azure migrate\\"?');
    const left = await turn(testClient, button(asked, /^Leave and /));
    expect(text(left)).toContain('Azure Migrate and Modernize');
    expect(text(left)).toContain('Eligible customers');
    expect(testClient.dialogTurnResult.status).toBe(DialogTurnStatus.complete);
    // The flow is gone: its answers are not taken any more, and a later Stay says so.
    const stale = await turn(testClient, button(asked, /^Stay in /));
    expect(text(stale)).toContain('That flow has ended already');
  });

  it('a button of an earlier card clicked inside a flow asks too, and leaving does what the button does', async () => {
    const testClient = client();
    await turn(testClient, 'add customer');
    const asked = await turn(testClient, { action: 'showTab', engagementId: DEMO.engagements.security, tab: 'eligible' });
    expect(text(asked)).toContain('Leave Add customer and open that Customers page?');
    const left = await turn(testClient, button(asked, /^Leave and /));
    expect(text(left)).toContain('Eligible customers');
  });

  it('plain answers inside a flow are never taken for commands', async () => {
    const testClient = client();
    await turn(testClient, 'add customer');
    const answered = await turn(testClient, 'contoso-new.example');
    expect(text(answered)).not.toContain('Leave Add customer');
  });

  it.each([
    ['engagments', 'engagements'],
    ['hlep', 'help'],
    ['custmers azure migrate', 'customers azure migrate'],
    ['my claim', 'my claims'],
    ['sumary', 'summary'],
  ])('a typo (%s) gets "Did you mean %s?" with a button, not the welcome card', async (typed, meant) => {
    const testClient = client();
    const replies = await turn(testClient, typed);
    expect(replies).toHaveLength(1);
    expect(text(replies)).toContain(`Did you mean \\"${meant}\\"?`);
    expect(text(replies)).not.toContain('What I can do');
    const data = button(replies, new RegExp(`^${meant}$`));
    const followed = await turn(testClient, data);
    expect(text(followed)).not.toMatch(/I don't know|out of date/);
  });

  it('a line that is no command and close to none gets a short card pointing at help', async () => {
    const testClient = client();
    const replies = await turn(testClient, 'make me a sandwich');
    expect(replies).toHaveLength(1);
    expect(text(replies)).toContain("I don't know \\\"make me a sandwich\\\"");
    expect(text(replies)).not.toContain('What I can do');
    expect(submitActions(replies[0]?.card ?? undefined).map((a) => a.title)).toEqual(['Help', 'Engagements', 'My claims']);
  });
});
