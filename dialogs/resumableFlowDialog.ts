import type { DialogContext, DialogTurnResult, WaterfallStep, WaterfallStepContext } from 'botbuilder-dialogs';
import { Dialog, WaterfallDialog } from './dialogFramework';
import { CancelAndHelpDialog } from './cancelAndHelpDialog';
import { readAnswer, type Answer } from './replies';

/**
 * Base of the card flows that re-run one waterfall from the top after every answer: the state
 * rides along in `{ resume: state }`, so each ask step skips what is answered and the first missing
 * answer is asked. `pending` names the step asked last turn, so its answer goes to that step only.
 */
export abstract class ResumableFlowDialog<
  TState extends { pending?: TPending },
  TPending extends string,
  TValues extends { state: TState } = { state: TState },
> extends CancelAndHelpDialog {
  constructor(
    dialogId: string,
    private readonly waterfallId: string,
  ) {
    super(dialogId);
  }

  /** The waterfall a change made outside a step re-runs (with `{ resume: state }`). */
  protected get waterfallIdForChange(): string {
    return this.waterfallId;
  }

  protected addFlow(steps: WaterfallStep[]): void {
    this.addDialog(new WaterfallDialog(this.waterfallId, steps));
    this.initialDialogId = this.waterfallId;
  }

  /** The step asked last, for `help`; undefined before the flow has asked anything. */
  protected pendingStep(innerDc: DialogContext): TPending | undefined {
    return (innerDc.activeDialog?.state as { values?: Partial<TValues> } | undefined)?.values?.state?.pending;
  }

  /** Re-runs the flow from the top with its answers: the current step's card comes again, filled in. */
  protected override async reaskCurrentStep(innerDc: DialogContext): Promise<DialogTurnResult> {
    const state = (innerDc.activeDialog?.state as { values?: Partial<TValues> } | undefined)?.values?.state;
    if (!state) return super.reaskCurrentStep(innerDc);
    state.pending = undefined;
    return innerDc.replaceDialog(this.waterfallId, { resume: state });
  }

  protected values(step: WaterfallStepContext): TValues {
    return step.values as TValues;
  }

  protected state(step: WaterfallStepContext): TState {
    return this.values(step).state;
  }

  /** For the first step: takes back the state `again` carried over, so the flow carries on where it was. */
  protected resumed(step: WaterfallStepContext): boolean {
    const resume = (step.options as { resume?: TState } | undefined)?.resume;
    if (!resume) return false;
    this.values(step).state = resume;
    return true;
  }

  /** Re-runs the flow from the top with what has been answered; the first missing answer is asked. */
  protected async again(step: WaterfallStepContext, state: TState): Promise<DialogTurnResult> {
    return step.replaceDialog(this.waterfallId, { resume: state });
  }

  protected ask(state: TState, pending: TPending): DialogTurnResult {
    state.pending = pending;
    return Dialog.EndOfTurn;
  }

  /** The answer to the step asked last turn; a stale card or bad input re-asks. */
  protected answerFor(step: WaterfallStepContext, state: TState, pending: TPending, actions: readonly string[]): Answer | null {
    if (state.pending !== pending) return null;
    state.pending = undefined;
    return readAnswer(step.context, actions);
  }

  protected async reask(step: WaterfallStepContext, state: TState, message: string): Promise<DialogTurnResult> {
    await step.context.sendActivity(message);
    return this.again(step, state);
  }
}
