import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { CONFIRM_CLAIM_CUSTOMER_ACTION, NOMINATION_ACTIONS } from '../cards/actions';
import { knownCustomerCard, opportunityCard, opportunityText } from '../cards/nominationSteps';
import type { PartnerCaller } from '../services/directory';
import { proposePayout, type ClaimCustomerInput, type NominationMode, type NominationOffer, type PayoutOpportunity } from '../services/nomination';
import { shorten } from '../services/shared';
import type { DialogDeps } from './dialogDeps';
import type { Parsed } from './nominationAnswers';
import { contactInput, NominationFlowDialog, type ChangeField, type Fact, type NominationDraft, type NominationKind } from './nominationFlow';
import type { ClaimCustomerOptions } from './nominationOptions';
import { STALE_CARD, sendCard, type Answer } from './replies';

export type { ClaimCustomerOptions } from './nominationOptions';

export const CLAIM_CUSTOMER_DIALOG_ID = 'claimCustomerDialog';

const WATERFALL = 'claimCustomerWaterfall';

interface ClaimCustomerState extends NominationDraft {
  /** The known customer (Customer.id). */
  customerId?: string;
  /** The MSX opportunity picked among several: the card's default when it is asked again. */
  opportunityId?: string;
  /** The engagements taken (`chosen.for`) the opportunity was picked for: asked again when they change or are cleared. */
  opportunityFor?: string;
}

const customerSubmission = z.object({ customerId: z.string().trim().min(1) });

const opportunitySubmission = z.object({ opportunityId: z.string().trim().min(1) });

const CLAIM: NominationKind = {
  action: 'Claim customer',
  command: 'claim customer',
  verb: 'claimed',
  confirmAction: CONFIRM_CLAIM_CUSTOMER_ACTION,
  confirmWords: /^(yes|claim|claim customer|confirm|ok)$/i,
  changeFields: ['location', 'engagements', 'hours', 'opportunity', 'details'],
  onlyEngagement: (engagement, customer) => `${engagement} is the only engagement ${customer} can be claimed for here, so it is chosen.`,
  intro: 'I am claiming a customer.',
  help: {
    customer: 'Choose one of your known customers (those who consented to you for an earlier claim), or type its name or one of its ids.',
    location: 'Choose the location this claim is for: only MCI-enrolled locations enrolled for the engagement are offered.',
    engagements: 'Choose the engagements to claim the customer for. Ineligible engagements are listed with the reason.',
    hours: 'Give the hours you need for the variable pay engagement: a whole number up to its limit. They cannot change later.',
    opportunity: 'Choose the MSX opportunity the claim is paid on: each one shows its payout for the hours you gave.',
    details: 'Give the claim a name, and the contact details of the customer and of your company.',
    review: 'Check the details. Select Claim customer to create the claim, or Change an answer.',
  },
};

/**
 * Claim customer (rule 4), from the Eligible tab or `claim customer`: the nomination flow
 * (nominationFlow.ts) with the customer chosen among the partner's known customers, its latest
 * contact proposed, and for VARIABLE the MSX opportunity it is paid on: the customer's only eligible
 * one, or the one the partner picks (after the hours, so that each shows its payout).
 */
export class ClaimCustomerDialog extends NominationFlowDialog<ClaimCustomerState, ClaimCustomerInput> {
  protected readonly kind = CLAIM;

  constructor(deps: DialogDeps) {
    super(deps, CLAIM_CUSTOMER_DIALOG_ID, WATERFALL);
    this.addFlow([
      this.start.bind(this),
      this.askCustomer.bind(this),
      this.takeCustomer.bind(this),
      this.askLocation.bind(this),
      this.takeLocation.bind(this),
      this.askEngagements.bind(this),
      this.takeEngagements.bind(this),
      this.askHours.bind(this),
      this.takeHours.bind(this),
      this.askOpportunity.bind(this),
      this.takeOpportunity.bind(this),
      this.askDetails.bind(this),
      this.takeDetails.bind(this),
      this.review.bind(this),
      this.takeReview.bind(this),
    ]);
  }

  /** A customer named by the Eligible tab or a shortcut must be one the partner knows (rule 2), or nothing starts. */
  protected async seed(draft: NominationDraft, options: Partial<ClaimCustomerOptions>): Promise<ClaimCustomerState | string> {
    const state: ClaimCustomerState = { ...draft, ...(options.engagementId ? { engagementIds: [options.engagementId] } : {}) };
    if (!options.customerId) return state;
    const refusal = await this.useCustomer(state, options.customerId);
    return refusal ?? state;
  }

  /** Takes a known customer and its latest contact; the refusal when it is not one the partner knows. */
  private async useCustomer(state: ClaimCustomerState, customerId: string): Promise<string | null> {
    const known = await this.deps.services.nomination.claimableCustomer(state.caller, customerId);
    if (!known.ok) return known.message;
    state.customerId = known.customer.id;
    state.customerLabel = known.customer.name;
    state.lastCustomerContact = known.customer.lastContact;
    return null;
  }

  private async askCustomer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.customerId) return step.next();
    const customers = await this.deps.services.nomination.knownCustomers(state.caller);
    if (customers.length === 0) {
      await step.context.sendActivity('You have no known customers yet: a customer becomes known once it consents to one of your claims. Add a new customer instead.');
      return step.endDialog();
    }
    await sendCard(step.context, knownCustomerCard(customers));
    return this.ask(state, 'customer');
  }

  private async takeCustomer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'customer', [NOMINATION_ACTIONS.chooseCustomer]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const typed = (answer.kind === 'card' ? customerSubmission.safeParse(answer.value).data?.customerId : answer.kind === 'text' ? answer.text : undefined) ?? '';
    const match = await this.deps.services.nomination.findKnownCustomer(state.caller, typed);
    if (match.kind === 'one') {
      const refusal = await this.useCustomer(state, match.item.id);
      return refusal ? this.reask(step, state, refusal) : this.again(step, state);
    }
    if (match.kind === 'many') {
      return this.reask(step, state, `"${shorten(typed)}" matches several known customers: ${match.candidates.map((c) => c.name).join('; ')}. Choose one.`);
    }
    return this.reask(step, state, `"${shorten(typed)}" is not one of your known customers. Choose one from the list, or type its name or one of its ids.`);
  }

  /** VARIABLE with several eligible opportunities: which one is it paid on? Each is shown with its payout for the hours given. */
  private async askOpportunity(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const chosen = state.chosen;
    const hoursFor = chosen?.hoursFor;
    const hours = state.hours;
    if (!chosen || !hoursFor || hours === undefined || chosen.opportunities.length < 2) return step.next();
    const picked = state.opportunityFor === chosen.for ? chosen.opportunities.find((o) => o.id === state.opportunityId) : undefined;
    if (picked) {
      // The same engagements taken again (Change an answer): the pick still stands.
      chosen.opportunity = picked;
      return step.next();
    }
    const choices = chosen.opportunities.map((opportunity) => ({ opportunity, proposal: proposePayout(hoursFor, opportunity.valueUsd, hours) }));
    await this.sendStep(step, opportunityCard(hoursFor, choices, state.opportunityId ?? ''));
    return this.ask(state, 'opportunity');
  }

  private async takeOpportunity(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'opportunity', [NOMINATION_ACTIONS.chooseOpportunity]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const chosen = state.chosen;
    const hoursFor = chosen?.hoursFor;
    if (!chosen || !hoursFor || state.hours === undefined) return this.again(step, state);
    const parsed = parseOpportunityAnswer(answer, chosen.opportunities);
    if (!parsed.ok) return this.reask(step, state, parsed.message);
    const proposal = proposePayout(hoursFor, parsed.value.valueUsd, state.hours);
    if (!proposal.ok) return this.reask(step, state, `${proposal.reason} Choose another opportunity.`);
    chosen.opportunity = parsed.value;
    state.opportunityId = parsed.value.id;
    state.opportunityFor = chosen.for;
    return this.again(step, state);
  }

  protected override clear(state: ClaimCustomerState, field: ChangeField): void {
    if (field !== 'opportunity') return super.clear(state, field);
    state.opportunityFor = undefined;
  }

  protected customerKey(state: ClaimCustomerState): string | undefined {
    return state.customerId;
  }

  protected check(_step: WaterfallStepContext, state: ClaimCustomerState): Promise<NominationOffer> {
    return this.deps.services.nomination.offerClaim(state.caller, { customerId: state.customerId ?? '', locationId: state.location?.id ?? null });
  }

  protected engagementCardFor(state: ClaimCustomerState): { customer: string; otherIdAction: string } {
    return { customer: state.customerLabel ?? '', otherIdAction: '' };
  }

  protected choiceMode(): NominationMode {
    return { mode: 'claim' };
  }

  protected customerFacts(state: ClaimCustomerState): Fact[] {
    const opportunity = state.chosen?.opportunity;
    return [{ title: 'Customer', value: state.customerLabel ?? '' }, ...(opportunity ? [{ title: 'Opportunity', value: opportunityText(opportunity) }] : [])];
  }

  protected input(state: ClaimCustomerState): ClaimCustomerInput {
    const opportunity = state.chosen?.hoursFor ? state.chosen.opportunity : null;
    return {
      friendlyName: state.friendlyName ?? '',
      locationId: state.location?.id ?? '',
      customerId: state.customerId ?? '',
      engagementIds: state.engagementIds ?? [],
      ...(state.hours !== undefined ? { hours: state.hours } : {}),
      // The claim is made with, and paid on, the opportunity the review shows.
      ...(opportunity ? { nominatedId: { type: 'MSX_OPPORTUNITY_ID' as const, value: opportunity.id } } : {}),
      customerContact: contactInput(state.customerContact),
      partnerContact: contactInput(state.partnerContact),
    };
  }

  protected submit(caller: PartnerCaller, input: ClaimCustomerInput) {
    return this.deps.services.nomination.claimCustomer(caller, input);
  }
}

/** The opportunity chosen on the card, or typed: its id, or a word of its name that names one only. */
function parseOpportunityAnswer(answer: Answer, opportunities: readonly PayoutOpportunity[]): Parsed<PayoutOpportunity> {
  const offered = opportunities.map((o) => `${o.id} (${o.name})`).join('; ');
  const wanted = answer.kind === 'card' ? (opportunitySubmission.safeParse(answer.value).data?.opportunityId ?? '') : answer.kind === 'text' ? answer.text.trim() : '';
  const needle = wanted.toLowerCase();
  const byId = opportunities.find((o) => o.id.toLowerCase() === needle);
  const byName = needle ? opportunities.filter((o) => o.name.toLowerCase().includes(needle)) : [];
  const found = byId ?? (byName.length === 1 ? byName[0] : undefined);
  if (found) return { ok: true, value: found };
  return { ok: false, message: `${wanted ? `"${shorten(wanted)}" is not one of the customer's eligible opportunities. ` : ''}Choose one of: ${offered}.` };
}
