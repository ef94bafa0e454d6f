import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedCluster } from '../../services/db/embedded';

/** The folder lock and layout checks of the embedded PostgreSQL, in one process (the real-process cases are in test/e2e/embeddedFolder.test.ts). */
describe('startEmbeddedCluster', () => {
  const folders: string[] = [];
  const newFolder = (): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mci-embedded-'));
    folders.push(dir);
    return dir;
  };
  afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const options = (dataDir: string) => ({ dataDir, port: null, purpose: 'this test', durable: false });

  it('takes over the lock of a process that is gone, and refuses a second start while it runs, even from the same process', async () => {
    const dataDir = newFolder();
    const gone = spawnSync('true').pid;
    writeFileSync(path.join(dataDir, 'pg.lock'), JSON.stringify({ pid: gone, started: null, purpose: 'a killed bot' }));
    const cluster = await startEmbeddedCluster(options(dataDir));
    try {
      await expect(startEmbeddedCluster(options(dataDir))).rejects.toThrow(
        `DATA_DIR ${dataDir} is in use by this test (process ${process.pid}): stop that process first, or give this one its own DATA_DIR.`,
      );
      const client = new Client({ connectionString: cluster.url });
      await client.connect();
      try {
        const [row] = (await client.query<{ db: string; listen: string }>(`SELECT current_database() AS db, current_setting('listen_addresses') AS listen`)).rows;
        expect(row).toEqual({ db: 'mci', listen: '127.0.0.1' });
      } finally {
        await client.end();
      }
    } finally {
      await cluster.stop();
    }
  }, 60_000);

  it('refuses a pg folder that is not a cluster, and leaves it alone', async () => {
    const dataDir = newFolder();
    mkdirSync(path.join(dataDir, 'pg'));
    writeFileSync(path.join(dataDir, 'pg', 'notes.txt'), 'mine');
    await expect(startEmbeddedCluster(options(dataDir))).rejects.toThrow(
      `${path.join(dataDir, 'pg')} is not a PostgreSQL cluster (no PG_VERSION) and is not empty: move it away, or set DATA_DIR to another folder.`,
    );
  });
});
