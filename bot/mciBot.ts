import {
  type Activity,
  CardFactory,
  ConversationState,
  MessageFactory,
  TeamsActivityHandler,
  UserState,
  type Storage,
  TurnContext,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import type { Database } from '../services/db';
import { cleanText, cleanValue } from '../services/shared/text';
import type { DialogDeps } from '../dialogs/dialogDeps';
import { MainDialog } from '../dialogs/mainDialog';
import { ConversationReferenceStore } from './conversationReferences';
import { ConversationStateStore, isStateConflict, STATE_CONFLICT_MESSAGE } from './conversationStateStore';
import { callerTenantId } from './identity';
import type { Logger } from './logger';
import { registerOnFirstContact, type ProvisioningDeps } from './memberLookup';
import { PrismaStorage } from './prismaStorage';
import type { TeamsRateLimiter } from './teamsRateLimiter';

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
  private readonly mainDialog: MainDialog;
  private readonly references: ConversationReferenceStore;
  private readonly logger: Logger;
  private readonly sendLimiter: TeamsRateLimiter | undefined;
  private readonly provisioning: ProvisioningDeps;

  constructor(options: MciBotOptions) {
    super();
    this.logger = options.logger;
    this.sendLimiter = options.sendLimiter;
    this.provisioning = { directory: options.dialogs.services.directory, logger: options.logger };
    const storage = options.storage ?? new PrismaStorage(options.db.prisma);
    // Dialog state is written only if nobody saved the conversation since this turn read it: two
    // instances answering the same conversation at once must not silently lose a step. A lost
    // user preference (the last engagement opened) is harmless, so user state keeps last-write-wins.
    this.conversationState = new ConversationState(options.storage ?? new ConversationStateStore(options.db.prisma));
    this.userState = new UserState(storage);
    this.references = new ConversationReferenceStore(options.db, options.logger);
    this.mainDialog = new MainDialog(options.dialogs, this.userState);
    this.dialogs = new DialogSet(this.conversationState.createProperty<DialogState>('dialogState'));
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
    await this.references.record(context);
    await registerOnFirstContact(context, this.provisioning);
    keepRepliesWithinTeamsSize(context, this.logger);
    this.countRepliesAgainstTeamsLimits(context);
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
      limiter.recordSent(conversationId, tenantId, activities.filter((activity) => activity.type === 'message').length);
      return next();
    });
  }

  private async runDialogs(context: TurnContext): Promise<void> {
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
 * Teams refuses a bot message over about 100 KB in all: a reply that large (a card listing too
 * much, say) is replaced, before it is sent, by a short message naming the problem rather than
 * refused by Teams with an error; the replacement is logged.
 */
export function keepRepliesWithinTeamsSize(context: TurnContext, logger: Logger): void {
  context.onSendActivities(async (_context, activities, next) => {
    for (const [index, activity] of activities.entries()) {
      const size = Buffer.byteLength(JSON.stringify(activity), 'utf8');
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
