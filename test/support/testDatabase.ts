import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../services/db/database';
import { applyMigrations } from '../../services/db/migrations';
import { seedDemoData } from '../../prisma/demoData';

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or, when
 * TEST_DATABASE_URL names a PostgreSQL server, a throw-away database on it (dropped on close).
 */
export async function createTestDatabase(): Promise<Database> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const db = await openDatabase({ kind: 'pglite', dataDir: null });
    await applyMigrations(db.sql);
    return db;
  }
  const name = `mci_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 5 });
  await applyMigrations(db.sql);
  let closing: Promise<void> | null = null;
  return {
    ...db,
    close() {
      closing ??= db.close().then(async () => {
        await withAdminClient(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      });
      return closing;
    },
  };
}

/** A fresh test database (see createTestDatabase) holding the demo data, seeded relative to `now`. */
export async function createDemoDatabase(now: Date = new Date()): Promise<Database> {
  const db = await createTestDatabase();
  await seedDemoData(db.prisma, now);
  return db;
}

async function withAdminClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
