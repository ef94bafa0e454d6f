import { CardFactory, MessageFactory } from 'botbuilder';
import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { ComponentDialog, DialogTurnStatus } from './dialogFramework';
import { CONVERSATION_ACTIONS } from '../cards/actions';
import { questionCard } from '../cards/question';
import { describeRoute, interruptingRoute, leaveFlowData, leftFor, type AskedCommand } from './commands';

const CANCEL_WORDS = new Set(['cancel', 'quit', 'stop', 'exit']);
const HELP_WORDS = new Set(['help', '?']);

/** What a flow ends with when the user left it for another command: the router then runs that command. */
export interface LeftFlow {
  leftFor: AskedCommand;
}

export function isLeftFlow(result: unknown): result is LeftFlow {
  return typeof result === 'object' && result !== null && 'leftFor' in result;
}

/**
 * Base of every flow: `cancel` leaves the flow with nothing saved, `help` explains the current step
 * and asks it again, and any other top-level command asks whether to leave the flow for it (its
 * answers kept if the user stays) — all before any child dialog or prompt sees the message.
 */
export abstract class CancelAndHelpDialog extends ComponentDialog {
  /** The flow as the user knows it: "Add customer". */
  protected abstract readonly flowName: string;

  /** What the current step is asking for and how to answer it. */
  protected abstract helpForCurrentStep(innerDc: DialogContext): string;

  /** Asks the current step again (its card re-sent with the answers so far); by default the step's own reprompt. */
  protected async reaskCurrentStep(innerDc: DialogContext): Promise<DialogTurnResult> {
    await innerDc.repromptDialog();
    return { status: DialogTurnStatus.waiting };
  }

  /** True while the current step takes free text (a reason): a typed line is then its answer, never a command. */
  protected takesFreeText(_innerDc: DialogContext): boolean {
    return false;
  }

  /** A flow's own answer that is taken at any step (Change location); undefined when this message is not one. */
  protected answerAtAnyStep(_innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    return Promise.resolve(undefined);
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const interrupted = await this.interrupt(innerDc);
    return interrupted ?? (await this.answerAtAnyStep(innerDc)) ?? super.onContinueDialog(innerDc);
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
      return this.reaskCurrentStep(innerDc);
    }
    if (word === CONVERSATION_ACTIONS.stayInFlow.toLowerCase()) {
      await innerDc.context.sendActivity(`Carrying on with ${this.flowName}: your answers so far are kept.`);
      return this.reaskCurrentStep(innerDc);
    }
    if (word === CONVERSATION_ACTIONS.leaveFlow.toLowerCase()) {
      const asked = leftFor(activity.value);
      if (!asked) return undefined;
      await innerDc.cancelAllDialogs();
      const left: LeftFlow = { leftFor: asked };
      return { status: DialogTurnStatus.complete, result: left };
    }
    if (!isRecord(activity.value) && this.takesFreeText(innerDc)) return undefined;
    const route = interruptingRoute(activity.text, activity.value);
    if (!route) return undefined;
    const asked: AskedCommand = isRecord(activity.value) ? { value: activity.value } : { text: activity.text ?? '' };
    const what = describeRoute(route);
    const card = questionCard({
      title: `Leave ${this.flowName} and ${what}?`,
      text: `If you stay, everything you answered in ${this.flowName} is kept. If you leave, nothing of it is saved.`,
      buttons: [
        { title: `Leave and ${what}`, style: 'default', data: leaveFlowData(asked) },
        { title: `Stay in ${this.flowName}`, style: 'positive', data: { action: CONVERSATION_ACTIONS.stayInFlow } },
      ],
    });
    await innerDc.context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
    return { status: DialogTurnStatus.waiting };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The bare command word of a message: typed text, or a card button's `data.action`. */
function commandWord(text: string | undefined, value: unknown): string | null {
  if (isRecord(value) && typeof value.action === 'string') return value.action.trim().toLowerCase();
  return text ? text.trim().toLowerCase() : null;
}
