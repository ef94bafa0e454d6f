import { buildServices } from '../../bot/composition';
import type { AppServices } from '../../services';
import type { Database } from '../../services/db';
import { decideDigest, DIGEST_EVENT, DigestPayloadSchema, type DigestPayload } from '../../services/digest';
import type { PartnerCaller } from '../../services/directory';
import type { DeliveryResult, OutboundMessage } from '../../services/outbox';
import { FixedClock } from '../../services/shared/clock';
import { instantAt, localMoment, parseDigestSetting, validTimeZone } from '../../services/digest/time';
import { TEST_CONSENT_SETTINGS } from '../support/dialogHarness';
import { Fixtures } from '../support/fixtures';
import { createTestDatabase } from '../support/testDatabase';

/**
 * The daily digest over a simulated week (Thursday 26 March to Wednesday 1 April 2026), on the real
 * database: the clock moves in 15-minute steps and at every step two service instances run the
 * digest step at once (racing), and half-way both are replaced by new instances on the same
 * database (a restart). Europe/Amsterdam and Europe/London move to summer time on Sunday 29 March;
 * Asia/Kolkata is UTC+5:30. Every digest must be queued exactly at its local time, once per local
 * day, and none when there is nothing to say.
 */

const START = new Date('2026-03-26T00:00:00.000Z');
const END = new Date('2026-04-02T00:00:00.000Z');
const STEP_MS = 15 * 60_000;
const RESTART_AT = new Date('2026-03-29T12:07:00.000Z');

let db: Database;
const clock = new FixedClock(START);
const f = () => new Fixtures(db);

interface Person {
  key: string;
  id: string;
  aad: string;
}

const people: Record<string, Person> = {};

async function conversation(aad: string, timeZone: string | null): Promise<void> {
  await db.prisma.conversationReference.create({
    data: {
      conversationId: `a:conv-${aad}`,
      kind: 'PERSONAL',
      aadObjectId: aad,
      tenantId: 'tenant',
      serviceUrl: 'http://127.0.0.1:9',
      reference: { serviceUrl: 'http://127.0.0.1:9', channelId: 'msteams', conversation: { id: `a:conv-${aad}` } },
      timeZone,
    },
  });
}

function build(): AppServices {
  return buildServices({ db, clock, consent: TEST_CONSENT_SETTINGS });
}

async function callerOf(services: AppServices, key: string): Promise<PartnerCaller> {
  const caller = await services.directory.findCaller(people[key]?.aad ?? '');
  if (caller.kind !== 'partnerUser') throw new Error(`${key} is not a partner user`);
  return caller;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const fx = f();
  const partnerA = await fx.partner({ id: 'PA', name: 'Partner A' });
  const partnerB = await fx.partner({ id: 'PB', name: 'Partner B' });
  const engagement = await fx.engagement({ id: 'E1', name: 'Azure Migrate' });
  const location = await fx.location({ partnerId: partnerA, id: 'LOC-A', engagements: [engagement] });
  const specs = [
    // key, partner, roles, stored time zone (undefined: no conversation at all)
    ['ams', partnerA, ['INCENTIVES_USER'], 'Europe/Amsterdam'],
    ['kol', partnerA, ['INCENTIVES_USER'], 'Asia/Kolkata'],
    ['ny', partnerA, ['INCENTIVES_ADMIN'], 'America/New_York'],
    ['tokyo', partnerA, ['INCENTIVES_USER'], 'Asia/Tokyo'],
    ['la', partnerA, ['INCENTIVES_USER'], 'America/Los_Angeles'],
    ['bad', partnerA, ['INCENTIVES_USER'], 'Mars/Olympus_Mons'],
    ['sometimes', partnerA, ['INCENTIVES_USER'], null],
    ['quiet', partnerA, ['INCENTIVES_USER'], 'Europe/Paris'],
    ['referralsOnly', partnerA, ['REFERRALS_ADMIN'], 'Europe/Paris'],
    ['noConversation', partnerA, ['INCENTIVES_USER'], undefined],
    ['adminB', partnerB, ['INCENTIVES_ADMIN'], 'Asia/Kolkata'],
  ] as const;
  for (const [key, partnerId, roles, zone] of specs) {
    const id = await fx.user({ partnerId, id: `U-${key}`, roles: [...roles] });
    people[key] = { key, id, aad: `aad-${id}` };
    if (zone !== undefined) await conversation(`aad-${id}`, zone);
  }
  const claim = async (key: string, status: 'CONSENT_REQUESTED' | 'REJECTED', deadline: Date) => {
    const customerId = await fx.customer();
    return fx.claim({
      partnerId: partnerA,
      engagementId: engagement,
      customerId,
      locationId: location,
      userId: people[key]?.id ?? '',
      status,
      consentDeadline: status === 'CONSENT_REQUESTED' ? deadline : new Date('2026-03-01T00:00:00.000Z'),
      submissionDeadline: status === 'REJECTED' ? deadline : null,
    });
  };
  const farAway = new Date('2026-04-25T00:00:00.000Z');
  for (const key of ['ams', 'kol', 'tokyo', 'la', 'bad', 'noConversation']) await claim(key, 'CONSENT_REQUESTED', farAway);
  // Awaiting consent, with its deadline within 7 days from 29 March on.
  await claim('ams', 'CONSENT_REQUESTED', new Date('2026-04-05T00:00:00.000Z'));
  // Rejected, with weeks left to resubmit.
  await claim('bad', 'REJECTED', farAway);
  // Rejected, resubmittable until noon on 29 March: nothing to say after that day.
  await claim('sometimes', 'REJECTED', new Date('2026-03-29T12:00:00.000Z'));
  // Upgraded to co-sell at noon on 27 March: in the next morning's digest only.
  const upgradedClaim = await claim('ams', 'CONSENT_REQUESTED', farAway);
  await db.prisma.referral.create({
    data: { id: 'REF-1', claimId: upgradedClaim, partnerId: partnerA, dealType: 'CO_SELL', status: 'ACTIVE', substatus: 'ACCEPTED', dealSizeUsd: 50_000, upgradedAt: new Date('2026-03-27T12:00:00.000Z') },
  });
});

afterAll(async () => {
  await db.close();
});

describe('local times', () => {
  it('keeps a zone Intl knows and refuses anything else', () => {
    expect(validTimeZone('Europe/Amsterdam')).toBe('Europe/Amsterdam');
    expect(validTimeZone('Mars/Olympus_Mons')).toBeNull();
    expect(validTimeZone('')).toBeNull();
    expect(validTimeZone(undefined)).toBeNull();
  });

  it('finds the instant of a local time across a daylight-saving change and a half-hour offset', () => {
    expect(instantAt('2026-03-28', 480, 'Europe/Amsterdam').toISOString()).toBe('2026-03-28T07:00:00.000Z');
    expect(instantAt('2026-03-29', 480, 'Europe/Amsterdam').toISOString()).toBe('2026-03-29T06:00:00.000Z');
    // 02:30 does not exist on 29 March in Amsterdam: the first instant after the gap.
    expect(instantAt('2026-03-29', 150, 'Europe/Amsterdam').toISOString()).toBe('2026-03-29T01:00:00.000Z');
    // 02:30 happens twice on 25 October: its first occurrence.
    expect(instantAt('2026-10-25', 150, 'Europe/Amsterdam').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(instantAt('2026-03-26', 480, 'Asia/Kolkata').toISOString()).toBe('2026-03-26T02:30:00.000Z');
    expect(localMoment(new Date('2026-03-26T02:30:00.000Z'), 'Asia/Kolkata')).toEqual({ date: '2026-03-26', minutes: 480 });
  });

  it('reads digest settings and says what to type for anything else', () => {
    expect(parseDigestSetting('8:00')).toEqual({ ok: true, value: { kind: 'time', minutes: 480 } });
    expect(parseDigestSetting('17.30')).toEqual({ ok: true, value: { kind: 'time', minutes: 1050 } });
    expect(parseDigestSetting('7am')).toEqual({ ok: true, value: { kind: 'time', minutes: 420 } });
    expect(parseDigestSetting('12 am')).toEqual({ ok: true, value: { kind: 'time', minutes: 0 } });
    expect(parseDigestSetting('5:30 PM')).toEqual({ ok: true, value: { kind: 'time', minutes: 1050 } });
    expect(parseDigestSetting('OFF')).toEqual({ ok: true, value: { kind: 'off' } });
    expect(parseDigestSetting('')).toEqual({ ok: true, value: { kind: 'show' } });
    for (const typed of ['25:00', '8:60', 'soon', '13pm', '-1']) {
      const parsed = parseDigestSetting(typed);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(/digest 8:00/);
    }
    const soon = parseDigestSetting('soon');
    expect(soon.ok ? '' : soon.message).toMatch(/^I can't read "soon" as a time of day\./);
  });

  it('applies a changed time from the next day, and nothing once today is done', () => {
    const now = new Date('2026-03-30T09:00:00.000Z');
    const changedToday = { enabled: true, minutes: 1080, previousMinutes: 480, changedOn: '2026-03-30', lastDigestOn: '2026-03-29' };
    expect(decideDigest(changedToday, now, 'UTC')).toEqual({ due: true, date: '2026-03-30' });
    expect(decideDigest({ ...changedToday, lastDigestOn: '2026-03-30' }, now, 'UTC')).toEqual({ due: false, nextDueAt: new Date('2026-03-31T18:00:00.000Z') });
    expect(decideDigest({ ...changedToday, previousMinutes: null }, now, 'UTC')).toEqual({ due: false, nextDueAt: new Date('2026-03-31T18:00:00.000Z') });
    expect(decideDigest({ ...changedToday, enabled: false }, now, 'UTC')).toEqual({ due: false, nextDueAt: null });
  });
});

describe('a simulated week: several people, time zones, a restart and two racing instances', () => {
  const delivered: OutboundMessage[] = [];
  const handler = {
    send(message: OutboundMessage): Promise<DeliveryResult> {
      delivered.push(message);
      return Promise.resolve({ ok: true });
    },
  };

  /** What each person does at an instant of the week, through the same facade the `digest` command calls. */
  async function happenings(at: Date, services: AppServices): Promise<void> {
    const iso = at.toISOString();
    if (iso === '2026-03-27T01:00:00.000Z') {
      // 10:00 in Tokyo, after that day's 08:00 digest.
      const setting = await services.digest.change(await callerOf(services, 'tokyo'), '18:00');
      expect(setting).toMatchObject({ enabled: true, minutes: 1080, timeZone: 'Asia/Tokyo', changed: 'time', today: { done: true } });
    }
    if (iso === '2026-03-28T13:00:00.000Z') {
      const setting = await services.digest.change(await callerOf(services, 'la'), 'off');
      expect(setting).toMatchObject({ enabled: false, changed: 'off' });
    }
    if (iso === '2026-03-29T14:00:00.000Z') {
      // New York's admin flies to London after that day's digest: London's 29 March is done too.
      await db.prisma.conversationReference.update({ where: { conversationId: `a:conv-${people.ny?.aad ?? ''}` }, data: { timeZone: 'Europe/London' } });
    }
    if (iso === '2026-03-30T00:30:00.000Z') {
      // 06:00 in Kolkata, before that day's 08:00 digest, which still comes at 08:00.
      const setting = await services.digest.change(await callerOf(services, 'kol'), '7:00');
      expect(setting).toMatchObject({ minutes: 420, changed: 'time', today: { done: false, minutes: 480 } });
    }
    if (iso === '2026-03-30T17:00:00.000Z') {
      const setting = await services.digest.change(await callerOf(services, 'la'), 'on');
      expect(setting).toMatchObject({ enabled: true, minutes: 480, changed: 'on', today: { minutes: null } });
    }
  }

  it('queues each digest once, at its local time, and delivers it once', async () => {
    let instances = [build(), build()];
    let restarted = false;
    for (let at = START.getTime(); at < END.getTime(); at += STEP_MS) {
      clock.set(new Date(at));
      if (!restarted && at >= RESTART_AT.getTime()) {
        instances = [build(), build()];
        restarted = true;
      }
      await happenings(new Date(at), instances[0] as AppServices);
      await Promise.all(instances.map((services) => services.digest.runDue()));
      await (instances[at % 2 === 0 ? 0 : 1] as AppServices).outbox.deliverDue({ TEAMS: handler });
    }
    expect(restarted).toBe(true);

    const rows = await db.prisma.outboxMessage.findMany({ where: { event: DIGEST_EVENT }, orderBy: [{ createdAt: 'asc' }] });
    const byPerson = (key: string) => rows.filter((row) => row.recipient === people[key]?.aad).map((row) => row.createdAt.toISOString());
    const days = (dates: string[], time: string) => dates.map((date) => `2026-${date}T${time}:00.000Z`);
    const expected: Record<string, string[]> = {
      // 08:00 CET, then 08:00 CEST from Sunday.
      ams: [...days(['03-26', '03-27', '03-28'], '07:00'), ...days(['03-29', '03-30', '03-31', '04-01'], '06:00')],
      // 08:00 IST (UTC+5:30); from 31 March at 07:00 (changed on 30 March before its digest).
      kol: [...days(['03-26', '03-27', '03-28', '03-29', '03-30'], '02:30'), ...days(['03-31', '04-01'], '01:30')],
      // 08:00 EDT; in London from 30 March (08:00 BST), 29 March not again.
      ny: [...days(['03-26', '03-27', '03-28', '03-29'], '12:00'), ...days(['03-30', '03-31', '04-01'], '07:00')],
      // First seen at 09:00 in Tokyo: from 27 March (08:00 JST), then 18:00 JST from the day after the change.
      tokyo: [...days(['03-26'], '23:00'), ...days(['03-28', '03-29', '03-30', '03-31', '04-01'], '09:00')],
      // First seen at 17:00 in Los Angeles: from 26 March (08:00 PDT); off from 28 March, on again from 31 March.
      la: days(['03-26', '03-27', '03-31', '04-01'], '15:00'),
      // An unknown zone: UTC.
      bad: days(['03-26', '03-27', '03-28', '03-29', '03-30', '03-31', '04-01'], '08:00'),
      // No zone from Teams (UTC); nothing to say once the rejected claim's window closed.
      sometimes: days(['03-26', '03-27', '03-28', '03-29'], '08:00'),
      quiet: [],
      referralsOnly: [],
      noConversation: [],
      adminB: [],
    };
    const actual = Object.fromEntries(Object.keys(expected).map((key) => [key, byPerson(key)]));
    expect(actual).toEqual(expected);
    expect(rows).toHaveLength(42);
    expect(new Set(rows.map((row) => row.dedupeKey)).size).toBe(rows.length);

    // Delivered: each once, all of them.
    expect(delivered.map((message) => message.id).sort()).toEqual(rows.map((row) => row.id).sort());
    const sent = await db.prisma.outboxMessage.count({ where: { event: DIGEST_EVENT, status: 'SENT' } });
    expect(sent).toBe(42);

    // What they said.
    const payload = (key: string, date: string): DigestPayload => {
      const row = rows.find((r) => r.recipient === people[key]?.aad && (r.payload as { localDate?: string }).localDate === date);
      return DigestPayloadSchema.parse(row?.payload);
    };
    const ams28 = payload('ams', '2026-03-28');
    expect(ams28.upgraded.items.map((item) => item.action)).toEqual(['viewClaim']);
    expect(ams28.consents.total).toBe(3);
    expect(ams28.deadlines.total).toBe(0);
    const ams29 = payload('ams', '2026-03-29');
    expect(ams29.upgraded.total).toBe(0);
    expect(ams29.deadlines.items.map((item) => [item.deadline?.kind, item.action])).toEqual([['consent', 'resendConsent']]);
    expect(ams29.consents.total).toBe(2);
    // A rejected claim whose window closes this week is under its deadline, with the button to resubmit.
    expect(payload('sometimes', '2026-03-29')).toMatchObject({ deadlines: { items: [{ status: 'REJECTED', action: 'submitClaim', deadline: { kind: 'submission' } }] }, rejected: { total: 0 } });
    // An Incentives admin's digest covers the partner's claims; a user's only their own.
    expect(payload('ny', '2026-03-27')).toMatchObject({ scope: 'partner', consents: { total: 8 }, deadlines: { total: 1 }, rejected: { total: 1 }, upgraded: { total: 1 } });
    expect(payload('bad', '2026-03-31').rejected.items).toEqual([expect.objectContaining({ status: 'REJECTED', action: 'submitClaim' })]);
    expect(payload('kol', '2026-03-27')).toMatchObject({ scope: 'own', consents: { total: 1 }, rejected: { total: 0 }, upgraded: { total: 0 } });
    expect(payload('kol', '2026-03-27').text).toBe('Your daily digest: 1 consent awaiting an answer.');

    // The week's counts, for the closing report.
    console.log(`digest week: ${JSON.stringify(Object.fromEntries(Object.entries(actual).map(([key, list]) => [key, list.length])))} queued=${rows.length} delivered=${delivered.length}`);
  });
});
