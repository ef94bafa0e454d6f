import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { nominationReviewCard } from '../cards/nominationReview';
import { submitProofCard } from '../cards/submitProof';
import { formatDay } from '../cards/format';
import type { Caller } from '../services/directory';
import { PROOF_FIELDS, PROOF_LIMITS, type ProofClaim, type ProofField, type ProofProblems, type SubmitClaimInput } from '../services/claims';
import { sendDone, startClaimFlow } from './claimFlowShared';
import type { DialogDeps } from './dialogDeps';
import { STALE_CARD, newReviewId, refusedOr, sendCard } from './replies';
import { ResumableFlowDialog } from './resumableFlowDialog';
import { CONFIRM_SUBMIT_CLAIM_ACTION, NOMINATION_ACTIONS, SUBMIT_PROOF_ACTION } from '../cards/actions';

export const SUBMIT_CLAIM_DIALOG_ID = 'submitClaimDialog';

const WATERFALL = 'submitClaimWaterfall';
const USAGE = 'Use **Submit claim** on the Eligible tab, or type **submit claim** and the claim id, for example "submit claim CLM-…".';

type Pending = 'proof' | 'review';

interface SubmitState {
  pending?: Pending;
  userId: string;
  claimId: string;
  friendlyName: string;
  customerName: string;
  engagementName: string;
  /** As entered, kept when asked again. */
  deliverySummary: string;
  completionDate: string;
  evidenceLinks: string;
  proofGiven: boolean;
  /** When the customer consented (ISO), the earliest completion date; null when not recorded. */
  consentedAt: string | null;
  /** What the last proof had wrong, by input; shown under each input when the card comes again. */
  errors?: ProofProblems;
  reviewId?: string;
}

/** The proof card's inputs as the re-ask message names them. */
const FIELD_LABELS: Record<ProofField, string> = { deliverySummary: 'What was delivered', completionDate: 'Completion date', evidenceLinks: 'Evidence links' };

const proofSubmission = z.object({
  deliverySummary: z.string().max(PROOF_LIMITS.summaryMax * 2).default(''),
  completionDate: z.string().max(40).default(''),
  evidenceLinks: z.string().max(20_000).default(''),
});
const confirmSubmission = z.object({
  reviewId: z.string().min(1),
  nomination: z.object({ claimId: z.string(), deliverySummary: z.string(), completionDate: z.string(), evidenceLinks: z.array(z.string()) }),
});

/** The evidence links a claim holds (a JSON column): a rejected claim's previous proof is offered again. */
const storedLinks = z.array(z.string()).catch([]);

function linesOf(text: string): string[] {
  return text
    .split(/[\r\n]+/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The claim facts the proof is checked against, from the flow's state. */
function claimFacts(state: SubmitState): ProofClaim {
  return { consentAnsweredAt: state.consentedAt ? new Date(state.consentedAt) : null };
}

function isoDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/**
 * Submit claim (after consent): proof of execution (what was delivered, completion date, evidence
 * links) → review → Submit claim → confirmation. The submission service decides every rule (state,
 * window, dates); its refusals are shown, nothing changes, and the answers are kept.
 */
export class SubmitClaimDialog extends ResumableFlowDialog<SubmitState, Pending> {
  protected readonly flowName = 'Submit claim';
  constructor(private readonly deps: DialogDeps) {
    super(SUBMIT_CLAIM_DIALOG_ID, WATERFALL);
    this.addFlow([this.start.bind(this), this.askProof.bind(this), this.takeProof.bind(this), this.review.bind(this), this.takeReview.bind(this)]);
  }

  protected helpForCurrentStep(innerDc: DialogContext): string {
    const pending = this.pendingStep(innerDc);
    const current =
      pending === 'review'
        ? 'Check the proof of execution and select Submit claim, or Change an answer.'
        : `Describe what was delivered (at least ${PROOF_LIMITS.summaryMin} characters), give the completion date, and the evidence links (https://, one per line, up to ${PROOF_LIMITS.linksMax}).`;
    return `${current} Type **cancel** to stop; nothing is submitted until you select Submit claim.`;
  }

  private async start(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (this.resumed(step)) return step.next();
    const opened = await startClaimFlow(step, this.deps, {
      event: 'SUBMIT',
      usage: USAGE,
      confirmAction: CONFIRM_SUBMIT_CLAIM_ACTION,
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
      deliverySummary: claim.deliverySummary ?? '',
      completionDate: claim.completionDate ? isoDay(claim.completionDate) : '',
      evidenceLinks: storedLinks.parse(claim.evidenceLinks).join('\n'),
      proofGiven: false,
      consentedAt: claim.consentAnsweredAt ? claim.consentAnsweredAt.toISOString() : null,
    };
    return step.next();
  }

  /** A review card clicked again after its flow ended: the service decides (the claim is submitted already, so it refuses). */
  private async confirmResubmitted(context: TurnContext, caller: Caller): Promise<void> {
    const parsed = confirmSubmission.safeParse(context.activity.value);
    if (!parsed.success) {
      await context.sendActivity(`That Submit claim card is not valid any more, so nothing was submitted. ${USAGE}`);
      return;
    }
    await this.submit(context, caller, parsed.data.nomination);
  }

  private async askProof(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.proofGiven) return step.next();
    const range = this.deps.services.claims.completionDateRange(claimFacts(state));
    const latest = `today, ${formatDay(range.latest)}`;
    await sendCard(
      step.context,
      submitProofCard({
        title: `Submit claim: ${state.friendlyName} (${state.claimId})`,
        text: `${state.customerName} consented to ${state.engagementName}. Give the proof of execution Microsoft reviews: what was delivered, when it was completed, and links to the evidence (up to ${PROOF_LIMITS.linksMax}).`,
        deliverySummary: state.deliverySummary,
        completionDate: state.completionDate,
        evidenceLinks: state.evidenceLinks,
        summaryMin: PROOF_LIMITS.summaryMin,
        summaryMax: PROOF_LIMITS.summaryMax,
        linksMax: PROOF_LIMITS.linksMax,
        minDate: range.earliest ? isoDay(range.earliest) : '',
        today: isoDay(range.latest),
        dateRangeText: range.earliest ? `${formatDay(range.earliest)} (when the customer consented) to ${latest}` : `any day up to ${latest}`,
        errors: state.errors ?? {},
        action: SUBMIT_PROOF_ACTION,
      }),
    );
    return this.ask(state, 'proof');
  }

  private input(state: SubmitState): { claimId: string; deliverySummary: string; completionDate: string; evidenceLinks: string[] } {
    return { claimId: state.claimId, deliverySummary: state.deliverySummary, completionDate: state.completionDate, evidenceLinks: linesOf(state.evidenceLinks) };
  }

  private async takeProof(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'proof', [SUBMIT_PROOF_ACTION]);
    if (!answer) return step.next();
    if (answer.kind === 'stale') return this.reask(step, state, STALE_CARD);
    if (answer.kind !== 'card') return this.reask(step, state, 'Please fill in the proof of execution on the card above and select Next.');
    const raw = proofSubmission.safeParse(answer.value);
    if (!raw.success) return this.reask(step, state, 'Please check the proof of execution on the card above: a value is too long.');
    state.deliverySummary = raw.data.deliverySummary.trim();
    state.completionDate = raw.data.completionDate.trim();
    state.evidenceLinks = linesOf(raw.data.evidenceLinks).join('\n');
    const checked = this.deps.services.claims.checkProof(claimFacts(state), this.input(state));
    if (!checked.ok) {
      state.errors = checked.problems;
      const wrong = PROOF_FIELDS.filter((field) => checked.problems[field]).map((field) => FIELD_LABELS[field]);
      return this.reask(step, state, `Please correct what is marked on the card below (${wrong.join(', ')}). Everything else you entered is kept.`);
    }
    // The day as the service read it, so the review shows the date that will be submitted.
    state.completionDate = isoDay(checked.proof.completionDate);
    state.errors = undefined;
    state.proofGiven = true;
    return this.again(step, state);
  }

  private async review(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    // A review shown again unchanged (after help, or a refusal) keeps its id, so its earlier copy still works.
    state.reviewId ??= newReviewId();
    const input = this.input(state);
    await sendCard(
      step.context,
      nominationReviewCard({
        title: 'Review: submit claim',
        text: `Microsoft reviews the claim and its proof of execution; I will tell you the outcome. Nothing is submitted until you select Submit claim.`,
        facts: [
          { title: 'Claim', value: `${state.friendlyName} (${state.claimId})` },
          { title: 'Customer', value: state.customerName },
          { title: 'Engagement', value: state.engagementName },
          { title: 'What was delivered', value: state.deliverySummary },
          { title: 'Completion date', value: formatDay(new Date(`${state.completionDate}T00:00:00.000Z`)) },
          { title: 'Evidence', value: input.evidenceLinks.join('\n') },
        ],
        payout: '',
        confirmTitle: 'Submit claim',
        confirmAction: CONFIRM_SUBMIT_CLAIM_ACTION,
        reviewId: state.reviewId,
        nomination: input,
        changes: [{ title: 'Proof of execution', field: 'proof' }],
      }),
    );
    return this.ask(state, 'review');
  }

  private async takeReview(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = this.answerFor(step, state, 'review', [CONFIRM_SUBMIT_CLAIM_ACTION, NOMINATION_ACTIONS.changeAnswer]);
    if (!answer) return this.again(step, state);
    if (answer.kind === 'card' && answer.value.action === NOMINATION_ACTIONS.changeAnswer) {
      state.proofGiven = false;
      state.reviewId = undefined;
      return this.again(step, state);
    }
    if (answer.kind !== 'card') return this.reask(step, state, answer.kind === 'stale' ? STALE_CARD : 'Select **Submit claim** on the review card, or **Change an answer**.');
    const confirm = confirmSubmission.safeParse(answer.value);
    if (!confirm.success || confirm.data.reviewId !== state.reviewId) return this.reask(step, state, 'That review card is out of date: use the latest one below.');
    const submitted = await this.submit(step.context, await this.deps.services.directory.currentCaller(state.userId), this.input(state));
    if (submitted) return step.endDialog();
    await step.context.sendActivity('Change the proof of execution under **Change an answer**, or type **cancel** to stop.');
    return this.again(step, state);
  }

  /** Submits through the service; false (and its refusal said) when it refuses. */
  private async submit(context: TurnContext, caller: Caller, input: SubmitClaimInput): Promise<boolean> {
    const result = await refusedOr(() => this.deps.services.claims.submit(caller, input));
    if (!result.ok) {
      await context.sendActivity(`${result.message} Nothing was submitted.`);
      return false;
    }
    const claim = result.value;
    this.deps.logger.info({ claimId: claim.id }, 'claim submitted');
    await sendDone(context, {
      title: 'Claim submitted',
      text: `${claim.friendlyName} was submitted for Microsoft's review with its proof of execution.`,
      facts: [
        { title: 'Claim', value: claim.id },
        { title: 'Status', value: 'Submitted' },
        { title: 'Completion date', value: claim.completionDate ? formatDay(claim.completionDate) : '' },
        { title: 'Evidence links', value: String(storedLinks.parse(claim.evidenceLinks).length) },
      ],
      note: 'I will tell you when Microsoft completes or rejects the claim.',
      claim,
    });
    return true;
  }
}
