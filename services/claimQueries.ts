import { z } from 'zod';
import { AWAITING_CONSENT_STATUSES, AWAITING_SUBMISSION_STATUSES, CLAIM_STATUS_LABELS, runningDeadline } from './claims/lifecycle';
import { addDays, DAY_MS, type Clock } from './clock';
import type { ClaimStatus, Database, Prisma } from './db';
import { NotAllowedError } from './errors';

/** Claim lists beside the Customers page: "my claims" and "what expires soon", keyset-paged. */

export const CLAIM_LIST_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 50;

/** The default horizon of `expiring`: a week, as "what expires this week" asks. */
export const EXPIRING_WITHIN_DAYS = 7;

export interface ClaimListRow {
  id: string;
  friendlyName: string;
  customerName: string;
  engagementId: string;
  engagementName: string;
  status: ClaimStatus;
  statusLabel: string;
  /** The deadline running now, if any. */
  deadline: { kind: 'consent' | 'submission'; at: Date; daysLeft: number } | null;
}

export interface ClaimListPage {
  rows: ClaimListRow[];
  nextCursor: string | null;
}

const cursorSchema = z.object({ t: z.enum(['M', 'X']), k: z.tuple([z.iso.datetime(), z.string().min(1)]) });
type CursorKind = z.infer<typeof cursorSchema>['t'];

function encodeCursor(kind: CursorKind, at: Date, id: string): string {
  return Buffer.from(JSON.stringify({ t: kind, k: [at.toISOString(), id] }), 'utf8').toString('base64url');
}

function decodeCursor(kind: CursorKind, cursor: string | null | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success || result.data.t !== kind) throw new NotAllowedError('That page link is not valid any more; ask for the list again.');
  return { at: new Date(result.data.k[0]), id: result.data.k[1] };
}

function pageLimit(pageSize: number | undefined): number {
  const size = Math.trunc(pageSize ?? CLAIM_LIST_PAGE_SIZE);
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Number.isFinite(size) ? size : CLAIM_LIST_PAGE_SIZE));
}

const LIST_SELECT = {
  id: true,
  friendlyName: true,
  status: true,
  engagementId: true,
  consentDeadline: true,
  submissionDeadline: true,
  createdAt: true,
  customer: { select: { name: true } },
  engagement: { select: { name: true } },
} satisfies Prisma.ClaimSelect;

type ListClaim = Prisma.ClaimGetPayload<{ select: typeof LIST_SELECT }>;

function toRow(claim: ListClaim, now: Date): ClaimListRow {
  const running = runningDeadline(claim);
  return {
    id: claim.id,
    friendlyName: claim.friendlyName,
    customerName: claim.customer.name,
    engagementId: claim.engagementId,
    engagementName: claim.engagement.name,
    status: claim.status,
    statusLabel: CLAIM_STATUS_LABELS[claim.status],
    deadline: running ? { ...running, daysLeft: Math.ceil((running.at.getTime() - now.getTime()) / DAY_MS) } : null,
  };
}

export interface MyClaimsRequest {
  partnerId: string;
  userId: string;
  cursor?: string | null;
  pageSize?: number;
}

/** The claims a user created, newest first, over Claim(createdByUserId, createdAt). */
export async function myClaims(db: Database, clock: Clock, request: MyClaimsRequest): Promise<ClaimListPage> {
  const limit = pageLimit(request.pageSize);
  const after = decodeCursor('M', request.cursor);
  const claims = await db.prisma.claim.findMany({
    where: {
      partnerId: request.partnerId,
      createdByUserId: request.userId,
      ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    select: LIST_SELECT,
  });
  const page = claims.slice(0, limit);
  const now = clock.now();
  const last = page[page.length - 1];
  return { rows: page.map((claim) => toRow(claim, now)), nextCursor: claims.length > limit && last ? encodeCursor('M', last.createdAt, last.id) : null };
}

export interface ExpiringRequest {
  partnerId: string;
  withinDays?: number;
  cursor?: string | null;
  pageSize?: number;
}

/**
 * The partner's open claims whose running deadline (consent, or submission after consent) falls
 * within the next `withinDays` days, soonest first: one keyset query per deadline kind over
 * Claim(status, consentDeadline) and Claim(status, submissionDeadline), merged.
 */
export async function expiringClaims(db: Database, clock: Clock, request: ExpiringRequest): Promise<ClaimListPage> {
  const limit = pageLimit(request.pageSize);
  const after = decodeCursor('X', request.cursor);
  const now = clock.now();
  const horizon = addDays(now, request.withinDays ?? EXPIRING_WITHIN_DAYS);
  const keyset = (field: 'consentDeadline' | 'submissionDeadline'): Prisma.ClaimWhereInput =>
    after ? { OR: [{ [field]: { gt: after.at } }, { [field]: after.at, id: { gt: after.id } }] } : {};
  const [consent, submission] = await Promise.all([
    db.prisma.claim.findMany({
      where: { partnerId: request.partnerId, status: { in: [...AWAITING_CONSENT_STATUSES] }, consentDeadline: { gte: now, lte: horizon }, ...keyset('consentDeadline') },
      orderBy: [{ consentDeadline: 'asc' }, { id: 'asc' }],
      take: limit + 1,
      select: LIST_SELECT,
    }),
    db.prisma.claim.findMany({
      where: {
        partnerId: request.partnerId,
        status: { in: [...AWAITING_SUBMISSION_STATUSES] },
        submissionDeadline: { gte: now, lte: horizon },
        ...keyset('submissionDeadline'),
      },
      orderBy: [{ submissionDeadline: 'asc' }, { id: 'asc' }],
      take: limit + 1,
      select: LIST_SELECT,
    }),
  ]);
  const merged = [...consent, ...submission]
    .map((claim) => ({ claim, at: runningDeadline(claim)?.at ?? claim.consentDeadline }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.claim.id < b.claim.id ? -1 : a.claim.id > b.claim.id ? 1 : 0));
  const page = merged.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ claim }) => toRow(claim, now)),
    nextCursor: merged.length > limit && last ? encodeCursor('X', last.at, last.claim.id) : null,
  };
}
