import { z } from 'zod';
import { nextStepsFor, normaliseClaimId, type ClaimNextStep } from './details';
import { assertCanList, CLAIM_STATUS_LABELS, claimScope, type ClaimListViewer } from './lists';
import { runningDeadline } from './lifecycle';
import { DAY_MS, type Clock } from '../shared/clock';
import type { ClaimStatus, Database, PayType, Prisma } from '../db';
import { clampPageSize, decodePageCursor, encodePageCursor } from '../shared/pageCursor';

/**
 * Claim search for the Teams message extension (search and share) and for unfurling a claim link:
 * the viewer's partner's claims that match what they typed (customer name, a customer id such as a
 * domain, the claim id, the friendly name or the engagement), newest first, keyset-paged; each
 * result as the shared claim card shows it.
 */

export const SEARCH_PAGE_SIZE = 10;
/** Teams asks for 25 results a page; more would not be shown anyway. */
const MAX_SEARCH_PAGE_SIZE = 25;
/** How far down the results Teams may scroll (its skip): a compose-box search is read from the top. */
export const MAX_SEARCH_SKIP = 200;
/** What of the typed text is matched: enough for any name, id or domain. */
export const MAX_SEARCH_TEXT = 100;

export interface ClaimSearchRequest {
  /** What the person typed; empty lists the newest claims. */
  text?: string;
  /** A page link from an earlier page of the same search. */
  cursor?: string | null;
  /** Results to pass over from the top (Teams' `queryOptions.skip` as it scrolls), when no cursor is given. */
  skip?: number;
  pageSize?: number;
}

/** One claim as the shared claim card shows it: status, the running deadline and what comes next. */
export interface ClaimShareView {
  id: string;
  friendlyName: string;
  customerName: string;
  engagementName: string;
  payType: PayType;
  status: ClaimStatus;
  statusLabel: string;
  deadline: { kind: 'consent' | 'submission'; at: Date; daysLeft: number } | null;
  /** What the viewer may do next with this claim now, as the state machine and their roles allow. */
  nextSteps: ClaimNextStep[];
}

export interface ClaimSearchPage {
  rows: ClaimShareView[];
  nextCursor: string | null;
}

const SHARE_SELECT = {
  id: true,
  friendlyName: true,
  status: true,
  consentDeadline: true,
  submissionDeadline: true,
  createdAt: true,
  customer: { select: { name: true } },
  engagement: { select: { name: true, payType: true } },
} satisfies Prisma.ClaimSelect;

type ShareClaim = Prisma.ClaimGetPayload<{ select: typeof SHARE_SELECT }>;

const cursorSchema = z.object({ t: z.literal('S'), q: z.string().max(MAX_SEARCH_TEXT), k: z.tuple([z.iso.datetime(), z.string().min(1)]) });
const STALE = 'That page of results is not valid any more; search again.';

function toView(claim: ShareClaim, viewer: ClaimListViewer, now: Date): ClaimShareView {
  const running = runningDeadline(claim);
  return {
    id: claim.id,
    friendlyName: claim.friendlyName,
    customerName: claim.customer.name,
    engagementName: claim.engagement.name,
    payType: claim.engagement.payType,
    status: claim.status,
    statusLabel: CLAIM_STATUS_LABELS[claim.status],
    deadline: running ? { ...running, daysLeft: Math.ceil((running.at.getTime() - now.getTime()) / DAY_MS) } : null,
    nextSteps: nextStepsFor(viewer.roles, claim, now),
  };
}

/** The typed text as it is matched: trimmed, inner spaces collapsed, capped. */
export function searchText(raw: string | undefined): string {
  return (raw ?? '').trim().replace(/\s+/g, ' ').slice(0, MAX_SEARCH_TEXT);
}

/** What a claim must match for `text`: any of its names, the customer's ids, the claim id or the engagement. */
function matching(text: string): Prisma.ClaimWhereInput {
  if (text === '') return {};
  const contains = { contains: text, mode: 'insensitive' as const };
  return {
    OR: [
      { id: { startsWith: normaliseClaimId(text) } },
      { friendlyName: contains },
      { idValue: contains },
      { customer: { name: contains } },
      { customer: { identifiers: { some: { value: contains } } } },
      { engagement: { name: contains } },
    ],
  };
}

function after(key: { at: Date; id: string } | null): Prisma.ClaimWhereInput {
  return key ? { OR: [{ createdAt: { lt: key.at } }, { createdAt: key.at, id: { lt: key.id } }] } : {};
}

/**
 * A page of the viewer's partner's claims matching the text, newest first over (createdAt, id).
 * Teams pages a message extension by `skip`: without a cursor, the first `skip` matches' keys are
 * read (bounded by MAX_SEARCH_SKIP) and the page starts after the last of them.
 */
export async function searchClaims(db: Database, clock: Clock, viewer: ClaimListViewer, request: ClaimSearchRequest): Promise<ClaimSearchPage> {
  assertCanList(viewer);
  const text = searchText(request.text);
  const limit = clampPageSize(request.pageSize, { default: SEARCH_PAGE_SIZE, max: MAX_SEARCH_PAGE_SIZE });
  const scope: Prisma.ClaimWhereInput = { ...claimScope(viewer, {}, null), ...matching(text) };
  const order = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];
  let start: { at: Date; id: string } | null = null;
  const cursor = decodePageCursor(cursorSchema, request.cursor, STALE);
  if (cursor) {
    // A page link is for the search it came from; with other text it would skip the wrong rows.
    if (cursor.q !== text) return { rows: [], nextCursor: null };
    start = { at: new Date(cursor.k[0]), id: cursor.k[1] };
  } else {
    const skip = Math.min(Math.max(0, Math.trunc(request.skip ?? 0)), MAX_SEARCH_SKIP);
    if (skip > 0) {
      const passed = await db.prisma.claim.findMany({ where: scope, orderBy: order, take: skip, select: { id: true, createdAt: true } });
      const last = passed[passed.length - 1];
      if (passed.length < skip || !last) return { rows: [], nextCursor: null };
      start = { at: last.createdAt, id: last.id };
    }
  }
  const claims = await db.prisma.claim.findMany({ where: { AND: [scope, after(start)] }, orderBy: order, take: limit + 1, select: SHARE_SELECT });
  const page = claims.slice(0, limit);
  const now = clock.now();
  const last = page[page.length - 1];
  return {
    rows: page.map((claim) => toView(claim, viewer, now)),
    nextCursor: claims.length > limit && last ? encodePageCursor({ t: 'S', q: text, k: [last.createdAt.toISOString(), last.id] }) : null,
  };
}

/** One claim of the viewer's partner as the shared card shows it (an unfurled link); null when it is not theirs or they have no claim role. */
export async function claimShareView(db: Database, clock: Clock, viewer: ClaimListViewer, rawClaimId: string): Promise<ClaimShareView | null> {
  const claimId = normaliseClaimId(rawClaimId);
  if (claimId === '') return null;
  try {
    assertCanList(viewer);
  } catch {
    return null;
  }
  const claim = await db.prisma.claim.findFirst({ where: { id: claimId, partnerId: viewer.partnerId }, select: SHARE_SELECT });
  return claim ? toView(claim, viewer, clock.now()) : null;
}

/** Claim links: `${publicBaseUrl}/claims/<id>`, answered in a browser with a page that says to open them in Teams. */
export function claimLink(publicBaseUrl: string, claimId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/claims/${encodeURIComponent(claimId)}`;
}

const CLAIM_ID_IN_LINK = /^[A-Za-z0-9-]{1,40}$/;

/** The claim id a link of the bot's own host names, or null for any other link. */
export function claimIdOfLink(publicBaseUrl: string, link: string): string | null {
  let url: URL;
  let base: URL;
  try {
    url = new URL(link.trim());
    base = new URL(publicBaseUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.hostname.toLowerCase() !== base.hostname.toLowerCase()) return null;
  const prefix = `${base.pathname.replace(/\/+$/, '')}/claims/`;
  if (!url.pathname.startsWith(prefix)) return null;
  const id = url.pathname.slice(prefix.length).replace(/\/+$/, '');
  return CLAIM_ID_IN_LINK.test(id) ? normaliseClaimId(id) : null;
}
