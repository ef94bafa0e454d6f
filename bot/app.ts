import type { Server } from 'restify';
import { openDatabase, type Database } from '../services/db/database';
import { applyMigrations } from '../services/db/migrations';
import { AdjustableClock, systemClock, type Clock } from '../services/clock';
import { isDatabaseEmpty, seedDemoData } from '../prisma/demoData';
import { LocalReviewPort } from '../services/ports/review';
import type { ChannelHandlers } from '../services/outboxDelivery';
import { emailChannelHandler } from '../services/ports/email';
import { createAdapter } from './adapter';
import type { Config } from './config';
import type { Logger } from './logger';
import { registerChatRoutes } from './chatRoutes';
import { registerConsentRoutes } from './consentRoutes';
import { registerDevRoutes } from './devRoutes';
import { loopbackUrl, registerDirectLineRoutes } from './directLine';
import { MciBot } from './mciBot';
import { TeamsNotifier } from './notifier';
import { createProactiveAdapter } from './proactiveAdapter';
import { createPorts } from './ports';
import { startScheduler } from './scheduler';
import { createHttpServer, InFlight } from './server';
import { TeamsRateLimiter } from './teamsRateLimiter';

export interface RunningApp {
  readonly config: Config;
  readonly db: Database;
  /** The clock every rule reads; in local mode an AdjustableClock that POST /api/dev/clock moves. */
  readonly clock: Clock;
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
  /** Outbox delivery handlers by channel; rows of a channel without one wait in the outbox. */
  delivery?: ChannelHandlers;
}

const DRAIN_TIMEOUT_MS = 10_000;

/** Opens and migrates the database, seeds demo data into an empty embedded one, and starts serving. */
export async function startApp(config: Config, options: StartOptions): Promise<RunningApp> {
  const { logger } = options;
  const baseClock = options.clock ?? systemClock;
  // In local mode everything reads one adjustable clock, so that moving it moves every rule's time.
  const testClock = config.localMode ? (baseClock instanceof AdjustableClock ? baseClock : new AdjustableClock(baseClock)) : null;
  const clock: Clock = testClock ?? baseClock;
  const db =
    options.db ??
    (await openDatabase(
      config.databaseUrl
        ? { kind: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize }
        : {
            kind: 'embedded',
            dataDir: config.dataDir,
            port: config.embeddedPgPort,
            poolSize: config.databasePoolSize,
            warn: (message) => logger.warn(message),
          },
    ));
  try {
    const migrations = await applyMigrations(db.sql);
    if (migrations.applied.length > 0) logger.info({ applied: migrations.applied }, 'database migrated');
    if (db.kind === 'embedded' && config.seedDemoData && (await isDatabaseEmpty(db.prisma))) {
      await seedDemoData(db.prisma, clock.now());
      logger.info('demo data seeded into the empty embedded database');
    }
  } catch (error) {
    await db.close();
    throw error;
  }

  const adapter = createAdapter(config, logger);
  const consent = { tokenSecret: config.consentTokenSecret, publicBaseUrl: config.publicBaseUrl };
  // One limiter per instance for everything it sends to Teams: turn replies and proactive messages.
  const teamsLimiter = new TeamsRateLimiter({ share: config.teamsRateLimitShare });
  const bot = new MciBot({ db, clock, localMode: config.localMode, logger, consent, sendLimiter: teamsLimiter });
  const inFlight = new InFlight();
  const server = createHttpServer({ adapter, bot, db, logger }, inFlight);
  const ports = createPorts(config, logger, db.prisma);
  registerConsentRoutes(server, { db, clock, logger, settings: consent });
  // The /chat try-out page and its Direct Line channel exist in local mode only.
  registerDirectLineRoutes(server, config.localMode, { adapter, bot, logger, inFlight, selfUrl: () => loopbackUrl(server, options.host) });
  registerChatRoutes(server, config.localMode, logger);
  const scheduler = startScheduler({
    db,
    clock,
    logger,
    intervalMs: config.schedulerIntervalMs,
    delivery: options.delivery ?? {
      EMAIL: emailChannelHandler(ports.email),
      TEAMS: new TeamsNotifier({
        db,
        adapter: createProactiveAdapter(config),
        appId: config.microsoftApp.appId,
        logger,
        limiter: teamsLimiter,
      }),
      REFERRALS: ports.referrals,
    },
  });
  if (testClock) {
    registerDevRoutes(server, { localMode: config.localMode, clock: testClock, scheduler, review: new LocalReviewPort(db, clock), db, logger });
  }
  await new Promise<void>((resolve) => {
    server.listen(config.port, options.host ?? '0.0.0.0', resolve);
  });
  const address = server.address();
  const url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;
  logger.info({ url, mode: config.localMode ? 'local' : 'production', database: db.kind }, 'bot listening');
  if (config.localMode) logger.info({ chat: `http://localhost:${address.port}/chat` }, 'try it in a browser: open the chat page');

  let stopping: Promise<void> | null = null;
  return {
    config,
    db,
    clock,
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
        await scheduler.stop();
        await db.close();
        logger.info('bot stopped');
      })();
      return stopping;
    },
  };
}
