import type { AdaptiveCard } from '../cards/render';
import { welcomeCard } from '../cards/welcome';
import { canViewClaims } from '../services/claims';
import { rolesText } from '../cards/format';
import { canWorkWithClaims, isIncentivesAdmin, type Caller, type Directory, type PartnerCaller } from '../services/directory';
import { CONVERSATION_ACTIONS } from '../cards/actions';
import { questionCard } from '../cards/question';
import { shorten } from '../services/shared';
import { suggestCommand, type FlowVerb } from './commands';
import { DIGEST_COMMAND_HELP } from './digestView';
import { roleCommandsHelp } from './roleCommands';
import { UNDELIVERED_COMMAND_HELP } from './undeliveredView';
import { BULK_ADD_COMMAND_HELP } from './bulkAddView';

export interface CommandHelp {
  command: string;
  description: string;
}

/**
 * The commands that work now, for the welcome card. A flow is listed only when its dialog is
 * registered, so the card never offers something the bot cannot do.
 */
export function availableCommands(flows: ReadonlySet<FlowVerb>): CommandHelp[] {
  const commands: CommandHelp[] = [
    { command: 'help', description: 'Show this card: what I can do and who you are signed in as. Inside a flow: explain the current step.' },
    { command: 'engagements', description: 'The engagements you can work on, with their rules and a button to each Customers page.' },
    {
      command: 'customers <engagement>',
      description: 'The Customers page of an engagement (Eligible, Ineligible, Complete), for example "customers azure migrate".',
    },
  ];
  if (flows.has('addCustomer')) {
    commands.push({ command: 'add customer', description: 'Add a customer new to you to one or more engagements; or in one line: "add bellowscollege.com to azure migrate".' });
  }
  if (flows.has('addCustomer')) commands.push(BULK_ADD_COMMAND_HELP);
  if (flows.has('claimCustomer')) {
    commands.push({ command: 'claim customer', description: 'Claim a customer known to you for an engagement; or in one line: "claim Contoso for azure migrate".' });
  }
  if (flows.has('sendConsent')) {
    commands.push({ command: 'send consent <claim id>', description: 'Send the customer consent email for an added or claimed customer (also a button on the Eligible tab).' });
  }
  if (flows.has('resendConsent')) {
    commands.push({ command: 'resend consent <claim id>', description: 'Remind the customer: re-send the consent email, at most once every 24 hours.' });
  }
  if (flows.has('submitClaim')) {
    commands.push({ command: 'submit claim <claim id>', description: 'Submit a consented claim with its proof of execution (also a button on the Eligible tab).' });
  }
  commands.push(
    { command: 'my claims', description: 'The claims you created, newest first, with the deadline running on each; filter by engagement and status: "my claims security status completed".' },
    { command: 'claims', description: "All your organisation's claims, newest first (Incentives admins also see who created each); filterable like my claims." },
    { command: 'expiring', description: "Your organisation's open claims whose consent or submission deadline falls within a week, soonest first; filterable: \"expiring status consent granted\"." },
    { command: 'summary', description: 'Claims counted by status for each engagement, with the money at stake (deal sizes and proposed payouts of open claims); filterable: "summary copilot".' },
    { command: 'status <claim id>', description: 'The details of one of your claims: status, deadlines, history. Claim ids are on the Customers page and in the claim lists.' },
    DIGEST_COMMAND_HELP,
    { command: 'cancel', description: 'Leave what you are doing; nothing is saved.' },
  );
  if (flows.has('cancelClaim')) {
    commands.push({ command: 'cancel claim <claim id>', description: 'Incentives admins: cancel an open claim for good, with a reason that is recorded (also a button on the claim card).' });
  }
  return commands;
}

/** The message extension and link unfurling, which no command starts: the welcome card says where they are. */
export const SHARE_HINT =
  "In any chat or channel, pick **MCI Engagements** among the compose box's apps to search your organisation's claims and share one as a card; a pasted claim link shows the claim's card too.";

/** A colleague of the admin to name in the role examples: another user of the same partner, or the admin. */
async function colleagueEmail(directory: Directory, caller: PartnerCaller): Promise<string> {
  const users = await directory.listUsers(caller, { pageSize: 5 });
  return (users.rows.find((row) => row.userId !== caller.userId) ?? users.rows[0])?.email ?? 'name@yourcompany.com';
}

/** The welcome card for a caller: who they are, their partner and roles, and the commands that work. */
export async function welcomeFor(directory: Directory, caller: Caller, flows: ReadonlySet<FlowVerb>): Promise<AdaptiveCard> {
  const buttons = [{ title: 'Help', action: 'help' }];
  if (caller.kind === 'partnerUser') {
    const canWork = canWorkWithClaims(caller);
    const greeting = canWork
      ? `Hello ${caller.displayName}. I bring Partner Center's Customers page for MCI engagements into Teams, and tell you when something happens to your claims. ${SHARE_HINT}`
      : `Hello ${caller.displayName}. ${await directory.accessRefusal(caller)}`;
    return welcomeCard({
      greeting,
      showIdentity: true,
      partnerName: caller.partnerName,
      roles: rolesText(caller.roles),
      commands: canWork
        ? [...availableCommands(flows), ...(isIncentivesAdmin(caller) ? [...roleCommandsHelp(await colleagueEmail(directory, caller)), UNDELIVERED_COMMAND_HELP] : [])]
        : availableCommands(new Set()).filter((c) => c.command === 'help' || (canViewClaims(caller.roles) && c.command === 'status <claim id>')),
      buttons: canWork
        ? [...buttons, { title: 'Engagements', action: 'engagements' }, { title: 'My claims', action: 'myClaims' }, { title: 'Expiring', action: 'expiring' }, { title: 'Summary', action: 'summary' }, ...(isIncentivesAdmin(caller) ? [{ title: 'Users', action: 'users' }] : [])]
        : buttons,
    });
  }
  return welcomeCard({
    greeting: `${caller.kind === 'seller' ? `Hello ${caller.displayName}. ` : ''}${await directory.accessRefusal(caller)}`,
    showIdentity: false,
    partnerName: '',
    roles: '',
    commands: availableCommands(new Set()).filter((c) => c.command === 'help'),
    buttons,
  });
}

/**
 * The answer to a line that is no command: "Did you mean `engagements`?" with a button when one is
 * close, else a short card pointing at help — never the whole welcome card.
 */
export function unknownCommandCard(text: string, caller: Caller): AdaptiveCard {
  const typed = shorten(text, 60);
  const suggestion = suggestCommand(text);
  const canWork = caller.kind === 'partnerUser' && canWorkWithClaims(caller);
  if (suggestion) {
    return questionCard({
      title: `I don't know "${typed}". Did you mean "${shorten(suggestion, 60)}"?`,
      text: '',
      buttons: [
        { title: shorten(suggestion, 40), style: 'positive', data: { action: CONVERSATION_ACTIONS.runCommand, command: suggestion } },
        { title: 'Help', style: 'default', data: { action: 'help' } },
      ],
    });
  }
  return questionCard({
    title: `I don't know "${typed}".`,
    text: canWork
      ? 'Type **help** for everything I can do, or start here:'
      : 'Type **help** to see what I can do.',
    buttons: [
      { title: 'Help', style: 'default', data: { action: 'help' } },
      ...(canWork
        ? [
            { title: 'Engagements', style: 'default' as const, data: { action: 'engagements' } },
            { title: 'My claims', style: 'default' as const, data: { action: 'myClaims' } },
          ]
        : []),
    ],
  });
}
