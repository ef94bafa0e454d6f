import type { Role } from '../services/db';
import type { PartnerUserRow, PartnerUsersPage } from '../services/directory/roles';
import template from './users.json';
import { expandCard, type AdaptiveCard } from './render';
import { CONFIRM_REVOKE_ROLE_ACTION, GRANT_ROLE_ACTION, REVOKE_ROLE_ACTION, USERS_ACTION } from './actions';
import { ROLE_LABELS, ROLE_ORDER, rolesText } from './format';


interface Button {
  title: string;
  data: Record<string, string>;
}

export interface UsersCardData {
  partnerName: string;
  page: PartnerUsersPage;
  /** True on a page after the first. */
  continued: boolean;
}

function userRolesText(roles: readonly Role[]): string {
  return rolesText(roles, 'No role: cannot use the bot');
}

function userTitle(user: PartnerUserRow): string {
  return `${user.displayName} · ${user.email}`;
}

/**
 * The users of the admin's partner with their roles, paged. Each user's Grant / Revoke buttons sit one
 * per line behind "Change roles": three side by side are cut short in Teams.
 */
export function usersCard(data: UsersCardData): AdaptiveCard {
  const footer: Button[] = [];
  if (data.page.nextCursor) footer.push({ title: 'Next page', data: { action: USERS_ACTION, cursor: data.page.nextCursor } });
  footer.push({ title: 'Help', data: { action: 'help' } });
  return expandCard(template, {
    title: `${data.partnerName}'s users`,
    intro: `${data.continued ? '(continued) ' : ''}Who can use the bot and with which role. You can also type "grant incentives user to" or "revoke referrals admin from" and the person's email address.`,
    emptyText: 'No more users.',
    rows: data.page.rows.map((user) => ({
      title: userTitle(user),
      subtitle: userRolesText(user.roles),
      buttons: ROLE_ORDER.map((role): Button =>
        user.roles.includes(role)
          ? { title: `Revoke ${ROLE_LABELS[role]}`, data: { action: REVOKE_ROLE_ACTION, email: user.email, role } }
          : { title: `Grant ${ROLE_LABELS[role]}`, data: { action: GRANT_ROLE_ACTION, email: user.email, role } },
      ),
    })),
    footer,
  });
}

/** Asks the admin to confirm a revoke the service has already checked would be allowed. */
export function revokeConfirmCard(data: { user: PartnerUserRow; role: Role; after: readonly Role[] }): AdaptiveCard {
  const label = ROLE_LABELS[data.role];
  return expandCard(template, {
    title: `Revoke ${label}?`,
    intro: `${data.user.displayName} will lose the ${label} role. Roles afterwards: ${userRolesText(data.after)}.`,
    emptyText: '',
    rows: [{ title: userTitle(data.user), subtitle: userRolesText(data.user.roles), buttons: [] }],
    footer: [
      { title: `Revoke ${label}`, data: { action: CONFIRM_REVOKE_ROLE_ACTION, email: data.user.email, role: data.role } },
      { title: 'Keep it', data: { action: USERS_ACTION } },
    ],
  });
}
