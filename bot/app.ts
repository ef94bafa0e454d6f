import type { Server } from 'restify';
import { openDatabase, type Database } from '../services/db/database';
import { applyMigrations } from '../services/db/migrations';
import { systemClock, type Clock } from '../services/clock';
import { isDatabaseEmpty, seedDemoData } from '../prisma/demoData';
import { createAdapter } from './adapter';
import type { Config } from './config';
import type { Logger } from './logger';
import { MciBot } from './mciBot';
import { createHttpServer, InFlight } from './server';

export interface RunningApp {
  readonly config: Config;
  readonly db: Database;
  readonly server: Server;
  /** The address the server listens on, e.g. http://127.0.0.1:3978 */
  readonly url: string;
  /** Stops accepting requests, lets turns in flight finish, then closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger: Logger;
  /** A database opened by the caller (tests); otherwise the configured one is opened. */
  db?: Database;
  clock?: Clock;
  host?: string;
}

const DRAIN_TIMEOUT_MS = 10_000;

/** Opens and migrates the database, seeds demo data into an empty embedded one, and starts serving. */
export async function startApp(config: Config, options: StartOptions): Promise<RunningApp> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const db =
    options.db ??
    (await openDatabase(
      config.databaseUrl
        ? { kind: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize }
        : { kind: 'pglite', dataDir: config.dataDir },
    ));
  try {
    const migrations = await applyMigrations(db.sql);
    if (migrations.applied.length > 0) logger.info({ applied: migrations.applied }, 'database migrated');
    if (db.kind === 'pglite' && config.seedDemoData && (await isDatabaseEmpty(db.prisma))) {
      await seedDemoData(db.prisma, clock.now());
      logger.info('demo data seeded into the empty embedded database');
    }
  } catch (error) {
    await db.close();
    throw error;
  }

  const adapter = createAdapter(config, logger);
  const bot = new MciBot({ db, localMode: config.localMode, logger });
  const inFlight = new InFlight();
  const server = createHttpServer({ adapter, bot, db, logger }, inFlight);
  await new Promise<void>((resolve) => {
    server.listen(config.port, options.host ?? '0.0.0.0', resolve);
  });
  const address = server.address();
  const url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;
  logger.info({ url, mode: config.localMode ? 'local' : 'production', database: db.kind }, 'bot listening');

  let stopping: Promise<void> | null = null;
  return {
    config,
    db,
    server,
    url,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => {
          server.close(() => resolve());
        });
        // Keep-alive connections would hold the listener open; idle ones can go now.
        server.server.closeIdleConnections();
        const drained = await inFlight.drained(DRAIN_TIMEOUT_MS);
        if (!drained) logger.warn({ inFlight: inFlight.size }, 'stopping with turns still in flight');
        await closed;
        await db.close();
        logger.info('bot stopped');
      })();
      return stopping;
    },
  };
}
