import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import pino from 'pino';
import { loadConfig } from '../bot/config';
import { ConversationReferenceStore } from '../bot/conversationReferences';
import { TeamsNotifier } from '../bot/notifier';
import { createProactiveAdapter } from '../bot/proactiveAdapter';
import { startScheduler } from '../bot/scheduler';
import { TEAMS_CONVERSATION_LIMITS, TEAMS_TENANT_LIMITS, TeamsRateLimiter } from '../bot/teamsRateLimiter';
import type { Database } from '../services/db';
import { deliverDueMessages } from '../services/outbox/delivery';
import { enqueue, type OutboxDraft } from '../services/outbox/outbox';
import { systemClock } from '../services/shared/clock';
import { createBenchDatabase } from './database';
import { ROOT } from './processes';
import { table } from './stats';
import type { StandInStats } from './teamsStandIn';

export interface DrainBenchOptions {
  serverUrl: string;
  log(line: string): void;
  /** Messages queued at once to one person (one conversation). */
  oneConversation?: number;
  /** Sellers, one message each, all in one tenant. */
  sellers?: number;
  /** Runs of each scenario; the medians are reported. */
  runs?: number;
  /** Each run stops after this long even if messages are left (they are reported). */
  maxSeconds?: number;
}

const TENANT = 'bench-tenant';
const logger = pino({ level: 'silent' });

/**
 * The shortest time the limits allow for sends to `conversations` (each with its count of
 * messages): the greedy schedule, each message at the first instant every window has room, from
 * the first send to the last. Greedy is optimal for sliding windows.
 */
export function idealDrainMs(conversations: readonly number[]): number {
  let t = 0;
  const limiter = new TeamsRateLimiter({ now: () => t, marginMs: 0, conversationLimits: TEAMS_CONVERSATION_LIMITS, tenantLimits: TEAMS_TENANT_LIMITS });
  const left = [...conversations];
  let last = 0;
  for (let guard = 0; left.some((n) => n > 0) && guard < 10_000_000; guard += 1) {
    let next = Infinity;
    left.forEach((n, i) => {
      if (n <= 0) return;
      const wait = limiter.tryAcquire(`c${i}`, TENANT);
      if (wait === 0) {
        left[i] = n - 1;
        last = t;
      } else next = Math.min(next, wait);
    });
    if (Number.isFinite(next) && left.some((n) => n > 0)) t += next;
  }
  return last;
}

/** The person's personal conversation with the bot, as their first message stores it. */
async function install(store: ConversationReferenceStore, serviceUrl: string, aadObjectId: string): Promise<void> {
  const conversationId = `a:${randomUUID()}`;
  await store.recordActivity({
    type: 'message',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${aadObjectId}`, name: 'Bench user', aadObjectId },
    recipient: { id: '28:bot', name: 'MCI Engagement Assistant' },
    conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    text: 'hi',
  } as unknown as Activity);
}

async function queue(db: Database, recipients: readonly string[]): Promise<void> {
  const drafts: OutboxDraft[] = recipients.map((recipient, i) => ({
    channel: 'TEAMS',
    event: 'claim.submitted',
    dedupeKey: `bench:${randomUUID()}`,
    recipient,
    claimId: null,
    partnerId: null,
    payload: { kind: 'claim.submitted', text: `Bench message ${i + 1}.` },
  }));
  await db.prisma.$transaction((tx) => enqueue(tx, drafts, new Date()));
}

/** The stand-in connector's process (bench/teamsStandIn.ts): its URL, what it counted, and stop. */
async function startStandIn(): Promise<{ url: string; stats(): Promise<StandInStats>; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/teamsStandIn.ts'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the stand-in connector exited with ${code}`));
      const onMessage = (message: unknown) => {
        if (typeof message === 'object' && message !== null && key in message) {
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve((message as Record<string, T>)[key] as T);
        }
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const url = await next<string>('url');
  return {
    url,
    stats: () => {
      const answer = next<StandInStats>('stats');
      child.send('stats');
      return answer;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}

interface RunResult {
  messages: number;
  delivered: number;
  /** From the first arrival at the connector to the last. */
  drainMs: number;
  idealMs: number;
  requests: number;
  violations: number;
  attemptsMax: number;
}

/**
 * One scenario: `perRecipient` messages to each of `recipients.length` people queued at once, then
 * the bot's own scheduler loop (bot/scheduler.ts, the production interval of 5 s, batches of 50)
 * drains them through the TeamsNotifier, its limiter and the single-attempt proactive adapter to a
 * stand-in Teams connector on 127.0.0.1, in its own process, that enforces Teams' limits and counts violations.
 */
async function runScenario(serverUrl: string, people: number, perPerson: number, maxSeconds: number): Promise<RunResult> {
  const database = await createBenchDatabase(serverUrl);
  const db = await database.open(4);
  const teams = await startStandIn();
  const serviceUrl = teams.url;
  try {
    const store = new ConversationReferenceStore(db, logger);
    const recipients = Array.from({ length: people }, () => `aad-${randomUUID()}`);
    for (const recipient of recipients) await install(store, serviceUrl, recipient);
    await queue(db, recipients.flatMap((recipient) => Array.from({ length: perPerson }, () => recipient)));
    const total = people * perPerson;
    const notifier = new TeamsNotifier({ db, adapter: createProactiveAdapter(loadConfig({})), appId: '', logger, limiter: new TeamsRateLimiter() });
    const scheduler = startScheduler({
      claims: { sweepDeadlines: () => Promise.resolve({ reminded: 0, expired: 0 }) },
      outbox: { deliverDue: (handlers, deliveryOptions) => deliverDueMessages(db, systemClock, handlers, deliveryOptions) },
      logger,
      intervalMs: 5_000,
      delivery: { TEAMS: notifier },
    });
    const stopAt = Date.now() + maxSeconds * 1000;
    let stats = await teams.stats();
    while (Date.now() < stopAt && stats.delivered < total) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      stats = await teams.stats();
    }
    await scheduler.stop();
    stats = await teams.stats();
    const arrivals = stats.arrivals;
    if (process.env.DRAIN_ARRIVALS) (await import('node:fs')).writeFileSync(process.env.DRAIN_ARRIVALS, JSON.stringify(arrivals));
    const attempts = await db.prisma.outboxMessage.aggregate({ _max: { attempts: true } });
    return {
      messages: total,
      delivered: stats.delivered,
      drainMs: arrivals.length > 0 ? Math.max(...arrivals) - Math.min(...arrivals) : Number.NaN,
      idealMs: idealDrainMs(recipients.map(() => perPerson)),
      requests: stats.requests,
      violations: stats.violations,
      attemptsMax: attempts._max.attempts ?? 0,
    };
  } finally {
    await teams.stop();
    await db.close();
    await database.drop();
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
};

/** Benchmark 4: proactive drain at Teams' limits, a backlog to one person and one message to each of many sellers. */
export async function benchDrain(options: DrainBenchOptions): Promise<string> {
  const oneConversation = options.oneConversation ?? 200;
  const sellers = options.sellers ?? 500;
  const runs = Math.max(1, options.runs ?? 3);
  const maxSeconds = options.maxSeconds ?? 150;
  const scenarios = [
    { name: `${oneConversation} messages to one person`, people: 1, perPerson: oneConversation },
    { name: `1 message to each of ${sellers} sellers (one tenant)`, people: sellers, perPerson: 1 },
  ];
  const rows: string[][] = [];
  let allMet = true;
  for (const scenario of scenarios) {
    const results: RunResult[] = [];
    for (let run = 0; run < runs; run += 1) {
      const result = await runScenario(options.serverUrl, scenario.people, scenario.perPerson, maxSeconds);
      results.push(result);
      options.log(
        `  ${scenario.name}, run ${run + 1}: ${result.delivered}/${result.messages} delivered in ${(result.drainMs / 1000).toFixed(2)} s ` +
          `(limits allow ${(result.idealMs / 1000).toFixed(2)} s: ${((100 * result.idealMs) / result.drainMs).toFixed(1)} % of the limit); ` +
          `${result.requests} requests, ${result.violations} violations, most attempts of a message ${result.attemptsMax}`,
      );
    }
    const ratios = results.map((r) => r.idealMs / r.drainMs);
    const violations = results.reduce((sum, r) => sum + r.violations, 0);
    const complete = results.every((r) => r.delivered === r.messages);
    const met = complete && violations === 0 && median(ratios) >= 0.95;
    allMet &&= met;
    rows.push([
      scenario.name,
      String(runs),
      results.map((r) => `${r.delivered}/${r.messages}`).join(', '),
      (median(results.map((r) => r.drainMs)) / 1000).toFixed(2),
      results.map((r) => (r.drainMs / 1000).toFixed(2)).join(', '),
      ((results[0]?.idealMs ?? Number.NaN) / 1000).toFixed(2),
      `${(100 * median(ratios)).toFixed(1)} %`,
      `${(100 * Math.min(...ratios)).toFixed(1)} %`,
      results.map((r) => String(r.requests)).join(', '),
      String(violations),
      String(Math.max(...results.map((r) => r.attemptsMax))),
      met ? 'met' : 'MISSED',
    ]);
  }
  return [
    '### 4. Proactive drain at the Teams limits',
    '',
    'A backlog queued at once and drained by the bot\'s own scheduler loop (5 s interval, batches of 50) through the TeamsNotifier, its rate limiter and the single-attempt proactive adapter, to a stand-in Teams connector on 127.0.0.1 (test/support/teamsConnector.ts, in a process of its own: bench/teamsStandIn.ts) that enforces 7/s, 8/2 s, 60/30 s, 1800/h per conversation and 50/s per tenant and answers 429 to any request beyond them. Drain time: first arrival to last at the connector. "Limits allow": the greedy schedule under the same limits with no latency, first send to last. Target: median ≥ 95 % of the limit, zero violations, every message delivered.',
    '',
    table(
      ['scenario', 'runs', 'delivered', 'drain s (median)', 'drain s (each run)', 'limits allow s', '% of limit (median)', '% of limit (worst)', 'HTTP requests', 'violations', 'most attempts of a message', 'target'],
      rows,
    ),
    '',
    `Target ≥ 95 % of the limit with zero violations: ${allMet ? 'met' : 'MISSED'}.`,
    '',
  ].join('\n');
}
