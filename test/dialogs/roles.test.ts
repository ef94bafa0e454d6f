import pino from 'pino';
import { AutoSaveStateMiddleware, MemoryStorage, UserState, type Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { createDialogDeps } from '../../bot/composition';
import { MainDialog } from '../../dialogs/mainDialog';
import { DEMO } from '../../prisma/demoData';
import { FixedClock } from '../../services/shared/clock';
import type { Database, Role } from '../../services/db';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';
import { TEST_CONSENT_SETTINGS } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const LEE = 'lee.gu@fabrikamconsulting.com';
const MEGAN = 'megan.bowen@treyresearch.net';

interface Reply {
  text: string;
  card: Record<string, unknown> | null;
}

/** Role commands through the main dialog, as a Teams user types them or clicks the users card. */
describe('roles: users, grant and revoke through the main dialog', () => {
  let db: Database;
  let dialogClient: DialogTestClient;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    const deps = createDialogDeps({ db, clock: new FixedClock(NOW), logger: pino({ level: 'silent' }), localMode: true, consent: TEST_CONSENT_SETTINGS });
    const userState = new UserState(new MemoryStorage());
    dialogClient = new DialogTestClient('msteams', new MainDialog(deps, userState), undefined, [new AutoSaveStateMiddleware(userState)]);
  });

  afterAll(async () => {
    await db.close();
  });

  async function turn(aadObjectId: string | undefined, say: string | Record<string, unknown>, extra: Partial<Activity> = {}): Promise<Reply[]> {
    const from = { id: `teams-${aadObjectId ?? 'none'}`, name: 'Someone', ...(aadObjectId ? { aadObjectId } : {}) };
    const activity: Partial<Activity> = typeof say === 'string' ? { type: 'message', text: say, from, ...extra } : { type: 'message', value: say, from, ...extra };
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

  async function rolesOf(email: string): Promise<Role[]> {
    const user = await db.prisma.partnerUser.findUniqueOrThrow({ where: { email }, select: { roles: { select: { role: true } } } });
    return user.roles.map((r) => r.role).sort();
  }

  async function snapshot(): Promise<unknown> {
    return { roles: await db.prisma.userRole.findMany({ orderBy: [{ userId: 'asc' }, { role: 'asc' }] }), audit: await db.prisma.auditEvent.count() };
  }

  it('shows an admin their organisation’s users with a Grant or Revoke button per role, and no other partner’s user', async () => {
    const [reply] = await turn(DEMO.users.adminA, 'users');
    const text = JSON.stringify(reply?.card);
    expect(text).toContain("Fabrikam Consulting's users");
    expect(text).toContain('Adele Vance · adele.vance@fabrikamconsulting.com');
    expect(text).toContain('Incentives admin, Referrals admin');
    expect(text).toContain('No role: cannot use the bot');
    expect(text).not.toContain(MEGAN);
    const actions = submitActions(reply?.card);
    expect(actions).toContainEqual({ title: 'Grant Incentives user', data: { action: 'grantRole', email: LEE, role: 'INCENTIVES_USER' } });
    expect(actions).toContainEqual({ title: 'Revoke Incentives user', data: { action: 'revokeRole', email: 'alex.wilber@fabrikamconsulting.com', role: 'INCENTIVES_USER' } });
  });

  it('lists the role commands on an Incentives admin’s welcome card only', async () => {
    const [admin] = await turn(DEMO.users.adminA, 'help');
    expect(JSON.stringify(admin?.card)).toContain('grant *role* to *email*');
    expect(JSON.stringify(admin?.card)).toContain('revoke *role* from *email*');
    expect(submitActions(admin?.card)).toContainEqual({ title: 'Users', data: { action: 'users' } });
    const [user] = await turn(DEMO.users.userA, 'help');
    expect(JSON.stringify(user?.card)).not.toContain('grant *role*');
    expect(submitActions(user?.card).map((a) => a.data.action)).not.toContain('users');
  });

  it('gives a user without a role no flow, and names the admins to ask', async () => {
    const before = await snapshot();
    for (const say of ['engagements', 'add customer', 'customers azure migrate', 'my claims']) {
      const [reply] = await turn(DEMO.users.noRoleA, say);
      expect(reply?.text).toMatch(/no incentives role yet/);
      expect(reply?.text).toContain('Adele Vance (adele.vance@fabrikamconsulting.com)');
    }
    const [users] = await turn(DEMO.users.noRoleA, 'users');
    expect(users?.text).toMatch(/Only an Incentives admin/);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an Incentives user who tries to grant, by command or by a forged button, and changes nothing', async () => {
    const before = await snapshot();
    const [typed] = await turn(DEMO.users.userA, `grant incentives admin to ${LEE}`);
    expect(typed?.text).toMatch(/Only an Incentives admin/);
    const [clicked] = await turn(DEMO.users.userA, { action: 'grantRole', email: 'alex.wilber@fabrikamconsulting.com', role: 'INCENTIVES_ADMIN' });
    expect(clicked?.text).toMatch(/Only an Incentives admin/);
    expect(await snapshot()).toEqual(before);
  });

  it('grants a role by command with a loose role name; the user can then work with claims', async () => {
    const [reply] = await turn(DEMO.users.adminA, 'Grant Incentives-User to Lee.Gu@FabrikamConsulting.com');
    expect(reply?.text).toBe(`Granted Incentives user to Lee Gu (${LEE}). Their roles now: Incentives user. Type **users** to see everyone.`);
    expect(await rolesOf(LEE)).toEqual(['INCENTIVES_USER']);
    const [engagements] = await turn(DEMO.users.noRoleA, 'engagements');
    expect(JSON.stringify(engagements?.card)).toContain('Engagements you can work on');
  });

  it('asks to confirm a revoke, changes nothing until confirmed, then revokes and audits it', async () => {
    const before = await snapshot();
    const [confirm] = await turn(DEMO.users.adminA, { action: 'revokeRole', email: LEE, role: 'INCENTIVES_USER' });
    expect(JSON.stringify(confirm?.card)).toContain('Revoke Incentives user?');
    expect(await snapshot()).toEqual(before);
    const button = submitActions(confirm?.card).find((a) => a.data.action === 'confirmRevokeRole');
    expect(button?.data).toEqual({ action: 'confirmRevokeRole', email: LEE, role: 'INCENTIVES_USER' });
    const [done] = await turn(DEMO.users.adminA, button?.data ?? {});
    expect(done?.text).toMatch(/^Revoked Incentives user from Lee Gu/);
    expect(await rolesOf(LEE)).toEqual([]);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'role.revoked' } });
    expect(audit).toMatchObject({ partnerId: DEMO.partnerA, actorId: DEMO.userIds.adminA, before: { roles: ['INCENTIVES_USER'] }, after: { roles: [] } });
  });

  it('never lets the last Incentives admin revoke their own admin role, asked or confirmed', async () => {
    const before = await snapshot();
    const [asked] = await turn(DEMO.users.adminB, `revoke incentives admin from ${MEGAN}`);
    expect(asked?.text).toMatch(/You are the only Incentives admin of Trey Research/);
    expect(asked?.card).toBeNull();
    const [forced] = await turn(DEMO.users.adminB, { action: 'confirmRevokeRole', email: MEGAN, role: 'INCENTIVES_ADMIN' });
    expect(forced?.text).toMatch(/You are the only Incentives admin of Trey Research/);
    expect(await rolesOf(MEGAN)).toEqual(['INCENTIVES_ADMIN']);
    expect(await snapshot()).toEqual(before);
  });

  it('says what is wrong with an unknown role, a bad button and another partner’s user', async () => {
    const before = await snapshot();
    const [role] = await turn(DEMO.users.adminA, `grant superuser to ${LEE}`);
    expect(role?.text).toMatch(/"superuser" is not a role\. The roles are Incentives admin, Incentives user, Referrals admin/);
    const [button] = await turn(DEMO.users.adminA, { action: 'grantRole', email: LEE, role: 'SUPERUSER' });
    expect(button?.text).toMatch(/^That button is from an earlier card/);
    expect(button?.text).not.toContain('grantRole');
    const [other] = await turn(DEMO.users.adminA, `grant incentives user to ${MEGAN}`);
    expect(other?.text).toMatch(/not found among your organisation's users/);
    expect(JSON.stringify(other)).not.toContain('Megan');
    expect(await snapshot()).toEqual(before);
  });
});

describe('someone the bot does not know', () => {
  let db: Database;
  let dialogClient: DialogTestClient;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    const deps = createDialogDeps({ db, clock: new FixedClock(NOW), logger: pino({ level: 'silent' }), localMode: false, consent: TEST_CONSENT_SETTINGS });
    const userState = new UserState(new MemoryStorage());
    dialogClient = new DialogTestClient('msteams', new MainDialog(deps, userState), undefined, [new AutoSaveStateMiddleware(userState)]);
  });

  afterAll(async () => {
    await db.close();
  });

  async function say(text: string, extra: Partial<Activity>): Promise<string> {
    const from = { id: 'teams-stranger', name: 'Stranger', aadObjectId: '00000000-0000-0000-0000-0000000000ee' };
    const reply = (await dialogClient.sendActivity({ type: 'message', text, from, ...extra })) as Partial<Activity> | undefined;
    return reply?.text ?? '';
  }

  it('names the Incentives admins of the partner whose tenant the activity came from (channelData or conversation)', async () => {
    const viaChannelData = await say('engagements', { channelData: { tenant: { id: DEMO.tenants.partnerA } } });
    expect(viaChannelData).toMatch(/I don't know you yet/);
    expect(viaChannelData).toContain("Fabrikam Consulting's tenant");
    expect(viaChannelData).toContain('Adele Vance (adele.vance@fabrikamconsulting.com)');
    const viaConversation = await say('add customer', { conversation: { id: 'c-1', tenantId: DEMO.tenants.partnerB.toUpperCase(), isGroup: false, name: '', conversationType: 'personal' } });
    expect(viaConversation).toContain('Megan Bowen (megan.bowen@treyresearch.net)');
    expect(viaConversation).not.toContain('Adele');
  });

  it('gives the general answer when the tenant is not a partner’s', async () => {
    const text = await say('engagements', { channelData: { tenant: { id: DEMO.tenants.microsoft } } });
    expect(text).toMatch(/I don't know you yet, so you cannot work with claims\. Ask an Incentives admin of your organisation/);
  });
});
