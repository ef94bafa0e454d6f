import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO } from '../prisma/demoData';
import { ReplySink, runLoad } from './load';
import { startOptions, startServer } from './processes';
import { ms, residentMiB, table } from './stats';

export interface StartupBenchOptions {
  laterStarts: number;
  loadSeconds: number;
  log(line: string): void;
}

interface PostgresMemory {
  processes: number;
  /** Summed VmRSS: counts the shared buffers once per process that touched them. */
  rssMiB: number;
  /** Summed RssAnon + RssFile without shared memory: what the server's processes hold of their own. */
  privateMiB: number;
}

function statusKiB(status: string, field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? 0);
}

/** The embedded server's processes: the postmaster named in postmaster.pid and its children. */
function postgresMemory(dataDir: string): PostgresMemory | null {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
  const pids = [postmaster];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  let rss = 0;
  let own = 0;
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      rss += statusKiB(status, 'VmRSS');
      own += statusKiB(status, 'RssAnon') + statusKiB(status, 'RssFile');
    } catch {
      // Gone meanwhile.
    }
  }
  return { processes: pids.length, rssMiB: rss / 1024, privateMiB: own / 1024 };
}

const mib = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(0));

/**
 * `npm start` on the embedded PostgreSQL: time from spawning the process to GET /healthz 200, on a
 * first start (initdb, migrations, demo seed) and later starts on the same folder; resident memory
 * of the bot process and, separately, of its PostgreSQL processes, idle and under a turn load.
 */
export async function benchStartup(options: StartupBenchOptions): Promise<string> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mci-bench-start-'));
  const sink = new ReplySink();
  const serviceUrl = await sink.start();
  try {
    let began = Date.now();
    const first = await startServer('bot/main.ts', { DATA_DIR: dataDir });
    const firstMs = Date.now() - began;
    options.log(`  first start: ${ms(firstMs)} ms to /healthz 200`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idleBot = (await residentMiB(first.pid)) ?? undefined;
    const idlePg = postgresMemory(dataDir);
    let peakPg: PostgresMemory | null = idlePg;
    const sampler = setInterval(() => {
      const now = postgresMemory(dataDir);
      if (now && (!peakPg || now.rssMiB > peakPg.rssMiB)) peakPg = now;
    }, 250);
    const load = await runLoad({
      url: first.url,
      serviceUrl,
      conversations: 10,
      text: 'customers azure migrate',
      aadObjectId: DEMO.users.userA,
      warmupMs: 1_000,
      durationMs: options.loadSeconds * 1000,
      maxTurns: 20_000,
      pid: first.pid,
    });
    clearInterval(sampler);
    await first.stop();

    const later: number[] = [];
    for (let i = 0; i < options.laterStarts; i++) {
      began = Date.now();
      const server = await startServer('bot/main.ts', { DATA_DIR: dataDir });
      later.push(Date.now() - began);
      await server.stop();
    }
    later.sort((a, b) => a - b);
    const median = later[Math.floor(later.length / 2)] ?? 0;
    options.log(`  later starts: ${later.map((value) => ms(value)).join(', ')} ms`);
    return [
      '### Start-up and memory on the embedded PostgreSQL (`npm start` without DATABASE_URL)',
      '',
      `Time from spawning the bot as \`npm start\` runs it (\`node ${startOptions().join(' ')} bot/main.ts\`) to GET /healthz 200. Memory: VmRSS of the bot process; of the PostgreSQL processes (postmaster and its children) the summed VmRSS, which counts shared buffers once per process, and their summed private RSS (RssAnon + RssFile). Load: 10 conversations of \`customers azure migrate\`, ${options.loadSeconds} s.`,
      '',
      table(
        ['measure', 'value', 'target'],
        [
          ['first start (initdb, migrations, demo seed)', `${ms(firstMs)} ms`, '≤ 15 s'],
          [`later start (median of ${later.length}: ${later.map((value) => ms(value)).join(', ')})`, `${ms(median)} ms`, '≤ 3 s'],
          ['bot process RSS, idle', `${mib(idleBot)} MiB`, '< 250 MB'],
          ['bot process RSS, peak under load', `${mib(load.peakResidentMiB ?? undefined)} MiB`, '< 250 MB'],
          [`PostgreSQL processes, idle (${idlePg?.processes ?? '—'})`, `RSS ${mib(idlePg?.rssMiB)} MiB, private ${mib(idlePg?.privateMiB)} MiB`, '—'],
          [`PostgreSQL processes, peak under load (${peakPg?.processes ?? '—'})`, `RSS ${mib(peakPg?.rssMiB)} MiB, private ${mib(peakPg?.privateMiB)} MiB`, '—'],
          ['turns under that load', `${load.turnsPerSecond.toFixed(0)} turns/s, p95 ${ms(load.latency.p95)} ms, ${load.failures} failed`, '—'],
        ],
      ),
      '',
    ].join('\n');
  } finally {
    await sink.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
