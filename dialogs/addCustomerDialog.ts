import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { CONFIRM_ADD_CUSTOMER_ACTION, NOMINATION_ACTIONS } from '../cards/actions';
import { customerIdCard, guidTypeCard, mismatchReasonCard, type TypedAnswer } from '../cards/nominationSteps';
import { CUSTOMER_ID_TYPE_LABELS, CustomerIdType, GUID_ID_TYPES, domainForDisplay, inferCustomerIdType, parseCustomerId, type CustomerId } from '../services/customers';
import type { PartnerCaller } from '../services/directory';
import { describeId, type AddCustomerInput, type NominationMode, type NominationOffer, type PayoutOpportunity } from '../services/nomination';
import type { DialogDeps } from './dialogDeps';
import type { Details } from './nominationAnswers';
import { contactInput, NominationFlowDialog, type ChangeField, type Fact, type NominationDraft, type NominationKind } from './nominationFlow';
import type { AddCustomerOptions } from './nominationOptions';
import { STALE_CARD, sendCard } from './replies';
import { claimInsteadCard } from './shortcuts';

export type { AddCustomerOptions } from './nominationOptions';

export const ADD_CUSTOMER_DIALOG_ID = 'addCustomerDialog';

const WATERFALL = 'addCustomerWaterfall';

interface AddCustomerState extends NominationDraft {
  /** Typed id text still to be read (a shortcut's, or what was typed before its type was known). */
  idText?: string;
  /** The id as last typed when it was wrong, and why: the id card comes back with both. */
  idTyped?: TypedAnswer & { idType: string };
  /** A GUID whose type (tenant or subscription) the user is asked for. */
  guidValue?: string;
  customerId?: CustomerId;
  derivedTenantId?: string | null;
  /** The opportunity of an MSX opportunity id, as the eligibility check found it: the payout's basis. */
  opportunity?: PayoutOpportunity | null;
  tenantMismatchReason?: string;
  /** Why the last mismatch reason was not taken (it was empty). */
  reasonError?: string;
  /** The tenant id / email domain mismatch found for the current contacts. */
  mismatch?: string;
}

const idSubmission = z.object({ customerId: z.string().max(300), idType: z.union([z.literal('AUTO'), z.enum(CustomerIdType)]).default('AUTO') });
const guidTypeSubmission = z.object({ idType: z.enum(CustomerIdType) });
const reasonSubmission = z.object({ reason: z.string().trim().min(1).max(1000) });

const ADD: NominationKind = {
  action: 'Add customer',
  command: 'add customer',
  verb: 'added',
  confirmAction: CONFIRM_ADD_CUSTOMER_ACTION,
  confirmWords: /^(yes|add|add customer|confirm|ok)$/i,
  changeFields: ['location', 'customerId', 'engagements', 'hours', 'details'],
  onlyEngagement: (engagement, customer) => `${engagement} is the only engagement ${customer || 'the customer'} is eligible for, so it is chosen.`,
  intro: 'I am adding a customer.',
  help: {
    location: 'Choose the MCI-enrolled location this claim is for. Only locations enrolled in MCI can be used.',
    customerId:
      'Give one id of the customer: a domain name (contoso.com), a tenant ID or Azure subscription ID (a GUID), a TPID (a whole number) or an MSX opportunity ID (7-XXXXXXXXXX). Variable pay engagements take only MSX opportunity IDs.',
    guidType: 'A GUID can be a tenant ID or an Azure subscription ID: say which one this is.',
    engagements: 'Choose the engagements to add the customer to. Ineligible engagements are listed with the reason.',
    hours: 'Give the hours you need for the variable pay engagement: a whole number up to its limit. They cannot change later.',
    details: 'Give the claim a name, and the contact details of the customer and of your company.',
    mismatchReason: "The tenant ID does not match the customer contact's email domain: say why (for example a separate tenant for one division).",
    review: 'Check the details. Select Add customer to create the claim, or Change an answer.',
  },
};

/**
 * Add customer (rule 3): the nomination flow (nominationFlow.ts) with the customer named by one of
 * its ids — type inferred, a GUID asking tenant or subscription, a domain's tenant said — and, for
 * a tenant id that does not match the contact's email domain, the reason for the mismatch.
 */
export class AddCustomerDialog extends NominationFlowDialog<AddCustomerState, AddCustomerInput> {
  protected readonly kind = ADD;

  constructor(deps: DialogDeps) {
    super(deps, ADD_CUSTOMER_DIALOG_ID, WATERFALL);
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

  protected seed(draft: NominationDraft, options: Partial<AddCustomerOptions>): Promise<AddCustomerState> {
    return Promise.resolve({
      ...draft,
      ...(options.engagementId ? { engagementIds: [options.engagementId] } : {}),
      ...(options.customerId ? { customerId: options.customerId } : {}),
      ...(options.idText ? { idText: options.idText } : {}),
    });
  }

  private async askCustomerId(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.customerId) return step.next();
    if (state.guidValue) {
      await this.sendStep(step, guidTypeCard(state.guidValue));
      return this.ask(state, 'guidType');
    }
    if (state.idText) {
      const typed = state.idText;
      state.idText = undefined;
      return this.readCustomerId(step, state, typed, 'AUTO');
    }
    await this.sendStep(step, customerIdCard(state.idTyped));
    return this.ask(state, 'customerId');
  }

  /** Reads a typed id: its type inferred (or given), a GUID asking which type it is. */
  private async readCustomerId(step: WaterfallStepContext, state: AddCustomerState, text: string, type: CustomerIdType | 'AUTO'): Promise<DialogTurnResult> {
    if (type !== 'AUTO') {
      const parsed = parseCustomerId(type, text);
      if (!parsed.ok) return this.wrongId(step, state, { value: text, idType: type, error: parsed.message });
      state.customerId = parsed.id;
      state.idTyped = undefined;
      return this.again(step, state);
    }
    const inferred = inferCustomerIdType(text);
    if (inferred.kind === 'invalid') return this.wrongId(step, state, { value: text, idType: 'AUTO', error: inferred.message });
    state.idTyped = undefined;
    if (inferred.kind === 'ambiguous') state.guidValue = inferred.value;
    else state.customerId = inferred.id;
    return this.again(step, state);
  }

  /** The id card again, with what was typed and why it was not taken. */
  private async wrongId(step: WaterfallStepContext, state: AddCustomerState, typed: TypedAnswer & { idType: string }): Promise<DialogTurnResult> {
    state.customerId = undefined;
    state.idTyped = { ...typed, value: typed.value.slice(0, 300) };
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
    if (!parsed?.success) return this.wrongId(step, state, { value: '', idType: 'AUTO', error: 'Enter the customer id: a domain, a tenant ID, a TPID or an MSX opportunity ID.' });
    return this.readCustomerId(step, state, parsed.data.customerId, parsed.data.idType);
  }

  protected customerKey(state: AddCustomerState): string | undefined {
    return state.customerId ? `${state.customerId.type}:${state.customerId.value}` : undefined;
  }

  /** Eligibility of the id given, for every open engagement; a known customer ends the flow (it is claimed), a bad id is asked again. */
  protected async check(step: WaterfallStepContext, state: AddCustomerState): Promise<NominationOffer | DialogTurnResult> {
    const customerId = state.customerId;
    if (!customerId) return this.again(step, state);
    const asked = state.engagementIds?.length === 1 ? state.engagementIds[0] : null;
    const result = await this.deps.services.nomination.offerAdd(state.caller, { customerId, locationId: state.location?.id ?? null, engagementId: asked });
    if (!result.ok) {
      if (!result.canRetry) {
        if (result.claimInstead) await sendCard(step.context, claimInsteadCard(result.message, result.claimInstead));
        else await step.context.sendActivity(result.message);
        return step.endDialog();
      }
      return this.wrongId(step, state, { value: customerId.value, idType: customerId.type, error: result.message });
    }
    state.customerLabel = result.customerLabel;
    state.derivedTenantId = result.derivedTenantId;
    state.opportunity = result.opportunity;
    if (result.derivedTenantId) {
      await this.sayOnce(step.context, state, `tenant:${customerId.value}`, `${domainForDisplay(customerId.value)} belongs to tenant ${result.derivedTenantId}; eligibility is checked for it.`);
    }
    return result.offer;
  }

  protected engagementCardFor(state: AddCustomerState): { customer: string; otherIdAction: string } {
    const id = state.customerId;
    return { customer: `${state.customerLabel ?? ''} (${id ? describeId(id) : ''})`, otherIdAction: NOMINATION_ACTIONS.otherCustomerId };
  }

  protected override useOtherCustomerId(state: AddCustomerState): boolean {
    state.customerId = undefined;
    return true;
  }

  protected choiceMode(state: AddCustomerState): NominationMode {
    return { mode: 'add', idType: state.customerId?.type ?? 'DOMAIN', opportunity: state.opportunity ?? null };
  }

  /** A tenant id must match the customer contact's email domain, or the partner says why (asked next). */
  protected override async afterDetails(state: AddCustomerState, details: Details): Promise<void> {
    const mismatch = state.customerId ? await this.deps.services.nomination.contactMismatch(state.customerId, details.customerContact.email) : null;
    state.mismatch = mismatch ?? undefined;
    if (!mismatch) state.tenantMismatchReason = undefined;
  }

  private async askMismatchReason(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (!state.mismatch || state.tenantMismatchReason) return step.next();
    await this.sendStep(step, mismatchReasonCard(state.mismatch, state.reasonError ? { value: '', error: state.reasonError } : undefined));
    return this.ask(state, 'mismatchReason');
  }

  private async takeMismatchReason(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'mismatchReason', [NOMINATION_ACTIONS.giveMismatchReason]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const reason = answer.kind === 'card' ? reasonSubmission.safeParse(answer.value).data?.reason : answer.kind === 'text' ? answer.text : undefined;
    if (!reason) {
      state.reasonError = 'A reason is required when the tenant ID does not match the email domain.';
      return this.again(step, state);
    }
    state.reasonError = undefined;
    state.tenantMismatchReason = reason.slice(0, 1000);
    return this.again(step, state);
  }

  protected customerFacts(state: AddCustomerState): Fact[] {
    const id = state.customerId;
    return [
      { title: 'Customer', value: `${state.customerLabel ?? ''} (${id ? describeId(id) : ''})` },
      ...(state.derivedTenantId ? [{ title: 'Derived tenant', value: state.derivedTenantId }] : []),
    ];
  }

  protected override closingFacts(state: AddCustomerState): Fact[] {
    return state.tenantMismatchReason ? [{ title: 'Tenant mismatch reason', value: state.tenantMismatchReason }] : [];
  }

  protected override clear(state: AddCustomerState, field: ChangeField): void {
    if (field !== 'customerId') return super.clear(state, field);
    state.customerId = undefined;
    state.tenantMismatchReason = undefined;
    state.mismatch = undefined;
  }

  protected input(state: AddCustomerState): AddCustomerInput {
    return {
      friendlyName: state.friendlyName ?? '',
      locationId: state.location?.id ?? '',
      engagementIds: state.engagementIds ?? [],
      ...(state.hours !== undefined ? { hours: state.hours } : {}),
      customerId: state.customerId ?? { type: 'DOMAIN', value: '' },
      customerContact: contactInput(state.customerContact),
      partnerContact: contactInput(state.partnerContact),
      ...(state.tenantMismatchReason ? { tenantMismatchReason: state.tenantMismatchReason } : {}),
    };
  }

  protected submit(caller: PartnerCaller, input: AddCustomerInput) {
    return this.deps.services.nomination.addCustomer(caller, input);
  }
}
