import { z } from 'zod';
import {
  AWAITING_CONSENT_STATUSES,
  AWAITING_SUBMISSION_STATUSES,
  OPEN_STATUSES,
  runningDeadline,
  TERMINAL_STATUSES,
} from './lifecycle';
import { addDays, DAY_MS, type Clock } from '../shared/clock';
import { ClaimStatus, type Database, type Prisma, type Role } from '../db';
import { hasClaimRole, hasIncentivesAdminRole } from '../directory/callers';
import { NotAllowedError } from '../shared/errors';
import { clampPageSize, decodePageCursor, encodePageCursor } from '../shared/pageCursor';

/** Claim lists beside the Customers page: "my claims", the partner's claims and "what expires soon", keyset-paged. */

export const CLAIM_LIST_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 50;

/** The default horizon of `expiring`: a week, as "what expires this week" asks. */
export const EXPIRING_WITHIN_DAYS = 7;

/**
 * Who asks for a list, as resolved from their Teams identity (never from card data): every query is
 * scoped to `partnerId`, and `roles` decide what is shown.
 */
export interface ClaimListViewer {
  partnerId: string;
  userId: string;
  roles: readonly Role[];
}

/** Incentives admins also see who created each claim. */
export function seesCreators(roles: readonly Role[]): boolean {
  return hasIncentivesAdminRole(roles);
}

/** Incentives users and admins work with claims and may list them; Referrals admin alone may not. */
export function assertCanList(viewer: ClaimListViewer): void {
  if (!hasClaimRole(viewer.roles)) {
    throw new NotAllowedError('Only Incentives users and Incentives admins can list claims. Ask an Incentives admin of your organisation for a role.');
  }
}

/** A status filter: one status, or every open (non-terminal) or closed (terminal) one. */
export const STATUS_FILTERS = ['OPEN', 'CLOSED', ...Object.values(ClaimStatus)] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/** The statuses `expiring` can show: the ones with a running deadline. */
export const EXPIRING_STATUS_FILTERS: readonly StatusFilter[] = ['OPEN', ...AWAITING_CONSENT_STATUSES, ...AWAITING_SUBMISSION_STATUSES];

/**
 * The names of the statuses in the rows the claim services return and in the words a user may type
 * for a status filter. Cards and dialogs name statuses with cards/format.ts, which test/cards/format.test.ts
 * keeps identical to this.
 */
export const CLAIM_STATUS_LABELS: Record<ClaimStatus, string> = {
  ADDED: 'Added',
  CLAIMED: 'Claimed',
  CONSENT_REQUESTED: 'Consent requested',
  CONSENT_GRANTED: 'Consent granted',
  SUBMITTED: 'Submitted',
  REJECTED: 'Rejected',
  COMPLETED: 'Completed',
  REJECTED_FINAL: 'Final rejected',
  EXPIRED: 'Expired',
  CANCELED: 'Canceled',
  DECLINED: 'Declined',
};

const STATUS_FILTER_LABELS: Record<StatusFilter, string> = { OPEN: 'Open', CLOSED: 'Closed', ...CLAIM_STATUS_LABELS };

export function statusesFor(filter: StatusFilter): readonly ClaimStatus[] {
  if (filter === 'OPEN') return OPEN_STATUSES;
  if (filter === 'CLOSED') return TERMINAL_STATUSES;
  return [filter];
}

function normaliseWords(text: string): string {
  return text.toLowerCase().replace(/[^a-z]+/g, ' ').trim();
}

/** Reads a typed status ("consent requested", "CONSENT_REQUESTED", "open", "canceled"/"cancelled"); null when it is none. */
export function parseStatusFilter(text: string): StatusFilter | null {
  const wanted = normaliseWords(text).replace(/\bcancelled\b/, 'canceled');
  if (wanted === '') return null;
  return STATUS_FILTERS.find((filter) => normaliseWords(filter) === wanted || normaliseWords(STATUS_FILTER_LABELS[filter]) === wanted) ?? null;
}

/** What a list may be narrowed to; both optional. The engagement id is only ever matched within the viewer's partner. */
export interface ClaimFilters {
  engagementId?: string | null;
  status?: StatusFilter | null;
}

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
  /** Who created the claim: shown to Incentives admins only, null for everyone else. */
  createdBy: string | null;
}

export interface ClaimListPage {
  rows: ClaimListRow[];
  nextCursor: string | null;
}

const cursorSchema = z.object({ t: z.enum(['M', 'P', 'X']), k: z.tuple([z.iso.datetime(), z.string().min(1)]) });
type CursorKind = z.infer<typeof cursorSchema>['t'];

function encodeCursor(kind: CursorKind, at: Date, id: string): string {
  return encodePageCursor({ t: kind, k: [at.toISOString(), id] });
}

function decodeCursor(kind: CursorKind, cursor: string | null | undefined): { at: Date; id: string } | null {
  const stale = 'That page link is not valid any more; ask for the list again.';
  const key = decodePageCursor(cursorSchema, cursor, stale);
  if (!key) return null;
  if (key.t !== kind) throw new NotAllowedError(stale);
  return { at: new Date(key.k[0]), id: key.k[1] };
}

export function pageLimit(pageSize: number | undefined): number {
  return clampPageSize(pageSize, { default: CLAIM_LIST_PAGE_SIZE, max: MAX_PAGE_SIZE });
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
  createdBy: { select: { displayName: true } },
} satisfies Prisma.ClaimSelect;

type ListClaim = Prisma.ClaimGetPayload<{ select: typeof LIST_SELECT }>;

function toRow(claim: ListClaim, now: Date, viewer: ClaimListViewer): ClaimListRow {
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
    createdBy: seesCreators(viewer.roles) ? claim.createdBy.displayName : null,
  };
}

/** The statuses a filter asks for, narrowed to `allowed` (null: any status). */
export function filteredStatuses(filter: StatusFilter | null | undefined, allowed: readonly ClaimStatus[] | null): readonly ClaimStatus[] | null {
  const wanted = filter ? statusesFor(filter) : null;
  return wanted && allowed ? wanted.filter((status) => allowed.includes(status)) : (wanted ?? allowed);
}

/** The partner scope and the filters as a where clause; `allowed` narrows the statuses further (null: any). */
export function claimScope(viewer: ClaimListViewer, filters: ClaimFilters, allowed: readonly ClaimStatus[] | null): Prisma.ClaimWhereInput {
  const statuses = filteredStatuses(filters.status, allowed);
  return {
    partnerId: viewer.partnerId,
    ...(filters.engagementId ? { engagementId: filters.engagementId } : {}),
    ...(statuses ? { status: { in: [...statuses] } } : {}),
  };
}

export interface ClaimListRequest extends ClaimFilters {
  cursor?: string | null;
  pageSize?: number;
}

/** Newest first over (createdAt, id): Claim(createdByUserId, createdAt) for "mine", Claim(partnerId, createdAt) for the partner's. */
async function newestFirst(db: Database, clock: Clock, viewer: ClaimListViewer, request: ClaimListRequest, mine: boolean): Promise<ClaimListPage> {
  assertCanList(viewer);
  const kind: CursorKind = mine ? 'M' : 'P';
  const limit = pageLimit(request.pageSize);
  const after = decodeCursor(kind, request.cursor);
  const claims = await db.prisma.claim.findMany({
    where: {
      ...claimScope(viewer, request, null),
      ...(mine ? { createdByUserId: viewer.userId } : {}),
      ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    select: LIST_SELECT,
  });
  const page = claims.slice(0, limit);
  const now = clock.now();
  const last = page[page.length - 1];
  return { rows: page.map((claim) => toRow(claim, now, viewer)), nextCursor: claims.length > limit && last ? encodeCursor(kind, last.createdAt, last.id) : null };
}

/** The claims the viewer created, newest first. */
export function myClaims(db: Database, clock: Clock, viewer: ClaimListViewer, request: ClaimListRequest = {}): Promise<ClaimListPage> {
  return newestFirst(db, clock, viewer, request, true);
}

/** Every claim of the viewer's partner, newest first (admins see who created each). */
export function partnerClaims(db: Database, clock: Clock, viewer: ClaimListViewer, request: ClaimListRequest = {}): Promise<ClaimListPage> {
  return newestFirst(db, clock, viewer, request, false);
}

export interface ExpiringRequest extends ClaimListRequest {
  withinDays?: number;
}

/**
 * The partner's open claims whose running deadline (consent, or submission after consent) falls
 * within the next `withinDays` days, soonest first: one keyset query per deadline kind over
 * Claim(status, consentDeadline) and Claim(status, submissionDeadline), merged.
 */
export async function expiringClaims(db: Database, clock: Clock, viewer: ClaimListViewer, request: ExpiringRequest = {}): Promise<ClaimListPage> {
  assertCanList(viewer);
  const limit = pageLimit(request.pageSize);
  const after = decodeCursor('X', request.cursor);
  const now = clock.now();
  const horizon = addDays(now, request.withinDays ?? EXPIRING_WITHIN_DAYS);
  const keyset = (field: 'consentDeadline' | 'submissionDeadline'): Prisma.ClaimWhereInput =>
    after ? { OR: [{ [field]: { gt: after.at } }, { [field]: after.at, id: { gt: after.id } }] } : {};
  const read = async (field: 'consentDeadline' | 'submissionDeadline', allowed: readonly ClaimStatus[]): Promise<ListClaim[]> => {
    // A status filter outside this deadline's statuses leaves nothing to ask for.
    if (filteredStatuses(request.status, allowed)?.length === 0) return [];
    return db.prisma.claim.findMany({
      where: { ...claimScope(viewer, request, allowed), [field]: { gte: now, lte: horizon }, ...keyset(field) },
      orderBy: [{ [field]: 'asc' }, { id: 'asc' }],
      take: limit + 1,
      select: LIST_SELECT,
    });
  };
  const [consent, submission] = await Promise.all([read('consentDeadline', AWAITING_CONSENT_STATUSES), read('submissionDeadline', AWAITING_SUBMISSION_STATUSES)]);
  const merged = [...consent, ...submission]
    .map((claim) => ({ claim, at: runningDeadline(claim)?.at ?? claim.consentDeadline }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.claim.id < b.claim.id ? -1 : a.claim.id > b.claim.id ? 1 : 0));
  const page = merged.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ claim }) => toRow(claim, now, viewer)),
    nextCursor: merged.length > limit && last ? encodeCursor('X', last.at, last.claim.id) : null,
  };
}
