import pino from 'pino';
import { createDialogDeps } from '../../bot/composition';
import { CONFIRM_ADD_CUSTOMER_ACTION, CONFIRM_CLAIM_CUSTOMER_ACTION } from '../../cards/actions';
import { AddCustomerDialog } from '../../dialogs/addCustomerDialog';
import { ClaimCustomerDialog } from '../../dialogs/claimCustomerDialog';
import { DEMO } from '../../prisma/demoData';
import type { EligibilityPorts } from '../../services';
import type { Database } from '../../services/db';
import { CatalogEligibilitySource, type EligibilityKey, type EligibilitySource } from '../../services/ports/eligibilitySource';
import { DirectoryTenantResolver, type TenantResolver } from '../../services/ports/tenantResolver';
import { FixedClock } from '../../services/shared/clock';
import { allText, callerFor, detailsAsProposed, DialogDriver, lastCard, submitData, TEST_CONSENT_SETTINGS, type Reply, type Turn } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-11-24T09:00:00.000Z');

/** The local ports, counting every call: in production each one is a request to Microsoft. */
class CountingPorts implements EligibilityPorts {
  readonly calls = { tenantForDomain: 0, eligibility: 0, opportunity: 0 };
  readonly tenants: TenantResolver;
  readonly eligibility: EligibilitySource;

  constructor(db: Database) {
    const tenants = new DirectoryTenantResolver(db.prisma);
    const catalog = new CatalogEligibilitySource(db.prisma);
    this.tenants = {
      tenantForDomain: (domain: string) => {
        this.calls.tenantForDomain += 1;
        return tenants.tenantForDomain(domain);
      },
    };
    this.eligibility = {
      eligibility: (engagementIds: readonly string[], ids: readonly EligibilityKey[]) => {
        this.calls.eligibility += 1;
        return catalog.eligibility(engagementIds, ids);
      },
      opportunity: (id: string) => {
        this.calls.opportunity += 1;
        return catalog.opportunity(id);
      },
    };
  }

  reset(): void {
    this.calls.tenantForDomain = 0;
    this.calls.eligibility = 0;
    this.calls.opportunity = 0;
  }
}

describe('a nomination flow asks the outside world once per question', () => {
  let db: Database;
  let ports: CountingPorts;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    ports = new CountingPorts(db);
  });
  afterAll(() => db.close());

  function deps() {
    return createDialogDeps({ db, clock, logger: pino({ level: 'silent' }), localMode: true, consent: TEST_CONSENT_SETTINGS, ports });
  }

  async function drive(driver: DialogDriver, turns: ((last: Reply[]) => Turn)[]): Promise<Reply[]> {
    let last: Reply[] = [];
    for (const turn of turns) last = await driver.send(turn(last));
    return last;
  }

  // Before the flows kept what they looked up, every later turn re-ran the check: these three flows
  // made 7 tenant + 7 eligibility calls; 2 tenant + 4 eligibility; 14 tenant + 14 eligibility + 7 opportunity.
  it('Add customer: the domain is resolved and checked once when given and once at confirm, whatever is re-asked in between', async () => {
    ports.reset();
    const driver = new DialogDriver(new AddCustomerDialog(deps()), { caller: await callerFor(db, DEMO.users.adminA) });
    const last = await drive(driver, [
      () => 'add customer',
      () => 'bellowscollege.com',
      () => ({ value: { action: 'chooseEngagements', engagementIds: `${DEMO.engagements.azureMigrate},${DEMO.engagements.security}` } }),
      (l) => detailsAsProposed(l, { customerName: 'Cameron White', customerEmail: 'not-an-email' }),
      (l) => detailsAsProposed(l, { customerName: 'Cameron White', customerEmail: 'cameron.white@bellowscollege.com' }),
      () => 'change contacts',
      (l) => detailsAsProposed(l, { customerName: 'Cameron White', customerEmail: 'cameron.white@bellowscollege.com' }),
      (l) => ({ value: submitData(lastCard(l), (d) => d.action === CONFIRM_ADD_CUSTOMER_ACTION) }),
    ]);
    expect(allText(last)).toContain('Customer added');
    expect(driver.turns).toBe(8);
    expect(ports.calls).toEqual({ tenantForDomain: 2, eligibility: 2, opportunity: 0 });
  });

  it('Add customer by tenant id: the contact email is resolved once per contacts answer and once at confirm', async () => {
    ports.reset();
    const lamnaClinical = 'b1880d96-75e1-4561-bcc4-9e37eec85179';
    const driver = new DialogDriver(new AddCustomerDialog(deps()), { caller: await callerFor(db, DEMO.users.adminB), idText: lamnaClinical, engagementId: DEMO.engagements.copilot });
    const last = await drive(driver, [
      () => `add ${lamnaClinical} to copilot`,
      () => ({ value: { action: 'chooseIdType', idType: 'TENANT_ID' } }),
      (l) => detailsAsProposed(l, { customerName: 'Johanna Lorenz', customerEmail: 'johanna.lorenz@lamnahealthcare.com' }),
      () => ({ value: { action: 'giveMismatchReason', reason: 'Clinical workloads run in a separate tenant.' } }),
      (l) => ({ value: submitData(lastCard(l), (d) => d.action === CONFIRM_ADD_CUSTOMER_ACTION) }),
    ]);
    expect(allText(last)).toContain('Customer added');
    expect(ports.calls).toEqual({ tenantForDomain: 2, eligibility: 2, opportunity: 0 });
  });

  it('Claim customer for a VARIABLE engagement: eligibility once when shown, the opportunity once when chosen, both again at confirm', async () => {
    ports.reset();
    const driver = new DialogDriver(new ClaimCustomerDialog(deps()), { caller: await callerFor(db, DEMO.users.adminA) });
    const last = await drive(driver, [
      () => 'claim customer',
      () => 'northwind',
      () => ({ value: { action: 'chooseEngagements', engagementIds: DEMO.engagements.innovateVariable } }),
      () => ({ value: { action: 'enterHours', hours: '500' } }),
      () => ({ value: { action: 'enterHours', hours: '30' } }),
      (l) => detailsAsProposed(l),
      () => 'change hours',
      () => ({ value: { action: 'enterHours', hours: '31' } }),
      (l) => ({ value: submitData(lastCard(l), (d) => d.action === CONFIRM_CLAIM_CUSTOMER_ACTION) }),
    ]);
    expect(allText(last)).toContain('Customer claimed');
    expect(driver.turns).toBe(9);
    // Northwind has one domain (resolved when the eligibility is shown) and one MSX opportunity; the claim confirmed
    // is pinned to that opportunity, so confirm checks it alone and resolves no domain.
    expect(ports.calls).toEqual({ tenantForDomain: 1, eligibility: 2, opportunity: 2 });
  });
});
