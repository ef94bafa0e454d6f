import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { Dialog, WaterfallDialog } from './dialogFramework';
import { z } from 'zod';
import { claimActionCard } from '../cards/claimAction';
import { textEntryCard } from '../cards/textEntry';
import { CANCEL_ADMINS_ONLY, CANCEL_REASON_LIMITS, canCancelClaims, checkCancelReason } from '../services/claims';
import { CLAIM_STATUS_LABELS } from '../cards/format';
import type { Caller } from '../services/directory';
import { CancelAndHelpDialog } from './cancelAndHelpDialog';
import { sendDone, type ClaimFlowOptions } from './claimFlowShared';
import type { DialogDeps } from './dialogDeps';
import { readAnswer, refusedOr, sendCard, STALE_CARD, submittedAction } from './replies';
import { CANCEL_REASON_ACTION, CONFIRM_CANCEL_CLAIM_ACTION } from '../cards/actions';

export const CANCEL_CLAIM_DIALOG_ID = 'cancelClaimDialog';

const WATERFALL = 'cancelClaimWaterfall';
const USAGE = 'Use **Cancel claim** on the claim card, or type **cancel claim** and the claim id, for example "cancel claim CLM-…".';

interface CancelState {
  userId: string;
  claimId: string;
  reason?: string;
  /** The reason as typed last when it could not be used, kept on the card with what was wrong. */
  draft?: string;
  draftError?: string;
}

type CancelOptions = ClaimFlowOptions & { resume?: CancelState };

const reasonSubmission = z.object({ reason: z.string().default('') });
const confirmSubmission = z.object({ claimId: z.string().trim().min(1), reason: z.string() });

/**
 * Cancel a claim (Incentives admins): the reason (required, bounded) → confirm → the service
 * cancels it through the state machine and records the reason, or its refusal is shown and nothing
 * changes. Plain `cancel` still leaves this flow, as it leaves every flow.
 */
export class CancelClaimDialog extends CancelAndHelpDialog {
  protected readonly flowName = 'Cancel claim';
  constructor(private readonly deps: DialogDeps) {
    super(CANCEL_CLAIM_DIALOG_ID);
    this.addDialog(new WaterfallDialog(WATERFALL, [this.ask.bind(this), this.take.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  /** The reason is typed as free text: "Customer postponed it" is a reason, not the customers command. */
  protected override takesFreeText(innerDc: DialogContext): boolean {
    const state = (innerDc.activeDialog?.state as { values?: { state?: CancelState } } | undefined)?.values?.state;
    return state !== undefined && !state.reason;
  }

  protected helpForCurrentStep(innerDc: DialogContext): string {
    const state = (innerDc.activeDialog?.state as { values?: { state?: CancelState } } | undefined)?.values?.state;
    if (state?.reason) return 'Select **Cancel claim** to cancel it for good, or type **cancel** to keep the claim; nothing changes until you confirm.';
    return `Say why this claim is canceled (${CANCEL_REASON_LIMITS.min} to ${CANCEL_REASON_LIMITS.max} characters); it is recorded on the claim. Type **cancel** to keep the claim.`;
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as Partial<CancelOptions>;
    const caller = options.caller;
    if (!caller) throw new Error('CancelClaimDialog needs the caller in its options.');
    if (!options.resume && submittedAction(step.context) === CONFIRM_CANCEL_CLAIM_ACTION) {
      await this.confirmResubmitted(step.context, caller);
      return step.endDialog();
    }
    if (!canCancelClaims(caller)) {
      await step.context.sendActivity(CANCEL_ADMINS_ONLY);
      return step.endDialog();
    }
    const opened = await this.deps.services.claims.openFor(caller, options.resume?.claimId ?? options.claimId, 'CANCEL', USAGE);
    if (!opened.ok) {
      await step.context.sendActivity(opened.message);
      return step.endDialog();
    }
    const { claim } = opened;
    const state: CancelState = options.resume ?? { userId: caller.userId, claimId: claim.id };
    (step.values as { state: CancelState }).state = state;
    const facts = [
      { title: 'Claim', value: claim.id },
      { title: 'Customer', value: claim.customer.name },
      { title: 'Engagement', value: claim.engagement.name },
      { title: 'Status', value: CLAIM_STATUS_LABELS[claim.status] },
    ];
    if (!state.reason) {
      await sendCard(
        step.context,
        textEntryCard({
          title: `Cancel claim: ${claim.friendlyName} (${claim.id})`,
          text: `Canceling closes the claim for good (it is ${CLAIM_STATUS_LABELS[claim.status].toLowerCase()} now). Why is it canceled? The reason is recorded on the claim and in its history.`,
          inputId: 'reason',
          label: 'Reason',
          placeholder: 'For example: the customer chose another partner',
          value: state.draft ?? '',
          error: state.draftError ?? '',
          multiline: true,
          maxLength: CANCEL_REASON_LIMITS.max,
          errorMessage: `Give the reason in ${CANCEL_REASON_LIMITS.min} to ${CANCEL_REASON_LIMITS.max} characters.`,
          typeChoices: [],
          selectedType: '',
          submitTitle: 'Continue',
          action: CANCEL_REASON_ACTION,
        }),
      );
      return Dialog.EndOfTurn;
    }
    await sendCard(
      step.context,
      claimActionCard({
        title: `Cancel claim ${claim.id}?`,
        color: 'Default',
        text: `${claim.friendlyName} will be canceled for good; this cannot be undone.`,
        facts: [...facts, { title: 'Reason', value: state.reason }],
        note: 'Nothing changes until you select Cancel claim.',
        buttons: [
          { title: 'Cancel claim', style: 'positive', data: { action: CONFIRM_CANCEL_CLAIM_ACTION, claimId: claim.id, reason: state.reason } },
          { title: 'Keep the claim', style: 'default', data: { action: 'cancel' } },
        ],
      }),
    );
    return Dialog.EndOfTurn;
  }

  private async take(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = (step.values as { state: CancelState }).state;
    const options = step.options as CancelOptions;
    if (!state.reason) {
      const answer = readAnswer(step.context, [CANCEL_REASON_ACTION]);
      if (answer.kind === 'stale' || answer.kind === 'none') {
        await step.context.sendActivity(`${STALE_CARD} Type **cancel** to keep the claim.`);
        return step.replaceDialog(WATERFALL, { caller: options.caller, resume: state });
      }
      const raw = answer.kind === 'card' ? (reasonSubmission.safeParse(answer.value).data?.reason ?? '') : answer.text;
      const reason = checkCancelReason(raw);
      if (!reason.ok) {
        state.draft = raw;
        state.draftError = reason.message;
        await step.context.sendActivity('That reason cannot be used yet: see what is marked on the card below. Nothing was changed.');
      } else {
        state.reason = reason.reason;
        state.draft = undefined;
        state.draftError = undefined;
      }
      return step.replaceDialog(WATERFALL, { caller: options.caller, resume: state });
    }
    const answer = readAnswer(step.context, [CONFIRM_CANCEL_CLAIM_ACTION]);
    const confirmed =
      (answer.kind === 'card' && confirmSubmission.safeParse(answer.value).data?.claimId === state.claimId) ||
      (answer.kind === 'text' && /^(yes|confirm|cancel\s+claim)$/i.test(answer.text));
    if (!confirmed) {
      await step.context.sendActivity('Select **Cancel claim** on the card above to cancel it, or type **cancel** to keep the claim.');
      return step.replaceDialog(WATERFALL, { caller: options.caller, resume: state });
    }
    await this.cancel(step.context, await this.deps.services.directory.currentCaller(state.userId), state.claimId, state.reason);
    return step.endDialog();
  }

  /** The confirm clicked again after its flow ended: the service decides (a canceled claim is refused). */
  private async confirmResubmitted(context: TurnContext, caller: Caller): Promise<void> {
    const parsed = confirmSubmission.safeParse(context.activity.value);
    if (!parsed.success) {
      await context.sendActivity(`That Cancel claim card is not valid any more, so nothing was changed. ${USAGE}`);
      return;
    }
    await this.cancel(context, caller, parsed.data.claimId, parsed.data.reason);
  }

  private async cancel(context: TurnContext, caller: Caller, claimId: string, reason: string): Promise<void> {
    const result = await refusedOr(() => this.deps.services.claims.cancel(caller, { claimId, reason }));
    if (!result.ok) {
      await context.sendActivity(result.message.endsWith('Nothing was changed.') ? result.message : `${result.message} Nothing was changed.`);
      return;
    }
    const claim = result.value;
    this.deps.logger.info({ claimId: claim.id }, 'claim canceled');
    await sendDone(context, {
      title: 'Claim canceled',
      text: `${claim.friendlyName} (${claim.id}) is canceled.`,
      facts: [
        { title: 'Claim', value: claim.id },
        { title: 'Reason', value: claim.closeReason ?? reason },
      ],
      note: 'The reason and who canceled it are in the claim’s history; the claim’s creator, if someone else, is told in Teams.',
      claim,
    });
  }
}
