import restify, { type Request, type Response, type Server } from 'restify';
import type { CloudAdapter } from 'botbuilder';
import type { ActivityHandler } from 'botbuilder';
import type { Database } from '../services/db';
import type { Logger } from './logger';

export interface HttpDependencies {
  adapter: CloudAdapter;
  bot: ActivityHandler;
  db: Database;
  logger: Logger;
}

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
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 1024 * 1024 }));

  server.post('/api/messages', async (req: Request, res: Response) => {
    await inFlight.track(() =>
      deps.adapter.process(req, res, (context) => deps.bot.run(context)).catch((error: unknown) => {
        deps.logger.error({ err: error }, 'could not process an activity');
        if (!res.headersSent) res.send(500, { error: 'The activity could not be processed.' });
      }),
    );
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    const databaseUp = await deps.db.ping();
    res.send(databaseUp ? 200 : 503, { status: databaseUp ? 'ok' : 'unavailable', database: databaseUp ? 'up' : 'down', kind: deps.db.kind });
  });

  return server;
}
