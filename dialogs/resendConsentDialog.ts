import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { Dialog, WaterfallDialog } from './dialogFramework';
import { z } from 'zod';
import { claimActionCard } from '../cards/claimAction';
import { formatDateTime, formatDay } from '../cards/format';
import type { Caller } from '../services/directory';
import { CancelAndHelpDialog } from './cancelAndHelpDialog';
import { claimFollowUps, sendDone, startClaimFlow } from './claimFlowShared';
import type { DialogDeps } from './dialogDeps';
import { readAnswer, refusedOr, sendCard } from './replies';
import { CONFIRM_RESEND_CONSENT_ACTION } from '../cards/actions';

export const RESEND_CONSENT_DIALOG_ID = 'resendConsentDialog';

const WATERFALL = 'resendConsentWaterfall';
const USAGE = 'Use **Re-send consent email** on the Eligible tab, or type **resend consent** and the claim id, for example "resend consent CLM-…".';

interface ResendState {
  userId: string;
  claimId: string;
}

const confirmSubmission = z.object({ claimId: z.string().trim().min(1) });


/**
 * Re-send customer consent email (rule 5): the claim and when the email was last sent → confirm →
 * the reminder goes out (with the same link when the service can keep it, and the card says which).
 * Within 24 hours of the last send the card says when a re-send is allowed and offers no button.
 */
export class ResendConsentDialog extends CancelAndHelpDialog {
  protected readonly flowName = 'Re-send consent';
  constructor(private readonly deps: DialogDeps) {
    super(RESEND_CONSENT_DIALOG_ID);
    this.addDialog(new WaterfallDialog(WATERFALL, [this.askConfirm.bind(this), this.takeConfirm.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  protected helpForCurrentStep(_innerDc: DialogContext): string {
    return 'Select **Re-send consent email** to remind the customer (at most once every 24 hours), or type **cancel** to stop; nothing is sent until you confirm.';
  }

  private async askConfirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const opened = await startClaimFlow(step, this.deps, {
      event: 'RESEND_CONSENT',
      usage: USAGE,
      confirmAction: CONFIRM_RESEND_CONSENT_ACTION,
      resubmitted: (context, caller) => this.confirmResubmitted(context, caller),
    });
    if (!opened) return step.endDialog();
    const { caller, claim } = opened;
    const consent = await this.deps.services.consent.sendHistory(caller, claim.id);
    const facts = [
      { title: 'Claim', value: claim.id },
      { title: 'Customer', value: claim.customer.name },
      { title: 'Engagement', value: claim.engagement.name },
      { title: 'Sent to', value: `${claim.customerContactName} (${claim.customerContactEmail})` },
      ...(consent ? [{ title: 'Last sent', value: `${formatDateTime(consent.lastSentAt)} (${consent.sendCount} ${consent.sendCount === 1 ? 'time' : 'times'} so far)` }] : []),
      { title: 'Consent deadline', value: formatDay(claim.consentDeadline) },
    ];
    // The service's 24-hour rule, said before anything is clicked: no button that could only be refused.
    if (consent?.resendFrom) {
      await sendCard(
        step.context,
        claimActionCard({
          title: `Re-send consent email: ${claim.friendlyName}`,
          color: 'Default',
          text: `The consent email can be re-sent once every 24 hours. You can re-send it after ${formatDateTime(consent.resendFrom)}.`,
          facts,
          note: 'Nothing was sent.',
          buttons: claimFollowUps(claim),
        }),
      );
      return step.endDialog();
    }
    const state: ResendState = { userId: caller.userId, claimId: claim.id };
    (step.values as { state: ResendState }).state = state;
    const link = consent && !consent.keepsLink ? ' It carries a new link; the link in the earlier email stops working.' : ' It carries the same link as before.';
    await sendCard(
      step.context,
      claimActionCard({
        title: `Re-send consent email: ${claim.friendlyName}`,
        color: 'Default',
        text: `The customer has not answered yet. Re-send the consent email to ${claim.customerContactEmail} as a reminder?${link}`,
        facts,
        note: 'The email can be re-sent once every 24 hours.',
        buttons: [
          { title: 'Re-send consent email', style: 'positive', data: { action: CONFIRM_RESEND_CONSENT_ACTION, claimId: claim.id } },
          { title: 'Cancel', style: 'default', data: { action: 'cancel' } },
        ],
      }),
    );
    return Dialog.EndOfTurn;
  }

  private async takeConfirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = (step.values as { state: ResendState }).state;
    const answer = readAnswer(step.context, [CONFIRM_RESEND_CONSENT_ACTION]);
    const confirmed =
      (answer.kind === 'card' && confirmSubmission.safeParse(answer.value).data?.claimId === state.claimId) ||
      (answer.kind === 'text' && /^(yes|resend|re-send|send|ok|confirm)$/i.test(answer.text));
    if (!confirmed) {
      await step.context.sendActivity('Select **Re-send consent email** on the card above, or type **cancel**.');
      return step.replaceDialog(WATERFALL, step.options);
    }
    await this.resend(step.context, await this.deps.services.directory.currentCaller(state.userId), state.claimId);
    return step.endDialog();
  }

  /** The confirm clicked again after its flow ended: the service decides (within 24 hours it refuses and says when). */
  private async confirmResubmitted(context: TurnContext, caller: Caller): Promise<void> {
    const parsed = confirmSubmission.safeParse(context.activity.value);
    if (!parsed.success) {
      await context.sendActivity(`That Re-send card is not valid any more, so nothing was sent. ${USAGE}`);
      return;
    }
    await this.resend(context, caller, parsed.data.claimId);
  }

  private async resend(context: TurnContext, caller: Caller, claimId: string): Promise<void> {
    const result = await refusedOr(() => this.deps.services.consent.resend(caller, { claimId }));
    if (!result.ok) {
      await context.sendActivity(`${result.message} Nothing was sent.`);
      return;
    }
    const { claim, newLink } = result.value;
    this.deps.logger.info({ claimId: claim.id, newLink }, 'consent email re-sent');
    await sendDone(context, {
      title: 'Reminder sent',
      text: newLink
        ? `The consent email for ${claim.friendlyName} was re-sent to ${claim.customerContactEmail} as a reminder, with a new link: the link in the earlier email no longer works.`
        : `The consent email for ${claim.friendlyName} was re-sent to ${claim.customerContactEmail} as a reminder, with the same link.`,
      facts: [
        { title: 'Claim', value: claim.id },
        { title: 'Sent to', value: `${claim.customerContactName} (${claim.customerContactEmail})` },
        { title: 'Consent deadline', value: formatDay(claim.consentDeadline) },
      ],
      note: 'You can re-send it again in 24 hours if the customer still has not answered.',
      claim,
    });
  }
}
