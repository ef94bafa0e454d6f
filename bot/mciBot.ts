import { CardFactory, MessageFactory, TeamsActivityHandler, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { welcomeCard } from '../cards/welcome';
import type { AdaptiveCard } from '../cards/render';
import type { Database } from '../services/db';
import { findCaller, partnerAdmins, ROLE_LABELS, type Caller } from '../services/directory';
import { callerObjectId } from './identity';
import type { Logger } from './logger';

const CardSubmission = z.object({ action: z.string().min(1) });

/** The commands the bot answers today, as shown on the welcome card. */
const COMMANDS = [{ command: 'help', description: 'Show this card: what I can do and who you are signed in as.' }];

export interface MciBotOptions {
  db: Database;
  localMode: boolean;
  logger: Logger;
}

/** The Teams activity handler: resolves who is talking and answers them. */
export class MciBot extends TeamsActivityHandler {
  constructor(private readonly options: MciBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const joined = (context.activity.membersAdded ?? []).filter((member) => member.id !== botId);
      if (joined.length > 0) await this.sendWelcome(context, await this.caller(context));
      await next();
    });
  }

  private async caller(context: TurnContext): Promise<Caller> {
    return findCaller(this.options.db.prisma, callerObjectId(context.activity, this.options.localMode));
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const caller = await this.caller(context);
    const verb = this.verbOf(context);
    if (verb === 'help' || verb === '') {
      await this.sendWelcome(context, caller);
      return;
    }
    await context.sendActivity(`I don't know "${verb}" yet. Here is what I can do:`);
    await this.sendWelcome(context, caller);
  }

  /** The command a message carries: a card's `data.action`, or the typed text. */
  private verbOf(context: TurnContext): string {
    const submission = CardSubmission.safeParse(context.activity.value);
    if (submission.success) return submission.data.action.trim().toLowerCase();
    return (context.activity.text ?? '').trim().toLowerCase();
  }

  private async sendWelcome(context: TurnContext, caller: Caller): Promise<void> {
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await this.welcomeFor(caller))));
  }

  private async welcomeFor(caller: Caller): Promise<AdaptiveCard> {
    const buttons = [{ title: 'Help', action: 'help' }];
    if (caller.kind === 'partnerUser') {
      const hasRole = caller.roles.length > 0;
      const greeting = hasRole
        ? `Hello ${caller.displayName}. I bring Partner Center's Customers page for MCI engagements into Teams, and tell you when something happens to your claims.`
        : `Hello ${caller.displayName}. You have no incentives role yet, so you cannot work with claims. ${await this.whoCanGrant(caller.partnerId)}`;
      return welcomeCard({
        greeting,
        showIdentity: true,
        partnerName: caller.partnerName,
        roles: hasRole ? caller.roles.map((role) => ROLE_LABELS[role]).join(', ') : 'none',
        commands: COMMANDS,
        buttons,
      });
    }
    if (caller.kind === 'seller') {
      return welcomeCard({
        greeting: `Hello ${caller.displayName}. As a Microsoft field seller you will hear from me when a partner's claim for a customer you cover is upgraded to co-sell.`,
        showIdentity: false,
        partnerName: '',
        roles: '',
        commands: COMMANDS,
        buttons,
      });
    }
    return welcomeCard({
      greeting:
        "I don't know you yet, so you cannot work with claims. Ask an Incentives admin of your organisation to give you the Incentives user or Incentives admin role.",
      showIdentity: false,
      partnerName: '',
      roles: '',
      commands: COMMANDS,
      buttons,
    });
  }

  private async whoCanGrant(partnerId: string): Promise<string> {
    const admins = await partnerAdmins(this.options.db.prisma, partnerId);
    if (admins.length === 0) return 'Ask an Incentives admin of your organisation to grant you a role.';
    return `Ask an Incentives admin to grant you a role: ${admins.map((a) => `${a.displayName} (${a.email})`).join(', ')}.`;
  }
}
