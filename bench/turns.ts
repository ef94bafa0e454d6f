import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO } from '../prisma/demoData';
import { createBenchDatabase } from './database';
import { ReplySink, runLoad, type LoadResult } from './load';
import { startServer, type ServerProcess } from './processes';
import { ms, residentMiB, table } from './stats';

export interface TurnBenchOptions {
  /** PostgreSQL server to run the bot on as well (a throw-away database is created); the embedded PostgreSQL always runs. */
  serverUrl: string | null;
  levels: readonly number[];
  warmupMs: number;
  durationMs: number;
  maxTurns: number;
  log(line: string): void;
}

interface TargetResult {
  target: string;
  turn: string;
  idleResidentMiB: number | null;
  results: LoadResult[];
}

interface Target {
  name: string;
  start(): Promise<{ server: ServerProcess; cleanup: () => Promise<void> }>;
  scenarios: { turn: string; text: string; levels: readonly number[] }[];
}

/** Benchmark 1 and 4: turns per second, latency and resident memory of the bot next to an echo bot. */
export async function benchTurns(options: TurnBenchOptions): Promise<string> {
  const sink = new ReplySink();
  const serviceUrl = await sink.start();
  const botScenarios = (levels: readonly number[]) => [
    { turn: HELP_TURN, text: 'help', levels },
    { turn: CUSTOMERS_TURN, text: 'customers azure migrate', levels: levels.filter((level) => level <= 10) },
  ];
  const targets: Target[] = [
    {
      name: ECHO,
      start: async () => ({ server: await startServer('bench/echoBot.ts', {}), cleanup: () => Promise.resolve() }),
      scenarios: [{ turn: 'echo', text: 'help', levels: options.levels }],
    },
  ];
  const serverUrl = options.serverUrl;
  /** A server on a throw-away database of its own on the PostgreSQL server. */
  const onPostgres = (script: string) => async () => {
    if (!serverUrl) throw new Error('no PostgreSQL server');
    const database = await createBenchDatabase(serverUrl);
    try {
      const server = await startServer(script, { DATABASE_URL: database.url });
      return { server, cleanup: () => database.drop() };
    } catch (error) {
      await database.drop();
      throw error;
    }
  };
  /** A server on an embedded cluster of its own in a temp folder, durable, as `npm start` runs it. */
  const onEmbedded = (script: string) => async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mci-bench-'));
    const server = await startServer(script, { DATA_DIR: dataDir });
    return { server, cleanup: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })) };
  };
  // Each bot runs right after the stateful echo on its own kind of database: that anchor's ratio is
  // taken between neighbours, so the machine's drift between minutes moves both alike.
  const statefulLevels = options.levels.filter((level) => level === 10);
  targets.push({ name: STATEFUL_ECHO_EMBEDDED, start: onEmbedded('bench/statefulEchoBot.ts'), scenarios: [{ turn: 'stateful echo', text: 'help', levels: statefulLevels }] });
  targets.push({ name: MCI_EMBEDDED, start: onEmbedded('bot/main.ts'), scenarios: botScenarios(options.levels) });
  if (serverUrl) {
    targets.push({ name: STATEFUL_ECHO, start: onPostgres('bench/statefulEchoBot.ts'), scenarios: [{ turn: 'stateful echo', text: 'help', levels: options.levels }] });
    targets.push({ name: MCI_POSTGRES, start: onPostgres('bot/main.ts'), scenarios: botScenarios(options.levels) });
  }

  const measured: TargetResult[] = [];
  try {
    for (const target of targets) {
      const { server, cleanup } = await target.start();
      try {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const idle = await residentMiB(server.pid);
        for (const scenario of target.scenarios) {
          const results: LoadResult[] = [];
          for (const conversations of scenario.levels) {
            const result = await runLoad({
              url: server.url,
              serviceUrl,
              conversations,
              text: scenario.text,
              aadObjectId: DEMO.users.userA,
              warmupMs: options.warmupMs,
              durationMs: options.durationMs,
              maxTurns: options.maxTurns,
              pid: server.pid,
            });
            options.log(
              `  ${target.name} — ${scenario.text} × ${conversations}: ${result.turnsPerSecond.toFixed(0)} turns/s, ` +
                `p50 ${ms(result.latency.p50)} p95 ${ms(result.latency.p95)} p99 ${ms(result.latency.p99)} ms, ` +
                `CPU ${result.cpuMsPerTurn?.toFixed(1) ?? '—'} ms/turn, ${result.failures} failed, peak RSS ${result.peakResidentMiB?.toFixed(0) ?? '—'} MiB`,
            );
            results.push(result);
          }
          measured.push({ target: target.name, turn: scenario.turn, idleResidentMiB: idle, results });
        }
      } finally {
        await server.stop();
        await cleanup();
      }
    }
  } finally {
    await sink.stop();
  }
  return report(measured, options);
}

const ECHO = 'echo bot (restify + CloudAdapter + ActivityHandler, no database)';
const STATEFUL_ECHO = 'stateful echo bot (echo + ConversationState/UserState through the project\'s Storage, PostgreSQL via DATABASE_URL)';
const STATEFUL_ECHO_EMBEDDED = 'stateful echo bot (the same, embedded PostgreSQL as npm start runs it)';
const MCI_EMBEDDED = 'MCI bot, embedded PostgreSQL (npm start)';
const MCI_POSTGRES = 'MCI bot, PostgreSQL (DATABASE_URL, pool 10)';
/** The stateful echo on the same kind of database as each bot, its anchor for target 3c. */
const STATEFUL_ANCHOR: Record<string, string> = { [MCI_EMBEDDED]: STATEFUL_ECHO_EMBEDDED, [MCI_POSTGRES]: STATEFUL_ECHO };
const HELP_TURN = '`help` (caller resolved, dialog state read, welcome card)';
const CUSTOMERS_TURN = '`customers azure migrate` (Customers page Eligible tab query, user state, card)';

function report(measured: TargetResult[], options: TurnBenchOptions): string {
  const rows = measured.flatMap((m) =>
    m.results.map((r) => [
      m.target,
      m.turn,
      String(r.conversations),
      String(r.turns),
      String(r.failures),
      r.turnsPerSecond.toFixed(0),
      ms(r.latency.p50),
      ms(r.latency.p95),
      ms(r.latency.p99),
      r.cpuMsPerTurn?.toFixed(1) ?? '—',
      m.idleResidentMiB?.toFixed(0) ?? '—',
      r.peakResidentMiB?.toFixed(0) ?? '—',
    ]),
  );
  const lines = [
    `### 1 + 4. Turns through POST /api/messages (local mode, replies to a sink on loopback) and resident memory`,
    '',
    `Closed loop: each conversation posts its next message when the previous turn has completed; ${options.warmupMs / 1000} s warm-up, then ${options.durationMs / 1000} s (at most ${options.maxTurns} turns) measured per row. The load generator runs on the same machine. CPU: user + system time of the server process over the measured turns, per turn. Memory: VmRSS of the server process, idle (after start-up) and the peak sampled every 250 ms under load. Two anchors: the echo bot, and the stateful echo bot (the echo bot plus botbuilder's ConversationState and UserState read every turn and saved after it, through the bot's own Storage, on each kind of database the bot runs on; each bot is measured right after its own).`,
    '',
    table(['server', 'turn', 'conversations', 'turns', 'failed', 'turns/s', 'p50 ms', 'p95 ms', 'p99 ms', 'CPU ms/turn', 'idle RSS MiB', 'peak RSS MiB'], rows),
    '',
  ];
  const find = (target: string, turn: string) => measured.find((m) => m.target === target && m.turn === turn);
  const at = (m: TargetResult | undefined, conversations: number) => m?.results.find((r) => r.conversations === conversations);
  const echo = find(ECHO, 'echo');
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  const verdicts: string[] = [];
  for (const target of [...new Set(measured.map((m) => m.target))].filter((name) => name.startsWith('MCI'))) {
    const help = find(target, HELP_TURN);
    const customers = find(target, CUSTOMERS_TURN);
    const ratioAtTen = (m: TargetResult | undefined, anchor: TargetResult | undefined) => {
      const bot = at(m, 10);
      const base = at(anchor, 10);
      return bot && base ? bot.turnsPerSecond / base.turnsPerSecond : null;
    };
    const helpEcho = ratioAtTen(help, echo);
    if (helpEcho !== null) verdicts.push(`- ${target}, help at 10 conversations: ${helpEcho.toFixed(2)}× the echo bot's throughput (target ≥ 0.5×): ${verdict(helpEcho >= 0.5)}.`);
    const helpStateful = ratioAtTen(help, find(STATEFUL_ANCHOR[target] ?? '', 'stateful echo'));
    if (helpStateful !== null) verdicts.push(`- ${target}, help at 10 conversations: ${helpStateful.toFixed(2)}× the stateful echo bot's throughput on the same kind of database (target ≥ 0.9×): ${verdict(helpStateful >= 0.9)}.`);
    const customersEcho = ratioAtTen(customers, echo);
    if (customersEcho !== null) verdicts.push(`- ${target}, customers at 10 conversations: ${customersEcho.toFixed(2)}× the echo bot's throughput (target ≥ 0.3×): ${verdict(customersEcho >= 0.3)}.`);
    const helpAlone = at(help, 1);
    if (helpAlone) verdicts.push(`- ${target}, help alone: p95 ${ms(helpAlone.latency.p95)} ms (target < 15 ms): ${verdict(helpAlone.latency.p95 < 15)}.`);
    const customersAlone = at(customers, 1);
    if (customersAlone) verdicts.push(`- ${target}, a Customers page turn alone: p95 ${ms(customersAlone.latency.p95)} ms (target < 30 ms): ${verdict(customersAlone.latency.p95 < 30)}.`);
    const fifty = at(help, 50);
    const echoFifty = at(echo, 50);
    if (fifty && echoFifty) verdicts.push(`- ${target}, help at 50 conversations: p95 ${(fifty.latency.p95 / echoFifty.latency.p95).toFixed(1)}× the echo bot's.`);
    const idle = help?.idleResidentMiB ?? null;
    if (idle !== null) verdicts.push(`- ${target}: resident memory idle ${idle.toFixed(0)} MiB = ${(idle * 1.048576).toFixed(0)} MB (target < 250 MB): ${verdict(idle * 1.048576 < 250)}.`);
    if (fifty?.peakResidentMiB) {
      const peak = fifty.peakResidentMiB;
      verdicts.push(`- ${target}: resident memory peak under 50 conversations ${peak.toFixed(0)} MiB = ${(peak * 1.048576).toFixed(0)} MB (target < 350 MB): ${verdict(peak * 1.048576 < 350)}.`);
    }
  }
  return [...lines, ...verdicts, ''].join('\n');
}
