import { submitProofCard, type SubmitProofCardData } from '../../cards/submitProof';
import { SubmitClaimDialog } from '../../dialogs/submitClaimDialog';
import { DEMO } from '../../prisma/demoData';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { SUBMISSION_EVENTS } from '../../services/claims/submission';
import { adaptiveCardErrors } from '../support/cardSchema';
import { allText, callerFor, dialogDeps, DialogDriver, lastCard, submitData, type Reply, type Turn } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';
import { CONFIRM_SUBMIT_CLAIM_ACTION, SUBMIT_PROOF_ACTION } from '../../cards/actions';

const NOW = new Date('2026-11-24T09:00:00.000Z');
const TODAY = '2026-11-24';
const SUMMARY = 'Two threat protection workshops and a Defender deployment plan, delivered on site.';

const SAMPLE_PROOF_CARD: SubmitProofCardData = {
  title: 'Submit claim: Northwind – Copilot (CLM-QY4WA29C)',
  text: 'Give the proof of execution.',
  deliverySummary: SUMMARY,
  completionDate: TODAY,
  evidenceLinks: 'https://evidence.fabrikam.example/a',
  summaryMin: 20,
  summaryMax: 4000,
  linksMax: 10,
  minDate: '2026-11-01',
  today: TODAY,
  dateRangeText: '1 November 2026 (when the customer consented) to today, 24 November 2026',
  errors: { completionDate: '2026-02-30 is not a real date: February 2026 has 28 days.' },
  action: SUBMIT_PROOF_ACTION,
};

interface Step {
  send: Turn | ((last: Reply[]) => Turn);
  expect?: (string | RegExp)[];
  reject?: string[];
}

const proof = (change: Record<string, string> = {}): Turn => ({
  value: {
    action: SUBMIT_PROOF_ACTION,
    deliverySummary: SUMMARY,
    completionDate: TODAY,
    evidenceLinks: 'https://evidence.fabrikam.example/northwind/report\n\n https://evidence.fabrikam.example/northwind/signoff ',
    ...change,
  },
});
const confirm = (last: Reply[]): Turn => ({ value: submitData(lastCard(last), (d) => d.action === CONFIRM_SUBMIT_CLAIM_ACTION) });

describe('Submit claim dialog', () => {
  let db: Database;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
  });
  afterAll(() => db.close());

  async function run(aad: string, claimId: string | undefined, steps: Step[]): Promise<{ driver: DialogDriver; last: Reply[] }> {
    const driver = new DialogDriver(new SubmitClaimDialog(dialogDeps(db, clock)), { caller: await callerFor(db, aad), ...(claimId ? { claimId } : {}) });
    let last: Reply[] = [];
    for (const [index, step] of steps.entries()) {
      last = await driver.send(typeof step.send === 'function' ? step.send(last) : step.send);
      const text = allText(last);
      for (const expected of step.expect ?? []) {
        if (typeof expected === 'string' ? !text.includes(expected) : !expected.test(text)) throw new Error(`turn ${index + 1}: expected ${String(expected)} in:\n${text}`);
      }
      for (const rejected of step.reject ?? []) expect(text).not.toContain(rejected);
    }
    return { driver, last };
  }

  async function snapshot(claimId: string) {
    return {
      claim: await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } }),
      audit: await db.prisma.auditEvent.count({ where: { claimId } }),
      outbox: await db.prisma.outboxMessage.count({ where: { claimId } }),
    };
  }

  it('submits a consented claim: bad proof re-asked filled in with the problem under its input, a future date refused on the card, one submission on a double click', async () => {
    const claimId = DEMO.claims.northwindCopilotConsentGranted;
    const consentDay = (await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } })).consentAnsweredAt?.toISOString().slice(0, 10) ?? '';
    expect(consentDay).not.toBe('');
    let review: Reply[] = [];
    await run(DEMO.users.userA, claimId, [
      { send: 'submit', expect: [`Submit claim:`, claimId, 'Input.Date', `"min":"${consentDay}"`, `"max":"${TODAY}"`, 'Evidence links (https, one per line)'] },
      { send: 'help', expect: ['Describe what was delivered (at least 20 characters)', 'cancel'] },
      { send: 'done it', expect: ['Please fill in the proof of execution on the card above'] },
      {
        send: proof({ deliverySummary: 'Workshops.', evidenceLinks: 'http://insecure.example/x\nnot a link' }),
        expect: [
          'Please correct what is marked on the card below (What was delivered, Evidence links)',
          'Everything else you entered is kept',
          'Describe what was delivered in at least 20 characters.',
          '\\"http://insecure.example/x\\" is not a full https:// address',
          '"value":"Workshops."',
          'not a link',
          `"value":"${TODAY}"`,
          '"color":"Attention"',
        ],
        reject: ['Review: submit claim', 'Invalid input'],
      },
      { send: proof({ completionDate: 'yesterday' }), expect: ['Give the completion date as a date such as 2026-03-01.', `"value":"${SUMMARY}"`] },
      {
        send: proof({ evidenceLinks: 'https://evidence.fabrikam.example/a\nhttps://evidence.fabrikam.example/a' }),
        expect: ['give each evidence link only once'],
      },
      {
        send: proof({ completionDate: '2026-12-31' }),
        expect: ['Please correct what is marked on the card below (Completion date)', 'The completion date cannot be in the future: give a day up to today, 24 November 2026.', '"value":"2026-12-31"'],
        reject: ['Review: submit claim'],
      },
      { send: proof(), expect: ['Review: submit claim', '24 November 2026', 'https://evidence.fabrikam.example/northwind/signoff'] },
      { send: { value: { action: 'changeAnswer', field: 'proof' } }, expect: [`"value":"${TODAY}"`, SUMMARY], reject: ['"color":"Attention"'] },
      {
        send: proof(),
        expect: ['Review: submit claim', '24 November 2026', 'https://evidence.fabrikam.example/northwind/signoff'],
      },
      {
        send: (last) => {
          review = last;
          return confirm(last);
        },
        expect: ['Claim submitted', claimId, 'Microsoft', 'viewClaim'],
      },
    ]);
    const claim = await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
    expect(claim).toMatchObject({
      status: 'SUBMITTED',
      deliverySummary: SUMMARY,
      completionDate: new Date(`${TODAY}T00:00:00.000Z`),
      evidenceLinks: ['https://evidence.fabrikam.example/northwind/report', 'https://evidence.fabrikam.example/northwind/signoff'],
    });
    expect(await db.prisma.outboxMessage.count({ where: { claimId, event: SUBMISSION_EVENTS.submitted } })).toBe(1);

    const settled = await snapshot(claimId);
    await run(DEMO.users.userA, undefined, [{ send: confirm(review), expect: ['Nothing was submitted'] }]);
    expect(await snapshot(claimId)).toEqual(settled);
  });

  it.each([
    ['2026-02-30', 'February 2026 has 28 days'],
    ['2026-11-31', 'November 2026 has 30 days'],
    ['2026-13-01', 'the month must be 01 to 12'],
  ])('refuses %s on the proof card itself (no rolled-over date), keeping every answer', async (date, why) => {
    const claimId = DEMO.claims.adventureWorksSecurityConsentGranted;
    const before = await snapshot(claimId);
    await run(DEMO.users.adminA, claimId, [
      { send: 'submit', expect: ['Submit claim:'] },
      {
        send: proof({ completionDate: date }),
        expect: [`${date} is not a real date: ${why}.`, `"value":"${date}"`, `"value":"${SUMMARY}"`, 'northwind/signoff', 'Please correct what is marked on the card below (Completion date)'],
        reject: ['Review: submit claim', '2 March 2026', '1 December 2026'],
      },
    ]);
    expect(await snapshot(claimId)).toEqual(before);
  });

  it('refuses a completion date before the customer consented on the proof card, naming the consent day', async () => {
    const claimId = DEMO.claims.adventureWorksSecurityConsentGranted;
    const consentedAt = (await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } })).consentAnsweredAt ?? NOW;
    const dayBefore = new Date(consentedAt.getTime() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const consentDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(consentedAt);
    await run(DEMO.users.adminA, claimId, [
      { send: 'submit', expect: ['Submit claim:', `(when the customer consented) to today, 24 November 2026`] },
      {
        send: proof({ completionDate: dayBefore }),
        expect: [`The completion date cannot be before the customer consented on ${consentDay}.`, `"value":"${dayBefore}"`],
        reject: ['Review: submit claim'],
      },
    ]);
  });

  it.each([
    ['a claim without consent', DEMO.users.userA, DEMO.claims.contosoDataAiClaimed],
    ['a submitted claim', DEMO.users.userA, DEMO.claims.litwareSecuritySubmitted],
    ['another partner’s claim', DEMO.users.adminB, DEMO.claims.adventureWorksSecurityConsentGranted],
    ['a user without a role', DEMO.users.noRoleA, DEMO.claims.adventureWorksSecurityConsentGranted],
  ])('refuses %s at once and changes nothing', async (_name, aad, claimId) => {
    const before = await snapshot(claimId);
    await run(aad, claimId, [{ send: 'submit', expect: [/Nothing was changed|no incentives role/], reject: ['Completion date'] }]);
    expect(await snapshot(claimId)).toEqual(before);
  });

  it('cancel leaves with nothing saved', async () => {
    const claimId = DEMO.claims.adventureWorksSecurityConsentGranted;
    const before = await snapshot(claimId);
    await run(DEMO.users.adminA, claimId, [
      { send: 'submit', expect: ['Submit claim:'] },
      { send: proof(), expect: ['Review: submit claim'] },
      { send: 'cancel', expect: ['Canceled. Nothing was saved.'] },
    ]);
    expect(await snapshot(claimId)).toEqual(before);
  });

  it('expands the proof card into a valid Adaptive Card 1.5', () => {
    const card = submitProofCard(SAMPLE_PROOF_CARD);
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
    const text = JSON.stringify(card);
    expect(text).toContain('"min":"2026-11-01"');
    expect(text).toContain('Give the completion date: a day from 1 November 2026 (when the customer consented) to today, 24 November 2026.');
    expect(text).toContain('"regex":"^\\\\s*\\\\S[\\\\s\\\\S]{18,}\\\\S\\\\s*$"');
    // The card's own patterns accept what the service accepts, and refuse what it refuses.
    const patternOf = (id: string) => new RegExp(String((card.body as { id?: string; regex?: string }[]).find((input) => input.id === id)?.regex));
    expect(patternOf('deliverySummary').test(`  ${SUMMARY}  `)).toBe(true);
    expect(patternOf('deliverySummary').test('  too short        ')).toBe(false);
    expect(patternOf('evidenceLinks').test('https://a.example/x\n https://b.example/y \n')).toBe(true);
    expect(patternOf('evidenceLinks').test('https://a.example/x\nhttp://b.example/y')).toBe(false);
    const noConsentDay = submitProofCard({ ...SAMPLE_PROOF_CARD, minDate: '', dateRangeText: 'any day up to today, 24 November 2026', errors: {} });
    expect(adaptiveCardErrors(noConsentDay)).toEqual([]);
    expect(JSON.stringify(noConsentDay)).not.toContain('"color":"Attention"');
  });
});
