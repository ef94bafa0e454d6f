import { FixedClock, addDays } from '../../services/shared/clock';
import type { ClaimStatus, Database } from '../../services/db';
import { findCaller, type Caller } from '../../services/directory/callers';
import { NotAllowedError } from '../../services/shared/errors';
import { LocalReviewPort, recordReview } from '../../services/ports/review';
import { checkProof, completionDateRange, submitClaim, type SubmitClaimInput } from '../../services/claims/submission';
import { Fixtures, T0, buildWorld, type World } from '../support/fixtures';
import { createTestDatabase } from '../support/testDatabase';

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
  for (const id of ['UA-USER', 'UA-ADMIN', 'UA-NOROLE', 'UA-REF', 'UB-USER']) callers[id] = await findCaller(db.prisma, `aad-${id}`);
});

afterAll(async () => {
  await db.close();
});

beforeEach(() => {
  clock = new FixedClock(T0);
});

const CONSENTED_AT = addDays(T0, -10);

/** A claim of partner A, consented 10 days before T0, with its submission window open for 20 more days. */
async function claim(status: ClaimStatus = 'CONSENT_GRANTED', submissionInDays = 20): Promise<string> {
  customers += 1;
  const customerId = await f.customer({ id: `CUS-SUB-${customers}` });
  return f.claim({
    partnerId: world.partnerA,
    engagementId: world.fixed,
    customerId,
    locationId: world.location,
    userId: world.user,
    status,
    consentDeadline: addDays(T0, -5),
    submissionDeadline: addDays(T0, submissionInDays),
    consentAnsweredAt: CONSENTED_AT,
  });
}

function proof(claimId: string, overrides: Partial<SubmitClaimInput> = {}): SubmitClaimInput {
  return {
    claimId,
    deliverySummary: 'Threat exploration report and remediation roadmap presented to the CISO.',
    completionDate: '2026-02-27',
    evidenceLinks: ['https://partner.sharepoint.com/sites/mci/report.pdf'],
    ...overrides,
  };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NotAllowedError);
  return (error as NotAllowedError).message;
}

async function state(id: string) {
  return {
    claim: await db.prisma.claim.findUniqueOrThrow({ where: { id } }),
    audit: await db.prisma.auditEvent.findMany({ where: { claimId: id }, orderBy: { at: 'asc' } }),
    outbox: await db.prisma.outboxMessage.findMany({ where: { claimId: id }, orderBy: { createdAt: 'asc' } }),
  };
}

const caller = (id: string): Caller => {
  const found = callers[id];
  if (!found) throw new Error(`no caller ${id}`);
  return found;
};

describe('submitClaim', () => {
  it('submits a consented claim with its proof, writes the audit event and tells the creator', async () => {
    const id = await claim();
    const submitted = await submitClaim(db, clock, caller('UA-ADMIN'), proof(id, { deliverySummary: '   Workshop held and the roadmap delivered on site.  ' }));
    expect(submitted).toMatchObject({
      status: 'SUBMITTED',
      submittedAt: T0,
      deliverySummary: 'Workshop held and the roadmap delivered on site.',
      completionDate: new Date('2026-02-27T00:00:00.000Z'),
      evidenceLinks: ['https://partner.sharepoint.com/sites/mci/report.pdf'],
    });
    const { audit, outbox } = await state(id);
    expect(audit.map((a) => [a.action, a.actorKind, a.actorId])).toEqual([['claim.submit', 'USER', 'UA-ADMIN']]);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ event: 'claim.submitted', channel: 'TEAMS', recipient: 'aad-UA-USER', partnerId: world.partnerA });
  });

  it('does not tell the creator of a submission they made themselves', async () => {
    const id = await claim();
    await submitClaim(db, clock, caller('UA-USER'), proof(id));
    expect((await state(id)).outbox).toEqual([]);
  });

  it('lets an Incentives user resubmit a REJECTED claim within the window', async () => {
    const id = await claim('REJECTED');
    expect((await submitClaim(db, clock, caller('UA-USER'), proof(id))).status).toBe('SUBMITTED');
  });

  it.each<[string, Partial<SubmitClaimInput>, string]>([
    ['a short summary', { deliverySummary: 'Done.' }, 'at least 20 characters'],
    ['a long summary', { deliverySummary: 'x'.repeat(4001) }, '4000 characters'],
    ['no evidence link', { evidenceLinks: [] }, 'at least one evidence link'],
    ['eleven links', { evidenceLinks: Array.from({ length: 11 }, (_, i) => `https://evidence.example.com/${i}`) }, 'at most 10'],
    ['an http link', { evidenceLinks: ['http://evidence.example.com/report.pdf'] }, 'https://'],
    ['a link that is no address', { evidenceLinks: ['report.pdf'] }, 'https://'],
    ['a repeated link', { evidenceLinks: ['https://a.example.com/x', 'https://a.example.com/x'] }, 'only once'],
    ['a bad date', { completionDate: 'last week' }, 'a date such as'],
  ])('refuses %s and changes nothing', async (_name, overrides, expected) => {
    const id = await claim();
    expect(await refusal(submitClaim(db, clock, caller('UA-USER'), proof(id, overrides)))).toContain(expected);
    const { claim: after, audit, outbox } = await state(id);
    expect(after.status).toBe('CONSENT_GRANTED');
    expect(audit).toHaveLength(0);
    expect(outbox).toHaveLength(0);
  });

  it('refuses a completion date in the future or before consent, and accepts today and the consent day', async () => {
    const id = await claim();
    expect(await refusal(submitClaim(db, clock, caller('UA-USER'), proof(id, { completionDate: addDays(T0, 1) })))).toContain('in the future');
    expect(await refusal(submitClaim(db, clock, caller('UA-USER'), proof(id, { completionDate: addDays(CONSENTED_AT, -1) })))).toContain(
      'before the customer consented',
    );
    expect((await submitClaim(db, clock, caller('UA-USER'), proof(id, { completionDate: T0 }))).status).toBe('SUBMITTED');
    const other = await claim();
    expect((await submitClaim(db, clock, caller('UA-USER'), proof(other, { completionDate: CONSENTED_AT }))).status).toBe('SUBMITTED');
  });

  it.each([
    ['2026-02-30', 'February 2026 has 28 days'],
    ['2026-02-29T10:00:00Z', 'February 2026 has 28 days'],
    ['2025-11-31', 'November 2025 has 30 days'],
    ['2026-00-10', 'the month must be 01 to 12'],
  ])('refuses the impossible day %s instead of rolling it over, and changes nothing', async (date, why) => {
    const id = await claim();
    expect(await refusal(submitClaim(db, clock, caller('UA-USER'), proof(id, { completionDate: date })))).toBe(
      `The claim was not submitted. ${date.slice(0, 10)} is not a real date: ${why}.`,
    );
    const { claim: after, audit } = await state(id);
    expect(after).toMatchObject({ status: 'CONSENT_GRANTED', completionDate: null });
    expect(audit).toHaveLength(0);
  });

  it('checks a proof for a claim part by part, in sentences, with the same rule as the submission', () => {
    const consented = { consentAnsweredAt: CONSENTED_AT };
    expect(checkProof({ claimId: 'CLM-1', deliverySummary: 'Done.', completionDate: '2026-02-30', evidenceLinks: ['http://x.example.com/a'] }, consented, T0)).toEqual({
      ok: false,
      problems: {
        deliverySummary: 'Describe what was delivered in at least 20 characters.',
        completionDate: '2026-02-30 is not a real date: February 2026 has 28 days.',
        evidenceLinks: '"http://x.example.com/a" is not a full https:// address; each evidence link must be one.',
      },
    });
    const empty = checkProof({ claimId: 'CLM-1' }, consented, T0);
    expect(empty.ok ? [] : Object.keys(empty.problems).sort()).toEqual(['completionDate', 'deliverySummary', 'evidenceLinks']);
    expect(JSON.stringify(empty)).not.toMatch(/Invalid input|expected/);
    expect(completionDateRange(consented, T0)).toEqual({ earliest: new Date(Date.UTC(CONSENTED_AT.getUTCFullYear(), CONSENTED_AT.getUTCMonth(), CONSENTED_AT.getUTCDate())), latest: new Date('2026-03-02T00:00:00.000Z') });
    expect(checkProof(proof('CLM-1', { completionDate: '2026-02-28' }), consented, T0)).toMatchObject({ ok: true, proof: { completionDate: new Date('2026-02-28T00:00:00.000Z') } });
  });

  it('refuses callers without an Incentives role, and other partners', async () => {
    const id = await claim();
    expect(await refusal(submitClaim(db, clock, caller('UA-NOROLE'), proof(id)))).toContain('Only Incentives users and Incentives admins');
    expect(await refusal(submitClaim(db, clock, caller('UA-REF'), proof(id)))).toContain('Only Incentives users and Incentives admins');
    expect(await refusal(submitClaim(db, clock, caller('UB-USER'), proof(id)))).toContain('was not found');
    expect((await state(id)).claim.status).toBe('CONSENT_GRANTED');
  });

  it('refuses outside the submission window and in the wrong state', async () => {
    const late = await claim('CONSENT_GRANTED', 0);
    expect(await refusal(submitClaim(db, clock, caller('UA-USER'), proof(late)))).toContain('submission window closed');
    const submitted = await claim('SUBMITTED');
    expect(await refusal(submitClaim(db, clock, caller('UA-USER'), proof(submitted)))).toContain('cannot be submitted');
    const requested = await claim('CONSENT_REQUESTED');
    expect(await refusal(submitClaim(db, clock, caller('UA-USER'), proof(requested)))).toContain('cannot be submitted');
  });
});

describe('review', () => {
  it('completes a submitted claim and tells the creator', async () => {
    const id = await claim('SUBMITTED');
    const reviewed = await new LocalReviewPort(db, clock).record(caller('UA-ADMIN'), { claimId: id, outcome: 'COMPLETED', note: '' });
    expect(reviewed).toMatchObject({ status: 'COMPLETED', reviewedAt: T0, closedAt: T0, openClaimKey: null, reviewNote: null });
    const { audit, outbox } = await state(id);
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([['claim.complete', 'UA-ADMIN']]);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ event: 'claim.reviewed', recipient: 'aad-UA-USER', payload: expect.objectContaining({ outcome: 'COMPLETED' }) as unknown });
  });

  it('rejects with a note, after which the claim can be resubmitted and reviewed again', async () => {
    const id = await claim('SUBMITTED');
    const port = new LocalReviewPort(db, clock);
    expect(await refusal(port.record(caller('UA-ADMIN'), { claimId: id, outcome: 'REJECTED', note: ' ' }))).toContain('needs a note');
    expect(await port.record(caller('UA-ADMIN'), { claimId: id, outcome: 'REJECTED', note: 'Attach the signed report.' })).toMatchObject({
      status: 'REJECTED',
      reviewNote: 'Attach the signed report.',
    });
    await submitClaim(db, clock, caller('UA-USER'), proof(id));
    await port.record(caller('UA-ADMIN'), { claimId: id, outcome: 'COMPLETED', note: 'Fine now.' });
    const { claim: after, outbox } = await state(id);
    expect(after.status).toBe('COMPLETED');
    // The creator resubmitted it themselves: told of both reviews, not of their own submission.
    expect(outbox.map((o) => o.event).sort()).toEqual(['claim.reviewed', 'claim.reviewed']);
  });

  it('finally rejects with the note as the close reason', async () => {
    const id = await claim('SUBMITTED');
    const reviewed = await recordReview(db, clock, { kind: 'SYSTEM', id: null }, { claimId: id, outcome: 'REJECTED_FINAL', note: 'Not eligible work.' });
    expect(reviewed).toMatchObject({ status: 'REJECTED_FINAL', closeReason: 'Not eligible work.', reviewNote: 'Not eligible work.' });
  });

  it('refuses a claim that is not submitted, a bad outcome, and anyone but an Incentives admin of the partner', async () => {
    const granted = await claim('CONSENT_GRANTED');
    const port = new LocalReviewPort(db, clock);
    expect(await refusal(port.record(caller('UA-ADMIN'), { claimId: granted, outcome: 'COMPLETED', note: '' }))).toContain('cannot be completed');
    const submitted = await claim('SUBMITTED');
    expect(await refusal(recordReview(db, clock, { kind: 'SYSTEM', id: null }, { claimId: submitted, outcome: 'APPROVED' as 'COMPLETED', note: '' }))).toContain(
      'the outcome must be one of',
    );
    expect(await refusal(port.record(caller('UA-USER'), { claimId: submitted, outcome: 'COMPLETED', note: '' }))).toContain('Only an Incentives admin');
    expect(await refusal(port.record(caller('UB-USER'), { claimId: submitted, outcome: 'COMPLETED', note: '' }))).toContain('was not found');
    expect((await state(submitted)).claim.status).toBe('SUBMITTED');
  });
});
