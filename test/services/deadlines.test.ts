import { DEADLINE_EVENTS, deadlineDedupeKey, dueReminder, sweepDeadlines } from '../../services/claims/deadlines';
import { decideTransition, runningDeadline } from '../../services/claims/lifecycle';
import { DAY_FORMAT_SQL, formatDay } from '../../services/shared/wording';
import { deliverDueMessages, type DeliveryResult, type OutboundMessage } from '../../services/outbox/delivery';
import { FixedClock, addDays, DAY_MS } from '../../services/shared/clock';
import { ClaimStatus, type Database } from '../../services/db';
import { Fixtures, T0, buildWorld, type World } from '../support/fixtures';
import { createTestDatabase } from '../support/testDatabase';

let db: Database;
let f: Fixtures;
let world: World;
let clock: FixedClock;
let customers = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  f = new Fixtures(db);
  world = await buildWorld(f);
});

afterAll(async () => {
  await db.close();
});

beforeEach(async () => {
  clock = new FixedClock(T0);
  // Audit rows cannot be deleted (a database trigger refuses it); TRUNCATE empties the tables.
  await db.sql.exec('TRUNCATE TABLE "OutboxMessage", "AuditEvent", "Claim" CASCADE');
});

/** A claim of partner A created by the Incentives user, with deadlines relative to T0. */
async function claim(status: ClaimStatus, deadlines: { consentInDays?: number; submissionInDays?: number | null } = {}): Promise<string> {
  customers += 1;
  const customerId = await f.customer({ id: `CUS-DL-${customers}` });
  return f.claim({
    partnerId: world.partnerA,
    engagementId: world.fixed,
    customerId,
    locationId: world.location,
    userId: world.user,
    status,
    consentDeadline: addDays(T0, deadlines.consentInDays ?? 30),
    submissionDeadline: deadlines.submissionInDays === undefined || deadlines.submissionInDays === null ? null : addDays(T0, deadlines.submissionInDays),
  });
}

const USER_AAD = 'aad-UA-USER';
const ADMIN_AAD = 'aad-UA-ADMIN';

async function outboxOf(claimId: string) {
  return db.prisma.outboxMessage.findMany({ where: { claimId }, orderBy: [{ createdAt: 'asc' }, { dedupeKey: 'asc' }] });
}

async function statusOf(claimId: string): Promise<ClaimStatus> {
  return (await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } })).status;
}

describe('dueReminder', () => {
  const deadline = addDays(T0, 10);
  it('is null while the deadline is further than every threshold', () => {
    expect(dueReminder(deadline, T0)).toBeNull();
    expect(dueReminder(deadline, addDays(deadline, -7.01))).toBeNull();
  });
  it('is the smallest threshold reached', () => {
    expect(dueReminder(deadline, addDays(deadline, -7))).toBe(7);
    expect(dueReminder(deadline, addDays(deadline, -2))).toBe(7);
    expect(dueReminder(deadline, addDays(deadline, -1))).toBe(1);
    expect(dueReminder(deadline, new Date(deadline.getTime() - 1))).toBe(1);
  });
  it('is null once the deadline has passed', () => {
    expect(dueReminder(deadline, deadline)).toBeNull();
    expect(dueReminder(deadline, addDays(deadline, 3))).toBeNull();
  });
});

describe('sweepDeadlines: reminders', () => {
  it('reminds the creator 7 days and 1 day before the consent deadline, each exactly once', async () => {
    const id = await claim('CONSENT_REQUESTED', { consentInDays: 10 });

    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 0, expired: 0 });
    clock.set(addDays(T0, 3));
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 1, expired: 0 });
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 0, expired: 0 });
    clock.set(addDays(T0, 5));
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 0, expired: 0 });
    clock.set(addDays(T0, 9.5));
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 1, expired: 0 });
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 0, expired: 0 });

    const rows = await outboxOf(id);
    expect(rows.map((row) => [row.event, row.channel, row.recipient, row.dedupeKey])).toEqual([
      [DEADLINE_EVENTS.consent, 'TEAMS', USER_AAD, deadlineDedupeKey(id, DEADLINE_EVENTS.consent, 7, USER_AAD)],
      [DEADLINE_EVENTS.consent, 'TEAMS', USER_AAD, deadlineDedupeKey(id, DEADLINE_EVENTS.consent, 1, USER_AAD)],
    ]);
    expect(rows[0]?.payload).toMatchObject({ claimId: id, days: 7, status: 'CONSENT_REQUESTED', deadline: addDays(T0, 10).toISOString() });
    expect(rows[0]?.createdAt).toEqual(addDays(T0, 3));
    expect(await statusOf(id)).toBe('CONSENT_REQUESTED');
  });

  it('reminds ADDED and CLAIMED claims of their consent deadline too', async () => {
    const added = await claim('ADDED', { consentInDays: 5 });
    const claimed = await claim('CLAIMED', { consentInDays: 6 });
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 2, expired: 0 });
    expect((await outboxOf(added)).map((row) => row.event)).toEqual([DEADLINE_EVENTS.consent]);
    expect((await outboxOf(claimed)).map((row) => row.event)).toEqual([DEADLINE_EVENTS.consent]);
  });

  it('sends only the 1-day reminder when a claim is first seen inside the last day', async () => {
    const id = await claim('CLAIMED', { consentInDays: 0.5 });
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 1, expired: 0 });
    expect((await outboxOf(id)).map((row) => (row.payload as { days: number }).days)).toEqual([1]);
  });

  it('reminds of the submission deadline for CONSENT_GRANTED and REJECTED claims, not of the consent one', async () => {
    const granted = await claim('CONSENT_GRANTED', { consentInDays: 2, submissionInDays: 6 });
    const rejected = await claim('REJECTED', { consentInDays: -40, submissionInDays: 0.5 });
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 2, expired: 0 });
    const [grantedRow] = await outboxOf(granted);
    const [rejectedRow] = await outboxOf(rejected);
    expect(grantedRow).toMatchObject({ event: DEADLINE_EVENTS.submission, recipient: USER_AAD, payload: expect.objectContaining({ days: 7 }) as unknown });
    expect(rejectedRow).toMatchObject({ event: DEADLINE_EVENTS.submission, payload: expect.objectContaining({ days: 1 }) as unknown });
  });

  it('does not remind SUBMITTED or terminal claims', async () => {
    const submitted = await claim('SUBMITTED', { consentInDays: 1, submissionInDays: 1 });
    const completed = await claim('COMPLETED', { consentInDays: 1, submissionInDays: 1 });
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 0, expired: 0 });
    expect(await outboxOf(submitted)).toHaveLength(0);
    expect(await outboxOf(completed)).toHaveLength(0);
  });

  it('does not repeat a reminder when the claim moves on under the same deadline', async () => {
    const id = await claim('CLAIMED', { consentInDays: 5 });
    await sweepDeadlines(db, clock);
    await db.prisma.claim.update({ where: { id }, data: { status: 'CONSENT_REQUESTED' } });
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 0, expired: 0 });
    expect(await outboxOf(id)).toHaveLength(1);
  });
});

describe('sweepDeadlines: expiry', () => {
  it('expires each claim awaiting consent once its consent deadline has passed, with audit and messages', async () => {
    const ids = {
      added: await claim('ADDED', { consentInDays: -1 }),
      claimed: await claim('CLAIMED', { consentInDays: 0 }),
      requested: await claim('CONSENT_REQUESTED', { consentInDays: -0.1 }),
      notYet: await claim('CONSENT_REQUESTED', { consentInDays: 0.1 }),
    };
    const result = await sweepDeadlines(db, clock);
    expect(result.expired).toBe(3);
    for (const id of [ids.added, ids.claimed, ids.requested]) {
      const expired = await db.prisma.claim.findUniqueOrThrow({ where: { id } });
      expect(expired).toMatchObject({ status: 'EXPIRED', openClaimKey: null, closedAt: T0, version: 1 });
      expect(expired.closeReason).toBe('Customer consent was not received within the 30-day consent window.');
      const audit = await db.prisma.auditEvent.findMany({ where: { claimId: id } });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'claim.expire', actorKind: 'SYSTEM', actorId: null, at: T0 });
      const rows = await outboxOf(id);
      expect(rows.map((row) => row.recipient).sort()).toEqual([ADMIN_AAD, USER_AAD].sort());
      expect(rows.every((row) => row.event === DEADLINE_EVENTS.expired && row.channel === 'TEAMS' && row.partnerId === world.partnerA)).toBe(true);
      expect(rows.map((row) => row.dedupeKey).sort()).toEqual(
        [deadlineDedupeKey(id, DEADLINE_EVENTS.expired, 0, ADMIN_AAD), deadlineDedupeKey(id, DEADLINE_EVENTS.expired, 0, USER_AAD)].sort(),
      );
    }
    expect(await statusOf(ids.notYet)).toBe('CONSENT_REQUESTED');
  });

  it('expires CONSENT_GRANTED and REJECTED claims after the submission window, never SUBMITTED ones', async () => {
    const granted = await claim('CONSENT_GRANTED', { consentInDays: -80, submissionInDays: -1 });
    const rejected = await claim('REJECTED', { consentInDays: -80, submissionInDays: 0 });
    const rejectedInWindow = await claim('REJECTED', { consentInDays: -80, submissionInDays: 3 });
    const submitted = await claim('SUBMITTED', { consentInDays: -80, submissionInDays: -30 });
    expect((await sweepDeadlines(db, clock)).expired).toBe(2);
    expect(await statusOf(granted)).toBe('EXPIRED');
    expect(await statusOf(rejected)).toBe('EXPIRED');
    expect(await statusOf(rejectedInWindow)).toBe('REJECTED');
    expect(await statusOf(submitted)).toBe('SUBMITTED');
    expect((await db.prisma.claim.findUniqueOrThrow({ where: { id: rejected } })).closeReason).toBe(
      'The claim was not submitted within the 90-day submission window.',
    );
    expect(await outboxOf(submitted)).toHaveLength(0);
  });

  it('REJECTED expires only after the submission window, although its consent deadline passed long ago', async () => {
    const id = await claim('REJECTED', { consentInDays: -60, submissionInDays: 2 });
    expect((await sweepDeadlines(db, clock)).expired).toBe(0);
    clock.set(addDays(T0, 2));
    expect((await sweepDeadlines(db, clock)).expired).toBe(1);
    expect(await statusOf(id)).toBe('EXPIRED');
  });

  it('changes nothing when run again', async () => {
    await claim('CONSENT_REQUESTED', { consentInDays: -1 });
    await claim('CLAIMED', { consentInDays: 3 });
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 1, expired: 1 });
    const counts = async () => [await db.prisma.outboxMessage.count(), await db.prisma.auditEvent.count(), await db.prisma.claim.count({ where: { status: 'EXPIRED' } })];
    const before = await counts();
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 0, expired: 0 });
    expect(await counts()).toEqual(before);
  });

  it('handles each claim once when sweeps race', async () => {
    const expiring = await Promise.all(Array.from({ length: 12 }, () => claim('CONSENT_REQUESTED', { consentInDays: -2 })));
    const reminding = await Promise.all(Array.from({ length: 8 }, () => claim('CONSENT_GRANTED', { consentInDays: -20, submissionInDays: 4 })));
    const results = await Promise.all([sweepDeadlines(db, clock), sweepDeadlines(db, clock), sweepDeadlines(db, clock)]);
    expect(results.reduce((sum, r) => sum + r.expired, 0)).toBe(expiring.length);
    expect(results.reduce((sum, r) => sum + r.reminded, 0)).toBe(reminding.length);
    expect(await db.prisma.claim.count({ where: { status: 'EXPIRED' } })).toBe(expiring.length);
    expect(await db.prisma.auditEvent.count({ where: { action: 'claim.expire' } })).toBe(expiring.length);
    expect(await db.prisma.auditEvent.count()).toBe(expiring.length);
    expect(await db.prisma.outboxMessage.count({ where: { event: DEADLINE_EVENTS.expired } })).toBe(expiring.length * 2);
    expect(await db.prisma.outboxMessage.count({ where: { event: DEADLINE_EVENTS.submission } })).toBe(reminding.length);
    for (const id of expiring) expect((await db.prisma.claim.findUniqueOrThrow({ where: { id } })).version).toBe(1);
  });

  it('processes a backlog in bounded batches over several passes', async () => {
    await Promise.all(Array.from({ length: 7 }, () => claim('CLAIMED', { consentInDays: -3 })));
    await Promise.all(Array.from({ length: 5 }, () => claim('CLAIMED', { consentInDays: 2 })));
    expect(await sweepDeadlines(db, clock, { batchSize: 3 })).toEqual({ reminded: 3, expired: 3 });
    expect(await sweepDeadlines(db, clock, { batchSize: 3 })).toEqual({ reminded: 2, expired: 3 });
    expect(await sweepDeadlines(db, clock, { batchSize: 3 })).toEqual({ reminded: 0, expired: 1 });
    expect(await sweepDeadlines(db, clock, { batchSize: 3 })).toEqual({ reminded: 0, expired: 0 });
  });

  it('reads the time from the injected clock only', async () => {
    const id = await claim('CLAIMED', { consentInDays: 30 });
    expect((await sweepDeadlines(db, clock)).expired).toBe(0);
    clock.set(new Date(addDays(T0, 30).getTime() - DAY_MS / 24));
    expect((await sweepDeadlines(db, clock)).expired).toBe(0);
    clock.advanceDays(1 / 24);
    expect((await sweepDeadlines(db, clock)).expired).toBe(1);
    expect(await statusOf(id)).toBe('EXPIRED');
  });
});

describe('sweepDeadlines: the set-based statements', () => {
  it('expires exactly the claims the state machine expires, in every status, and reminds only of the deadline that runs', async () => {
    const situations: { consentInDays: number; submissionInDays: number | null }[] = [
      { consentInDays: -1, submissionInDays: -1 },
      { consentInDays: -1, submissionInDays: 3 },
      { consentInDays: 3, submissionInDays: -1 },
      { consentInDays: -1, submissionInDays: null },
      { consentInDays: 0.5, submissionInDays: 6 },
      { consentInDays: 20, submissionInDays: 20 },
    ];
    const cases = await Promise.all(
      Object.values(ClaimStatus).flatMap((status) =>
        situations.map(async (deadlines) => {
          const id = await claim(status, deadlines);
          const timing = {
            status,
            consentDeadline: addDays(T0, deadlines.consentInDays),
            submissionDeadline: deadlines.submissionInDays === null ? null : addDays(T0, deadlines.submissionInDays),
          };
          return { id, status, timing };
        }),
      ),
    );
    await sweepDeadlines(db, clock);
    for (const { id, status, timing } of cases) {
      const decision = decideTransition(timing, 'EXPIRE', T0);
      const after = await db.prisma.claim.findUniqueOrThrow({ where: { id } });
      const audits = await db.prisma.auditEvent.count({ where: { claimId: id, action: 'claim.expire' } });
      const rows = await outboxOf(id);
      const context = `${status} ${JSON.stringify(timing)}`;
      if (decision.ok) {
        expect([context, after.status, after.version, audits]).toEqual([context, decision.to, 1, 1]);
        expect([context, rows.map((row) => row.event)]).toEqual([context, [DEADLINE_EVENTS.expired, DEADLINE_EVENTS.expired]]);
        continue;
      }
      expect([context, after.status, after.version, audits]).toEqual([context, status, 0, 0]);
      const running = runningDeadline(timing);
      const days = running ? dueReminder(running.at, T0) : null;
      const expected = running && days !== null ? [[DEADLINE_EVENTS[running.kind], days]] : [];
      expect([context, rows.map((row) => [row.event, (row.payload as { days: number }).days])]).toEqual([context, expected]);
    }
  });

  it('writes the expiry messages and audit event in full, worded as before', async () => {
    const consent = await claim('CONSENT_REQUESTED', { consentInDays: -1 });
    const submission = await claim('REJECTED', { consentInDays: -100, submissionInDays: -0.5 });
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 0, expired: 2 });
    const expected = (id: string, previousStatus: ClaimStatus, deadline: string, closeReason: string) => ({
      kind: DEADLINE_EVENTS.expired,
      claimId: id,
      friendlyName: `Claim ${id}`,
      customerName: expect.stringMatching(/^Customer CUS-DL-\d+$/) as unknown,
      engagementName: 'Fixed Engagement',
      previousStatus,
      deadline,
      closeReason,
      text: `Claim ${id} (${id}, Fixed Engagement) has expired. ${closeReason}`,
    });
    const cases = [
      [consent, 'CONSENT_REQUESTED', 'consent', 'Customer consent was not received within the 30-day consent window.'],
      [submission, 'REJECTED', 'submission', 'The claim was not submitted within the 90-day submission window.'],
    ] as const;
    for (const [id, previousStatus, deadline, closeReason] of cases) {
      const rows = await outboxOf(id);
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row).toMatchObject({ channel: 'TEAMS', status: 'PENDING', attempts: 0, nextAttemptAt: T0, createdAt: T0, partnerId: world.partnerA, claimId: id });
        expect(row.dedupeKey).toBe(deadlineDedupeKey(id, DEADLINE_EVENTS.expired, 0, row.recipient));
        expect(row.payload).toEqual(expected(id, previousStatus, deadline, closeReason));
      }
      const audit = await db.prisma.auditEvent.findMany({ where: { claimId: id } });
      expect(audit.map(({ id: _id, ...rest }) => rest)).toEqual([
        {
          partnerId: world.partnerA,
          claimId: id,
          actorKind: 'SYSTEM',
          actorId: null,
          action: 'claim.expire',
          before: { status: previousStatus, version: 0 },
          after: { status: 'EXPIRED', version: 1, closeReason },
          at: T0,
        },
      ]);
      expect(await db.prisma.claim.findUniqueOrThrow({ where: { id } })).toMatchObject({ updatedAt: T0, closedAt: T0, closeReason, openClaimKey: null });
    }
  });

  it('writes the reminders in full, worded as before', async () => {
    const consent = await claim('CLAIMED', { consentInDays: 6.5 });
    const submission = await claim('CONSENT_GRANTED', { consentInDays: -10, submissionInDays: 0.25 });
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 2, expired: 0 });
    const [consentRow] = await outboxOf(consent);
    const [submissionRow] = await outboxOf(submission);
    const consentDeadline = '2026-03-08T21:00:00.000Z';
    expect(consentRow).toMatchObject({ channel: 'TEAMS', recipient: USER_AAD, dedupeKey: deadlineDedupeKey(consent, DEADLINE_EVENTS.consent, 7, USER_AAD), createdAt: T0 });
    expect(consentRow?.payload).toEqual({
      kind: DEADLINE_EVENTS.consent,
      claimId: consent,
      friendlyName: `Claim ${consent}`,
      customerName: expect.stringMatching(/^Customer CUS-DL-\d+$/) as unknown,
      engagementName: 'Fixed Engagement',
      status: 'CLAIMED',
      deadline: consentDeadline,
      days: 7,
      timely: { until: consentDeadline, claimId: consent, claimStatus: 'CLAIMED' },
      text: `Less than 7 days left to get the customer's consent for Claim ${consent} (${consent}, Fixed Engagement): the consent window closes on 8 March 2026. Send or re-send the consent email before then, or the claim expires.`,
    });
    expect(submissionRow?.dedupeKey).toBe(deadlineDedupeKey(submission, DEADLINE_EVENTS.submission, 1, USER_AAD));
    expect(submissionRow?.payload).toMatchObject({
      status: 'CONSENT_GRANTED',
      deadline: '2026-03-02T15:00:00.000Z',
      days: 1,
      text: `Less than 1 day left to submit Claim ${submission} (${submission}, Fixed Engagement): the submission window closes on 2 March 2026. A claim not submitted in time is lost.`,
    });
  });

  it('names days in SQL exactly as formatDay does', async () => {
    const rows = await db.sql.query<{ at: Date; day: string }>(
      `SELECT d AS at, to_char(d, '${DAY_FORMAT_SQL}') AS day
       FROM generate_series('2026-01-01 00:00'::timestamp, '2027-12-31 23:59:59.999'::timestamp, interval '1 day 59 minutes 59.999 seconds') d`,
    );
    expect(rows.length).toBeGreaterThan(700);
    // pg reads a timestamp without time zone as local time; the deadline it stands for is that wall-clock time in UTC.
    const mismatches = rows.filter((row) => {
      const utc = new Date(Date.UTC(row.at.getFullYear(), row.at.getMonth(), row.at.getDate(), row.at.getHours(), row.at.getMinutes(), row.at.getSeconds(), row.at.getMilliseconds()));
      return formatDay(utc) !== row.day;
    });
    expect(mismatches).toEqual([]);
  });

  it('two sweeps racing through a large backlog handle each claim once: one audit event per claim, one message per recipient', async () => {
    const due = 2_400;
    const reminding = 900;
    await db.sql.exec(`
      INSERT INTO "Customer" ("id", "name") SELECT 'CUS-RACE-' || i, 'Race customer ' || i FROM generate_series(1, ${due + reminding}) i;
      INSERT INTO "Claim" ("id", "partnerId", "engagementId", "locationId", "customerId", "idType", "idValue", "friendlyName", "origin", "status",
        "openClaimKey", "customerContactName", "customerContactEmail", "partnerContactName", "partnerContactEmail",
        "consentDeadline", "submissionDeadline", "createdByUserId", "updatedAt")
      SELECT 'CLM-RACE-' || i, g.partner, '${world.fixed}', g.location, 'CUS-RACE-' || i, 'TPID', i::text, 'Race ' || i, 'CLAIMED', g.status::"ClaimStatus",
        g.partner || ':race:' || i, 'C', 'c@x.example', 'P', 'p@x.example',
        CASE WHEN g.status IN ('CONSENT_GRANTED', 'REJECTED') THEN '2026-01-01'::timestamp
             ELSE '${T0.toISOString()}'::timestamp + CASE WHEN i <= ${due} THEN interval '-1 hour' ELSE interval '3 days' END END,
        CASE WHEN g.status IN ('CONSENT_GRANTED', 'REJECTED') THEN '${T0.toISOString()}'::timestamp + CASE WHEN i <= ${due} THEN interval '-1 hour' ELSE interval '3 days' END END,
        g.creator, now()
      FROM (SELECT i,
        CASE WHEN i % 2 = 0 THEN '${world.partnerA}' ELSE '${world.partnerB}' END AS partner,
        CASE WHEN i % 2 = 0 THEN '${world.location}' ELSE '${world.locationB}' END AS location,
        CASE WHEN i % 2 = 0 THEN '${world.user}' ELSE '${world.userB}' END AS creator,
        (ARRAY['ADDED', 'CLAIMED', 'CONSENT_REQUESTED', 'CONSENT_GRANTED', 'REJECTED'])[(i % 5) + 1] AS status
        FROM generate_series(1, ${due + reminding}) i) g;`);
    const sweepUntilDone = async () => {
      let expired = 0;
      let reminded = 0;
      for (let pass = 0; pass < 50; pass += 1) {
        const result = await sweepDeadlines(db, clock, { batchSize: 1_500 });
        expired += result.expired;
        reminded += result.reminded;
        if (result.expired === 0 && result.reminded === 0) break;
      }
      return { expired, reminded };
    };
    const [first, second] = await Promise.all([sweepUntilDone(), sweepUntilDone()]);
    expect((first?.expired ?? 0) + (second?.expired ?? 0)).toBe(due);
    expect((first?.reminded ?? 0) + (second?.reminded ?? 0)).toBe(reminding);

    const [counts] = await db.sql.query<Record<string, number>>(`
      WITH race AS (SELECT * FROM "Claim" WHERE "id" LIKE 'CLM-RACE-%'),
      audits AS (SELECT "claimId", count(*)::int AS n FROM "AuditEvent" WHERE "claimId" LIKE 'CLM-RACE-%' GROUP BY "claimId"),
      messages AS (SELECT "claimId", "event", "recipient", count(*)::int AS n FROM "OutboxMessage" WHERE "claimId" LIKE 'CLM-RACE-%' GROUP BY 1, 2, 3)
      SELECT
        (SELECT count(*)::int FROM race WHERE "status" = 'EXPIRED' AND "version" = 1 AND "openClaimKey" IS NULL) AS expired,
        (SELECT count(*)::int FROM audits WHERE n = 1) AS "auditOnce",
        (SELECT count(*)::int FROM audits WHERE n > 1) AS "auditTwice",
        (SELECT count(*)::int FROM messages WHERE n > 1) AS "messageTwice",
        (SELECT count(*)::int FROM messages WHERE "event" = '${DEADLINE_EVENTS.expired}') AS "expiryMessages",
        (SELECT count(*)::int FROM messages WHERE "event" <> '${DEADLINE_EVENTS.expired}') AS "reminders"`);
    // Partner A's claims: the creator and partner A's admin; partner B's: its admin, who created them.
    expect(counts).toEqual({ expired: due, auditOnce: due, auditTwice: 0, messageTwice: 0, expiryMessages: due / 2 * 3, reminders: reminding });
  });
});

describe('delivering reminders', () => {
  /** A Teams channel that records what arrives, and holds back every message while `holding` (as the rate limiter does). */
  function teamsChannel() {
    const arrived: { event: string; claimId: string | null; at: Date }[] = [];
    const channel = {
      holding: false,
      send(message: OutboundMessage): Promise<DeliveryResult> {
        if (channel.holding) return Promise.resolve({ ok: false, held: true, retryAfterMs: 2 * DAY_MS, reason: 'rate limit' });
        arrived.push({ event: message.event, claimId: message.claimId, at: clock.now() });
        return Promise.resolve({ ok: true });
      },
    };
    return { channel, arrived };
  }

  it('never delivers a held-back reminder after the claim’s expiry message: it is dropped, and recorded why', async () => {
    const id = await claim('CONSENT_REQUESTED', { consentInDays: 10 });
    const { channel, arrived } = teamsChannel();
    clock.set(addDays(T0, 9.5));
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 1, expired: 0 });
    channel.holding = true;
    expect(await deliverDueMessages(db, clock, { TEAMS: channel })).toMatchObject({ held: 1 });

    clock.set(addDays(T0, 10.01));
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 0, expired: 1 });
    channel.holding = false;
    clock.set(addDays(T0, 12));
    for (let pass = 0; pass < 3; pass += 1) await deliverDueMessages(db, clock, { TEAMS: channel });

    expect(arrived.map((message) => message.event)).toEqual([DEADLINE_EVENTS.expired, DEADLINE_EVENTS.expired]);
    const reminder = (await outboxOf(id)).find((row) => row.event === DEADLINE_EVENTS.consent);
    expect(reminder).toMatchObject({ status: 'DROPPED', lastError: expect.stringContaining('deadline') as unknown });
  });

  it('drops a reminder whose claim moved on, and sends one that is still timely', async () => {
    const movedOn = await claim('CONSENT_REQUESTED', { consentInDays: 10 });
    const timely = await claim('CONSENT_REQUESTED', { consentInDays: 10 });
    const { channel, arrived } = teamsChannel();
    clock.set(addDays(T0, 9.5));
    expect(await sweepDeadlines(db, clock)).toEqual({ reminded: 2, expired: 0 });
    await db.prisma.claim.update({ where: { id: movedOn }, data: { status: 'CONSENT_GRANTED' } });
    expect(await deliverDueMessages(db, clock, { TEAMS: channel })).toMatchObject({ sent: 1, dropped: 1 });
    expect(arrived.map((message) => message.claimId)).toEqual([timely]);
    expect((await outboxOf(movedOn))[0]).toMatchObject({ status: 'DROPPED', lastError: expect.stringContaining('CONSENT_REQUESTED → CONSENT_GRANTED') as unknown });
  });

  it('drops a reminder that could land after its deadline (within one lease of it)', async () => {
    const id = await claim('CONSENT_REQUESTED', { consentInDays: 10 });
    const { channel, arrived } = teamsChannel();
    clock.set(addDays(T0, 9.5));
    await sweepDeadlines(db, clock);
    clock.set(new Date(addDays(T0, 10).getTime() - 60_000));
    expect(await deliverDueMessages(db, clock, { TEAMS: channel })).toMatchObject({ sent: 0, dropped: 1 });
    expect(arrived).toEqual([]);
    expect(await statusOf(id)).toBe('CONSENT_REQUESTED');
  });
});
