import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { choiceCard } from '../cards/choice';
import { nominationReviewCard } from '../cards/nominationReview';
import { textEntryCard } from '../cards/textEntry';
import {
  CUSTOMER_ID_TYPE_LABELS,
  GUID_ID_TYPES,
  customerIdSchema,
  domainForDisplay,
  inferCustomerIdType,
  parseCustomerId,
  type CustomerId,
} from '../services/customers/customerIds';
import { CustomerIdType, type Engagement } from '../services/db';
import type { Caller } from '../services/directory/callers';
import { checkAddCustomer, checkTenantEmailMatch, describeId, loadEngagements, type EngagementVerdict, type LocationChoice } from '../services/nomination/eligibility';
import { addCustomer, type AddCustomerInput } from '../services/nomination/nominate';
import { assertVariableNomination } from '../services/nomination/payout';
import type { DialogDeps } from './dialogDeps';
import { applyDetails, changeFieldFromText, confirmationCard, contactText, decideLocation, describeLocation, detailsCard, engagementCard, hoursCard, locationCard, parseDetailsAnswer, parseEngagementAnswer, parseHoursAnswer, parseLocationAnswer, payoutText, proposeFriendlyName, refusalForCaller, sayOnce, startDraft, type NominationDraft } from './nominationShared';
import { STALE_CARD, newReviewId, refusedOr, sendCard, submittedAction } from './replies';
import { ResumableFlowDialog } from './resumableFlowDialog';
import { CONFIRM_ADD_CUSTOMER_ACTION, NOMINATION_ACTIONS } from '../cards/actions';

export const ADD_CUSTOMER_DIALOG_ID = 'addCustomerDialog';

const WATERFALL = 'addCustomerWaterfall';

/** How the router starts Add customer: what a shortcut line or a card button already names. */
export interface AddCustomerOptions {
  caller: Caller;
  /** The engagement a Customers page's "Add customer" or a shortcut names. */
  engagementId?: string;
  /** A typed customer id whose type is inferred (`add contoso.com to …`). */
  idText?: string;
  /** A customer id of a known type. */
  customerId?: CustomerId;
}

type Pending = 'location' | 'customerId' | 'guidType' | 'engagements' | 'hours' | 'details' | 'mismatchReason' | 'review';

type ChangeField = 'location' | 'customerId' | 'engagements' | 'hours' | 'details';

interface AddCustomerState extends NominationDraft {
  pending?: Pending;
  /** Typed id text still to be read (a shortcut's, or what was typed before its type was known). */
  idText?: string;
  /** A GUID whose type (tenant or subscription) the user is asked for. */
  guidValue?: string;
  customerId?: CustomerId;
  /** The customer's name when Microsoft's view knows it, else the id as typed. */
  customerLabel?: string;
  derivedTenantId?: string | null;
  opportunity?: { id: string; name: string; valueUsd: number } | null;
  tenantMismatchReason?: string;
  /** The tenant id / email domain mismatch found for the current contacts. */
  mismatch?: string;
}

/** What the waterfall keeps between its steps: the answers, and what the last question offered. */
interface StepValues {
  state: AddCustomerState;
  locations?: LocationChoice[];
  verdicts?: EngagementVerdict[];
}

const ID_TYPE_CHOICES = [
  { title: 'Detect from the value', value: 'AUTO' },
  ...Object.values(CustomerIdType).map((type) => ({ title: CUSTOMER_ID_TYPE_LABELS[type], value: type })),
];

const idSubmission = z.object({ customerId: z.string().max(300), idType: z.union([z.literal('AUTO'), z.enum(CustomerIdType)]).default('AUTO') });
const guidTypeSubmission = z.object({ idType: z.enum(CustomerIdType) });
const reasonSubmission = z.object({ reason: z.string().trim().min(1).max(1000) });
const changeSubmission = z.object({ field: z.enum(['location', 'customerId', 'engagements', 'hours', 'details']), reviewId: z.string().optional() });
const confirmSubmission = z.object({ reviewId: z.string().min(1), nomination: z.record(z.string(), z.unknown()) });

/**
 * Add customer (rule 3): location → customer id (type inferred; a GUID asks tenant or subscription;
 * a domain's tenant is said) → engagements (eligible selectable, ineligible with reasons) → hours
 * (VARIABLE) → claim name and contacts → tenant mismatch reason (when needed) → review → Add customer.
 * Each answer is kept when another is re-asked; every rule is decided by the services.
 */
export class AddCustomerDialog extends ResumableFlowDialog<AddCustomerState, Pending, StepValues> {
  constructor(private readonly deps: DialogDeps) {
    super(ADD_CUSTOMER_DIALOG_ID, WATERFALL);
    this.addFlow([
      this.start.bind(this),
      this.askLocation.bind(this),
      this.takeLocation.bind(this),
      this.askCustomerId.bind(this),
      this.takeCustomerId.bind(this),
      this.askEngagements.bind(this),
      this.takeEngagements.bind(this),
      this.askHours.bind(this),
      this.takeHours.bind(this),
      this.askDetails.bind(this),
      this.takeDetails.bind(this),
      this.askMismatchReason.bind(this),
      this.takeMismatchReason.bind(this),
      this.review.bind(this),
      this.takeReview.bind(this),
    ]);
  }

  protected helpForCurrentStep(innerDc: DialogContext): string {
    const pending = this.pendingStep(innerDc);
    const help: Record<Pending, string> = {
      location: 'Choose the MCI-enrolled location this claim is for. Only locations enrolled in MCI can be used.',
      customerId:
        'Give one id of the customer: a domain name (contoso.com), a tenant ID or Azure subscription ID (a GUID), a TPID (a whole number) or an MSX opportunity ID (7-XXXXXXXXXX). Variable pay engagements take only MSX opportunity IDs.',
      guidType: 'A GUID can be a tenant ID or an Azure subscription ID: say which one this is.',
      engagements: 'Choose the engagements to add the customer to. Ineligible engagements are listed with the reason.',
      hours: 'Give the hours you need for the variable pay engagement: a whole number up to its limit. They cannot change later.',
      details: 'Give the claim a name, and the contact details of the customer and of your company.',
      mismatchReason: "The tenant ID does not match the customer contact's email domain: say why (for example a separate tenant for one division).",
      review: 'Check the details. Select Add customer to create the claim, or Change an answer.',
    };
    const current = pending ? help[pending] : 'I am adding a customer.';
    return `${current} Type **cancel** to stop; nothing is saved until you select Add customer.`;
  }

  private async start(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (this.resumed(step)) return step.next();
    const options = step.options as Partial<AddCustomerOptions>;
    const caller = options.caller;
    if (!caller) throw new Error('AddCustomerDialog needs the caller in its options.');
    const refusal = await refusalForCaller(this.deps, caller);
    if (refusal || caller.kind !== 'partnerUser') {
      await step.context.sendActivity(refusal ?? 'Only partner users can add customers.');
      return step.endDialog();
    }
    if (submittedAction(step.context) === CONFIRM_ADD_CUSTOMER_ACTION) return this.confirmResubmitted(step, caller.userId);
    const state: AddCustomerState = { ...(await startDraft(this.deps, caller)) };
    if (options.engagementId) state.engagementIds = [options.engagementId];
    if (options.customerId) state.customerId = options.customerId;
    if (options.idText) state.idText = options.idText;
    this.values(step).state = state;
    return step.next();
  }

  /** A review card clicked again after its flow ended: the service decides (it creates one claim, never two). */
  private async confirmResubmitted(step: WaterfallStepContext, userId: string): Promise<DialogTurnResult> {
    const parsed = confirmSubmission.safeParse(step.context.activity.value);
    if (!parsed.success) {
      await step.context.sendActivity('That Add customer card is not valid any more. Type **add customer** to start again.');
      return step.endDialog();
    }
    await this.create(step.context, userId, parsed.data.nomination as AddCustomerInput);
    return step.endDialog();
  }

  private async askLocation(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.locationId) return step.next();
    const named = state.engagementIds?.length === 1 ? state.engagementIds[0] : undefined;
    const decision = await decideLocation(this.deps, state, named, !state.chooseLocation);
    if (decision.kind === 'none') {
      await step.context.sendActivity(decision.message);
      return step.endDialog();
    }
    if (decision.kind === 'chosen') {
      if (decision.note) await sayOnce(step.context, state, 'location', decision.note);
      return step.next();
    }
    await sendCard(step.context, locationCard(decision.locations, state.lastLocationId ?? undefined));
    this.values(step).locations = decision.locations;
    return this.ask(state, 'location');
  }

  private async takeLocation(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'location', [NOMINATION_ACTIONS.chooseLocation]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const parsed = parseLocationAnswer(answer, this.values(step).locations ?? []);
    if (!parsed.ok) return this.reask(step, state, parsed.message);
    state.locationId = parsed.value;
    state.chooseLocation = false;
    return this.again(step, state);
  }

  private async askCustomerId(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.customerId) return step.next();
    if (state.guidValue) {
      await sendCard(
        step.context,
        choiceCard({
          title: `Is ${state.guidValue} a tenant ID or an Azure subscription ID?`,
          text: 'Both are GUIDs, so I cannot tell them apart.',
          inputId: 'idType',
          label: 'ID type',
          errorMessage: 'Choose tenant ID or Azure subscription ID.',
          choices: GUID_ID_TYPES.map((type) => ({ title: CUSTOMER_ID_TYPE_LABELS[type], value: type })),
          selected: '',
          submitTitle: 'Next',
          action: NOMINATION_ACTIONS.chooseIdType,
        }),
      );
      return this.ask(state, 'guidType');
    }
    if (state.idText) {
      const typed = state.idText;
      state.idText = undefined;
      return this.readCustomerId(step, state, typed, 'AUTO');
    }
    await sendCard(
      step.context,
      textEntryCard({
        title: 'Which customer?',
        text: 'Give one id of the customer. The type is detected from the value; choose it yourself if you prefer.',
        inputId: 'customerId',
        label: 'Customer ID',
        placeholder: 'contoso.com, a tenant ID, a TPID or 7-XXXXXXXXXX',
        value: '',
        multiline: false,
        maxLength: 300,
        errorMessage: 'Enter a customer id.',
        typeChoices: ID_TYPE_CHOICES,
        selectedType: 'AUTO',
        submitTitle: 'Next',
        action: NOMINATION_ACTIONS.enterCustomerId,
      }),
    );
    return this.ask(state, 'customerId');
  }

  /** Reads a typed id: its type inferred (or given), a GUID asking which type it is. */
  private async readCustomerId(step: WaterfallStepContext, state: AddCustomerState, text: string, type: CustomerIdType | 'AUTO'): Promise<DialogTurnResult> {
    if (type !== 'AUTO') {
      const parsed = parseCustomerId(type, text);
      if (!parsed.ok) return this.reask(step, state, parsed.message);
      state.customerId = parsed.id;
      return this.again(step, state);
    }
    const inferred = inferCustomerIdType(text);
    if (inferred.kind === 'invalid') return this.reask(step, state, inferred.message);
    if (inferred.kind === 'ambiguous') state.guidValue = inferred.value;
    else state.customerId = inferred.id;
    return this.again(step, state);
  }

  private async takeCustomerId(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.pending === 'guidType') {
      const answer = this.answerFor(step, state, 'guidType', [NOMINATION_ACTIONS.chooseIdType]);
      const guid = state.guidValue ?? '';
      const chosen =
        answer?.kind === 'card'
          ? guidTypeSubmission.safeParse(answer.value).data?.idType
          : answer?.kind === 'text'
            ? GUID_ID_TYPES.find((t) => CUSTOMER_ID_TYPE_LABELS[t].toLowerCase().startsWith(answer.text.toLowerCase().replace(/ id$/, '')))
            : undefined;
      if (!chosen || !GUID_ID_TYPES.includes(chosen)) return this.reask(step, state, 'Say whether the GUID is a tenant ID or an Azure subscription ID.');
      state.guidValue = undefined;
      return this.readCustomerId(step, state, guid, chosen);
    }
    const answer = this.answerFor(step, state, 'customerId', [NOMINATION_ACTIONS.enterCustomerId]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    if (answer.kind === 'text') return this.readCustomerId(step, state, answer.text, 'AUTO');
    const parsed = answer.kind === 'card' ? idSubmission.safeParse(answer.value) : null;
    if (!parsed?.success) return this.reask(step, state, 'Enter the customer id on the card above.');
    return this.readCustomerId(step, state, parsed.data.customerId, parsed.data.idType);
  }

  /** The eligibility check for the id and location: the verdict for every open engagement. */
  private async check(step: WaterfallStepContext, state: AddCustomerState, customerId: CustomerId): Promise<EngagementVerdict[] | DialogTurnResult> {
    const result = await refusedOr(() =>
      checkAddCustomer(this.deps.db.prisma, this.deps.ports, { partnerId: state.partnerId, customerId, locationId: state.locationId ?? null }),
    );
    if (!result.ok) {
      state.customerId = undefined;
      return this.reask(step, state, result.message);
    }
    const check = result.value;
    const customer = check.customerId ? await this.deps.db.prisma.customer.findUnique({ where: { id: check.customerId }, select: { name: true } }) : null;
    state.customerLabel = customer?.name ?? (customerId.type === 'DOMAIN' ? domainForDisplay(customerId.value) : customerId.value);
    state.derivedTenantId = check.derivedTenantId;
    state.opportunity = check.opportunity ? { id: check.opportunity.id, name: check.opportunity.name, valueUsd: check.opportunity.valueUsd } : null;
    if (check.derivedTenantId) {
      await sayOnce(step.context, state, `tenant:${customerId.value}`, `${domainForDisplay(customerId.value)} belongs to tenant ${check.derivedTenantId}; eligibility is checked for it.`);
    }
    if (check.knownToPartner) {
      const refused = check.verdicts.flatMap((v) => (!v.eligible && v.code === 'KNOWN_MUST_CLAIM' ? [v.reason] : []))[0];
      await step.context.sendActivity(
        `${refused ?? 'The customer is already known to you, so it must be claimed, not added.'} Nothing was created. Try: claim ${state.customerLabel} for <engagement>.`,
      );
      return step.endDialog();
    }
    return check.verdicts;
  }

  private async askEngagements(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const customerId = state.customerId;
    if (!customerId) return step.next();
    const checked = await this.check(step, state, customerId);
    if (!Array.isArray(checked)) return checked;
    const chosen = state.engagementIds ?? [];
    const chosenVerdicts = chosen.map((id) => checked.find((v) => v.engagementId === id));
    const refused = chosenVerdicts.flatMap((v) => (v && !v.eligible ? [v.reason] : []));
    if (chosen.length > 0 && refused.length === 0 && chosenVerdicts.every((v) => v?.eligible)) return step.next();
    const eligible = checked.filter((v) => v.eligible);
    const only = eligible.length === 1 ? eligible[0] : undefined;
    if (chosen.length === 0 && only) {
      state.engagementIds = [only.engagementId];
      await sayOnce(step.context, state, `engagement:${only.engagementId}`, `${only.engagementName} is the only engagement ${state.customerLabel ?? 'the customer'} is eligible for, so it is chosen.`);
      return step.next();
    }
    await sendCard(
      step.context,
      engagementCard(checked, {
        customer: `${state.customerLabel ?? ''} (${describeId(customerId)})`,
        selected: chosen,
        otherIdAction: NOMINATION_ACTIONS.otherCustomerId,
        note: refused.join(' '),
      }),
    );
    this.values(step).verdicts = checked;
    return this.ask(state, 'engagements');
  }

  private async takeEngagements(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'engagements', [NOMINATION_ACTIONS.chooseEngagements, NOMINATION_ACTIONS.otherCustomerId]);
    if (!answer) return step.next();
    if (answer.kind === 'card' && answer.value.action === NOMINATION_ACTIONS.otherCustomerId) {
      state.customerId = undefined;
      return this.again(step, state);
    }
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const verdicts = this.values(step).verdicts ?? [];
    const parsed = parseEngagementAnswer(answer, verdicts);
    if (!parsed.ok) return this.reask(step, state, parsed.message);
    const engagements = await loadEngagements(this.deps.db.prisma, parsed.value);
    const shape = await refusedOr(() => Promise.resolve(assertVariableNomination(engagements, state.customerId?.type ?? 'DOMAIN')));
    if (!shape.ok) return this.reask(step, state, shape.message);
    state.engagementIds = parsed.value;
    return this.again(step, state);
  }

  private async variableEngagement(state: AddCustomerState): Promise<Engagement | undefined> {
    const engagements = await loadEngagements(this.deps.db.prisma, state.engagementIds ?? []);
    return engagements.find((e) => e.payType === 'VARIABLE');
  }

  private async askHours(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const variable = await this.variableEngagement(state);
    if (!variable) {
      state.hours = undefined;
      return step.next();
    }
    if (state.hours !== undefined) return step.next();
    await sendCard(step.context, hoursCard(variable, undefined));
    return this.ask(state, 'hours');
  }

  private async takeHours(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'hours', [NOMINATION_ACTIONS.enterHours]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const variable = await this.variableEngagement(state);
    if (!variable) return this.again(step, state);
    const parsed = parseHoursAnswer(answer, variable);
    if (!parsed.ok) return this.reask(step, state, parsed.message);
    const opportunity = state.opportunity;
    if (opportunity) {
      const payout = payoutText(variable, opportunity, parsed.value);
      if (!payout.ok) {
        await step.context.sendActivity(`${payout.message} Nothing was created.`);
        return step.endDialog();
      }
    }
    state.hours = parsed.value;
    return this.again(step, state);
  }

  private async askDetails(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.detailsGiven) return step.next();
    const engagements = await loadEngagements(this.deps.db.prisma, state.engagementIds ?? []);
    const proposed = proposeFriendlyName(state.customerLabel ?? '', engagements.map((e) => e.name));
    await sendCard(step.context, detailsCard(state, proposed, null, ''));
    return this.ask(state, 'details');
  }

  private async takeDetails(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'details', [NOMINATION_ACTIONS.submitDetails]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const parsed = parseDetailsAnswer(answer);
    if (!parsed.ok) return this.reask(step, state, parsed.message);
    applyDetails(state, parsed.value);
    state.detailsGiven = true;
    state.mismatch = undefined;
    const id = state.customerId;
    if (id?.type === 'TENANT_ID') {
      const match = await checkTenantEmailMatch(this.deps.ports.tenants, id.value, parsed.value.customerContact.email);
      if (!match.matches) {
        const emailTenant = match.emailTenantId ? `belongs to tenant ${match.emailTenantId}` : 'has no known tenant';
        state.mismatch = `The tenant ID ${id.value} does not match the customer contact's email domain ${match.emailDomain}, which ${emailTenant}.`;
      } else {
        state.tenantMismatchReason = undefined;
      }
    }
    return this.again(step, state);
  }

  private async askMismatchReason(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (!state.mismatch || state.tenantMismatchReason) return step.next();
    await sendCard(
      step.context,
      textEntryCard({
        title: 'Why does the tenant not match?',
        text: `${state.mismatch} Give the reason for the mismatch.`,
        inputId: 'reason',
        label: 'Reason for the mismatch',
        placeholder: 'for example: the division runs in a separate tenant',
        value: '',
        multiline: true,
        maxLength: 1000,
        errorMessage: 'A reason is required when the tenant does not match the email domain.',
        typeChoices: [],
        selectedType: '',
        submitTitle: 'Next',
        action: NOMINATION_ACTIONS.giveMismatchReason,
      }),
    );
    return this.ask(state, 'mismatchReason');
  }

  private async takeMismatchReason(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'mismatchReason', [NOMINATION_ACTIONS.giveMismatchReason]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const reason = answer.kind === 'card' ? reasonSubmission.safeParse(answer.value).data?.reason : answer.kind === 'text' ? answer.text : undefined;
    if (!reason) return this.reask(step, state, 'A reason is required when the tenant ID does not match the email domain.');
    state.tenantMismatchReason = reason.slice(0, 1000);
    return this.again(step, state);
  }

  private input(state: AddCustomerState): AddCustomerInput {
    const phone = (p: string | null) => p ?? undefined;
    return {
      friendlyName: state.friendlyName ?? '',
      locationId: state.locationId ?? '',
      engagementIds: state.engagementIds ?? [],
      ...(state.hours !== undefined ? { hours: state.hours } : {}),
      customerId: state.customerId ?? { type: 'DOMAIN', value: '' },
      customerContact: { name: state.customerContact?.name ?? '', email: state.customerContact?.email ?? '', phone: phone(state.customerContact?.phone ?? null) },
      partnerContact: { name: state.partnerContact?.name ?? '', email: state.partnerContact?.email ?? '', phone: phone(state.partnerContact?.phone ?? null) },
      ...(state.tenantMismatchReason ? { tenantMismatchReason: state.tenantMismatchReason } : {}),
    };
  }

  private async review(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const prisma = this.deps.db.prisma;
    const engagements = await loadEngagements(prisma, state.engagementIds ?? []);
    const location = await prisma.location.findUnique({ where: { id: state.locationId ?? '' }, select: { id: true, name: true, country: true } });
    const variable = engagements.find((e) => e.payType === 'VARIABLE');
    let payout = '';
    if (variable && state.opportunity && state.hours !== undefined) {
      const proposal = payoutText(variable, state.opportunity, state.hours);
      payout = proposal.ok ? proposal.value : proposal.message;
    }
    const id = state.customerId;
    const facts = [
      { title: 'Claim name', value: state.friendlyName ?? '' },
      { title: 'Location', value: location ? describeLocation(location) : (state.locationId ?? '') },
      { title: 'Customer', value: `${state.customerLabel ?? ''} (${id ? describeId(id) : ''})` },
      ...(state.derivedTenantId ? [{ title: 'Derived tenant', value: state.derivedTenantId }] : []),
      { title: engagements.length > 1 ? 'Engagements' : 'Engagement', value: engagements.map((e) => e.name).join('; ') },
      ...(state.hours !== undefined ? [{ title: 'Hours', value: `${state.hours} (cannot change later)` }] : []),
      { title: 'Customer contact', value: contactText(state.customerContact) },
      { title: 'Your contact', value: contactText(state.partnerContact) },
      ...(state.tenantMismatchReason ? [{ title: 'Tenant mismatch reason', value: state.tenantMismatchReason }] : []),
    ];
    const changes: { title: string; field: ChangeField }[] = [
      { title: 'Location', field: 'location' },
      { title: 'Customer ID', field: 'customerId' },
      { title: 'Engagements', field: 'engagements' },
      ...(variable ? [{ title: 'Hours', field: 'hours' as const }] : []),
      { title: 'Claim name and contacts', field: 'details' },
    ];
    state.reviewId = newReviewId();
    await sendCard(
      step.context,
      nominationReviewCard({
        title: 'Review: add customer',
        text: 'Nothing is created until you select Add customer.',
        facts,
        payout,
        confirmTitle: 'Add customer',
        confirmAction: CONFIRM_ADD_CUSTOMER_ACTION,
        reviewId: state.reviewId,
        nomination: this.input(state),
        changes,
      }),
    );
    return this.ask(state, 'review');
  }

  private async takeReview(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'review', [CONFIRM_ADD_CUSTOMER_ACTION, NOMINATION_ACTIONS.changeAnswer]);
    if (!answer) return this.again(step, state);
    const typedChange = answer.kind === 'text' ? changeFieldFromText(answer.text) : null;
    if (typedChange || (answer.kind === 'card' && answer.value.action === NOMINATION_ACTIONS.changeAnswer)) {
      const change = changeSubmission.safeParse(typedChange ? { field: typedChange } : answer.kind === 'card' ? answer.value : {});
      if (!change.success) return this.reask(step, state, 'That answer cannot be changed here: choose one under **Change an answer** on the review card.');
      this.clear(state, change.data.field);
      return this.again(step, state);
    }
    if (answer.kind === 'card') {
      const confirm = confirmSubmission.safeParse(answer.value);
      if (!confirm.success || confirm.data.reviewId !== state.reviewId) {
        return this.reask(step, state, 'That review card is out of date: use the latest one below.');
      }
      await this.create(step.context, state.userId, this.input(state));
      return step.endDialog();
    }
    if (answer.kind === 'text' && /^(yes|add|add customer|confirm|ok)$/i.test(answer.text)) {
      await this.create(step.context, state.userId, this.input(state));
      return step.endDialog();
    }
    return this.reask(step, state, answer.kind === 'stale' ? STALE_CARD : 'Select **Add customer** on the review card, or **Change an answer**.');
  }

  private clear(state: AddCustomerState, field: ChangeField): void {
    switch (field) {
      case 'location':
        state.lastLocationId = state.locationId ?? state.lastLocationId;
        state.locationId = undefined;
        state.chooseLocation = true;
        return;
      case 'customerId':
        state.customerId = undefined;
        state.tenantMismatchReason = undefined;
        state.mismatch = undefined;
        return;
      case 'engagements':
        state.engagementIds = [];
        state.hours = undefined;
        state.said = state.said.filter((key) => !key.startsWith('engagement:'));
        return;
      case 'hours':
        state.hours = undefined;
        return;
      case 'details':
        state.detailsGiven = false;
        return;
    }
  }

  private async create(context: TurnContext, userId: string, input: AddCustomerInput): Promise<void> {
    const result = await refusedOr(() => addCustomer(this.deps.db, this.deps.clock, { userId }, input, this.deps.ports));
    if (!result.ok) {
      await context.sendActivity(`${result.message} Nothing was created.`);
      return;
    }
    const parsedId = customerIdSchema.safeParse(input.customerId);
    const customer = await this.deps.db.prisma.customer.findUnique({ where: { id: result.value.customerId }, select: { name: true } });
    const label = customer?.name ?? (parsedId.success ? parsedId.data.value : 'The customer');
    this.deps.logger.info({ claims: result.value.claims.map((c) => c.id), userId }, 'customer added');
    await sendCard(context, confirmationCard(result.value, 'added', label));
  }
}
