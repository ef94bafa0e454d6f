import { ResendConsentDialog } from '../../dialogs/resendConsentDialog';
import { SendConsentDialog } from '../../dialogs/sendConsentDialog';
import { claimActionCard } from '../../cards/claimAction';
import { consentContactsCard } from '../../cards/consentContacts';
import { consentReviewCard } from '../../cards/consentReview';
import { DEMO } from '../../prisma/demoData';
import { FixedClock } from '../../services/shared/clock';
import { CONSENT_EVENTS } from '../../services/consent/email';
import { hashConsentToken } from '../../services/consent/token';
import type { Database } from '../../services/db';
import { adaptiveCardErrors } from '../support/cardSchema';
import { allText, callerFor, dialogDeps, DialogDriver, lastCard, submitData, TEST_CONSENT_SETTINGS, type Reply, type Turn } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';
import { CONFIRM_RESEND_CONSENT_ACTION, CONFIRM_SEND_CONSENT_ACTION } from '../../cards/actions';

const NOW = new Date('2026-11-24T09:00:00.000Z');
const HOUR = 60 * 60 * 1000;

interface Step {
  send: Turn | ((last: Reply[]) => Turn);
  expect?: (string | RegExp)[];
  reject?: string[];
}

const contacts = (change: Record<string, string> = {}): Turn => ({
  value: {
    action: 'submitConsentContacts',
    customerName: 'Patti Fernandez',
    customerEmail: 'Patti.Fernandez@contoso.com',
    customerPhone: '+1 206 555 0142',
    partnerName: 'Alex Wilber',
    partnerEmail: 'alex.wilber@fabrikamconsulting.com',
    partnerPhone: '',
    ...change,
  },
});
const dealSize = (value: string): Turn => ({ value: { action: 'enterDealSize', dealSize: value } });
const confirm = (disclaimerAccepted: string) => (last: Reply[]): Turn => ({
  value: { ...submitData(lastCard(last), (d) => d.action === CONFIRM_SEND_CONSENT_ACTION), disclaimerAccepted },
});

describe('Send customer consent email and Re-send dialogs', () => {
  let db: Database;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
  });
  afterAll(() => db.close());

  async function run(dialog: 'send' | 'resend', aad: string, claimId: string | undefined, steps: Step[]): Promise<{ driver: DialogDriver; last: Reply[] }> {
    const deps = dialogDeps(db, clock);
    const driver = new DialogDriver(dialog === 'send' ? new SendConsentDialog(deps) : new ResendConsentDialog(deps), {
      caller: await callerFor(db, aad),
      ...(claimId ? { claimId } : {}),
    });
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
      consent: await db.prisma.consentRequest.findUnique({ where: { claimId } }),
      audit: await db.prisma.auditEvent.count({ where: { claimId } }),
      outbox: await db.prisma.outboxMessage.count({ where: { claimId } }),
    };
  }

  it('sends the consent email: contacts pre-filled, every bad answer re-asked with entries kept, disclaimer required, one request on a double click', async () => {
    const claimId = DEMO.claims.contosoDataAiClaimed;
    const before = await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
    let review: Reply[] = [];
    let beforeChange: Reply[] = [];
    const { last } = await run('send', DEMO.users.userA, claimId.toLowerCase(), [
      { send: 'send consent', expect: ['Send consent:', claimId, before.customerContactEmail, before.partnerContactEmail, 'Customer contact (receives the consent email)'] },
      { send: 'help', expect: ['Check the customer contact who receives the consent email', 'cancel'] },
      { send: 'they are fine', expect: ['Please check the contacts on the card above'] },
      { send: { value: { action: 'enterDealSize', dealSize: '5' } }, expect: ['That card belongs to another step'] },
      {
        send: contacts({ customerName: ' ', customerEmail: 'not-an-email', partnerPhone: '+1 425 555 0199' }),
        expect: [
          'Please correct what is marked on the card below (Customer contact name, Customer contact email). Everything else you entered is kept.',
          'Customer contact: a name is required',
          'Customer contact: enter a valid email address',
          '"color":"Attention"',
          '"value":"not-an-email"',
          '"value":"+1 425 555 0199"',
          '"value":"alex.wilber@fabrikamconsulting.com"',
        ],
        reject: ['Estimated deal size'],
      },
      {
        send: contacts({ partnerName: 'A'.repeat(201), partnerPhone: '+1 425 555 0199' }),
        expect: ['(Your contact name)', 'Your contact: the name is too long', `"value":"${'A'.repeat(201)}"`, '"value":"Patti Fernandez"'],
        reject: ['a value is too long', 'Customer contact: a name is required'],
      },
      { send: contacts({ partnerPhone: '+1 425 555 0199' }), expect: ['Estimated deal size', 'cannot be changed once the consent email is sent', 'does not affect eligibility or payout'] },
      {
        send: dealSize('0'),
        expect: ['The estimated deal size must be more than 0 US dollars', 'You entered \\"0\\"', '"type":"Input.Number"', '"min":1', '"value":0', '"color":"Attention"'],
      },
      { send: dealSize('-5'), expect: ['The estimated deal size must be more than 0 US dollars', 'You entered \\"-5\\"'], reject: ['whole number of US dollars, such as'] },
      { send: dealSize('12.5'), expect: ['must be a whole number of US dollars'] },
      { send: 'lots', expect: ['must be a whole number of US dollars', 'You entered \\"lots\\"'] },
      { send: '3000000000', expect: ['cannot exceed 2,000,000,000 US dollars'] },
      {
        send: dealSize('$45,000'),
        expect: ['Review: send customer consent email', '$45,000 (cannot change once sent)', 'patti.fernandez@contoso.com', '+1 425 555 0199', 'Disclaimer', 'Input.Toggle', 'Send for consent'],
      },
      {
        send: (last) => {
          beforeChange = last;
          return { value: { action: 'changeConsentAnswer', field: 'dealSize' } };
        },
        expect: ['Estimated deal size', '"value":45000'],
        reject: ['"color":"Attention"'],
      },
      { send: dealSize('50000'), expect: ['$50,000 (cannot change once sent)'] },
      { send: 'send it', expect: ['Accept the disclaimer on the review card'] },
      {
        send: (last) => {
          review = last;
          return confirm('false')(last);
        },
        expect: ['Accept the disclaimer (switch it on)', 'Review: send customer consent email'],
      },
      { send: () => confirm('true')(beforeChange), expect: ['That review card is out of date'] },
      { send: confirm('true'), expect: ['Consent email sent', claimId, 'patti.fernandez@contoso.com', 'Consent deadline', 'viewClaim', 'showTab'] },
    ]);
    const claim = await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
    expect(claim).toMatchObject({
      status: 'CONSENT_REQUESTED',
      estimatedDealSizeUsd: 50_000,
      customerContactName: 'Patti Fernandez',
      customerContactEmail: 'patti.fernandez@contoso.com',
      partnerContactPhone: '+1 425 555 0199',
      disclaimerAcceptedAt: NOW,
    });
    expect(allText(last)).toContain(`${claim.consentDeadline.getUTCDate()}`);
    const consent = await db.prisma.consentRequest.findUniqueOrThrow({ where: { claimId } });
    expect(consent).toMatchObject({ sendCount: 1, expiresAt: claim.consentDeadline, response: null });
    const emails = await db.prisma.outboxMessage.findMany({ where: { claimId, channel: 'EMAIL', event: CONSENT_EVENTS.requested } });
    expect(emails).toHaveLength(1);
    expect(emails[0]?.recipient).toBe('patti.fernandez@contoso.com');
    const token = /\/consent\/([A-Za-z0-9_-]{43})/.exec(JSON.stringify(emails[0]?.payload))?.[1] ?? '';
    expect(hashConsentToken(TEST_CONSENT_SETTINGS.tokenSecret, token)).toBe(consent.tokenHash);

    const settled = await snapshot(claimId);
    await run('send', DEMO.users.userA, undefined, [{ send: confirm('true')(review), expect: ['Re-send the consent email to remind the customer', 'Nothing was sent'] }]);
    expect(await snapshot(claimId)).toEqual(settled);
  });

  it.each([
    ['another partner’s claim', DEMO.users.userA, DEMO.claims.blueYonderSecurityAdded, `Claim ${DEMO.claims.blueYonderSecurityAdded} was not found among Fabrikam Consulting's claims`],
    ['a claim already waiting for consent', DEMO.users.userA, DEMO.claims.tailspinMigrateConsentRequested, 'Re-send the consent email to remind the customer'],
    ['a completed claim', DEMO.users.adminA, DEMO.claims.contosoMigrateCompleted, 'Nothing was changed'],
    ['a user without a role', DEMO.users.noRoleA, DEMO.claims.lamnaSecurityClaimed, 'no incentives role yet'],
    ['no claim id', DEMO.users.userA, undefined, 'Which claim?'],
  ])('refuses %s at once and changes nothing', async (_name, aad, claimId, message) => {
    const before = claimId ? await snapshot(claimId) : null;
    const { driver } = await run('send', aad, claimId, [{ send: 'send consent', expect: [message], reject: ['Estimated deal size'] }]);
    expect(driver.client.dialogTurnResult.status).toBe('complete');
    if (claimId) expect(await snapshot(claimId)).toEqual(before);
  });

  it('refuses at Send when the claim changed meanwhile (canceled elsewhere), and cancel leaves with nothing saved', async () => {
    const claimId = DEMO.claims.lamnaSecurityClaimed;
    const steps: Step[] = [
      { send: 'send consent', expect: ['Send consent:'] },
      { send: contacts({ customerEmail: 'contact@lamnahealthcare.com' }), expect: ['Estimated deal size'] },
      { send: dealSize('20000'), expect: ['Review: send customer consent email'] },
    ];
    const before = await snapshot(claimId);
    await run('send', DEMO.users.adminA, claimId, [...steps, { send: 'cancel', expect: ['Canceled. Nothing was saved.'] }]);
    expect(await snapshot(claimId)).toEqual(before);

    const { driver, last: review } = await run('send', DEMO.users.adminA, claimId, steps);
    await db.prisma.claim.update({ where: { id: claimId }, data: { status: 'CANCELED' } });
    const changed = await snapshot(claimId);
    expect(allText(await driver.send('help'))).toContain('accept the disclaimer and select Send for consent');
    const last = await driver.send(confirm('true')(review));
    expect(allText(last)).toMatch(/canceled.*Nothing was sent/i);
    expect(await snapshot(claimId)).toEqual(changed);
    await db.prisma.claim.update({ where: { id: claimId }, data: { status: 'CLAIMED' } });
  });

  it('re-sends the consent email as a reminder once, saying a new link was issued; within 24 hours no Re-send button, only when it will be allowed', async () => {
    const claimId = DEMO.claims.humongousSecurityConsentRequested;
    const consentBefore = await db.prisma.consentRequest.findUniqueOrThrow({ where: { claimId } });
    expect(NOW.getTime() - consentBefore.lastSentAt.getTime()).toBeGreaterThanOrEqual(24 * HOUR);
    const confirmResend = (last: Reply[]): Turn => ({ value: submitData(lastCard(last), (d) => d.action === CONFIRM_RESEND_CONSENT_ACTION) });
    let card: Reply[] = [];
    await run('resend', DEMO.users.userA, claimId, [
      // The demo's consent request predates its outbox, so the service cannot recover the old link: the card says so.
      { send: 'resend consent', expect: ['Re-send consent email:', 'Last sent', 'once every 24 hours', 'It carries a new link; the link in the earlier email stops working.'], reject: ['same link'] },
      { send: 'maybe', expect: ['Select **Re-send consent email**'] },
      {
        send: (last) => {
          card = last;
          return confirmResend(last);
        },
        expect: ['Reminder sent', claimId, 'with a new link: the link in the earlier email no longer works'],
        reject: ['same link'],
      },
    ]);
    const consent = await db.prisma.consentRequest.findUniqueOrThrow({ where: { claimId } });
    expect(consent).toMatchObject({ sendCount: consentBefore.sendCount + 1, lastSentAt: NOW });
    expect(await db.prisma.outboxMessage.count({ where: { claimId, channel: 'EMAIL', event: CONSENT_EVENTS.reminder } })).toBe(1);

    const settled = await snapshot(claimId);
    await run('resend', DEMO.users.userA, undefined, [
      { send: confirmResend(card), expect: ['can be re-sent once every 24 hours', 'You can re-send it again from 25 November 2026', 'Nothing was sent'] },
    ]);
    const { driver } = await run('resend', DEMO.users.userA, claimId, [
      { send: 'resend consent', expect: ['Re-send consent email:', 'You can re-send it after 25 November 2026 at 09:00 UTC', 'Nothing was sent.', 'viewClaim'], reject: [CONFIRM_RESEND_CONSENT_ACTION] },
    ]);
    expect(driver.client.dialogTurnResult.status).toBe('complete');
    expect(await snapshot(claimId)).toEqual(settled);
  });

  it('sends, then re-sends a day later with the same link, and says so', async () => {
    const claimId = DEMO.claims.woodgroveBusinessCentralClaimed;
    await run('send', DEMO.users.adminA, claimId, [
      { send: 'send consent', expect: ['Send consent:'] },
      { send: contacts({ customerEmail: 'it@woodgrovebank.example' }), expect: ['Estimated deal size'] },
      { send: dealSize('20000'), expect: ['Review: send customer consent email'] },
      { send: confirm('true'), expect: ['Consent email sent', 'you can re-send it as a reminder from 25 November 2026 at 09:00 UTC'] },
    ]);
    const later = new FixedClock(new Date(NOW.getTime() + 25 * HOUR));
    const deps = dialogDeps(db, later);
    const driver = new DialogDriver(new ResendConsentDialog(deps), { caller: await callerFor(db, DEMO.users.adminA), claimId });
    const ask = await driver.send('resend consent');
    expect(allText(ask)).toContain('It carries the same link as before.');
    const done = await driver.send({ value: submitData(lastCard(ask), (d) => d.action === CONFIRM_RESEND_CONSENT_ACTION) });
    expect(allText(done)).toContain('as a reminder, with the same link.');
    const emails = await db.prisma.outboxMessage.findMany({ where: { claimId, channel: 'EMAIL' }, orderBy: { createdAt: 'asc' } });
    const links = emails.map((email) => /\/consent\/([A-Za-z0-9_-]{43})/.exec(JSON.stringify(email.payload))?.[1]);
    expect(links).toHaveLength(2);
    expect(links[1]).toBe(links[0]);
  });

  it.each([
    ['a claim not waiting for consent', DEMO.claims.northwindCopilotConsentGranted, 'cannot be re-sent'],
    ['another partner’s claim', DEMO.claims.contosoCopilotPartnerB, 'was not found'],
  ])('refuses to re-send for %s', async (_name, claimId, message) => {
    const before = await snapshot(claimId);
    await run('resend', DEMO.users.userA, claimId, [{ send: 'resend consent', expect: [message, 'Nothing was changed'] }]);
    expect(await snapshot(claimId)).toEqual(before);
  });

  it('expands every new card into a valid Adaptive Card 1.5', () => {
    const contactsCard = consentContactsCard({
      title: 'Send consent: Contoso – Data & AI (CLM-0QHXK5GJ)',
      text: 'Review the contacts.',
      customer: { name: 'Patti Fernandez', email: 'patti.fernandez@contoso.com', phone: '' },
      partner: { name: 'Alex Wilber', email: 'alex.wilber@fabrikamconsulting.com', phone: '+1 425 555 0101' },
      action: 'submitConsentContacts',
    });
    const reviewCard = consentReviewCard({
      title: 'Review',
      text: 'Nothing is sent until you select Send for consent.',
      facts: [{ title: 'Estimated deal size', value: '$50,000' }],
      disclaimer: 'I confirm.',
      confirmTitle: 'Send for consent',
      confirmAction: CONFIRM_SEND_CONSENT_ACTION,
      reviewId: 'r-1',
      request: { claimId: 'CLM-0QHXK5GJ', estimatedDealSizeUsd: 50_000 },
      changeAction: 'changeConsentAnswer',
      changes: [{ title: 'Contacts', field: 'contacts' }],
    });
    const actionCard = claimActionCard({
      title: 'Consent email sent',
      color: 'Good',
      text: 'On its way.',
      facts: [{ title: 'Claim', value: 'CLM-0QHXK5GJ' }],
      note: '',
      buttons: [{ title: 'View claim', style: 'default', data: { action: 'viewClaim', claimId: 'CLM-0QHXK5GJ' } }],
    });
    for (const card of [contactsCard, reviewCard, actionCard]) {
      expect(adaptiveCardErrors(card)).toEqual([]);
      expect(JSON.stringify(card)).not.toContain('${');
    }
    expect(JSON.stringify(reviewCard)).toContain('"isRequired":true');
    expect(submitData(reviewCard, (d) => d.action === CONFIRM_SEND_CONSENT_ACTION)).toMatchObject({ request: { claimId: 'CLM-0QHXK5GJ', estimatedDealSizeUsd: 50_000 } });
  });
});
