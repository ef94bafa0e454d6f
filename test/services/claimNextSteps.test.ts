import { claimDetailsCard } from '../../cards/claimDetails';
import { DEMO } from '../../prisma/demoData';
import { claimDetails, nextStepsFor, type ClaimViewer } from '../../services/claims/details';
import { FixedClock, addDays } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { submitActions } from '../support/cardActions';
import { createDemoDatabase } from '../support/testDatabase';

/**
 * Issue 14, item 4: the claim card offers the next step the state machine and the viewer's roles
 * allow — Send consent on a claim waiting for its consent email, Submit claim on a consented one —
 * decided by services/claims, and nothing a viewer may not do.
 */

const NOW = new Date('2026-03-02T09:00:00.000Z');
const user: ClaimViewer = { partnerId: DEMO.partnerA, roles: ['INCENTIVES_USER'] };
const admin: ClaimViewer = { partnerId: DEMO.partnerA, roles: ['INCENTIVES_ADMIN', 'REFERRALS_ADMIN'] };
const referralsOnly: ClaimViewer = { partnerId: DEMO.partnerA, roles: ['REFERRALS_ADMIN'] };

describe('the next steps of a claim (demo data)', () => {
  let db: Database;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
  });

  afterAll(async () => {
    await db.close();
  });

  async function steps(viewer: ClaimViewer, claimId: string, at: Date = NOW) {
    const found = await claimDetails(db, new FixedClock(at), viewer, claimId);
    if (!found) throw new Error(`demo claim ${claimId} not found`);
    return found;
  }

  it.each([
    ['claimed, consent email not sent yet', DEMO.claims.contosoDataAiClaimed, ['sendConsent']],
    ['added (VARIABLE), consent email not sent yet', DEMO.claims.prosewareInnovateAdded, ['sendConsent']],
    ['consent granted', DEMO.claims.northwindCopilotConsentGranted, ['submitClaim']],
    ['waiting for the customer', DEMO.claims.tailspinMigrateConsentRequested, []],
    ['under review', DEMO.claims.litwareSecuritySubmitted, []],
  ])('%s: %j for Incentives users and admins', async (_what, claimId, expected) => {
    expect((await steps(user, claimId)).nextSteps).toEqual(expected);
    expect((await steps(admin, claimId)).nextSteps).toEqual(expected);
  });

  it('offers nothing to a Referrals admin without an Incentives role: they only look', async () => {
    expect((await steps(referralsOnly, DEMO.claims.northwindCopilotConsentGranted)).nextSteps).toEqual([]);
    expect((await steps(referralsOnly, DEMO.claims.contosoDataAiClaimed)).nextSteps).toEqual([]);
  });

  it('offers no Submit claim once the submission window has closed', async () => {
    const claim = await db.prisma.claim.findUniqueOrThrow({ where: { id: DEMO.claims.northwindCopilotConsentGranted } });
    const after = addDays(claim.submissionDeadline ?? NOW, 1);
    expect((await steps(user, claim.id, after)).nextSteps).toEqual([]);
    expect(nextStepsFor(['INCENTIVES_USER'], claim, after)).toEqual([]);
  });

  it('draws them as the card’s first buttons, with the claim id, before the page and Cancel claim', async () => {
    const back = [{ title: 'Customers page', data: { action: 'showTab', engagementId: DEMO.engagements.copilot, tab: 'eligible' } }];
    const card = claimDetailsCard({ claim: await steps(admin, DEMO.claims.northwindCopilotConsentGranted), buttons: back });
    expect(submitActions({ actions: card.actions })).toEqual([
      { title: 'Submit claim', data: { action: 'submitClaim', claimId: DEMO.claims.northwindCopilotConsentGranted } },
      back[0],
      { title: 'Cancel claim', data: { action: 'cancelClaim', claimId: DEMO.claims.northwindCopilotConsentGranted } },
    ]);
    const consent = claimDetailsCard({ claim: await steps(user, DEMO.claims.contosoDataAiClaimed), buttons: [] });
    expect(submitActions({ actions: consent.actions })).toEqual([{ title: 'Send consent email', data: { action: 'sendConsent', claimId: DEMO.claims.contosoDataAiClaimed } }]);
  });
});
