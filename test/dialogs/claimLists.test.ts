import pino from 'pino';
import { AutoSaveStateMiddleware, MemoryStorage, UserState, type Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { createDialogDeps } from '../../bot/composition';
import type { DialogDeps } from '../../dialogs/dialogDeps';
import { MainDialog } from '../../dialogs/mainDialog';
import { DEMO } from '../../prisma/demoData';
import { statusesFor } from '../../services/claims/lists';
import { CLAIM_STATUS_LABELS } from '../../cards/format';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';
import { TEST_CONSENT_SETTINGS } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-03-02T09:00:00.000Z');

type Who = keyof typeof DEMO.users;

interface Reply {
  text: string;
  card: Record<string, unknown> | null;
}

function allText(replies: readonly Reply[]): string {
  return replies.map((reply) => `${reply.text} ${reply.card ? JSON.stringify(reply.card) : ''}`).join('\n');
}

/** The claim ids a list card shows, from its View buttons. */
function listedIds(replies: readonly Reply[]): string[] {
  return submitActions(replies.at(-1)?.card).filter((action) => action.data.action === 'viewClaim').map((action) => action.data.claimId ?? '');
}

describe('my claims, claims, expiring and summary with filters, turn by turn (demo data)', () => {
  let db: Database;
  let deps: DialogDeps;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    deps = createDialogDeps({ db, clock: new FixedClock(NOW), logger: pino({ level: 'silent' }), localMode: true, consent: TEST_CONSENT_SETTINGS });
  });

  afterAll(async () => {
    await db.close();
  });

  function client(pageSize?: number): DialogTestClient {
    const userState = new UserState(new MemoryStorage());
    return new DialogTestClient('msteams', new MainDialog(deps, userState, { pageSize }), undefined, [new AutoSaveStateMiddleware(userState)]);
  }

  async function turn(who: Who, say: string | Record<string, unknown>, pageSize?: number): Promise<Reply[]> {
    const testClient = client(pageSize);
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

  it('"my claims azure migrate": the user’s claims of that engagement only', async () => {
    const expected = await db.prisma.claim.findMany({
      where: { partnerId: DEMO.partnerA, createdByUserId: DEMO.userIds.userA, engagementId: DEMO.engagements.azureMigrate },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    expect(expected.length).toBeGreaterThan(0);
    const replies = await turn('userA', 'my claims azure migrate');
    expect(allText(replies)).toContain('Filtered by Engagement: Azure Migrate and Modernize');
    expect(listedIds(replies)).toEqual(expected.map((claim) => claim.id));
  });

  it('"expiring status <status>": only those claims, soonest first, with their creators for an admin', async () => {
    const unfiltered = listedIds(await turn('adminA', 'expiring'));
    const first = await db.prisma.claim.findUniqueOrThrow({ where: { id: unfiltered[0] ?? '' } });
    const label = CLAIM_STATUS_LABELS[first.status];
    const replies = await turn('adminA', `expiring status ${label.toLowerCase()}`);
    const ids = listedIds(replies);
    expect(ids).toEqual((await db.prisma.claim.findMany({ where: { id: { in: unfiltered }, status: first.status } })).map((claim) => claim.id).sort((a, b) => unfiltered.indexOf(a) - unfiltered.indexOf(b)));
    expect(allText(replies)).toContain(`Status: ${label}`);
    expect(ids.length).toBeGreaterThan(0);
    expect(allText(replies)).toContain('Created by');
    const asUser = await turn('userA', `expiring status ${label.toLowerCase()}`);
    expect(listedIds(asUser)).toEqual(ids);
    expect(allText(asUser)).not.toContain('Created by');
  });

  it('"summary copilot": the copilot engagement only, with the money at stake defined', async () => {
    const replies = await turn('userA', 'summary copilot');
    const text = allText(replies);
    expect(text).toContain('Claims summary');
    expect(text).toContain('Money at stake counts open claims only');
    expect(submitActions(replies.at(-1)?.card).filter((action) => action.data.action === 'claims').map((action) => action.data.engagementId)).toEqual([DEMO.engagements.copilot]);
  });

  it('the Next page of a filtered list keeps its filters and never repeats a claim', async () => {
    const expected = await db.prisma.claim.findMany({
      where: { partnerId: DEMO.partnerA, status: { in: [...statusesFor('OPEN')] } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true },
    });
    const seen: string[] = [];
    let say: Record<string, unknown> = { action: 'claims', engagementId: 'ANY', status: 'OPEN' };
    for (let page = 0; page < 20; page += 1) {
      const replies = await turn('userA', say, 2);
      seen.push(...listedIds(replies));
      const next = submitActions(replies.at(-1)?.card).find((action) => action.title === 'Next page');
      if (!next) break;
      expect(next.data).toMatchObject({ action: 'claims', status: 'OPEN' });
      say = next.data;
    }
    expect(seen).toEqual(expected.map((claim) => claim.id));
  });

  it('partner B filtering by an engagement partner A works on sees only its own claims', async () => {
    const ids = listedIds(await turn('adminB', { action: 'claims', engagementId: DEMO.engagements.copilot }));
    const claims = await db.prisma.claim.findMany({ where: { id: { in: ids } } });
    expect(claims.every((claim) => claim.partnerId === DEMO.partnerB)).toBe(true);
    expect(ids).not.toContain(DEMO.claims.tailspinCopilotCompleted);
  });

  it.each([
    ['an unknown typed status', 'claims status sleeping', /"sleeping" is not a claim status/],
    ['an engagement name that matches several', 'summary azure', /"azure" matches several engagements: .*Azure Migrate and Modernize/],
    ['an engagement that matches nothing', 'my claims quantum teleportation', /No engagement of Fabrikam Consulting matches "quantum teleportation"/],
    ['a card status that is not one', { action: 'summary', status: 'SLEEPING' }, /from an earlier card or not one of mine/],
  ])('%s is answered with a clear message', async (_name, say, message) => {
    expect(allText(await turn('userA', say))).toMatch(message);
  });

  it('a user without a role gets no summary', async () => {
    expect(allText(await turn('noRoleA', 'summary'))).toContain('no incentives role yet');
  });

  it('help lists the new commands and the Summary button', async () => {
    const text = allText(await turn('adminA', 'help'));
    for (const command of ['my claims', 'claims', 'expiring', 'summary', 'cancel claim *claim id*']) expect(text).toContain(command);
    expect(text).toContain('"action":"summary"');
  });
});
