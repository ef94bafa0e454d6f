import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchBulkAdd } from './bulkAdd';
import { benchCustomersPage } from './customersPage';
import { benchDigest } from './digest';
import { benchDrain } from './drain';
import { benchServerUrl, withClient } from './database';
import { startEmbeddedCluster, type EmbeddedCluster } from '../services/db/embedded';
import { ROOT } from './processes';
import { benchScheduler } from './scheduler';
import { benchStartup } from './startup';
import { machineLine } from './stats';
import { benchTurns } from './turns';

/**
 * `npm run bench`: every benchmark of issue 8, each bounded in time, printed and appended to
 * bench/RESULTS.md with the machine it ran on. The PostgreSQL benchmarks use BENCH_DATABASE_URL
 * (or TEST_DATABASE_URL); without either, the run restarts itself under scripts/with-postgres.sh,
 * which starts a throw-away cluster on 127.0.0.1. BENCH_ONLY=startup,turns,customers,scheduler,drain,bulkadd,digest picks some.
 */
/** BENCH_RESULTS names another file, for trial runs that should not land in the record. */
const RESULTS = path.resolve(ROOT, process.env.BENCH_RESULTS ?? 'bench/RESULTS.md');
const ALL = ['startup', 'turns', 'customers', 'scheduler', 'drain', 'bulkadd', 'digest'] as const;
type Bench = (typeof ALL)[number];

function selected(): Set<Bench> {
  const only = process.env.BENCH_ONLY;
  if (!only) return new Set(ALL);
  return new Set(ALL.filter((name) => only.split(',').map((part) => part.trim()).includes(name)));
}

/** A positive number from the environment (for quick, smaller runs), else the default. */
function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** A comma-separated list of positive numbers from the environment, else the default. */
function envSizes(name: string, fallback: readonly number[]): readonly number[] {
  const values = (process.env[name] ?? '').split(',').map(Number).filter((value) => Number.isFinite(value) && value > 0);
  return values.length > 0 ? values : fallback;
}

/**
 * The servers the Customers page benchmark measures on: an embedded PostgreSQL (the default of
 * `npm start`, in a temp folder, stopped afterwards) and the server at `serverUrl` (Debian's under
 * scripts/with-postgres.sh). BENCH_CUSTOMERS_SERVERS=embedded or =url keeps one.
 */
async function withCustomersServers<T>(serverUrl: string | null, work: (servers: { label: string; url: string }[]) => Promise<T>): Promise<T> {
  const wanted = (process.env.BENCH_CUSTOMERS_SERVERS ?? 'embedded,url').split(',').map((part) => part.trim());
  const servers: { label: string; url: string }[] = [];
  const version = async (url: string) => (await withClient(url, (client) => client.query<{ server_version: string }>('SHOW server_version'))).rows[0]?.server_version ?? '?';
  let folder: string | null = null;
  let cluster: EmbeddedCluster | null = null;
  try {
    if (wanted.includes('embedded')) {
      folder = mkdtempSync(path.join(os.tmpdir(), 'mci-bench-pg-'));
      cluster = await startEmbeddedCluster({ dataDir: folder, port: null, purpose: 'a benchmark (npm run bench)', durable: false, maxConnections: 100 });
      servers.push({ label: `embedded PostgreSQL ${await version(cluster.serverUrl)} (npm start's default; fsync off)`, url: cluster.serverUrl });
    }
    if (serverUrl && wanted.includes('url')) servers.push({ label: `PostgreSQL ${await version(serverUrl)} at BENCH_DATABASE_URL/TEST_DATABASE_URL (fsync off under scripts/with-postgres.sh)`, url: serverUrl });
    return await work(servers);
  } finally {
    await cluster?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}

function postgresAvailable(): boolean {
  const found = spawnSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin/initdb'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() !== '';
}

async function main(): Promise<void> {
  if (!benchServerUrl() && !process.env.BENCH_NO_POSTGRES && postgresAvailable()) {
    // Port 55442 so that a test run's cluster on 55432 can run beside the benchmark.
    const child = spawnSync(path.join(ROOT, 'scripts/with-postgres.sh'), [process.execPath, '--import', 'tsx', 'bench/run.ts'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, PGTEST_PORT: process.env.PGTEST_PORT ?? '55442' },
    });
    process.exit(child.status ?? 1);
  }
  const serverUrl = benchServerUrl();
  const benches = selected();
  const startedAt = Date.now();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const sections: string[] = [
    `## Run of ${new Date().toISOString()}`,
    '',
    `Machine: ${machineLine()}. PostgreSQL: ${serverUrl ? 'yes (a throw-away database per benchmark)' : 'not available, PostgreSQL benchmarks skipped'}.`,
    '',
  ];
  log(sections[2] ?? '');
  const run = async (name: Bench, work: () => Promise<string>) => {
    if (!benches.has(name)) return;
    log(`\n== ${name}`);
    const began = Date.now();
    try {
      sections.push(await work());
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(message);
      sections.push(`### ${name}: failed\n\n\`\`\`\n${message.slice(0, 2000)}\n\`\`\`\n`);
    }
    log(`   (${((Date.now() - began) / 1000).toFixed(0)} s)`);
  };
  const turnSeconds = envNumber('BENCH_TURN_SECONDS', 6);
  await run('startup', () => benchStartup({ laterStarts: envNumber('BENCH_LATER_STARTS', 3), loadSeconds: turnSeconds, log }));
  await run('turns', () => benchTurns({ serverUrl, levels: [1, 10, 50], warmupMs: 1_500, durationMs: turnSeconds * 1000, maxTurns: 20_000, log }));
  const needsPostgres = (name: string) => `### ${name}: skipped, no PostgreSQL (set BENCH_DATABASE_URL or install Debian's postgresql)\n`;
  await run('customers', () => withCustomersServers(serverUrl, (servers) => benchCustomersPage({ servers, log, sizes: envSizes('BENCH_CLAIMS', [10_000, 100_000, 1_000_000]), turnSeconds })));
  // The embedded PostgreSQL always; Debian's too when there is one.
  await run('scheduler', () =>
    benchScheduler({
      serverUrl,
      log,
      claims: envNumber('BENCH_SWEEP_CLAIMS', 100_000),
      maxSeconds: envNumber('BENCH_SWEEP_SECONDS', 60),
      runs: envNumber('BENCH_SWEEP_RUNS', 3),
      batchSize: envNumber('BENCH_SWEEP_BATCH', 2_000),
    }),
  );
  await run('drain', () =>
    serverUrl
      ? benchDrain({ serverUrl, log, oneConversation: envNumber('BENCH_DRAIN_ONE', 200), sellers: envNumber('BENCH_DRAIN_SELLERS', 500), runs: envNumber('BENCH_DRAIN_RUNS', 3) })
      : Promise.resolve(needsPostgres('Proactive drain')),
  );
  await run('bulkadd', () =>
    serverUrl ? benchBulkAdd({ serverUrl, log, rows: envNumber('BENCH_BULK_ROWS', 500), runs: envNumber('BENCH_BULK_RUNS', 3) }) : Promise.resolve(needsPostgres('Bulk add')),
  );
  await run('digest', () =>
    serverUrl ? benchDigest({ serverUrl, log, users: envNumber('BENCH_DIGEST_USERS', 10_000), quietPasses: envNumber('BENCH_DIGEST_QUIET_PASSES', 20) }) : Promise.resolve(needsPostgres('Daily digest')),
  );
  sections.push(`Whole run: ${((Date.now() - startedAt) / 1000).toFixed(0)} s.`, '', '');
  const text = sections.join('\n');
  if (!existsSync(RESULTS)) writeFileSync(RESULTS, '# Benchmark results\n\nAppended by `npm run bench` (bench/run.ts); newest last. See README, "Benchmarks".\n\n');
  appendFileSync(RESULTS, text);
  log(`\nAppended to ${path.relative(ROOT, RESULTS)}.`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
