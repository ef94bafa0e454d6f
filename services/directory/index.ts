import type { Role } from '../db';

export type { Role } from '../db';
import type { ServiceContext } from '../shared/context';
import { accessRefusal } from './access';
import { CallerCache, type CallerCacheOptions } from './callerCache';
import { findCaller, registerPartnerUser, type Caller, type Newcomer } from './callers';
import { partnerEngagements } from './engagements';
import { grantRole, listPartnerUsers, previewRevoke, revokeRole } from './roles';

export { canWorkWithClaims, hasClaimRole, hasIncentivesAdminRole, emailSchema } from './callers';
export { CALLER_CACHE_MS } from './callerCache';
export type { CallerCacheOptions } from './callerCache';
export type { Caller, PartnerCaller, Newcomer, Registration } from './callers';
export { matchEngagement } from './engagements';
export type { EngagementMatch, EngagementSummary } from './engagements';
export { isIncentivesAdmin, parseRole, requireIncentivesAdmin, roleSchema, ROLES, USERS_PAGE_SIZE } from './roles';
export type { PartnerUserRow, PartnerUsersPage, RoleChange } from './roles';

/**
 * Who is who: callers, roles, the partner's engagements, and what someone without a role is told.
 * The caller of a turn is reused for a few seconds (callerCache.ts); every role or user change made
 * here clears that cache, and `currentCaller`, which flows check before they act, never uses it.
 */
export function createDirectory({ db, clock, callerCache }: Pick<ServiceContext, 'db' | 'clock'> & { callerCache?: CallerCacheOptions }) {
  const callers = new CallerCache(callerCache);
  /** The change, then nobody's cached caller: the next turn of anyone reads the roles as they are now. */
  const changing = async <T>(change: Promise<T>): Promise<T> => {
    try {
      return await change;
    } finally {
      callers.clear();
    }
  };
  return {
    /** The caller behind a Teams identity (AAD object id, and the tenant it wrote from), as resolved at most a few seconds ago. */
    findCaller: (aadObjectId: string | null, tenantId: string | null = null) => callers.resolve(aadObjectId, tenantId, () => findCaller(db.prisma, aadObjectId, tenantId)),
    /** A partner user as they are now (roles may have changed since a flow started): never cached. */
    async currentCaller(userId: string): Promise<Caller> {
      const user = await db.prisma.partnerUser.findUnique({ where: { id: userId }, select: { aadObjectId: true } });
      return findCaller(db.prisma, user?.aadObjectId ?? null);
    },
    /** The refusal for someone without a claim role, naming who can grant one. */
    accessRefusal: (caller: Caller) => accessRefusal(db.prisma, caller),
    registerPartnerUser: (newcomer: Newcomer) => changing(registerPartnerUser(db, clock, newcomer)),
    /** The engagements the caller's partner's locations are enrolled for. */
    partnerEngagements: (caller: { partnerId: string }) => partnerEngagements(db, caller.partnerId),
    listUsers: (caller: Caller, request: { cursor?: string | null; pageSize?: number } = {}) => listPartnerUsers(db, caller, request),
    grantRole: (caller: Caller, request: { email: string; role: Role }) => changing(grantRole(db, clock, caller, request)),
    revokeRole: (caller: Caller, request: { email: string; role: Role }) => changing(revokeRole(db, clock, caller, request)),
    previewRevoke: (caller: Caller, request: { email: string; role: Role }) => previewRevoke(db, caller, request),
  };
}

export type Directory = ReturnType<typeof createDirectory>;
