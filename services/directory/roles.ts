import { z } from 'zod';
import { writeAudit, type Actor } from '../outbox/audit';
import type { Clock } from '../shared/clock';
import type { Database, Role, Tx } from '../db';
import { emailSchema, hasIncentivesAdminRole, ROLE_LABELS, type Caller, type PartnerCaller } from './callers';
import { NotAllowedError } from '../shared/errors';
import { shorten } from '../shared/text';
import { clampPageSize, decodePageCursor, encodePageCursor } from '../shared/pageCursor';

/**
 * Who has which role in a partner, managed by its Incentives admins. Every rule is checked here,
 * scoped to the caller's partner: a user of another partner is simply not found.
 *
 * Decisions:
 * - Roles are given only to people already known as users of the partner (provisioned from the
 *   partner's Entra tenant, the demo data locally). An unknown email is refused with a message; no
 *   pending user is created, so a typo never becomes a phantom account with a role.
 * - An Incentives admin may give up their own Incentives admin role only while another Incentives
 *   admin remains: a partner is never left without one (which also keeps the last admin from
 *   revoking their own role). Role changes of one partner are serialised by a row lock on the
 *   partner, so two admins revoking each other at once cannot both succeed.
 */

export const ROLES: readonly Role[] = ['INCENTIVES_ADMIN', 'INCENTIVES_USER', 'REFERRALS_ADMIN'];

export const USERS_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 50;

export interface PartnerUserRow {
  userId: string;
  displayName: string;
  email: string;
  roles: Role[];
}

export interface PartnerUsersPage {
  rows: PartnerUserRow[];
  nextCursor: string | null;
}

export interface RoleChange {
  user: PartnerUserRow;
  role: Role;
  /** False when the user already had (grant) or did not have (revoke) the role: nothing was written. */
  changed: boolean;
  before: Role[];
  after: Role[];
}

const ROLE_NAMES: Record<string, Role> = {
  'incentives admin': 'INCENTIVES_ADMIN',
  'incentive admin': 'INCENTIVES_ADMIN',
  'incentives administrator': 'INCENTIVES_ADMIN',
  'incentives user': 'INCENTIVES_USER',
  'incentive user': 'INCENTIVES_USER',
  'referrals admin': 'REFERRALS_ADMIN',
  'referral admin': 'REFERRALS_ADMIN',
  'referrals administrator': 'REFERRALS_ADMIN',
};

/** A role from what someone typed: "incentives admin", "Incentives-User", "REFERRALS_ADMIN"…; null if none. */
export function parseRole(text: string): Role | null {
  const key = text.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
  return ROLE_NAMES[key] ?? null;
}

export const roleSchema = z.enum(['INCENTIVES_ADMIN', 'INCENTIVES_USER', 'REFERRALS_ADMIN']);

export function isIncentivesAdmin(caller: Caller): caller is PartnerCaller {
  return caller.kind === 'partnerUser' && hasIncentivesAdminRole(caller.roles);
}

/** Refuses anyone but an Incentives admin of a partner. */
export function requireIncentivesAdmin(caller: Caller): PartnerCaller {
  if (isIncentivesAdmin(caller)) return caller;
  throw new NotAllowedError('Only an Incentives admin of your organisation can see its users and grant or revoke roles.');
}

const cursorSchema = z.object({ t: z.literal('U'), k: z.string().min(1).max(320) });

function encodeCursor(email: string): string {
  return encodePageCursor({ t: 'U', k: email });
}

function decodeCursor(cursor: string | null | undefined): string | null {
  return decodePageCursor(cursorSchema, cursor, 'That page link is not valid any more; type **users** to see the list again.')?.k ?? null;
}

function sortRoles(roles: readonly Role[]): Role[] {
  return ROLES.filter((role) => roles.includes(role));
}

/** The users of the caller's partner with their roles, by email, keyset-paged. Incentives admins only. */
export async function listPartnerUsers(db: Database, caller: Caller, request: { cursor?: string | null; pageSize?: number } = {}): Promise<PartnerUsersPage> {
  const admin = requireIncentivesAdmin(caller);
  const after = decodeCursor(request.cursor);
  const size = clampPageSize(request.pageSize, { default: USERS_PAGE_SIZE, max: MAX_PAGE_SIZE });
  const users = await db.prisma.partnerUser.findMany({
    where: { partnerId: admin.partnerId, ...(after ? { email: { gt: after } } : {}) },
    select: { id: true, displayName: true, email: true, roles: { select: { role: true } } },
    orderBy: { email: 'asc' },
    take: size + 1,
  });
  const page = users.slice(0, size);
  const last = page.at(-1);
  return {
    rows: page.map((u) => ({ userId: u.id, displayName: u.displayName, email: u.email, roles: sortRoles(u.roles.map((r) => r.role)) })),
    nextCursor: users.length > size && last ? encodeCursor(last.email) : null,
  };
}

/** Gives a user of the caller's partner a role. Incentives admins only; audited. */
export async function grantRole(db: Database, clock: Clock, caller: Caller, request: { email: string; role: Role }): Promise<RoleChange> {
  return changeRole(db, clock, caller, request, 'grant');
}

/** Takes a role away from a user of the caller's partner, never the partner's last Incentives admin role. Audited. */
export async function revokeRole(db: Database, clock: Clock, caller: Caller, request: { email: string; role: Role }): Promise<RoleChange> {
  return changeRole(db, clock, caller, request, 'revoke');
}

/**
 * Checks a revoke as `revokeRole` would, without changing anything: what the confirm step shows.
 * Throws the same NotAllowedError the revoke would.
 */
export async function previewRevoke(db: Database, caller: Caller, request: { email: string; role: Role }): Promise<RoleChange> {
  const admin = requireIncentivesAdmin(caller);
  return db.prisma.$transaction(async (tx) => {
    const user = await findPartnerUser(tx, admin, request.email);
    const before = user.roles;
    if (!before.includes(request.role)) return { user, role: request.role, changed: false, before, after: before };
    await refuseLastAdmin(tx, admin, user, request.role);
    return { user, role: request.role, changed: true, before, after: before.filter((role) => role !== request.role) };
  });
}

async function changeRole(db: Database, clock: Clock, caller: Caller, request: { email: string; role: Role }, kind: 'grant' | 'revoke'): Promise<RoleChange> {
  const admin = requireIncentivesAdmin(caller);
  return db.prisma.$transaction(async (tx) => {
    // One role change per partner at a time: the last-admin check below must see every other change.
    await tx.$queryRaw`SELECT "id" FROM "Partner" WHERE "id" = ${admin.partnerId} FOR UPDATE`;
    const stillAdmin = await tx.userRole.count({ where: { userId: admin.userId, role: 'INCENTIVES_ADMIN', user: { partnerId: admin.partnerId } } });
    if (stillAdmin === 0) throw new NotAllowedError('You are no longer an Incentives admin of your organisation, so nothing was changed.');
    const user = await findPartnerUser(tx, admin, request.email);
    const before = user.roles;
    const has = before.includes(request.role);
    if ((kind === 'grant' && has) || (kind === 'revoke' && !has)) {
      return { user, role: request.role, changed: false, before, after: before };
    }
    const now = clock.now();
    if (kind === 'grant') {
      await tx.userRole.create({ data: { userId: user.userId, role: request.role, grantedAt: now } });
    } else {
      await refuseLastAdmin(tx, admin, user, request.role);
      await tx.userRole.delete({ where: { userId_role: { userId: user.userId, role: request.role } } });
    }
    const after = kind === 'grant' ? sortRoles([...before, request.role]) : before.filter((role) => role !== request.role);
    const actor: Actor = { kind: 'USER', id: admin.userId };
    await writeAudit(tx, {
      partnerId: admin.partnerId,
      actor,
      action: kind === 'grant' ? 'role.granted' : 'role.revoked',
      before: { userId: user.userId, email: user.email, roles: before },
      after: { userId: user.userId, email: user.email, roles: after },
      at: now,
    });
    return { user: { ...user, roles: after }, role: request.role, changed: true, before, after };
  });
}

function parseEmail(raw: string): string {
  const parsed = emailSchema.safeParse(raw);
  if (!parsed.success) throw new NotAllowedError(`"${shorten(raw)}" is not an email address. Give the person's work email or UPN, for example "grant incentives user to alex@contoso.com".`);
  return parsed.data;
}

/** A user of the admin's own partner by email (case-insensitive); any other partner's user is "not found". */
async function findPartnerUser(tx: Tx, admin: PartnerCaller, rawEmail: string): Promise<PartnerUserRow> {
  const email = parseEmail(rawEmail);
  const user = await tx.partnerUser.findFirst({
    where: { partnerId: admin.partnerId, email: { equals: email, mode: 'insensitive' } },
    select: { id: true, displayName: true, email: true, roles: { select: { role: true } } },
  });
  if (!user) {
    throw new NotAllowedError(
      `${email} was not found among your organisation's users, so nothing was changed. Roles can be given only to people of ${admin.partnerName} the bot already knows; type **users** to see them.`,
    );
  }
  return { userId: user.id, displayName: user.displayName, email: user.email, roles: sortRoles(user.roles.map((r) => r.role)) };
}

async function refuseLastAdmin(tx: Tx, admin: PartnerCaller, user: PartnerUserRow, role: Role): Promise<void> {
  if (role !== 'INCENTIVES_ADMIN') return;
  const others = await tx.userRole.count({ where: { role: 'INCENTIVES_ADMIN', userId: { not: user.userId }, user: { partnerId: admin.partnerId } } });
  if (others > 0) return;
  const label = ROLE_LABELS.INCENTIVES_ADMIN;
  throw new NotAllowedError(
    user.userId === admin.userId
      ? `You are the only ${label} of ${admin.partnerName}, so you cannot give up that role: grant it to someone else first. Nothing was changed.`
      : `${user.displayName} is the only ${label} of ${admin.partnerName}; the organisation needs at least one. Nothing was changed.`,
  );
}
