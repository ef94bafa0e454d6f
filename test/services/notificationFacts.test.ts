import { DEMO } from '../../prisma/demoData';
import { cancelClaim } from '../../services/claims/cancel';
import { sweepDeadlines } from '../../services/claims/deadlines';
import { submitClaim } from '../../services/claims/submission';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { findCaller } from '../../services/directory/callers';
import { createDemoDatabase } from '../support/testDatabase';

/**
 * Issue 14, item 7: every Teams message a claim event queues names the customer by the customer's
 * name and the claim by its friendly name, each in its own field — the deadline card's "Customer"
 * showed the claim's friendly name because the reminders carried no customer name.
 */

const NOW = new Date('2026-03-02T09:00:00.000Z');

describe('the facts every proactive message carries (demo data)', () => {
  let db: Database;
  let clock: FixedClock;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    clock = new FixedClock(NOW);
  });

  afterAll(async () => {
    await db.close();
  });

  async function expectNamesOf(database: Database, events: string[]): Promise<void> {
    const rows = await database.prisma.outboxMessage.findMany({ where: { channel: 'TEAMS', event: { in: events } } });
    expect(rows.length).toBeGreaterThan(0);
    const claims = await database.prisma.claim.findMany({
      where: { id: { in: rows.map((row) => row.claimId ?? '') } },
      select: { id: true, friendlyName: true, customer: { select: { name: true } }, engagement: { select: { name: true } } },
    });
    const byId = new Map(claims.map((claim) => [claim.id, claim]));
    for (const row of rows) {
      const claim = byId.get(row.claimId ?? '');
      expect({ event: row.event, payload: row.payload }).toEqual({
        event: row.event,
        payload: expect.objectContaining({ customerName: claim?.customer.name, friendlyName: claim?.friendlyName, engagementName: claim?.engagement.name }) as unknown,
      });
    }
    // Friendly names differ from customer names in the demo data, so a swap would show.
    expect(claims.some((claim) => claim.friendlyName !== claim.customer.name)).toBe(true);
  }

  it('deadline reminders carry the customer’s name apart from the friendly name', async () => {
    // The demo has claims within a week of their consent and submission deadlines.
    expect((await sweepDeadlines(db, clock)).reminded).toBeGreaterThan(0);
    await expectNamesOf(db, ['deadline.consent.reminder', 'deadline.submission.reminder']);
  });

  it('expiry notices too', async () => {
    clock.advanceDays(120);
    expect((await sweepDeadlines(db, clock)).expired).toBeGreaterThan(0);
    await expectNamesOf(db, ['claim.expired']);
  });

  it('and the messages to a claim’s creator (canceled, submitted by someone else)', async () => {
    const fresh = await createDemoDatabase(NOW);
    try {
      const admin = await findCaller(fresh.prisma, DEMO.users.adminA);
      await cancelClaim(fresh, new FixedClock(NOW), admin, { claimId: DEMO.claims.contosoDataAiClaimed, reason: 'The customer postponed the project.' });
      await submitClaim(fresh, new FixedClock(NOW), admin, {
        claimId: DEMO.claims.adventureWorksSecurityConsentGranted,
        deliverySummary: 'Copilot readiness workshop delivered to the customer, with the adoption plan attached.',
        completionDate: NOW,
        evidenceLinks: ['https://fabrikamconsulting.sharepoint.com/sites/MCI/northwind/plan.pdf'],
      });
      await expectNamesOf(fresh, ['claim.canceled', 'claim.submitted']);
    } finally {
      await fresh.close();
    }
  });
});
