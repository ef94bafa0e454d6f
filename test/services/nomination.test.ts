import { openClaimKey } from '../../services/claims/lifecycle';
import { FixedClock, addDays } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { NotAllowedError } from '../../services/shared/errors';
import { addCustomer, claimCustomer, newClaimId, type AddCustomerInput, type ClaimCustomerInput } from '../../services/nomination/nominate';
import { Fixtures, T0, buildWorld, guid, type World } from '../support/fixtures';
import { createTestDatabase } from '../support/testDatabase';

const contacts = {
  customerContact: { name: 'Casey Customer', email: 'casey@contoso.com' },
  partnerContact: { name: 'Pat Partner', email: 'pat@partner.example', phone: '+31 20 123 4567' },
};

describe('nomination: add customer and claim customer', () => {
  let db: Database;
  let f: Fixtures;
  let w: World;
  const clock = new FixedClock(T0);
  const contosoTenant = guid(1);
  let seq = 0;

  /** A fresh TPID, eligible for the given engagements, so that tests do not share customers. */
  async function eligibleTpid(...engagementIds: string[]): Promise<string> {
    seq += 1;
    const tpid = String(900000 + seq);
    for (const engagementId of engagementIds) await f.eligible(engagementId, { type: 'TPID', value: tpid });
    return tpid;
  }

  function addInput(tpid: string, change: Partial<AddCustomerInput> = {}): AddCustomerInput {
    return {
      friendlyName: `Nomination ${tpid}`,
      locationId: w.location,
      customerId: { type: 'TPID', value: tpid },
      engagementIds: [w.fixed],
      ...contacts,
      ...change,
    };
  }

  async function knownCustomer(tpid: string, partnerId: string = w.partnerA): Promise<string> {
    const customer = await f.customer({ ids: [{ type: 'TPID', value: tpid }] });
    await f.known(partnerId, customer);
    return customer;
  }

  function claimInput(customerId: string, change: Partial<ClaimCustomerInput> = {}): ClaimCustomerInput {
    return { friendlyName: 'Claim it', locationId: w.location, customerId, engagementIds: [w.fixed], ...contacts, ...change };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    f = new Fixtures(db);
    w = await buildWorld(f);
    await f.domain('contoso.com', contosoTenant);
    await f.domain('fabrikam.com', guid(2));
  });

  afterAll(async () => {
    await db.close();
  });

  it('makes claim ids of CLM- and 8 Crockford base32 characters', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newClaimId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^CLM-[0-9A-HJKMNP-TV-Z]{8}$/);
  });

  it('adds a new customer by domain: derives the tenant, creates the customer and one ADDED claim per engagement, audits, remembers the location', async () => {
    await f.eligible(w.fixed, { type: 'TENANT_ID', value: contosoTenant });
    const second = await f.engagement({ consentWindowDays: 10 });
    await f.enrol(w.location, second);
    await f.eligible(second, { type: 'DOMAIN', value: 'contoso.com' });

    const result = await addCustomer(db, clock, { userId: w.user }, {
      friendlyName: ' Contoso rollout ',
      locationId: w.location,
      customerId: { type: 'DOMAIN', value: 'Contoso.COM' },
      engagementIds: [w.fixed, second],
      ...contacts,
    });

    expect(result.claims).toHaveLength(2);
    const ids = await db.prisma.customerIdentifier.findMany({ where: { customerId: result.customerId }, orderBy: { type: 'asc' } });
    expect(ids.map((id) => [id.type, id.value])).toEqual([
      ['DOMAIN', 'contoso.com'],
      ['TENANT_ID', contosoTenant],
    ]);
    const claims = await db.prisma.claim.findMany({ where: { customerId: result.customerId }, orderBy: { engagementId: 'asc' } });
    for (const claim of claims) {
      expect(claim).toMatchObject({
        partnerId: w.partnerA,
        locationId: w.location,
        status: 'ADDED',
        origin: 'ADDED',
        idType: 'DOMAIN',
        idValue: 'contoso.com',
        friendlyName: 'Contoso rollout',
        openClaimKey: openClaimKey(w.partnerA, claim.engagementId, result.customerId),
        hours: null,
        proposedPayoutUsd: null,
        customerContactEmail: 'casey@contoso.com',
        partnerContactPhone: '+31 20 123 4567',
        tenantMismatchReason: null,
        createdByUserId: w.user,
      });
      expect(claim.id).toMatch(/^CLM-[0-9A-HJKMNP-TV-Z]{8}$/);
    }
    expect(claims.find((c) => c.engagementId === w.fixed)?.consentDeadline).toEqual(addDays(T0, 30));
    expect(claims.find((c) => c.engagementId === second)?.consentDeadline).toEqual(addDays(T0, 10));
    const audits = await db.prisma.auditEvent.findMany({ where: { claimId: { in: claims.map((c) => c.id) } } });
    expect(audits).toHaveLength(2);
    expect(audits.every((a) => a.action === 'claim.added' && a.actorId === w.user && a.partnerId === w.partnerA)).toBe(true);
    expect((await db.prisma.partnerUser.findUniqueOrThrow({ where: { id: w.user } })).lastLocationId).toBe(w.location);
  });

  it('does not cascade eligibility: a customer eligible only by TPID is refused by tenant id and accepted by TPID', async () => {
    await f.customer({ ids: [{ type: 'TPID', value: '777' }, { type: 'TENANT_ID', value: guid(777) }] });
    await f.eligible(w.fixed, { type: 'TPID', value: '777' });
    await expect(
      addCustomer(db, clock, { userId: w.user }, addInput('777', { customerId: { type: 'TENANT_ID', value: guid(777) }, tenantMismatchReason: 'Subsidiary' })),
    ).rejects.toThrow(/not found in the eligibility list/);
    const result = await addCustomer(db, clock, { userId: w.user }, addInput('777'));
    expect(result.claims[0]).toMatchObject({ idType: 'TPID', idValue: '777' });
  });

  it('asks for a reason when a tenant id does not match the customer contact email domain, and keeps it', async () => {
    const tenant = guid(3);
    await f.eligible(w.fixed, { type: 'TENANT_ID', value: tenant });
    const input = addInput('0', { customerId: { type: 'TENANT_ID', value: tenant } });
    await expect(addCustomer(db, clock, { userId: w.user }, input)).rejects.toThrow(/does not match the customer contact's email domain contoso\.com.*reason/);
    await expect(
      addCustomer(db, clock, { userId: w.user }, { ...input, customerContact: { name: 'X', email: 'x@unknown.example' } }),
    ).rejects.toThrow(/has no known tenant/);
    expect(await db.prisma.claim.count({ where: { idValue: tenant } })).toBe(0);

    const result = await addCustomer(db, clock, { userId: w.user }, { ...input, tenantMismatchReason: 'Contact works for the parent company' });
    const claim = await db.prisma.claim.findUniqueOrThrow({ where: { id: result.claims[0]?.id ?? '' } });
    expect(claim.tenantMismatchReason).toBe('Contact works for the parent company');
  });

  it('needs no reason when the tenant id matches the email domain', async () => {
    const customer = await f.customer({ ids: [{ type: 'TENANT_ID', value: guid(2) }] });
    await f.eligible(w.fixed, { type: 'TENANT_ID', value: guid(2) });
    const result = await addCustomer(db, clock, { userId: w.user }, {
      ...addInput('0', { customerId: { type: 'TENANT_ID', value: guid(2).toUpperCase() }, tenantMismatchReason: 'ignored' }),
      customerContact: { name: 'Fay', email: 'fay@fabrikam.com' },
    });
    expect(result.customerId).toBe(customer);
    expect((await db.prisma.claim.findFirstOrThrow({ where: { customerId: customer } })).tenantMismatchReason).toBeNull();
  });

  it('refuses an unknown domain', async () => {
    await expect(addCustomer(db, clock, { userId: w.user }, addInput('0', { customerId: { type: 'DOMAIN', value: 'nowhere.example' } }))).rejects.toThrow(
      /No Microsoft tenant could be found for the domain nowhere\.example/,
    );
  });

  it('refuses a customer at the active-claims limit', async () => {
    const engagement = await f.engagement({ maxActiveClaimsPerCustomer: 1 });
    await f.enrol(w.location, engagement);
    const tpid = await eligibleTpid(engagement);
    const customer = await f.customer({ ids: [{ type: 'TPID', value: tpid }] });
    await f.claim({ partnerId: w.partnerB, engagementId: engagement, customerId: customer, locationId: w.locationB, userId: w.userB, status: 'CONSENT_GRANTED' });
    await expect(addCustomer(db, clock, { userId: w.user }, addInput(tpid, { engagementIds: [engagement] }))).rejects.toThrow(/limit of 1 active claim/);
  });

  it('refuses to add a known customer (it must be claimed) and to claim an unknown one (it must be added)', async () => {
    const tpid = await eligibleTpid(w.fixed);
    const known = await knownCustomer(tpid);
    await expect(addCustomer(db, clock, { userId: w.user }, addInput(tpid))).rejects.toThrow(/already known to you.*must be claimed/);

    const unknownTpid = await eligibleTpid(w.fixed);
    const unknown = await f.customer({ ids: [{ type: 'TPID', value: unknownTpid }] });
    await expect(claimCustomer(db, clock, { userId: w.user }, claimInput(unknown))).rejects.toThrow(/not one of your known customers/);

    const result = await claimCustomer(db, clock, { userId: w.user }, claimInput(known));
    expect(result.claims[0]).toMatchObject({ status: 'CLAIMED', origin: 'CLAIMED', idType: 'TPID', idValue: tpid });
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { claimId: result.claims[0]?.id ?? '' } });
    expect(audit.action).toBe('claim.claimed');
  });

  it('refuses to claim a customer known only to another partner', async () => {
    const tpid = await eligibleTpid(w.fixed);
    const customer = await knownCustomer(tpid, w.partnerB);
    await expect(claimCustomer(db, clock, { userId: w.user }, claimInput(customer))).rejects.toThrow(/not one of your known customers/);
  });

  it('an open claim blocks re-adding and re-claiming the customer for that engagement', async () => {
    const tpid = await eligibleTpid(w.fixed);
    const first = await addCustomer(db, clock, { userId: w.user }, addInput(tpid));
    await expect(addCustomer(db, clock, { userId: w.admin }, addInput(tpid))).rejects.toThrow(/already has an open claim of yours/);

    const knownTpid = await eligibleTpid(w.fixed);
    const known = await knownCustomer(knownTpid);
    await claimCustomer(db, clock, { userId: w.user }, claimInput(known));
    await expect(claimCustomer(db, clock, { userId: w.user }, claimInput(known))).rejects.toThrow(/already has an open claim of yours/);
    expect(await db.prisma.claim.count({ where: { customerId: { in: [first.customerId, known] } } })).toBe(2);
  });

  it('creates one claim when the same input is submitted twice, one after the other or at once', async () => {
    const tpid = await eligibleTpid(w.fixed);
    const input = addInput(tpid);
    const [a, b] = await Promise.allSettled([addCustomer(db, clock, { userId: w.user }, input), addCustomer(db, clock, { userId: w.user }, input)]);
    const outcomes = [a, b].map((r) => r?.status);
    expect(outcomes.sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = [a, b].find((r) => r?.status === 'rejected');
    expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(NotAllowedError);
    await expect(addCustomer(db, clock, { userId: w.user }, input)).rejects.toThrow(NotAllowedError);
    expect(await db.prisma.claim.count({ where: { idValue: tpid } })).toBe(1);
  });

  it('turns a lost race on the open-claim key into a NotAllowedError and leaves nothing half-written', async () => {
    const tpid = await eligibleTpid(w.fixed);
    const customer = await knownCustomer(tpid);
    // A closed claim still holding the key stands in for a concurrent insert the checks could not see.
    await f.claim({ partnerId: w.partnerA, engagementId: w.fixed, customerId: customer, locationId: w.location, userId: w.user, status: 'CANCELED', id: 'CLM-RACE' });
    await db.prisma.claim.update({ where: { id: 'CLM-RACE' }, data: { openClaimKey: openClaimKey(w.partnerA, w.fixed, customer) } });
    const auditsBefore = await db.prisma.auditEvent.count();
    const error = await claimCustomer(db, clock, { userId: w.user }, claimInput(customer)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect((error as Error).message).toMatch(/already has an open claim of yours/);
    expect(await db.prisma.claim.count({ where: { customerId: customer } })).toBe(1);
    expect(await db.prisma.auditEvent.count()).toBe(auditsBefore);
  });

  it('refuses a location that is not MCI-enrolled or not the partner’s', async () => {
    const tpid = await eligibleTpid(w.fixed);
    await expect(addCustomer(db, clock, { userId: w.user }, addInput(tpid, { locationId: w.notEnrolled }))).rejects.toThrow(/not enrolled in MCI/);
    await expect(addCustomer(db, clock, { userId: w.user }, addInput(tpid, { locationId: w.locationB }))).rejects.toThrow(
      /not one of your organisation's locations/,
    );
    await expect(addCustomer(db, clock, { userId: w.user }, addInput(tpid, { locationId: 'LOC-NOPE' }))).rejects.toThrow(
      /not one of your organisation's locations/,
    );
    expect(await db.prisma.claim.count({ where: { idValue: tpid } })).toBe(0);
  });

  it('refuses to claim from a location not enrolled for the engagement', async () => {
    const tpid = await eligibleTpid(w.tpidOnly);
    const customer = await knownCustomer(tpid);
    await expect(
      claimCustomer(db, clock, { userId: w.user }, claimInput(customer, { engagementIds: [w.tpidOnly], locationId: w.fixedOnlyLocation })),
    ).rejects.toThrow(/Location LOC-A3 is not enrolled for TPID Engagement/);
    const result = await claimCustomer(db, clock, { userId: w.user }, claimInput(customer, { engagementIds: [w.tpidOnly] }));
    expect(result.claims).toHaveLength(1);
  });

  describe('variable pay engagements', () => {
    const opportunity = '7-3FS2XQBWAO';

    beforeAll(async () => {
      await f.customer({ id: 'CUS-MSX', name: 'Opportunity Corp' });
      await f.opportunity(opportunity, 'CUS-MSX', 250000);
      await f.eligible(w.variable, { type: 'MSX_OPPORTUNITY_ID', value: opportunity });
    });

    const variableInput = (change: Partial<AddCustomerInput> = {}): AddCustomerInput => ({
      friendlyName: 'Variable work',
      locationId: w.location,
      customerId: { type: 'MSX_OPPORTUNITY_ID', value: opportunity.toLowerCase() },
      engagementIds: [w.variable],
      hours: 20,
      ...contacts,
      ...change,
    });

    it('accepts only MSX opportunity ids', async () => {
      const tpid = await eligibleTpid(w.variable, w.fixed);
      await expect(addCustomer(db, clock, { userId: w.user }, variableInput({ customerId: { type: 'TPID', value: tpid } }))).rejects.toThrow(
        /variable pay engagement: nominate the customer by its MSX opportunity ID/,
      );
    });

    it('takes exactly one engagement', async () => {
      await expect(addCustomer(db, clock, { userId: w.user }, variableInput({ engagementIds: [w.variable, w.fixed] }))).rejects.toThrow(/on its own/);
    });

    it('needs whole, positive hours within the engagement maximum; fixed engagements take none', async () => {
      await expect(addCustomer(db, clock, { userId: w.user }, variableInput({ hours: undefined }))).rejects.toThrow(/give the number of hours/);
      await expect(addCustomer(db, clock, { userId: w.user }, variableInput({ hours: 41 }))).rejects.toThrow(/at most 40 hours/);
      await expect(addCustomer(db, clock, { userId: w.user }, variableInput({ hours: 2.5 }))).rejects.toThrow(/whole number/);
      await expect(addCustomer(db, clock, { userId: w.user }, variableInput({ hours: 0 }))).rejects.toThrow(/at least 1/);
      const tpid = await eligibleTpid(w.fixed);
      await expect(addCustomer(db, clock, { userId: w.user }, addInput(tpid, { hours: 5 }))).rejects.toThrow(/only given for variable pay/);
    });

    it('records the hours and the proposed payout from the opportunity, on the opportunity’s customer', async () => {
      const result = await addCustomer(db, clock, { userId: w.user }, variableInput({ hours: '20' }));
      expect(result.customerId).toBe('CUS-MSX');
      expect(result.claims).toEqual([
        expect.objectContaining({ engagementId: w.variable, idType: 'MSX_OPPORTUNITY_ID', idValue: opportunity, hours: 20, proposedPayoutUsd: 3000 }),
      ]);
    });

    it('refuses an opportunity that does not exist', async () => {
      await f.eligible(w.variable, { type: 'MSX_OPPORTUNITY_ID', value: '7-ZZZZZZZZZZ' });
      await expect(addCustomer(db, clock, { userId: w.user }, variableInput({ customerId: { type: 'MSX_OPPORTUNITY_ID', value: '7-ZZZZZZZZZZ' } }))).rejects.toThrow(
        /MSX opportunity 7-ZZZZZZZZZZ was not found/,
      );
    });
  });

  it('refuses users without the Incentives user or admin role, naming who can grant it', async () => {
    const tpid = await eligibleTpid(w.fixed);
    await expect(addCustomer(db, clock, { userId: w.noRole }, addInput(tpid))).rejects.toThrow(/Incentives user or Incentives admin role.*Alex Admin/);
    await expect(addCustomer(db, clock, { userId: w.referralsOnly }, addInput(tpid))).rejects.toThrow(/Incentives user or Incentives admin role/);
    await expect(addCustomer(db, clock, { userId: 'U-NOBODY' }, addInput(tpid))).rejects.toThrow(NotAllowedError);
    const result = await addCustomer(db, clock, { userId: w.admin }, addInput(tpid));
    expect(result.claims).toHaveLength(1);
  });

  it('scopes everything to the actor’s partner: partner B’s user nominates for partner B', async () => {
    const tpid = await eligibleTpid(w.fixed);
    await addCustomer(db, clock, { userId: w.user }, addInput(tpid));
    const result = await addCustomer(db, clock, { userId: w.userB }, addInput(tpid, { locationId: w.locationB }));
    const claim = await db.prisma.claim.findUniqueOrThrow({ where: { id: result.claims[0]?.id ?? '' } });
    expect(claim.partnerId).toBe(w.partnerB);
    await expect(addCustomer(db, clock, { userId: w.userB }, addInput(tpid, { locationId: w.location }))).rejects.toThrow(
      /not one of your organisation's locations/,
    );
  });

  it('validates the input at the edge with readable messages', async () => {
    const tpid = await eligibleTpid(w.fixed);
    const invalid: [Partial<AddCustomerInput>, RegExp][] = [
      [{ friendlyName: '  ' }, /friendlyName: a friendly name is required/],
      [{ customerContact: { name: 'X', email: 'not-an-email' } }, /customerContact\.email: a valid email address is required/],
      [{ partnerContact: { name: '', email: 'p@partner.example' } }, /partnerContact\.name: a name is required/],
      [{ customerId: { type: 'TENANT_ID', value: 'abc' } }, /not a valid tenant ID/],
      [{ engagementIds: [] }, /choose at least one engagement/],
      [{ engagementIds: ['E-NOPE'] }, /There is no engagement E-NOPE/],
    ];
    for (const [change, message] of invalid) {
      await expect(addCustomer(db, clock, { userId: w.user }, addInput(tpid, change))).rejects.toThrow(message);
    }
    expect(await db.prisma.claim.count({ where: { idValue: tpid } })).toBe(0);
  });

  it('claims with the pinned id when one is given, and refuses an id that is not the customer’s', async () => {
    const customer = await f.customer({ ids: [{ type: 'TPID', value: '8801' }, { type: 'AZURE_SUBSCRIPTION_ID', value: guid(8801) }] });
    await f.known(w.partnerA, customer);
    await f.eligible(w.fixed, { type: 'TPID', value: '8801' });
    await f.eligible(w.fixed, { type: 'AZURE_SUBSCRIPTION_ID', value: guid(8801) });
    await expect(
      claimCustomer(db, clock, { userId: w.user }, claimInput(customer, { nominatedId: { type: 'TPID', value: '1' } })),
    ).rejects.toThrow(/is not an id of this customer/);
    const result = await claimCustomer(db, clock, { userId: w.user }, claimInput(customer, { nominatedId: { type: 'AZURE_SUBSCRIPTION_ID', value: guid(8801) } }));
    expect(result.claims[0]).toMatchObject({ idType: 'AZURE_SUBSCRIPTION_ID', idValue: guid(8801) });
  });
});
