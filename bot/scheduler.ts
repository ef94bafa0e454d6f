import type { Claims, SweepOptions, SweepResult } from '../services/claims';
import type { ChannelHandlers, DeliveryCounts, DeliveryOptions, Outbox } from '../services/outbox';
import type { Logger } from './logger';

/**
 * The in-process background loop: the deadline sweep, then outbox delivery, every interval. Passes
 * never overlap (the next one is scheduled when the previous ends, and `runOnce` queues behind a
 * running pass). Nothing correct depends on this being the only instance: the services it calls
 * are safe to run from several instances against one database.
 */

export interface SchedulerOptions {
  claims: Pick<Claims, 'sweepDeadlines'>;
  outbox: Pick<Outbox, 'deliverDue'>;
  logger: Logger;
  intervalMs: number;
  delivery: ChannelHandlers;
  sweep?: SweepOptions;
  deliveryOptions?: DeliveryOptions;
}

/** What one pass did; a step that failed (and was logged) is null. */
export interface PassResult {
  deadlines: SweepResult | null;
  delivery: DeliveryCounts | null;
}

export interface Scheduler {
  /** Runs one pass now, after the pass in flight if there is one. Never throws. */
  runOnce(): Promise<PassResult>;
  /** Stops the loop and waits for the pass in flight; call before closing the database. */
  stop(): Promise<void>;
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  const { claims, outbox, logger } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<PassResult> = Promise.resolve({ deadlines: null, delivery: null });

  const pass = async (): Promise<PassResult> => {
    if (stopped) return { deadlines: null, delivery: null };
    const deadlines = await step('deadline sweep', () => claims.sweepDeadlines(options.sweep));
    const delivery = await step('outbox delivery', () => outbox.deliverDue(options.delivery, options.deliveryOptions));
    if ((deadlines && (deadlines.reminded > 0 || deadlines.expired > 0)) || (delivery && delivery.sent + delivery.retried + delivery.dead > 0)) {
      logger.info({ deadlines, delivery }, 'scheduler pass');
    }
    return { deadlines, delivery };
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

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      void runOnce().then(schedule);
    }, options.intervalMs);
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
