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
  | { kind: 'unknown'; aadObjectId: string | null };

export const ROLE_LABELS: Record<Role, string> = {
  INCENTIVES_ADMIN: 'Incentives admin',
  INCENTIVES_USER: 'Incentives user',
  REFERRALS_ADMIN: 'Referrals admin',
};

/** Resolves a Teams user to a partner user (with roles) or a Microsoft field seller. */
export async function findCaller(prisma: PrismaClient, aadObjectId: string | null): Promise<Caller> {
  if (!aadObjectId) return { kind: 'unknown', aadObjectId: null };
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
  return { kind: 'unknown', aadObjectId };
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
