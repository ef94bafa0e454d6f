import type { Next, Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { AdjustableClock } from '../services/shared/clock';
import type { Directory } from '../services/directory';
import { isNotAllowed } from '../services/shared/errors';
import { REVIEW_OUTCOMES, type ReviewPort } from '../services/ports/review';
import { LOCAL_DEFAULT_AAD_OBJECT_ID } from './identity';
import type { Logger } from './logger';
import type { Scheduler } from './scheduler';

/**
 * Local mode's test routes (the local protocol contract): move the test clock, run the scheduler at
 * once, and enter Microsoft's review outcome. They are never registered in production mode, where
 * the paths answer 404 like any unknown route.
 */

export interface DevRouteDeps {
  localMode: boolean;
  clock: AdjustableClock;
  scheduler: Pick<Scheduler, 'runOnce'>;
  review: ReviewPort;
  directory: Directory;
  logger: Logger;
}

const MAX_DAYS = 3650;

const ClockBody = z.union([
  z.object({ advanceDays: z.number().finite().min(-MAX_DAYS).max(MAX_DAYS) }).strict(),
  z.object({ now: z.iso.datetime({ offset: true }) }).strict(),
]);

const CLOCK_USAGE = `Send a JSON body {"advanceDays": n} (days to move the clock, from -${MAX_DAYS} to ${MAX_DAYS}, fractions allowed) or {"now": "2026-03-01T09:00:00Z"} (an ISO 8601 time with its offset).`;

const ReviewBody = z
  .object({
    claimId: z.string().trim().min(1),
    outcome: z.enum(REVIEW_OUTCOMES),
    note: z.string().max(2000).optional(),
    /** Who enters the outcome: an Incentives admin of the claim's partner; the demo admin of partner A by default. */
    aadObjectId: z.string().trim().min(1).optional(),
  })
  .strict();

const REVIEW_USAGE = `Send a JSON body {"claimId": "CLM-…", "outcome": one of ${REVIEW_OUTCOMES.join(', ')}, "note": "why" (required for a rejection), "aadObjectId": the Incentives admin entering it (optional)}.`;

/** Registers the dev routes in local mode; returns whether it did. */
export function registerDevRoutes(server: Server, deps: DevRouteDeps): boolean {
  if (!deps.localMode) return false;

  server.get('/api/dev/clock', (_req: Request, res: Response, next: Next) => {
    res.send(200, { now: deps.clock.now().toISOString() });
    next();
  });

  server.post('/api/dev/clock', (req: Request, res: Response, next: Next) => {
    const body = ClockBody.safeParse(req.body);
    if (body.success) {
      const now = 'advanceDays' in body.data ? deps.clock.advanceDays(body.data.advanceDays) : deps.clock.set(new Date(body.data.now));
      deps.logger.info({ now: now.toISOString() }, 'test clock moved');
      res.send(200, { now: now.toISOString() });
    } else {
      res.send(400, { error: `The clock was not moved. ${CLOCK_USAGE}` });
    }
    next();
  });

  server.post('/api/dev/tick', async (_req: Request, res: Response) => {
    const result = await deps.scheduler.runOnce();
    res.send(result.deadlines && result.delivery && result.digests !== null ? 200 : 500, { now: deps.clock.now().toISOString(), ...result });
  });

  server.post('/api/dev/review', async (req: Request, res: Response) => {
    const body = ReviewBody.safeParse(req.body);
    if (!body.success) {
      res.send(400, { error: `The review was not recorded. ${REVIEW_USAGE}` });
      return;
    }
    const { claimId, outcome, note, aadObjectId } = body.data;
    try {
      const by = await deps.directory.findCaller(aadObjectId ?? LOCAL_DEFAULT_AAD_OBJECT_ID);
      const claim = await deps.review.record(by, { claimId, outcome, note: note ?? '' });
      res.send(200, { claimId: claim.id, status: claim.status });
    } catch (error) {
      if (!isNotAllowed(error)) throw error;
      res.send(409, { error: error.message });
    }
  });

  return true;
}
