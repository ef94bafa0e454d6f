import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { startEmbeddedCluster } from './embedded';
import { PrismaClient } from './generated/client';

/** Raw SQL access beside Prisma: migrations, row locks and health checks need it. */
/** How a statement is sent. */
export interface QueryOptions {
  /**
   * Planned once per connection and reused (a named prepared statement, named by its text): for a
   * statement of fixed text run on most turns whose planning costs more than its execution.
   */
  prepared?: boolean;
}

export interface SqlDriver {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
  /** Runs one or more statements with no parameters. */
  exec(sql: string): Promise<void>;
  transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T>;
}

export interface Database {
  readonly prisma: PrismaClient;
  readonly sql: SqlDriver;
  readonly kind: 'embedded' | 'postgres';
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | {
      kind: 'embedded';
      dataDir: string;
      /** 127.0.0.1 port of the embedded server; null picks a free one. */
      port?: number | null;
      poolSize?: number;
      /** Who holds DATA_DIR, as a second process on it is told. */
      purpose?: string;
      warn?: (message: string) => void;
    }
  | { kind: 'postgres'; url: string; poolSize?: number };

interface PgLikeQueryable {
  query(config: { text: string; values?: unknown[]; name?: string }): Promise<{ rows: unknown[] }>;
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A prepared statement's name: the same text gets the same name on every connection. */
const preparedNames = new Map<string, string>();
function preparedName(sql: string): string {
  let name = preparedNames.get(sql);
  if (!name) {
    name = `mci_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    preparedNames.set(sql, name);
  }
  return name;
}

function pgDriver(pool: Pool): SqlDriver {
  const over = (client: PgLikeQueryable): Omit<SqlDriver, 'transaction'> => ({
    async query<T>(sql: string, params?: unknown[], options?: QueryOptions) {
      const result = options?.prepared ? await client.query({ text: sql, values: params ?? [], name: preparedName(sql) }) : await client.query(sql, params);
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
 * Opens the database the configuration names: PostgreSQL at DATABASE_URL, or the embedded cluster
 * under the data folder, started here and stopped on close. Both go through the same pg pool and
 * Prisma adapter, so callers cannot tell which one they got.
 */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') return connect(target.url, target.poolSize ?? 10, 'postgres', () => Promise.resolve());
  const cluster = await startEmbeddedCluster({
    dataDir: target.dataDir,
    port: target.port ?? null,
    purpose: target.purpose ?? 'the bot (npm start)',
    warn: target.warn,
  });
  return connect(cluster.url, target.poolSize ?? 10, 'embedded', () => cluster.stop());
}

function connect(url: string, poolSize: number, kind: Database['kind'], afterClose: () => Promise<void>): Database {
  const pool = new Pool({ connectionString: url, max: poolSize });
  // An idle connection dropped by the server (restart, failover) must not crash the process; the
  // pool replaces it on the next query.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const sql = pgDriver(pool);
  return {
    prisma,
    sql,
    kind,
    ping: () => ping(sql),
    close: once(async () => {
      try {
        await prisma.$disconnect();
        await pool.end();
      } finally {
        await afterClose();
      }
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
