import { submitProofCard } from '../../cards/submitProof';
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

  it('submits a consented claim: bad proof re-asked with entries kept, a future date refused by the service, one submission on a double click', async () => {
    const claimId = DEMO.claims.northwindCopilotConsentGranted;
    let review: Reply[] = [];
    await run(DEMO.users.userA, claimId, [
      { send: 'submit', expect: [`Submit claim:`, claimId, 'Input.Date', `"max":"${TODAY}"`, 'Evidence links (https, one per line)'] },
      { send: 'help', expect: ['Describe what was delivered (at least 20 characters)', 'cancel'] },
      { send: 'done it', expect: ['Please fill in the proof of execution on the card above'] },
      {
        send: proof({ deliverySummary: 'Workshops.', evidenceLinks: 'http://insecure.example/x\nnot a link' }),
        expect: ['describe what was delivered in at least 20 characters', 'each evidence link must be a full https:// address', 'Everything else you entered is kept', '"value":"Workshops."', 'not a link'],
      },
      { send: proof({ completionDate: 'yesterday' }), expect: ['the completion date must be a date such as 2026-03-01'] },
      {
        send: proof({ evidenceLinks: 'https://evidence.fabrikam.example/a\nhttps://evidence.fabrikam.example/a' }),
        expect: ['each evidence link only once'],
      },
      { send: proof({ completionDate: '2026-12-31' }), expect: ['Review: submit claim', '31 December 2026'] },
      { send: confirm, expect: ['the completion date cannot be in the future', 'Nothing was submitted', 'Change an answer'] },
      { send: { value: { action: 'changeAnswer', field: 'proof' } }, expect: ['"value":"2026-12-31"', SUMMARY] },
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
    const card = submitProofCard({
      title: 'Submit claim: Northwind – Copilot (CLM-QY4WA29C)',
      text: 'Give the proof of execution.',
      deliverySummary: SUMMARY,
      completionDate: TODAY,
      evidenceLinks: 'https://evidence.fabrikam.example/a',
      summaryMax: 4000,
      today: TODAY,
      action: SUBMIT_PROOF_ACTION,
    });
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
  });
});
