import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { choiceCard } from '../cards/choice';
import { nominationReviewCard } from '../cards/nominationReview';
import type { Engagement } from '../services/db';
import type { Caller } from '../services/directory/callers';
import { checkClaimCustomer, describeId, loadEngagements, type EngagementVerdict, type LocationChoice } from '../services/nomination/eligibility';
import { claimCustomer, type ClaimCustomerInput } from '../services/nomination/nominate';
import { assertVariableNomination } from '../services/nomination/payout';
import type { DialogDeps } from './dialogDeps';
import { applyDetails, changeFieldFromText, confirmationCard, contactText, decideLocation, describeLocation, detailsCard, engagementCard, hoursCard, locationCard, parseDetailsAnswer, parseEngagementAnswer, parseHoursAnswer, parseLocationAnswer, payoutText, proposeFriendlyName, refusalForCaller, sayOnce, startDraft, type Contact, type NominationDraft } from './nominationShared';
import { STALE_CARD, newReviewId, refusedOr, sendCard, submittedAction } from './replies';
import { ResumableFlowDialog } from './resumableFlowDialog';
import { matchCustomer } from './shortcuts';
import { CONFIRM_CLAIM_CUSTOMER_ACTION, NOMINATION_ACTIONS } from '../cards/actions';

export const CLAIM_CUSTOMER_DIALOG_ID = 'claimCustomerDialog';

const WATERFALL = 'claimCustomerWaterfall';
/** How many known customers the choice card lists; more are found by typing a name or id. */
const CUSTOMER_CHOICES = 50;

/** How the router starts Claim customer: the Eligible tab's button names customer and engagement, a shortcut both, `claim customer` neither. */
export interface ClaimCustomerOptions {
  caller: Caller;
  /** The known customer (Customer.id). */
  customerId?: string;
  engagementId?: string;
}

type Pending = 'customer' | 'location' | 'engagements' | 'hours' | 'details' | 'review';
type ChangeField = 'location' | 'engagements' | 'hours' | 'details';

interface ClaimCustomerState extends NominationDraft {
  pending?: Pending;
  customerId?: string;
  customerName?: string;
  /** The opportunity a VARIABLE claim is made with, for its proposed payout. */
  opportunity?: { id: string; name: string; valueUsd: number } | null;
  /** The contact of this partner's latest claim for the customer: proposed again. */
  lastCustomerContact?: Contact | null;
}

interface StepValues {
  state: ClaimCustomerState;
  locations?: LocationChoice[];
  verdicts?: EngagementVerdict[];
  customers?: { id: string; name: string; ids: string[] }[];
}

const customerSubmission = z.object({ customerId: z.string().trim().min(1) });
const changeSubmission = z.object({ field: z.enum(['location', 'engagements', 'hours', 'details']) });
const confirmSubmission = z.object({ reviewId: z.string().min(1), nomination: z.record(z.string(), z.unknown()) });

/**
 * Claim customer (rule 4), from the Eligible tab or `claim customer`: (customer) → location
 * (MCI-enrolled and enrolled for the engagement) → engagements → hours (VARIABLE) → claim name and
 * contacts → review → Claim customer. Every rule is decided by the services.
 */
export class ClaimCustomerDialog extends ResumableFlowDialog<ClaimCustomerState, Pending, StepValues> {
  constructor(private readonly deps: DialogDeps) {
    super(CLAIM_CUSTOMER_DIALOG_ID, WATERFALL);
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
      this.askDetails.bind(this),
      this.takeDetails.bind(this),
      this.review.bind(this),
      this.takeReview.bind(this),
    ]);
  }

  protected helpForCurrentStep(innerDc: DialogContext): string {
    const pending = this.pendingStep(innerDc);
    const help: Record<Pending, string> = {
      customer: 'Choose one of your known customers (those who consented to you for an earlier claim), or type its name or one of its ids.',
      location: 'Choose the location this claim is for: only MCI-enrolled locations enrolled for the engagement are offered.',
      engagements: 'Choose the engagements to claim the customer for. Ineligible engagements are listed with the reason.',
      hours: 'Give the hours you need for the variable pay engagement: a whole number up to its limit. They cannot change later.',
      details: 'Give the claim a name, and the contact details of the customer and of your company.',
      review: 'Check the details. Select Claim customer to create the claim, or Change an answer.',
    };
    const current = pending ? help[pending] : 'I am claiming a customer.';
    return `${current} Type **cancel** to stop; nothing is saved until you select Claim customer.`;
  }

  private async start(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (this.resumed(step)) return step.next();
    const options = step.options as Partial<ClaimCustomerOptions>;
    const caller = options.caller;
    if (!caller) throw new Error('ClaimCustomerDialog needs the caller in its options.');
    const refusal = await refusalForCaller(this.deps, caller);
    if (refusal || caller.kind !== 'partnerUser') {
      await step.context.sendActivity(refusal ?? 'Only partner users can claim customers.');
      return step.endDialog();
    }
    if (submittedAction(step.context) === CONFIRM_CLAIM_CUSTOMER_ACTION) return this.confirmResubmitted(step, caller.userId);
    const state: ClaimCustomerState = { ...(await startDraft(this.deps, caller)) };
    if (options.engagementId) state.engagementIds = [options.engagementId];
    this.values(step).state = state;
    if (options.customerId) {
      const known = await this.deps.db.prisma.knownCustomer.findUnique({
        where: { partnerId_customerId: { partnerId: caller.partnerId, customerId: options.customerId } },
      });
      if (!known) {
        await step.context.sendActivity(
          'That customer is not one of your known customers, so it cannot be claimed; a customer new to you is added instead (add customer). Nothing was created.',
        );
        return step.endDialog();
      }
      await this.useCustomer(state, known.customerId, known.name);
    }
    return step.next();
  }

  private async useCustomer(state: ClaimCustomerState, customerId: string, name: string): Promise<void> {
    state.customerId = customerId;
    state.customerName = name;
    const last = await this.deps.db.prisma.claim.findFirst({
      where: { partnerId: state.partnerId, customerId },
      orderBy: { createdAt: 'desc' },
      select: { customerContactName: true, customerContactEmail: true, customerContactPhone: true },
    });
    state.lastCustomerContact = last ? { name: last.customerContactName, email: last.customerContactEmail, phone: last.customerContactPhone } : null;
  }

  private async confirmResubmitted(step: WaterfallStepContext, userId: string): Promise<DialogTurnResult> {
    const parsed = confirmSubmission.safeParse(step.context.activity.value);
    if (!parsed.success) {
      await step.context.sendActivity('That Claim customer card is not valid any more. Type **claim customer** to start again.');
      return step.endDialog();
    }
    await this.create(step.context, userId, parsed.data.nomination as ClaimCustomerInput);
    return step.endDialog();
  }

  private async knownCustomers(partnerId: string): Promise<{ id: string; name: string; ids: string[] }[]> {
    const rows = await this.deps.db.prisma.knownCustomer.findMany({
      where: { partnerId },
      select: { customerId: true, name: true, customer: { select: { identifiers: { select: { value: true } } } } },
      orderBy: [{ name: 'asc' }, { customerId: 'asc' }],
    });
    return rows.map((row) => ({ id: row.customerId, name: row.name, ids: row.customer.identifiers.map((i) => i.value) }));
  }

  private async askCustomer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.customerId) return step.next();
    const customers = await this.knownCustomers(state.partnerId);
    if (customers.length === 0) {
      await step.context.sendActivity('You have no known customers yet: a customer becomes known once it consents to one of your claims. Add a new customer instead.');
      return step.endDialog();
    }
    await sendCard(
      step.context,
      choiceCard({
        title: 'Which customer?',
        text: `Your known customers${customers.length > CUSTOMER_CHOICES ? ` (the first ${CUSTOMER_CHOICES}; type a name or id to find another)` : ''}.`,
        inputId: 'customerId',
        label: 'Customer',
        errorMessage: 'Choose a customer.',
        choices: customers.slice(0, CUSTOMER_CHOICES).map((c) => ({ title: c.name, value: c.id })),
        selected: '',
        submitTitle: 'Next',
        action: NOMINATION_ACTIONS.chooseCustomer,
      }),
    );
    return this.ask(state, 'customer');
  }

  private async takeCustomer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'customer', [NOMINATION_ACTIONS.chooseCustomer]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const customers = await this.knownCustomers(state.partnerId);
    const typed = answer.kind === 'card' ? customerSubmission.safeParse(answer.value).data?.customerId : answer.kind === 'text' ? answer.text : undefined;
    const byId = customers.find((c) => c.id === typed);
    const match = byId ? { kind: 'one' as const, item: byId } : matchCustomer(customers, typed ?? '');
    if (match.kind === 'one') {
      await this.useCustomer(state, match.item.id, match.item.name);
      return this.again(step, state);
    }
    if (match.kind === 'many') {
      return this.reask(step, state, `"${typed ?? ''}" matches several known customers: ${match.candidates.map((c) => c.name).join('; ')}. Choose one.`);
    }
    return this.reask(step, state, `"${typed ?? ''}" is not one of your known customers. Choose one from the list, or type its name or one of its ids.`);
  }

  private singleEngagement(state: ClaimCustomerState): string | undefined {
    return state.engagementIds?.length === 1 ? state.engagementIds[0] : undefined;
  }

  private async askLocation(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.locationId) return step.next();
    const decision = await decideLocation(this.deps, state, this.singleEngagement(state), !state.chooseLocation);
    if (decision.kind === 'none') {
      await step.context.sendActivity(`${decision.message} Nothing was created.`);
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

  private async askEngagements(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const customerId = state.customerId ?? '';
    const verdicts = await checkClaimCustomer(this.deps.db.prisma, this.deps.ports, {
      partnerId: state.partnerId,
      customerId,
      locationId: state.locationId ?? null,
    });
    const chosen = state.engagementIds ?? [];
    const chosenVerdicts = chosen.map((id) => verdicts.find((v) => v.engagementId === id));
    const refused = chosenVerdicts.flatMap((v) => (v && !v.eligible ? [v.reason] : []));
    if (chosen.length > 0 && chosenVerdicts.every((v) => v?.eligible)) return step.next();
    const eligible = verdicts.filter((v) => v.eligible);
    const only = eligible.length === 1 ? eligible[0] : undefined;
    if (chosen.length === 0 && only) {
      state.engagementIds = [only.engagementId];
      await sayOnce(step.context, state, `engagement:${only.engagementId}`, `${only.engagementName} is the only engagement ${state.customerName ?? ''} can be claimed for here, so it is chosen.`);
      return step.next();
    }
    await sendCard(
      step.context,
      engagementCard(verdicts, { customer: state.customerName ?? '', selected: chosen, otherIdAction: '', note: refused.join(' ') }),
    );
    this.values(step).verdicts = verdicts;
    return this.ask(state, 'engagements');
  }

  private async takeEngagements(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'engagements', [NOMINATION_ACTIONS.chooseEngagements]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const parsed = parseEngagementAnswer(answer, this.values(step).verdicts ?? []);
    if (!parsed.ok) return this.reask(step, state, parsed.message);
    const engagements = await loadEngagements(this.deps.db.prisma, parsed.value);
    const shape = await refusedOr(() => Promise.resolve(assertVariableNomination(engagements, 'MSX_OPPORTUNITY_ID')));
    if (!shape.ok) return this.reask(step, state, shape.message);
    state.engagementIds = parsed.value;
    return this.again(step, state);
  }

  private async variableEngagement(state: ClaimCustomerState): Promise<Engagement | undefined> {
    const engagements = await loadEngagements(this.deps.db.prisma, state.engagementIds ?? []);
    return engagements.find((e) => e.payType === 'VARIABLE');
  }

  private async askHours(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const variable = await this.variableEngagement(state);
    if (!variable) {
      state.hours = undefined;
      state.opportunity = null;
      return step.next();
    }
    const [verdict] = await checkClaimCustomer(this.deps.db.prisma, this.deps.ports, {
      partnerId: state.partnerId,
      customerId: state.customerId ?? '',
      engagementIds: [variable.id],
      locationId: state.locationId ?? null,
    });
    const opportunity = verdict?.eligible ? await this.deps.ports.eligibility.opportunity(verdict.via.value) : null;
    state.opportunity = opportunity ? { id: opportunity.id, name: opportunity.name, valueUsd: opportunity.valueUsd } : null;
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
    state.hours = parsed.value;
    return this.again(step, state);
  }

  private async askDetails(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.detailsGiven) return step.next();
    const engagements = await loadEngagements(this.deps.db.prisma, state.engagementIds ?? []);
    const proposed = proposeFriendlyName(state.customerName ?? '', engagements.map((e) => e.name));
    const note = state.lastCustomerContact ? "The customer contact is the one of your latest claim for this customer; change it if needed." : '';
    await sendCard(step.context, detailsCard(state, proposed, state.lastCustomerContact ?? null, note));
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
    return this.again(step, state);
  }

  private input(state: ClaimCustomerState): ClaimCustomerInput {
    const contact = (c: Contact | undefined) => ({ name: c?.name ?? '', email: c?.email ?? '', ...(c?.phone ? { phone: c.phone } : {}) });
    return {
      friendlyName: state.friendlyName ?? '',
      locationId: state.locationId ?? '',
      customerId: state.customerId ?? '',
      engagementIds: state.engagementIds ?? [],
      ...(state.hours !== undefined ? { hours: state.hours } : {}),
      customerContact: contact(state.customerContact),
      partnerContact: contact(state.partnerContact),
    };
  }

  private async review(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const prisma = this.deps.db.prisma;
    const engagements = await loadEngagements(prisma, state.engagementIds ?? []);
    const location = await prisma.location.findUnique({ where: { id: state.locationId ?? '' }, select: { id: true, name: true, country: true } });
    const variable = engagements.find((e) => e.payType === 'VARIABLE');
    let payout = '';
    if (variable && state.hours !== undefined) {
      const proposal = state.opportunity ? payoutText(variable, state.opportunity, state.hours) : null;
      payout = proposal ? (proposal.ok ? proposal.value : proposal.message) : 'No MSX opportunity of this customer is eligible, so no payout can be proposed.';
    }
    const facts = [
      { title: 'Claim name', value: state.friendlyName ?? '' },
      { title: 'Location', value: location ? describeLocation(location) : (state.locationId ?? '') },
      { title: 'Customer', value: state.customerName ?? '' },
      ...(state.opportunity ? [{ title: 'Opportunity', value: describeId({ type: 'MSX_OPPORTUNITY_ID', value: state.opportunity.id }) }] : []),
      { title: engagements.length > 1 ? 'Engagements' : 'Engagement', value: engagements.map((e) => e.name).join('; ') },
      ...(state.hours !== undefined ? [{ title: 'Hours', value: `${state.hours} (cannot change later)` }] : []),
      { title: 'Customer contact', value: contactText(state.customerContact) },
      { title: 'Your contact', value: contactText(state.partnerContact) },
    ];
    const changes: { title: string; field: ChangeField }[] = [
      { title: 'Location', field: 'location' },
      { title: 'Engagements', field: 'engagements' },
      ...(variable ? [{ title: 'Hours', field: 'hours' as const }] : []),
      { title: 'Claim name and contacts', field: 'details' },
    ];
    state.reviewId = newReviewId();
    await sendCard(
      step.context,
      nominationReviewCard({
        title: 'Review: claim customer',
        text: 'Nothing is created until you select Claim customer.',
        facts,
        payout,
        confirmTitle: 'Claim customer',
        confirmAction: CONFIRM_CLAIM_CUSTOMER_ACTION,
        reviewId: state.reviewId,
        nomination: this.input(state),
        changes,
      }),
    );
    return this.ask(state, 'review');
  }

  private async takeReview(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'review', [CONFIRM_CLAIM_CUSTOMER_ACTION, NOMINATION_ACTIONS.changeAnswer]);
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
    if (answer.kind === 'text' && /^(yes|claim|claim customer|confirm|ok)$/i.test(answer.text)) {
      await this.create(step.context, state.userId, this.input(state));
      return step.endDialog();
    }
    return this.reask(step, state, answer.kind === 'stale' ? STALE_CARD : 'Select **Claim customer** on the review card, or **Change an answer**.');
  }

  private clear(state: ClaimCustomerState, field: ChangeField): void {
    switch (field) {
      case 'location':
        state.lastLocationId = state.locationId ?? state.lastLocationId;
        state.locationId = undefined;
        state.chooseLocation = true;
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

  private async create(context: TurnContext, userId: string, input: ClaimCustomerInput): Promise<void> {
    const result = await refusedOr(() => claimCustomer(this.deps.db, this.deps.clock, { userId }, input, this.deps.ports));
    if (!result.ok) {
      await context.sendActivity(`${result.message} Nothing was created.`);
      return;
    }
    const customer = await this.deps.db.prisma.customer.findUnique({ where: { id: result.value.customerId }, select: { name: true } });
    this.deps.logger.info({ claims: result.value.claims.map((c) => c.id), userId }, 'customer claimed');
    await sendCard(context, confirmationCard(result.value, 'claimed', customer?.name ?? 'The customer'));
  }
}
