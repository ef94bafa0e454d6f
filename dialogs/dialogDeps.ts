import type { Logger } from '../bot/logger';
import type { Clock } from '../services/shared/clock';
import type { ConsentSettings } from '../services/consent/consent';
import type { Database } from '../services/db';
import { localEligibilityPorts, type EligibilityPorts } from '../services/nomination/eligibility';

/** The outside-world ports the conversations reach through services (tenant resolver, eligibility source). */
export type DialogPorts = EligibilityPorts;

/** What every dialog is constructed with: `new SomeDialog(deps)`. Dialogs pass these on to services. */
export interface DialogDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  /** True without a MicrosoftAppId (Emulator, tests): see the README's local mode. */
  localMode: boolean;
  ports: DialogPorts;
  /** Where consent links point and the key of their tokens (CONSENT_TOKEN_SECRET, PUBLIC_BASE_URL). */
  consent: ConsentSettings;
}

/** Dialog dependencies with the local ports (directory and eligibility catalog tables) unless others are given. */
export function createDialogDeps(options: Omit<DialogDeps, 'ports'> & { ports?: DialogPorts }): DialogDeps {
  return { ...options, ports: options.ports ?? localEligibilityPorts(options.db.prisma) };
}
