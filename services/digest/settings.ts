import type { Clock } from '../shared/clock';
import type { Database } from '../db';
import { NotAllowedError } from '../shared/errors';
import { canWorkWithClaims, type PartnerCaller } from '../directory';
import { DEFAULT_SETTING, minutesOn, type DigestSettingRow } from './schedule';
import { localMoment, parseDigestSetting, validTimeZone, zoneOrUtc } from './time';

/** A person's digest setting as the `digest` command answers it. */
export interface DigestSetting {
  enabled: boolean;
  /** The time of day it comes at from the next day on (minutes after local midnight). */
  minutes: number;
  /** The zone it is read in: the one Teams gave last, or UTC. */
  timeZone: string;
  /** False when Teams has not given a (valid) time zone yet, so UTC is used. */
  zoneFromTeams: boolean;
  /** Today in that zone: whether today's digest was done already, the time that holds today (null: none today), and the time of day now. */
  today: { done: boolean; minutes: number | null; now: number };
  /** What the command changed: nothing (shown or already so), or the change. */
  changed: 'nothing' | 'off' | 'on' | 'time';
}

/** Only Incentives users and admins get a digest (it is about their claims). */
function assertCanHaveDigest(caller: PartnerCaller): void {
  if (!canWorkWithClaims(caller)) {
    throw new NotAllowedError('The daily digest is about claims, so only Incentives users and Incentives admins get one. Ask an Incentives admin of your organisation for a role.');
  }
}

/** The time zone of the person's most recent personal conversation with the bot, if Teams gave one. */
async function zoneOf(db: Database, userId: string): Promise<string | null> {
  const user = await db.prisma.partnerUser.findUnique({ where: { id: userId }, select: { aadObjectId: true } });
  if (!user) return null;
  const reference = await db.prisma.conversationReference.findFirst({
    where: { aadObjectId: user.aadObjectId, kind: 'PERSONAL', active: true },
    orderBy: [{ updatedAt: 'desc' }, { conversationId: 'asc' }],
    select: { timeZone: true },
  });
  return reference?.timeZone ?? null;
}

function view(setting: DigestSettingRow, stored: string | null, now: Date, changed: DigestSetting['changed']): DigestSetting {
  const timeZone = zoneOrUtc(stored);
  const local = localMoment(now, timeZone);
  const today = local.date;
  return {
    enabled: setting.enabled,
    minutes: setting.minutes,
    timeZone,
    zoneFromTeams: validTimeZone(stored) !== null,
    today: { done: setting.lastDigestOn !== null && setting.lastDigestOn >= today, minutes: minutesOn(setting, today), now: local.minutes },
    changed,
  };
}

async function current(db: Database, userId: string): Promise<DigestSettingRow> {
  const row = await db.prisma.digestPreference.findUnique({ where: { userId } });
  return row ?? DEFAULT_SETTING;
}

/** The caller's digest setting. */
export async function digestSetting(db: Database, clock: Clock, caller: PartnerCaller): Promise<DigestSetting> {
  assertCanHaveDigest(caller);
  const [setting, zone] = await Promise.all([current(db, caller.userId), zoneOf(db, caller.userId)]);
  return view(setting, zone, clock.now(), 'nothing');
}

/**
 * `digest <what>`: off (at once), on, or a time of day. Turning it on or changing the time applies
 * from the next day, so the day it is changed keeps the time it had (and never gets a second digest).
 * Text that is none of these is refused with what to type.
 */
export async function changeDigest(db: Database, clock: Clock, caller: PartnerCaller, typed: string): Promise<DigestSetting> {
  assertCanHaveDigest(caller);
  const parsed = parseDigestSetting(typed);
  if (!parsed.ok) throw new NotAllowedError(parsed.message);
  if (parsed.value.kind === 'show') return digestSetting(db, clock, caller);
  const [setting, zone] = await Promise.all([current(db, caller.userId), zoneOf(db, caller.userId)]);
  const now = clock.now();
  const today = localMoment(now, zoneOrUtc(zone)).date;
  const wanted = parsed.value;
  if (wanted.kind === 'off') {
    if (!setting.enabled) return view(setting, zone, now, 'nothing');
    const next = { ...setting, enabled: false };
    await save(db, caller.userId, next);
    return view(next, zone, now, 'off');
  }
  const minutes = wanted.kind === 'time' ? wanted.minutes : setting.minutes;
  if (setting.enabled && minutes === setting.minutes) return view(setting, zone, now, 'nothing');
  // Changed twice in one day: today keeps what it had before the first change.
  const keptToday = setting.changedOn === today ? setting.previousMinutes : setting.enabled ? setting.minutes : null;
  const next: DigestSettingRow = { ...setting, enabled: true, minutes, previousMinutes: keptToday, changedOn: today };
  await save(db, caller.userId, next);
  return view(next, zone, now, setting.enabled ? 'time' : 'on');
}

async function save(db: Database, userId: string, setting: DigestSettingRow): Promise<void> {
  const data = { enabled: setting.enabled, minutes: setting.minutes, previousMinutes: setting.previousMinutes, changedOn: setting.changedOn, nextDueAt: null };
  // The next pass works out the next look from the new setting (nextDueAt null).
  await db.prisma.digestPreference.upsert({ where: { userId }, create: { userId, ...data }, update: data });
}
