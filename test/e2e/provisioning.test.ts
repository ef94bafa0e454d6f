import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { DEMO } from '../../prisma/demoData';
import type { Database } from '../../services/db';
import { cardOf, messageActivity, postActivity } from '../support/activities';
import { CaptureConnector } from '../support/captureConnector';
import { createDemoDatabase } from '../support/testDatabase';

const logger = pino({ level: 'silent' });
const NEW_EMAIL = 'new.person@fabrikamconsulting.com';

/**
 * Provisioning on first contact (issue 6), through the real HTTP endpoint: someone of partner A's
 * tenant who writes to the bot in Teams is registered as a user of A without a role, is told to give
 * A's admins their email, and A's admin can then grant them a role by that email.
 */
describe('a newcomer of a partner tenant is registered on first contact', () => {
  let app: RunningApp;
  let db: Database;
  const connector = new CaptureConnector();
  let serviceUrl: string;

  beforeAll(async () => {
    serviceUrl = await connector.start();
    db = await createDemoDatabase();
    app = await startApp(loadConfig({ PORT: '0' }), { logger, db, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app.stop();
    await connector.stop();
  });

  beforeEach(() => {
    connector.activities.length = 0;
    connector.memberLookups.length = 0;
  });

  /** A message as Teams posts it: from a Teams user id and AAD object id, in a tenant's conversation. */
  function teamsMessage(options: { text?: string; userId: string; aadObjectId: string; tenantId: string; channelId?: string }): Record<string, unknown> {
    const activity = messageActivity({ serviceUrl, text: options.text, conversationId: `a:${randomUUID()}` });
    return {
      ...activity,
      channelId: options.channelId ?? 'msteams',
      from: { id: options.userId, name: 'New Person', aadObjectId: options.aadObjectId },
      conversation: { ...(activity.conversation as Record<string, unknown>), tenantId: options.tenantId, conversationType: 'personal' },
    };
  }

  /** Posts an activity and returns the texts (and card JSON) of its replies. */
  async function say(activity: Record<string, unknown>, replies = 1): Promise<string> {
    const before = connector.activities.length;
    expect((await postActivity(app.url, activity)).status).toBe(200);
    const all = await connector.waitFor(before + replies);
    return all
      .slice(before)
      .map((reply) => `${typeof reply.body.text === 'string' ? reply.body.text : ''}${JSON.stringify(cardOf(reply.body) ?? {})}`)
      .join('\n');
  }

  it('registers them without a role, names the admins and their email, and lets the admin grant them a role by it', async () => {
    const aadObjectId = randomUUID();
    connector.members.set('29:new-user', { id: '29:new-user', name: 'New Person', aadObjectId, email: NEW_EMAIL, userPrincipalName: NEW_EMAIL, tenantId: DEMO.tenants.partnerA });

    const first = await say(teamsMessage({ text: 'engagements', userId: '29:new-user', aadObjectId, tenantId: DEMO.tenants.partnerA }));
    expect(connector.memberLookups).toEqual(['29:new-user']);
    const user = await db.prisma.partnerUser.findUniqueOrThrow({ where: { aadObjectId }, include: { roles: true } });
    expect(user).toMatchObject({ partnerId: DEMO.partnerA, email: NEW_EMAIL, displayName: 'New Person' });
    expect(user.roles).toEqual([]);
    expect(await db.prisma.auditEvent.count({ where: { action: 'user.registered', partnerId: DEMO.partnerA } })).toBe(1);
    expect(first).toContain('no incentives role yet');
    expect(first).toContain('Adele Vance (adele.vance@fabrikamconsulting.com)');
    expect(first).toContain(`Give them your email: ${NEW_EMAIL}`);

    const granted = await say(messageActivity({ serviceUrl, text: `grant incentives user to ${NEW_EMAIL}`, aadObjectId: DEMO.users.adminA }));
    expect(granted).toContain('Granted Incentives user');

    const welcome = await say(teamsMessage({ text: 'help', userId: '29:new-user', aadObjectId, tenantId: DEMO.tenants.partnerA }));
    expect(welcome).toContain('Hello New Person');
    expect(welcome).toContain('Incentives user');
    expect(welcome).not.toContain('no incentives role');
    // Known now: no second lookup, no second registration.
    expect(connector.memberLookups).toEqual(['29:new-user']);
    expect(await db.prisma.auditEvent.count({ where: { action: 'user.registered', partnerId: DEMO.partnerA } })).toBe(1);
  });

  it('registers them when they install the bot, and the welcome card already knows them', async () => {
    const aadObjectId = randomUUID();
    connector.members.set('29:installer', { id: '29:installer', name: 'Ines Taller', aadObjectId, userPrincipalName: 'ines.taller@fabrikamconsulting.com' });
    const install = teamsMessage({ userId: '29:installer', aadObjectId, tenantId: DEMO.tenants.partnerA });
    const welcome = await say({ ...install, type: 'conversationUpdate', membersAdded: [{ id: '29:installer' }] });
    expect(await db.prisma.partnerUser.findUnique({ where: { aadObjectId }, select: { email: true, displayName: true } })).toEqual({
      email: 'ines.taller@fabrikamconsulting.com',
      displayName: 'Ines Taller',
    });
    expect(welcome).toContain('Hello Ines Taller');
    expect(welcome).toContain('Give them your email: ines.taller@fabrikamconsulting.com');
  });

  it('registers nobody when the member lookup fails (404), and still answers the turn', async () => {
    const aadObjectId = randomUUID();
    const reply = await say(teamsMessage({ text: 'engagements', userId: '29:not-in-roster', aadObjectId, tenantId: DEMO.tenants.partnerA }));
    expect(connector.memberLookups).toEqual(['29:not-in-roster']);
    expect(await db.prisma.partnerUser.count({ where: { aadObjectId } })).toBe(0);
    expect(reply).toContain("I don't know you yet");
    expect(reply).toContain("Fabrikam Consulting's tenant");
  });

  it('looks nobody up outside Teams (the Emulator keeps its demo identities) nor from a tenant that is no partner’s', async () => {
    const aadObjectId = randomUUID();
    connector.members.set('29:elsewhere', { id: '29:elsewhere', name: 'Elsewhere', aadObjectId, email: 'elsewhere@fabrikamconsulting.com' });
    await say(teamsMessage({ text: 'engagements', userId: '29:elsewhere', aadObjectId, tenantId: DEMO.tenants.partnerA, channelId: 'emulator' }));
    await say(teamsMessage({ text: 'engagements', userId: '29:elsewhere', aadObjectId, tenantId: DEMO.tenants.microsoft }));
    expect(connector.memberLookups).toEqual([]);
    expect(await db.prisma.partnerUser.count({ where: { aadObjectId } })).toBe(0);
  });
});
