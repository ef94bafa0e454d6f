import {
  AWAITING_CONSENT_STATUSES,
  AWAITING_SUBMISSION_STATUSES,
  CLAIM_EVENTS,
  OPEN_STATUSES,
  TERMINAL_STATUSES,
  consentDeadlineFor,
  decideChanges,
  decideTransition,
  isOpen,
  isTerminal,
  openClaimKey,
  runningDeadline,
  submissionDeadlineFor,
  type ClaimEvent,
  type ClaimTiming,
} from '../../services/claims/lifecycle';
import { ClaimStatus } from '../../services/db';

const ALL_STATUSES = Object.values(ClaimStatus);

const CONSENT_DEADLINE = new Date('2026-03-03T12:00:00.000Z');
const SUBMISSION_DEADLINE = new Date('2026-06-01T12:00:00.000Z');

type Expected = Partial<Record<ClaimStatus, Partial<Record<ClaimEvent, ClaimStatus>>>>;

/** Inside both windows: everything but expiry is possible from its source status. */
const INSIDE_WINDOWS: Expected = {
  ADDED: { SEND_CONSENT: 'CONSENT_REQUESTED', CANCEL: 'CANCELED' },
  CLAIMED: { SEND_CONSENT: 'CONSENT_REQUESTED', CANCEL: 'CANCELED' },
  CONSENT_REQUESTED: {
    RESEND_CONSENT: 'CONSENT_REQUESTED',
    ACCEPT_CONSENT: 'CONSENT_GRANTED',
    DECLINE_CONSENT: 'DECLINED',
    CANCEL: 'CANCELED',
  },
  CONSENT_GRANTED: { SUBMIT: 'SUBMITTED', CANCEL: 'CANCELED' },
  SUBMITTED: { COMPLETE: 'COMPLETED', REJECT: 'REJECTED', REJECT_FINAL: 'REJECTED_FINAL', CANCEL: 'CANCELED' },
  REJECTED: { SUBMIT: 'SUBMITTED', CANCEL: 'CANCELED' },
};

/** The consent window has closed, the submission window is still open. */
const BETWEEN_DEADLINES: Expected = {
  ADDED: { EXPIRE: 'EXPIRED', CANCEL: 'CANCELED' },
  CLAIMED: { EXPIRE: 'EXPIRED', CANCEL: 'CANCELED' },
  CONSENT_REQUESTED: { DECLINE_CONSENT: 'DECLINED', EXPIRE: 'EXPIRED', CANCEL: 'CANCELED' },
  CONSENT_GRANTED: { SUBMIT: 'SUBMITTED', CANCEL: 'CANCELED' },
  SUBMITTED: { COMPLETE: 'COMPLETED', REJECT: 'REJECTED', REJECT_FINAL: 'REJECTED_FINAL', CANCEL: 'CANCELED' },
  REJECTED: { SUBMIT: 'SUBMITTED', CANCEL: 'CANCELED' },
};

/** Both windows have closed: a submitted claim is under review and never expires. */
const AFTER_WINDOWS: Expected = {
  ADDED: { EXPIRE: 'EXPIRED', CANCEL: 'CANCELED' },
  CLAIMED: { EXPIRE: 'EXPIRED', CANCEL: 'CANCELED' },
  CONSENT_REQUESTED: { DECLINE_CONSENT: 'DECLINED', EXPIRE: 'EXPIRED', CANCEL: 'CANCELED' },
  CONSENT_GRANTED: { EXPIRE: 'EXPIRED', CANCEL: 'CANCELED' },
  SUBMITTED: { COMPLETE: 'COMPLETED', REJECT: 'REJECTED', REJECT_FINAL: 'REJECTED_FINAL', CANCEL: 'CANCELED' },
  REJECTED: { EXPIRE: 'EXPIRED', CANCEL: 'CANCELED' },
};

const PHASES: [string, Date, Expected][] = [
  ['inside both windows', new Date('2026-02-01T00:00:00.000Z'), INSIDE_WINDOWS],
  ['between the deadlines', new Date('2026-04-01T00:00:00.000Z'), BETWEEN_DEADLINES],
  ['after both windows', new Date('2026-07-01T00:00:00.000Z'), AFTER_WINDOWS],
];

function claimIn(status: ClaimStatus, submissionDeadline: Date | null = SUBMISSION_DEADLINE): ClaimTiming {
  return { status, consentDeadline: CONSENT_DEADLINE, submissionDeadline };
}

describe.each(PHASES)('every status × every event, %s', (_phase, now, expected) => {
  const cases = ALL_STATUSES.flatMap((status) => CLAIM_EVENTS.map((event) => [status, event] as const));

  it.each(cases)('%s + %s', (status, event) => {
    const decision = decideTransition(claimIn(status), event, now);
    const target = expected[status]?.[event];
    if (target) {
      expect(decision).toEqual({ ok: true, to: target });
    } else {
      expect(decision.ok).toBe(false);
      if (!decision.ok) expect(decision.reason).toMatch(/^This claim.{20,}\.$/);
    }
  });
});

describe('refusal reasons', () => {
  const inside = new Date('2026-02-01T00:00:00.000Z');
  const after = new Date('2026-07-01T00:00:00.000Z');

  function reasonOf(claim: ClaimTiming, event: ClaimEvent, now: Date): string {
    const decision = decideTransition(claim, event, now);
    if (decision.ok) throw new Error(`expected ${event} from ${claim.status} to be refused`);
    return decision.reason;
  }

  it('names the closed consent window with its date', () => {
    expect(reasonOf(claimIn('ADDED'), 'SEND_CONSENT', after)).toBe("This claim's consent window closed on 3 March 2026.");
    expect(reasonOf(claimIn('CONSENT_REQUESTED'), 'ACCEPT_CONSENT', after)).toBe("This claim's consent window closed on 3 March 2026.");
    expect(reasonOf(claimIn('CONSENT_REQUESTED'), 'RESEND_CONSENT', after)).toBe("This claim's consent window closed on 3 March 2026.");
  });

  it('names the closed submission window with its date', () => {
    expect(reasonOf(claimIn('CONSENT_GRANTED'), 'SUBMIT', after)).toBe("This claim's submission window closed on 1 June 2026.");
  });

  it('explains why a claim has not expired yet', () => {
    expect(reasonOf(claimIn('CLAIMED'), 'EXPIRE', inside)).toContain('consent window is open until 3 March 2026');
    expect(reasonOf(claimIn('REJECTED'), 'EXPIRE', inside)).toContain('submission window is open until 1 June 2026');
    expect(reasonOf(claimIn('SUBMITTED'), 'EXPIRE', after)).toBe('This claim is submitted and under review, so it does not expire.');
  });

  it('says a terminal claim cannot change', () => {
    expect(reasonOf(claimIn('CANCELED'), 'SUBMIT', inside)).toBe('This claim is canceled, so it cannot be submitted.');
    expect(reasonOf(claimIn('DECLINED'), 'CANCEL', inside)).toBe('This claim is declined by the customer, so it cannot be canceled.');
  });

  it('points to re-sending when consent was already requested', () => {
    expect(reasonOf(claimIn('CONSENT_REQUESTED'), 'SEND_CONSENT', inside)).toContain('Re-send the consent email');
  });

  it('refuses to submit or expire a consented claim with no submission deadline instead of guessing one', () => {
    expect(reasonOf(claimIn('CONSENT_GRANTED', null), 'SUBMIT', inside)).toContain('no submission deadline');
    expect(reasonOf(claimIn('CONSENT_GRANTED', null), 'EXPIRE', after)).toContain('no submission deadline');
  });
});

describe('deadline edges', () => {
  const justBefore = (deadline: Date) => new Date(deadline.getTime() - 1);

  it.each(['SEND_CONSENT', 'RESEND_CONSENT', 'ACCEPT_CONSENT'] as const)(
    '%s is allowed until the last millisecond before the consent deadline, and not at it',
    (event) => {
      const status = event === 'SEND_CONSENT' ? 'ADDED' : 'CONSENT_REQUESTED';
      expect(decideTransition(claimIn(status), event, justBefore(CONSENT_DEADLINE)).ok).toBe(true);
      expect(decideTransition(claimIn(status), event, CONSENT_DEADLINE).ok).toBe(false);
    },
  );

  it.each(AWAITING_CONSENT_STATUSES)('%s expires at the consent deadline, not a millisecond before', (status) => {
    expect(decideTransition(claimIn(status), 'EXPIRE', justBefore(CONSENT_DEADLINE)).ok).toBe(false);
    expect(decideTransition(claimIn(status), 'EXPIRE', CONSENT_DEADLINE)).toEqual({ ok: true, to: 'EXPIRED' });
  });

  it.each(AWAITING_SUBMISSION_STATUSES)('%s can be submitted until the submission deadline and expires at it', (status) => {
    expect(decideTransition(claimIn(status), 'SUBMIT', justBefore(SUBMISSION_DEADLINE))).toEqual({ ok: true, to: 'SUBMITTED' });
    expect(decideTransition(claimIn(status), 'EXPIRE', justBefore(SUBMISSION_DEADLINE)).ok).toBe(false);
    expect(decideTransition(claimIn(status), 'SUBMIT', SUBMISSION_DEADLINE).ok).toBe(false);
    expect(decideTransition(claimIn(status), 'EXPIRE', SUBMISSION_DEADLINE)).toEqual({ ok: true, to: 'EXPIRED' });
  });

  it('a consented claim does not expire when only the consent deadline has passed', () => {
    expect(decideTransition(claimIn('CONSENT_GRANTED'), 'EXPIRE', CONSENT_DEADLINE).ok).toBe(false);
  });
});

describe('terminal and open statuses', () => {
  it('partition every status', () => {
    expect([...TERMINAL_STATUSES].sort()).toEqual(['CANCELED', 'COMPLETED', 'DECLINED', 'EXPIRED', 'REJECTED_FINAL']);
    expect([...OPEN_STATUSES].sort()).toEqual(['ADDED', 'CLAIMED', 'CONSENT_GRANTED', 'CONSENT_REQUESTED', 'REJECTED', 'SUBMITTED']);
    for (const status of ALL_STATUSES) {
      expect(isTerminal(status)).toBe(TERMINAL_STATUSES.includes(status));
      expect(isOpen(status)).toBe(!isTerminal(status));
    }
  });

  it('knows which deadline runs', () => {
    expect(runningDeadline(claimIn('CLAIMED'))).toEqual({ kind: 'consent', at: CONSENT_DEADLINE });
    expect(runningDeadline(claimIn('REJECTED'))).toEqual({ kind: 'submission', at: SUBMISSION_DEADLINE });
    expect(runningDeadline(claimIn('SUBMITTED'))).toBeNull();
    expect(runningDeadline(claimIn('COMPLETED'))).toBeNull();
  });
});

describe('deadline computations', () => {
  const created = new Date('2026-01-10T09:30:00.000Z');

  it("uses the engagement's windows, not constants", () => {
    expect(consentDeadlineFor(created, { consentWindowDays: 30 })).toEqual(new Date('2026-02-09T09:30:00.000Z'));
    expect(consentDeadlineFor(created, { consentWindowDays: 7 })).toEqual(new Date('2026-01-17T09:30:00.000Z'));
    expect(submissionDeadlineFor(created, { submissionWindowDays: 90 })).toEqual(new Date('2026-04-10T09:30:00.000Z'));
    expect(submissionDeadlineFor(created, { submissionWindowDays: 45 })).toEqual(new Date('2026-02-24T09:30:00.000Z'));
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a window of %p days as a configuration error', (days) => {
    expect(() => consentDeadlineFor(created, { consentWindowDays: days })).toThrow(/positive whole number of days/);
    expect(() => submissionDeadlineFor(created, { submissionWindowDays: days })).toThrow(/positive whole number of days/);
  });
});

describe('openClaimKey', () => {
  it('is the same for the same partner, engagement and customer', () => {
    expect(openClaimKey('p1', 'e1', 'c1')).toBe(openClaimKey('p1', 'e1', 'c1'));
  });

  it('differs when any part differs, even when parts contain the separator', () => {
    const keys = [
      openClaimKey('p1', 'e1', 'c1'),
      openClaimKey('p2', 'e1', 'c1'),
      openClaimKey('p1', 'e2', 'c1'),
      openClaimKey('p1', 'e1', 'c2'),
      openClaimKey('a:b', 'c', 'd'),
      openClaimKey('a', 'b:c', 'd'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('fields a transition may change', () => {
  it('lets sending consent set the deal size, contacts and disclaimer', () => {
    expect(
      decideChanges('SEND_CONSENT', {
        estimatedDealSizeUsd: 50_000,
        customerContactEmail: 'it@contoso.com',
        disclaimerAcceptedAt: new Date(),
      }),
    ).toEqual({ ok: true });
  });

  it('fixes the deal size once consent has been requested', () => {
    const decision = decideChanges('RESEND_CONSENT', { estimatedDealSizeUsd: 60_000 });
    expect(decision).toEqual({ ok: false, reason: expect.stringContaining('cannot be changed afterwards') as unknown });
  });

  it('lets re-sending correct the contacts', () => {
    expect(decideChanges('RESEND_CONSENT', { customerContactEmail: 'new@contoso.com' })).toEqual({ ok: true });
  });

  it('refuses fields that belong to another step', () => {
    expect(decideChanges('ACCEPT_CONSENT', { reviewNote: 'x' }).ok).toBe(false);
    expect(decideChanges('SUBMIT', { deliverySummary: 'Workshop', evidenceLinks: ['https://x'] })).toEqual({ ok: true });
    expect(decideChanges('CANCEL', { deliverySummary: 'x' }).ok).toBe(false);
  });

  it('ignores fields given as undefined', () => {
    expect(decideChanges('ACCEPT_CONSENT', { reviewNote: undefined })).toEqual({ ok: true });
  });
});
