import type { TurnContext } from 'botbuilder';
import type { WaterfallStepContext } from 'botbuilder-dialogs';
import { claimActionCard } from '../cards/claimAction';
import type { ClaimEvent, FlowClaim } from '../services/claims';
import type { Caller, PartnerCaller } from '../services/directory';
import type { DialogDeps } from './dialogDeps';
import { sendCard, submittedAction } from './replies';

/** How the router starts a flow on one claim: a card button's claim id, or one typed after the command. */
export interface ClaimFlowOptions {
  caller: Caller;
  claimId?: string;
}

/** How a flow on one claim starts: the event it needs, and its confirm button when clicked again after the flow ended. */
export interface ClaimFlowStart {
  event: ClaimEvent;
  usage: string;
  confirmAction: string;
  /** Hands a repeated confirm to the service, which decides (the claim has moved on, so it refuses). */
  resubmitted(context: TurnContext, caller: Caller): Promise<void>;
}

/**
 * The first step of a flow on one claim: a repeated confirm goes to `resubmitted`, anything else
 * opens the claim. Null when the flow ends here, with what was said already sent.
 */
export async function startClaimFlow(step: WaterfallStepContext, deps: DialogDeps, start: ClaimFlowStart): Promise<{ caller: PartnerCaller; claim: FlowClaim } | null> {
  const options = step.options as Partial<ClaimFlowOptions>;
  const caller = options.caller;
  if (!caller) throw new Error(`A claim flow (${start.event}) needs the caller in its options.`);
  if (submittedAction(step.context) === start.confirmAction) {
    await start.resubmitted(step.context, caller);
    return null;
  }
  const opened = await deps.services.claims.openFor(caller, options.claimId, start.event, start.usage);
  if (!opened.ok) {
    await step.context.sendActivity(opened.message);
    return null;
  }
  return { caller: opened.caller, claim: opened.claim };
}

/** The buttons under a claim action's confirmation: the claim's details and its engagement's Customers page. */
export function claimFollowUps(claim: Pick<FlowClaim, 'id' | 'engagementId'>): { title: string; style: 'default'; data: Record<string, string> }[] {
  return [
    { title: 'View claim', style: 'default', data: { action: 'viewClaim', claimId: claim.id } },
    { title: 'Customers page', style: 'default', data: { action: 'showTab', engagementId: claim.engagementId, tab: 'eligible' } },
  ];
}

/** Sends a claim action's confirmation card. */
export async function sendDone(
  context: TurnContext,
  data: { title: string; text: string; facts: { title: string; value: string }[]; note: string; claim: Pick<FlowClaim, 'id' | 'engagementId'> },
): Promise<void> {
  await sendCard(context, claimActionCard({ title: data.title, color: 'Good', text: data.text, facts: data.facts, note: data.note, buttons: claimFollowUps(data.claim) }));
}

