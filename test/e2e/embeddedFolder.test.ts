import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, startBot, startScript, waitForHealth, type BotProcess } from '../support/botProcess';

/** What a process printed, less Node's own deprecation warnings. */
function said(process: BotProcess): string {
  return process
    .output()
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('(node:') && !line.startsWith('(Use `node'))
    .join('\n');
}

/** The embedded PostgreSQL under DATA_DIR, misused the ways people do: each gets one clear line, nothing is damaged. */
describe('the embedded PostgreSQL data folder', () => {
  const folders: string[] = [];
  const running: BotProcess[] = [];
  const newFolder = (): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mci-folder-'));
    folders.push(dir);
    return dir;
  };
  const bot = (env: Record<string, string>): BotProcess => {
    const started = startBot(env);
    running.push(started);
    return started;
  };
  afterAll(async () => {
    for (const process of running) {
      process.child.kill('SIGTERM');
      await Promise.race([process.exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      process.killGroup();
    }
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  async function healthy(dataDir: string, env: Record<string, string> = {}): Promise<{ bot: BotProcess; url: string }> {
    const port = await freePort();
    const started = bot({ PORT: String(port), DATA_DIR: dataDir, ...env });
    const url = `http://127.0.0.1:${port}`;
    const health = await Promise.race([
      waitForHealth(url, 60_000),
      started.exited.then((code) => Promise.reject(new Error(`the bot exited (${code}): ${started.output()}`))),
    ]);
    expect(health.status).toBe(200);
    return { bot: started, url };
  }

  // Two folders for the whole file, since a first start (initdb, migrations, seed) is the slow part.
  let used = '';

  it('refuses a second bot and npm run seed while the bot holds the folder, and seeds once it has stopped', async () => {
    const dataDir = newFolder();
    used = dataDir;
    const first = await healthy(dataDir);
    const pid = first.bot.child.pid;

    const second = bot({ PORT: String(await freePort()), DATA_DIR: dataDir });
    expect(await second.exited).toBe(1);
    expect(said(second)).toMatch(new RegExp(`^The bot could not start: DATA_DIR ${dataDir} is in use by the bot \\(npm start\\) \\(process \\d+\\): stop that process first, or give this one its own DATA_DIR\\.$`));

    const seedWhileRunning = startScript('prisma/seed.ts', { DATA_DIR: dataDir });
    expect(await seedWhileRunning.exited).toBe(1);
    expect(said(seedWhileRunning)).toMatch(/^Seeding failed: DATA_DIR .* is in use by the bot \(npm start\)/);

    // The first bot was not disturbed.
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    expect(pid).toBeDefined();
    first.bot.child.kill('SIGTERM');
    expect(await first.bot.exited).toBe(0);

    const seed = startScript('prisma/seed.ts', { DATA_DIR: dataDir });
    expect(await seed.exited).toBe(0);
    expect(seed.output()).toContain(`Demo data seeded into the embedded PostgreSQL in ${dataDir}`);
    expect(existsSync(path.join(dataDir, 'pg.lock'))).toBe(false);
  }, 120_000);

  it('redoes a first initialisation that was killed mid-initdb, and names an old PGlite folder, leaving it in place', async () => {
    const dataDir = newFolder();
    const first = bot({ PORT: String(await freePort()), DATA_DIR: dataDir });
    const staging = path.join(dataDir, 'pg.init');
    const deadline = Date.now() + 60_000;
    while (!existsSync(path.join(staging, 'base')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    first.killGroup();
    await first.exited;
    expect(existsSync(staging)).toBe(true);
    expect(existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(false);
    mkdirSync(path.join(dataDir, 'db'));
    writeFileSync(path.join(dataDir, 'db', 'PG_VERSION'), '17\n');

    const again = await healthy(dataDir);
    expect(again.bot.output()).toContain('was left by an interrupted first start; initialising the database again');
    expect(existsSync(staging)).toBe(false);
    expect(again.bot.output()).toContain(`${path.join(dataDir, 'db')} holds a database of the retired embedded engine (PGlite)`);
    expect(readFileSync(path.join(dataDir, 'db', 'PG_VERSION'), 'utf8')).toBe('17\n');
    again.bot.child.kill('SIGTERM');
    expect(await again.bot.exited).toBe(0);
  }, 120_000);

  it('stops the server a killed bot left running, and starts cleanly', async () => {
    const dataDir = used;
    const first = await healthy(dataDir);
    const postmaster = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    first.bot.killGroup();
    await first.bot.exited;
    // The server runs in its own process group, so it outlives the bot.
    expect(() => process.kill(postmaster, 0)).not.toThrow();

    const again = await healthy(dataDir);
    expect(again.bot.output()).toContain(`A PostgreSQL server (process ${postmaster}) was still running`);
    expect(() => process.kill(postmaster, 0)).toThrow();
    again.bot.child.kill('SIGTERM');
    expect(await again.bot.exited).toBe(0);
  }, 120_000);

  it('names a taken EMBEDDED_PG_PORT in one line', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const started = bot({ PORT: String(await freePort()), DATA_DIR: newFolder(), EMBEDDED_PG_PORT: String(port) });
      expect(await started.exited).toBe(1);
      expect(said(started)).toBe(
        `The bot could not start: EMBEDDED_PG_PORT ${port} is already in use on 127.0.0.1: free it, choose another port, or leave EMBEDDED_PG_PORT unset for a free one.`,
      );
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  }, 60_000);

  it('names a read-only DATA_DIR in one line', async () => {
    const dataDir = newFolder();
    // Root writes through file modes, so for root a read-only mount stands in for a read-only disk.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dataDir]);
    else chmodSync(dataDir, 0o555);
    try {
      const started = bot({ PORT: String(await freePort()), DATA_DIR: dataDir });
      expect(await started.exited).toBe(1);
      expect(said(started)).toBe(
        `The bot could not start: DATA_DIR ${dataDir} is not writable (${asRoot ? 'EROFS' : 'EACCES'}): choose a writable folder with DATA_DIR, or set DATABASE_URL.`,
      );
    } finally {
      if (asRoot) execFileSync('umount', [dataDir]);
      else chmodSync(dataDir, 0o755);
    }
  }, 60_000);
});
