import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO } from '../prisma/demoData';
import { benchServerUrl, createBenchDatabase } from './database';
import { ReplySink, runLoad } from './load';
import { startServer } from './processes';
import { table } from './stats';

/**
 * `node --import tsx bench/profile.ts [script] [text] [conversations] [seconds]` under
 * scripts/with-postgres.sh: a V8 CPU profile of one server (bot/main.ts unless given) answering a
 * closed-loop load on its own PostgreSQL database, summed by where the time went (package, project
 * folder, GC). The evidence behind the turn analysis in bench/RESULTS.md; not part of `npm run bench`.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: an npm package, a project folder, Node itself, or V8's own work. */
function category(frame: ProfileNode['callFrame']): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : 'native';
  const modules = frame.url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const [first, second] = frame.url.slice(modules + 'node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second ?? ''}` : (first ?? 'node_modules');
  }
  if (frame.url.startsWith('node:')) return 'node internals';
  const relative = frame.url.replace(/^file:\/\//, '').replace(`${path.resolve(__dirname, '..')}/`, '');
  return `project ${relative.split('/').slice(0, relative.includes('/generated/') ? 3 : 1).join('/')}`;
}

/** Self time by category over the profile's last `windowMs` (the measured load; start-up left out). */
export function summariseProfile(profile: CpuProfile, windowMs: number, by: (frame: ProfileNode['callFrame']) => string = category): { category: string; ms: number; share: number }[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  const elapsed = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
  const from = elapsed - windowMs * 1000;
  let at = 0;
  let all = 0;
  profile.samples.forEach((id, index) => {
    const node = byNode.get(id);
    const delta = (profile.timeDeltas[index] ?? 0) / 1000;
    at += delta * 1000;
    if (at < from || !node || node.callFrame.functionName === '(idle)') return;
    const name = by(node.callFrame);
    totals.set(name, (totals.get(name) ?? 0) + delta);
    all += delta;
  });
  return [...totals.entries()].map(([name, ms]) => ({ category: name, ms, share: ms / all })).sort((a, b) => b.ms - a.ms);
}

async function main(): Promise<void> {
  const [script = 'bot/main.ts', text = 'help', conversations = '10', seconds = '8'] = process.argv.slice(2);
  const serverUrl = benchServerUrl();
  if (!serverUrl) throw new Error('run under scripts/with-postgres.sh (or set BENCH_DATABASE_URL)');
  const database = await createBenchDatabase(serverUrl);
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'mci-profile-'));
  const sink = new ReplySink();
  try {
    const serviceUrl = await sink.start();
    const server = await startServer(script, { DATABASE_URL: database.url }, 90_000, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
    const result = await runLoad({ url: server.url, serviceUrl, conversations: Number(conversations), text, aadObjectId: DEMO.users.userA, warmupMs: 1_500, durationMs: Number(seconds) * 1000, maxTurns: 50_000, pid: server.pid });
    await server.stop();
    const output = server.output().trim();
    if (output) process.stdout.write(`server output (last 2,000 characters):\n${output.slice(-2_000)}\n\n`);
    const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error('no profile written');
    const profile = JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')) as CpuProfile;
    if (process.env.PROFILE_KEEP) copyFileSync(path.join(profileDir, file), process.env.PROFILE_KEEP);
    const rows = summariseProfile(profile, Number(seconds) * 1000).slice(0, 25);
    process.stdout.write(`${script} "${text}" × ${conversations}: ${result.turns} turns, ${result.turnsPerSecond.toFixed(0)} turns/s, CPU ${result.cpuMsPerTurn?.toFixed(2) ?? '—'} ms/turn ; the profile's last ${seconds} s by self time\n\n`);
    process.stdout.write(`${table(['where', 'ms', 'share'], rows.map((row) => [row.category, row.ms.toFixed(0), `${(row.share * 100).toFixed(1)} %`]))}\n\n`);
    const functions = summariseProfile(profile, Number(seconds) * 1000, (frame) => `${frame.functionName || '(anonymous)'} ${category(frame)} ${path.basename(frame.url)}`).slice(0, 30);
    process.stdout.write(`${table(['function (self time)', 'ms', 'share'], functions.map((row) => [row.category, row.ms.toFixed(0), `${(row.share * 100).toFixed(1)} %`]))}\n`);
  } finally {
    await sink.stop();
    rmSync(profileDir, { recursive: true, force: true });
    await database.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
