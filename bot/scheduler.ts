import type { Claims, SweepOptions, SweepResult } from '../services/claims';
import type { Digest, DigestRunOptions, DigestRunResult } from '../services/digest';
import type { ChannelHandlers, DeliveryCounts, DeliveryOptions, Outbox } from '../services/outbox';
import type { Logger } from './logger';

/**
 * The in-process background loop: the deadline sweep, the daily digests, then outbox delivery, every interval, and
 * sooner while a backlog drains: at once after a full batch, and when the soonest message waiting
 * is due, whichever pass held it back for a rate limit (so it waits exactly as long as the limit needs). Passes never overlap (the next one is scheduled when the previous ends, and `runOnce` queues behind a
 * running pass). Nothing correct depends on this being the only instance: the services it calls
 * are safe to run from several instances against one database.
 */

export interface SchedulerOptions {
  claims: Pick<Claims, 'sweepDeadlines'>;
  outbox: Pick<Outbox, 'deliverDue'>;
  /** The daily digest step; none without it. */
  digest?: Pick<Digest, 'runDue'>;
  digestOptions?: DigestRunOptions;
  logger: Logger;
  intervalMs: number;
  delivery: ChannelHandlers;
  sweep?: SweepOptions;
  deliveryOptions?: DeliveryOptions;
}

/** What one pass did; a step that failed (and was logged) is null. */
export interface PassResult {
  deadlines: SweepResult | null;
  /** There only when the scheduler has a digest step. */
  digests?: DigestRunResult | null;
  delivery: DeliveryCounts | null;
}

export interface Scheduler {
  /** Runs one pass now, after the pass in flight if there is one. Never throws. */
  runOnce(): Promise<PassResult>;
  /** Stops the loop and waits for the pass in flight; call before closing the database. */
  stop(): Promise<void>;
}

/**
 * Milliseconds to the next pass after one that delivered `delivery`: at once after a full batch,
 * else when the soonest message waiting is due (held back for a rate limit, or a retry), at most
 * the interval.
 */
export function nextPassInMs(intervalMs: number, delivery: DeliveryCounts | null): number {
  if (delivery?.more === true) return 0;
  return Math.max(0, Math.min(intervalMs, delivery?.nextDueInMs ?? intervalMs));
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  const { claims, outbox, logger } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<PassResult> = Promise.resolve({ deadlines: null, delivery: null });

  const pass = async (): Promise<PassResult> => {
    if (stopped) return { deadlines: null, delivery: null };
    const deadlines = await step('deadline sweep', () => claims.sweepDeadlines(options.sweep));
    const digest = options.digest;
    // Before delivery, so a digest queued in this pass goes out in it.
    const digests = digest ? { digests: await step('daily digest', () => digest.runDue(options.digestOptions)) } : {};
    const delivery = await step('outbox delivery', () => outbox.deliverDue(options.delivery, options.deliveryOptions));
    const digested = digests.digests ? digests.digests.queued + digests.digests.empty : 0;
    if ((deadlines && (deadlines.reminded > 0 || deadlines.expired > 0)) || digested > 0 || (delivery && delivery.sent + delivery.retried + delivery.dead + (delivery.dropped ?? 0) > 0)) {
      logger.info({ deadlines, ...digests, delivery }, 'scheduler pass');
    }
    return { deadlines, ...digests, delivery };
  };

  // One failing step must not keep the other from running, nor stop the loop.
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T | null> => {
    try {
      return await work();
    } catch (error) {
      logger.error({ err: error }, `scheduler: ${name} failed`);
      return null;
    }
  };

  const runOnce = (): Promise<PassResult> => {
    current = current.then(pass, pass);
    return current;
  };

  const schedule = (last?: PassResult) => {
    if (stopped) return;
    const delay = nextPassInMs(options.intervalMs, last?.delivery ?? null);
    timer = setTimeout(() => {
      timer = null;
      void runOnce().then(schedule);
    }, delay);
    // The loop alone must not keep the process alive; shutdown stops it explicitly.
    timer.unref();
  };

  schedule();
  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await current;
    },
  };
}
