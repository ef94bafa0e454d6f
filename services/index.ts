import { createBulkAdd } from './bulkAdd';
import { createClaims } from './claims';
import { createConsent } from './consent';
import { createCustomersPage } from './customersPage';
import { createDigest } from './digest';
import { createDirectory } from './directory';
import { createNomination } from './nomination';
import { createOutbox } from './outbox';
import { createReferrals } from './referrals';
import type { ServiceContext } from './shared/context';

export type { ConsentSettings, EligibilityPorts, ServiceContext } from './shared/context';

/**
 * Every module's facade, built once by the composition root (bot/app.ts) from the database, the
 * clock, the ports and the settings, and handed to the dialogs: their only way to the domain.
 */
export function createAppServices(context: ServiceContext) {
  const nomination = createNomination(context);
  return {
    directory: createDirectory(context),
    nomination,
    bulkAdd: createBulkAdd(context, nomination),
    claims: createClaims(context),
    consent: createConsent(context),
    customersPage: createCustomersPage(context),
    referrals: createReferrals(context),
    outbox: createOutbox(context),
    digest: createDigest(context),
  };
}

export type AppServices = ReturnType<typeof createAppServices>;
