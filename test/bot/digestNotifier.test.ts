import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import pino from 'pino';
import { loadConfig } from '../../bot/config';
import { ConversationReferenceStore } from '../../bot/conversationReferences';
import { TeamsNotifier } from '../../bot/notifier';
import { createProactiveAdapter } from '../../bot/proactiveAdapter';
import type { Database, Prisma } from '../../services/db';
import { DIGEST_EVENT, type DigestPayload } from '../../services/digest';
import { eventInWords } from '../../services/outbox';
import { deliverDueMessages } from '../../services/outbox/delivery';
import { enqueue } from '../../services/outbox/outbox';
import { FixedClock } from '../../services/shared/clock';
import { cardOf, messageActivity } from '../support/activities';
import { adaptiveCardErrors } from '../support/cardSchema';
import { TeamsCaptureConnector } from '../support/teamsConnector';
import { createTestDatabase } from '../support/testDatabase';

/** The digest's way out: the time zone kept from each activity, the digest card through the notifier, and a digest too old to send. */

const logger = pino({ level: 'silent' });
const NOW = new Date('2026-03-03T07:00:00.000Z');

let db: Database;
let teams: TeamsCaptureConnector;
let serviceUrl: string;
let store: ConversationReferenceStore;

beforeAll(async () => {
  db = await createTestDatabase();
  teams = new TeamsCaptureConnector();
  serviceUrl = await teams.start();
  store = new ConversationReferenceStore(db, logger);
});

afterAll(async () => {
  await teams.stop();
  await db.close();
});

function activity(aadObjectId: string, conversationId: string, localTimezone?: string): Activity {
  return { ...messageActivity({ serviceUrl, aadObjectId, conversationId, text: 'hi' }), ...(localTimezone !== undefined ? { localTimezone } : {}) } as unknown as Activity;
}

function digest(asOf: Date): DigestPayload {
  const item = { claimId: 'CLM-TEST0001', friendlyName: 'Contoso wave 1', customerName: 'Contoso', engagementName: 'Azure Migrate', status: 'CONSENT_REQUESTED', deadline: { kind: 'consent' as const, at: '2026-03-05T09:00:00.000Z' }, upgradedAt: null, action: 'resendConsent' as const };
  return {
    kind: DIGEST_EVENT,
    localDate: '2026-03-03',
    timeZone: 'Europe/Amsterdam',
    asOf: asOf.toISOString(),
    scope: 'own',
    deadlines: { items: [item], total: 1 },
    consents: { items: [], total: 0 },
    rejected: { items: [], total: 0 },
    upgraded: { items: [], total: 0 },
    text: 'Your daily digest: 1 deadline this week.',
    timely: { until: new Date(asOf.getTime() + 12 * 3_600_000).toISOString() },
  };
}

async function queue(recipient: string, payload: Prisma.InputJsonValue, at: Date): Promise<string> {
  const dedupeKey = `digest:test:${randomUUID()}`;
  await db.prisma.$transaction((tx) => enqueue(tx, [{ channel: 'TEAMS', event: DIGEST_EVENT, dedupeKey, recipient, partnerId: null, payload }], at));
  return (await db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey } })).id;
}

describe('the time zone Teams gives', () => {
  it('is kept with the conversation when Intl knows it, and left as it was when an activity has none or an unknown one', async () => {
    const aad = randomUUID();
    const conversationId = `a:${randomUUID()}`;
    const zone = async () => (await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId } })).timeZone;
    await store.recordActivity(activity(aad, conversationId));
    expect(await zone()).toBeNull();
    await store.recordActivity(activity(aad, conversationId, 'Asia/Kolkata'));
    expect(await zone()).toBe('Asia/Kolkata');
    await store.recordActivity(activity(aad, conversationId));
    expect(await zone()).toBe('Asia/Kolkata');
    await store.recordActivity(activity(aad, conversationId, 'Mars/Olympus_Mons'));
    expect(await zone()).toBe('Asia/Kolkata');
    await store.recordActivity(activity(aad, conversationId, 'America/St_Johns'));
    expect(await zone()).toBe('America/St_Johns');
  });
});

describe('a digest through the notifier', () => {
  const notifier = () => new TeamsNotifier({ db, adapter: createProactiveAdapter(loadConfig({})), appId: '', logger });

  it('is sent as the digest card, its summary the line the toast shows', async () => {
    const aad = randomUUID();
    const conversationId = `a:${randomUUID()}`;
    await store.recordActivity(activity(aad, conversationId, 'Europe/Amsterdam'));
    const id = await queue(aad, digest(NOW), NOW);
    const counts = await deliverDueMessages(db, new FixedClock(NOW), { TEAMS: notifier() });
    expect(counts).toMatchObject({ sent: 1 });
    const [sent] = teams.to(conversationId);
    const card = cardOf(sent?.body ?? {}) ?? {};
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('Your daily digest for 3 March 2026');
    expect(JSON.stringify(card)).toContain('Consent due by 5 March 2026 (3 days left)');
    expect(JSON.stringify(card)).toContain('"data":{"action":"resendConsent","claimId":"CLM-TEST0001"}');
    expect(sent?.body.summary).toBe('Your daily digest: 1 deadline this week.');
    expect((await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } })).status).toBe('SENT');
  });

  it('is not sent when its payload cannot be read, and says why', async () => {
    const aad = randomUUID();
    await store.recordActivity(activity(aad, `a:${randomUUID()}`));
    const id = await queue(aad, { kind: DIGEST_EVENT, text: 'broken' }, NOW);
    await deliverDueMessages(db, new FixedClock(NOW), { TEAMS: notifier() });
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'DEAD', lastError: expect.stringContaining('daily digest') as unknown });
    // As Incentives admins see it in the undelivered list.
    expect(eventInWords(DIGEST_EVENT)).toBe('Daily digest');
  });

  it('is dropped when it could only arrive more than 12 hours after it was written', async () => {
    const aad = randomUUID();
    const conversationId = `a:${randomUUID()}`;
    await store.recordActivity(activity(aad, conversationId));
    const id = await queue(aad, digest(NOW), NOW);
    const counts = await deliverDueMessages(db, new FixedClock(new Date(NOW.getTime() + 12 * 3_600_000)), { TEAMS: notifier() });
    expect(counts).toMatchObject({ sent: 0, dropped: 1 });
    expect(teams.to(conversationId)).toEqual([]);
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'DROPPED', lastError: expect.stringContaining('out of date') as unknown });
  });
});
