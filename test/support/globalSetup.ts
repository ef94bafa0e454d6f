import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../services/db/embedded';
import { applyMigrations } from '../../services/db/migrations';
import { openDatabase } from '../../services/db/database';
import { TEST_SERVER_ENV, TEST_TEMPLATE_ENV, withAdminClient as admin } from './testDatabase';

/**
 * One PostgreSQL server for the whole run: the embedded one in a temp folder, or the server
 * TEST_DATABASE_URL names. A template database is migrated once; each test file clones it
 * (createTestDatabase), so files run in parallel on databases of their own.
 */
export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.TEST_DATABASE_URL;
  let cluster: EmbeddedCluster | null = null;
  let folder: string | null = null;
  if (!serverUrl) {
    folder = mkdtempSync(path.join(os.tmpdir(), 'mci-test-pg-'));
    cluster = await startEmbeddedCluster({ dataDir: folder, port: null, purpose: 'a test run (npm test)', durable: false, maxConnections: 300 });
    serverUrl = cluster.serverUrl;
  }
  const template = `mci_template_${process.pid}_${Date.now().toString(36)}`;
  await admin(serverUrl, (client) => client.query(`CREATE DATABASE ${template}`));
  const url = new URL(serverUrl);
  url.pathname = `/${template}`;
  const db = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 2 });
  try {
    await applyMigrations(db.sql);
  } finally {
    await db.close();
  }
  // Workers start after this and inherit the environment.
  process.env[TEST_SERVER_ENV] = serverUrl;
  process.env[TEST_TEMPLATE_ENV] = template;
  const teardown = async (): Promise<void> => {
    await admin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)).catch(() => undefined);
    await cluster?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  };
  (globalThis as { mciTestTeardown?: () => Promise<void> }).mciTestTeardown = teardown;
}
