import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';

const CANCEL_WORDS = new Set(['cancel', 'quit', 'stop', 'exit']);
const HELP_WORDS = new Set(['help', '?']);

/**
 * Base of every flow: `cancel` leaves the flow with nothing saved, and `help` explains the current
 * step and then asks it again, before any child dialog or prompt sees the message.
 */
export abstract class CancelAndHelpDialog extends ComponentDialog {
  /** What the current step is asking for and how to answer it. */
  protected abstract helpForCurrentStep(innerDc: DialogContext): string;

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const interrupted = await this.interrupt(innerDc);
    return interrupted ?? super.onContinueDialog(innerDc);
  }

  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const { activity } = innerDc.context;
    if (activity.type !== 'message') return undefined;
    const word = commandWord(activity.text, activity.value);
    if (word && CANCEL_WORDS.has(word)) {
      await innerDc.context.sendActivity('Canceled. Nothing was saved. Type **help** to see what I can do.');
      return innerDc.cancelAllDialogs(true);
    }
    if (word && HELP_WORDS.has(word)) {
      await innerDc.context.sendActivity(this.helpForCurrentStep(innerDc));
      await innerDc.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    return undefined;
  }
}

/** The bare command word of a message: typed text, or a card button's `data.action`. */
function commandWord(text: string | undefined, value: unknown): string | null {
  if (value && typeof value === 'object' && 'action' in value && typeof value.action === 'string') {
    return value.action.trim().toLowerCase();
  }
  return text ? text.trim().toLowerCase() : null;
}
