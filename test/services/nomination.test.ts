import { openClaimKey } from '../../services/claims/lifecycle';
import { FixedClock, addDays } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { NotAllowedError } from '../../services/shared/errors';
import { addCustomer, claimCustomer, newClaimId, type AddCustomerInput, type ClaimCustomerInput } from '../../services/nomination/nominate';
import { createDirectory } from '../../services/directory';
import { findCaller, type PartnerCaller } from '../../services/directory/callers';
import { createNomination, localEligibilityPorts, type NominationOffer } from '../../services/nomination';
import type { EligibilityPorts } from '../../services/shared/context';
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
    const claims = await db.prisma.claim.findMany({ where: { customerId: result.customerId }, orderBy: { engagementId: 'asc' }, include: { engagement: true } });
    for (const claim of claims) {
      expect(claim).toMatchObject({
        partnerId: w.partnerA,
        locationId: w.location,
        status: 'ADDED',
        origin: 'ADDED',
        idType: 'DOMAIN',
        idValue: 'contoso.com',
        // Two claims added together: each named after its own engagement, so none share a name.
        friendlyName: `Contoso rollout – ${claim.engagement.name}`,
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
    expect(new Set(claims.map((c) => c.friendlyName)).size).toBe(2);
    expect(result.claims.map((c) => c.friendlyName).sort()).toEqual(claims.map((c) => c.friendlyName).sort());
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
    await expect(addCustomer(db, clock, { userId: w.noRole }, addInput(tpid))).rejects.toThrow(/no incentives role yet.*Alex Admin/);
    await expect(addCustomer(db, clock, { userId: w.referralsOnly }, addInput(tpid))).rejects.toThrow(/do not include Incentives user or Incentives admin/);
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
      [{ friendlyName: '  ' }, /^Please check the details: a friendly name is required\.$/],
      [{ customerContact: { name: 'X', email: 'not-an-email' } }, /^Please check the details: Customer contact: enter a valid email address, such as name@example\.com\.$/],
      [{ partnerContact: { name: '', email: 'p@partner.example' } }, /^Please check the details: Your contact: a name is required\.$/],
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
  describe('what the Add and Claim customer flows ask (the facade)', () => {
    const calls = { tenantForDomain: 0, opportunity: 0 };
    let nomination: ReturnType<typeof createNomination>;

    /** The local ports, counting the calls that are remote in production. */
    function countingPorts(): EligibilityPorts {
      const local = localEligibilityPorts(db.prisma);
      return {
        tenants: {
          tenantForDomain: (domain) => {
            calls.tenantForDomain += 1;
            return local.tenants.tenantForDomain(domain);
          },
        },
        eligibility: {
          eligibility: (engagementIds, ids) => local.eligibility.eligibility(engagementIds, ids),
          opportunity: (id) => {
            calls.opportunity += 1;
            return local.eligibility.opportunity(id);
          },
        },
      };
    }

    const context = () => ({ db, clock, ports: countingPorts(), consent: { tokenSecret: 't'.repeat(40), publicBaseUrl: 'https://bot.test' } });

    async function partnerCaller(userId: string): Promise<PartnerCaller> {
      const caller = await findCaller(db.prisma, `aad-${userId}`);
      if (caller.kind !== 'partnerUser') throw new Error(`${userId} is not a partner user`);
      return caller;
    }

    beforeAll(() => {
      nomination = createNomination(context());
    });

    it('lets only Incentives users and admins begin, refusing the others with the directory’s one refusal', async () => {
      const directory = createDirectory(context());
      for (const userId of [w.noRole, w.referralsOnly]) {
        const caller = await partnerCaller(userId);
        await expect(nomination.begin(caller)).resolves.toEqual({ ok: false, message: await directory.accessRefusal(caller) });
      }
      await expect(nomination.begin(await partnerCaller(w.noRole))).resolves.toMatchObject({ message: expect.stringMatching(/no incentives role yet.*Alex Admin/) as unknown });
      await expect(nomination.begin(await partnerCaller(w.user))).resolves.toMatchObject({ ok: true, profile: { name: 'User UA-USER', email: 'ua-user@partner.example', phone: null } });
    });

    it('rule 2: a customer the partner already knows is not added, whatever the engagement: the flow ends, pointing to claim', async () => {
      const tpid = await eligibleTpid(w.fixed);
      await knownCustomer(tpid);
      const known = await nomination.offerAdd(await partnerCaller(w.user), { customerId: { type: 'TPID', value: tpid }, locationId: null });
      expect(known).toMatchObject({ ok: false, canRetry: false, message: expect.stringMatching(/already known to you .*so it is claimed, not added\. Nothing was created\.$/) as unknown });
      expect(known).toMatchObject({ claimInstead: { engagementId: null } });
      const asked = await nomination.offerAdd(await partnerCaller(w.user), { customerId: { type: 'TPID', value: tpid }, locationId: null, engagementId: w.fixed });
      expect(asked).toMatchObject({ ok: false, canRetry: false, message: expect.stringMatching(/so it is claimed, not added\. Nothing was created: claim it for .+ instead\.$/) as unknown });
      expect(asked).toMatchObject({ claimInstead: { engagementId: w.fixed } });
      const forB = await nomination.offerAdd(await partnerCaller(w.userB), { customerId: { type: 'TPID', value: tpid }, locationId: null });
      expect(forB.ok).toBe(true);
      const unknownDomain = await nomination.offerAdd(await partnerCaller(w.user), { customerId: { type: 'DOMAIN', value: 'nowhere.example' }, locationId: null });
      expect(unknownDomain).toMatchObject({ ok: false, canRetry: true, message: expect.stringContaining('No Microsoft tenant could be found') as unknown });
    });

    it('rule 2: only a customer known to the partner is claimed, with the contact of the partner’s latest claim proposed', async () => {
      const caller = await partnerCaller(w.user);
      const stranger = await f.customer({ ids: [{ type: 'TPID', value: await eligibleTpid(w.fixed) }] });
      await expect(nomination.claimableCustomer(caller, stranger)).resolves.toEqual({ ok: false, message: expect.stringContaining('is not one of your known customers') as unknown });
      const known = await knownCustomer(await eligibleTpid(w.fixed));
      await f.claim({ partnerId: w.partnerA, engagementId: w.fixed, customerId: known, locationId: w.location, userId: w.user, status: 'EXPIRED' });
      await expect(nomination.claimableCustomer(caller, known)).resolves.toEqual({
        ok: true,
        customer: { id: known, name: `Customer ${known}`, lastContact: { name: 'Casey Customer', email: 'casey@customer.example', phone: null } },
      });
      await expect(nomination.claimableCustomer(await partnerCaller(w.userB), known)).resolves.toMatchObject({ ok: false });
    });

    it('a VARIABLE claim is made by the customer’s eligible MSX opportunity and paid on it, looked up once when the engagement is chosen', async () => {
      const customer = await f.customer({ ids: [{ type: 'TPID', value: await eligibleTpid(w.fixed) }, { type: 'MSX_OPPORTUNITY_ID', value: '7-CLAIMVAR01' }] });
      await f.opportunity('7-CLAIMVAR01', customer, 300000);
      await f.eligible(w.variable, { type: 'MSX_OPPORTUNITY_ID', value: '7-CLAIMVAR01' });
      await f.known(w.partnerA, customer);
      const offer: NominationOffer = await nomination.offerClaim(await partnerCaller(w.user), { customerId: customer, locationId: w.location });
      calls.opportunity = 0;

      const variable = await nomination.chooseEngagements({ mode: 'claim', offer, engagementIds: [w.variable] });
      expect(variable).toMatchObject({
        ok: true,
        chosen: { engagementIds: [w.variable], hoursFor: { id: w.variable, maxHours: 40 }, opportunity: { id: '7-CLAIMVAR01', valueUsd: 300000 } },
      });
      expect(calls.opportunity).toBe(1);

      const fixed = await nomination.chooseEngagements({ mode: 'claim', offer, engagementIds: [w.fixed] });
      expect(fixed).toMatchObject({ ok: true, chosen: { hoursFor: null, opportunity: null } });
      expect(calls.opportunity).toBe(1);
      await expect(nomination.chooseEngagements({ mode: 'claim', offer, engagementIds: [w.variable, w.fixed] })).resolves.toEqual({
        ok: false,
        message: expect.stringContaining('on its own') as unknown,
      });
    });

    it('a VARIABLE claim of a customer with several eligible MSX opportunities offers each of them (id order), and is paid on the one pinned', async () => {
      const msx = (value: string) => ({ type: 'MSX_OPPORTUNITY_ID' as const, value });
      const customer = await f.customer({ ids: [msx('7-MULTIVAR03'), msx('7-MULTIVAR01'), msx('7-MULTIVAR02')] });
      await f.opportunity('7-MULTIVAR01', customer, 50000);
      await f.opportunity('7-MULTIVAR02', customer, 200000);
      await f.opportunity('7-MULTIVAR03', customer, 300000);
      await f.eligible(w.variable, msx('7-MULTIVAR01'));
      await f.eligible(w.variable, msx('7-MULTIVAR02'), false, 'Opportunity stage is not qualified');
      await f.eligible(w.variable, msx('7-MULTIVAR03'));
      await f.known(w.partnerA, customer);
      const caller = await partnerCaller(w.user);
      const offer = await nomination.offerClaim(caller, { customerId: customer, locationId: w.location });
      calls.opportunity = 0;

      const choice = await nomination.chooseEngagements({ mode: 'claim', offer, engagementIds: [w.variable] });
      const first = { id: '7-MULTIVAR01', name: 'Opportunity 7-MULTIVAR01', valueUsd: 50000 };
      const third = { id: '7-MULTIVAR03', name: 'Opportunity 7-MULTIVAR03', valueUsd: 300000 };
      expect(choice).toMatchObject({ ok: true, chosen: { opportunities: [first, third], opportunity: first } });
      expect(calls.opportunity).toBe(2);

      const input = claimInput(customer, { engagementIds: [w.variable], hours: 20, nominatedId: msx(third.id) });
      const result = await nomination.claimCustomer(caller, input);
      expect(result.claims.map((c) => [c.idValue, c.hours, c.proposedPayoutUsd])).toEqual([[third.id, 20, 3000]]);
    });

    it('VARIABLE needs hours and an MSX opportunity id: an add by any other id is refused, one by MSX id names the engagement the hours are for', async () => {
      await f.customer({ id: 'CUS-ADDVAR' });
      await f.opportunity('7-ADDVAR0001', 'CUS-ADDVAR', 120000);
      await f.eligible(w.variable, { type: 'MSX_OPPORTUNITY_ID', value: '7-ADDVAR0001' });
      const check = await nomination.offerAdd(await partnerCaller(w.user), { customerId: { type: 'MSX_OPPORTUNITY_ID', value: '7-ADDVAR0001' }, locationId: w.location });
      if (!check.ok) throw new Error(check.message);
      expect(check.offer.verdicts.find((v) => v.engagementId === w.variable)).toMatchObject({ eligible: true });
      const opportunity = check.opportunity;
      expect(opportunity).toMatchObject({ id: '7-ADDVAR0001', valueUsd: 120000 });
      await expect(nomination.chooseEngagements({ mode: 'add', idType: 'TPID', opportunity: null, offer: check.offer, engagementIds: [w.variable] })).resolves.toEqual({
        ok: false,
        message: expect.stringContaining('nominate the customer by its MSX opportunity ID') as unknown,
      });
      await expect(nomination.chooseEngagements({ mode: 'add', idType: 'MSX_OPPORTUNITY_ID', opportunity, offer: check.offer, engagementIds: [w.variable] })).resolves.toMatchObject({
        ok: true,
        chosen: { hoursFor: { id: w.variable }, opportunity },
      });
    });

    it('a tenant id must match the customer contact’s email domain, or a reason is asked; any other id asks nothing', async () => {
      await expect(nomination.contactMismatch({ type: 'TENANT_ID', value: contosoTenant }, 'ann@mail.contoso.com')).resolves.toBeNull();
      await expect(nomination.contactMismatch({ type: 'TENANT_ID', value: contosoTenant }, 'ann@fabrikam.com')).resolves.toBe(
        `The tenant ID ${contosoTenant} does not match the customer contact's email domain fabrikam.com, which belongs to tenant ${guid(2)}.`,
      );
      await expect(nomination.contactMismatch({ type: 'TENANT_ID', value: contosoTenant }, 'ann@unknown.example')).resolves.toMatch(/has no known tenant/);
      calls.tenantForDomain = 0;
      await expect(nomination.contactMismatch({ type: 'TPID', value: '42' }, 'ann@fabrikam.com')).resolves.toBeNull();
      expect(calls.tenantForDomain).toBe(0);
    });

    it('a shortcut’s engagement is found among the engagements of the caller’s partner only', async () => {
      const onlyB = await f.engagement({ name: 'Partner B Only Workshop' });
      await f.enrol(w.locationB, onlyB);
      const forA = await nomination.findEngagement(await partnerCaller(w.user), 'partner b only');
      expect(forA.kind).toBe('none');
      expect(forA.kind === 'none' && forA.engagements.map((e) => e.id)).not.toContain(onlyB);
      await expect(nomination.findEngagement(await partnerCaller(w.userB), 'partner b only')).resolves.toMatchObject({ kind: 'one', engagement: { id: onlyB } });
    });

    it('chooses the location: the only one possible, else the last one used unless asked to choose, else asks', async () => {
      const caller = await partnerCaller(w.user);
      await expect(nomination.decideLocation(caller, { engagementId: w.tpidOnly, lastLocationId: null, useLast: true })).resolves.toMatchObject({ kind: 'chosen', because: 'only', location: { id: w.location } });
      await expect(nomination.decideLocation(caller, { lastLocationId: w.fixedOnlyLocation, useLast: true })).resolves.toMatchObject({ kind: 'chosen', because: 'last', location: { id: w.fixedOnlyLocation } });
      await expect(nomination.decideLocation(caller, { lastLocationId: w.fixedOnlyLocation, useLast: false })).resolves.toMatchObject({ kind: 'ask', locations: [{ id: w.location }, { id: w.fixedOnlyLocation }] });
      const lonely = await f.partner();
      await f.user({ partnerId: lonely, id: 'U-LONELY' });
      await expect(nomination.decideLocation(await partnerCaller('U-LONELY'), { lastLocationId: null, useLast: true })).resolves.toEqual({ kind: 'none' });
    });
  });
});
