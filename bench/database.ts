import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '../services/db/database';
import { applyMigrations } from '../services/db/migrations';
import { seedDemoData } from '../prisma/demoData';

/** The PostgreSQL server the benchmarks may create databases on: BENCH_DATABASE_URL, else TEST_DATABASE_URL. */
export function benchServerUrl(): string | null {
  return process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || null;
}

export interface BenchDatabase {
  /** postgres://… of the new database, for a bot process's DATABASE_URL. */
  readonly url: string;
  /** Opens a connection pool on it (callers close it). */
  open(poolSize?: number): Promise<Database>;
  /** Drops the database. */
  drop(): Promise<void>;
}

/** A new, migrated database on the server holding the demo data, dropped by drop(). */
export async function createBenchDatabase(serverUrl: string, now: Date = new Date()): Promise<BenchDatabase> {
  const name = `mci_bench_${randomBytes(5).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const open = (poolSize = 10) => openDatabase({ kind: 'postgres', url: url.toString(), poolSize });
  const db = await open(2);
  try {
    await applyMigrations(db.sql);
    await seedDemoData(db.prisma, now);
  } finally {
    await db.close();
  }
  return {
    url: url.toString(),
    open,
    drop: () => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
