import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { AppServices, ConsentSettings } from '../services';
import type { Caller } from '../services/directory';
import type { Clock } from '../services/shared/clock';
import type { Database } from '../services/db';
import type { EligibilityPorts } from '../services';

/** What every dialog is constructed with: `new SomeDialog(deps)`. Built once by the composition root (bot/). */
export interface DialogDeps {
  /** The domain's facades: the dialogs' only way to data and rules. */
  services: AppServices;
  /** What "today" is for the inputs a dialog shows (the same clock the services read). */
  clock: Clock;
  logger: Logger;
  /** Who sent this turn's activity, resolved once per turn by the bot. */
  callerOf(context: TurnContext): Promise<Caller>;
  /** @deprecated being removed: the dialogs still reaching the database directly (issue 13, in progress). */
  db: Database;
  /** @deprecated being removed with `db`. */
  ports: EligibilityPorts;
  /** @deprecated being removed with `db`. */
  localMode: boolean;
  /** @deprecated being removed with `db`. */
  consent: ConsentSettings;
}
