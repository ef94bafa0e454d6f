/**
 * Keeps proactive sends within Teams' documented bot limits: per bot per conversation 7 sends per
 * second, 8 per 2 seconds, 60 per 30 seconds and 1800 per hour; and 50 requests per second per app
 * per tenant.
 *
 * Across instances each instance keeps to its share of every limit (limit × share, rounded down,
 * at least 1), with share = 1 / the number of instances that deliver (TEAMS_DELIVERY_INSTANCES). That
 * is correct without any shared state: the sum of the shares never exceeds the limit, as long as
 * there are no more instances than the smallest limit (7 per second), which the configuration enforces. The outbox leases spread rows over
 * instances, so a conversation's messages usually go through one instance and the share costs
 * little in practice. The state is a sliding window of send times per key, in memory, bounded by
 * the largest limit per key and pruned of idle keys.
 *
 * A send is counted from when it was answered, not from when it left: Teams counts it when it
 * arrives, which is somewhere in between, so the next send that reuses its place in a window leaves
 * a full window after it arrived. That is exact whatever the network's latency, and costs only that
 * latency, where a fixed margin on every window would cost the margin on each of them.
 */

export interface RateWindow {
  windowMs: number;
  max: number;
}

export const TEAMS_CONVERSATION_LIMITS: readonly RateWindow[] = [
  { windowMs: 1_000, max: 7 },
  { windowMs: 2_000, max: 8 },
  { windowMs: 30_000, max: 60 },
  { windowMs: 60 * 60_000, max: 1800 },
];

export const TEAMS_TENANT_LIMITS: readonly RateWindow[] = [{ windowMs: 1_000, max: 50 }];

export interface RateLimiterOptions {
  /** This instance's share of every limit, in (0, 1]; 1 / the number of delivering instances. */
  share?: number;
  /** Monotonic milliseconds; tests pin it. */
  now?: () => number;
  conversationLimits?: readonly RateWindow[];
  tenantLimits?: readonly RateWindow[];
  /**
   * Added to every window, for the timer's and clock's granularity only: every send, a turn's replies
   * as well as proactive ones, counts from when it was answered, so a request held back by a loaded
   * event loop after its slot was taken only leaves later, never closer to the one before it.
   */
  marginMs?: number;
}

/**
 * 250 ms was needed while a turn's replies counted from when they started (a loaded instance could
 * put 9 requests in 2 s to one conversation); with replies counted from their answer too, a few
 * milliseconds of rounding is all that is left to cover.
 */
export const DEFAULT_RATE_MARGIN_MS = 5;

export interface SendSlot {
  finish(): void;
}

/** `slot` when one was free now; otherwise nothing was taken and `waitMs` says when to ask again. */
export type Acquired = { waitMs: 0; slot: SendSlot } | { waitMs: number; slot: null };

/** Sliding windows for a set of keys under the same limits. */
class SlidingWindows {
  private readonly sends = new Map<string, number[]>();
  private readonly longest: number;
  private readonly keep: number;

  constructor(private readonly limits: readonly RateWindow[]) {
    this.longest = Math.max(...limits.map((limit) => limit.windowMs));
    this.keep = Math.max(...limits.map((limit) => limit.max));
  }

  /** Milliseconds until one more send under `key` keeps every limit; 0 when it can go now. */
  waitMs(key: string, now: number): number {
    const times = this.prune(key, now);
    let wait = 0;
    for (const limit of this.limits) {
      const inWindow = times.filter((t) => t > now - limit.windowMs);
      if (inWindow.length < limit.max) continue;
      const oldestThatMustLeave = inWindow[inWindow.length - limit.max];
      if (oldestThatMustLeave !== undefined) wait = Math.max(wait, oldestThatMustLeave + limit.windowMs - now);
    }
    return Math.max(0, wait);
  }

  record(key: string, now: number): void {
    const times = this.prune(key, now);
    times.push(now);
    if (times.length > this.keep) times.splice(0, times.length - this.keep);
    this.sends.set(key, times);
  }

  /** Moves one send counted at `from` to `to` (later), keeping the times in order. */
  move(key: string, from: number, to: number): void {
    const times = this.sends.get(key);
    const index = times?.lastIndexOf(from) ?? -1;
    if (!times || index < 0) return;
    times.splice(index, 1);
    let at = times.length;
    while (at > 0 && (times[at - 1] ?? 0) > to) at -= 1;
    times.splice(at, 0, to);
  }

  /** Drops idle keys, so memory holds only the keys that sent within the longest window. */
  sweep(now: number): void {
    for (const [key, times] of this.sends) {
      const last = times[times.length - 1];
      if (last === undefined || last <= now - this.longest) this.sends.delete(key);
    }
  }

  private prune(key: string, now: number): number[] {
    const times = (this.sends.get(key) ?? []).filter((t) => t > now - this.longest);
    this.sends.set(key, times);
    return times;
  }
}

export class TeamsRateLimiter {
  private readonly conversations: SlidingWindows;
  private readonly tenants: SlidingWindows;
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(options: RateLimiterOptions = {}) {
    const share = options.share ?? 1;
    if (!(share > 0 && share <= 1)) throw new RangeError('The rate limit share must be more than 0 and at most 1.');
    const margin = Math.max(0, options.marginMs ?? DEFAULT_RATE_MARGIN_MS);
    const scale = (limits: readonly RateWindow[]) => limits.map((limit) => ({ windowMs: limit.windowMs + margin, max: Math.max(1, Math.floor(limit.max * share)) }));
    this.conversations = new SlidingWindows(scale(options.conversationLimits ?? TEAMS_CONVERSATION_LIMITS));
    this.tenants = new SlidingWindows(scale(options.tenantLimits ?? TEAMS_TENANT_LIMITS));
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Takes a send slot for the conversation (and its tenant) when one is free now, and returns 0;
   * otherwise takes nothing and returns how many milliseconds to wait before asking again. The send
   * counts from now; `acquire` also lets it count from when it was answered.
   */
  tryAcquire(conversationId: string, tenantId: string | null): number {
    return this.acquire(conversationId, tenantId).waitMs;
  }

  /** As `tryAcquire`, with the slot to `finish` once the request was answered. */
  acquire(conversationId: string, tenantId: string | null): Acquired {
    const now = this.now();
    if (now - this.lastSweep > 60_000) {
      this.conversations.sweep(now);
      this.tenants.sweep(now);
      this.lastSweep = now;
    }
    const wait = Math.max(this.conversations.waitMs(conversationId, now), this.tenants.waitMs(tenantId ?? '', now));
    if (wait > 0) return { waitMs: Math.ceil(wait), slot: null };
    return { waitMs: 0, slot: this.take(conversationId, tenantId, now) };
  }

  /**
   * Sends a turn's replies, counted against the same limits from when the send was answered (like
   * proactive sends), so the notifier's sends that follow keep a full window after them. Replies do
   * not wait: a person cannot write to the bot faster than Teams' limits, and a reply held back
   * would only slow the turn (a reply Teams refuses with 429 is retried by the connector itself).
   */
  async sendReplies<T>(conversationId: string, tenantId: string | null, count: number, send: () => Promise<T>): Promise<T> {
    const now = this.now();
    const slots = Array.from({ length: count }, () => this.take(conversationId, tenantId, now));
    try {
      return await send();
    } finally {
      for (const slot of slots) slot.finish();
    }
  }

  /** Records a send under both keys at `now`, with the slot that moves it to when it was answered. */
  private take(conversationId: string, tenantId: string | null, now: number): SendSlot {
    const tenantKey = tenantId ?? '';
    this.conversations.record(conversationId, now);
    this.tenants.record(tenantKey, now);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      const end = Math.max(now, this.now());
      this.conversations.move(conversationId, now, end);
      this.tenants.move(tenantKey, now, end);
    };
    return { finish };
  }
}
