import type { Dialog } from 'botbuilder-dialogs';
import { AddCustomerDialog } from '../../dialogs/addCustomerDialog';
import { CancelClaimDialog } from '../../dialogs/cancelClaimDialog';
import { ClaimCustomerDialog } from '../../dialogs/claimCustomerDialog';
import { parseDetailsAnswer, parseEngagementAnswer, parseHoursAnswer, parseLocationAnswer } from '../../dialogs/nominationAnswers';
import type { Answer } from '../../dialogs/replies';
import { ResendConsentDialog } from '../../dialogs/resendConsentDialog';
import { SEND_CONSENT_ACTIONS, SendConsentDialog } from '../../dialogs/sendConsentDialog';
import { SubmitClaimDialog } from '../../dialogs/submitClaimDialog';
import {
  CANCEL_REASON_ACTION,
  CONFIRM_ADD_CUSTOMER_ACTION,
  CONFIRM_CANCEL_CLAIM_ACTION,
  CONFIRM_CLAIM_CUSTOMER_ACTION,
  CONFIRM_RESEND_CONSENT_ACTION,
  CONFIRM_SEND_CONSENT_ACTION,
  CONFIRM_SUBMIT_CLAIM_ACTION,
  NOMINATION_ACTIONS,
  SUBMIT_PROOF_ACTION,
} from '../../cards/actions';
import { DEMO } from '../../prisma/demoData';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import type { EngagementVerdict, LocationChoice } from '../../services/nomination';
import { callerFor, dialogDeps, DialogDriver, type Reply } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';

/**
 * Malformed card submissions (fields missing, of the wrong type, far too long, or extra) to every
 * card verb's answer reader: what the user reads back never has zod's wording ("Invalid input:
 * expected string, received undefined"), a field path (friendlyName, customerContact.email) or a
 * verb id (enterCustomerId). Through the readers themselves and through each flow, step by step,
 * including a review card's confirm whose data goes straight to the service.
 */

const NOW = new Date('2026-11-24T09:00:00.000Z');

const ZOD_WORDING: readonly RegExp[] = [
  /Invalid input/i,
  /Invalid (option|string|email|url|date|type|element|key|union)/i,
  /Too (big|small)/i,
  /\bexpected (a |an )?(string|number|int|boolean|array|object|date|record|one of|nonoptional)\b/i,
  /\breceived (undefined|null|string|number|boolean|array|object|NaN)\b/i,
  /\bUnrecognized key/i,
];

/** An internal name: a camelCase word (a field path such as friendlyName or a verb such as enterCustomerId). */
const INTERNAL_NAME = /\b[a-z]+[A-Z][A-Za-z]*\b/;

/** What a person reads: the reply texts and the cards' visible words, not the cards' ids, data or input values. */
function readable(replies: readonly Reply[]): string[] {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      const isInput = typeof record.type === 'string' && record.type.startsWith('Input.');
      for (const [key, value] of Object.entries(record)) {
        if (key === 'data') continue;
        if (typeof value === 'string') {
          if (['text', 'title', 'label', 'errorMessage', 'placeholder'].includes(key) || (key === 'value' && !isInput)) texts.push(value);
        } else walk(value);
      }
    }
  };
  for (const reply of replies) {
    texts.push(reply.text);
    walk(reply.card);
  }
  return texts.filter((text) => text !== '');
}

/** Every leak in what a person reads, with the text it is in. */
function leaks(texts: readonly string[]): string[] {
  return texts.flatMap((text) => {
    const found = ZOD_WORDING.filter((pattern) => pattern.test(text)).map(String);
    const name = INTERNAL_NAME.exec(text)?.[0];
    return [...found, ...(name ? [`internal name ${name}`] : [])].map((what) => `${what} in: ${text.slice(0, 300)}`);
  });
}

const LONG = 'x'.repeat(30_000);
const WRONG_VALUES: readonly unknown[] = [12345, { nested: true }, ['a', 'b'], true, null, LONG, ''];

/** Malformed submissions of one card verb: nothing but the verb, each field wrong in each way, every field wrong at once, an extra field. */
function malformed(action: string, fields: readonly string[], base: Record<string, unknown> = {}): Record<string, unknown>[] {
  const submissions: Record<string, unknown>[] = [{ action }];
  for (const wrong of WRONG_VALUES) {
    for (const field of fields) submissions.push({ action, ...base, [field]: wrong });
    submissions.push({ action, ...Object.fromEntries(fields.map((field) => [field, wrong])) });
  }
  submissions.push({ action, ...base, unexpectedField: LONG });
  return submissions;
}

const DETAILS_FIELDS = ['friendlyName', 'customerName', 'customerEmail', 'customerPhone', 'partnerName', 'partnerEmail', 'partnerPhone'];
const VALID_DETAILS = {
  friendlyName: 'Bellows College pilot',
  customerName: 'Cameron White',
  customerEmail: 'cameron.white@bellowscollege.com',
  customerPhone: '',
  partnerName: 'Adele Vance',
  partnerEmail: 'adele.vance@fabrikamconsulting.com',
  partnerPhone: '',
};

describe('the answer readers of the nomination cards', () => {
  const locations: LocationChoice[] = [
    { id: 'loc-seattle', name: 'Fabrikam Consulting — Seattle', country: 'US' },
    { id: 'loc-toronto', name: 'Fabrikam Consulting — Toronto', country: 'CA' },
  ];
  const verdicts: EngagementVerdict[] = [
    { engagementId: 'eng-a', engagementName: 'Azure Migrate and Modernize', payType: 'FIXED', eligible: true, via: { type: 'DOMAIN', value: 'bellowscollege.com' } },
    { engagementId: 'eng-b', engagementName: 'Security Workshop', payType: 'FIXED', eligible: false, code: 'NOT_IN_CATALOG', reason: 'The customer is not eligible.' },
  ];
  const card = (value: Record<string, unknown>): Answer => ({ kind: 'card', value });
  /** The message of a refused answer; null for one accepted (an empty or missing phone is none). */
  const messageOf = (parsed: { ok: boolean; message?: string }): string | null => (parsed.ok ? null : (parsed.message ?? ''));

  it.each([
    ['chooseLocation', ['locationId'], (value: Record<string, unknown>) => messageOf(parseLocationAnswer(card(value), locations))],
    ['chooseEngagements', ['engagementIds'], (value: Record<string, unknown>) => messageOf(parseEngagementAnswer(card(value), verdicts))],
    ['enterHours', ['hours'], (value: Record<string, unknown>) => messageOf(parseHoursAnswer(card(value), { name: 'Azure Innovate Variable Pay', maxHours: 120 }))],
    ['submitDetails', DETAILS_FIELDS, (value: Record<string, unknown>) => messageOf(parseDetailsAnswer(card(value)))],
  ] as const)('%s: every malformed submission is answered in plain words', (action, fields, read) => {
    const base = action === 'submitDetails' ? VALID_DETAILS : {};
    let refused = 0;
    for (const submission of malformed(action, fields, base)) {
      const message = read(submission);
      if (message === null) {
        expect(Object.keys(submission).some((key) => /Phone$|unexpectedField/.test(key))).toBe(true);
        continue;
      }
      refused += 1;
      expect(message).not.toBe('');
      expect({ submission: JSON.stringify(submission).slice(0, 200), leaks: leaks([message]) }).toEqual({ submission: JSON.stringify(submission).slice(0, 200), leaks: [] });
      expect(message.length).toBeLessThan(2000);
    }
    expect(refused).toBeGreaterThan(fields.length * 4);
  });

  it('names the details field that is missing in words: no "friendlyName: Invalid input: expected string, received undefined"', () => {
    const withoutName: Record<string, unknown> = { ...VALID_DETAILS };
    delete withoutName.friendlyName;
    const message = messageOf(parseDetailsAnswer(card({ action: 'submitDetails', ...withoutName }))) ?? 'accepted';
    expect(message).toBe('Please check: Claim name: this is missing. Everything else you entered is kept.');
    const wrongEmail = messageOf(parseDetailsAnswer(card({ action: 'submitDetails', ...VALID_DETAILS, customerEmail: 42 }))) ?? 'accepted';
    expect(wrongEmail).toContain('Customer contact email: this could not be read, enter it again');
    const long = messageOf(parseDetailsAnswer(card({ action: 'submitDetails', ...VALID_DETAILS, friendlyName: LONG }))) ?? 'accepted';
    expect(long).toContain('Claim name: at most 200 characters');
  });
});

describe('malformed submissions to every step of every flow (demo data)', () => {
  let db: Database;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
  });
  afterAll(() => db.close());

  /** Sends each submission and checks the replies; the flow stays where it was, so the next valid answer goes on. */
  async function probe(driver: DialogDriver, submissions: readonly Record<string, unknown>[]): Promise<void> {
    for (const value of submissions) {
      const replies = await driver.send({ value });
      const said = readable(replies);
      const name = JSON.stringify(value).slice(0, 200);
      expect(said.length).toBeGreaterThan(0);
      expect({ name, leaks: leaks(said) }).toEqual({ name, leaks: [] });
    }
  }

  async function expectPlain(driver: DialogDriver, value: Record<string, unknown> | string): Promise<Reply[]> {
    const replies = await driver.send(typeof value === 'string' ? value : { value });
    expect(leaks(readable(replies))).toEqual([]);
    return replies;
  }

  async function flow(dialog: Dialog, aad: string, options: Record<string, unknown> = {}): Promise<DialogDriver> {
    return new DialogDriver(dialog, { caller: await callerFor(db, aad), ...options });
  }

  it('Add customer, step by step: location, customer id, id type, engagements, hours, details, review', async () => {
    await db.prisma.partnerUser.update({ where: { id: DEMO.userIds.userA }, data: { lastLocationId: null } });
    const driver = await flow(new AddCustomerDialog(dialogDeps(db, clock)), DEMO.users.userA);
    await expectPlain(driver, 'add customer');
    await probe(driver, malformed(NOMINATION_ACTIONS.chooseLocation, ['locationId']));
    await expectPlain(driver, { action: NOMINATION_ACTIONS.chooseLocation, locationId: DEMO.locations.seattle });
    await probe(driver, malformed(NOMINATION_ACTIONS.enterCustomerId, ['customerId', 'idType']));
    await expectPlain(driver, { action: NOMINATION_ACTIONS.enterCustomerId, customerId: '450cf62e-0272-45f8-a106-cac85c6afa8f', idType: 'AUTO' });
    await probe(driver, malformed(NOMINATION_ACTIONS.chooseIdType, ['idType']));
    await expectPlain(driver, 'cancel');

    const variable = await flow(new AddCustomerDialog(dialogDeps(db, clock)), DEMO.users.userA);
    await expectPlain(variable, 'add customer');
    await expectPlain(variable, { action: NOMINATION_ACTIONS.chooseLocation, locationId: DEMO.locations.seattle });
    await expectPlain(variable, { action: NOMINATION_ACTIONS.enterCustomerId, customerId: '7-3qlu01lrg0', idType: 'AUTO' });
    await probe(variable, malformed(NOMINATION_ACTIONS.chooseEngagements, ['engagementIds']));
    await expectPlain(variable, { action: NOMINATION_ACTIONS.chooseEngagements, engagementIds: DEMO.engagements.innovateVariable });
    await probe(variable, malformed(NOMINATION_ACTIONS.enterHours, ['hours']));
    await expectPlain(variable, { action: NOMINATION_ACTIONS.enterHours, hours: '40' });
    await probe(variable, malformed(NOMINATION_ACTIONS.submitDetails, DETAILS_FIELDS, VALID_DETAILS).filter((s) => !('unexpectedField' in s)));
    await expectPlain(variable, { action: NOMINATION_ACTIONS.submitDetails, ...VALID_DETAILS, customerEmail: 'enrico.cattaneo@blueyonderairlines.com' });
    await probe(variable, [...malformed(CONFIRM_ADD_CUSTOMER_ACTION, ['reviewId', 'nomination']), ...malformed(NOMINATION_ACTIONS.changeAnswer, ['field'])]);
  });

  it('Add customer: the tenant mismatch reason', async () => {
    const lamnaClinical = 'b1880d96-75e1-4561-bcc4-9e37eec85179';
    const driver = await flow(new AddCustomerDialog(dialogDeps(db, clock)), DEMO.users.adminB, { idText: lamnaClinical, engagementId: DEMO.engagements.copilot });
    await expectPlain(driver, `add ${lamnaClinical} to copilot`);
    await expectPlain(driver, { action: NOMINATION_ACTIONS.chooseIdType, idType: 'TENANT_ID' });
    const replies = await expectPlain(driver, {
      action: NOMINATION_ACTIONS.submitDetails,
      ...VALID_DETAILS,
      customerEmail: 'johanna.lorenz@lamnahealthcare.com',
      partnerName: 'Megan Bowen',
      partnerEmail: 'megan.bowen@treyresearch.net',
    });
    const asked = replies.some((r) => JSON.stringify(r.card ?? {}).includes(NOMINATION_ACTIONS.giveMismatchReason));
    expect(asked).toBe(true);
    await probe(driver, malformed(NOMINATION_ACTIONS.giveMismatchReason, ['reason']));
  });

  it('Claim customer: the customer', async () => {
    const driver = await flow(new ClaimCustomerDialog(dialogDeps(db, clock)), DEMO.users.userA);
    await expectPlain(driver, 'claim customer');
    await probe(driver, malformed(NOMINATION_ACTIONS.chooseCustomer, ['customerId']));
  });

  it.each([
    ['Add customer', () => new AddCustomerDialog(dialogDeps(db, clock)), CONFIRM_ADD_CUSTOMER_ACTION],
    ['Claim customer', () => new ClaimCustomerDialog(dialogDeps(db, clock)), CONFIRM_CLAIM_CUSTOMER_ACTION],
  ] as const)('%s: a review card confirmed after its flow ended, with malformed data, is refused in plain words by the service', async (_name, dialog, action) => {
    const nomination = {
      friendlyName: 'Bellows College pilot',
      locationId: DEMO.locations.seattle,
      customerId: { type: 'DOMAIN', value: 'bellowscollege.com' },
      engagementIds: [DEMO.engagements.azureMigrate],
      customerContact: { name: 'Cameron White', email: 'cameron.white@bellowscollege.com', phone: null },
      partnerContact: { name: 'Adele Vance', email: 'adele.vance@fabrikamconsulting.com', phone: null },
    };
    const before = await db.prisma.claim.count();
    for (const wrong of [...WRONG_VALUES, undefined]) {
      for (const field of Object.keys(nomination)) {
        const driver = await flow(dialog(), DEMO.users.adminA);
        const value = { action, reviewId: 'an-old-review', nomination: { ...nomination, [field]: wrong } };
        const said = readable(await driver.send({ value }));
        expect(said.length).toBeGreaterThan(0);
        expect({ field, wrong: JSON.stringify(wrong)?.slice(0, 20), leaks: leaks(said) }).toEqual({ field, wrong: JSON.stringify(wrong)?.slice(0, 20), leaks: [] });
      }
    }
    expect(await db.prisma.claim.count()).toBe(before);
  });

  it('Send consent: contacts, deal size, review, and a confirm after the flow ended', async () => {
    const claimId = DEMO.claims.woodgroveBusinessCentralClaimed;
    const driver = await flow(new SendConsentDialog(dialogDeps(db, clock)), DEMO.users.adminA, { claimId });
    await expectPlain(driver, `send consent ${claimId}`);
    const contactFields = ['customerName', 'customerEmail', 'customerPhone', 'partnerName', 'partnerEmail', 'partnerPhone'];
    await probe(driver, malformed(SEND_CONSENT_ACTIONS.submitContacts, contactFields));
    await expectPlain(driver, {
      action: SEND_CONSENT_ACTIONS.submitContacts,
      customerName: 'Patti Fernandez',
      customerEmail: 'patti.fernandez@woodgrovebank.com',
      customerPhone: '',
      partnerName: 'Ana Bowman',
      partnerEmail: 'ana.bowman@fabrikamconsulting.com',
      partnerPhone: '',
    });
    await probe(driver, malformed(SEND_CONSENT_ACTIONS.enterDealSize, ['dealSize']));
    await expectPlain(driver, { action: SEND_CONSENT_ACTIONS.enterDealSize, dealSize: '50000' });
    await probe(driver, [...malformed(CONFIRM_SEND_CONSENT_ACTION, ['reviewId', 'request', 'disclaimerAccepted']), ...malformed(SEND_CONSENT_ACTIONS.changeAnswer, ['field'])]);

    for (const request of malformed('x', ['claimId', 'customerContact', 'partnerContact', 'estimatedDealSizeUsd'], { claimId })) {
      const ended = await flow(new SendConsentDialog(dialogDeps(db, clock)), DEMO.users.adminA);
      const said = readable(await ended.send({ value: { action: CONFIRM_SEND_CONSENT_ACTION, reviewId: 'old', request, disclaimerAccepted: 'true' } }));
      expect(leaks(said)).toEqual([]);
    }
  });

  it('Submit claim: the proof, review, and a confirm after the flow ended', async () => {
    const claimId = DEMO.claims.northwindCopilotConsentGranted;
    const driver = await flow(new SubmitClaimDialog(dialogDeps(db, clock)), DEMO.users.userA, { claimId });
    await expectPlain(driver, `submit claim ${claimId}`);
    await probe(driver, malformed(SUBMIT_PROOF_ACTION, ['deliverySummary', 'completionDate', 'evidenceLinks']));
    for (const nomination of malformed('x', ['claimId', 'deliverySummary', 'completionDate', 'evidenceLinks'], {
      claimId,
      deliverySummary: 'Migrated the ERP workloads and signed off with the customer.',
      completionDate: '2026-11-20',
      evidenceLinks: ['https://evidence.fabrikam.example/a'],
    })) {
      const ended = await flow(new SubmitClaimDialog(dialogDeps(db, clock)), DEMO.users.userA);
      const said = readable(await ended.send({ value: { action: CONFIRM_SUBMIT_CLAIM_ACTION, reviewId: 'old', nomination } }));
      expect(leaks(said)).toEqual([]);
    }
  });

  it('Cancel claim and Re-send consent: the reason and the confirms', async () => {
    const claimId = DEMO.claims.contosoDataAiClaimed;
    const cancel = await flow(new CancelClaimDialog(dialogDeps(db, clock)), DEMO.users.adminA, { claimId });
    await expectPlain(cancel, `cancel claim ${claimId}`);
    await probe(cancel, malformed(CANCEL_REASON_ACTION, ['reason']));
    for (const value of [...malformed(CONFIRM_CANCEL_CLAIM_ACTION, ['claimId', 'reason'], { claimId }), ...malformed(CONFIRM_RESEND_CONSENT_ACTION, ['claimId'])]) {
      const dialog = value.action === CONFIRM_CANCEL_CLAIM_ACTION ? new CancelClaimDialog(dialogDeps(db, clock)) : new ResendConsentDialog(dialogDeps(db, clock));
      const ended = await flow(dialog, DEMO.users.adminA);
      expect(leaks(readable(await ended.send({ value })))).toEqual([]);
    }
    expect((await db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } })).status).not.toBe('CANCELED');
  });
});
