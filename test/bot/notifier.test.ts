import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import pino from 'pino';
import { loadConfig } from '../../bot/config';
import { ConversationReferenceStore, REFERENCE_TRUSTED_MS, REMOVED_REASON } from '../../bot/conversationReferences';
import { NO_CONVERSATION, TeamsNotifier, describeFailure, notificationFor, parseRetryAfter } from '../../bot/notifier';
import { PROACTIVE_SEND_TIMEOUT_MS, createProactiveAdapter } from '../../bot/proactiveAdapter';
import { DEFAULT_RATE_MARGIN_MS, TEAMS_CONVERSATION_LIMITS, TeamsRateLimiter } from '../../bot/teamsRateLimiter';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { enqueue } from '../../services/outbox/outbox';
import { DELIVERY_DEFAULTS, deliverDueMessages } from '../../services/outbox/delivery';
import { LocalEmailSender, emailChannelHandler } from '../../services/ports/email';
import { cardOf, messageActivity } from '../support/activities';
import { adaptiveCardErrors } from '../support/cardSchema';
import { T0 } from '../support/fixtures';
import { TeamsCaptureConnector } from '../support/teamsConnector';
import { countingStatements, createTestDatabase } from '../support/testDatabase';

const logger = pino({ level: 'silent' });

let db: Database;
let teams: TeamsCaptureConnector;
let serviceUrl: string;
let store: ConversationReferenceStore;
let clock: FixedClock;
const adapter = createProactiveAdapter(loadConfig({}));

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

beforeEach(() => {
  clock = new FixedClock(T0);
});

function notifier(): TeamsNotifier {
  return new TeamsNotifier({ db, adapter, appId: '', logger });
}

/** A user who has talked to the bot: their personal conversation is stored. */
async function installedUser(): Promise<{ aadObjectId: string; conversationId: string }> {
  const aadObjectId = randomUUID();
  const conversationId = `a:${randomUUID()}`;
  await store.recordActivity(messageActivity({ serviceUrl, aadObjectId, conversationId, text: 'hi' }) as unknown as Activity);
  return { aadObjectId, conversationId };
}

async function queue(recipient: string, event = 'consent.accepted'): Promise<string> {
  const dedupeKey = `test:${randomUUID()}`;
  await db.prisma.$transaction((tx) =>
    enqueue(
      tx,
      [
        {
          channel: 'TEAMS',
          event,
          dedupeKey,
          recipient,
          claimId: 'CLM-TEST0001',
          partnerId: null,
          payload: { kind: event, claimId: 'CLM-TEST0001', customerName: 'Contoso', engagementName: 'Azure Migrate', text: 'Contoso accepted consent.' },
        },
      ],
      clock.now(),
    ),
  );
  return (await db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey } })).id;
}

/** A consent email due now, as the consent service queues one. */
async function queueEmail(): Promise<string> {
  const dedupeKey = `test:${randomUUID()}`;
  await db.prisma.$transaction((tx) =>
    enqueue(
      tx,
      [
        {
          channel: 'EMAIL',
          event: 'consent.requested',
          dedupeKey,
          recipient: 'dana@customer.example',
          claimId: 'CLM-TEST0001',
          partnerId: null,
          payload: { to: 'dana@customer.example', subject: 'Consent asked', text: 'Please answer.', html: '<p>Please answer.</p>' },
        },
      ],
      clock.now(),
    ),
  );
  return (await db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey } })).id;
}

async function row(id: string) {
  return db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
}

describe('the Teams notifier', () => {
  it('sends one Adaptive Card with the next step (Submit claim) and View claim to the recipient’s personal conversation', async () => {
    const user = await installedUser();
    const id = await queue(user.aadObjectId);
    expect(await deliverDueMessages(db, clock, { TEAMS: notifier() })).toMatchObject({ sent: 1 });
    const sent = teams.to(user.conversationId);
    expect(sent).toHaveLength(1);
    const card = cardOf(sent[0]?.body ?? {});
    expect(JSON.stringify(card)).toContain('Contoso');
    expect(JSON.stringify(card)).toContain('Azure Migrate');
    expect(card?.actions).toEqual([
      { type: 'Action.Submit', title: 'Submit claim', data: { action: 'submitClaim', claimId: 'CLM-TEST0001' } },
      { type: 'Action.Submit', title: 'View claim', data: { action: 'viewClaim', claimId: 'CLM-TEST0001' } },
    ]);
    expect(sent[0]?.body).toMatchObject({ summary: 'Contoso accepted consent.' });
    expect(sent[0]?.body.text).toBeUndefined();
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect((await row(id)).status).toBe('SENT');
    expect(await deliverDueMessages(db, clock, { TEAMS: notifier() })).toMatchObject({ sent: 0 });
    expect(teams.to(user.conversationId)).toHaveLength(1);
  });

  it('sends Teams the card with Action.Execute (Submit fallback) and a refresh to the claim as it is when opened later', async () => {
    const aadObjectId = randomUUID();
    const conversationId = `a:${randomUUID()}`;
    await store.recordActivity({ ...messageActivity({ serviceUrl, aadObjectId, conversationId, text: 'hi' }), channelId: 'msteams', conversation: { id: conversationId, conversationType: 'personal' } } as unknown as Activity);
    await queue(aadObjectId);
    expect(await deliverDueMessages(db, clock, { TEAMS: notifier() })).toMatchObject({ sent: 1 });
    const card = cardOf(teams.to(conversationId)[0]?.body ?? {});
    // The consent-accepted card's next step first, then View claim; each an Execute with its Submit as fallback.
    const submit = { type: 'Action.Submit', title: 'Submit claim', data: { action: 'submitClaim', claimId: 'CLM-TEST0001' } };
    const view = { type: 'Action.Submit', title: 'View claim', data: { action: 'viewClaim', claimId: 'CLM-TEST0001' } };
    expect(card?.actions).toEqual([
      { ...submit, type: 'Action.Execute', verb: 'submitClaim', fallback: submit },
      { ...view, type: 'Action.Execute', verb: 'viewClaim', fallback: view },
    ]);
    expect(card?.refresh).toEqual({
      action: { type: 'Action.Execute', verb: 'refreshClaim', data: { action: 'refreshClaim', claimId: 'CLM-TEST0001', notice: expect.stringContaining('Contoso accepted consent.') as unknown } },
    });
    expect(adaptiveCardErrors(card)).toEqual([]);
  });

  it('looks up the conversations of a pass’s recipients in one statement, and sends each its own', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => installedUser()));
    for (const user of users) await queue(user.aadObjectId);
    const lookups = countingStatements(db, (text) => text.includes('FROM "ConversationReference"'));
    const paced = new TeamsNotifier({ db: lookups.db, adapter, appId: '', logger });
    expect(await deliverDueMessages(db, clock, { TEAMS: paced })).toMatchObject({ sent: 5 });
    expect(lookups.count()).toBe(1);
    for (const user of users) expect(teams.to(user.conversationId)).toHaveLength(1);
  });

  it('records a message to someone without a conversation as undeliverable, without retrying', async () => {
    const id = await queue(randomUUID());
    expect(await deliverDueMessages(db, clock, { TEAMS: notifier() })).toMatchObject({ dead: 1 });
    expect(await row(id)).toMatchObject({ status: 'UNDELIVERABLE', lastError: NO_CONVERSATION, attempts: 1 });
  });

  jest.setTimeout(60_000);

  it('retries a 429 after Retry-After and then delivers once', async () => {
    const user = await installedUser();
    const throttled = { status: 429, retryAfterSeconds: 1 };
    teams.script(user.conversationId, throttled, throttled, throttled, throttled, throttled, throttled);
    const id = await queue(user.aadObjectId);
    expect(await deliverDueMessages(db, clock, { TEAMS: notifier() }, { random: () => 0 })).toMatchObject({ retried: 1 });
    teams.clearScript(user.conversationId);
    const waiting = await row(id);
    expect(waiting.status).toBe('PENDING');
    expect(waiting.lastError).toContain('429');
    expect(waiting.nextAttemptAt.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(1_000);
    expect(teams.to(user.conversationId)).toHaveLength(0);
    clock.set(new Date(waiting.nextAttemptAt.getTime()));
    expect(await deliverDueMessages(db, clock, { TEAMS: notifier() })).toMatchObject({ sent: 1 });
    expect(teams.to(user.conversationId)).toHaveLength(1);
    expect((await row(id)).status).toBe('SENT');
  });

  it('retries a 500', async () => {
    const user = await installedUser();
    const failed = { status: 500 };
    teams.script(user.conversationId, failed, failed, failed, failed, failed, failed);
    const id = await queue(user.aadObjectId);
    expect(await deliverDueMessages(db, clock, { TEAMS: notifier() })).toMatchObject({ retried: 1 });
    teams.clearScript(user.conversationId);
    expect((await row(id)).lastError).toContain('500');
  });

  it('on a 429 with Retry-After: 600 makes one POST and hands the row back at once, without delaying an email due at the same moment', async () => {
    const user = await installedUser();
    teams.script(user.conversationId, { status: 429, retryAfterSeconds: 600 }, { status: 429, retryAfterSeconds: 600 });
    const teamsId = await queue(user.aadObjectId);
    const mailDir = await mkdtemp(path.join(tmpdir(), 'mci-notifier-mail-'));
    try {
      const emailId = await queueEmail();
      const email = emailChannelHandler(new LocalEmailSender({ dataDir: mailDir, log: { info: () => undefined } }));
      const started = performance.now();
      const counts = await deliverDueMessages(db, clock, { TEAMS: notifier(), EMAIL: email }, { random: () => 0 });
      const elapsedMs = performance.now() - started;
      teams.clearScript(user.conversationId);
      expect(counts).toMatchObject({ sent: 1, retried: 1 });
      // Before the fix the client waited out Retry-After inside the send, three times: 30 minutes.
      expect(elapsedMs).toBeLessThan(5_000);
      expect(teams.requests.filter((r) => r.conversationId === user.conversationId)).toHaveLength(1);
      expect(await readdir(path.join(mailDir, 'mail'))).toEqual([`${emailId}.eml`]);
      expect((await row(emailId)).status).toBe('SENT');
      const waiting = await row(teamsId);
      expect(waiting).toMatchObject({ status: 'PENDING', attempts: 1, lockedUntil: null });
      expect(waiting.nextAttemptAt.getTime() - clock.now().getTime()).toBe(600_000);
    } finally {
      await rm(mailDir, { recursive: true, force: true });
    }
  });

  it.each([412, 500, 503])('on a %i makes one POST and reschedules with the backoff', async (status) => {
    const user = await installedUser();
    teams.script(user.conversationId, { status }, { status }, { status }, { status });
    const id = await queue(user.aadObjectId);
    expect(await deliverDueMessages(db, clock, { TEAMS: notifier() }, { random: () => 0 })).toMatchObject({ retried: 1 });
    teams.clearScript(user.conversationId);
    expect(teams.requests.filter((r) => r.conversationId === user.conversationId)).toHaveLength(1);
    const waiting = await row(id);
    expect(waiting.lastError).toContain(String(status));
    // The first backoff: 1 minute with the jitter pinned at -25 %.
    expect(waiting.nextAttemptAt.getTime() - clock.now().getTime()).toBe(45_000);
  });

  it('holds a message back for the limiter without spending an attempt, and sends it once the window has room', async () => {
    const user = await installedUser();
    const now = { t: 0 };
    const limiter = new TeamsRateLimiter({ now: () => now.t, marginMs: 0, conversationLimits: [{ windowMs: 30_000, max: 1 }] });
    const paced = new TeamsNotifier({ db, adapter, appId: '', logger, limiter });
    const ids = [await queue(user.aadObjectId), await queue(user.aadObjectId)];
    expect(await deliverDueMessages(db, clock, { TEAMS: paced })).toMatchObject({ sent: 1, held: 1, nextDueInMs: 30_000 });
    const rows = await Promise.all(ids.map(row));
    expect(rows.filter((r) => r.status === 'SENT')).toMatchObject([{ attempts: 1 }]);
    const held = rows.find((r) => r.status === 'PENDING');
    expect(held).toMatchObject({ attempts: 0, lastError: null, nextAttemptAt: new Date(clock.now().getTime() + 30_000) });
    now.t = 30_000;
    clock.set(new Date(clock.now().getTime() + 30_000));
    expect(await deliverDueMessages(db, clock, { TEAMS: paced })).toMatchObject({ sent: 1 });
    expect(await row(held?.id ?? '')).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(teams.requests.filter((r) => r.conversationId === user.conversationId)).toHaveLength(2);
  });

  it('with two instances, a throttled message is sent once', async () => {
    const user = await installedUser();
    teams.script(user.conversationId, { status: 429, retryAfterSeconds: 600 }, { status: 429, retryAfterSeconds: 600 });
    const id = await queue(user.aadObjectId);
    // Each instance has its own adapter, limiter and notifier; they share only the database.
    const instance = () => new TeamsNotifier({ db, adapter: createProactiveAdapter(loadConfig({})), appId: '', logger });
    const [a, b] = [instance(), instance()];
    const both = () => Promise.all([deliverDueMessages(db, clock, { TEAMS: a }, { random: () => 0 }), deliverDueMessages(db, clock, { TEAMS: b }, { random: () => 0 })]);
    await both();
    teams.clearScript(user.conversationId);
    expect(teams.requests.filter((r) => r.conversationId === user.conversationId)).toHaveLength(1);
    clock.set(new Date(clock.now().getTime() + 600_000));
    await both();
    await both();
    expect(teams.requests.filter((r) => r.conversationId === user.conversationId)).toHaveLength(2);
    expect(teams.to(user.conversationId)).toHaveLength(1);
    expect(await row(id)).toMatchObject({ status: 'SENT', attempts: 2 });
  });

  it('gives up on a connector that does not answer within the send timeout, and retries later', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const aadObjectId = randomUUID();
      await store.recordActivity(messageActivity({ serviceUrl: `http://127.0.0.1:${port}/`, aadObjectId, conversationId: `a:${randomUUID()}`, text: 'hi' }) as unknown as Activity);
      const id = await queue(aadObjectId);
      const quick = new TeamsNotifier({ db, adapter: createProactiveAdapter(loadConfig({}), { timeoutMs: 300 }), appId: '', logger });
      const started = performance.now();
      expect(await deliverDueMessages(db, clock, { TEAMS: quick })).toMatchObject({ retried: 1 });
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(await row(id)).toMatchObject({ status: 'PENDING', lockedUntil: null });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('times a send out well within the outbox lease', () => {
    expect(PROACTIVE_SEND_TIMEOUT_MS).toBeLessThan(DELIVERY_DEFAULTS.leaseMs / 2);
  });

  it.each(['BotNotInConversationRoster', 'MessageWritesBlocked', 'BotDisabledByAdmin'])(
    'on 403 %s marks the conversation inactive and stops retrying',
    async (code) => {
      const user = await installedUser();
      teams.script(user.conversationId, { status: 403, code });
      const id = await queue(user.aadObjectId);
      expect(await deliverDueMessages(db, clock, { TEAMS: notifier() })).toMatchObject({ dead: 1 });
      expect(await row(id)).toMatchObject({ status: 'UNDELIVERABLE', attempts: 1, lastError: expect.stringContaining(code) as unknown });
      const reference = await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId: user.conversationId } });
      expect(reference.active).toBe(false);
      expect(reference.inactiveReason).toContain(code);
      const before = teams.requests.filter((r) => r.conversationId === user.conversationId).length;
      const next = await queue(user.aadObjectId);
      clock.advanceDays(1);
      await deliverDueMessages(db, clock, { TEAMS: notifier() });
      expect(await row(next)).toMatchObject({ status: 'UNDELIVERABLE', lastError: NO_CONVERSATION });
      expect(teams.requests.filter((r) => r.conversationId === user.conversationId)).toHaveLength(before);
    },
  );

  it('on 404 marks the conversation inactive', async () => {
    const user = await installedUser();
    teams.script(user.conversationId, { status: 404 });
    const id = await queue(user.aadObjectId);
    await deliverDueMessages(db, clock, { TEAMS: notifier() });
    expect(await row(id)).toMatchObject({ status: 'UNDELIVERABLE', lastError: expect.stringContaining('404') as unknown });
    expect((await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId: user.conversationId } })).active).toBe(false);
  });

  it('after a 404 on the newest conversation, delivers once through the user’s other active conversation', async () => {
    const user = await installedUser();
    const newer = `a:${randomUUID()}`;
    await store.recordActivity(messageActivity({ serviceUrl, aadObjectId: user.aadObjectId, conversationId: newer, text: 'hi again' }) as unknown as Activity);
    await db.prisma.$executeRaw`UPDATE "ConversationReference" SET "updatedAt" = now() - interval '1 day' WHERE "conversationId" = ${user.conversationId}`;
    teams.script(newer, { status: 404 });
    const id = await queue(user.aadObjectId);
    expect(await deliverDueMessages(db, clock, { TEAMS: notifier() }, { random: () => 0 })).toMatchObject({ retried: 1 });
    expect((await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId: newer } })).active).toBe(false);
    clock.set(new Date((await row(id)).nextAttemptAt.getTime()));
    expect(await deliverDueMessages(db, clock, { TEAMS: notifier() })).toMatchObject({ sent: 1 });
    expect(teams.to(user.conversationId)).toHaveLength(1);
    expect(teams.to(newer)).toHaveLength(0);
    expect((await row(id)).status).toBe('SENT');
  });

  it('delivers once after a restart between the write and the delivery', async () => {
    const user = await installedUser();
    const id = await queue(user.aadObjectId);
    expect(await deliverDueMessages(db, clock, { TEAMS: notifier() })).toMatchObject({ sent: 1 });
    expect(await deliverDueMessages(db, clock, { TEAMS: notifier() })).toMatchObject({ sent: 0 });
    expect(teams.to(user.conversationId)).toHaveLength(1);
    expect((await row(id)).status).toBe('SENT');
  });
});

describe('conversation references', () => {
  it('are refreshed by every message and deactivated by an uninstall', async () => {
    const user = await installedUser();
    const remove = {
      ...messageActivity({ serviceUrl, aadObjectId: user.aadObjectId, conversationId: user.conversationId }),
      type: 'installationUpdate',
      action: 'remove',
    };
    await store.recordActivity(remove as unknown as Activity);
    expect(await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId: user.conversationId } })).toMatchObject({ active: false, inactiveReason: REMOVED_REASON });
    expect(await store.personalConversation(user.aadObjectId)).toBeNull();
    await store.recordActivity(messageActivity({ serviceUrl, aadObjectId: user.aadObjectId, conversationId: user.conversationId }) as unknown as Activity);
    expect((await store.personalConversation(user.aadObjectId))?.conversationId).toBe(user.conversationId);
  });

  /** The stored row's updatedAt moved into the past, so that a write shows as a new one. */
  async function backdate(conversationId: string, minutes: number): Promise<Date> {
    await db.prisma.$executeRaw`UPDATE "ConversationReference" SET "updatedAt" = "updatedAt" - make_interval(mins => ${minutes}) WHERE "conversationId" = ${conversationId}`;
    return (await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId } })).updatedAt;
  }

  it('are written again only when something in them changed', async () => {
    const user = await installedUser();
    const before = await backdate(user.conversationId, 10);
    // The same conversation, user and serviceUrl in a later activity (a new activity id): nothing to write.
    await store.recordActivity(messageActivity({ serviceUrl, aadObjectId: user.aadObjectId, conversationId: user.conversationId, text: 'again' }) as unknown as Activity);
    expect((await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId: user.conversationId } })).updatedAt).toEqual(before);

    const movedUrl = `${serviceUrl}moved/`;
    await store.recordActivity(messageActivity({ serviceUrl: movedUrl, aadObjectId: user.aadObjectId, conversationId: user.conversationId }) as unknown as Activity);
    const moved = await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId: user.conversationId } });
    expect(moved.serviceUrl).toBe(movedUrl);
    expect(moved.reference).toMatchObject({ serviceUrl: movedUrl });
    expect(moved.updatedAt.getTime()).toBeGreaterThan(before.getTime());
    expect((await store.personalConversation(user.aadObjectId))?.reference.serviceUrl).toBe(movedUrl);

    // A change inside the reference alone (the user's display name) is written too.
    await backdate(user.conversationId, 10);
    const renamed = { ...messageActivity({ serviceUrl: movedUrl, aadObjectId: user.aadObjectId, conversationId: user.conversationId }), from: { id: 'user-1', name: 'Renamed user', aadObjectId: user.aadObjectId } };
    await store.recordActivity(renamed as unknown as Activity);
    expect((await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId: user.conversationId } })).reference).toMatchObject({ user: { name: 'Renamed user' } });
  });

  it('are reactivated by a message after Teams said the conversation was gone', async () => {
    const user = await installedUser();
    await store.deactivate(user.conversationId, 'Teams answered 404');
    await store.recordActivity(messageActivity({ serviceUrl, aadObjectId: user.aadObjectId, conversationId: user.conversationId }) as unknown as Activity);
    expect(await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId: user.conversationId } })).toMatchObject({ active: true, inactiveReason: null });
  });

  it('are refreshed, unchanged, once they were last written over an hour ago', async () => {
    const user = await installedUser();
    const before = await backdate(user.conversationId, 61);
    // Another instance (this one trusts what it wrote for a minute, see below).
    await new ConversationReferenceStore(db, logger).recordActivity(messageActivity({ serviceUrl, aadObjectId: user.aadObjectId, conversationId: user.conversationId }) as unknown as Activity);
    expect((await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId: user.conversationId } })).updatedAt.getTime()).toBeGreaterThan(before.getTime());
  });

  /** A store whose reads of the row are counted, on a clock the test moves. */
  function countingStore(): { store: ConversationReferenceStore; reads: () => number; now: { ms: number } } {
    const now = { ms: Date.now() };
    const reads = countingStatements(db, (text) => text.includes('FROM "ConversationReference"'));
    return { store: new ConversationReferenceStore(reads.db, logger, () => now.ms), reads: reads.count, now };
  }

  it('are not read again for a minute after this instance read or wrote them, unless something in them changed', async () => {
    const user = await installedUser();
    const { store: counted, reads, now } = countingStore();
    const message = (text: string, url = serviceUrl) => messageActivity({ serviceUrl: url, aadObjectId: user.aadObjectId, conversationId: user.conversationId, text }) as unknown as Activity;
    await counted.recordActivity(message('first'));
    expect(reads()).toBe(1);
    now.ms += REFERENCE_TRUSTED_MS - 1_000;
    await counted.recordActivity(message('second'));
    expect(reads()).toBe(1);
    // A changed serviceUrl is read and written at once.
    const movedUrl = `${serviceUrl}moved/`;
    await counted.recordActivity(message('moved', movedUrl));
    expect(reads()).toBe(2);
    expect((await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId: user.conversationId } })).serviceUrl).toBe(movedUrl);
    now.ms += REFERENCE_TRUSTED_MS + 1;
    await counted.recordActivity(message('a minute later', movedUrl));
    expect(reads()).toBe(3);
  });

  it('deactivated by another instance are active again after the next message past the trusted minute, and at once after an install', async () => {
    const user = await installedUser();
    const { store: here, now } = countingStore();
    const other = new ConversationReferenceStore(db, logger);
    const message = messageActivity({ serviceUrl, aadObjectId: user.aadObjectId, conversationId: user.conversationId }) as unknown as Activity;
    const active = async () => (await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId: user.conversationId } })).active;
    await here.recordActivity(message);
    await other.deactivate(user.conversationId, 'Teams answered 404');
    now.ms += REFERENCE_TRUSTED_MS + 1;
    await here.recordActivity(message);
    expect(await active()).toBe(true);

    await other.deactivate(user.conversationId, 'Teams answered 404');
    await here.recordActivity({ ...message, type: 'installationUpdate', action: 'add' });
    expect(await active()).toBe(true);
  });

  it('deactivated through the same instance are not trusted any more: the next message reactivates them', async () => {
    const user = await installedUser();
    const { store: here, reads } = countingStore();
    const message = messageActivity({ serviceUrl, aadObjectId: user.aadObjectId, conversationId: user.conversationId }) as unknown as Activity;
    await here.recordActivity(message);
    await here.deactivate(user.conversationId, 'Teams answered 403');
    await here.recordActivity(message);
    expect(reads()).toBe(2);
    expect(await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId: user.conversationId } })).toMatchObject({ active: true, inactiveReason: null });
  });

  it('store channels and group chats by kind, with no user', async () => {
    for (const [conversationType, kind] of [
      ['channel', 'CHANNEL'],
      ['groupChat', 'GROUP_CHAT'],
    ] as const) {
      const conversationId = `19:${randomUUID()}@thread.tacv2`;
      const activity = {
        ...messageActivity({ serviceUrl, aadObjectId: randomUUID() }),
        type: 'conversationUpdate',
        membersAdded: [{ id: 'bot' }],
        conversation: { id: conversationId, conversationType, tenantId: 'tenant-1' },
      };
      await store.recordActivity(activity as unknown as Activity);
      expect(await db.prisma.conversationReference.findUniqueOrThrow({ where: { conversationId } })).toMatchObject({ kind, aadObjectId: null, tenantId: 'tenant-1', active: true });
    }
  });
});

describe('the Teams rate limiter', () => {
  /** Sends as fast as the limiter allows for `durationMs` of simulated time; returns the send times. */
  function simulate(limiter: TeamsRateLimiter, now: { t: number }, durationMs: number, conversations: string[]): Map<string, number[]> {
    const sent = new Map<string, number[]>();
    for (let steps = 0; now.t < durationMs && steps < 1_000_000; steps += 1) {
      let next = Infinity;
      for (const conversation of conversations) {
        const wait = limiter.tryAcquire(conversation, 'tenant');
        if (wait === 0) sent.set(conversation, [...(sent.get(conversation) ?? []), now.t]);
        else next = Math.min(next, wait);
      }
      now.t += Number.isFinite(next) ? next : 0;
    }
    return sent;
  }

  function violates(times: number[], limits: readonly { windowMs: number; max: number }[]): boolean {
    return times.some((t, i) => limits.some((limit) => times.slice(0, i + 1).filter((s) => s > t - limit.windowMs).length > limit.max));
  }

  it('keeps one conversation within 7/s, 8/2s, 60/30s and 1800/h', () => {
    const now = { t: 0 };
    const times = simulate(new TeamsRateLimiter({ now: () => now.t, marginMs: 0 }), now, 120_000, ['c1']).get('c1') ?? [];
    expect(violates(times, TEAMS_CONVERSATION_LIMITS)).toBe(false);
    expect(times.length).toBeGreaterThanOrEqual(239);
    expect(times.slice(0, 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 1000]);
  });

  it('widens every window by a margin, so sends that arrive late at Teams still keep the limits', () => {
    const now = { t: 0 };
    const times = simulate(new TeamsRateLimiter({ now: () => now.t }), now, 120_000, ['c1']).get('c1') ?? [];
    expect(times.slice(0, 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 1000 + DEFAULT_RATE_MARGIN_MS]);
    // Each send arriving up to the margin later than it left still keeps every limit.
    const arrivals = times.map((t, i) => t + (i % 2 === 0 ? DEFAULT_RATE_MARGIN_MS : 0));
    expect(violates([...arrivals].sort((a, b) => a - b), TEAMS_CONVERSATION_LIMITS)).toBe(false);
  });

  it('counts a send from when it was answered, so the next one in its place leaves a full window after it arrived', () => {
    const now = { t: 0 };
    const limiter = new TeamsRateLimiter({ now: () => now.t, marginMs: 0, conversationLimits: [{ windowMs: 1_000, max: 1 }] });
    const first = limiter.acquire('c1', 'tenant');
    now.t = 300; // the request took 300 ms: Teams counted it somewhere in between
    first.slot?.finish();
    now.t = 1_000;
    expect(limiter.acquire('c1', 'tenant')).toEqual({ waitMs: 300, slot: null });
    now.t = 1_300;
    expect(limiter.acquire('c1', 'tenant').waitMs).toBe(0);
  });

  it('counts the bot’s replies in a turn against the same limits, from when they were answered', async () => {
    const now = { t: 0 };
    const limiter = new TeamsRateLimiter({ now: () => now.t, marginMs: 0 });
    // Three replies whose sending took 200 ms: they count from t=200, not from when they left.
    const sent = await limiter.sendReplies('c1', 'tenant', 3, () => {
      now.t += 200;
      return Promise.resolve('sent');
    });
    expect(sent).toBe('sent');
    const acquired = Array.from({ length: 5 }, () => limiter.tryAcquire('c1', 'tenant'));
    expect(acquired).toEqual([0, 0, 0, 0, 1000]);
    // A reply never waits, even when proactive sends have filled the window: it is counted all the same.
    const before = now.t;
    await limiter.sendReplies('c1', 'tenant', 1, () => Promise.resolve());
    expect(now.t).toBe(before);
    // Eight sends at t=200 now: the 8-per-2-seconds window keeps the next one until t=2200.
    now.t = 1_000;
    expect(limiter.acquire('c1', 'tenant').waitMs).toBe(1_200);
  });

  it('keeps a tenant within 50 per second and an instance within its share', () => {
    const now = { t: 0 };
    const conversations = Array.from({ length: 100 }, (_, i) => `c${i}`);
    const sent = simulate(new TeamsRateLimiter({ now: () => now.t, share: 0.5 }), now, 3_000, conversations);
    const all = [...sent.values()].flat().sort((a, b) => a - b);
    expect(violates(all, [{ windowMs: 1_000, max: 25 }])).toBe(false);
    for (const times of sent.values()) expect(violates(times, [{ windowMs: 1_000, max: 3 }, { windowMs: 2_000, max: 4 }])).toBe(false);
  });
});

describe('notification content and error mapping', () => {
  it('says what happened, to whom, and what to do next', () => {
    const card = notificationFor({ event: 'cosell.available', claimId: 'CLM-1', payload: { customerName: 'Contoso', engagementName: 'Migrate', partnerName: 'Fabrikam', text: 'Co-sell.' } });
    expect(card.facts).toEqual([
      { title: 'Customer', value: 'Contoso' },
      { title: 'Engagement', value: 'Migrate' },
      { title: 'Partner', value: 'Fabrikam' },
      { title: 'Claim', value: 'CLM-1' },
    ]);
    expect(card.next).toMatch(/co-sell/);
  });

  it('reads Retry-After as seconds or a date, and the status from a thrown error', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(describeFailure(new Error('socket hang up'))).toEqual({ message: 'socket hang up' });
  });
});
