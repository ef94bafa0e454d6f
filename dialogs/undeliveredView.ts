import type { TurnContext } from 'botbuilder';
import { undeliveredMessagesCard } from '../cards/undeliveredMessages';
import type { Caller } from '../services/directory';
import type { DialogDeps } from './dialogDeps';
import { sendCard } from './replies';

/** The help entry of `undelivered`, on an Incentives admin's welcome card. */
export const UNDELIVERED_COMMAND_HELP = {
  command: 'undelivered',
  description: 'Emails and Teams messages of your organisation that could not be delivered after the last try, with why (also "failed messages").',
} as const;

/**
 * Answers `undelivered` (and its "Next page"). The service refuses anyone but an Incentives admin
 * with a NotAllowedError, said to the user by the main dialog, and scopes the rows to their partner.
 */
export async function answerUndelivered(deps: DialogDeps, context: TurnContext, caller: Caller, cursor: string | null, pageSize?: number): Promise<void> {
  const page = await deps.services.outbox.undelivered(caller, { cursor, ...(pageSize ? { pageSize } : {}) });
  await sendCard(context, undeliveredMessagesCard({ page, continued: cursor !== null }));
}
