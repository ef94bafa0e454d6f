import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { DEMO } from '../../prisma/demoData';
import { DAY_MS } from '../../services/shared/clock';
import { completeTab, eligibleTab } from '../../services/customersPage/page';
import { DEADLINE_EVENTS } from '../../services/claims/deadlines';
import { findCaller } from '../../services/directory/callers';
import type { DeliveryResult, OutboundMessage } from '../../services/outbox/delivery';
import { submitClaim } from '../../services/claims/submission';
import { createDemoDatabase, createTestDatabase } from '../support/testDatabase';

const logger = pino({ level: 'silent' });
// The background loop stays out of the way; the test runs passes itself through POST /api/dev/tick.
const LOCAL = { PORT: '0', SCHEDULER_INTERVAL_SECONDS: '3600' };

async function post(baseUrl: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('claim lifecycle through the real server in local mode', () => {
  let app: RunningApp;
  const teams: OutboundMessage[] = [];

  beforeAll(async () => {
    const db = await createDemoDatabase();
    app = await startApp(loadConfig(LOCAL), {
      logger,
      db,
      host: '127.0.0.1',
      delivery: {
        TEAMS: {
          send(message: OutboundMessage): Promise<DeliveryResult> {
            teams.push(message);
            return Promise.resolve({ ok: true });
          },
        },
      },
    });
  });

  afterAll(async () => {
    await app.stop();
  });

  const tick = async () => {
    const res = await post(app.url, '/api/dev/tick');
    expect(res.status).toBe(200);
    return res.json as { now: string; deadlines: { reminded: number; expired: number }; delivery: { sent: number; retried: number; dead: number } };
  };

  it('submits a consented claim, and the admin-entered review COMPLETED puts it on the Complete tab', async () => {
    const claimId = DEMO.claims.northwindCopilotConsentGranted;
    const admin = await findCaller(app.db.prisma, DEMO.users.adminA);
    const submitted = await submitClaim(app.db, app.clock, admin, {
      claimId,
      deliverySummary: 'Copilot readiness assessment, pilot deployment for 250 users and the adoption plan delivered.',
      completionDate: app.clock.now(),
      evidenceLinks: ['https://fabrikamconsulting.sharepoint.com/sites/MCI/Shared%20Documents/northwind/pilot-report.pdf'],
    });
    expect(submitted.status).toBe('SUBMITTED');

    const review = await post(app.url, '/api/dev/review', { claimId, outcome: 'COMPLETED', note: 'Proof of execution verified.' });
    expect(review).toEqual({ status: 200, json: { claimId, status: 'COMPLETED' } });

    const claim = await app.db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
    expect(claim).toMatchObject({ status: 'COMPLETED', reviewNote: 'Proof of execution verified.', openClaimKey: null });
    const audit = await app.db.prisma.auditEvent.findMany({ where: { claimId, action: { in: ['claim.submit', 'claim.complete'] } }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => [a.action, a.actorKind, a.actorId])).toEqual([
      ['claim.submit', 'USER', DEMO.userIds.adminA],
      ['claim.complete', 'USER', DEMO.userIds.adminA],
    ]);
    const outbox = await app.db.prisma.outboxMessage.findMany({ where: { claimId } });
    // The admin created this claim and submitted it: told of the review, not of their own submission.
    expect(claim.createdByUserId).toBe(DEMO.userIds.adminA);
    expect(outbox.map((o) => o.event).sort()).toEqual(['claim.reviewed']);

    const found: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await completeTab(app.db, app.clock, { partnerId: DEMO.partnerA, engagementId: DEMO.engagements.copilot, cursor });
      found.push(...page.rows.map((row) => row.claimId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(found).toContain(claimId);

    expect((await tick()).delivery.dead).toBe(0);
    expect(teams.filter((m) => m.claimId === claimId).map((m) => m.event).sort()).toEqual(['claim.reviewed']);
  });

  it('refuses a review of a claim that is not submitted, and bad input, with clear answers', async () => {
    const notSubmitted = await post(app.url, '/api/dev/review', { claimId: DEMO.claims.lamnaSecurityClaimed, outcome: 'COMPLETED' });
    expect(notSubmitted.status).toBe(409);
    expect(notSubmitted.json.error).toContain('cannot be completed');
    const bad = await post(app.url, '/api/dev/review', { claimId: DEMO.claims.litwareSecuritySubmitted, outcome: 'APPROVED' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('COMPLETED, REJECTED, REJECTED_FINAL');
    const noNote = await post(app.url, '/api/dev/review', { claimId: DEMO.claims.litwareSecuritySubmitted, outcome: 'REJECTED' });
    expect(noNote.status).toBe(409);
    expect(noNote.json.error).toContain('needs a note');
    expect((await app.db.prisma.claim.findUniqueOrThrow({ where: { id: DEMO.claims.litwareSecuritySubmitted } })).status).toBe('SUBMITTED');
  });

  it('answers bad clock input with 400 and a clear message, and leaves the clock alone', async () => {
    const before = app.clock.now().getTime();
    for (const body of [{ advanceDays: 'three' }, { now: 'yesterday' }, {}, { advanceDays: 1, now: '2026-01-01T00:00:00Z' }, { advanceDays: 1e9 }]) {
      const res = await post(app.url, '/api/dev/clock', body);
      expect(res.status).toBe(400);
      expect(res.json.error).toContain('{"advanceDays": n}');
    }
    expect(Math.abs(app.clock.now().getTime() - before)).toBeLessThan(60_000);
  });

  it('reminds 7 and 1 days before the consent deadline exactly once, then expires the unanswered claim', async () => {
    const claimId = DEMO.claims.tailspinMigrateConsentRequested;
    const { consentDeadline } = await app.db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
    const rowsOf = () => app.db.prisma.outboxMessage.findMany({ where: { claimId }, orderBy: { createdAt: 'asc' } });
    const moveTo = async (daysBeforeDeadline: number) => {
      const res = await post(app.url, '/api/dev/clock', { now: new Date(consentDeadline.getTime() - daysBeforeDeadline * DAY_MS).toISOString() });
      expect(res.status).toBe(200);
      expect(Math.abs(new Date(String(res.json.now)).getTime() - (consentDeadline.getTime() - daysBeforeDeadline * DAY_MS))).toBeLessThan(60_000);
    };

    await tick();
    expect(await rowsOf()).toHaveLength(0);

    await moveTo(6.5);
    await tick();
    await tick();
    let rows = await rowsOf();
    expect(rows.map((r) => [r.event, (r.payload as { days: number }).days, r.recipient, r.status])).toEqual([
      [DEADLINE_EVENTS.consent, 7, DEMO.users.adminA, 'SENT'],
    ]);

    const advanced = await post(app.url, '/api/dev/clock', { advanceDays: 6 });
    expect(advanced.status).toBe(200);
    await tick();
    await tick();
    rows = await rowsOf();
    expect(rows.map((r) => [r.event, (r.payload as { days: number }).days, r.status])).toEqual([
      [DEADLINE_EVENTS.consent, 7, 'SENT'],
      [DEADLINE_EVENTS.consent, 1, 'SENT'],
    ]);
    expect((await app.db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } })).status).toBe('CONSENT_REQUESTED');

    await post(app.url, '/api/dev/clock', { advanceDays: 1 });
    const pass = await tick();
    expect(pass.deadlines.expired).toBeGreaterThanOrEqual(1);
    await tick();

    const claim = await app.db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
    expect(claim).toMatchObject({ status: 'EXPIRED', openClaimKey: null, closeReason: 'Customer consent was not received within the 30-day consent window.' });
    const expiries = await app.db.prisma.auditEvent.findMany({ where: { claimId, action: 'claim.expire' } });
    expect(expiries).toHaveLength(1);
    expect(expiries[0]).toMatchObject({ actorKind: 'SYSTEM' });

    rows = await rowsOf();
    expect(rows.map((r) => r.event)).toEqual([DEADLINE_EVENTS.consent, DEADLINE_EVENTS.consent, DEADLINE_EVENTS.expired]);
    const [seven, one, expired] = rows;
    expect(seven && one && expired && seven.createdAt < one.createdAt && one.createdAt < expired.createdAt).toBe(true);
    expect(expired).toMatchObject({ recipient: DEMO.users.adminA, status: 'SENT' });
    expect(teams.filter((m) => m.claimId === claimId).map((m) => m.event)).toEqual([
      DEADLINE_EVENTS.consent,
      DEADLINE_EVENTS.consent,
      DEADLINE_EVENTS.expired,
    ]);

    const eligible = await eligibleTab(app.db, app.clock, { partnerId: DEMO.partnerA, engagementId: DEMO.engagements.azureMigrate, pageSize: 50 });
    expect(eligible.rows.find((row) => row.claim?.id === claimId)).toBeUndefined();
  });

  it('answers the current test clock', async () => {
    const res = await fetch(`${app.url}/api/dev/clock`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { now: string };
    expect(Math.abs(new Date(body.now).getTime() - app.clock.now().getTime())).toBeLessThan(60_000);
  });
});

describe('dev routes in production mode', () => {
  it('do not exist', async () => {
    const db = await createTestDatabase();
    const app = await startApp(
      loadConfig({
        ...LOCAL,
        MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
        MicrosoftAppPassword: 'not-a-real-secret',
        CONSENT_TOKEN_SECRET: 'x'.repeat(40),
        PUBLIC_BASE_URL: 'https://bot.example.com',
      }),
      { logger, db, host: '127.0.0.1' },
    );
    try {
      const before = app.clock.now().getTime();
      expect((await post(app.url, '/api/dev/clock', { advanceDays: 40 })).status).toBe(404);
      expect((await post(app.url, '/api/dev/tick')).status).toBe(404);
      expect((await post(app.url, '/api/dev/review', { claimId: 'CLM-X', outcome: 'COMPLETED' })).status).toBe(404);
      expect((await fetch(`${app.url}/api/dev/clock`)).status).toBe(404);
      expect(app.clock.now().getTime() - before).toBeLessThan(60_000);
    } finally {
      await app.stop();
    }
  });
});
