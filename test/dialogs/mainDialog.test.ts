import pino from 'pino';
import { AutoSaveStateMiddleware, MemoryStorage, UserState, type Activity } from 'botbuilder';
import { DialogTurnStatus } from 'botbuilder-dialogs';
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

const NOW = new Date('2026-03-02T09:00:00.000Z');
const logger = pino({ level: 'silent' });

type Who = keyof typeof DEMO.users | 'seller' | 'nobody';

interface Reply {
  text: string;
  card: Record<string, unknown> | null;
}

interface Case {
  name: string;
  who: Who;
  say: string | Record<string, unknown>;
  /** Every reply of the turn, in order: text (a pattern) or a card (its JSON must match each pattern). */
  expect: ({ text: RegExp } | { card: RegExp[] })[];
  status: DialogTurnStatus;
  /** Further checks of the card(s). */
  check?: (replies: Reply[]) => void;
}

function aadOf(who: Who): string | undefined {
  if (who === 'seller') return DEMO.seller;
  if (who === 'nobody') return '00000000-0000-0000-0000-0000000000ff';
  return DEMO.users[who];
}

function activityFor(who: Who, say: string | Record<string, unknown>): Partial<Activity> {
  const from = { id: `teams-${who}`, name: who, aadObjectId: aadOf(who) };
  return typeof say === 'string' ? { type: 'message', text: say, from } : { type: 'message', value: say, from };
}

function readReply(activity: Partial<Activity> | undefined): Reply {
  const attachment = activity?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  return { text: activity?.text ?? '', card: (attachment?.content as Record<string, unknown> | undefined) ?? null };
}

describe('MainDialog: routing of commands and card actions (demo data)', () => {
  let db: Database;
  let deps: DialogDeps;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    deps = createDialogDeps({ db, clock: new FixedClock(NOW), logger, localMode: true, consent: TEST_CONSENT_SETTINGS });
  });

  afterAll(async () => {
    await db.close();
  });

  function client(pageSize?: number): { client: DialogTestClient; userState: UserState } {
    const userState = new UserState(new MemoryStorage());
    const dialog = new MainDialog(deps, userState, { pageSize });
    return { client: new DialogTestClient('msteams', dialog, undefined, [new AutoSaveStateMiddleware(userState)]), userState };
  }

  async function turn(testClient: DialogTestClient, who: Who, say: string | Record<string, unknown>): Promise<Reply[]> {
    const replies: Reply[] = [];
    let reply = (await testClient.sendActivity(activityFor(who, say))) as Partial<Activity> | undefined;
    while (reply) {
      replies.push(readReply(reply));
      reply = testClient.getNextReply();
    }
    return replies;
  }

  const A = DEMO.engagements;
  const cases: Case[] = [
    {
      name: 'help shows who you are and only the commands that work',
      who: 'adminA',
      say: 'HELP',
      expect: [{ card: [/Incentives admin, Referrals admin/, /Fabrikam Consulting/, /customers \*engagement\*/, /status \*claim id\*/] }],
      status: DialogTurnStatus.complete,
      check: ([reply]) => {
        const text = JSON.stringify(reply?.card);
        expect(text).toContain('add customer');
        expect(text).toContain('claim customer');
        expect(text).toContain('my claims');
        expect(text).toContain('expiring');
        expect(text).toContain('send consent *claim id*');
        expect(text).toContain('resend consent *claim id*');
        expect(text).toContain('submit claim *claim id*');
      },
    },
    {
      name: 'engagements lists the partner’s engagements with a Customers page button each',
      who: 'userA',
      say: 'engagements',
      expect: [{ card: [/Engagements you can work on/, /Azure Migrate and Modernize/, /Cloud Migration Assessment/, /30 days after adding or claiming/] }],
      status: DialogTurnStatus.complete,
      check: ([reply]) => {
        const buttons = submitActions(reply?.card).filter((a) => a.title === 'Customers page');
        expect(buttons.map((b) => b.data.engagementId).sort()).toEqual(Object.values(A).sort());
      },
    },
    {
      name: 'customers <engagement> matches a partial name in any case and shows the Eligible tab',
      who: 'userA',
      say: 'Customers AZURE migrate',
      expect: [{ card: [/Azure Migrate and Modernize/, /Eligible customers/, new RegExp(DEMO.claims.tailspinMigrateConsentRequested)] }],
      status: DialogTurnStatus.complete,
      check: ([reply]) => {
        const actions = submitActions(reply?.card);
        expect(actions).toContainEqual({
          title: `View ${DEMO.claims.tailspinMigrateConsentRequested}`,
          data: { action: 'viewClaim', claimId: DEMO.claims.tailspinMigrateConsentRequested, engagementId: A.azureMigrate },
        });
        expect(actions).toContainEqual({ title: 'Complete', data: { action: 'showTab', engagementId: A.azureMigrate, tab: 'complete' } });
      },
    },
    {
      name: 'an ambiguous engagement name asks which one',
      who: 'userA',
      say: 'customers azure',
      expect: [{ card: [/Which engagement do you mean\?/, /Azure Migrate and Modernize/, /Azure Innovate Variable Pay/] }],
      status: DialogTurnStatus.complete,
      check: ([reply]) => {
        expect(submitActions(reply?.card).map((a) => a.data.engagementId)).toEqual([A.innovateVariable, A.azureMigrate]);
      },
    },
    {
      name: 'an engagement name that matches nothing lists the engagements',
      who: 'userA',
      say: 'customers sharepoint',
      expect: [{ card: [/No engagement you can work on matches \\"sharepoint\\"/, /Azure Migrate and Modernize/] }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'customers without a name, before any page was opened, asks which engagement',
      who: 'userA',
      say: 'customers',
      expect: [{ card: [/Which engagement\?/] }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'showTab Complete shows the terminal claims, each opening its details',
      who: 'adminA',
      say: { action: 'showTab', engagementId: A.azureMigrate, tab: 'complete' },
      expect: [{ card: [/Complete claims/, new RegExp(DEMO.claims.contosoMigrateCompleted), /Completed on/] }],
      status: DialogTurnStatus.complete,
      check: ([reply]) => {
        expect(submitActions(reply?.card)).toContainEqual({
          title: `View ${DEMO.claims.contosoMigrateCompleted}`,
          data: { action: 'viewClaim', claimId: DEMO.claims.contosoMigrateCompleted, engagementId: A.azureMigrate },
        });
        expect(JSON.stringify(reply?.card)).not.toContain(DEMO.claims.tailspinMigrateConsentRequested);
      },
    },
    {
      name: 'showTab Ineligible of an MSX-only engagement shows the no-detail notice',
      who: 'userA',
      say: { action: 'showTab', engagementId: A.innovateVariable, tab: 'ineligible' },
      expect: [{ card: [/shows no detail/, /Azure Innovate Variable Pay/] }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'a forged page cursor is refused with a clear message',
      who: 'userA',
      say: { action: 'showTab', engagementId: A.azureMigrate, tab: 'eligible', cursor: 'bm90LWEtY3Vyc29y' },
      expect: [{ text: /page link is not valid any more/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'the Customers page of an engagement the partner cannot work on is refused',
      who: 'adminB',
      say: { action: 'showTab', engagementId: A.migrationAssessment, tab: 'eligible' },
      expect: [{ text: /not one your organisation can work on/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'status <claim id> shows the claim details, whatever the case of the id',
      who: 'userA',
      say: `status ${DEMO.claims.tailspinMigrateConsentRequested.toLowerCase()}`,
      expect: [{ card: [/Claim details/, new RegExp(DEMO.claims.tailspinMigrateConsentRequested), /Consent requested/, /days? left/] }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'viewClaim opens the claim details',
      who: 'adminA',
      say: { action: 'viewClaim', claimId: DEMO.claims.contosoMigrateCompleted },
      expect: [{ card: [/Claim details/, /Completed/, /History/] }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'another partner’s claim id is not found',
      who: 'adminB',
      say: `status ${DEMO.claims.contosoMigrateCompleted}`,
      expect: [{ text: new RegExp(`Claim ${DEMO.claims.contosoMigrateCompleted} was not found among Trey Research's claims`) }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'status without an id asks for one',
      who: 'userA',
      say: 'status',
      expect: [{ text: /Which claim\?/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'a user without a role is told which admins can grant one',
      who: 'noRoleA',
      say: 'customers azure migrate',
      expect: [{ text: /no incentives role yet.*Ask an Incentives admin to grant you a role: .+ \(.+@.+\)/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'a user without a role cannot open a claim either',
      who: 'noRoleA',
      say: `status ${DEMO.claims.contosoMigrateCompleted}`,
      expect: [{ text: /no incentives role yet/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'a Microsoft field seller is told a partner command is for partner staff, and shown their co-sell referrals',
      who: 'seller',
      say: 'engagements',
      expect: [{ card: [/That command is for partner staff/, /Co-sell referrals for customers you cover/] }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'an unknown person is told what to ask for',
      who: 'nobody',
      say: { action: 'showTab', engagementId: A.azureMigrate, tab: 'eligible' },
      expect: [{ text: /don't know you yet/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'unknown input gets a short card pointing at help, not silence (and not the whole welcome card)',
      who: 'userA',
      say: 'make me a sandwich',
      expect: [{ card: [/I don't know \\"make me a sandwich\\"/, /"action":"help"/] }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'cancel outside a flow says there is nothing to cancel',
      who: 'userA',
      say: 'cancel',
      expect: [{ text: /nothing to cancel/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'my claims lists the claims the user created, each opening its details',
      who: 'userA',
      say: 'My Claims',
      expect: [{ card: [/My claims/, /View CLM-/] }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'expiring lists the partner’s claims with a deadline within a week',
      who: 'adminA',
      say: { action: 'expiring' },
      expect: [{ card: [/Expiring soon/, /within the next 7 days/] }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'a forged list cursor is refused',
      who: 'adminA',
      say: { action: 'myClaims', cursor: 'eyJ0IjoiWCJ9' },
      expect: [{ text: /page link is not valid any more/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'a user without a role cannot list claims',
      who: 'noRoleA',
      say: 'expiring',
      expect: [{ text: /no incentives role yet/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'Send customer consent email starts its flow with the claim’s contacts',
      who: 'userA',
      say: { action: 'sendConsent', claimId: DEMO.claims.contosoDataAiClaimed },
      expect: [{ card: [new RegExp(`Send consent: .*${DEMO.claims.contosoDataAiClaimed}`), /Customer contact \(receives the consent email\)/] }],
      status: DialogTurnStatus.waiting,
    },
    {
      name: 'send consent typed for a claim of another partner is refused',
      who: 'userA',
      say: `send consent ${DEMO.claims.contosoCopilotPartnerB}`,
      expect: [{ text: /was not found among Fabrikam Consulting's claims.*Nothing was changed/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'Re-send is refused for a claim not waiting for consent',
      who: 'userA',
      say: { action: 'resendConsent', claimId: DEMO.claims.contosoDataAiClaimed },
      expect: [{ text: /cannot be re-sent.*Nothing was changed/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'Submit claim starts its flow with the proof of execution',
      who: 'userA',
      say: { action: 'submitClaim', claimId: DEMO.claims.northwindCopilotConsentGranted },
      expect: [{ card: [new RegExp(`Submit claim: .*${DEMO.claims.northwindCopilotConsentGranted}`), /Input.Date/, /Evidence links/] }],
      status: DialogTurnStatus.waiting,
    },
    {
      name: 'submit claim typed for a claim not yet consented is refused',
      who: 'userA',
      say: `submit claim ${DEMO.claims.contosoDataAiClaimed}`,
      expect: [{ text: /Nothing was changed/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'a user without a role cannot start Add customer',
      who: 'noRoleA',
      say: 'add customer',
      expect: [{ text: /no incentives role yet.*Ask an Incentives admin/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'a review card’s confirm clicked after its flow ended goes to that flow, which decides',
      who: 'userA',
      say: { action: 'confirmAddCustomer' },
      expect: [{ text: /That Add customer card is not valid any more/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'a card action with missing data is refused',
      who: 'userA',
      say: { action: 'viewClaim' },
      expect: [{ text: /^That button is from an earlier card or not one of mine, so nothing was done/ }],
      status: DialogTurnStatus.complete,
    },
    {
      name: 'an unknown card verb is refused',
      who: 'userA',
      say: { action: 'deleteEverything', claimId: DEMO.claims.contosoMigrateCompleted },
      expect: [{ text: /^That button is from an earlier card or not one of mine, so nothing was done/ }],
      status: DialogTurnStatus.complete,
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { client: testClient } = client();
    const replies = await turn(testClient, c.who, c.say);
    expect(replies).toHaveLength(c.expect.length);
    c.expect.forEach((expected, index) => {
      const reply = replies[index];
      if ('text' in expected) {
        expect(reply?.text).toMatch(expected.text);
        return;
      }
      expect(reply?.card).not.toBeNull();
      expect(adaptiveCardErrors(reply?.card)).toEqual([]);
      const json = JSON.stringify(reply?.card);
      for (const pattern of expected.card) expect(json).toMatch(pattern);
    });
    c.check?.(replies);
    expect(testClient.dialogTurnResult.status).toBe(c.status);
  });

  it('offers Claim customer on known customers of the Eligible tab, and Add customer', async () => {
    const { client: testClient } = client();
    const [reply] = await turn(testClient, 'userA', { action: 'showTab', engagementId: A.security, tab: 'eligible' });
    const actions = submitActions(reply?.card);
    expect(actions.some((a) => a.data.action === 'claimCustomer' && a.data.engagementId === A.security && a.data.customerId !== '')).toBe(true);
    expect(actions).toContainEqual({ title: 'Add customer', data: { action: 'addCustomer', engagementId: A.security } });
    expect(actions).toContainEqual({
      title: 'Send customer consent email',
      data: { action: 'sendConsent', claimId: DEMO.claims.lamnaSecurityClaimed, engagementId: A.security },
    });
    expect(actions.some((a) => a.data.action === 'resendConsent' && a.data.claimId === DEMO.claims.humongousSecurityConsentRequested)).toBe(true);
  });

  it.each([
    ['add customer', 'add customer'],
    ['the Add customer button', { action: 'addCustomer', engagementId: DEMO.engagements.azureMigrate }],
    ['the one-line shortcut', 'add contoso-new.example to azure migrate'],
    ['claim customer', 'claim customer'],
    ['the Claim customer button', { action: 'claimCustomer', customerId: DEMO.customers.contoso, engagementId: DEMO.engagements.security }],
    ['the Send customer consent email button', { action: 'sendConsent', claimId: DEMO.claims.lamnaSecurityClaimed }],
    ['the Re-send consent email button', { action: 'resendConsent', claimId: DEMO.claims.humongousSecurityConsentRequested }],
    ['the Submit claim button', { action: 'submitClaim', claimId: DEMO.claims.adventureWorksSecurityConsentGranted }],
  ] as const)('starts the flow from %s; help explains the step and keeps it; cancel leaves it with nothing saved', async (_how, say) => {
    const before = await db.prisma.claim.count();
    const { client: testClient } = client();
    const started = await turn(testClient, 'userA', typeof say === 'string' ? say : { ...say });
    expect(started.length).toBeGreaterThan(0);
    expect(testClient.dialogTurnResult.status).toBe(DialogTurnStatus.waiting);
    const help = await turn(testClient, 'userA', 'help');
    expect(help[0]?.text).toMatch(/cancel/i);
    expect(testClient.dialogTurnResult.status).toBe(DialogTurnStatus.waiting);
    const canceled = await turn(testClient, 'userA', 'cancel');
    expect(canceled[0]?.text).toMatch(/Canceled\. Nothing was saved/);
    expect(testClient.dialogTurnResult.status).toBe(DialogTurnStatus.complete);
    expect(await db.prisma.claim.count()).toBe(before);
    const after = await turn(testClient, 'userA', 'engagements');
    expect(JSON.stringify(after[0]?.card)).toContain('Engagements you can work on');
  });

  it('pages through the Eligible tab with the Next page cursor, never repeating a row', async () => {
    const { client: testClient } = client(4);
    const seen: string[] = [];
    let pages = 0;
    let say: Record<string, unknown> = { action: 'showTab', engagementId: A.security, tab: 'eligible' };
    for (let page = 0; page < 10; page += 1) {
      const [reply] = await turn(testClient, 'userA', say);
      const actions = submitActions(reply?.card);
      const titles = ((reply?.card?.body as { type: string; items?: { text?: string }[] }[] | undefined) ?? [])
        .filter((element) => element.type === 'Container')
        .map((element) => element.items?.[0]?.text ?? '');
      seen.push(...titles);
      pages += 1;
      if (page > 0) expect(JSON.stringify(reply?.card)).toContain('Continued from the previous page.');
      const next = actions.find((a) => a.title === 'Next page');
      if (!next) break;
      say = next.data;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('remembers the engagement opened last: "customers" alone reopens it', async () => {
    const { client: testClient } = client();
    await turn(testClient, 'userA', 'customers copilot');
    const [reply] = await turn(testClient, 'userA', 'customers');
    expect(JSON.stringify(reply?.card)).toContain('Microsoft 365 Copilot Accelerate');
    expect(JSON.stringify(reply?.card)).toContain('Eligible customers');
  });

  it('changes nothing in the database while answering', async () => {
    const before = await Promise.all([db.prisma.claim.count(), db.prisma.auditEvent.count(), db.prisma.outboxMessage.count()]);
    const { client: testClient } = client();
    await turn(testClient, 'adminB', `status ${DEMO.claims.tailspinMigrateConsentRequested}`);
    await turn(testClient, 'adminB', { action: 'viewClaim', claimId: DEMO.claims.tailspinMigrateConsentRequested });
    const after = await Promise.all([db.prisma.claim.count(), db.prisma.auditEvent.count(), db.prisma.outboxMessage.count()]);
    expect(after).toEqual(before);
  });
});
