import {
  CardFactory,
  ConversationState,
  MessageFactory,
  TeamsActivityHandler,
  UserState,
  type Storage,
  type TurnContext,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import type { Clock } from '../services/clock';
import type { Database } from '../services/db';
import { createDialogDeps, type DialogPorts } from '../dialogs/dialogDeps';
import { MainDialog } from '../dialogs/mainDialog';
import type { Logger } from './logger';
import { PrismaStorage } from './prismaStorage';

export interface MciBotOptions {
  db: Database;
  clock: Clock;
  localMode: boolean;
  logger: Logger;
  /** Where conversation and user state live; the database (PrismaStorage) unless given. */
  storage?: Storage;
  /** The outside-world ports; the local ones unless given. */
  ports?: DialogPorts;
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

  constructor(options: MciBotOptions) {
    super();
    const storage = options.storage ?? new PrismaStorage(options.db.prisma);
    this.conversationState = new ConversationState(storage);
    this.userState = new UserState(storage);
    const deps = createDialogDeps({ db: options.db, clock: options.clock, logger: options.logger, localMode: options.localMode, ports: options.ports });
    this.mainDialog = new MainDialog(deps, this.userState);
    this.dialogs = new DialogSet(this.conversationState.createProperty<DialogState>('dialogState'));
    this.dialogs.add(this.mainDialog);

    this.onMessage(async (context, next) => {
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

  /** Runs the turn, then saves conversation and user state (only when the turn succeeded: a failed turn saves nothing). */
  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
    await this.userState.saveChanges(context, false);
  }

  private async runDialogs(context: TurnContext): Promise<void> {
    const dialogContext = await this.dialogs.createContext(context);
    const result = await dialogContext.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dialogContext.beginDialog(this.mainDialog.id);
  }
}
