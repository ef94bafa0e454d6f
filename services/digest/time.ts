/**
 * Local dates and times of day in a person's time zone, with the zone's own daylight-saving rules
 * (Intl, no offsets of our own). A day is a local date `YYYY-MM-DD`; a time of day is minutes after
 * midnight. Pure: the instant always comes from the caller.
 */

export const DEFAULT_ZONE = 'UTC';

/** 08:00, the time a digest comes at until the person chooses another. */
export const DEFAULT_DIGEST_MINUTES = 8 * 60;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    // Bounded by the zones Intl accepts (a few hundred).
    formatters.set(zone, formatter);
  }
  return formatter;
}

/**
 * The zone if Intl knows it, else null: Teams' `localTimezone` is not trusted blindly. Kept as
 * given, since ICU's canonical name can be an old one (Asia/Kolkata resolves to Asia/Calcutta).
 */
export function validTimeZone(zone: string | null | undefined): string | null {
  if (typeof zone !== 'string' || zone.length > 100) return null;
  const trimmed = zone.trim();
  if (trimmed === '') return null;
  try {
    formatterFor(trimmed);
    return trimmed;
  } catch {
    return null;
  }
}

/** The zone to use for a stored value: itself when valid, UTC otherwise. */
export function zoneOrUtc(zone: string | null | undefined): string {
  return validTimeZone(zone) ?? DEFAULT_ZONE;
}

export interface LocalMoment {
  /** YYYY-MM-DD */
  date: string;
  /** Minutes after local midnight. */
  minutes: number;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function fieldsAt(instant: Date, zone: string): Fields {
  const parts = Object.fromEntries(formatterFor(zone).formatToParts(instant).map((part) => [part.type, part.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The local date and time of day at `instant` in `zone`. */
export function localMoment(instant: Date, zone: string): LocalMoment {
  const f = fieldsAt(instant, zone);
  return { date: isoDate(f.year, f.month, f.day), minutes: f.hour * 60 + f.minute };
}

/** The zone's offset from UTC at `instant`, in milliseconds (whole seconds). */
function offsetMs(instant: number, zone: string): number {
  const f = fieldsAt(new Date(instant), zone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The first instant at which the local clock in `zone` shows `date` at `minutes` or later. On a
 * spring-forward day a time in the gap (02:30 when clocks jump from 02:00 to 03:00) is the first
 * instant after the gap; on a fall-back day a time that happens twice is its first occurrence.
 */
export function instantAt(date: string, minutes: number, zone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  const guess = wall - offsetMs(wall, zone);
  // The offsets just before and after the guess cover a transition near that time.
  const candidates = [...new Set([offsetMs(guess - 3 * 3_600_000, zone), offsetMs(guess + 3 * 3_600_000, zone), offsetMs(guess, zone)])]
    .map((offset) => wall - offset)
    .sort((a, b) => a - b);
  const reached = (instant: number) => {
    const local = localMoment(new Date(instant), zone);
    return local.date > date || (local.date === date && local.minutes >= minutes);
  };
  const first = candidates.find(reached);
  if (first === undefined) return new Date(candidates[candidates.length - 1] as number);
  // In a gap every candidate lands after it; the gap ends on an hour or half hour: step back to it.
  let at = first;
  for (let step = 0; step < 4 && reached(at - 15 * 60_000); step += 1) at -= 15 * 60_000;
  return new Date(at);
}

/** The local date after `date`. */
export function nextDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return isoDate(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export type DigestTimeInput = { kind: 'off' } | { kind: 'on' } | { kind: 'show' } | { kind: 'time'; minutes: number };

export type DigestTimeParse = { ok: true; value: DigestTimeInput } | { ok: false; message: string };

const HOW_TO = 'Type **digest** and a time of day from 0:00 to 23:59, for example **digest 8:00** or **digest 17:30**; **digest off** stops it and **digest on** starts it again.';

/**
 * What follows `digest`: nothing (show the setting), `off`, `on`, or a time of day — `8`, `8:00`,
 * `08.30`, `7am`, `5:30 pm`. Anything else gets a sentence saying what to type.
 */
export function parseDigestSetting(text: string): DigestTimeParse {
  const typed = text.replace(/\s+/g, ' ').trim().toLowerCase();
  if (typed === '' || typed === 'settings' || typed === 'setting') return { ok: true, value: { kind: 'show' } };
  if (['off', 'stop', 'none', 'never'].includes(typed)) return { ok: true, value: { kind: 'off' } };
  if (['on', 'start', 'resume'].includes(typed)) return { ok: true, value: { kind: 'on' } };
  const echo = text.trim().slice(0, 40);
  const match = /^(?:at )?(\d{1,2})(?:[:.h](\d{2}))? ?(am|pm|a\.m\.|p\.m\.)?$/.exec(typed);
  if (!match) return { ok: false, message: `I can't read "${echo}" as a time of day. ${HOW_TO}` };
  let hour = Number(match[1]);
  const minute = match[2] === undefined ? 0 : Number(match[2]);
  const half = match[3]?.replace(/\./g, '');
  if (half) {
    if (hour < 1 || hour > 12) return { ok: false, message: `"${echo}" is not a time of day: with am or pm the hour is 1 to 12. ${HOW_TO}` };
    hour = (hour % 12) + (half === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return { ok: false, message: `"${echo}" is not a time of day. ${HOW_TO}` };
  return { ok: true, value: { kind: 'time', minutes: hour * 60 + minute } };
}
