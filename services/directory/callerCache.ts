import type { Caller } from './callers';

/**
 * How long a resolved caller is reused. Short on purpose: a role revoked or a user changed through
 * another instance (or straight in the database) is honoured here for at most this long. Changes
 * made through this process's directory clear the cache at once.
 */
export const CALLER_CACHE_MS = 5_000;

/** A bound on the entries kept, so that many distinct callers cannot grow the process. */
const MAX_ENTRIES = 5_000;

export interface CallerCacheOptions {
  /** How long an entry is reused, ms; 0 turns the cache off. */
  ttlMs?: number;
  /** A monotonic clock in ms (performance.now unless given): business time may be fixed or moved in tests and local mode. */
  now?: () => number;
}

interface Entry {
  at: number;
  caller: Promise<Caller>;
}

/**
 * The callers resolved in the last few seconds, by AAD object id and tenant. Concurrent turns of
 * one person share one lookup. `clear()` is called after every role or user change this process
 * makes; it also drops a lookup still under way, which may have read the rows before the change.
 */
export class CallerCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: CallerCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? CALLER_CACHE_MS;
    this.now = options.now ?? (() => performance.now());
  }

  resolve(aadObjectId: string | null, tenantId: string | null, lookup: () => Promise<Caller>): Promise<Caller> {
    if (this.ttlMs <= 0) return lookup();
    const key = `${aadObjectId ?? ''}\n${tenantId ?? ''}`;
    const now = this.now();
    const found = this.entries.get(key);
    if (found && now - found.at < this.ttlMs && now >= found.at) return found.caller;
    const caller = lookup();
    const entry: Entry = { at: now, caller };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > MAX_ENTRIES) this.dropOldest();
    // A failed lookup is not remembered (the caller still gets its error).
    caller.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return caller;
  }

  /** Forgets every caller: after a change to roles or users, nobody's old answer may be reused. */
  clear(): void {
    this.entries.clear();
  }

  private dropOldest(): void {
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}
