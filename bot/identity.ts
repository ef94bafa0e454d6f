import type { Activity } from 'botbuilder';

/** The demo admin of partner A: who an activity without an AAD object id acts as, in local mode only. */
export const LOCAL_DEFAULT_AAD_OBJECT_ID = '00000000-0000-0000-0000-00000000a001';

/**
 * The Entra object id of the person behind an activity. Teams always sends it; in local mode
 * (Emulator, Web Chat) an activity without one acts as the demo admin of partner A.
 */
export function callerObjectId(activity: Partial<Activity>, localMode: boolean): string | null {
  const fromActivity = activity.from?.aadObjectId?.trim();
  if (fromActivity) return fromActivity.toLowerCase();
  return localMode ? LOCAL_DEFAULT_AAD_OBJECT_ID : null;
}
