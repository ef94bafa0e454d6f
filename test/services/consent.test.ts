import { FixedClock, addDays } from '../../services/shared/clock';
import { ResendTooSoonError, answerConsent, consentPageView, requestConsent, resendConsent, type ConsentSettings, type RequestConsentInput } from '../../services/consent/consent';
import { CONSENT_EVENTS, ConsentEmailPayloadSchema } from '../../services/consent/email';
import { hashConsentToken } from '../../services/consent/token';
import type { ClaimStatus, Database } from '../../services/db';
import { findCaller, type Caller } from '../../services/directory/callers';
import { NotAllowedError } from '../../services/shared/errors';
import { Fixtures, T0, buildWorld, type World } from '../support/fixtures';
import { createTestDatabase } from '../support/testDatabase';

const SETTINGS: ConsentSettings = { tokenSecret: 's'.repeat(40), publicBaseUrl: 'https://consent.example' };

let db: Database;
let f: Fixtures;
let world: World;
let clock: FixedClock;
let customers = 0;
const callers: Record<string, Caller> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  f = new Fixtures(db);
  world = await buildWorld(f);
  for (const id of ['UA-USER', 'UA-NOROLE', 'UB-USER']) callers[id] = await findCaller(db.prisma, `aad-${id}`);
});

afterAll(async () => {
  await db.close();
});

beforeEach(() => {
  clock = new FixedClock(T0);
});

function caller(id: string): Caller {
  const found = callers[id];
  if (!found) throw new Error(`no caller ${id}`);
  return found;
}

/** A claim of partner A created by its Incentives user, consent window open for `daysLeft` more days. */
async function claim(status: ClaimStatus = 'CLAIMED', daysLeft = 20): Promise<string> {
  customers += 1;
  const customerId = await f.customer({ id: `CUS-CONSENT-${customers}`, name: `Customer ${customers}` });
  return f.claim({
    partnerId: world.partnerA,
    engagementId: world.fixed,
    customerId,
    locationId: world.location,
    userId: world.user,
    status,
    consentDeadline: addDays(T0, daysLeft),
  });
}

function input(claimId: string, overrides: Partial<RequestConsentInput> = {}): RequestConsentInput {
  return { claimId, estimatedDealSizeUsd: 25_000, disclaimerAccepted: true, ...overrides };
}

async function emails(claimId: string) {
  const rows = await db.prisma.outboxMessage.findMany({ where: { claimId, channel: 'EMAIL' }, orderBy: { createdAt: 'asc' } });
  return rows.map((row) => ({ row, payload: ConsentEmailPayloadSchema.parse(row.payload) }));
}

function tokenOf(actionUrl: string): string {
  return actionUrl.slice(`${SETTINGS.publicBaseUrl}/consent/`.length);
}

async function sendAndGetToken(claimId: string): Promise<string> {
  await requestConsent(db, clock, SETTINGS, caller('UA-USER'), input(claimId));
  const [email] = await emails(claimId);
  if (!email) throw new Error('no consent email queued');
  return tokenOf(email.payload.actionUrl);
}

/** Everything an answer could change, to prove a refusal changed nothing. */
async function snapshot(claimId: string) {
  return {
    claim: await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } }),
    consent: await db.prisma.consentRequest.findUnique({ where: { claimId } }),
    audit: await db.prisma.auditEvent.count({ where: { claimId } }),
    outbox: await db.prisma.outboxMessage.count({ where: { claimId } }),
  };
}

describe('requestConsent', () => {
  it('moves the claim to CONSENT_REQUESTED, stores only the token hash and queues the email with the link', async () => {
    const claimId = await claim();
    const updated = await requestConsent(db, clock, SETTINGS, caller('UA-USER'), input(claimId, {
      customerContact: { name: 'Dana Customer', email: 'Dana@Customer.Example' },
    }));
    expect(updated).toMatchObject({ status: 'CONSENT_REQUESTED', estimatedDealSizeUsd: 25_000, customerContactEmail: 'dana@customer.example' });
    expect(updated.disclaimerAcceptedAt).toEqual(T0);

    const [email, ...more] = await emails(claimId);
    expect(more).toHaveLength(0);
    expect(email?.row).toMatchObject({ event: CONSENT_EVENTS.requested, recipient: 'dana@customer.example', partnerId: world.partnerA, status: 'PENDING' });
    const token = tokenOf(email?.payload.actionUrl ?? '');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(email?.payload.text).toContain(`${SETTINGS.publicBaseUrl}/consent/${token}`);
    expect(email?.payload.text).toContain('Partner A');
    expect(email?.payload.text).toContain('Fixed Engagement');
    expect(email?.payload.text).toContain('test terms');
    expect(email?.payload.html).toContain(`href="${SETTINGS.publicBaseUrl}/consent/${token}"`);

    const consent = await db.prisma.consentRequest.findUniqueOrThrow({ where: { claimId } });
    expect(consent).toMatchObject({ tokenHash: hashConsentToken(SETTINGS.tokenSecret, token), expiresAt: addDays(T0, 20), sendCount: 1, response: null });
    expect(JSON.stringify(consent)).not.toContain(token);
    const audit = await db.prisma.auditEvent.findMany({ where: { claimId } });
    expect(audit.map((a) => a.action)).toEqual(['claim.send_consent']);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it.each([
    [{ estimatedDealSizeUsd: 0 }, 'more than 0'],
    [{ estimatedDealSizeUsd: -5 }, 'more than 0'],
    [{ estimatedDealSizeUsd: 10.5 }, 'whole number'],
    [{ estimatedDealSizeUsd: '12k' }, 'whole number'],
    [{ estimatedDealSizeUsd: 3_000_000_000 }, 'cannot exceed'],
    [{ disclaimerAccepted: false }, 'disclaimer must be accepted'],
  ] as [Partial<RequestConsentInput>, string][])('refuses %j and changes nothing', async (overrides, message) => {
    const claimId = await claim();
    const before = await snapshot(claimId);
    await expect(requestConsent(db, clock, SETTINGS, caller('UA-USER'), input(claimId, overrides))).rejects.toThrow(message);
    expect(await snapshot(claimId)).toEqual(before);
  });

  it('accepts a deal size given as digits', async () => {
    const claimId = await claim();
    expect((await requestConsent(db, clock, SETTINGS, caller('UA-USER'), input(claimId, { estimatedDealSizeUsd: '40000' }))).estimatedDealSizeUsd).toBe(40_000);
  });

  it('cannot be sent twice, so the deal size cannot change once sent', async () => {
    const claimId = await claim();
    await requestConsent(db, clock, SETTINGS, caller('UA-USER'), input(claimId));
    const before = await snapshot(claimId);
    await expect(requestConsent(db, clock, SETTINGS, caller('UA-USER'), input(claimId, { estimatedDealSizeUsd: 99 }))).rejects.toThrow(NotAllowedError);
    expect(await snapshot(claimId)).toEqual(before);
  });

  it("refuses another partner's claim and a user without a role, changing nothing", async () => {
    const claimId = await claim();
    const before = await snapshot(claimId);
    await expect(requestConsent(db, clock, SETTINGS, caller('UB-USER'), input(claimId))).rejects.toThrow(`Claim ${claimId} was not found.`);
    await expect(requestConsent(db, clock, SETTINGS, caller('UA-NOROLE'), input(claimId))).rejects.toThrow('Only Incentives users');
    expect(await snapshot(claimId)).toEqual(before);
  });

  it('refuses once the consent window has closed', async () => {
    const claimId = await claim('ADDED', 1);
    clock.advanceDays(2);
    await expect(requestConsent(db, clock, SETTINGS, caller('UA-USER'), input(claimId))).rejects.toThrow('consent window closed');
  });
});

describe('resendConsent', () => {
  it('re-sends a reminder with the same link once per 24 hours, saying when the next re-send is allowed', async () => {
    const claimId = await claim();
    const token = await sendAndGetToken(claimId);

    clock.set(new Date(T0.getTime() + 23 * 60 * 60 * 1000));
    const before = await snapshot(claimId);
    const tooSoon = resendConsent(db, clock, SETTINGS, caller('UA-USER'), { claimId });
    await expect(tooSoon).rejects.toThrow(ResendTooSoonError);
    await expect(resendConsent(db, clock, SETTINGS, caller('UA-USER'), { claimId })).rejects.toThrow('You can re-send it again from 3 March 2026 at 09:00 UTC');
    expect(await snapshot(claimId)).toEqual(before);

    clock.set(addDays(T0, 1));
    await resendConsent(db, clock, SETTINGS, caller('UA-USER'), { claimId });
    const sent = await emails(claimId);
    expect(sent.map((e) => e.row.event)).toEqual([CONSENT_EVENTS.requested, CONSENT_EVENTS.reminder]);
    expect(tokenOf(sent[1]?.payload.actionUrl ?? '')).toBe(token);
    expect(sent[1]?.payload.subject).toMatch(/^Reminder: /);
    expect(await db.prisma.consentRequest.findUniqueOrThrow({ where: { claimId } })).toMatchObject({
      sendCount: 2,
      lastSentAt: addDays(T0, 1),
      firstSentAt: T0,
      tokenHash: hashConsentToken(SETTINGS.tokenSecret, token),
    });
    const actions = await db.prisma.auditEvent.findMany({ where: { claimId }, orderBy: { at: 'asc' }, select: { action: true } });
    expect(actions.map((a) => a.action)).toEqual(['claim.send_consent', 'claim.resend_consent']);
    expect((await consentPageView(db, clock, SETTINGS, token)).ok).toBe(true);

    try {
      await resendConsent(db, clock, SETTINGS, caller('UA-USER'), { claimId });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(ResendTooSoonError);
      expect((error as ResendTooSoonError).nextAllowedAt).toEqual(addDays(T0, 2));
    }
  });

  it('issues a new link when the earlier one cannot be recovered, and the old one stops working', async () => {
    const claimId = await claim();
    const oldToken = await sendAndGetToken(claimId);
    await db.prisma.outboxMessage.deleteMany({ where: { claimId } });
    clock.advanceDays(1);
    await resendConsent(db, clock, SETTINGS, caller('UA-USER'), { claimId });
    const [reminder] = await emails(claimId);
    const newToken = tokenOf(reminder?.payload.actionUrl ?? '');
    expect(newToken).not.toBe(oldToken);
    expect(await consentPageView(db, clock, SETTINGS, oldToken)).toMatchObject({ ok: false, problem: 'unknown' });
    expect((await consentPageView(db, clock, SETTINGS, newToken)).ok).toBe(true);
  });

  it('counts one of two racing re-sends, and refuses another partner', async () => {
    const claimId = await claim();
    await sendAndGetToken(claimId);
    clock.advanceDays(1);
    await expect(resendConsent(db, clock, SETTINGS, caller('UB-USER'), { claimId })).rejects.toThrow(`Claim ${claimId} was not found.`);
    const results = await Promise.allSettled([
      resendConsent(db, clock, SETTINGS, caller('UA-USER'), { claimId }),
      resendConsent(db, clock, SETTINGS, caller('UA-USER'), { claimId }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refusals: unknown[] = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toBeInstanceOf(NotAllowedError);
    expect(await db.prisma.consentRequest.findUniqueOrThrow({ where: { claimId } })).toMatchObject({ sendCount: 2 });
    expect((await emails(claimId)).map((e) => e.row.event)).toEqual([CONSENT_EVENTS.requested, CONSENT_EVENTS.reminder]);
  });

  it('refuses a claim whose consent email was never sent', async () => {
    const claimId = await claim();
    await expect(resendConsent(db, clock, SETTINGS, caller('UA-USER'), { claimId })).rejects.toThrow('cannot be re-sent');
  });
});

describe('answerConsent', () => {
  it('accepts once: CONSENT_GRANTED, known customer, answer recorded with its time, Teams message to the creator', async () => {
    const claimId = await claim();
    const token = await sendAndGetToken(claimId);
    clock.advanceDays(2);
    const view = await consentPageView(db, clock, SETTINGS, token);
    expect(view).toMatchObject({ ok: true, view: { partnerName: 'Partner A', engagementName: 'Fixed Engagement', consentTerms: 'test terms', deadline: addDays(T0, 20) } });

    const result = await answerConsent(db, clock, SETTINGS, { token, answer: 'ACCEPTED' });
    expect(result).toMatchObject({ ok: true, response: 'ACCEPTED', claim: { status: 'CONSENT_GRANTED', consentAnsweredAt: addDays(T0, 2) } });
    const row = await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
    expect(row.submissionDeadline).toEqual(addDays(T0, 92));
    expect(await db.prisma.knownCustomer.findUnique({ where: { partnerId_customerId: { partnerId: world.partnerA, customerId: row.customerId } } })).not.toBeNull();
    expect(await db.prisma.consentRequest.findUniqueOrThrow({ where: { claimId } })).toMatchObject({ response: 'ACCEPTED', respondedAt: addDays(T0, 2) });
    const teams = await db.prisma.outboxMessage.findMany({ where: { claimId, channel: 'TEAMS' } });
    expect(teams).toHaveLength(1);
    expect(teams[0]).toMatchObject({ event: CONSENT_EVENTS.accepted, recipient: 'aad-UA-USER' });
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { claimId, action: 'claim.accept_consent' } });
    expect(audit).toMatchObject({ actorKind: 'CUSTOMER', actorId: 'casey@customer.example' });

    const before = await snapshot(claimId);
    for (const answer of ['ACCEPTED', 'DECLINED'] as const) {
      expect(await answerConsent(db, clock, SETTINGS, { token, answer })).toMatchObject({ ok: false, problem: 'answered', answered: { response: 'ACCEPTED' } });
    }
    expect(await consentPageView(db, clock, SETTINGS, token)).toMatchObject({ ok: false, problem: 'answered' });
    expect(await snapshot(claimId)).toEqual(before);
  });

  it('declines: DECLINED, closed, Teams message to the creator', async () => {
    const claimId = await claim('ADDED');
    const token = await sendAndGetToken(claimId);
    const result = await answerConsent(db, clock, SETTINGS, { token, answer: 'DECLINED' });
    expect(result).toMatchObject({ ok: true, claim: { status: 'DECLINED', openClaimKey: null, closeReason: 'The customer declined consent.' } });
    expect(await db.prisma.outboxMessage.findFirst({ where: { claimId, channel: 'TEAMS' } })).toMatchObject({ event: CONSENT_EVENTS.declined });
  });

  it('changes the claim once when two answers race', async () => {
    const claimId = await claim();
    const token = await sendAndGetToken(claimId);
    const results = await Promise.all([
      answerConsent(db, clock, SETTINGS, { token, answer: 'ACCEPTED' }),
      answerConsent(db, clock, SETTINGS, { token, answer: 'DECLINED' }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([expect.objectContaining({ ok: false })]);
    expect(await db.prisma.auditEvent.count({ where: { claimId, action: { in: ['claim.accept_consent', 'claim.decline_consent'] } } })).toBe(1);
    expect(await db.prisma.outboxMessage.count({ where: { claimId, channel: 'TEAMS' } })).toBe(1);
  });

  it('refuses an expired token, and garbage or unknown tokens, changing nothing', async () => {
    const claimId = await claim('CLAIMED', 3);
    const token = await sendAndGetToken(claimId);
    const before = await snapshot(claimId);
    const cases: [string, string][] = [
      ['not a token', 'malformed'],
      ['', 'malformed'],
      [`${token}x`, 'malformed'],
      ['A'.repeat(43), 'unknown'],
    ];
    for (const [garbage, problem] of cases) {
      expect(await answerConsent(db, clock, SETTINGS, { token: garbage, answer: 'ACCEPTED' })).toMatchObject({ ok: false, problem });
      expect(await consentPageView(db, clock, SETTINGS, garbage)).toMatchObject({ ok: false, problem });
    }
    clock.advanceDays(3);
    expect(await answerConsent(db, clock, SETTINGS, { token, answer: 'ACCEPTED' })).toMatchObject({ ok: false, problem: 'expired' });
    expect(await answerConsent(db, clock, SETTINGS, { token, answer: 'DECLINED' })).toMatchObject({ ok: false, problem: 'expired' });
    expect(await snapshot(claimId)).toEqual(before);
  });

  it('does not answer with a token hashed under another secret', async () => {
    const claimId = await claim();
    const token = await sendAndGetToken(claimId);
    expect(await answerConsent(db, clock, { ...SETTINGS, tokenSecret: 'o'.repeat(40) }, { token, answer: 'ACCEPTED' })).toMatchObject({ ok: false, problem: 'unknown' });
  });

  it('refuses a claim canceled after the email was sent, changing nothing', async () => {
    const claimId = await claim();
    const token = await sendAndGetToken(claimId);
    await db.prisma.claim.update({ where: { id: claimId }, data: { status: 'CANCELED', openClaimKey: null, closedAt: T0 } });
    const before = await snapshot(claimId);
    expect(await answerConsent(db, clock, SETTINGS, { token, answer: 'ACCEPTED' })).toMatchObject({ ok: false, problem: 'closed' });
    expect(await snapshot(claimId)).toEqual(before);
  });
});
