/** Every time-dependent rule reads the time from an injected clock, never from `new Date()`. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that can be moved forward or set, for local mode's `POST /api/dev/clock` and for tests.
 * It keeps an offset from the system clock so that time still passes between moves.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly base: Clock = systemClock) {}

  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }

  advanceDays(days: number): Date {
    this.offsetMs += days * DAY_MS;
    return this.now();
  }

  set(instant: Date): Date {
    this.offsetMs = instant.getTime() - this.base.now().getTime();
    return this.now();
  }
}

/** A clock that only moves when told to: for tests that need exact instants. */
export class FixedClock implements Clock {
  constructor(private instant: Date) {}

  now(): Date {
    return new Date(this.instant.getTime());
  }

  set(instant: Date): void {
    this.instant = instant;
  }

  advanceDays(days: number): void {
    this.instant = addDays(this.instant, days);
  }
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function addDays(instant: Date, days: number): Date {
  return new Date(instant.getTime() + days * DAY_MS);
}
