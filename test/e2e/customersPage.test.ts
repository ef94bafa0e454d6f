import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { DEMO } from '../../prisma/demoData';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';
import { CaptureConnector } from '../support/captureConnector';
import { cardOf, messageActivity, postActivity } from '../support/activities';
import { createDemoDatabase } from '../support/testDatabase';

const logger = pino({ level: 'silent' });

describe('Customers page and claim status through the real HTTP server (local mode)', () => {
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

  beforeEach(() => {
    connector.activities.length = 0;
  });

  async function say(options: { text?: string; value?: Record<string, unknown>; aadObjectId: string; conversationId: string }): Promise<Record<string, unknown>> {
    if (!app) throw new Error('app not started');
    const before = connector.activities.length;
    const res = await postActivity(app.url, messageActivity({ serviceUrl, ...options }));
    expect(res.status).toBe(200);
    const replies = await connector.waitFor(before + 1);
    const reply = replies[before];
    expect(reply?.conversationId).toBe(options.conversationId);
    return reply?.body ?? {};
  }

  it('answers "customers azure migrate" from partner A’s user with the Eligible tab: the seeded rows and their actions', async () => {
    const body = await say({ text: 'customers azure migrate', aadObjectId: DEMO.users.userA, conversationId: 'e2e-customers' });
    const card = cardOf(body);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(adaptiveCardErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('Azure Migrate and Modernize');
    expect(text).toContain('Eligible customers');
    expect(text).toContain(DEMO.claims.tailspinMigrateConsentRequested);
    const actions = submitActions(card);
    expect(actions).toContainEqual({
      title: `View ${DEMO.claims.tailspinMigrateConsentRequested}`,
      data: { action: 'viewClaim', claimId: DEMO.claims.tailspinMigrateConsentRequested, engagementId: DEMO.engagements.azureMigrate },
    });
    expect(actions).toContainEqual({ title: 'Complete', data: { action: 'showTab', engagementId: DEMO.engagements.azureMigrate, tab: 'complete' } });
    expect(actions).toContainEqual({ title: 'Add customer', data: { action: 'addCustomer', engagementId: DEMO.engagements.azureMigrate } });
    expect(actions.some((a) => a.data.action === 'claimCustomer' && a.data.engagementId === DEMO.engagements.azureMigrate)).toBe(true);
    // Terminal claims are not on the Eligible tab.
    expect(text).not.toContain(DEMO.claims.contosoMigrateCompleted);
    // The conversation's state was saved in the database after the turn.
    expect(await app?.db.prisma.botState.count()).toBeGreaterThan(0);
  });

  it('answers the Complete tab button with the terminal claims, each opening its details', async () => {
    const body = await say({
      value: { action: 'showTab', engagementId: DEMO.engagements.azureMigrate, tab: 'complete' },
      aadObjectId: DEMO.users.userA,
      conversationId: 'e2e-customers',
    });
    const card = cardOf(body);
    expect(adaptiveCardErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('Complete claims');
    expect(text).toContain(DEMO.claims.contosoMigrateCompleted);
    expect(text).not.toContain(DEMO.claims.tailspinMigrateConsentRequested);
    expect(submitActions(card)).toContainEqual({
      title: `View ${DEMO.claims.contosoMigrateCompleted}`,
      data: { action: 'viewClaim', claimId: DEMO.claims.contosoMigrateCompleted, engagementId: DEMO.engagements.azureMigrate },
    });

    const details = cardOf(
      await say({ value: { action: 'viewClaim', claimId: DEMO.claims.contosoMigrateCompleted }, aadObjectId: DEMO.users.userA, conversationId: 'e2e-customers' }),
    );
    expect(adaptiveCardErrors(details)).toEqual([]);
    expect(JSON.stringify(details)).toContain('Claim details');
  });

  it('tells partner B that partner A’s claim is not found, and changes nothing', async () => {
    const prisma = app?.db.prisma;
    if (!prisma) throw new Error('app not started');
    const claimBefore = await prisma.claim.findUniqueOrThrow({ where: { id: DEMO.claims.tailspinMigrateConsentRequested } });
    const counts = () => Promise.all([prisma.claim.count(), prisma.auditEvent.count(), prisma.outboxMessage.count()]);
    const before = await counts();

    const body = await say({ text: `status ${DEMO.claims.tailspinMigrateConsentRequested}`, aadObjectId: DEMO.users.adminB, conversationId: 'e2e-partner-b' });
    expect(body.text).toMatch(new RegExp(`Claim ${DEMO.claims.tailspinMigrateConsentRequested} was not found`));
    expect(cardOf(body)).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain('Tailspin');

    expect(await counts()).toEqual(before);
    expect(await prisma.claim.findUniqueOrThrow({ where: { id: DEMO.claims.tailspinMigrateConsentRequested } })).toEqual(claimBefore);
  });
});
