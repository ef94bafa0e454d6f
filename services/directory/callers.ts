import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { systemActor, writeAudit } from '../outbox/audit';
import type { Clock } from '../shared/clock';
import { Prisma, type Database, type PrismaClient, type Role, type Tx } from '../db';

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
  const user = await partnerUserByObjectId(prisma, aadObjectId);
  if (user) return { kind: 'partnerUser', ...user };
  const seller = await prisma.seller.findUnique({ where: { aadObjectId } });
  if (seller) return { kind: 'seller', sellerId: seller.id, displayName: seller.displayName, email: seller.email };
  return { kind: 'unknown', aadObjectId, partner: await partnerOfTenant(prisma, tenantId) };
}

const partnerUserRow = z.object({
  userId: z.string(),
  partnerId: z.string(),
  partnerName: z.string(),
  displayName: z.string(),
  email: z.string(),
  roles: z.array(z.enum(['INCENTIVES_ADMIN', 'INCENTIVES_USER', 'REFERRALS_ADMIN'])),
});

/**
 * The partner user with their roles and partner's name, in one statement: it runs on most turns,
 * and Prisma's `include` made it three queries.
 */
async function partnerUserByObjectId(prisma: PrismaClient, aadObjectId: string): Promise<Omit<PartnerCaller, 'kind'> | null> {
  const rows = await prisma.$queryRaw<unknown[]>`
    SELECT u."id" AS "userId", u."partnerId", p."name" AS "partnerName", u."displayName", u."email",
           COALESCE(array_agg(r."role"::text) FILTER (WHERE r."role" IS NOT NULL), '{}') AS "roles"
    FROM "PartnerUser" u
    JOIN "Partner" p ON p."id" = u."partnerId"
    LEFT JOIN "UserRole" r ON r."userId" = u."id"
    WHERE u."aadObjectId" = ${aadObjectId}
    GROUP BY u."id", p."name"`;
  if (rows.length === 0) return null;
  const row = partnerUserRow.parse(rows[0]);
  return { ...row, roles: row.roles.sort() };
}

async function partnerOfTenant(prisma: PrismaClient, tenantId: string | null): Promise<{ id: string; name: string } | null> {
  if (!tenantId) return null;
  return prisma.partner.findUnique({ where: { tenantId: tenantId.toLowerCase() }, select: { id: true, name: true } });
}

/** Incentives users and admins may work with claims; Referrals admin alone does not. */
export function hasClaimRole(roles: readonly Role[]): boolean {
  return roles.some((r) => r === 'INCENTIVES_ADMIN' || r === 'INCENTIVES_USER');
}

export function hasIncentivesAdminRole(roles: readonly Role[]): boolean {
  return roles.includes('INCENTIVES_ADMIN');
}

export function canWorkWithClaims(caller: Caller): boolean {
  return caller.kind === 'partnerUser' && hasClaimRole(caller.roles);
}

/** The Incentives admins of a partner: who a user without a role can ask for access. */
export async function partnerAdmins(prisma: Tx, partnerId: string): Promise<{ displayName: string; email: string }[]> {
  return prisma.partnerUser.findMany({
    where: { partnerId, roles: { some: { role: 'INCENTIVES_ADMIN' } } },
    select: { displayName: true, email: true },
    orderBy: { displayName: 'asc' },
  });
}

/** Someone Teams says is behind an activity: what registering them as a partner user needs. */
export interface Newcomer {
  aadObjectId: string;
  /** The Entra tenant the activity came from; it decides the partner. */
  tenantId: string;
  /** Their email, or their UPN when Teams gives no email: what admins grant roles by. */
  email: string;
  displayName: string;
}

export type Registration =
  | { outcome: 'registered'; userId: string; partnerId: string; email: string }
  /** Already a partner user or a seller (perhaps registered a moment ago by another turn): nothing to do. */
  | { outcome: 'known' }
  | { outcome: 'notPartnerTenant' }
  /** Another user has this email, so admins could not tell them apart: nothing is registered. */
  | { outcome: 'emailTaken'; email: string }
  | { outcome: 'invalid'; reason: string };

/**
 * An email or UPN as typed: trimmed, lower-cased, roughly the shape of one. The length is checked
 * first and stops the parse (zod would otherwise still run the shape check), and the shape is
 * checked by one split, not by `^[^\s@]+@[^\s@]+\.[^\s@]+$`, which backtracks quadratically over
 * a long run of dots.
 */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(320, { abort: true })
  .refine(looksLikeEmail, 'not an email address');

/** One `@` between a local part and a domain with a dot inside it, and no white space anywhere. */
function looksLikeEmail(text: string): boolean {
  if (/\s/.test(text)) return false;
  const parts = text.split('@');
  const [local, domain] = parts;
  if (parts.length !== 2 || !local || !domain) return false;
  const dot = domain.indexOf('.', 1);
  return dot !== -1 && dot < domain.length - 1;
}

const newcomerSchema = z.object({
  aadObjectId: z.string().trim().toLowerCase().min(1).max(100),
  tenantId: z.string().trim().toLowerCase().min(1).max(100),
  email: emailSchema,
  displayName: z.string().trim().max(200),
});

/**
 * Registers a person of a partner's Entra tenant, met for the first time, as a user of that partner
 * with no role: they still have no access, but its Incentives admins can now grant them one by
 * email. Nobody else is registered: not someone of an unknown tenant, not a seller, not someone
 * whose email another user already has. Safe to run twice at once: the unique AAD object id and
 * email let only one registration through, and the other is told the person is known.
 */
export async function registerPartnerUser(db: Database, clock: Clock, newcomer: Newcomer): Promise<Registration> {
  const parsed = newcomerSchema.safeParse(newcomer);
  if (!parsed.success) return { outcome: 'invalid', reason: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  const { aadObjectId, tenantId, email } = parsed.data;
  const displayName = parsed.data.displayName || email;
  const { prisma } = db;
  const partner = await prisma.partner.findUnique({ where: { tenantId }, select: { id: true } });
  if (!partner) return { outcome: 'notPartnerTenant' };
  // Known is checked again after a taken email: a registration of this same person may have landed in between.
  const alreadyThere = async (): Promise<Registration> => ((await isKnown(prisma, aadObjectId)) ? { outcome: 'known' } : { outcome: 'emailTaken', email });
  if (await isKnown(prisma, aadObjectId)) return { outcome: 'known' };
  if (await emailTaken(prisma, email)) return alreadyThere();
  const userId = randomUUID();
  try {
    await prisma.$transaction(async (tx) => {
      const at = clock.now();
      await tx.partnerUser.create({ data: { id: userId, partnerId: partner.id, aadObjectId, tenantId, displayName, email, createdAt: at } });
      await writeAudit(tx, { partnerId: partner.id, actor: systemActor, action: 'user.registered', after: { userId, email, displayName }, at });
    });
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') throw error;
    // Another turn registered someone first: this person, or another one with the same email.
    return alreadyThere();
  }
  return { outcome: 'registered', userId, partnerId: partner.id, email };
}

async function isKnown(prisma: PrismaClient, aadObjectId: string): Promise<boolean> {
  const [users, sellers] = await Promise.all([prisma.partnerUser.count({ where: { aadObjectId } }), prisma.seller.count({ where: { aadObjectId } })]);
  return users + sellers > 0;
}

async function emailTaken(prisma: PrismaClient, email: string): Promise<boolean> {
  return (await prisma.partnerUser.count({ where: { email: { equals: email, mode: 'insensitive' } } })) > 0;
}
