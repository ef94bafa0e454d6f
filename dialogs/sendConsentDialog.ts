import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { consentContactsCard, type ConsentContactInput } from '../cards/consentContacts';
import { consentReviewCard } from '../cards/consentReview';
import { textEntryCard } from '../cards/textEntry';
import { formatDateTime, formatDay, formatUsd } from '../cards/format';
import { contactMessagesFor, contactSchema, MAX_DEAL_SIZE_USD, RequestConsentInputSchema, type RequestConsentInput } from '../services/consent';
import type { Caller } from '../services/directory';
import { parseUserInput, shorten } from '../services/shared';
import { sendDone, startClaimFlow } from './claimFlowShared';
import type { DialogDeps } from './dialogDeps';
import { contactText, type Contact } from '../cards/nominationSteps';
import { STALE_CARD, newReviewId, refusedOr, sendCard } from './replies';
import { ResumableFlowDialog } from './resumableFlowDialog';
import { CONFIRM_SEND_CONSENT_ACTION } from '../cards/actions';

export const SEND_CONSENT_DIALOG_ID = 'sendConsentDialog';

const WATERFALL = 'sendConsentWaterfall';

/** Card verbs of this flow's steps. */
export const SEND_CONSENT_ACTIONS = {
  submitContacts: 'submitConsentContacts',
  enterDealSize: 'enterDealSize',
  changeAnswer: 'changeConsentAnswer',
} as const;

const USAGE = 'Use **Send customer consent email** on the Eligible tab, or type **send consent** and the claim id, for example "send consent CLM-…".';

/** Shown at review; accepting it (a required toggle) is part of the request. */
export const CONSENT_DISCLAIMER =
  'I confirm that the customer and company contacts are correct and that the customer contact may be emailed on our behalf. ' +
  'The estimated deal size is our best estimate of the license, seat or consumption revenue from the first 12 months of this engagement; ' +
  'it cannot be changed after the claim is sent for consent, and it does not affect eligibility or payout.';

type Pending = 'contacts' | 'dealSize' | 'review';
type ChangeField = 'contacts' | 'dealSize';

interface SendConsentState {
  pending?: Pending;
  userId: string;
  claimId: string;
  friendlyName: string;
  customerName: string;
  engagementName: string;
  engagementId: string;
  customerContact: Contact;
  partnerContact: Contact;
  contactsGiven: boolean;
  /** What the last contacts had wrong, by input; shown under each input when the card comes again. */
  contactErrors?: Partial<Record<ConsentContactInput, string>>;
  /** The deal size as typed last, kept when it is re-asked. */
  dealSizeText: string;
  dealSizeUsd?: number;
  /** What was wrong with the deal size typed last, shown under the input. */
  dealSizeError?: string;
  /** The review card currently valid; a confirm from any other is out of date. */
  reviewId?: string;
}

/** The card's inputs as sent; their limits are checked below, per field, so that a long value is kept and marked rather than lost. */
const contactFields = z.object({
  customerName: z.string().max(2000).default(''),
  customerEmail: z.string().max(2000).default(''),
  customerPhone: z.string().max(2000).default(''),
  partnerName: z.string().max(2000).default(''),
  partnerEmail: z.string().max(2000).default(''),
  partnerPhone: z.string().max(2000).default(''),
});
/** The consent service's own contact rule (the same schema), by whose contact it is. */
const contactRules = {
  customer: contactSchema(contactMessagesFor('Customer contact')),
  partner: contactSchema(contactMessagesFor('Your contact')),
} as const;
const CONTACT_INPUT_LABELS: Record<ConsentContactInput, string> = {
  customerName: 'Customer contact name',
  customerEmail: 'Customer contact email',
  customerPhone: 'Customer contact phone',
  partnerName: 'Your contact name',
  partnerEmail: 'Your contact email',
  partnerPhone: 'Your contact phone',
};
const dealSizeSubmission = z.object({ dealSize: z.union([z.string(), z.number()]) });
const changeSubmission = z.object({ field: z.enum(['contacts', 'dealSize']) });
const requestSchema = z.object({
  claimId: z.string(),
  customerContact: z.object({ name: z.string(), email: z.string(), phone: z.string().nullable() }),
  partnerContact: z.object({ name: z.string(), email: z.string(), phone: z.string().nullable() }),
  estimatedDealSizeUsd: z.number(),
});
const confirmSubmission = z.object({ reviewId: z.string().min(1), request: requestSchema, disclaimerAccepted: z.string().optional() });

/**
 * Send customer consent email (rule 5): review or update the contacts → estimated deal size in
 * USD → review with the disclaimer to accept → Send for consent. The consent service decides every
 * rule (state, window, deal size); its refusals are shown as they are and nothing changes.
 */
export class SendConsentDialog extends ResumableFlowDialog<SendConsentState, Pending> {
  protected readonly flowName = 'Send consent';
  constructor(private readonly deps: DialogDeps) {
    super(SEND_CONSENT_DIALOG_ID, WATERFALL);
    this.addFlow([
      this.start.bind(this),
      this.askContacts.bind(this),
      this.takeContacts.bind(this),
      this.askDealSize.bind(this),
      this.takeDealSize.bind(this),
      this.review.bind(this),
      this.takeReview.bind(this),
    ]);
  }

  protected helpForCurrentStep(innerDc: DialogContext): string {
    const pending = this.pendingStep(innerDc);
    const help: Record<Pending, string> = {
      contacts: 'Check the customer contact who receives the consent email, and your own company contact, then select Next.',
      dealSize:
        'Give the estimated deal size in US dollars: a whole number, such as 50000. It cannot be changed once the consent email is sent, and it does not affect eligibility or payout.',
      review: 'Check the details, accept the disclaimer and select Send for consent, or Change an answer.',
    };
    const current = pending ? help[pending] : 'I am sending the customer consent email.';
    return `${current} Type **cancel** to stop; nothing is sent until you select Send for consent.`;
  }

  private async start(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (this.resumed(step)) return step.next();
    const opened = await startClaimFlow(step, this.deps, {
      event: 'SEND_CONSENT',
      usage: USAGE,
      confirmAction: CONFIRM_SEND_CONSENT_ACTION,
      resubmitted: (context, caller) => this.confirmResubmitted(context, caller),
    });
    if (!opened) return step.endDialog();
    const { caller, claim } = opened;
    this.values(step).state = {
      userId: caller.userId,
      claimId: claim.id,
      friendlyName: claim.friendlyName,
      customerName: claim.customer.name,
      engagementName: claim.engagement.name,
      engagementId: claim.engagementId,
      customerContact: { name: claim.customerContactName, email: claim.customerContactEmail, phone: claim.customerContactPhone },
      partnerContact: { name: claim.partnerContactName, email: claim.partnerContactEmail, phone: claim.partnerContactPhone },
      contactsGiven: false,
      dealSizeText: claim.estimatedDealSizeUsd !== null ? String(claim.estimatedDealSizeUsd) : '',
    };
    return step.next();
  }

  /** A review card clicked again after its flow ended: the service decides (the claim has moved on, so it refuses). */
  private async confirmResubmitted(context: TurnContext, caller: Caller): Promise<void> {
    const parsed = confirmSubmission.safeParse(context.activity.value);
    if (!parsed.success) {
      await context.sendActivity(`That Send for consent card is not valid any more, so nothing was sent. ${USAGE}`);
      return;
    }
    if (parsed.data.disclaimerAccepted !== 'true') {
      await context.sendActivity(`Accept the disclaimer before you select Send for consent; nothing was sent. ${USAGE}`);
      return;
    }
    await this.send(context, caller, { ...parsed.data.request, disclaimerAccepted: true });
  }

  private async askContacts(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.contactsGiven) return step.next();
    const fields = (contact: Contact) => ({ name: contact.name, email: contact.email, phone: contact.phone ?? '' });
    await sendCard(
      step.context,
      consentContactsCard({
        title: `Send consent: ${state.friendlyName} (${state.claimId})`,
        text: `The consent email goes to the customer contact of ${state.customerName} for ${state.engagementName}. Review the contacts, update them if needed, and select Next.`,
        customer: fields(state.customerContact),
        partner: fields(state.partnerContact),
        errors: state.contactErrors ?? {},
        action: SEND_CONSENT_ACTIONS.submitContacts,
      }),
    );
    return this.ask(state, 'contacts');
  }

  private async takeContacts(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'contacts', [SEND_CONSENT_ACTIONS.submitContacts]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    if (answer.kind !== 'card') return this.reask(step, state, 'Please check the contacts on the card above and select Next.');
    const raw = contactFields.safeParse(answer.value);
    if (!raw.success) return this.reask(step, state, 'Please check the contacts on the card above and select Next.');
    const given = raw.data;
    const phone = (value: string) => (value.trim() === '' ? null : value.trim());
    state.customerContact = { name: given.customerName.trim(), email: given.customerEmail.trim(), phone: phone(given.customerPhone) };
    state.partnerContact = { name: given.partnerName.trim(), email: given.partnerEmail.trim(), phone: phone(given.partnerPhone) };
    const errors: Partial<Record<ConsentContactInput, string>> = {};
    const checked = {
      customer: this.checkContact('customer', state.customerContact, errors),
      partner: this.checkContact('partner', state.partnerContact, errors),
    };
    if (!checked.customer || !checked.partner) {
      state.contactErrors = errors;
      const wrong = (Object.keys(CONTACT_INPUT_LABELS) as ConsentContactInput[]).filter((input) => errors[input]).map((input) => CONTACT_INPUT_LABELS[input]);
      return this.reask(step, state, `Please correct what is marked on the card below (${wrong.join(', ')}). Everything else you entered is kept.`);
    }
    state.customerContact = checked.customer;
    state.partnerContact = checked.partner;
    state.contactErrors = undefined;
    state.contactsGiven = true;
    return this.again(step, state);
  }

  /** The contact as the consent service will take it, or null with each problem put under its input. */
  private checkContact(who: 'customer' | 'partner', contact: Contact, errors: Partial<Record<ConsentContactInput, string>>): Contact | null {
    const parsed = parseUserInput(contactRules[who], contact);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const part = issue.path[0] === 'email' ? 'Email' : issue.path[0] === 'phone' ? 'Phone' : 'Name';
      const input: ConsentContactInput = `${who}${part}`;
      errors[input] ??= issue.message;
    }
    return null;
  }

  private async askDealSize(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.dealSizeUsd !== undefined) return step.next();
    await sendCard(
      step.context,
      textEntryCard({
        title: 'Estimated deal size',
        text:
          'Give the estimated deal size in US dollars: the license, seat or consumption revenue expected from the first 12 months of this engagement for the customer. ' +
          'It cannot be changed once the consent email is sent. It does not affect eligibility or payout.',
        inputId: 'dealSize',
        label: 'Estimated deal size (USD, whole number)',
        placeholder: 'for example 50000',
        // Digits only: the number input shows "$45,000" as 45000, and nothing for what is no number.
        value: state.dealSizeText.replace(/[,\s]/g, '').replace(/^(us)?\$|usd$/i, ''),
        numberRange: { min: 1, max: MAX_DEAL_SIZE_USD },
        error: state.dealSizeError ?? '',
        multiline: false,
        maxLength: 20,
        errorMessage: `Enter the estimated deal size in US dollars: a whole number from 1 to ${MAX_DEAL_SIZE_USD.toLocaleString('en-US')}.`,
        typeChoices: [],
        selectedType: '',
        submitTitle: 'Next',
        action: SEND_CONSENT_ACTIONS.enterDealSize,
      }),
    );
    return this.ask(state, 'dealSize');
  }

  private async takeDealSize(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'dealSize', [SEND_CONSENT_ACTIONS.enterDealSize]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const raw = answer.kind === 'card' ? dealSizeSubmission.safeParse(answer.value).data?.dealSize : answer.kind === 'text' ? answer.text : undefined;
    const typed = String(raw ?? '').trim();
    state.dealSizeText = typed;
    // Separators out first, so the currency pattern never retries `\s*` over a run of spaces (quadratic).
    const parsed = parseUserInput(RequestConsentInputSchema.shape.estimatedDealSizeUsd, typed.replace(/[,\s]/g, '').replace(/^(us)?\$|usd$/i, ''));
    if (!parsed.success) {
      const problem = parsed.error.issues[0]?.message ?? 'the estimated deal size must be a whole number of US dollars';
      state.dealSizeError = `${problem.charAt(0).toUpperCase()}${problem.slice(1)}, such as 50000. You entered "${shorten(typed)}".`;
      return this.reask(step, state, 'Please correct the estimated deal size marked on the card below.');
    }
    state.dealSizeUsd = parsed.data;
    state.dealSizeError = undefined;
    return this.again(step, state);
  }

  private request(state: SendConsentState): z.infer<typeof requestSchema> {
    return {
      claimId: state.claimId,
      customerContact: state.customerContact,
      partnerContact: state.partnerContact,
      estimatedDealSizeUsd: state.dealSizeUsd ?? 0,
    };
  }

  private async review(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    // A review shown again unchanged (after help, or a refusal) keeps its id, so its earlier copy still works.
    state.reviewId ??= newReviewId();
    await sendCard(
      step.context,
      consentReviewCard({
        title: 'Review: send customer consent email',
        text: `The email goes to ${state.customerContact.email}; the customer accepts or declines on a web page. Nothing is sent until you select Send for consent.`,
        facts: [
          { title: 'Claim', value: `${state.friendlyName} (${state.claimId})` },
          { title: 'Customer', value: state.customerName },
          { title: 'Engagement', value: state.engagementName },
          { title: 'Customer contact', value: contactText(state.customerContact) },
          { title: 'Your contact', value: contactText(state.partnerContact) },
          { title: 'Estimated deal size', value: `${formatUsd(state.dealSizeUsd ?? 0)} (cannot change once sent)` },
        ],
        disclaimer: CONSENT_DISCLAIMER,
        confirmTitle: 'Send for consent',
        confirmAction: CONFIRM_SEND_CONSENT_ACTION,
        reviewId: state.reviewId,
        request: this.request(state),
        changeAction: SEND_CONSENT_ACTIONS.changeAnswer,
        changes: [
          { title: 'Contacts', field: 'contacts' },
          { title: 'Estimated deal size', field: 'dealSize' },
        ],
      }),
    );
    return this.ask(state, 'review');
  }

  private async takeReview(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'review', [CONFIRM_SEND_CONSENT_ACTION, SEND_CONSENT_ACTIONS.changeAnswer]);
    if (!answer) return this.again(step, state);
    if (answer.kind === 'card' && answer.value.action === SEND_CONSENT_ACTIONS.changeAnswer) {
      const change = changeSubmission.safeParse(answer.value);
      if (!change.success) return this.reask(step, state, 'Choose what to change under **Change an answer** on the review card.');
      this.clear(state, change.data.field);
      return this.again(step, state);
    }
    if (answer.kind !== 'card') {
      return this.reask(step, state, answer.kind === 'stale' ? STALE_CARD : 'Accept the disclaimer on the review card and select **Send for consent**, or **Change an answer**.');
    }
    const confirm = confirmSubmission.safeParse(answer.value);
    if (!confirm.success || confirm.data.reviewId !== state.reviewId) return this.reask(step, state, 'That review card is out of date: use the latest one below.');
    if (confirm.data.disclaimerAccepted !== 'true') return this.reask(step, state, 'Accept the disclaimer (switch it on) before you select Send for consent. Your answers are kept.');
    const caller = await this.deps.services.directory.currentCaller(state.userId);
    await this.send(step.context, caller, { ...this.request(state), disclaimerAccepted: true });
    return step.endDialog();
  }

  private clear(state: SendConsentState, field: ChangeField): void {
    state.reviewId = undefined;
    if (field === 'contacts') state.contactsGiven = false;
    else state.dealSizeUsd = undefined;
  }

  private async send(context: TurnContext, caller: Caller, input: RequestConsentInput): Promise<void> {
    const result = await refusedOr(() => this.deps.services.consent.request(caller, input));
    if (!result.ok) {
      await context.sendActivity(`${result.message} Nothing was sent.`);
      return;
    }
    const claim = result.value;
    this.deps.logger.info({ claimId: claim.id }, 'consent email requested');
    const history = caller.kind === 'partnerUser' ? await this.deps.services.consent.sendHistory(caller, claim.id) : null;
    const resend = history?.resendFrom ? ` from ${formatDateTime(history.resendFrom)}` : '';
    await sendDone(context, {
      title: 'Consent email sent',
      text: `The consent email for ${claim.friendlyName} is on its way to ${claim.customerContactEmail}. I will tell you when the customer answers.`,
      facts: [
        { title: 'Claim', value: claim.id },
        { title: 'Sent to', value: `${claim.customerContactName} (${claim.customerContactEmail})` },
        { title: 'Estimated deal size', value: formatUsd(claim.estimatedDealSizeUsd ?? 0) },
        { title: 'Consent deadline', value: formatDay(claim.consentDeadline) },
      ],
      note: `If the customer has not answered, you can re-send it as a reminder${resend} on the Eligible tab (once every 24 hours).`,
      claim,
    });
  }
}
