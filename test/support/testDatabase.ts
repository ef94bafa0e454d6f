import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../services/db/database';
import { seedDemoData } from '../../prisma/demoData';

/** Set by the jest global setup (test/support/globalSetup.ts) for the workers. */
export const TEST_SERVER_ENV = 'MCI_TEST_SERVER_URL';
export const TEST_TEMPLATE_ENV = 'MCI_TEST_TEMPLATE_DATABASE';

/**
 * A fresh, migrated database for one test file, cloned from the run's migrated template on the
 * run's one PostgreSQL server (the embedded one, or TEST_DATABASE_URL's); dropped on close.
 */
export function createTestDatabase(): Promise<Database> {
  return createDatabase(process.env[TEST_TEMPLATE_ENV] ?? missingSetup());
}

/** An empty database (no migrations applied), for tests of the migrations themselves. */
export function createBlankTestDatabase(): Promise<Database> {
  return createDatabase('template0');
}

/** A fresh test database (see createTestDatabase) holding the demo data, seeded relative to `now`. */
export async function createDemoDatabase(now: Date = new Date()): Promise<Database> {
  const db = await createTestDatabase();
  await seedDemoData(db.prisma, now);
  return db;
}

async function createDatabase(template: string): Promise<Database> {
  const serverUrl = process.env[TEST_SERVER_ENV] ?? missingSetup();
  const name = `mci_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 5 });
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

function missingSetup(): never {
  throw new Error(`${TEST_SERVER_ENV} is not set: run the tests through jest (npm test), whose global setup starts the test database server`);
}

export async function withAdminClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `db` with its pg statements counted: how many of them `counts` picks out (by their text). */
export function countingStatements(db: Database, counts: (text: string) => boolean): { db: Database; count: () => number } {
  let count = 0;
  const sql: Database['sql'] = {
    query: (text, params, options) => {
      if (counts(text)) count += 1;
      return db.sql.query(text, params, options);
    },
    exec: (text) => db.sql.exec(text),
    transaction: (work) => db.sql.transaction(work),
  };
  return { db: { ...db, sql }, count: () => count };
}
