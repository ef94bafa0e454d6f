import type { Activity } from 'botbuilder';
import { z } from 'zod';

/** The demo admin of partner A: who an activity without an AAD object id acts as, in local mode only. */
export const LOCAL_DEFAULT_AAD_OBJECT_ID = '00000000-0000-0000-0000-00000000a001';

/** Where a turn keeps its caller (services/directory/callers.ts findCaller), so it is looked up once per turn. */
export const CALLER_KEY = Symbol('mci.caller');

/**
 * The Entra object id of the person behind an activity. Teams always sends it; in local mode
 * (Emulator, Web Chat) an activity without one acts as the demo admin of partner A.
 */
export function callerObjectId(activity: Partial<Activity>, localMode: boolean): string | null {
  const fromActivity = activity.from?.aadObjectId?.trim();
  if (fromActivity) return fromActivity.toLowerCase();
  return localMode ? LOCAL_DEFAULT_AAD_OBJECT_ID : null;
}

const channelDataTenant = z.object({ tenant: z.object({ id: z.string().trim().min(1).max(100) }) });

/**
 * The Entra tenant an activity came from: Teams puts it in `conversation.tenantId` and
 * `channelData.tenant.id`. Null when neither carries one (the Emulator, Web Chat).
 */
export function callerTenantId(activity: Partial<Activity>): string | null {
  const fromConversation = activity.conversation?.tenantId?.trim();
  if (fromConversation) return fromConversation.toLowerCase();
  const parsed = channelDataTenant.safeParse(activity.channelData);
  return parsed.success ? parsed.data.tenant.id.toLowerCase() : null;
}
