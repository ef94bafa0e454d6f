import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FixedClock } from '../services/shared/clock';
import { Prisma, type Database, type SqlDriver } from '../services/db';
import { startEmbeddedCluster } from '../services/db/embedded';
import { DEADLINE_EVENTS, SWEEP_CHUNK, expiryStatement, sweepDeadlines } from '../services/claims/deadlines';
import { EXPIRY_RULES } from '../services/claims/lifecycle';
import { DEMO } from '../prisma/demoData';
import { createBenchDatabase, withClient, type BenchDatabase } from './database';
import { elapsedMs, percentile, table } from './stats';

export interface SchedulerBenchOptions {
  /** A PostgreSQL server to measure on besides the embedded one (Debian's, under scripts/with-postgres.sh); null: embedded only. */
  serverUrl: string | null;
  log(line: string): void;
  /** Claims whose consent window ends at the same instant (and, separately, whose reminder is due at once). */
  claims?: number;
  /** Sweeping instances racing on the same due claims, each with its own connection pool. */
  instances?: number;
  /** Each race stops after this long even if claims are left (they are reported). */
  maxSeconds?: number;
  /** Runs per server; medians are reported. */
  runs?: number;
  /** Claims per rule and pass (SweepOptions.batchSize). */
  batchSize?: number;
}

/** One instance's deadline pass, as bot/scheduler.ts runs it: returns what it did. */
export type SweepPass = (db: Database, clock: FixedClock) => Promise<{ expired: number; reminded: number }>;

const POOL_SIZE = 4;

type Phase = 'expiry' | 'reminder';

/**
 * `claims` open claims of both demo partners (added, claimed, consent requested; one per customer)
 * whose consent deadline is the same instant: one minute before `now` (expiry phase), or three days
 * after it (reminder phase: each is due its 7-day reminder). Ids are distinct per phase.
 */
async function generateDueClaims(db: Database, now: Date, claims: number, phase: Phase): Promise<void> {
  const nowSql = `'${now.toISOString()}'::timestamp`;
  const tag = phase === 'expiry' ? 'S' : 'R';
  const deadline = phase === 'expiry' ? `${nowSql} - interval '1 minute'` : `${nowSql} + interval '3 days'`;
  await db.sql.exec(`
    INSERT INTO "Customer" ("id", "name", "createdAt")
    SELECT 's${tag}-' || i, 'Sweep customer ' || i, ${nowSql} - interval '40 days' FROM generate_series(1, ${claims}) i;
    INSERT INTO "Claim" (
      "id", "partnerId", "engagementId", "locationId", "customerId", "idType", "idValue", "friendlyName", "origin", "status",
      "openClaimKey", "customerContactName", "customerContactEmail", "partnerContactName", "partnerContactEmail",
      "consentDeadline", "consentRequestedAt", "createdByUserId", "createdAt", "updatedAt")
    SELECT 'CLM-${tag}' || lpad(i::text, 7, '0'), g.partner, '${DEMO.engagements.security}', g.location, 's${tag}-' || i, 'TPID', (20000000 + i)::text,
      'Sweep claim ' || i, CASE WHEN g.status = 'ADDED' THEN 'ADDED' ELSE 'CLAIMED' END::"ClaimOrigin", g.status::"ClaimStatus",
      g.partner || ':${DEMO.engagements.security}:s${tag}-' || i, 'Casey Customer', 'casey@sc' || i || '.example', 'Pat Partner', 'pat@fabrikam.example',
      ${deadline}, CASE WHEN g.status = 'CONSENT_REQUESTED' THEN ${nowSql} - interval '20 days' END,
      g.creator, ${nowSql} - interval '31 days', ${nowSql} - interval '31 days'
    FROM (
      SELECT i,
        CASE WHEN i % 2 = 0 THEN '${DEMO.partnerA}' ELSE '${DEMO.partnerB}' END AS partner,
        CASE WHEN i % 2 = 0 THEN '${DEMO.locations.seattle}' ELSE '${DEMO.locations.munich}' END AS location,
        CASE WHEN i % 2 = 0 THEN '${DEMO.userIds.userA}' ELSE '${DEMO.userIds.adminB}' END AS creator,
        (ARRAY['ADDED', 'CLAIMED', 'CONSENT_REQUESTED'])[(i % 3) + 1] AS status
      FROM generate_series(1, ${claims}) i
    ) g;
    ANALYZE;
  `);
}

interface ExpiryCheck {
  expired: number;
  left: number;
  auditTwice: number;
  auditMissing: number;
  outboxRows: number;
  outboxExpected: number;
  outboxTwice: number;
  /** Messages to anyone but the claim's creator and its partner's Incentives admins. */
  outboxUnexpected: number;
}

/** One number from a query on the bench database. */
async function count(db: SqlDriver, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await db.query<{ n: string | null }>(sql, params);
  return Number(row?.n ?? 0);
}

/**
 * Runs the checks with nested loops off: the planner misjudges the generated rows (LIKE on ids) and
 * chose nested loops over 100,000 × 100,000 rows (minutes); hash joins keep every check linear.
 */
function checking<T>(db: Database, work: (sql: SqlDriver) => Promise<T>): Promise<T> {
  return db.sql.transaction(async (sql) => {
    await sql.exec('SET LOCAL enable_nestloop = off');
    return work(sql);
  });
}

/**
 * What the database says after the race: every due claim expired once, one audit event each, one
 * message per recipient. Separate aggregates over indexed columns, so that the check stays linear at
 * 100,000 claims (one query over shared CTEs took 15 minutes there).
 */
async function verifyExpiry(database: Database): Promise<ExpiryCheck> {
  return checking(database, (db) => expiryChecks(db));
}

async function expiryChecks(db: SqlDriver): Promise<ExpiryCheck> {
  const ours = `"claimId" LIKE 'CLM-S%'`;
  const recipients = `
    SELECT c."id", u."aadObjectId" FROM "Claim" c JOIN "PartnerUser" u ON u."id" = c."createdByUserId" WHERE c."id" LIKE 'CLM-S%' AND c."status" = 'EXPIRED'
    UNION
    SELECT c."id", u."aadObjectId" FROM "Claim" c JOIN "PartnerUser" u ON u."partnerId" = c."partnerId"
      JOIN "UserRole" r ON r."userId" = u."id" AND r."role" = 'INCENTIVES_ADMIN'
    WHERE c."id" LIKE 'CLM-S%' AND c."status" = 'EXPIRED'`;
  const messages = `SELECT "claimId", "recipient", count(*) AS n FROM "OutboxMessage" WHERE "event" = $1 AND ${ours} GROUP BY 1, 2`;
  const audits = `SELECT "claimId", count(*) AS n FROM "AuditEvent" WHERE "action" = 'claim.expire' AND ${ours} GROUP BY 1`;
  const expired = await count(db, `SELECT count(*) AS n FROM "Claim" WHERE "id" LIKE 'CLM-S%' AND "status" = 'EXPIRED'`);
  const audited = await count(db, `SELECT count(*) AS n FROM (${audits}) a JOIN "Claim" c ON c."id" = a."claimId" AND c."status" = 'EXPIRED'`);
  return {
    expired,
    left: await count(db, `SELECT count(*) AS n FROM "Claim" WHERE "id" LIKE 'CLM-S%' AND "status" <> 'EXPIRED'`),
    auditTwice: await count(db, `SELECT count(*) AS n FROM (${audits}) a WHERE n > 1`),
    auditMissing: expired - audited,
    outboxRows: await count(db, `SELECT sum(n) AS n FROM (${messages}) m`, [DEADLINE_EVENTS.expired]),
    outboxExpected: await count(db, `SELECT count(*) AS n FROM (${recipients}) r`),
    outboxTwice: await count(db, `SELECT count(*) AS n FROM (${messages}) m WHERE n > 1`, [DEADLINE_EVENTS.expired]),
    outboxUnexpected: await count(db, `SELECT count(*) AS n FROM (SELECT "claimId", "recipient" FROM (${messages}) m EXCEPT SELECT * FROM (${recipients}) r) x`, [DEADLINE_EVENTS.expired]),
  };
}

interface ReminderCheck {
  reminded: number;
  left: number;
  twice: number;
  wrongRecipient: number;
}

/** After the reminder race: one 7-day reminder per claim, to its creator, none twice. */
async function verifyReminders(database: Database): Promise<ReminderCheck> {
  return checking(database, (db) => reminderChecks(db));
}

async function reminderChecks(db: SqlDriver): Promise<ReminderCheck> {
  const sent = `SELECT "claimId", "recipient", count(*) AS n FROM "OutboxMessage" WHERE "event" = $1 AND "claimId" LIKE 'CLM-R%' GROUP BY 1, 2`;
  const reminded = await count(db, `SELECT count(DISTINCT "claimId") AS n FROM (${sent}) s`, [DEADLINE_EVENTS.consent]);
  return {
    reminded,
    left: (await count(db, `SELECT count(*) AS n FROM "Claim" WHERE "id" LIKE 'CLM-R%'`)) - reminded,
    twice: await count(db, `SELECT count(*) AS n FROM (${sent}) s WHERE n > 1`, [DEADLINE_EVENTS.consent]),
    wrongRecipient: await count(
      db,
      `SELECT count(*) AS n FROM (${sent}) s JOIN "Claim" c ON c."id" = s."claimId" JOIN "PartnerUser" u ON u."id" = c."createdByUserId" WHERE s."recipient" <> u."aadObjectId"`,
      [DEADLINE_EVENTS.consent],
    ),
  };
}

interface ServerCounters {
  /** Transactions committed or rolled back: each sweep statement is one (no BEGIN/COMMIT around it). */
  transactions: number;
  /** Milliseconds backends spent executing statements (pg_stat_database.active_time). */
  activeMs: number;
}

/** The bench database's counters, read from a fresh connection once the instances' backends have exited (they flush their statistics on exit). */
async function counters(url: string): Promise<ServerCounters> {
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ transactions: string; active: string }>(
      'SELECT xact_commit + xact_rollback AS transactions, active_time AS active FROM pg_stat_database WHERE datname = current_database()',
    );
    return { transactions: Number(rows[0]?.transactions ?? 0), activeMs: Number(rows[0]?.active ?? 0) };
  });
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** The fields of /proc/<pid>/stat after the command name: [state, ppid, …]; null once the process is gone. */
function procStat(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * CPU seconds the PostgreSQL server has used: the postmaster's own and its exited children's
 * (utime, stime, cutime, cstime) plus every live child's. The machine is shared, so wall-clock rates
 * move with the load; CPU per claim does much less.
 */
function serverCpuSeconds(postmaster: number): number {
  const own = procStat(postmaster);
  if (!own) return Number.NaN;
  const ticks = (fields: string[], from: number, to: number) => fields.slice(from, to).reduce((sum, value) => sum + Number(value), 0);
  // Fields 14-17 of stat (utime, stime, cutime, cstime) are 11-14 here, counted from state (field 3).
  let total = ticks(own, 11, 15);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = procStat(Number(entry));
    if (fields && Number(fields[1]) === postmaster) total += ticks(fields, 11, 13);
  }
  return total / CLOCK_TICKS;
}

/** The backend's parent, read while its connection is still open (a closed one's backend may already be gone). */
async function postmasterOf(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
    return Number(procStat(backend)?.[1] ?? 0);
  });
}

interface Race {
  seconds: number;
  /** CPU seconds of the PostgreSQL server and of this process (both sweeping instances) during the race. */
  serverCpu: number;
  clientCpu: number;
  byInstance: number[];
  /** Transactions on the database during the race, less the one that read the first counters. */
  statements: number;
  activeSeconds: number;
}

/** `instances` sweeps, each on its own pool, looping passes until one finds nothing or the bound is reached. */
async function race(database: BenchDatabase, instances: number, pass: SweepPass, clock: FixedClock, phase: Phase, maxSeconds: number): Promise<Race> {
  const before = await counters(database.url);
  const postmaster = await postmasterOf(database.url);
  const serverCpuBefore = serverCpuSeconds(postmaster);
  const clientCpuBefore = process.cpuUsage();
  const pools = await Promise.all(Array.from({ length: instances }, () => database.open(POOL_SIZE)));
  const byInstance = pools.map(() => 0);
  const stopAt = Date.now() + maxSeconds * 1000;
  const began = process.hrtime.bigint();
  try {
    await Promise.all(
      pools.map(async (db, index) => {
        while (Date.now() < stopAt) {
          const result = await pass(db, clock);
          const done = phase === 'expiry' ? result.expired : result.reminded;
          byInstance[index] = (byInstance[index] ?? 0) + done;
          if (done === 0) break;
        }
      }),
    );
  } finally {
    await Promise.all(pools.map((db) => db.close()));
  }
  const seconds = elapsedMs(began) / 1000;
  const client = process.cpuUsage(clientCpuBefore);
  const after = await counters(database.url);
  const serverCpu = serverCpuSeconds(postmaster) - serverCpuBefore;
  return { seconds, serverCpu, clientCpu: (client.user + client.system) / 1e6, byInstance, statements: after.transactions - before.transactions - 1, activeSeconds: (after.activeMs - before.activeMs) / 1000 };
}

class RolledBack extends Error {}

/** EXPLAIN (ANALYZE, BUFFERS) of the first expiry batch, rolled back so the sweep then starts from the same backlog. */
async function expiryPlan(db: Database, now: Date): Promise<string> {
  const [consent] = EXPIRY_RULES;
  if (!consent) throw new Error('no expiry rule');
  let plan = '';
  try {
    await db.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${expiryStatement(consent, now, SWEEP_CHUNK)}`);
      plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      throw new RolledBack();
    });
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
  }
  await db.sql.exec('VACUUM ANALYZE "Claim", "AuditEvent", "OutboxMessage"');
  return plan;
}

interface RunFigures {
  expiry: Race;
  expiryCheck: ExpiryCheck;
  reminder: Race;
  reminderCheck: ReminderCheck;
  plan: string | null;
}

async function withPool<T>(database: BenchDatabase, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await database.open(2);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

async function oneRun(serverUrl: string, options: Required<Omit<SchedulerBenchOptions, 'serverUrl' | 'log'>>, withPlan: boolean, pass: SweepPass): Promise<RunFigures> {
  const now = new Date();
  const clock = new FixedClock(now);
  const database = await createBenchDatabase(serverUrl, now);
  try {
    const plan = await withPool(database, async (db) => {
      await generateDueClaims(db, now, options.claims, 'expiry');
      return withPlan ? expiryPlan(db, now) : null;
    });
    const expiry = await race(database, options.instances, pass, clock, 'expiry', options.maxSeconds);
    const expiryCheck = await withPool(database, async (db) => {
      const checked = await verifyExpiry(db);
      await generateDueClaims(db, now, options.claims, 'reminder');
      return checked;
    });
    const reminder = await race(database, options.instances, pass, clock, 'reminder', options.maxSeconds);
    const reminderCheck = await withPool(database, verifyReminders);
    return { expiry, expiryCheck, reminder, reminderCheck, plan };
  } finally {
    await database.drop();
  }
}

/** Claims per CPU-second of the server and the sweeping process together. */
function perCpu(claims: number, race: Race): number {
  return claims / Math.max(0.001, race.serverCpu + race.clientCpu);
}

function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

function expiryOnce(check: ExpiryCheck): boolean {
  return check.auditTwice === 0 && check.auditMissing === 0 && check.outboxTwice === 0 && check.outboxUnexpected === 0 && check.outboxRows === check.outboxExpected;
}

async function serverVersion(url: string): Promise<string> {
  return withClient(url, async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?');
}

/** All runs on one server, as a RESULTS.md section. */
async function benchOn(name: string, serverUrl: string, options: Required<Omit<SchedulerBenchOptions, 'serverUrl' | 'log'>>, log: (line: string) => void, pass: SweepPass): Promise<string> {
  const version = await serverVersion(serverUrl);
  const runs: RunFigures[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    const figures = await oneRun(serverUrl, options, run === 0, pass);
    runs.push(figures);
    const { expiry, expiryCheck, reminder, reminderCheck } = figures;
    log(
      `  ${name} ${version}, run ${run + 1}: expired ${expiryCheck.expired} in ${expiry.seconds.toFixed(2)} s (${(expiryCheck.expired / expiry.seconds).toFixed(0)} claims/s, ` +
        `${expiry.statements} statements, PostgreSQL active ${expiry.activeSeconds.toFixed(1)} s, CPU server ${expiry.serverCpu.toFixed(1)} s + client ${expiry.clientCpu.toFixed(1)} s), once: ${expiryOnce(expiryCheck) ? 'yes' : 'NO'} ${JSON.stringify(expiryCheck)}; ` +
        `reminded ${reminderCheck.reminded} in ${reminder.seconds.toFixed(2)} s (${(reminderCheck.reminded / reminder.seconds).toFixed(0)}/s) ${JSON.stringify(reminderCheck)}`,
    );
  }
  const expiryRate = (run: RunFigures) => run.expiryCheck.expired / run.expiry.seconds;
  const reminderRate = (run: RunFigures) => run.reminderCheck.reminded / run.reminder.seconds;
  const rows = runs.map((run, index) => [
    String(index + 1),
    `${run.expiryCheck.expired.toLocaleString('en')}${run.expiryCheck.left > 0 ? ` (${run.expiryCheck.left.toLocaleString('en')} left)` : ''}`,
    run.expiry.byInstance.map((n) => n.toLocaleString('en')).join(' + '),
    run.expiry.seconds.toFixed(2),
    expiryRate(run).toFixed(0),
    `${run.expiry.statements} (${(run.expiryCheck.expired / Math.max(1, run.expiry.statements)).toFixed(0)})`,
    `${run.expiry.activeSeconds.toFixed(1)} of ${(run.expiry.seconds * options.instances).toFixed(1)}`,
    `${run.expiry.serverCpu.toFixed(1)} + ${run.expiry.clientCpu.toFixed(1)}`,
    perCpu(run.expiryCheck.expired, run.expiry).toFixed(0),
    `${run.expiryCheck.auditTwice} / ${run.expiryCheck.auditMissing}`,
    `${run.expiryCheck.outboxRows.toLocaleString('en')} (${run.expiryCheck.outboxExpected.toLocaleString('en')}), ${run.expiryCheck.outboxTwice} twice, ${run.expiryCheck.outboxUnexpected} to others`,
    `${run.reminderCheck.reminded.toLocaleString('en')} in ${run.reminder.seconds.toFixed(2)} s: ${reminderRate(run).toFixed(0)}/s; ${run.reminderCheck.twice} twice, ${run.reminderCheck.wrongRecipient} to another`,
  ]);
  const expiryMedian = median(runs.map(expiryRate));
  const perCpuMedian = median(runs.map((run) => perCpu(run.expiryCheck.expired, run.expiry)));
  const reminderMedian = median(runs.map(reminderRate));
  const allOnce = runs.every((run) => expiryOnce(run.expiryCheck) && run.expiryCheck.left === 0 && run.reminderCheck.twice === 0 && run.reminderCheck.left === 0 && run.reminderCheck.wrongRecipient === 0);
  const plan = runs[0]?.plan;
  return [
    `#### ${name} (PostgreSQL ${version})`,
    '',
    table(
      ['run', 'expired', 'by instance', 'seconds', 'claims/s', 'statements (claims per statement)', 'PostgreSQL active s of instance s', 'CPU s: server + client', 'claims per CPU-second', 'audit twice / missing', 'expiry messages (expected)', 'reminders (100 % due at once)'],
      rows,
    ),
    '',
    `Median: **${expiryMedian.toFixed(0)} claims/s expired**, ${reminderMedian.toFixed(0)} reminders/s. Each claim handled once, every message once to the right recipients: ${allOnce ? 'yes' : 'NO'}. Target ≥ 5,000 claims/s: ${expiryMedian >= 5000 ? 'met' : 'MISSED'}. ` +
      `CPU: ${perCpuMedian.toFixed(0)} claims per CPU-second (server and client together, median), an estimated ${(perCpuMedian * os.cpus().length).toFixed(0)} claims/s if the sweep had this machine's ${os.cpus().length} cores to itself.`,
    '',
    ...(plan
      ? ['<details><summary>EXPLAIN (ANALYZE, BUFFERS) of the first expiry batch (1,000 claims, rolled back)</summary>', '', '```', plan, '```', '', '</details>', '']
      : []),
  ].join('\n');
}

const sweepPass = (batchSize: number): SweepPass => (db, clock) => sweepDeadlines(db, clock, { batchSize });

/**
 * Benchmark 3: `claims` consent windows ending at once, swept by `instances` racing schedulers
 * (services/claims/deadlines.ts sweepDeadlines, as bot/scheduler.ts and POST /api/dev/tick run it), each
 * on its own pool, until none is due or the time bound is reached; then the database is checked. Then
 * `claims` 7-day reminders due at once, the same way. On the embedded PostgreSQL (as `npm start` runs
 * it: durable, default settings) and on `serverUrl` when given.
 */
export async function benchScheduler(options: SchedulerBenchOptions, pass?: SweepPass): Promise<string> {
  const settings = {
    claims: options.claims ?? 100_000,
    instances: options.instances ?? 2,
    maxSeconds: options.maxSeconds ?? 60,
    runs: options.runs ?? 3,
    batchSize: options.batchSize ?? 2_000,
  };
  const sweep = pass ?? sweepPass(settings.batchSize);
  const sections: string[] = [
    `### 3. Scheduler: ${settings.claims.toLocaleString('en')} consent windows ending at once (set-based sweep)`,
    '',
    `${settings.instances} instances, each with its own ${POOL_SIZE}-connection pool, run the deadline sweep (services/claims/deadlines.ts \`sweepDeadlines\`, batches of ${settings.batchSize.toLocaleString('en')} per rule and pass, ` +
      `${SWEEP_CHUNK.toLocaleString('en')} claims per statement: one statement locks them \`FOR UPDATE SKIP LOCKED\`, expires them, writes their audit events and their outbox rows) in a loop on the same due claims until none is due (bound ${settings.maxSeconds} s), ` +
      `${settings.runs} runs per server, each on a new database. "Statements": transactions the server counted during the race (pg_stat_database; each statement is its own), including each pass's statements that found nothing (the other rules and reminder bands). ` +
      `Then ${settings.claims.toLocaleString('en')} claims whose 7-day consent reminder is due at once, swept the same way.`,
    '',
  ];
  const servers: [string, string][] = [];
  const folder = mkdtempSync(path.join(os.tmpdir(), 'mci-bench-pg-'));
  try {
    const cluster = await startEmbeddedCluster({ dataDir: folder, port: null, purpose: 'the scheduler benchmark', maxConnections: 100 });
    try {
      servers.push(['Embedded PostgreSQL (npm start default, durable)', cluster.serverUrl]);
      if (options.serverUrl) servers.push(["Debian's PostgreSQL (scripts/with-postgres.sh: fsync off)", options.serverUrl]);
      for (const [name, url] of servers) sections.push(await benchOn(name, url, settings, (line) => options.log(line), sweep));
    } finally {
      await cluster.stop();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return sections.join('\n');
}
