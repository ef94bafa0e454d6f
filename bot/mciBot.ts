import {
  type Activity,
  type AppBasedLinkQuery,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type FileConsentCardResponse,
  CardFactory,
  ConversationState,
  MessageFactory,
  TeamsActivityHandler,
  UserState,
  type MessagingExtensionQuery,
  type MessagingExtensionResponse,
  type StatePropertyAccessor,
  type Storage,
  TurnContext,
} from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { DialogContext, DialogSet, DialogTurnStatus } from '../dialogs/dialogFramework';
import { claimRefresh } from '../cards/actions';
import { z } from 'zod';
import type { Database } from '../services/db';
import { cleanText, cleanValue } from '../services/shared/text';
import type { DialogDeps } from '../dialogs/dialogDeps';
import { MainDialog } from '../dialogs/mainDialog';
import { answerClaimLink, answerClaimSearch } from '../dialogs/messageExtension';
import { composeExtensionProblem, isComposeExtensionInvoke, linkQueryUrl, searchQuery, shapedResult } from './composeExtension';
import { ConversationReferenceStore } from './conversationReferences';
import { offeredFileSchema, TEAMS_FILE_INFO, type BotFileTransfer } from './fileTransfer';
import { ConversationStateStore, isStateConflict, STATE_CONFLICT_MESSAGE } from './conversationStateStore';
import { callerTenantId } from './identity';
import type { Logger } from './logger';
import { registerOnFirstContact, type ProvisioningDeps } from './memberLookup';
import { PrismaStorage } from './prismaStorage';
import type { TeamsRateLimiter } from './teamsRateLimiter';
import { activityForChannel, cardForChannel, cardResponse, claimRefreshData, InvokeReplies, submittedValue, withNotices } from './universalActions';

export interface MciBotOptions {
  /** The database conversation state and references are kept in. */
  db: Database;
  logger: Logger;
  /** What the dialogs are built with (bot/composition.ts). */
  dialogs: DialogDeps;
  /** Where conversation and user state live; the database (PrismaStorage) unless given. */
  storage?: Storage;
  /** The instance's Teams send limiter, shared with the notifier: replies count against the same limits. */
  sendLimiter?: TeamsRateLimiter;
  /** Files to and from the user: a Teams file consent accepted is uploaded through it. */
  files?: BotFileTransfer;
  /** The instance's conversation references, shared with the notifier (what one deactivates the other must not trust); a new one unless given. */
  references?: ConversationReferenceStore;
}

/**
 * The Teams activity handler: every message runs the dialog stack (the main router, or the flow in
 * progress); conversation and user state live in the database and are saved after each turn, so a
 * conversation can continue on any instance.
 */
export class MciBot extends TeamsActivityHandler {
  private readonly conversationState: ConversationState;
  private readonly userState: UserState;
  private readonly dialogs: DialogSet;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly mainDialog: MainDialog;
  private readonly references: ConversationReferenceStore;
  private readonly logger: Logger;
  private readonly sendLimiter: TeamsRateLimiter | undefined;
  private readonly provisioning: ProvisioningDeps;
  private readonly dialogDeps: DialogDeps;
  private readonly files: BotFileTransfer | undefined;

  constructor(options: MciBotOptions) {
    super();
    this.logger = options.logger;
    this.sendLimiter = options.sendLimiter;
    this.dialogDeps = options.dialogs;
    this.files = options.files;
    this.provisioning = { directory: options.dialogs.services.directory, logger: options.logger };
    const storage = options.storage ?? new PrismaStorage(options.db);
    // Dialog state is written only if nobody saved the conversation since this turn read it: two
    // instances answering the same conversation at once must not silently lose a step. A lost
    // user preference (the last engagement opened) is harmless, so user state keeps last-write-wins.
    this.conversationState = new ConversationState(options.storage ?? new ConversationStateStore(options.db));
    this.userState = new UserState(storage);
    this.references = options.references ?? new ConversationReferenceStore(options.db, options.logger);
    this.mainDialog = new MainDialog(options.dialogs, this.userState);
    this.dialogState = this.conversationState.createProperty<DialogState>('dialogState');
    this.dialogs = new DialogSet(this.dialogState);
    this.dialogs.add(this.mainDialog);

    this.onMessage(async (context, next) => {
      stripBotMention(context);
      await this.runDialogs(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const joined = (context.activity.membersAdded ?? []).filter((member) => member.id !== botId);
      if (joined.length > 0) {
        await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await this.mainDialog.welcomeCard(context))));
      }
      await next();
    });
  }

  /**
   * Stores the conversation reference (for proactive messages), registers a newcomer of a partner's
   * tenant (so the turn already knows them), runs the turn, then saves conversation and user state
   * (only when the turn succeeded: a failed turn saves nothing).
   */
  override async run(context: TurnContext): Promise<void> {
    cleanUserInput(context.activity);
    // First, so that an invoke's replies are held back before anything counts or reshapes them.
    if (isCardAction(context.activity)) {
      if (!CardActionValue.safeParse(context.activity.value).success) {
        // botbuilder would fail on it with a TypeError (a 500, a fault of ours); it is the request that is wrong (400).
        await context.sendActivity({ type: 'invokeResponse', value: { status: 400, body: BAD_CARD_ACTION } });
        return;
      }
      context.turnState.set(INVOKE_REPLIES, new InvokeReplies(context));
    }
    if (isComposeExtensionInvoke(context.activity)) {
      const problem = composeExtensionProblem(context.activity);
      if (problem) {
        await context.sendActivity({ type: 'invokeResponse', value: { status: 400, body: badRequest(problem) } });
        return;
      }
    }
    // An invoke may come from a chat the bot is not part of (the compose box, a shared claim card):
    // it refreshes a conversation already recorded, and records none.
    await this.references.record(context, { create: context.activity.type !== 'invoke' });
    await registerOnFirstContact(context, this.provisioning);
    shapeRepliesForChannel(context, this.logger);
    this.countRepliesAgainstTeamsLimits(context);
    // A message's conversation and user state are loaded together: one statement (services/db/turnRows.ts).
    if (context.activity.type === 'message' && context.activity.from?.id) await Promise.all([this.conversationState.load(context), this.userState.load(context)]);
    await super.run(context);
    try {
      await this.conversationState.saveChanges(context, false);
    } catch (error) {
      if (isStateConflict(error)) {
        // The turn's replies and service calls have happened; repeating it would repeat them, so the
        // user is told to look again rather than the turn being retried.
        this.logger.warn({ conversationId: context.activity.conversation?.id }, 'conversation state was saved by another turn first');
        await context.sendActivity(STATE_CONFLICT_MESSAGE);
      } else {
        await this.startConversationOver(context, error);
      }
    }
    await this.userState.saveChanges(context, false);
  }

  /**
   * A dialog state the database refuses (PostgreSQL 22P05 and the like) would fail every later turn
   * of the conversation, since each one reads it back and saves it again. Its dialog state is
   * deleted instead: what the user confirmed is already in the services' tables, only the place in
   * a flow is lost. If even the delete fails (the database is down), the original error stands.
   */
  private async startConversationOver(context: TurnContext, error: unknown): Promise<void> {
    try {
      await this.conversationState.delete(context);
    } catch {
      throw error;
    }
    this.logger.error({ err: error, conversationId: context.activity.conversation?.id }, 'conversation state could not be saved: the conversation was started over');
    await context.sendActivity(STATE_RESET_MESSAGE);
  }

  private countRepliesAgainstTeamsLimits(context: TurnContext): void {
    const limiter = this.sendLimiter;
    const conversationId = context.activity.conversation?.id;
    if (!limiter || !conversationId) return;
    // The same tenant key the notifier's sends use (the stored reference's tenant).
    const tenantId = callerTenantId(context.activity);
    context.onSendActivities(async (_context, activities, next) => {
      const messages = activities.filter((activity) => activity.type === 'message').length;
      return messages === 0 ? next() : limiter.sendReplies(conversationId, tenantId, messages, next);
    });
  }

  /**
   * A card button (Universal Actions): the turn runs as the Submit of the same button would, and the
   * card it produces is the invoke's answer, so the card acted on changes in place. A claim card's
   * refresh shows the viewer's current view of the claim without touching the conversation's place
   * in a flow; anyone who may not see that claim gets a card that shows nothing of it.
   */
  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const replies = context.turnState.get<InvokeReplies | undefined>(INVOKE_REPLIES);
    if (!replies) throw new Error('an adaptiveCard/action invoke without its reply collector');
    const { activity } = context;
    const value = submittedValue(invokeValue);
    const refresh = claimRefreshData(value);
    activity.type = 'message';
    activity.value = refresh ? { action: 'viewClaim', claimId: refresh.claimId } : value;
    try {
      if (refresh) {
        await new DialogContext(this.dialogs, context, { dialogStack: [] }).beginDialog(this.mainDialog.id);
      } else {
        await this.runDialogs(context);
      }
    } catch (error) {
      // Still collecting: the adapter's apology goes nowhere, the card itself says it.
      await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: cardResponse(textCard(TURN_FAILED_MESSAGE)) } });
      throw error;
    } finally {
      activity.type = 'invoke';
    }
    const { card, drawn, rest } = replies.finish();
    if (rest.length > 0) await context.sendActivities(rest);
    let answer = card ?? textCard('Done.');
    if (refresh) {
      answer = card && drawn ? { ...withNotices(card, refresh.notice ? [refresh.notice] : []), refresh: claimRefresh(refresh.claimId, refresh.notice) } : textCard(CLAIM_NOT_VISIBLE_MESSAGE);
    }
    return cardResponse(this.fitInvokeAnswer(context, answer));
  }

  /** The compose box's search (message extension): the caller's partner's claims as claim cards to share. */
  protected override async handleTeamsMessagingExtensionQuery(context: TurnContext, query: MessagingExtensionQuery): Promise<MessagingExtensionResponse> {
    return { composeExtension: shapedResult(await answerClaimSearch(this.dialogDeps, context, searchQuery(query))) };
  }

  /** A pasted claim link of the bot's host, unfurled into the claim card for someone of its partner. */
  protected override async handleTeamsAppBasedLinkQuery(context: TurnContext, query: AppBasedLinkQuery): Promise<MessagingExtensionResponse> {
    return { composeExtension: shapedResult(await answerClaimLink(this.dialogDeps, context, linkQueryUrl(query))) };
  }

  /**
   * A file consent card accepted (Teams personal chat): the file is made again (a corrected file
   * only for the user who sent its spreadsheet), PUT to the upload URL Teams gives, in one range as
   * the upload session takes it, and shown with a file info card.
   */
  protected override async handleTeamsFileConsentAccept(context: TurnContext, response: FileConsentCardResponse): Promise<void> {
    const offered = offeredFileSchema.safeParse(response.context);
    const upload = FileUpload.safeParse(response.uploadInfo);
    const caller = await this.dialogDeps.callerOf(context);
    const content = !this.files || !offered.success || !upload.success ? null
      : offered.data.kind === 'template' ? this.dialogDeps.services.bulkAdd.template()
      : caller.kind === 'partnerUser' ? await this.dialogDeps.services.bulkAdd.correctedFile(offered.data.fileId, caller) : null;
    if (!content || !upload.success) {
      await context.sendActivity('That file is no longer kept, so nothing was sent. Send the spreadsheet again for a new report.');
      return;
    }
    const bytes = Buffer.from(content.text, 'utf8');
    const put = await fetch(upload.data.uploadUrl, {
      method: 'PUT',
      headers: { 'content-length': String(bytes.length), 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}` },
      body: bytes,
      signal: AbortSignal.timeout(15_000),
    }).catch(() => null);
    if (!put?.ok) {
      this.logger.warn({ status: put?.status }, 'a file could not be uploaded to OneDrive after its consent');
      await context.sendActivity('I could not put the file in your OneDrive just now. Please ask for it again.');
      return;
    }
    await context.sendActivity({
      attachments: [{ contentType: TEAMS_FILE_INFO, contentUrl: upload.data.contentUrl, name: upload.data.name, content: { uniqueId: upload.data.uniqueId, fileType: upload.data.fileType } }],
    });
  }

  protected override async handleTeamsFileConsentDecline(context: TurnContext): Promise<void> {
    await context.sendActivity('All right, I did not send the file.');
  }

  /** The answer as the channel takes it, within Teams' message size (as every reply is). */
  private fitInvokeAnswer(context: TurnContext, card: Record<string, unknown>): Record<string, unknown> {
    const shaped = cardForChannel(card, context.activity);
    if (byteSize(shaped) <= MAX_REPLY_BYTES) return shaped;
    if (byteSize(card) <= MAX_REPLY_BYTES) return card;
    this.logger.warn({ conversationId: context.activity.conversation?.id, size: byteSize(card) }, "an invoke answer over Teams' message size limit was replaced");
    return textCard(REPLY_TOO_LARGE_MESSAGE);
  }

  private async runDialogs(context: TurnContext): Promise<void> {
    // With no flow running, a message that starts none is answered without building a dialog context.
    const { dialogStack } = await this.dialogState.get(context, { dialogStack: [] });
    if (dialogStack.length === 0 && (await this.mainDialog.answerOutsideFlow(context))) return;
    const dialogContext = await this.dialogs.createContext(context);
    const result = await dialogContext.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dialogContext.beginDialog(this.mainDialog.id);
  }
}

/** Teams documents about 100 KB for a bot message in all (text, cards and envelope); a little is kept back for what the connector adds. */
export const MAX_REPLY_BYTES = 96 * 1024;

export const REPLY_TOO_LARGE_MESSAGE =
  'That answer was too large for Teams to show (its message size limit), so I did not send it. Try a narrower question, for example a filter on a list.';

export const STATE_RESET_MESSAGE =
  'Sorry, I could not save where we were in this conversation, so I had to start this conversation over; nothing you confirmed was lost. Type **help** to see what I can do.';

export const CLAIM_NOT_VISIBLE_MESSAGE =
  'This card is about a claim you cannot see (it belongs to another organisation, or your role does not include claims), so nothing of it is shown.';

const TURN_FAILED_MESSAGE = 'Sorry, something went wrong on my side and nothing was saved. Please try again.';

const INVOKE_REPLIES = Symbol('invokeReplies');

/** What Teams gives on a file consent accepted: where to upload the file, and how to show it then. */
const FileUpload = z.object({ name: z.string().max(300), uploadUrl: z.url({ protocol: /^https$/ }), contentUrl: z.url(), uniqueId: z.string().max(200), fileType: z.string().max(20) });

/** What an `adaptiveCard/action` invoke must carry: an Action.Execute with a verb. */
const CardActionValue = z.looseObject({ action: z.looseObject({ type: z.literal('Action.Execute'), verb: z.string().min(1).max(200), data: z.unknown().optional() }) });

function badRequest(message: string): Record<string, unknown> {
  return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message } };
}

const BAD_CARD_ACTION = badRequest('An adaptiveCard/action invoke carries value.action, an Action.Execute with a verb.');

function isCardAction(activity: Activity): boolean {
  return activity.type === 'invoke' && activity.name === 'adaptiveCard/action';
}

function textCard(text: string): Record<string, unknown> {
  return { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text, wrap: true }] };
}

function byteSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** The activity, addressed as before, without what made it large: its text, attachments and extras. */
function withoutContent(activity: Partial<Activity>): Partial<Activity> {
  return { ...activity, text: undefined, attachments: undefined, suggestedActions: undefined, value: undefined, entities: undefined };
}

/**
 * Everything a user typed or a card submitted, capped and cleaned once, before any dialog reads it:
 * no pattern sees more than Teams itself sends, and no state saved from it carries a NUL or a lone surrogate.
 */
function cleanUserInput(activity: Activity): void {
  if (typeof activity.text === 'string') activity.text = cleanText(activity.text);
  if (activity.value !== undefined) activity.value = cleanValue(activity.value);
}

/**
 * The one place every turn reply passes before it is sent. Cards go to each channel in the form it
 * acts on (bot/universalActions.ts): Execute buttons with a Submit fallback in Teams, plain Submit
 * elsewhere; a card too large with the fallbacks goes as it was. Teams refuses a bot message over
 * about 100 KB in all: a reply that large (a card listing too much, say) is replaced, before it is
 * sent, by a short message naming the problem rather than refused by Teams with an error; the
 * replacement is logged. Each reply is measured once in the common case (issue 18: a turn's CPU).
 */
export function shapeRepliesForChannel(context: TurnContext, logger: Logger): void {
  context.onSendActivities(async (_context, activities, next) => {
    for (const [index, activity] of activities.entries()) {
      const shaped = activityForChannel(activity, context.activity);
      const shapedSize = byteSize(shaped);
      if (shapedSize <= MAX_REPLY_BYTES) {
        activities[index] = shaped;
        continue;
      }
      const size = shaped === activity ? shapedSize : byteSize(activity);
      if (size <= MAX_REPLY_BYTES) continue;
      logger.warn({ conversationId: context.activity.conversation?.id, size }, "a reply over Teams' message size limit was replaced");
      activities[index] = { ...withoutContent(activity), text: REPLY_TOO_LARGE_MESSAGE };
    }
    return next();
  });
}

/** In channels and group chats Teams prefixes the text with `<at>bot</at>`: commands are read without it. */
function stripBotMention(context: TurnContext): void {
  const { activity } = context;
  if (typeof activity.text !== 'string' || !activity.entities?.some((entity) => entity.type === 'mention')) return;
  activity.text = TurnContext.removeRecipientMention(activity).trim();
}
