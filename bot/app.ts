import type { Server } from 'restify';
import { openDatabase, type Database } from '../services/db/database';
import { applyMigrations } from '../services/db/migrations';
import { AdjustableClock, systemClock, type Clock } from '../services/shared/clock';
import { isDatabaseEmpty, seedDemoData } from '../prisma/demoData';
import { LocalReviewPort } from '../services/ports/review';
import type { ChannelHandlers } from '../services/outbox';
import { emailChannelHandler } from '../services/ports/email';
import { createAdapter, createBotAuthentication, type OpenIdMetadataUrls } from './adapter';
import { buildServices, createDialogDeps, fileTransferFor } from './composition';
import { registerFileRoutes } from './fileTransfer';
import type { Config } from './config';
import type { Logger } from './logger';
import { registerChatRoutes } from './chatRoutes';
import { registerClaimLinkRoutes } from './claimLinkRoutes';
import { registerConsentRoutes } from './consentRoutes';
import { registerDevRoutes } from './devRoutes';
import { loopbackUrl, registerDirectLineRoutes } from './directLine';
import { isLoopbackHost } from './loopback';
import { ConversationReferenceStore } from './conversationReferences';
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
  /** Overrides config.host (HOST). */
  host?: string;
  /** Where inbound tokens' OpenID metadata is read (tests: a stub on loopback); the Bot Framework's otherwise. */
  openIdMetadata?: OpenIdMetadataUrls;
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

  const authentication = createBotAuthentication(config, options.openIdMetadata);
  const adapter = createAdapter(config, logger, authentication);
  const consent = { tokenSecret: config.consentTokenSecret, publicBaseUrl: config.publicBaseUrl };
  // One limiter per instance for everything it sends to Teams: turn replies and proactive messages.
  const teamsLimiter = new TeamsRateLimiter({ share: config.teamsRateLimitShare });
  const ports = createPorts(config, logger, db.prisma);
  // The services are built once here and shared by every dialog, route and turn of this instance.
  const services = buildServices({ db, clock, consent, ports: { tenants: ports.tenants, eligibility: ports.eligibility }, partnerCenterReferralsUrl: config.partnerCenterReferralsUrl });
  const files = fileTransferFor({ localMode: config.localMode, consent }, services);
  const dialogs = createDialogDeps({ db, clock, logger, localMode: config.localMode, consent, ports: { tenants: ports.tenants, eligibility: ports.eligibility } }, services, files);
  // One per instance: the notifier deactivates what the bot's turns keep, and the bot must hear of it.
  const references = new ConversationReferenceStore(db, logger);
  const bot = new MciBot({ db, logger, dialogs, sendLimiter: teamsLimiter, files, references });
  const inFlight = new InFlight();
  const host = options.host ?? config.host;
  const localServiceUrls = config.localMode ? { allowedOrigins: config.localServiceOrigins } : null;
  const server = createHttpServer(
    { adapter, bot, db, logger, localServiceUrls, authentication: config.localMode ? null : { appId: config.microsoftApp.appId, validator: authentication } },
    inFlight,
  );
  registerConsentRoutes(server, { consent: services.consent, clock, logger, settings: consent });
  registerClaimLinkRoutes(server);
  registerFileRoutes(server, files, logger);
  // The /chat try-out page and its Direct Line channel exist in local mode only.
  registerDirectLineRoutes(server, config.localMode, { adapter, bot, logger, inFlight, selfUrl: () => loopbackUrl(server, host) });
  registerChatRoutes(server, config.localMode, logger);
  const scheduler = startScheduler({
    claims: services.claims,
    outbox: services.outbox,
    digest: services.digest,
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
        partnerCenterReferralsUrl: config.partnerCenterReferralsUrl,
        references,
      }),
      REFERRALS: ports.referrals,
    },
  });
  if (testClock) {
    registerDevRoutes(server, { localMode: config.localMode, clock: testClock, scheduler, review: new LocalReviewPort(db, clock), directory: services.directory, logger });
  }
  await new Promise<void>((resolve) => {
    server.listen(config.port, host, resolve);
  });
  const address = server.address();
  const url = loopbackUrl(server, host);
  // The configuration allows this only with ALLOW_REMOTE_LOCAL_MODE=true.
  if (config.localMode && !isLoopbackHost(host)) {
    logger.warn({ host }, 'local mode on a non-loopback address: anyone who can reach it acts as the demo admin without authentication');
  }
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
