import type { TurnContext } from 'botbuilder';
import { digestSettingsCard } from '../cards/digest';
import type { PartnerCaller } from '../services/directory';
import type { DialogDeps } from './dialogDeps';
import { sendCard } from './replies';

/** The help entry of `digest`, on the welcome card of Incentives users and admins. */
export const DIGEST_COMMAND_HELP = {
  command: 'digest <time>',
  description:
    'One card a day at your local time (08:00 unless you choose): consents awaiting an answer, deadlines of the next 7 days, rejected claims to resubmit, referrals upgraded to co-sell; nothing on a quiet day. Choose the time with "digest 8:00", stop it with "digest off".',
} as const;

/**
 * Answers `digest`, `digest 8:00`, `digest off`, `digest on`: the service reads what was typed and
 * refuses anything else with what to type (a NotAllowedError the main dialog says as it is).
 */
export async function answerDigest(deps: DialogDeps, context: TurnContext, caller: PartnerCaller, setting: string): Promise<void> {
  const result = setting === '' ? await deps.services.digest.setting(caller) : await deps.services.digest.change(caller, setting);
  await sendCard(context, digestSettingsCard(result));
}
