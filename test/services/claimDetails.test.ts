import { DEMO } from '../../prisma/demoData';
import { claimDetails, canViewClaims } from '../../services/claims/details';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { matchEngagement, partnerEngagements } from '../../services/directory/engagements';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const clock = new FixedClock(NOW);
const adminA = { partnerId: DEMO.partnerA, roles: ['INCENTIVES_ADMIN', 'REFERRALS_ADMIN'] as const };
const userA = { partnerId: DEMO.partnerA, roles: ['INCENTIVES_USER'] as const };
const adminB = { partnerId: DEMO.partnerB, roles: ['INCENTIVES_ADMIN'] as const };

describe('claim details and engagements of a partner (demo data)', () => {
  let db: Database;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
  });

  afterAll(async () => {
    await db.close();
  });

  it('shows a claim of the caller’s partner with its deadlines, days left and history, whatever the id’s case', async () => {
    const details = await claimDetails(db, clock, userA, ` ${DEMO.claims.tailspinMigrateConsentRequested.toLowerCase()} `);
    expect(details).toMatchObject({
      id: DEMO.claims.tailspinMigrateConsentRequested,
      status: 'CONSENT_REQUESTED',
      statusLabel: 'Consent requested',
      engagementName: 'Azure Migrate and Modernize',
      customerName: expect.any(String) as unknown,
      referralsVisible: false,
      referral: null,
    });
    const consent = details?.deadlines.find((d) => d.kind === 'consent');
    expect(consent?.daysLeft).toBeGreaterThan(0);
    expect(details?.history.map((h) => h.what)).toEqual(expect.arrayContaining(['Consent email sent to the customer']));
    expect(details?.history.some((h) => h.what.startsWith('Referral') || h.what.includes('referral'))).toBe(false);
  });

  it('says "not found" for another partner’s claim, and for an id that does not exist', async () => {
    expect(await claimDetails(db, clock, adminB, DEMO.claims.contosoMigrateCompleted)).toBeNull();
    expect(await claimDetails(db, clock, adminA, DEMO.claims.contosoCopilotPartnerB)).toBeNull();
    expect(await claimDetails(db, clock, adminA, 'CLM-NOPE0000')).toBeNull();
    expect(await claimDetails(db, clock, adminA, '   ')).toBeNull();
  });

  it('shows the linked referral to Referrals admins only', async () => {
    const referral = await db.prisma.referral.findFirstOrThrow({ where: { partnerId: DEMO.partnerA }, orderBy: { id: 'asc' } });
    const asAdmin = await claimDetails(db, clock, adminA, referral.claimId);
    expect(asAdmin?.referral).toMatchObject({ id: referral.id, dealType: referral.dealType });
    expect(asAdmin?.history.map((h) => h.what)).toContain('Partner-led referral created');
    const asUser = await claimDetails(db, clock, userA, referral.claimId);
    expect(asUser?.referral).toBeNull();
    expect(asUser?.referralsVisible).toBe(false);
  });

  it('shows hours and the proposed payout of a VARIABLE claim', async () => {
    const details = await claimDetails(db, clock, userA, DEMO.claims.prosewareInnovateAdded);
    expect(details).toMatchObject({ payType: 'VARIABLE', hours: expect.any(Number) as unknown, proposedPayoutUsd: expect.any(Number) as unknown });
  });

  it('lets anyone with a role view claims, nobody without one', async () => {
    expect(canViewClaims(['REFERRALS_ADMIN'])).toBe(true);
    expect(canViewClaims([])).toBe(false);
    expect(await claimDetails(db, clock, { partnerId: DEMO.partnerA, roles: [] }, DEMO.claims.contosoMigrateCompleted)).toBeNull();
  });

  it('lists the engagements a partner’s enrolled locations cover', async () => {
    const a = await partnerEngagements(db, DEMO.partnerA);
    expect(a.map((e) => e.id).sort()).toEqual(Object.values(DEMO.engagements).sort());
    const b = await partnerEngagements(db, DEMO.partnerB);
    expect(b.map((e) => e.id)).not.toContain(DEMO.engagements.migrationAssessment);
    expect(a.find((e) => e.id === DEMO.engagements.innovateVariable)).toMatchObject({ payType: 'VARIABLE', acceptedIdTypes: ['MSX_OPPORTUNITY_ID'] });
  });
});

describe('matchEngagement', () => {
  const engagements = [
    { id: 'eng-azure-migrate-modernize', name: 'Azure Migrate and Modernize' },
    { id: 'eng-azure-innovate-variable', name: 'Azure Innovate Variable Pay' },
    { id: 'eng-m365-copilot-accelerate', name: 'Microsoft 365 Copilot Accelerate' },
    { id: 'eng-data-ai-envisioning', name: 'Data & AI Envisioning' },
    { id: 'eng-cloud-migration-assessment-variable', name: 'Cloud Migration Assessment (variable pay)' },
  ];

  it.each([
    ['azure migrate', 'eng-azure-migrate-modernize'],
    ['AZURE MIGRATE AND MODERNIZE', 'eng-azure-migrate-modernize'],
    ['copilot', 'eng-m365-copilot-accelerate'],
    ['data and ai', 'eng-data-ai-envisioning'],
    ['Data & AI', 'eng-data-ai-envisioning'],
    ['eng-azure-innovate-variable', 'eng-azure-innovate-variable'],
    ['cloud mig', 'eng-cloud-migration-assessment-variable'],
  ])('%s → %s', (query, id) => {
    expect(matchEngagement(engagements, query)).toEqual({ kind: 'one', engagement: expect.objectContaining({ id }) as unknown });
  });

  it('is ambiguous when several engagements match equally', () => {
    const match = matchEngagement(engagements, 'azure');
    expect(match.kind).toBe('ambiguous');
    expect(match.kind === 'ambiguous' && match.candidates.map((c) => c.id)).toEqual(['eng-azure-migrate-modernize', 'eng-azure-innovate-variable']);
    expect(matchEngagement(engagements, 'variable').kind).toBe('ambiguous');
  });

  it('finds nothing for a name that is not there', () => {
    expect(matchEngagement(engagements, 'dynamics')).toEqual({ kind: 'none' });
    expect(matchEngagement(engagements, '  ')).toEqual({ kind: 'none' });
  });
});
