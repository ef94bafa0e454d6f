import { CardFactory, MessageFactory, type StatePropertyAccessor, type TurnContext, type UserState } from 'botbuilder';
import type { Dialog, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { ComponentDialog, WaterfallDialog } from './dialogFramework';
import { claimDetailsCard } from '../cards/claimDetails';
import { customersPageCard, type CustomersTab, type CustomersTabPage } from '../cards/customersPage';
import { engagementsCard } from '../cards/engagements';
import type { AdaptiveCard } from '../cards/render';
import { canViewClaims, normaliseClaimId } from '../services/claims';
import type { CustomerAction } from '../services/customersPage';
import { canWorkWithClaims, matchEngagement, type Caller, type EngagementSummary, type PartnerCaller } from '../services/directory';
import { isNotAllowed, shorten } from '../services/shared';
import { AddCustomerDialog, type AddCustomerOptions } from './addCustomerDialog';
import { CancelClaimDialog } from './cancelClaimDialog';
import { ClaimCustomerDialog, type ClaimCustomerOptions } from './claimCustomerDialog';
import type { ClaimFlowOptions } from './claimFlowShared';
import { answerClaimList } from './claimLists';
import { answerDigest } from './digestView';
import { ResendConsentDialog } from './resendConsentDialog';
import { SendConsentDialog } from './sendConsentDialog';
import { SubmitClaimDialog } from './submitClaimDialog';
import { routeMessage, type FlowStart, type FlowVerb, type Route } from './commands';
import type { DialogDeps } from './dialogDeps';
import { unknownCommandCard, welcomeFor } from './helpCard';
import { isLeftFlow } from './cancelAndHelpDialog';
import { answerRoles } from './roleCommands';
import { answerSeller, sellerReferralsCard } from './sellerReferralsView';
import { parseShortcut, resolveAddShortcut, resolveClaimShortcut } from './shortcuts';
import { answerUndelivered } from './undeliveredView';
import { answerBulkAddConfirm, answerBulkAddFile, answerBulkAddHelp } from './bulkAddView';

export const MAIN_DIALOG_ID = 'mainDialog';
const ROUTER_WATERFALL = 'mainDialog.router';

/** The options to begin a flow with, or a message saying why it cannot start. */
export type FlowOptions<T extends object = object> = { ok: true; options: T } | { ok: false; message: string };

/** How a flow dialog is started: its id, and its options from the caller and what the message named. */
export interface FlowRegistration {
  dialogId: string;
  start(caller: PartnerCaller, start: FlowStart): Promise<FlowOptions>;
}

export interface MainDialogOptions {
  /** Rows per Customers page tab; the service's default unless given. */
  pageSize?: number;
}

/** What the bot remembers about a user between conversations. */
export interface UserPreferences {
  /** The engagement whose Customers page the user opened last: `customers` alone reopens it. */
  lastEngagementId?: string;
}

const NOT_AVAILABLE: Record<FlowVerb, string> = {
  addCustomer: 'Adding a customer',
  claimCustomer: 'Claiming a customer',
  sendConsent: 'Sending the customer consent email',
  resendConsent: 'Re-sending the customer consent email',
  submitClaim: 'Submitting a claim',
  cancelClaim: 'Canceling a claim',
};

/** A flow a message starts, for a caller who may work with claims. */
interface FlowToStart {
  caller: PartnerCaller;
  verb: FlowVerb;
  start: FlowStart;
}

/** The row actions of the Customers page that are not flows: always available. */
const PAGE_ACTIONS: readonly CustomerAction[] = ['viewClaim'];

/**
 * The router every message goes through when no flow is running: text commands of the contract
 * and card actions (`data.action`), answered at once or by starting a flow dialog. Unknown input
 * gets the help card. Rules live in services; this only decides which one to ask.
 */
export class MainDialog extends ComponentDialog {
  private readonly preferences: StatePropertyAccessor<UserPreferences>;
  private readonly flows = new Map<FlowVerb, FlowRegistration>();

  constructor(
    private readonly deps: DialogDeps,
    userState: UserState,
    private readonly options: MainDialogOptions = {},
  ) {
    super(MAIN_DIALOG_ID);
    this.preferences = userState.createProperty<UserPreferences>('preferences');
    this.addDialog(new WaterfallDialog(ROUTER_WATERFALL, [this.routeStep.bind(this), this.flowEndedStep.bind(this)]));
    this.initialDialogId = ROUTER_WATERFALL;
    this.register('addCustomer', new AddCustomerDialog(deps), (caller, start) => this.addCustomerOptions(caller, start));
    this.register('claimCustomer', new ClaimCustomerDialog(deps), (caller, start) => this.claimCustomerOptions(caller, start));
    this.register('sendConsent', new SendConsentDialog(deps), (caller, start) => claimFlowOptions(caller, start));
    this.register('resendConsent', new ResendConsentDialog(deps), (caller, start) => claimFlowOptions(caller, start));
    this.register('submitClaim', new SubmitClaimDialog(deps), (caller, start) => claimFlowOptions(caller, start));
    this.register('cancelClaim', new CancelClaimDialog(deps), (caller, start) => claimFlowOptions(caller, start));
  }

  private register(verb: FlowVerb, dialog: Dialog, start: FlowRegistration['start']): void {
    this.addDialog(dialog);
    this.flows.set(verb, { dialogId: dialog.id, start });
  }

  /** Add customer from a card button (engagement), `add customer`, or the shortcut `add <id> to <engagement>`. */
  private async addCustomerOptions(caller: PartnerCaller, start: FlowStart): Promise<FlowOptions<AddCustomerOptions>> {
    const shortcut = start.line ? parseShortcut(start.line) : null;
    if (shortcut?.kind === 'add') return resolveAddShortcut(this.deps.services.nomination, caller, shortcut);
    return { ok: true, options: start.engagementId ? { caller, engagementId: start.engagementId } : { caller } };
  }

  /** Claim customer from the Eligible tab (customer and engagement), `claim customer`, or `claim <customer> for <engagement>`. */
  private async claimCustomerOptions(caller: PartnerCaller, start: FlowStart): Promise<FlowOptions<ClaimCustomerOptions>> {
    const shortcut = start.line ? parseShortcut(start.line) : null;
    if (shortcut?.kind === 'claim') return resolveClaimShortcut(this.deps.services.nomination, caller, shortcut);
    const options: ClaimCustomerOptions = { caller };
    if (start.customerId) options.customerId = start.customerId;
    if (start.engagementId) options.engagementId = start.engagementId;
    return { ok: true, options };
  }

  /** The flows that can be started now (their dialogs are registered). */
  get availableFlows(): ReadonlySet<FlowVerb> {
    return new Set(this.flows.keys());
  }

  /** The welcome card for whoever sent this activity (also used when the bot joins a conversation). */
  async welcomeCard(context: TurnContext): Promise<AdaptiveCard> {
    const caller = await this.callerOf(context);
    if (caller.kind === 'seller') return sellerReferralsCard(this.deps, caller);
    return welcomeFor(this.deps.services.directory, caller, this.availableFlows);
  }

  /**
   * Answers a message that starts no flow at once, without the dialog stack (whose machinery cost
   * about a fifth of a `help` turn's CPU, bench/RESULTS.md issue 18); false when the message starts a
   * flow, which the caller then begins as this dialog. Only called with no flow running.
   */
  async answerOutsideFlow(context: TurnContext): Promise<boolean> {
    const route = this.routeOf(context);
    const caller = await this.callerOf(context);
    return (await this.answer(context, route, caller)) === null;
  }

  private routeOf(context: TurnContext): Route {
    const file = this.deps.files.attachedFile(context.activity);
    return file ? { kind: 'bulkAddFile', file } : routeMessage(context.activity.text, context.activity.value);
  }

  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return this.respond(step, this.routeOf(step.context));
  }

  private async respond(step: WaterfallStepContext, route: Route): Promise<DialogTurnResult> {
    const flow = await this.answer(step.context, route, await this.callerOf(step.context));
    if (!flow) return step.endDialog();
    try {
      return await this.startFlow(step, flow);
    } catch (error) {
      if (!isNotAllowed(error)) throw error;
      await step.context.sendActivity(error.message);
      return step.endDialog();
    }
  }

  /** A flow ended; when the user left it for another command, that command is answered now. */
  private async flowEndedStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isLeftFlow(step.result)) {
      const { text, value } = step.result.leftFor;
      return this.respond(step, routeMessage(text, value));
    }
    return step.endDialog(step.result);
  }

  /**
   * Answers the route for the caller, or gives back the flow it starts (a dialog, begun by the caller
   * of this on the stack). A request the services refuse (NotAllowed) is answered with their reason.
   */
  private async answer(context: TurnContext, route: Route, caller: Caller): Promise<FlowToStart | null> {
    try {
      if (caller.kind === 'seller') {
        await answerSeller(context, this.deps, caller, route);
        return null;
      }
      return await this.answerPartnerUser(context, route, caller);
    } catch (error) {
      if (!isNotAllowed(error)) throw error;
      await context.sendActivity(error.message);
      return null;
    }
  }

  private async answerPartnerUser(context: TurnContext, route: Route, caller: Caller): Promise<FlowToStart | null> {
    switch (route.kind) {
      case 'help':
        await this.sendCard(context, await welcomeFor(this.deps.services.directory, caller, this.availableFlows));
        return null;
      case 'cancel':
        await context.sendActivity('There is nothing to cancel: you are not in the middle of anything. Type **help** to see what I can do.');
        return null;
      case 'unknown':
        await this.sendCard(context, unknownCommandCard(route.text, caller));
        return null;
      case 'flowEnded':
        await context.sendActivity('That flow has ended already, so there is nothing to carry on with. Type **help** to see what I can do.');
        return null;
      case 'badCard':
        await context.sendActivity(
          'That button is from an earlier card or not one of mine, so nothing was done. Type **help** to see what I can do.',
        );
        return null;
      case 'status':
        await this.showClaim(context, caller, route.claimId);
        return null;
      case 'users':
      case 'roleChange':
        await answerRoles(this.deps, context, caller, route);
        return null;
      case 'undelivered':
        await answerUndelivered(this.deps, context, caller, route.cursor, this.options.pageSize);
        return null;
      default:
        break;
    }
    if (caller.kind !== 'partnerUser' || !canWorkWithClaims(caller)) {
      await context.sendActivity(await this.deps.services.directory.accessRefusal(caller));
      return null;
    }
    switch (route.kind) {
      case 'engagements':
        await this.showEngagements(context, caller);
        return null;
      case 'customers':
        await this.openCustomersPage(context, caller, route.query);
        return null;
      case 'showTab':
        await this.showTab(context, caller, route.engagementId, route.tab, route.cursor);
        return null;
      case 'myClaims':
      case 'claims':
      case 'expiring':
      case 'summary':
        await answerClaimList(this.deps, context, caller, route, this.options.pageSize);
        return null;
      case 'bulkAdd':
        await answerBulkAddHelp(this.deps, context);
        return null;
      case 'bulkAddFile':
        await answerBulkAddFile(this.deps, context, caller, route.file);
        return null;
      case 'bulkAddConfirm':
        await answerBulkAddConfirm(this.deps, context, caller, route.fileId);
        return null;
      case 'digest':
        await answerDigest(this.deps, context, caller, route.setting);
        return null;
      case 'flow':
        return { caller, verb: route.verb, start: route.start };
    }
  }

  private async startFlow(step: WaterfallStepContext, { caller, verb, start }: FlowToStart): Promise<DialogTurnResult> {
    const flow = this.flows.get(verb);
    if (!flow) {
      await step.context.sendActivity(`${NOT_AVAILABLE[verb]} is not available here yet, so nothing was changed. Type **help** to see what I can do now.`);
      return step.endDialog();
    }
    const started = await flow.start(caller, start);
    if (!started.ok) {
      await step.context.sendActivity(started.message);
      return step.endDialog();
    }
    return step.beginDialog(flow.dialogId, started.options);
  }

  private async showEngagements(context: TurnContext, caller: PartnerCaller): Promise<void> {
    const engagements = await this.deps.services.directory.partnerEngagements(caller);
    await this.sendCard(
      context,
      engagementsCard({
        title: 'Engagements you can work on',
        intro: `The MCI engagements ${caller.partnerName}'s MCI-enrolled locations are enrolled for. Open an engagement's Customers page to see and act on its customers.`,
        engagements,
      }),
    );
  }

  private async openCustomersPage(context: TurnContext, caller: PartnerCaller, query: string): Promise<void> {
    const engagements = await this.deps.services.directory.partnerEngagements(caller);
    if (query === '') {
      const last = (await this.preferences.get(context, {})).lastEngagementId;
      const remembered = engagements.find((engagement) => engagement.id === last);
      if (remembered) {
        await this.showEngagementTab(context, caller, remembered, 'eligible', null);
        return;
      }
      await this.sendChoice(context, 'Which engagement?', 'Choose an engagement, or type **customers** and its name, for example "customers azure migrate".', engagements);
      return;
    }
    const match = matchEngagement(engagements, query);
    if (match.kind === 'one') {
      await this.showEngagementTab(context, caller, match.engagement, 'eligible', null);
      return;
    }
    if (match.kind === 'ambiguous') {
      await this.sendChoice(context, 'Which engagement do you mean?', `"${shorten(query)}" matches ${match.candidates.length} engagements. Choose one:`, match.candidates);
      return;
    }
    await this.sendChoice(context, 'Engagements you can work on', `No engagement you can work on matches "${shorten(query)}". These are the ones you can:`, engagements);
  }

  private async showTab(context: TurnContext, caller: PartnerCaller, engagementId: string, tab: CustomersTab, cursor: string | null): Promise<void> {
    const engagements = await this.deps.services.directory.partnerEngagements(caller);
    const engagement = engagements.find((candidate) => candidate.id === engagementId);
    if (!engagement) {
      await context.sendActivity('That engagement is not one your organisation can work on (or it has closed), so there is no Customers page to show. Type **engagements** to see yours.');
      return;
    }
    await this.showEngagementTab(context, caller, engagement, tab, cursor);
  }

  /** A tab of an engagement already found among the caller's partner's engagements (so they are loaded once per turn). */
  private async showEngagementTab(context: TurnContext, caller: PartnerCaller, engagement: EngagementSummary, tab: CustomersTab, cursor: string | null): Promise<void> {
    const request = { engagementId: engagement.id, cursor, pageSize: this.options.pageSize };
    const { customersPage } = this.deps.services;
    const current: CustomersTabPage =
      tab === 'eligible'
        ? { tab, page: await customersPage.eligible(caller, request) }
        : tab === 'ineligible'
          ? { tab, page: await customersPage.ineligible(caller, request) }
          : { tab, page: await customersPage.complete(caller, request) };
    const availableActions = new Set<CustomerAction>([...PAGE_ACTIONS, ...[...this.flows.keys()].filter(isCustomerAction)]);
    await this.sendCard(
      context,
      customersPageCard({
        engagement,
        current,
        availableActions,
        canAddCustomer: this.flows.has('addCustomer'),
        continued: cursor !== null,
      }),
    );
    await this.preferences.set(context, { lastEngagementId: engagement.id });
  }

  private async showClaim(context: TurnContext, caller: Caller, rawClaimId: string): Promise<void> {
    if (caller.kind !== 'partnerUser' || !canViewClaims(caller.roles)) {
      await context.sendActivity(await this.deps.services.directory.accessRefusal(caller));
      return;
    }
    if (rawClaimId === '') {
      await context.sendActivity('Which claim? Type **status** and the claim id, for example "status CLM-…". The ids are on the Customers page.');
      return;
    }
    const claim = await this.deps.services.claims.details(caller, rawClaimId);
    if (!claim) {
      await context.sendActivity(`Claim ${shorten(normaliseClaimId(rawClaimId))} was not found among ${caller.partnerName}'s claims. Check the id on the Customers page.`);
      return;
    }
    const buttons = canWorkWithClaims(caller)
      ? [{ title: 'Customers page', data: { action: 'showTab', engagementId: claim.engagementId, tab: 'eligible' } }]
      : [];
    await this.sendCard(context, claimDetailsCard({ claim, buttons, link: this.deps.services.claims.link(claim.id) }));
  }

  private async sendChoice(context: TurnContext, title: string, intro: string, engagements: readonly EngagementSummary[]): Promise<void> {
    await this.sendCard(context, engagementsCard({ title, intro, engagements }));
  }

  private async sendCard(context: TurnContext, card: AdaptiveCard): Promise<void> {
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  }

  private callerOf(context: TurnContext): Promise<Caller> {
    return this.deps.callerOf(context);
  }
}

/** A flow on one claim (send or re-send consent, submit): the claim id its button or command carries. */
function claimFlowOptions(caller: PartnerCaller, start: FlowStart): Promise<FlowOptions<ClaimFlowOptions>> {
  return Promise.resolve({ ok: true, options: start.claimId ? { caller, claimId: start.claimId } : { caller } });
}

const CUSTOMER_ACTIONS: readonly string[] = ['claimCustomer', 'sendConsent', 'resendConsent', 'submitClaim', 'viewClaim'];

function isCustomerAction(verb: FlowVerb): verb is Extract<FlowVerb, CustomerAction> {
  return CUSTOMER_ACTIONS.includes(verb);
}
