import restify, { type Next, type Request, type Response, type Server } from 'restify';
import type { Activity, ActivityHandler, Response as BotResponse, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { z } from 'zod';
import type { Database } from '../services/db';
import type { Logger } from './logger';
import { implausibleBotToken } from './botToken';
import { isAllowedLocalServiceUrl } from './loopback';

export interface HttpDependencies {
  adapter: CloudAdapter;
  bot: ActivityHandler;
  db: Database;
  logger: Logger;
  /** Local mode: the origins besides loopback replies may go to; null in production (tokens name the channel). */
  localServiceUrls: { allowedOrigins: readonly string[] } | null;
  /** Production mode: the app id tokens are for, and botbuilder's validation of them; null in local mode. */
  authentication: { appId: string; validator: Pick<ConfigurationBotFrameworkAuthentication, 'authenticateRequest'> } | null;
}

/** The only bodies an error answer carries: what happened, never why inside (that goes to the log). */
const GENERIC = {
  unauthorized: { error: 'Unauthorized.' },
  unavailable: { error: 'Sign-in cannot be checked right now; try again shortly.' },
  failed: { error: 'The activity could not be processed.' },
  invalid: { error: 'The request is not a Bot Framework activity.' },
  internal: { error: 'Something went wrong on our side.' },
} as const;

/** botbuilder's AuthenticationError for a token it refuses carries 401; anything else (metadata or keys not fetched) is not the caller's fault. */
const TokenRefusal = z.object({ statusCode: z.literal(401) });

/** Counts requests being handled, so that shutdown can wait for turns in flight. */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.count;
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.count += 1;
    try {
      return await work();
    } finally {
      this.count -= 1;
      if (this.count === 0) this.waiters.splice(0).forEach((resolve) => resolve());
    }
  }

  /** Resolves when nothing is in flight, or after `timeoutMs`, whichever comes first. */
  async drained(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

/** The HTTP surface of the bot: Bot Framework activities and the health probe. */
export function createHttpServer(deps: HttpDependencies, inFlight: InFlight): Server {
  const server = restify.createServer({ name: 'mci-engagement-assistant', handleUncaughtExceptions: false });
  // Multipart bodies are left unread here: restify would write their files to disk, unbounded; the one
  // route that takes them (the local Direct Line upload) reads its body itself, bounded, in memory.
  for (const handler of restify.plugins.bodyParser({ mapParams: false, maxBodySize: 1024 * 1024 })) {
    server.use((req: Request, res: Response, next: Next) => {
      if (req.contentType() === 'multipart/form-data') next();
      else handler(req, res, next);
    });
  }

  server.post('/api/messages', async (req: Request, res: Response) => {
    // Refused before the adapter sees it: nothing is processed or stored and no reply is posted anywhere.
    if (deps.localServiceUrls && !isAllowedLocalServiceUrl(serviceUrlOf(req.body), deps.localServiceUrls.allowedOrigins)) {
      deps.logger.warn({ serviceUrl: String(serviceUrlOf(req.body)).slice(0, 200) }, 'activity refused: its serviceUrl is not on loopback nor in LOCAL_SERVICE_URLS');
      res.send(400, { error: 'In local mode the bot replies only to a serviceUrl on this machine (or one listed in LOCAL_SERVICE_URLS).' });
      return;
    }
    if (deps.authentication && !(await authenticated(req, res, deps.authentication, deps.logger))) return;
    await inFlight.track(() =>
      deps.adapter.process(req, withoutInternals(res, deps.logger), (context) => deps.bot.run(context)).catch((error: unknown) => {
        deps.logger.error({ err: error }, 'could not process an activity');
        if (!res.headersSent) res.send(500, GENERIC.failed);
      }),
    );
  });

  // Whatever a route throws ends here: the details go to the log, the client gets a generic body.
  // restify answers a plain Error with InternalError(String(err)) and an HTTP error with its toJSON, so both are replaced.
  server.on('restifyError', (req: Request, _res: Response, err: unknown, callback: () => void) => {
    const status = z.object({ statusCode: z.number() }).safeParse(err);
    if (err instanceof Error && (!status.success || status.data.statusCode >= 500)) {
      deps.logger.error({ err, method: req.method, path: req.path() }, 'request failed');
      Object.assign(err, { toJSON: () => GENERIC.internal, toString: () => GENERIC.internal.error });
    }
    callback();
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    const databaseUp = await deps.db.ping();
    res.send(databaseUp ? 200 : 503, { status: databaseUp ? 'ok' : 'unavailable', database: databaseUp ? 'up' : 'down', kind: deps.db.kind });
  });

  return server;
}

function serviceUrlOf(body: unknown): unknown {
  return typeof body === 'object' && body !== null && 'serviceUrl' in body ? body.serviceUrl : undefined;
}

/**
 * Production mode: refuses (401) a token that cannot be a Bot Framework token before botbuilder
 * fetches any key for it, then lets botbuilder validate it in full (signature, issuer, audience,
 * endorsements); when the OpenID metadata or keys cannot be fetched, 503 with a generic body. The
 * adapter validates again while processing, from the keys cached by then.
 */
async function authenticated(req: Request, res: Response, auth: NonNullable<HttpDependencies['authentication']>, logger: Logger): Promise<boolean> {
  const authorization = req.header('authorization');
  const implausible = implausibleBotToken(authorization, auth.appId, Date.now());
  if (implausible) {
    logger.warn({ why: implausible }, 'activity refused: not a Bot Framework token');
    res.send(401, GENERIC.unauthorized);
    return false;
  }
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) {
    res.send(400, GENERIC.invalid);
    return false;
  }
  try {
    // botbuilder reads the activity's channelId and serviceUrl here; the adapter validates the whole activity next.
    await auth.validator.authenticateRequest(body as Activity, authorization);
    return true;
  } catch (error) {
    if (TokenRefusal.safeParse(error).success) {
      logger.warn({ err: error }, 'activity refused: the token did not validate');
      res.send(401, GENERIC.unauthorized);
    } else {
      logger.error({ err: error }, 'activity refused: the Bot Framework OpenID metadata or signing keys could not be fetched');
      res.send(503, GENERIC.unavailable);
    }
    return false;
  }
}

/**
 * The response the adapter writes to: botbuilder answers a failed turn or token with the error's own
 * message as the body; this keeps the status and puts a generic body in its place. A plain object
 * with what botbuilder's Response names (an object inheriting restify's response cost measurable CPU per turn).
 */
function withoutInternals(res: Response, logger: Logger): BotResponse {
  let status = 200;
  let body: unknown;
  const shim: BotResponse = {
    socket: res.socket,
    status(code: number) {
      status = code;
      return shim;
    },
    header(name: string, value: unknown) {
      res.header(name, value);
      return shim;
    },
    send(content: unknown) {
      body = content;
      return shim;
    },
    end() {
      if (status < 400) {
        res.send(status, body);
        return shim;
      }
      logger.warn({ status, detail: typeof body === 'string' ? body.slice(0, 500) : undefined }, 'activity not processed');
      res.send(status, status === 401 ? GENERIC.unauthorized : status < 500 ? GENERIC.invalid : GENERIC.failed);
      return shim;
    },
  };
  return shim;
}
