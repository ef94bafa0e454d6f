import { claimDetailsCard } from '../../cards/claimDetails';
import { DEMO } from '../../prisma/demoData';
import { claimDetails, type ClaimDetails, type ClaimViewer } from '../../services/claims/details';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { adaptiveCardErrors } from '../support/cardSchema';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const adminA: ClaimViewer = { partnerId: DEMO.partnerA, roles: ['INCENTIVES_ADMIN', 'REFERRALS_ADMIN'] };
const userA: ClaimViewer = { partnerId: DEMO.partnerA, roles: ['INCENTIVES_USER'] };
const back = [{ title: 'Customers page', data: { action: 'showTab', engagementId: DEMO.engagements.azureMigrate, tab: 'eligible' } }];

describe('claim details card, expanded with the demo claims', () => {
  let db: Database;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
  });

  afterAll(async () => {
    await db.close();
  });

  async function details(viewer: ClaimViewer, claimId: string): Promise<ClaimDetails> {
    const found = await claimDetails(db, new FixedClock(NOW), viewer, claimId);
    if (!found) throw new Error(`demo claim ${claimId} not found`);
    return found;
  }

  it('is a valid Adaptive Card 1.5 for every demo claim of partner A, as a Referrals admin and as a user', async () => {
    const claims = await db.prisma.claim.findMany({ where: { partnerId: DEMO.partnerA }, select: { id: true } });
    expect(claims.length).toBeGreaterThan(10);
    for (const { id } of claims) {
      for (const viewer of [adminA, userA]) {
        const card = claimDetailsCard({ claim: await details(viewer, id), buttons: back });
        expect({ id, errors: adaptiveCardErrors(card) }).toEqual({ id, errors: [] });
        expect(JSON.stringify(card)).not.toContain('${');
      }
    }
  });

  it('shows status, deadline with days left, ids, contacts and history of an open claim', async () => {
    const card = claimDetailsCard({ claim: await details(userA, DEMO.claims.tailspinMigrateConsentRequested), buttons: back });
    const text = JSON.stringify(card);
    expect(text).toContain(DEMO.claims.tailspinMigrateConsentRequested);
    expect(text).toContain('Consent requested');
    expect(text).toMatch(/Consent by.*\(\d+ days? left\)/);
    expect(text).toContain('Azure Migrate and Modernize');
    expect(text).toContain('Consent email sent to the customer');
    expect(text).not.toContain('"Referral"');
    expect(card.actions).toEqual([{ type: 'Action.Submit', title: 'Customers page', data: back[0]?.data }]);
  });

  it('shows hours and the proposed payout of a VARIABLE claim', async () => {
    const text = JSON.stringify(claimDetailsCard({ claim: await details(userA, DEMO.claims.prosewareInnovateAdded), buttons: [] }));
    expect(text).toContain('Proposed payout');
    expect(text).toMatch(/\$\d{1,3}(,\d{3})*/);
  });

  it('shows the referral section to a Referrals admin, with the referral when one is linked', async () => {
    const referral = await db.prisma.referral.findFirstOrThrow({ where: { partnerId: DEMO.partnerA }, orderBy: { id: 'asc' } });
    const asAdmin = JSON.stringify(claimDetailsCard({ claim: await details(adminA, referral.claimId), buttons: [] }));
    expect(asAdmin).toContain(referral.id);
    expect(asAdmin).toContain('Deal type');
    const asUser = JSON.stringify(claimDetailsCard({ claim: await details(userA, referral.claimId), buttons: [] }));
    expect(asUser).not.toContain(referral.id);
    const withoutReferral = JSON.stringify(claimDetailsCard({ claim: await details(adminA, DEMO.claims.prosewareInnovateAdded), buttons: [] }));
    expect(withoutReferral).toContain('No referral is linked to this claim.');
  });

  it('offers "Cancel claim" and shows the creator to an Incentives admin on an open claim, neither to a user nor on a closed claim', async () => {
    const open = DEMO.claims.tailspinMigrateConsentRequested;
    const asAdmin = claimDetailsCard({ claim: await details(adminA, open), buttons: back });
    expect(adaptiveCardErrors(asAdmin)).toEqual([]);
    expect(asAdmin.actions).toEqual([
      { type: 'Action.Submit', title: 'Customers page', data: back[0]?.data },
      { type: 'Action.Submit', title: 'Cancel claim', data: { action: 'cancelClaim', claimId: open } },
    ]);
    expect(JSON.stringify(asAdmin)).toMatch(/"title":"Created by","value":"[^"]+"/);
    const asUser = JSON.stringify(claimDetailsCard({ claim: await details(userA, open), buttons: back }));
    expect(asUser).not.toContain('Cancel claim');
    expect(asUser).not.toContain('Created by');
    const closed = JSON.stringify(claimDetailsCard({ claim: await details(adminA, DEMO.claims.contosoMigrateCompleted), buttons: [] }));
    expect(closed).not.toContain('Cancel claim');
  });

  it('shows the estimated deal size and the whole history from the audit trail', async () => {
    const claim = await details(adminA, DEMO.claims.litwareSecuritySubmitted);
    const text = JSON.stringify(claimDetailsCard({ claim, buttons: [] }));
    expect(text).toContain('Estimated deal size');
    const trail = await db.prisma.auditEvent.count({ where: { claimId: DEMO.claims.litwareSecuritySubmitted } });
    expect(claim.history).toHaveLength(trail);
    for (const entry of claim.history) expect(text).toContain(entry.what);
  });
});
