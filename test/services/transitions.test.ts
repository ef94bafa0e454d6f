import { openClaimKey, type ClaimEvent } from '../../services/claims/lifecycle';
import { CLAIM_CHANGED_MEANWHILE, applyTransition, applyTransitionInTx, type TransitionRequest } from '../../services/claims/transitions';
import { FixedClock, addDays } from '../../services/shared/clock';
import type { Claim, ClaimStatus, Database, Prisma, PrismaClient, Tx } from '../../services/db';
import { NotAllowedError } from '../../services/shared/errors';
import type { OutboxDraft } from '../../services/outbox/outbox';
import { createTestDatabase } from '../support/testDatabase';

const START = new Date('2026-03-01T10:00:00.000Z');
const PARTNER_A = 'partner-a';
const PARTNER_B = 'partner-b';
const ENGAGEMENT = 'eng-fixed';
const CONSENT_WINDOW_DAYS = 30;
const SUBMISSION_WINDOW_DAYS = 45;
const userActor = { kind: 'USER', id: 'user-a' } as const;

let db: Database;
let prisma: PrismaClient;
let clock: FixedClock;
let sequence = 0;

/** The minimal rows a claim hangs on: two partners, each with a location and a user, and one engagement. */
async function seedFixture(): Promise<void> {
  for (const [partnerId, tenant] of [
    [PARTNER_A, '00000000-0000-0000-0000-0000000000aa'],
    [PARTNER_B, '00000000-0000-0000-0000-0000000000bb'],
  ] as const) {
    await prisma.partner.create({ data: { id: partnerId, name: partnerId, tenantId: tenant } });
    await prisma.location.create({ data: { id: `loc-${partnerId}`, partnerId, name: 'HQ', country: 'NL', mciEnrolled: true } });
    await prisma.partnerUser.create({
      data: {
        id: `user-${partnerId}`,
        partnerId,
        aadObjectId: `aad-${partnerId}`,
        tenantId: tenant,
        displayName: `User of ${partnerId}`,
        email: `user@${partnerId}.example`,
      },
    });
  }
  await prisma.engagement.create({
    data: {
      id: ENGAGEMENT,
      name: 'Azure Migrate',
      description: 'Migration assessment',
      consentTerms: 'You agree to work with the partner.',
      payType: 'FIXED',
      consentWindowDays: CONSENT_WINDOW_DAYS,
      submissionWindowDays: SUBMISSION_WINDOW_DAYS,
      maxActiveClaimsPerCustomer: 1,
    },
  });
}

/** A claim of partner A (unless told otherwise) for a customer of its own, in the given status. */
async function makeClaim(status: ClaimStatus, overrides: Partial<Prisma.ClaimUncheckedCreateInput> = {}): Promise<Claim> {
  sequence += 1;
  const partnerId = overrides.partnerId ?? PARTNER_A;
  const customerId = `cust-${sequence}`;
  await prisma.customer.create({ data: { id: customerId, name: `Customer ${sequence}` } });
  return prisma.claim.create({
    data: {
      id: `CLM-${String(sequence).padStart(6, '0')}`,
      partnerId,
      engagementId: ENGAGEMENT,
      locationId: `loc-${partnerId}`,
      customerId,
      idType: 'DOMAIN',
      idValue: `customer${sequence}.example`,
      friendlyName: `Claim ${sequence}`,
      origin: 'ADDED',
      status,
      openClaimKey: openClaimKey(partnerId, ENGAGEMENT, customerId),
      customerContactName: 'Jane Customer',
      customerContactEmail: `jane@customer${sequence}.example`,
      partnerContactName: 'Pat Partner',
      partnerContactEmail: `pat@${partnerId}.example`,
      consentDeadline: addDays(START, CONSENT_WINDOW_DAYS),
      submissionDeadline: ['CONSENT_GRANTED', 'SUBMITTED', 'REJECTED'].includes(status) ? addDays(START, SUBMISSION_WINDOW_DAYS) : null,
      createdByUserId: `user-${partnerId}`,
      createdAt: START,
      ...overrides,
    },
  });
}

/** A new open claim for the same partner, engagement and customer as `claim`. */
function sameSlot(claim: Claim, id: string): Prisma.ClaimUncheckedCreateInput {
  return {
    id,
    partnerId: claim.partnerId,
    engagementId: claim.engagementId,
    locationId: claim.locationId,
    customerId: claim.customerId,
    idType: claim.idType,
    idValue: claim.idValue,
    friendlyName: claim.friendlyName,
    origin: 'CLAIMED',
    status: 'CLAIMED',
    openClaimKey: openClaimKey(claim.partnerId, claim.engagementId, claim.customerId),
    customerContactName: claim.customerContactName,
    customerContactEmail: claim.customerContactEmail,
    partnerContactName: claim.partnerContactName,
    partnerContactEmail: claim.partnerContactEmail,
    consentDeadline: addDays(claim.consentDeadline, 60),
    createdByUserId: claim.createdByUserId,
  };
}

function notice(event: string): (claim: Claim) => OutboxDraft[] {
  return (claim) => [
    {
      channel: 'TEAMS',
      event,
      dedupeKey: `${event}:${claim.id}:${claim.version}`,
      recipient: claim.partnerContactEmail,
      claimId: claim.id,
      partnerId: claim.partnerId,
      payload: { claimId: claim.id, status: claim.status },
    },
  ];
}

function request(claim: Claim, event: ClaimEvent, extra: Partial<TransitionRequest> = {}): TransitionRequest {
  return { claimId: claim.id, partnerId: claim.partnerId, event, actor: userActor, ...extra };
}

/** Everything a transition could change about a claim: the row and its audit and outbox rows. */
async function snapshot(claimId: string) {
  return {
    claim: await prisma.claim.findUnique({ where: { id: claimId } }),
    audit: await prisma.auditEvent.count({ where: { claimId } }),
    outbox: await prisma.outboxMessage.count({ where: { claimId } }),
  };
}

async function expectRefusal(work: Promise<unknown>, message: RegExp | string): Promise<NotAllowedError> {
  const error = await work.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(NotAllowedError);
  if (!(error instanceof NotAllowedError)) throw new Error('expected a NotAllowedError');
  expect(error.message).toMatch(message);
  return error;
}

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma;
  await seedFixture();
});

afterAll(async () => {
  await db.close();
});

beforeEach(() => {
  clock = new FixedClock(addDays(START, 1));
});

describe('a transition writes the new state, an audit event and the outbox rows together', () => {
  it('sends consent: status, timestamp, changes, version, audit and outbox', async () => {
    const claim = await makeClaim('ADDED');
    const now = clock.now();
    const updated = await applyTransition(
      db,
      clock,
      request(claim, 'SEND_CONSENT', {
        changes: { estimatedDealSizeUsd: 75_000, disclaimerAcceptedAt: now, customerContactEmail: 'it@customer.example' },
        outbox: notice('consent.requested'),
      }),
    );

    expect(updated).toMatchObject({
      status: 'CONSENT_REQUESTED',
      consentRequestedAt: now,
      estimatedDealSizeUsd: 75_000,
      disclaimerAcceptedAt: now,
      customerContactEmail: 'it@customer.example',
      version: claim.version + 1,
      openClaimKey: claim.openClaimKey,
      closedAt: null,
    });
    expect(await prisma.claim.findUniqueOrThrow({ where: { id: claim.id } })).toEqual(updated);

    const audit = await prisma.auditEvent.findMany({ where: { claimId: claim.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      partnerId: PARTNER_A,
      actorKind: 'USER',
      actorId: 'user-a',
      action: 'claim.send_consent',
      before: { status: 'ADDED', version: 0 },
      after: { status: 'CONSENT_REQUESTED', version: 1, estimatedDealSizeUsd: 75_000, disclaimerAcceptedAt: now.toISOString() },
      at: now,
    });

    const outbox = await prisma.outboxMessage.findMany({ where: { claimId: claim.id } });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      event: 'consent.requested',
      recipient: claim.partnerContactEmail,
      partnerId: PARTNER_A,
      payload: { claimId: claim.id, status: 'CONSENT_REQUESTED' },
      nextAttemptAt: now,
    });
  });

  it("accepting consent starts the engagement's submission window", async () => {
    const claim = await makeClaim('CONSENT_REQUESTED');
    clock.advanceDays(3);
    const customer = { partnerId: null, actor: { kind: 'CUSTOMER', id: 'jane' } } as const;
    const updated = await applyTransition(db, clock, { ...request(claim, 'ACCEPT_CONSENT'), ...customer });
    expect(updated.status).toBe('CONSENT_GRANTED');
    expect(updated.consentAnsweredAt).toEqual(clock.now());
    expect(updated.submissionDeadline).toEqual(addDays(clock.now(), SUBMISSION_WINDOW_DAYS));
  });

  it('makes a customer who consents known to the partner, and only then', async () => {
    const claim = await makeClaim('CONSENT_REQUESTED');
    const known = () => prisma.knownCustomer.findUnique({ where: { partnerId_customerId: { partnerId: claim.partnerId, customerId: claim.customerId } } });
    expect(await known()).toBeNull();
    const customer = { partnerId: null, actor: { kind: 'CUSTOMER', id: 'jane' } } as const;
    await applyTransition(db, clock, { ...request(claim, 'ACCEPT_CONSENT'), ...customer });
    expect(await known()).toMatchObject({ firstClaimId: claim.id, knownSince: clock.now() });
  });

  it('does not make a customer who declines known to the partner', async () => {
    const claim = await makeClaim('CONSENT_REQUESTED');
    const customer = { partnerId: null, actor: { kind: 'CUSTOMER', id: 'jane' } } as const;
    await applyTransition(db, clock, { ...request(claim, 'DECLINE_CONSENT'), ...customer });
    expect(await prisma.knownCustomer.count({ where: { partnerId: claim.partnerId, customerId: claim.customerId } })).toBe(0);
  });

  it('stamps submission and review, and lets a rejected claim be resubmitted', async () => {
    const claim = await makeClaim('CONSENT_GRANTED');
    const submitted = await applyTransition(
      db,
      clock,
      request(claim, 'SUBMIT', { changes: { deliverySummary: 'Assessment delivered', evidenceLinks: ['https://evidence.example/1'] } }),
    );
    expect(submitted).toMatchObject({ status: 'SUBMITTED', submittedAt: clock.now(), evidenceLinks: ['https://evidence.example/1'] });

    clock.advanceDays(1);
    const review = { changes: { reviewNote: 'Evidence missing' }, partnerId: null, actor: { kind: 'SYSTEM', id: null } } as const;
    const rejected = await applyTransition(db, clock, request(claim, 'REJECT', review));
    expect(rejected).toMatchObject({ status: 'REJECTED', reviewedAt: clock.now(), reviewNote: 'Evidence missing', closedAt: null });
    expect(rejected.openClaimKey).toBe(claim.openClaimKey);

    clock.advanceDays(1);
    const resubmitted = await applyTransition(db, clock, request(claim, 'SUBMIT'));
    expect(resubmitted).toMatchObject({ status: 'SUBMITTED', submittedAt: clock.now(), version: 3 });
    expect(await prisma.auditEvent.count({ where: { claimId: claim.id } })).toBe(3);
  });

  it('composes inside a caller transaction, and rolls back with it', async () => {
    const claim = await makeClaim('ADDED');
    const before = await snapshot(claim.id);
    await expect(
      prisma.$transaction(async (tx) => {
        await applyTransitionInTx(tx, clock, request(claim, 'SEND_CONSENT', { outbox: notice('consent.requested') }));
        throw new Error('the caller failed after the transition');
      }),
    ).rejects.toThrow('the caller failed after the transition');
    expect(await snapshot(claim.id)).toEqual(before);

    const updated = await prisma.$transaction((tx) => applyTransitionInTx(tx, clock, request(claim, 'SEND_CONSENT')));
    expect(updated.status).toBe('CONSENT_REQUESTED');
  });

  it('passes the transaction to the outbox callback so it can read what the messages need', async () => {
    const claim = await makeClaim('CONSENT_REQUESTED');
    await applyTransition(db, clock, {
      ...request(claim, 'ACCEPT_CONSENT'),
      outbox: async (updated, tx: Tx) => {
        const engagement = await tx.engagement.findUniqueOrThrow({ where: { id: updated.engagementId } });
        return notice(`consent.accepted.${engagement.name}`)(updated);
      },
    });
    const row = await prisma.outboxMessage.findFirst({ where: { claimId: claim.id } });
    expect(row).toMatchObject({ event: 'consent.accepted.Azure Migrate' });
  });
});

describe('terminal transitions close the claim and free its open-claim slot', () => {
  const cases: [ClaimStatus, ClaimEvent, ClaimStatus, number][] = [
    ['CLAIMED', 'CANCEL', 'CANCELED', 1],
    ['CONSENT_REQUESTED', 'DECLINE_CONSENT', 'DECLINED', 1],
    ['ADDED', 'EXPIRE', 'EXPIRED', CONSENT_WINDOW_DAYS],
    ['CONSENT_GRANTED', 'EXPIRE', 'EXPIRED', SUBMISSION_WINDOW_DAYS],
    ['SUBMITTED', 'COMPLETE', 'COMPLETED', 1],
    ['SUBMITTED', 'REJECT_FINAL', 'REJECTED_FINAL', 1],
  ];

  it.each(cases)('%s + %s → %s', async (from, event, to, days) => {
    const claim = await makeClaim(from);
    clock.set(addDays(START, days));
    const updated = await applyTransition(db, clock, { ...request(claim, event), partnerId: null, actor: { kind: 'SYSTEM', id: null } });
    expect(updated).toMatchObject({ status: to, openClaimKey: null, closedAt: clock.now() });

    // The same partner, engagement and customer may now have a new open claim.
    await expect(prisma.claim.create({ data: sameSlot(claim, `${claim.id}-again`) })).resolves.toMatchObject({
      openClaimKey: claim.openClaimKey,
    });
  });

  it('keeps the slot taken while a claim is open', async () => {
    const claim = await makeClaim('ADDED');
    await expect(prisma.claim.create({ data: sameSlot(claim, `${claim.id}-dup`) })).rejects.toThrow(/openClaimKey|Unique constraint/);
  });
});

describe('a refused transition changes nothing', () => {
  it('refuses an event the status does not allow', async () => {
    const claim = await makeClaim('ADDED');
    const before = await snapshot(claim.id);
    await expectRefusal(applyTransition(db, clock, request(claim, 'SUBMIT', { outbox: notice('claim.submitted') })), /cannot be submitted/);
    expect(await snapshot(claim.id)).toEqual(before);
  });

  it('refuses sending consent after the consent window, with the date', async () => {
    const claim = await makeClaim('CLAIMED');
    clock.set(addDays(START, CONSENT_WINDOW_DAYS));
    const before = await snapshot(claim.id);
    await expectRefusal(
      applyTransition(db, clock, request(claim, 'SEND_CONSENT', { outbox: notice('consent.requested') })),
      "This claim's consent window closed on 31 March 2026.",
    );
    expect(await snapshot(claim.id)).toEqual(before);
  });

  it('refuses a change the event may not make', async () => {
    const claim = await makeClaim('CONSENT_REQUESTED', { estimatedDealSizeUsd: 10_000 });
    const before = await snapshot(claim.id);
    await expectRefusal(
      applyTransition(db, clock, request(claim, 'RESEND_CONSENT', { changes: { estimatedDealSizeUsd: 20_000 } })),
      /estimated deal size/,
    );
    expect(await snapshot(claim.id)).toEqual(before);
  });

  it("treats another partner's claim as not found, exactly like a missing one", async () => {
    const claim = await makeClaim('ADDED');
    const before = await snapshot(claim.id);
    const foreign = await expectRefusal(
      applyTransition(
        db,
        clock,
        request(claim, 'CANCEL', { outbox: notice('claim.canceled'), partnerId: PARTNER_B, actor: { kind: 'USER', id: 'user-partner-b' } }),
      ),
      /not found/,
    );
    const missing = await expectRefusal(applyTransition(db, clock, { ...request(claim, 'CANCEL'), claimId: 'CLM-NOPE' }), /not found/);
    expect(foreign.message.replace(claim.id, '<id>')).toBe(missing.message.replace('CLM-NOPE', '<id>'));
    expect(await snapshot(claim.id)).toEqual(before);
  });

  it('rolls the status change back when the outbox callback fails', async () => {
    const claim = await makeClaim('CONSENT_REQUESTED');
    const before = await snapshot(claim.id);
    await expect(
      applyTransition(db, clock, {
        ...request(claim, 'ACCEPT_CONSENT'),
        outbox: () => {
          throw new Error('recipient lookup failed');
        },
      }),
    ).rejects.toThrow('recipient lookup failed');
    expect(await snapshot(claim.id)).toEqual(before);
  });
});

describe('racing transitions', () => {
  it('lets exactly one of two concurrent transitions win', async () => {
    const claim = await makeClaim('ADDED');
    const results = await Promise.allSettled([
      applyTransition(db, clock, request(claim, 'CANCEL', { outbox: notice('claim.canceled') })),
      applyTransition(db, clock, request(claim, 'SEND_CONSENT', { outbox: notice('consent.requested') })),
    ]);
    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result) => result.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.status === 'rejected' && lost[0].reason).toBeInstanceOf(NotAllowedError);

    const after = await snapshot(claim.id);
    expect(after.claim?.version).toBe(1);
    expect(after.audit).toBe(1);
    expect(after.outbox).toBe(1);
    const winner = won[0]?.status === 'fulfilled' ? won[0].value : null;
    expect(after.claim?.status).toBe(winner?.status);
  });

  it('lets exactly one of two concurrent identical transitions win', async () => {
    const claim = await makeClaim('CONSENT_REQUESTED');
    const results = await Promise.allSettled([
      applyTransition(db, clock, request(claim, 'ACCEPT_CONSENT', { outbox: notice('consent.accepted') })),
      applyTransition(db, clock, request(claim, 'ACCEPT_CONSENT', { outbox: notice('consent.accepted') })),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await snapshot(claim.id)).toMatchObject({ audit: 1, outbox: 1, claim: { status: 'CONSENT_GRANTED', version: 1 } });
  });

  it('refuses the update when the claim changed between reading and writing', async () => {
    const claim = await makeClaim('ADDED');
    const before = await snapshot(claim.id);
    // Another writer commits between this transition's read and its update; simulated inside the same transaction.
    const racing = prisma.$transaction(async (tx) => {
      const interleaved = afterClaimRead(tx, async () => {
        await tx.claim.update({ where: { id: claim.id }, data: { version: { increment: 1 } } });
      });
      return applyTransitionInTx(interleaved, clock, request(claim, 'CANCEL', { outbox: notice('claim.canceled') }));
    });
    await expectRefusal(racing, CLAIM_CHANGED_MEANWHILE);
    expect(await snapshot(claim.id)).toEqual(before);
  });
});

/** A transaction client that runs `between` right after the executor has read the claim. */
function afterClaimRead(tx: Tx, between: () => Promise<void>): Tx {
  const claims = new Proxy(tx.claim, {
    get(target, property) {
      if (property !== 'findFirst') return Reflect.get(target, property) as unknown;
      return async (args: Prisma.ClaimFindFirstArgs) => {
        const row = await target.findFirst(args);
        await between();
        return row;
      };
    },
  });
  return new Proxy(tx, {
    get(target, property) {
      return property === 'claim' ? claims : (Reflect.get(target, property) as unknown);
    },
  });
}
