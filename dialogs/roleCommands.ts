import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { revokeConfirmCard, usersCard } from '../cards/users';
import { ROLE_LABELS, rolesText } from '../cards/format';
import { parseRole, requireIncentivesAdmin, roleSchema, type Caller, type Role } from '../services/directory';
import { cleanText, cleanTextSchema, NotAllowedError, shorten } from '../services/shared';
import type { DialogDeps } from './dialogDeps';
import { sendCard } from './replies';
import { CONFIRM_REVOKE_ROLE_ACTION, GRANT_ROLE_ACTION, REVOKE_ROLE_ACTION, USERS_ACTION } from '../cards/actions';

/**
 * Role management by Incentives admins: `users`, `grant <role> to <email>`, `revoke <role> from
 * <email>` (confirmed with a button), and the same as card buttons. Every rule is in services/directory/roles.ts.
 */
export type RoleRoute =
  | { kind: 'users'; cursor: string | null }
  | { kind: 'roleChange'; change: 'grant' | 'revoke' | 'confirmRevoke'; role: string; email: string };

/**
 * The role commands on an Incentives admin's welcome card, their examples naming a colleague of
 * the admin's own organisation (never a person of another partner).
 */
export function roleCommandsHelp(colleagueEmail: string): { command: string; description: string }[] {
  return [
    { command: 'users', description: "Your organisation's users and their roles, with Grant and Revoke buttons." },
    { command: 'grant <role> to <email>', description: `Give a user a role, for example "grant referrals admin to ${colleagueEmail}".` },
    { command: 'revoke <role> from <email>', description: `Take a role away (after a confirm), for example "revoke incentives user from ${colleagueEmail}".` },
  ];
}

const email = cleanTextSchema.pipe(z.string().trim().min(1).max(320));

const roleCardSchemas = {
  [USERS_ACTION]: z.object({ cursor: z.string().trim().max(2000).optional() }),
  [GRANT_ROLE_ACTION]: z.object({ email, role: roleSchema }),
  [REVOKE_ROLE_ACTION]: z.object({ email, role: roleSchema }),
  [CONFIRM_REVOKE_ROLE_ACTION]: z.object({ email, role: roleSchema }),
} as const;

const CHANGES = { [GRANT_ROLE_ACTION]: 'grant', [REVOKE_ROLE_ACTION]: 'revoke', [CONFIRM_REVOKE_ROLE_ACTION]: 'confirmRevoke' } as const;

export function isRoleCardVerb(verb: string): verb is keyof typeof roleCardSchemas {
  return Object.hasOwn(roleCardSchemas, verb);
}

/** A role card button's route, or null when its data does not pass its schema. */
export function routeRoleCard(verb: keyof typeof roleCardSchemas, value: unknown): RoleRoute | null {
  if (verb === USERS_ACTION) {
    const parsed = roleCardSchemas[USERS_ACTION].safeParse(value);
    return parsed.success ? { kind: 'users', cursor: parsed.data.cursor ?? null } : null;
  }
  const parsed = roleCardSchemas[verb].safeParse(value);
  return parsed.success ? { kind: 'roleChange', change: CHANGES[verb], role: parsed.data.role, email: parsed.data.email } : null;
}

/** A typed role command, or null if the line is not one. */
export function routeRoleText(typed: string): RoleRoute | null {
  // One space between words, as routeMessage gives it: the `\s+` of the patterns then never meet a long run.
  const line = cleanText(typed).replace(/\s+/g, ' ').trim();
  if (/^(?:users|list\s+users|who\s+has\s+access\??)$/i.test(line)) return { kind: 'users', cursor: null };
  const grant = /^grant\s+(.+?)\s+to\s+(\S+)$/i.exec(line);
  if (grant) return { kind: 'roleChange', change: 'grant', role: grant[1] ?? '', email: grant[2] ?? '' };
  const revoke = /^revoke\s+(.+?)\s+from\s+(\S+)$/i.exec(line);
  if (revoke) return { kind: 'roleChange', change: 'revoke', role: revoke[1] ?? '', email: revoke[2] ?? '' };
  return null;
}

function roleOf(text: string): Role {
  const role = parseRole(text);
  if (!role) {
    throw new NotAllowedError(`"${shorten(text)}" is not a role. The roles are ${Object.values(ROLE_LABELS).join(', ')}; for example "grant referrals admin to alex.wilber@fabrikamconsulting.com".`);
  }
  return role;
}

/** Answers a role route. A refusal is a NotAllowedError, said to the user by the main dialog. */
export async function answerRoles(deps: DialogDeps, context: TurnContext, caller: Caller, route: RoleRoute): Promise<void> {
  const admin = requireIncentivesAdmin(caller);
  if (route.kind === 'users') {
    const page = await deps.services.directory.listUsers(admin, { cursor: route.cursor });
    await sendCard(context, usersCard({ partnerName: admin.partnerName, page, continued: route.cursor !== null }));
    return;
  }
  const role = roleOf(route.role);
  const label = ROLE_LABELS[role];
  if (route.change === 'revoke') {
    const preview = await deps.services.directory.previewRevoke(admin, { email: route.email, role });
    if (!preview.changed) {
      await context.sendActivity(`${preview.user.displayName} (${preview.user.email}) does not have the ${label} role, so there is nothing to revoke.`);
      return;
    }
    await sendCard(context, revokeConfirmCard(preview));
    return;
  }
  const change = route.change === 'grant'
    ? await deps.services.directory.grantRole(admin, { email: route.email, role })
    : await deps.services.directory.revokeRole(admin, { email: route.email, role });
  const who = `${change.user.displayName} (${change.user.email})`;
  if (!change.changed) {
    await context.sendActivity(route.change === 'grant' ? `${who} already has the ${label} role; nothing changed.` : `${who} no longer has the ${label} role; nothing changed.`);
    return;
  }
  const done = route.change === 'grant' ? `Granted ${label} to ${who}.` : `Revoked ${label} from ${who}.`;
  await context.sendActivity(`${done} Their roles now: ${rolesText(change.after)}. Type **users** to see everyone.`);
}
