import type { Database } from '../../services/db';
import { checkAddCustomer, checkClaimCustomer } from '../../services/nomination/checks';
import { checkTenantEmailMatch, localEligibilityPorts, nominationLocations } from '../../services/nomination/facts';
import {
  checkNomination,
  engagementNeedingHours,
  knownCustomerRefusal,
  payoutOpportunityIds,
  tenantMismatch,
  type EngagementRules,
  type EngagementVerdict,
  type NominationFacts,
} from '../../services/nomination/rule';
import type { EligibilityPorts } from '../../services/shared/context';
import { NotAllowedError } from '../../services/shared/errors';
import { CatalogEligibilitySource } from '../../services/ports/eligibilitySource';
import { DirectoryTenantResolver } from '../../services/ports/tenantResolver';
import { Fixtures, buildWorld, guid, type World } from '../support/fixtures';
import { createTestDatabase } from '../support/testDatabase';

function verdictFor(verdicts: EngagementVerdict[], engagementId: string): EngagementVerdict {
  const verdict = verdicts.find((v) => v.engagementId === engagementId);
  if (!verdict) throw new Error(`no verdict for ${engagementId}`);
  return verdict;
}

function codeOf(verdict: EngagementVerdict): string {
  return verdict.eligible ? 'ELIGIBLE' : verdict.code;
}

describe('checkNomination (pure rules)', () => {
  const fixed: EngagementRules = {
    id: 'E1',
    name: 'Fixed One',
    payType: 'FIXED',
    acceptedIdTypes: ['DOMAIN', 'TENANT_ID', 'TPID'],
    maxActiveClaimsPerCustomer: 2,
    maxHours: null,
    active: true,
  };
  const base: NominationFacts = {
    mode: 'add',
    engagements: [fixed],
    ids: [{ id: { type: 'TPID', value: '42' }, checkedAs: [{ type: 'TPID', value: '42' }] }],
    eligibility: [{ engagementId: 'E1', type: 'TPID', value: '42', eligible: true, reason: null }],
    knownToPartner: false,
    ownOpenClaims: new Map(),
    openClaimCounts: new Map(),
    enrolledEngagementIds: new Set(['E1']),
    locationId: 'L1',
  };

  it('keeps the per-id hint out of the reason: a FIXED engagement carries it apart, a variable pay one (MSX ids only) not at all', () => {
    const [fixedVerdict] = checkNomination({ ...base, eligibility: [] });
    expect(fixedVerdict).toMatchObject({ eligible: false, code: 'NOT_IN_CATALOG' });
    expect(fixedVerdict && !fixedVerdict.eligible && fixedVerdict.hint).toContain('Eligibility is checked per id');
    expect(fixedVerdict && !fixedVerdict.eligible && fixedVerdict.reason).not.toContain('Eligibility is checked per id');
    const variable = { ...fixed, payType: 'VARIABLE' as const, acceptedIdTypes: ['MSX_OPPORTUNITY_ID' as const] };
    const msx = { type: 'MSX_OPPORTUNITY_ID' as const, value: '7-AAAAAAAAAA' };
    const [variableVerdict] = checkNomination({ ...base, engagements: [variable], ids: [{ id: msx, checkedAs: [msx] }], eligibility: [] });
    expect(variableVerdict).toMatchObject({ eligible: false, code: 'NOT_IN_CATALOG' });
    expect(variableVerdict && !variableVerdict.eligible && variableVerdict.hint).toBeFalsy();
  });

  it('accepts an eligible id and records the id the claim is made with', () => {
    const [verdict] = checkNomination(base);
    expect(verdict).toMatchObject({ eligible: true, via: { type: 'TPID', value: '42' } });
  });

  it('refuses, in order, a closed engagement, an own open claim, add/claim exclusivity, the id type, the catalog, the limit and the location', () => {
    const cases: [Partial<NominationFacts>, string][] = [
      [{ engagements: [{ ...fixed, active: false }] }, 'ENGAGEMENT_CLOSED'],
      [{ ownOpenClaims: new Map([['E1', 'CLM-X']]) }, 'OPEN_CLAIM'],
      [{ knownToPartner: true }, 'KNOWN_MUST_CLAIM'],
      [{ mode: 'claim' }, 'UNKNOWN_MUST_ADD'],
      [{ engagements: [{ ...fixed, acceptedIdTypes: ['DOMAIN'] }] }, 'ID_TYPE_NOT_ACCEPTED'],
      [{ engagements: [{ ...fixed, payType: 'VARIABLE', acceptedIdTypes: ['TPID', 'MSX_OPPORTUNITY_ID'] }] }, 'VARIABLE_NEEDS_MSX'],
      [{ eligibility: [] }, 'NOT_IN_CATALOG'],
      [{ eligibility: [{ engagementId: 'E1', type: 'TPID', value: '42', eligible: false, reason: 'Too small' }] }, 'CRITERIA_NOT_MET'],
      [{ openClaimCounts: new Map([['E1', 2]]) }, 'ACTIVE_CLAIMS_LIMIT'],
      [{ enrolledEngagementIds: new Set() }, 'NO_ENROLLED_LOCATION'],
    ];
    for (const [change, code] of cases) {
      const [verdict] = checkNomination({ ...base, ...change });
      expect(verdict && codeOf(verdict)).toBe(code);
    }
  });

  it('words the catalog reason into the refusal and tells the partner eligibility is per id', () => {
    const [verdict] = checkNomination({
      ...base,
      eligibility: [{ engagementId: 'E1', type: 'TPID', value: '42', eligible: false, reason: 'Customer segment is SMB' }],
    });
    expect(verdict?.eligible).toBe(false);
    expect(verdict && !verdict.eligible && verdict.reason).toMatch(/TPID.*42.*Customer segment is SMB/s);
    expect(verdict && !verdict.eligible && verdict.hint).toMatch(/nominate it with that id/);
  });

  it('a VARIABLE claim lists every eligible MSX opportunity of the customer, in the order checked, and records the first', () => {
    const variable: EngagementRules = { ...fixed, id: 'V1', payType: 'VARIABLE', acceptedIdTypes: ['MSX_OPPORTUNITY_ID'], maxHours: 40 };
    const msx = (value: string) => ({ id: { type: 'MSX_OPPORTUNITY_ID' as const, value }, checkedAs: [{ type: 'MSX_OPPORTUNITY_ID' as const, value }] });
    const entry = (value: string, eligible: boolean) => ({ engagementId: 'V1', type: 'MSX_OPPORTUNITY_ID' as const, value, eligible, reason: eligible ? null : 'Stage' });
    const [verdict] = checkNomination({
      ...base,
      mode: 'claim',
      knownToPartner: true,
      engagements: [variable],
      ids: [...base.ids, msx('7-AAAAAAAAAA'), msx('7-BBBBBBBBBB'), msx('7-CCCCCCCCCC')],
      eligibility: [entry('7-AAAAAAAAAA', true), entry('7-BBBBBBBBBB', false), entry('7-CCCCCCCCCC', true)],
      enrolledEngagementIds: new Set(['V1']),
    });
    expect(verdict).toEqual({
      engagementId: 'V1',
      engagementName: 'Fixed One',
      payType: 'VARIABLE',
      eligible: true,
      via: { type: 'MSX_OPPORTUNITY_ID', value: '7-AAAAAAAAAA' },
      opportunityIds: ['7-AAAAAAAAAA', '7-CCCCCCCCCC'],
    });
    // A FIXED engagement records its first eligible id only.
    expect(checkNomination(base)[0]).not.toHaveProperty('opportunityIds');
  });

  it('an eligible entry of another engagement does not make the id eligible here', () => {
    const [verdict] = checkNomination({
      ...base,
      eligibility: [{ engagementId: 'E2', type: 'TPID', value: '42', eligible: true, reason: null }],
    });
    expect(verdict && codeOf(verdict)).toBe('NOT_IN_CATALOG');
  });
});

describe('the rules the nomination flows used to decide themselves (pure)', () => {
  const verdict = (engagementId: string, change: Partial<EngagementVerdict>): EngagementVerdict =>
    ({ engagementId, engagementName: `Engagement ${engagementId}`, payType: 'FIXED', eligible: true, via: { type: 'TPID', value: '1' }, ...change }) as EngagementVerdict;

  it('rule 2: a known customer is claimed, not added; the refusal names the engagement asked for and whether it can be claimed for it', () => {
    const known = 'Contoso is already known to you (it consented to you for an earlier claim), so it is claimed, not added.';
    expect(knownCustomerRefusal('Contoso', verdict('E2', {}))).toBe(`${known} Nothing was created: claim it for Engagement E2 instead.`);
    const limit = verdict('E1', { eligible: false, code: 'ACTIVE_CLAIMS_LIMIT', reason: 'The customer has reached the limit.' });
    expect(knownCustomerRefusal('Contoso', limit)).toBe(`${known} It cannot be claimed for Engagement E1 either: The customer has reached the limit. Nothing was created.`);
    expect(knownCustomerRefusal('Contoso', undefined)).toBe(`${known} Nothing was created.`);
    for (const text of [knownCustomerRefusal('Contoso', verdict('E2', {})), knownCustomerRefusal('Contoso', limit)]) expect(text).not.toMatch(/<[^>]*>/);
  });

  it('rule 3: a tenant id that does not match the contact email domain needs a reason, saying what the email belongs to', () => {
    expect(tenantMismatch('t-1', { matches: true, emailDomain: 'contoso.com', emailTenantId: 't-1' })).toBeNull();
    expect(tenantMismatch('t-1', { matches: false, emailDomain: 'fabrikam.com', emailTenantId: 't-2' })).toBe(
      "The tenant ID t-1 does not match the customer contact's email domain fabrikam.com, which belongs to tenant t-2.",
    );
    expect(tenantMismatch('t-1', { matches: false, emailDomain: 'nowhere.example', emailTenantId: null })).toMatch(/which has no known tenant\.$/);
  });

  it('a VARIABLE engagement needs hours and is paid on the MSX opportunity its verdict records; FIXED ones need neither', () => {
    const fixed = { id: 'F', payType: 'FIXED' as const };
    const variable = { id: 'V', payType: 'VARIABLE' as const };
    expect(engagementNeedingHours([fixed])).toBeUndefined();
    expect(engagementNeedingHours([fixed, variable])).toBe(variable);
    expect(payoutOpportunityIds(verdict('V', { payType: 'VARIABLE', via: { type: 'MSX_OPPORTUNITY_ID', value: '7-AAAAAAAAAA' } }))).toEqual(['7-AAAAAAAAAA']);
    const several = { payType: 'VARIABLE' as const, via: { type: 'MSX_OPPORTUNITY_ID' as const, value: '7-AAAAAAAAAA' }, opportunityIds: ['7-AAAAAAAAAA', '7-BBBBBBBBBB'] };
    expect(payoutOpportunityIds(verdict('V', several))).toEqual(['7-AAAAAAAAAA', '7-BBBBBBBBBB']);
    expect(payoutOpportunityIds(verdict('F', {}))).toEqual([]);
    expect(payoutOpportunityIds(verdict('V', { eligible: false, code: 'VARIABLE_NEEDS_MSX', reason: 'x' }))).toEqual([]);
    expect(payoutOpportunityIds(undefined)).toEqual([]);
  });
});

describe('eligibility against the database', () => {
  let db: Database;
  let f: Fixtures;
  let w: World;
  let ports: EligibilityPorts;
  const tenant = guid(1);
  const otherTenant = guid(2);

  beforeAll(async () => {
    db = await createTestDatabase();
    f = new Fixtures(db);
    w = await buildWorld(f);
    ports = localEligibilityPorts(db.prisma);
    await f.domain('contoso.com', tenant);
    await f.domain('fabrikam.com', otherTenant);
  });

  afterAll(async () => {
    await db.close();
  });

  it('does not cascade eligibility between ids of one customer: a TPID-only eligible customer must be nominated by TPID', async () => {
    await f.customer({ ids: [{ type: 'TPID', value: '1001' }, { type: 'TENANT_ID', value: guid(1001) }, { type: 'DOMAIN', value: 'tpidonly.com' }] });
    await f.domain('tpidonly.com', guid(1001));
    await f.eligible(w.fixed, { type: 'TPID', value: '1001' });

    const byTpid = await checkAddCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: { type: 'TPID', value: '1001' }, engagementIds: [w.fixed] });
    expect(codeOf(verdictFor(byTpid.verdicts, w.fixed))).toBe('ELIGIBLE');

    const byTenant = await checkAddCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: { type: 'TENANT_ID', value: guid(1001) }, engagementIds: [w.fixed] });
    const tenantVerdict = verdictFor(byTenant.verdicts, w.fixed);
    expect(codeOf(tenantVerdict)).toBe('NOT_IN_CATALOG');
    expect(!tenantVerdict.eligible && tenantVerdict.hint).toContain('TPID');

    const byDomain = await checkAddCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: { type: 'DOMAIN', value: 'tpidonly.com' }, engagementIds: [w.fixed] });
    expect(codeOf(verdictFor(byDomain.verdicts, w.fixed))).toBe('NOT_IN_CATALOG');
  });

  it('derives the tenant id from a domain and checks eligibility on it', async () => {
    await f.eligible(w.fixed, { type: 'TENANT_ID', value: tenant });
    const check = await checkAddCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: { type: 'DOMAIN', value: 'contoso.com' }, engagementIds: [w.fixed] });
    expect(check.derivedTenantId).toBe(tenant);
    expect(verdictFor(check.verdicts, w.fixed)).toMatchObject({ eligible: true, via: { type: 'DOMAIN', value: 'contoso.com' } });

    const other = await checkAddCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: { type: 'DOMAIN', value: 'fabrikam.com' }, engagementIds: [w.fixed] });
    expect(other.derivedTenantId).toBe(otherTenant);
    expect(codeOf(verdictFor(other.verdicts, w.fixed))).toBe('NOT_IN_CATALOG');
  });

  it('also accepts a domain listed in the catalog itself', async () => {
    await f.domain('listed.com', guid(77));
    await f.eligible(w.fixed, { type: 'DOMAIN', value: 'listed.com' });
    const check = await checkAddCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: { type: 'DOMAIN', value: 'listed.com' }, engagementIds: [w.fixed] });
    expect(codeOf(verdictFor(check.verdicts, w.fixed))).toBe('ELIGIBLE');
  });

  it('refuses a domain whose tenant is unknown with a clear message', async () => {
    await expect(
      checkAddCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: { type: 'DOMAIN', value: 'nowhere.example' } }),
    ).rejects.toThrow(/No Microsoft tenant could be found for the domain nowhere\.example/);
  });

  it('lists every open engagement with a verdict when none are named, ineligible ones with reasons', async () => {
    const check = await checkAddCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: { type: 'DOMAIN', value: 'contoso.com' } });
    expect(check.verdicts.map((v) => v.engagementId).sort()).toEqual([w.fixed, w.tpidOnly, w.variable].sort());
    expect(codeOf(verdictFor(check.verdicts, w.tpidOnly))).toBe('ID_TYPE_NOT_ACCEPTED');
    expect(codeOf(verdictFor(check.verdicts, w.variable))).toBe('VARIABLE_NEEDS_MSX');
    const variable = verdictFor(check.verdicts, w.variable);
    expect(!variable.eligible && variable.reason).toMatch(/MSX opportunity ID/);
  });

  it('counts open claims of every partner towards the active-claims limit, but not closed ones', async () => {
    const engagement = await f.engagement({ maxActiveClaimsPerCustomer: 2, idTypes: ['TPID'] });
    await f.enrol(w.location, engagement);
    await f.enrol(w.locationB, engagement);
    const customer = await f.customer({ ids: [{ type: 'TPID', value: '2001' }] });
    await f.eligible(engagement, { type: 'TPID', value: '2001' });
    const partnerC = await f.partner();
    const userC = await f.user({ partnerId: partnerC });
    const locationC = await f.location({ partnerId: partnerC, engagements: [engagement] });
    await f.claim({ partnerId: w.partnerB, engagementId: engagement, customerId: customer, locationId: w.locationB, userId: w.userB, status: 'CONSENT_REQUESTED' });
    await f.claim({ partnerId: partnerC, engagementId: engagement, customerId: customer, locationId: locationC, userId: userC, status: 'COMPLETED' });

    const below = await checkAddCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: { type: 'TPID', value: '2001' }, engagementIds: [engagement] });
    expect(codeOf(verdictFor(below.verdicts, engagement))).toBe('ELIGIBLE');

    await f.claim({ partnerId: partnerC, engagementId: engagement, customerId: customer, locationId: locationC, userId: userC, status: 'SUBMITTED', id: 'CLM-C-OPEN' });
    const atLimit = await checkAddCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: { type: 'TPID', value: '2001' }, engagementIds: [engagement] });
    expect(codeOf(verdictFor(atLimit.verdicts, engagement))).toBe('ACTIVE_CLAIMS_LIMIT');
  });

  it('keeps add and claim apart: a known customer is claimed, an unknown one added', async () => {
    const customer = await f.customer({ ids: [{ type: 'TPID', value: '3001' }] });
    await f.eligible(w.fixed, { type: 'TPID', value: '3001' });
    const { verdicts: unknownClaim } = await checkClaimCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: customer, engagementIds: [w.fixed] });
    expect(codeOf(verdictFor(unknownClaim, w.fixed))).toBe('UNKNOWN_MUST_ADD');

    await f.known(w.partnerA, customer);
    const knownAdd = await checkAddCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: { type: 'TPID', value: '3001' }, engagementIds: [w.fixed] });
    expect(knownAdd.knownToPartner).toBe(true);
    expect(codeOf(verdictFor(knownAdd.verdicts, w.fixed))).toBe('KNOWN_MUST_CLAIM');
    const { verdicts: knownClaim } = await checkClaimCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: customer, engagementIds: [w.fixed] });
    expect(verdictFor(knownClaim, w.fixed)).toMatchObject({ eligible: true, via: { type: 'TPID', value: '3001' } });

    const forB = await checkAddCustomer(db.prisma, ports, { partnerId: w.partnerB, customerId: { type: 'TPID', value: '3001' }, engagementIds: [w.fixed] });
    expect(codeOf(verdictFor(forB.verdicts, w.fixed))).toBe('ELIGIBLE');
  });

  it('claims a known customer only through an eligible id of a type the engagement accepts', async () => {
    const customer = await f.customer({ ids: [{ type: 'TENANT_ID', value: guid(4001) }, { type: 'TPID', value: '4001' }] });
    await f.known(w.partnerA, customer);
    await f.eligible(w.tpidOnly, { type: 'TENANT_ID', value: guid(4001) });
    const { verdicts } = await checkClaimCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: customer, engagementIds: [w.tpidOnly] });
    expect(codeOf(verdictFor(verdicts, w.tpidOnly))).toBe('NOT_IN_CATALOG');
  });

  it('refuses a customer with an open claim of the same partner on the engagement', async () => {
    const customer = await f.customer({ ids: [{ type: 'TPID', value: '5001' }] });
    await f.eligible(w.fixed, { type: 'TPID', value: '5001' });
    await f.claim({ partnerId: w.partnerA, engagementId: w.fixed, customerId: customer, locationId: w.location, userId: w.user, status: 'ADDED', origin: 'ADDED', id: 'CLM-OPEN5001' });
    const check = await checkAddCustomer(db.prisma, ports, { partnerId: w.partnerA, customerId: { type: 'TPID', value: '5001' }, engagementIds: [w.fixed] });
    const verdict = verdictFor(check.verdicts, w.fixed);
    expect(codeOf(verdict)).toBe('OPEN_CLAIM');
    expect(!verdict.eligible && verdict.reason).toContain('CLM-OPEN5001');
  });

  it('needs a location enrolled for the engagement', async () => {
    await f.customer({ ids: [{ type: 'TPID', value: '6001' }] });
    await f.eligible(w.tpidOnly, { type: 'TPID', value: '6001' });
    const request = { partnerId: w.partnerA, customerId: { type: 'TPID' as const, value: '6001' }, engagementIds: [w.tpidOnly] };
    const anyLocation = await checkAddCustomer(db.prisma, ports, request);
    expect(codeOf(verdictFor(anyLocation.verdicts, w.tpidOnly))).toBe('ELIGIBLE');
    const wrongLocation = await checkAddCustomer(db.prisma, ports, { ...request, locationId: w.fixedOnlyLocation });
    const verdict = verdictFor(wrongLocation.verdicts, w.tpidOnly);
    expect(codeOf(verdict)).toBe('NO_ENROLLED_LOCATION');
    expect(!verdict.eligible && verdict.reason).toContain(w.fixedOnlyLocation);

    await expect(checkAddCustomer(db.prisma, ports, { ...request, locationId: w.notEnrolled })).rejects.toThrow(/not enrolled in MCI/);
    await expect(checkAddCustomer(db.prisma, ports, { ...request, locationId: w.locationB })).rejects.toThrow(NotAllowedError);
  });

  it('says when no MCI-enrolled location of the partner is enrolled for the engagement', async () => {
    const partner = await f.partner();
    await f.location({ partnerId: partner, mciEnrolled: false, engagements: [w.tpidOnly] });
    await f.location({ partnerId: partner, engagements: [w.fixed] });
    const check = await checkAddCustomer(db.prisma, ports, { partnerId: partner, customerId: { type: 'TPID', value: '6001' }, engagementIds: [w.tpidOnly] });
    const verdict = verdictFor(check.verdicts, w.tpidOnly);
    expect(codeOf(verdict)).toBe('NO_ENROLLED_LOCATION');
    expect(!verdict.eligible && verdict.reason).toMatch(/None of your MCI-enrolled locations/);
  });

  it('offers only MCI-enrolled locations of the partner, and for an engagement only those enrolled for it', async () => {
    expect((await nominationLocations(db.prisma, w.partnerA)).map((l) => l.id)).toEqual([w.location, w.fixedOnlyLocation]);
    expect((await nominationLocations(db.prisma, w.partnerA, w.tpidOnly)).map((l) => l.id)).toEqual([w.location]);
    expect((await nominationLocations(db.prisma, w.partnerB)).map((l) => l.id)).toEqual([w.locationB]);
  });

  it('checks a tenant id against the email domain of the customer contact', async () => {
    const tenants = new DirectoryTenantResolver(db.prisma);
    await expect(checkTenantEmailMatch(tenants, tenant, 'ann@contoso.com')).resolves.toMatchObject({ matches: true });
    await expect(checkTenantEmailMatch(tenants, tenant.toUpperCase(), 'Ann@Mail.Contoso.com')).resolves.toMatchObject({
      matches: true,
      emailDomain: 'mail.contoso.com',
    });
    await expect(checkTenantEmailMatch(tenants, tenant, 'ann@fabrikam.com')).resolves.toEqual({
      matches: false,
      emailDomain: 'fabrikam.com',
      emailTenantId: otherTenant,
    });
    await expect(checkTenantEmailMatch(tenants, tenant, 'ann@unknown.example')).resolves.toMatchObject({ matches: false, emailTenantId: null });
  });
});

describe('local ports', () => {
  let db: Database;
  let f: Fixtures;

  beforeAll(async () => {
    db = await createTestDatabase();
    f = new Fixtures(db);
  });

  afterAll(async () => {
    await db.close();
  });

  it('the directory resolves domains to tenants and back', async () => {
    await f.domain('contoso.com', guid(1));
    await f.domain('contoso.nl', guid(1));
    const resolver = new DirectoryTenantResolver(db.prisma);
    await expect(resolver.tenantForDomain('CONTOSO.com')).resolves.toBe(guid(1));
    await expect(resolver.tenantForDomain('nope.com')).resolves.toBeNull();
    await expect(resolver.domainsForTenant(guid(1))).resolves.toEqual(['contoso.com', 'contoso.nl']);
  });

  it('the catalog answers per (engagement, id value) and only for what was asked', async () => {
    const e1 = await f.engagement();
    const e2 = await f.engagement();
    await f.eligible(e1, { type: 'TPID', value: '1' });
    await f.eligible(e2, { type: 'TPID', value: '1' }, false, 'Not in segment');
    await f.eligible(e1, { type: 'TPID', value: '2' });
    await f.customer({ id: 'C-OPP' });
    await f.opportunity('7-AAAAAAAAAA', 'C-OPP', 5000);
    const source = new CatalogEligibilitySource(db.prisma);
    const answer = await source.eligibility([e1, e2], [{ type: 'TPID', value: '1' }]);
    expect(answer.sort((a, b) => a.engagementId.localeCompare(b.engagementId))).toEqual([
      { engagementId: e1, type: 'TPID', value: '1', eligible: true, reason: null },
      { engagementId: e2, type: 'TPID', value: '1', eligible: false, reason: 'Not in segment' },
    ]);
    await expect(source.eligibility([], [{ type: 'TPID', value: '1' }])).resolves.toEqual([]);
    await expect(source.opportunity('7-AAAAAAAAAA')).resolves.toEqual({ id: '7-AAAAAAAAAA', customerId: 'C-OPP', name: 'Opportunity 7-AAAAAAAAAA', valueUsd: 5000 });
    await expect(source.opportunity('7-BBBBBBBBBB')).resolves.toBeNull();
  });
});
