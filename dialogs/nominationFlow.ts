import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { NOMINATION_ACTIONS } from '../cards/actions';
import { nominationReviewCard } from '../cards/nominationReview';
import type { AdaptiveCard } from '../cards/render';
import { confirmationCard, contactText, describeLocation, detailsCard, engagementCard, hoursCard, locationCard, payoutText, withLocationInUse, type TypedAnswer } from '../cards/nominationSteps';
import type { Caller, PartnerCaller } from '../services/directory';
import {
  claimNames,
  proposeFriendlyName,
  proposePayout,
  type ChosenEngagements,
  type Contact,
  type EngagementVerdict,
  type LocationChoice,
  type LocationDecision,
  type NamedNomination,
  type NominationMode,
  type NominationOffer,
} from '../services/nomination';
import type { DialogDeps } from './dialogDeps';
import { changeFieldFromText, parseDetailsAnswer, parseEngagementAnswer, parseHoursAnswer, parseLocationAnswer, type Details, type DetailsTyped } from './nominationAnswers';
import { STALE_CARD, newReviewId, refusedOr, sendCard, submittedAction, type Answer } from './replies';
import { ResumableFlowDialog } from './resumableFlowDialog';

/** Every question the nomination flows ask; each flow asks some of them. */
export type NominationStep = 'customer' | 'customerId' | 'guidType' | 'location' | 'engagements' | 'hours' | 'opportunity' | 'details' | 'mismatchReason' | 'review';

/** The answers "Change an answer" at review can clear. */
export type ChangeField = 'location' | 'customerId' | 'engagements' | 'hours' | 'opportunity' | 'details';

/** What the flow has been told and has looked up so far, kept between turns and across re-asks. */
export interface NominationDraft {
  pending?: NominationStep;
  caller: PartnerCaller;
  /** The user's own profile: the proposed partner contact. */
  profile: Contact;
  lastLocationId: string | null;
  location?: LocationChoice;
  /** The location was taken without asking (the one used last): the next step card says so, with Change. */
  sayLocation?: boolean;
  /** Set when the user asked to change the location: ask even when a last location exists. */
  chooseLocation?: boolean;
  engagementIds?: string[];
  /** The engagements chosen before "Change an answer → Engagements": ticked again when the question comes back. */
  previousEngagementIds?: string[];
  /** Hours typed that were wrong, and why: the hours card comes back with both. */
  hoursTyped?: TypedAnswer;
  /** The customer as the steps name it: its name when Microsoft's view has one, else the id as typed. */
  customerLabel?: string;
  /** The contact of this partner's latest claim for the customer (claims only): proposed again. */
  lastCustomerContact?: Contact | null;
  /**
   * The eligibility the engagements step showed, and the customer and location (`for`) it was
   * checked for. Kept so that later turns never ask the outside world again; a changed customer or
   * location checks again, and Add/Claim customer decides again at confirm.
   */
  offer?: NominationOffer & { for: string };
  /** The engagements taken from `offer` (`for`: the offer and the ids), with what the later steps need. */
  chosen?: ChosenEngagements & { for: string };
  hours?: number;
  friendlyName?: string;
  customerContact?: Contact;
  partnerContact?: Contact;
  /** The claim name and contacts were given (or confirmed) on the details card. */
  detailsGiven?: boolean;
  /** The details card as last typed, when something on it was wrong: it is asked again with these. */
  detailsTyped?: DetailsTyped;
  /** The review card currently valid; a confirm from any other is out of date. */
  reviewId?: string;
  /** Notes already said once (location chosen for you, derived tenant), so a re-ask does not repeat them. */
  said: string[];
}

/** What the waterfall keeps between a question and its answer: what the question offered. */
export interface NominationValues<S extends NominationDraft> {
  state: S;
  locations?: LocationChoice[];
}

/** The words and verbs that tell Add customer and Claim customer apart. */
export interface NominationKind {
  /** "Add customer": the confirm button, and how the flow is named. */
  action: string;
  /** The command that starts the flow again. */
  command: string;
  /** "added": the confirmation's and the log's verb. */
  verb: 'added' | 'claimed';
  confirmAction: string;
  /** Typed answers at review that confirm. */
  confirmWords: RegExp;
  changeFields: readonly [ChangeField, ...ChangeField[]];
  /** Said when the only eligible engagement is chosen for the user. */
  onlyEngagement(engagement: string, customer: string): string;
  /** What `help` says at each question, and before the first. */
  help: Partial<Record<NominationStep, string>>;
  intro: string;
}

export interface Fact {
  title: string;
  value: string;
}

const changeLocationSubmission = z.object({ action: z.literal(NOMINATION_ACTIONS.changeAnswer), field: z.literal('location') });

const confirmSubmission = z.object({ reviewId: z.string().min(1), nomination: z.record(z.string(), z.unknown()) });

/** A contact as a nomination input carries it (the review card carries the input, so no empty phone). */
export function contactInput(contact: Contact | undefined): { name: string; email: string; phone?: string } {
  return { name: contact?.name ?? '', email: contact?.email ?? '', ...(contact?.phone ? { phone: contact.phone } : {}) };
}

/**
 * The one nomination flow of Add customer and Claim customer: location → (customer) → engagements →
 * hours (VARIABLE) → claim name and contacts → review → confirm. A subclass names the customer its
 * own way (an id given, or a known customer chosen) and says how its eligibility is checked; every
 * other step is this one. Each answer is kept when another is re-asked, and what a step looked up
 * is kept with the flow, so that no later turn asks the services (or Microsoft) again.
 */
export abstract class NominationFlowDialog<S extends NominationDraft, TInput extends object> extends ResumableFlowDialog<S, NominationStep, NominationValues<S>> {
  protected abstract readonly kind: NominationKind;

  constructor(
    protected readonly deps: DialogDeps,
    dialogId: string,
    waterfallId: string,
  ) {
    super(dialogId, waterfallId);
  }

  /** The flow's own state from the draft and the options it was started with, or a refusal to say (the flow then ends). */
  protected abstract seed(draft: NominationDraft, options: object): Promise<S | string>;
  /** Who the customer is, as the eligibility depends on it; undefined before it is known. */
  protected abstract customerKey(state: S): string | undefined;
  /** The eligibility check for the customer and location; a turn result when it cannot be shown (the flow re-asks or ends). */
  protected abstract check(step: WaterfallStepContext, state: S): Promise<NominationOffer | DialogTurnResult>;
  /** How the engagements card names the customer, and its "Use another customer ID" verb (empty: none). */
  protected abstract engagementCardFor(state: S): { customer: string; otherIdAction: string };
  /** What taking engagements needs beyond the offer: how the customer is nominated. */
  protected abstract choiceMode(state: S): NominationMode;
  /** The review's facts about the customer, after the location. */
  protected abstract customerFacts(state: S): Fact[];
  /** The nomination the review card carries, for the service to create. */
  protected abstract input(state: S): TInput;
  protected abstract submit(caller: PartnerCaller, input: TInput): Promise<NamedNomination>;

  /** Facts the review shows last. */
  protected closingFacts(_state: S): Fact[] {
    return [];
  }

  /** After the claim name and contacts are taken. */
  protected async afterDetails(_state: S, _details: Details): Promise<void> {}

  /** The "Use another customer ID" button of the engagements card: true when handled. */
  protected useOtherCustomerId(_state: S): boolean {
    return false;
  }

  protected get flowName(): string {
    return this.kind.action;
  }

  /** "Change" next to the location said at the top of the flow: asked again at any step before the review (which has its own). */
  protected override async answerAtAnyStep(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const change = changeLocationSubmission.safeParse(innerDc.context.activity.value);
    const state = (innerDc.activeDialog?.state as { values?: Partial<NominationValues<S>> } | undefined)?.values?.state;
    if (!change.success || !state || state.pending === 'review' || !state.location) return undefined;
    this.clear(state, 'location');
    state.pending = undefined;
    return innerDc.replaceDialog(this.waterfallIdForChange, { resume: state });
  }

  /** The mismatch reason is free text. */
  protected override takesFreeText(innerDc: DialogContext): boolean {
    return this.pendingStep(innerDc) === 'mismatchReason';
  }

  protected helpForCurrentStep(innerDc: DialogContext): string {
    const pending = this.pendingStep(innerDc);
    const current = (pending && this.kind.help[pending]) ?? this.kind.intro;
    return `${current} Type **cancel** to stop; nothing is saved until you select ${this.kind.action}.`;
  }

  protected async start(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (this.resumed(step)) return step.next();
    const options = step.options as { caller?: Caller };
    if (!options.caller) throw new Error(`${this.id} needs the caller in its options.`);
    const begun = await this.deps.services.nomination.begin(options.caller);
    if (!begun.ok) {
      await step.context.sendActivity(begun.message);
      return step.endDialog();
    }
    if (submittedAction(step.context) === this.kind.confirmAction) return this.confirmResubmitted(step, begun.caller);
    const seeded = await this.seed({ caller: begun.caller, profile: begun.profile, lastLocationId: begun.lastLocationId, said: [] }, options);
    if (typeof seeded === 'string') {
      await step.context.sendActivity(seeded);
      return step.endDialog();
    }
    this.values(step).state = seeded;
    return step.next();
  }

  /** A review card clicked again after its flow ended: the service decides (it creates one claim, never two). */
  private async confirmResubmitted(step: WaterfallStepContext, caller: PartnerCaller): Promise<DialogTurnResult> {
    const parsed = confirmSubmission.safeParse(step.context.activity.value);
    if (!parsed.success) {
      await step.context.sendActivity(`That ${this.kind.action} card is not valid any more. Type **${this.kind.command}** to start again.`);
      return step.endDialog();
    }
    // The service validates the nomination the card carries, as it does every input.
    await this.create(step.context, caller, parsed.data.nomination as TInput);
    return step.endDialog();
  }

  /** Sends a step's card, with the location used said on top when it was taken without asking. */
  protected async sendStep(step: WaterfallStepContext, card: AdaptiveCard): Promise<void> {
    const state = this.state(step);
    const location = state.sayLocation ? state.location : undefined;
    state.sayLocation = false;
    await sendCard(step.context, location ? withLocationInUse(card, location) : card);
  }

  /** Says a note once per flow. */
  protected async sayOnce(context: TurnContext, state: S, key: string, text: string): Promise<void> {
    if (state.said.includes(key)) return;
    state.said.push(key);
    await context.sendActivity(text);
  }

  private singleEngagement(state: S): string | undefined {
    return state.engagementIds?.length === 1 ? state.engagementIds[0] : undefined;
  }

  protected async askLocation(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.location) return step.next();
    const engagementId = this.singleEngagement(state);
    const decision = await this.deps.services.nomination.decideLocation(state.caller, { engagementId, lastLocationId: state.lastLocationId, useLast: !state.chooseLocation });
    if (decision.kind === 'none') {
      await step.context.sendActivity(`${noLocationText(engagementId !== undefined)} Nothing was created.`);
      return step.endDialog();
    }
    if (decision.kind === 'chosen') {
      state.location = decision.location;
      if (decision.because === 'last' && !state.said.includes('location')) {
        // The engagements offered depend on the location: the next card says which one is used, with a way to change it.
        state.said.push('location');
        state.sayLocation = true;
        return step.next();
      }
      await this.sayOnce(step.context, state, 'location', chosenLocationText(decision, engagementId !== undefined));
      return step.next();
    }
    await sendCard(step.context, locationCard(decision.locations, state.lastLocationId ?? undefined));
    this.values(step).locations = decision.locations;
    return this.ask(state, 'location');
  }

  protected async takeLocation(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'location', [NOMINATION_ACTIONS.chooseLocation]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const parsed = parseLocationAnswer(answer, this.values(step).locations ?? []);
    if (!parsed.ok) return this.reask(step, state, parsed.message);
    state.location = parsed.value;
    state.chooseLocation = false;
    return this.again(step, state);
  }

  /** The offer for the current customer and location: the one kept, or checked now (once) and kept. */
  private async currentOffer(step: WaterfallStepContext, state: S): Promise<(NominationOffer & { for: string }) | DialogTurnResult | undefined> {
    const customer = this.customerKey(state);
    if (customer === undefined) return undefined;
    const key = `${customer}@${state.location?.id ?? ''}`;
    if (state.offer?.for === key) return state.offer;
    const checked = await this.check(step, state);
    if (!('verdicts' in checked)) return checked;
    state.offer = { ...checked, for: key };
    return state.offer;
  }

  /** Takes engagements of the offer (their pay types decide the later steps): null, or why the services refuse the choice. */
  private async take(state: S, offer: NominationOffer & { for: string }, engagementIds: readonly string[]): Promise<string | null> {
    const key = `${offer.for}:${engagementIds.join(',')}`;
    if (state.chosen?.for === key) return null;
    const choice = await this.deps.services.nomination.chooseEngagements({ ...this.choiceMode(state), offer, engagementIds });
    if (!choice.ok) return choice.message;
    state.engagementIds = [...engagementIds];
    state.previousEngagementIds = undefined;
    state.chosen = { ...choice.chosen, for: key };
    return null;
  }

  protected async askEngagements(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const offer = await this.currentOffer(step, state);
    if (!offer) return step.next();
    if (!('verdicts' in offer)) return offer;
    const chosen = state.engagementIds ?? [];
    const chosenVerdicts = chosen.map((id) => offer.verdicts.find((v) => v.engagementId === id));
    let note = chosenVerdicts.flatMap((v) => (v && !v.eligible ? [v.reason] : [])).join(' ');
    const eligible = offer.verdicts.filter((v) => v.eligible);
    const only = eligible.length === 1 ? eligible[0] : undefined;
    // Engagements named already (by a shortcut, a button, or answered before) and all eligible, or the only eligible one, need no question.
    const named = chosen.length > 0 && chosenVerdicts.every((v) => v?.eligible) ? chosen : chosen.length === 0 && only ? [only.engagementId] : null;
    if (named) {
      if (only && chosen.length === 0) {
        const others = othersOut(offer.verdicts);
        await this.sayOnce(step.context, state, `engagement:${only.engagementId}`, [this.kind.onlyEngagement(only.engagementName, state.customerLabel ?? ''), ...others].join('\n\n'));
      }
      const refusal = await this.take(state, offer, named);
      if (!refusal) return step.next();
      note = refusal;
    }
    const selected = chosen.length > 0 ? chosen : (state.previousEngagementIds ?? []);
    await this.sendStep(step, engagementCard(offer.verdicts, { ...this.engagementCardFor(state), selected, note }));
    return this.ask(state, 'engagements');
  }

  protected async takeEngagements(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const otherId = this.engagementCardFor(state).otherIdAction;
    const answer = this.answerFor(step, state, 'engagements', [NOMINATION_ACTIONS.chooseEngagements, ...(otherId ? [otherId] : [])]);
    if (!answer) return step.next();
    if (answer.kind === 'card' && answer.value.action === otherId && this.useOtherCustomerId(state)) return this.again(step, state);
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const offer = state.offer;
    if (!offer) return this.again(step, state);
    const parsed = parseEngagementAnswer(answer, offer.verdicts);
    if (!parsed.ok) return this.reask(step, state, parsed.message);
    const refusal = await this.take(state, offer, parsed.value);
    if (refusal) return this.reask(step, state, refusal);
    return this.again(step, state);
  }

  protected async askHours(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const hoursFor = state.chosen?.hoursFor;
    if (!hoursFor) {
      state.hours = undefined;
      return step.next();
    }
    if (state.hours !== undefined) return step.next();
    await this.sendStep(step, hoursCard(hoursFor, state.hoursTyped));
    return this.ask(state, 'hours');
  }

  protected async takeHours(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'hours', [NOMINATION_ACTIONS.enterHours]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const hoursFor = state.chosen?.hoursFor;
    if (!hoursFor) return this.again(step, state);
    const parsed = parseHoursAnswer(answer, hoursFor);
    if (!parsed.ok) {
      state.hoursTyped = { value: typedText(answer, 'hours'), error: parsed.message };
      return this.again(step, state);
    }
    state.hoursTyped = undefined;
    // The flow ends only when no opportunity it may be paid on has a payout; of several, the partner then picks one (Claim customer).
    const proposals = (state.chosen?.opportunities ?? []).map((opportunity) => proposePayout(hoursFor, opportunity.valueUsd, parsed.value));
    const unpaid = proposals.some((proposal) => proposal.ok) ? undefined : proposals[0];
    if (unpaid && !unpaid.ok) {
      await step.context.sendActivity(`${unpaid.reason} Nothing was created.`);
      return step.endDialog();
    }
    state.hours = parsed.value;
    return this.again(step, state);
  }

  protected async askDetails(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.detailsGiven) return step.next();
    const proposed = proposeFriendlyName(state.customerLabel ?? '', state.chosen?.names ?? []);
    const typed = state.detailsTyped;
    await this.sendStep(
      step,
      typed
        ? detailsCard({
            friendlyName: typed.values.friendlyName,
            customerContact: { name: typed.values.customerName, email: typed.values.customerEmail, phone: typed.values.customerPhone },
            partnerContact: { name: typed.values.partnerName, email: typed.values.partnerEmail, phone: typed.values.partnerPhone },
            note: 'Please correct what is marked below; everything else is as you typed it.',
            errors: typed.errors,
          })
        : detailsCard({
            friendlyName: state.friendlyName ?? proposed,
            customerContact: state.customerContact ?? state.lastCustomerContact ?? null,
            partnerContact: state.partnerContact ?? state.profile,
            note: state.lastCustomerContact ? 'The customer contact is the one of your latest claim for this customer; change it if needed.' : '',
          }),
    );
    return this.ask(state, 'details');
  }

  protected async takeDetails(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'details', [NOMINATION_ACTIONS.submitDetails]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    const parsed = parseDetailsAnswer(answer);
    if (!parsed.ok) {
      if (parsed.typed) state.detailsTyped = parsed.typed;
      return this.reask(step, state, parsed.message);
    }
    state.detailsTyped = undefined;
    state.friendlyName = parsed.value.friendlyName;
    state.customerContact = parsed.value.customerContact;
    state.partnerContact = parsed.value.partnerContact;
    state.detailsGiven = true;
    await this.afterDetails(state, parsed.value);
    return this.again(step, state);
  }

  protected async review(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const chosen = state.chosen;
    const hoursFor = chosen?.hoursFor;
    const names = chosen?.names ?? [];
    const opportunity = chosen?.opportunity ?? null;
    const payout =
      hoursFor && state.hours !== undefined ? payoutText(opportunity, opportunity ? proposePayout(hoursFor, opportunity.valueUsd, state.hours) : null) : '';
    const facts: Fact[] = [
      { title: names.length > 1 ? 'Claim names' : 'Claim name', value: claimNames(state.friendlyName ?? '', names).join('; ') || (state.friendlyName ?? '') },
      { title: 'Location', value: state.location ? describeLocation(state.location) : '' },
      ...this.customerFacts(state),
      { title: names.length > 1 ? 'Engagements' : 'Engagement', value: names.join('; ') },
      ...(state.hours !== undefined ? [{ title: 'Hours', value: `${state.hours} (cannot change later)` }] : []),
      { title: 'Customer contact', value: contactText(state.customerContact) },
      { title: 'Your contact', value: contactText(state.partnerContact) },
      ...this.closingFacts(state),
    ];
    const changes: { title: string; field: ChangeField }[] = [
      { title: 'Location', field: 'location' },
      ...(this.kind.changeFields.includes('customerId') ? [{ title: 'Customer ID', field: 'customerId' as const }] : []),
      { title: 'Engagements', field: 'engagements' },
      ...(hoursFor ? [{ title: 'Hours', field: 'hours' as const }] : []),
      ...(this.kind.changeFields.includes('opportunity') && (chosen?.opportunities.length ?? 0) > 1 ? [{ title: 'Opportunity', field: 'opportunity' as const }] : []),
      { title: 'Claim name and contacts', field: 'details' },
    ];
    state.reviewId = newReviewId();
    await this.sendStep(
      step,
      nominationReviewCard({
        title: `Review: ${this.kind.action.toLowerCase()}`,
        text: `Nothing is created until you select ${this.kind.action}.`,
        facts,
        payout,
        confirmTitle: this.kind.action,
        confirmAction: this.kind.confirmAction,
        reviewId: state.reviewId,
        nomination: this.input(state),
        changes,
      }),
    );
    return this.ask(state, 'review');
  }

  protected async takeReview(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'review', [this.kind.confirmAction, NOMINATION_ACTIONS.changeAnswer]);
    if (!answer) return this.again(step, state);
    const typedChange = answer.kind === 'text' ? changeFieldFromText(answer.text) : null;
    if (typedChange || (answer.kind === 'card' && answer.value.action === NOMINATION_ACTIONS.changeAnswer)) {
      const change = z.object({ field: z.enum(this.kind.changeFields) }).safeParse(typedChange ? { field: typedChange } : answer.kind === 'card' ? answer.value : {});
      if (!change.success) return this.reask(step, state, 'That answer cannot be changed here: choose one under **Change an answer** on the review card.');
      this.clear(state, change.data.field);
      return this.again(step, state);
    }
    if (answer.kind === 'card') {
      const confirm = confirmSubmission.safeParse(answer.value);
      if (!confirm.success || confirm.data.reviewId !== state.reviewId) {
        return this.reask(step, state, 'That review card is out of date: use the latest one below.');
      }
      await this.create(step.context, state.caller, this.input(state));
      return step.endDialog();
    }
    if (answer.kind === 'text' && this.kind.confirmWords.test(answer.text)) {
      await this.create(step.context, state.caller, this.input(state));
      return step.endDialog();
    }
    return this.reask(step, state, answer.kind === 'stale' ? STALE_CARD : `Select **${this.kind.action}** on the review card, or **Change an answer**.`);
  }

  /** Forgets an answer (and what depends on it), so that the flow asks it again. */
  protected clear(state: S, field: ChangeField): void {
    switch (field) {
      case 'location':
        state.lastLocationId = state.location?.id ?? state.lastLocationId;
        state.location = undefined;
        state.chooseLocation = true;
        return;
      case 'customerId':
      case 'opportunity':
        // Answers of one flow only: its own clear forgets them.
        return;
      case 'engagements':
        state.previousEngagementIds = state.engagementIds;
        state.engagementIds = [];
        state.chosen = undefined;
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

  private async create(context: TurnContext, caller: PartnerCaller, input: TInput): Promise<void> {
    const result = await refusedOr(() => this.submit(caller, input));
    if (!result.ok) {
      await context.sendActivity(`${result.message} Nothing was created.`);
      return;
    }
    this.deps.logger.info({ claims: result.value.claims.map((c) => c.id), userId: caller.userId }, `customer ${this.kind.verb}`);
    await sendCard(context, confirmationCard(result.value, this.kind.verb));
  }
}

/** Why each engagement not offered is out, one line each, and what can be done about it said once. */
function othersOut(verdicts: readonly EngagementVerdict[]): string[] {
  const out = verdicts.flatMap((v) => (v.eligible ? [] : [v]));
  if (out.length === 0) return [];
  const hints = [...new Set(out.flatMap((v) => (v.hint ? [v.hint] : [])))];
  return [`The others are out:\n${out.map((v) => `- ${v.engagementName}: ${v.reason}`).join('\n')}`, ...hints];
}

/** What an answer said, as text to put back on its card: the typed line, or the card input named. */
export function typedText(answer: Answer, input: string): string {
  if (answer.kind === 'text') return answer.text.slice(0, 300);
  if (answer.kind !== 'card') return '';
  const value = answer.value[input];
  return typeof value === 'string' || typeof value === 'number' ? String(value).slice(0, 300) : '';
}

function noLocationText(forEngagement: boolean): string {
  return forEngagement
    ? 'None of your MCI-enrolled locations is enrolled for this engagement, so it cannot be nominated for. An Incentives admin can enrol a location in Partner Center.'
    : 'Your organisation has no location enrolled in MCI, so no customer can be nominated. An Incentives admin can enrol a location in Partner Center.';
}

function chosenLocationText(decision: Extract<LocationDecision, { kind: 'chosen' }>, forEngagement: boolean): string {
  const location = describeLocation(decision.location);
  return `Location: ${location}, your only MCI-enrolled location${forEngagement ? ' enrolled for this engagement' : ''}.`;
}
