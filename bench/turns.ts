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
    { turn: '`help` (caller resolved in the database, dialog state read and saved, welcome card)', text: 'help', levels },
    { turn: '`customers azure migrate` (Customers page Eligible tab query, user state, card)', text: 'customers azure migrate', levels: [10] },
  ];
  const targets: Target[] = [
    {
      name: 'echo bot (restify + CloudAdapter + ActivityHandler, no database)',
      start: async () => ({ server: await startServer('bench/echoBot.ts', {}), cleanup: () => Promise.resolve() }),
      scenarios: [{ turn: 'echo', text: 'help', levels: options.levels }],
    },
    {
      name: 'MCI bot, embedded PostgreSQL (npm start)',
      start: async () => {
        const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mci-bench-'));
        const server = await startServer('bot/main.ts', { DATA_DIR: dataDir });
        return { server, cleanup: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })) };
      },
      scenarios: botScenarios(options.levels),
    },
  ];
  const serverUrl = options.serverUrl;
  if (serverUrl) {
    targets.push({
      name: 'MCI bot, PostgreSQL (DATABASE_URL, pool 10)',
      start: async () => {
        const database = await createBenchDatabase(serverUrl);
        try {
          const server = await startServer('bot/main.ts', { DATABASE_URL: database.url });
          return { server, cleanup: () => database.drop() };
        } catch (error) {
          await database.drop();
          throw error;
        }
      },
      scenarios: botScenarios(options.levels),
    });
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
                `${result.failures} failed, peak RSS ${result.peakResidentMiB?.toFixed(0) ?? '—'} MiB`,
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
      m.idleResidentMiB?.toFixed(0) ?? '—',
      r.peakResidentMiB?.toFixed(0) ?? '—',
    ]),
  );
  const lines = [
    `### 1 + 4. Turns through POST /api/messages (local mode, replies to a sink on loopback) and resident memory`,
    '',
    `Closed loop: each conversation posts its next message when the previous turn has completed; ${options.warmupMs / 1000} s warm-up, then ${options.durationMs / 1000} s (at most ${options.maxTurns} turns) measured per row. The load generator runs on the same machine. Memory: VmRSS of the server process, idle (after start-up) and the peak sampled every 250 ms under load.`,
    '',
    table(['server', 'turn', 'conversations', 'turns', 'failed', 'turns/s', 'p50 ms', 'p95 ms', 'p99 ms', 'idle RSS MiB', 'peak RSS MiB'], rows),
    '',
  ];
  const echo = measured.find((m) => m.turn === 'echo');
  const verdicts: string[] = [];
  for (const bot of measured.filter((m) => m.turn !== 'echo' && m.turn.startsWith('`help`'))) {
    const at = (m: TargetResult | undefined, conversations: number) => m?.results.find((r) => r.conversations === conversations);
    const ten = at(bot, 10);
    const echoTen = at(echo, 10);
    const fifty = at(bot, 50);
    const echoFifty = at(echo, 50);
    const one = at(bot, 1);
    if (ten && echoTen) {
      const ratio = ten.turnsPerSecond / echoTen.turnsPerSecond;
      verdicts.push(`- ${bot.target}, 10 conversations: ${(ratio * 100).toFixed(0)} % of the echo bot's throughput (target ≥ 50 %): ${ratio >= 0.5 ? 'met' : 'MISSED'}.`);
    }
    if (fifty && echoFifty) {
      const ratio = fifty.latency.p95 / echoFifty.latency.p95;
      verdicts.push(`- ${bot.target}, 50 conversations: p95 ${ratio.toFixed(1)}× the echo bot's (target ≤ 2×): ${ratio <= 2 ? 'met' : 'MISSED'}.`);
    }
    if (one) verdicts.push(`- ${bot.target}, one conversation: p95 ${ms(one.latency.p95)} ms (target < 30 ms): ${one.latency.p95 < 30 ? 'met' : 'MISSED'}.`);
    const peak = Math.max(bot.idleResidentMiB ?? 0, ...bot.results.map((r) => r.peakResidentMiB ?? 0));
    verdicts.push(`- ${bot.target}: resident memory idle ${bot.idleResidentMiB?.toFixed(0) ?? '—'} MiB, peak ${peak.toFixed(0)} MiB (target < 250 MB): ${peak * 1.048576 < 250 ? 'met' : 'MISSED'}.`);
  }
  return [...lines, ...verdicts, ''].join('\n');
}
