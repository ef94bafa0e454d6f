import type { PrismaClient, Role } from './db';

/** Who is talking to the bot, resolved from their Teams (Entra) identity. */
export type Caller =
  | {
      kind: 'partnerUser';
      userId: string;
      partnerId: string;
      partnerName: string;
      displayName: string;
      email: string;
      roles: Role[];
    }
  | { kind: 'seller'; sellerId: string; displayName: string; email: string }
  | {
      kind: 'unknown';
      aadObjectId: string | null;
      /** The partner whose Entra tenant the activity came from, when it is one we know: whose admins to ask. */
      partner: { id: string; name: string } | null;
    };

/** A caller who is a user of a partner. */
export type PartnerCaller = Extract<Caller, { kind: 'partnerUser' }>;

export const ROLE_LABELS: Record<Role, string> = {
  INCENTIVES_ADMIN: 'Incentives admin',
  INCENTIVES_USER: 'Incentives user',
  REFERRALS_ADMIN: 'Referrals admin',
};

/**
 * Resolves a Teams user to a partner user (with roles) or a Microsoft field seller. Someone we do
 * not know is matched to a partner by the tenant the activity came from, if given, so they can be
 * told whom to ask; that never gives them access.
 */
export async function findCaller(prisma: PrismaClient, aadObjectId: string | null, tenantId: string | null = null): Promise<Caller> {
  if (!aadObjectId) return { kind: 'unknown', aadObjectId: null, partner: await partnerOfTenant(prisma, tenantId) };
  const user = await prisma.partnerUser.findUnique({
    where: { aadObjectId },
    include: { roles: { select: { role: true } }, partner: { select: { name: true } } },
  });
  if (user) {
    return {
      kind: 'partnerUser',
      userId: user.id,
      partnerId: user.partnerId,
      partnerName: user.partner.name,
      displayName: user.displayName,
      email: user.email,
      roles: user.roles.map((r) => r.role).sort(),
    };
  }
  const seller = await prisma.seller.findUnique({ where: { aadObjectId } });
  if (seller) return { kind: 'seller', sellerId: seller.id, displayName: seller.displayName, email: seller.email };
  return { kind: 'unknown', aadObjectId, partner: await partnerOfTenant(prisma, tenantId) };
}

async function partnerOfTenant(prisma: PrismaClient, tenantId: string | null): Promise<{ id: string; name: string } | null> {
  if (!tenantId) return null;
  return prisma.partner.findUnique({ where: { tenantId: tenantId.toLowerCase() }, select: { id: true, name: true } });
}

/** Incentives users and admins may work with claims; Referrals admin alone does not. */
export function canWorkWithClaims(caller: Caller): boolean {
  return caller.kind === 'partnerUser' && caller.roles.some((r) => r === 'INCENTIVES_ADMIN' || r === 'INCENTIVES_USER');
}

/** The Incentives admins of a partner: who a user without a role can ask for access. */
export async function partnerAdmins(prisma: PrismaClient, partnerId: string): Promise<{ displayName: string; email: string }[]> {
  return prisma.partnerUser.findMany({
    where: { partnerId, roles: { some: { role: 'INCENTIVES_ADMIN' } } },
    select: { displayName: true, email: true },
    orderBy: { displayName: 'asc' },
  });
}
