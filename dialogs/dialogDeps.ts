import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { AppServices } from '../services';
import type { Caller } from '../services/directory';
import type { Clock } from '../services/shared';

/** What every dialog is constructed with: `new SomeDialog(deps)`. Built once by the composition root (bot/). */
export interface DialogDeps {
  /** The domain's facades: the dialogs' only way to data and rules. */
  services: AppServices;
  /** What "today" is for the inputs a dialog shows (the same clock the services read). */
  clock: Clock;
  logger: Logger;
  /** Who sent this turn's activity, resolved once per turn by the bot. */
  callerOf(context: TurnContext): Promise<Caller>;
}
