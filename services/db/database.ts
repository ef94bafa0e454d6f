import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from './generated/client';

/** Raw SQL access beside Prisma: migrations, row locks and health checks need it. */
export interface SqlDriver {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs one or more statements with no parameters. */
  exec(sql: string): Promise<void>;
  transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T>;
}

export interface Database {
  readonly prisma: PrismaClient;
  readonly sql: SqlDriver;
  readonly kind: 'pglite' | 'postgres';
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string | null }
  | { kind: 'postgres'; url: string; poolSize?: number };

interface PgLikeQueryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

function pgliteDriver(db: Pick<PGlite, 'query' | 'exec'> & Partial<Pick<PGlite, 'transaction'>>): SqlDriver {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const result = await db.query<T>(sql, params);
      return result.rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    async transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> {
      if (!db.transaction) throw new Error('Nested transactions are not supported');
      return db.transaction((tx) => work(pgliteDriver(tx)));
    },
  };
}

function pgDriver(pool: Pool): SqlDriver {
  const over = (client: PgLikeQueryable): Omit<SqlDriver, 'transaction'> => ({
    async query<T>(sql: string, params?: unknown[]) {
      const result = await client.query(sql, params);
      return result.rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });
  return {
    ...over(pool),
    async transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const inner: SqlDriver = {
          ...over(client),
          transaction: () => Promise.reject(new Error('Nested transactions are not supported')),
        };
        const result = await work(inner);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/**
 * Opens the database the configuration names: file-backed PGlite under the data folder by default
 * (in memory when dataDir is null, for tests), PostgreSQL when a URL is given. Callers cannot tell
 * which one they got.
 */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = new Pool({ connectionString: target.url, max: target.poolSize ?? 10 });
    // An idle connection dropped by the server (restart, failover) must not crash the process; the
    // pool replaces it on the next query.
    pool.on('error', () => undefined);
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    const sql = pgDriver(pool);
    return {
      prisma,
      sql,
      kind: 'postgres',
      ping: () => ping(sql),
      close: once(async () => {
        await prisma.$disconnect();
        await pool.end();
      }),
    };
  }
  let pglite: PGlite;
  if (target.dataDir) {
    const dir = path.resolve(target.dataDir, 'db');
    mkdirSync(dir, { recursive: true });
    pglite = await PGlite.create(dir);
  } else {
    pglite = await PGlite.create();
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const sql = pgliteDriver(pglite);
  return {
    prisma,
    sql,
    kind: 'pglite',
    ping: () => ping(sql),
    close: once(async () => {
      await prisma.$disconnect();
      await pglite.close();
    }),
  };
}

/** Closing twice (a failed health check's owner and shutdown, say) closes once. */
function once(work: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => (closing ??= work());
}

async function ping(sql: SqlDriver): Promise<boolean> {
  try {
    await sql.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
