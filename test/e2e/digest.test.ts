import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { routeMessage } from '../../dialogs/commands';
import { DEMO } from '../../prisma/demoData';
import { DIGEST_EVENT } from '../../services/digest';
import { cardOf, messageActivity, postActivity } from '../support/activities';
import { TeamsCaptureConnector, type TeamsActivity } from '../support/teamsConnector';

const logger = pino({ level: 'silent' });
const CONVERSATIONS = { admin: 'a:conv-digest-admin', user: 'a:conv-digest-user' } as const;

/** The day after today (UTC), where the test clock is set: the demo data is seeded relative to now. */
const DAY = new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
const at = (time: string, day: string = DAY) => `${day}T${time}:00.000Z`;
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);

/** The daily digest through the real server in local mode: Teams' time zone in, the digest card out to the capture connector. */
describe('the daily digest through the real HTTP endpoint', () => {
  let app: RunningApp;
  let dataDir: string;
  let teams: TeamsCaptureConnector;
  let serviceUrl: string;

  async function post(path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  }

  async function say(conversationId: string, aadObjectId: string, text: string, localTimezone: string): Promise<string> {
    const before = teams.to(conversationId).length;
    const activity = { ...messageActivity({ serviceUrl, aadObjectId, conversationId, text }), channelId: 'msteams', localTimezone };
    expect((await postActivity(app.url, activity)).status).toBeLessThan(300);
    return JSON.stringify(teams.to(conversationId).slice(before).map((reply) => [reply.body.text, cardOf(reply.body)]));
  }

  function digests(conversationId: string): TeamsActivity[] {
    return teams.to(conversationId).filter((activity) => JSON.stringify(cardOf(activity.body) ?? {}).includes('Your daily digest for'));
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'mci-digest-e2e-'));
    teams = new TeamsCaptureConnector();
    serviceUrl = await teams.start();
    app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, SCHEDULER_INTERVAL_SECONDS: '3600' }), { logger, host: '127.0.0.1' });
    // 07:30 in Kolkata (UTC+5:30), 02:00 UTC.
    await post('/api/dev/clock', { now: at('02:00') });
  }, 120_000);

  afterAll(async () => {
    await app.stop();
    await teams.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the time zone Teams gives, and falls back to UTC for one it does not know', async () => {
    expect(await say(CONVERSATIONS.admin, DEMO.users.adminA, 'digest', 'Asia/Kolkata')).toContain('every day at 8:00, Asia/Kolkata time');
    const off = await say(CONVERSATIONS.user, DEMO.users.userA, 'digest off', 'Not/A_Zone');
    expect(off).toContain('Your daily digest is off');
    const rows = await app.db.prisma.conversationReference.findMany({ where: { conversationId: { in: Object.values(CONVERSATIONS) } }, orderBy: { conversationId: 'asc' } });
    expect(rows.map((row) => [row.conversationId, row.timeZone])).toEqual([
      [CONVERSATIONS.admin, 'Asia/Kolkata'],
      [CONVERSATIONS.user, null],
    ]);
    expect(await say(CONVERSATIONS.user, DEMO.users.userA, 'digest', 'Not/A_Zone')).toContain('UTC (Teams has not told me your time zone yet)');
  });

  it('sends nothing before the local time, then one digest card at it, with buttons the bot answers', async () => {
    await post('/api/dev/tick');
    expect(digests(CONVERSATIONS.admin)).toHaveLength(0);
    await post('/api/dev/clock', { now: at('02:35') });
    const pass = await post('/api/dev/tick');
    expect(pass.digests).toMatchObject({ queued: 1 });
    const [digest] = digests(CONVERSATIONS.admin);
    expect(digests(CONVERSATIONS.admin)).toHaveLength(1);
    const card = JSON.stringify(cardOf(digest?.body ?? {}));
    expect(card).toContain('What needs attention across your organisation’s claims');
    expect(digest?.body.summary).toMatch(/^Your daily digest: /);
    // Every button is one the bot routes: the claim flows, View claim, the lists.
    const data = [...card.matchAll(/"data":(\{[^{}]*\})/g)].map((m) => JSON.parse(m[1] ?? '{}') as Record<string, unknown>);
    expect(data.length).toBeGreaterThan(2);
    expect(data.filter((d) => routeMessage(undefined, d).kind === 'badCard')).toEqual([]);
    expect(data.map((d) => d.action)).toEqual(expect.arrayContaining(['expiring', 'runCommand']));
    // Clicking the first claim's button starts its step.
    const first = data.find((d) => typeof d.claimId === 'string') ?? {};
    const before = teams.to(CONVERSATIONS.admin).length;
    const click = { ...messageActivity({ serviceUrl, aadObjectId: DEMO.users.adminA, conversationId: CONVERSATIONS.admin, value: first }), channelId: 'msteams' };
    expect((await postActivity(app.url, click)).status).toBeLessThan(300);
    const answer = JSON.stringify(teams.to(CONVERSATIONS.admin).slice(before).map((reply) => [reply.body.text, cardOf(reply.body)]));
    expect(answer).toContain(String(first.claimId));
    expect(answer).not.toContain('That button is from an earlier card');
  });

  it('sends it once a day: not again on later passes, nothing to whoever turned it off, again the next day', async () => {
    await post('/api/dev/tick');
    await post('/api/dev/clock', { now: at('08:05') });
    await post('/api/dev/tick');
    expect(digests(CONVERSATIONS.admin)).toHaveLength(1);
    expect(digests(CONVERSATIONS.user)).toHaveLength(0);
    await post('/api/dev/clock', { now: at('02:35', nextDay(DAY)) });
    await post('/api/dev/tick');
    expect(digests(CONVERSATIONS.admin)).toHaveLength(2);
    expect(digests(CONVERSATIONS.user)).toHaveLength(0);
    const rows = await app.db.prisma.outboxMessage.findMany({ where: { event: DIGEST_EVENT }, orderBy: { createdAt: 'asc' } });
    expect(rows.map((row) => [row.recipient, row.status, row.dedupeKey])).toEqual([
      [DEMO.users.adminA, 'SENT', `digest:${DEMO.userIds.adminA}:${DAY}`],
      [DEMO.users.adminA, 'SENT', `digest:${DEMO.userIds.adminA}:${nextDay(DAY)}`],
    ]);
    expect(teams.violations).toEqual([]);
  });
});
