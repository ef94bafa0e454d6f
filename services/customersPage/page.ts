import { z } from 'zod';
import { DAY_MS, type Clock } from '../shared/clock';
import type { ClaimOrigin, ClaimStatus, CustomerIdType, Database } from '../db';
import { OPEN_STATUSES, decideTransition, runningDeadline, type ClaimEvent } from '../claims/lifecycle';
import { NotAllowedError } from '../shared/errors';
import { resendWaitUntil } from '../consent/consent';
import { clampPageSize, decodePageCursor, encodePageCursor } from '../shared/pageCursor';

/**
 * Rule 1: the Customers page of one engagement for one partner, in three tabs. Each tab is read
 * one page at a time with keyset pagination over an index, so a page never loads a whole table.
 */

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 50;

export type CustomerAction = 'claimCustomer' | 'sendConsent' | 'resendConsent' | 'submitClaim' | 'viewClaim';

export interface PageRequest {
  partnerId: string;
  engagementId: string;
  /** The opaque cursor of the previous page's `nextCursor`; absent for the first page. */
  cursor?: string | null;
  pageSize?: number;
}

export interface Page<Row> {
  rows: Row[];
  /** Pass back to read the next page; null on the last page. */
  nextCursor: string | null;
}

export interface PageClaim {
  id: string;
  status: ClaimStatus;
  origin: ClaimOrigin;
  friendlyName: string;
  consentDeadline: Date;
  submissionDeadline: Date | null;
  /** The deadline running now (consent or submission) with whole days left, rounded up; null when none runs. */
  deadline: { kind: 'consent' | 'submission'; at: Date; daysLeft: number } | null;
  /**
   * When the consent email may be re-sent, while the 24-hour wait after the last send runs (the
   * row then offers no Re-send and says when); absent when a re-send is not waiting on it.
   */
  resendFrom?: Date;
}

export interface EligibleRow {
  customerId: string;
  customerName: string;
  /** Consented to this partner for an earlier claim. */
  known: boolean;
  /** This partner's open claim on the engagement, if any. */
  claim: PageClaim | null;
  actions: CustomerAction[];
}

export type IneligibleReason = 'CRITERIA_NOT_MET' | 'ACTIVE_CLAIMS_LIMIT';

export interface IneligibleRow {
  customerId: string;
  customerName: string;
  reason: IneligibleReason;
  reasonText: string;
}

export interface IneligiblePage extends Page<IneligibleRow> {
  /** True for engagements that accept only MSX opportunity ids: the tab shows no detail there. */
  detailHidden: boolean;
}

export interface CompleteRow {
  claimId: string;
  customerId: string;
  customerName: string;
  friendlyName: string;
  status: ClaimStatus;
  origin: ClaimOrigin;
  closedAt: Date;
  closeReason: string | null;
  actions: CustomerAction[];
}

/** Terminal statuses shown on Complete; DECLINED is not one of them. */
const COMPLETE_STATUSES: readonly ClaimStatus[] = ['COMPLETED', 'EXPIRED', 'CANCELED', 'REJECTED_FINAL'];

/** The row actions and the transition each one starts; an action is offered only when the state machine allows it now. */
const CLAIM_ACTIONS: readonly [CustomerAction, ClaimEvent][] = [
  ['sendConsent', 'SEND_CONSENT'],
  ['resendConsent', 'RESEND_CONSENT'],
  ['submitClaim', 'SUBMIT'],
];

/** What can be done now with a row of the Eligible tab. */
export function actionsFor(known: boolean, claim: PageClaim | null, now: Date): CustomerAction[] {
  if (!claim) return known ? ['claimCustomer'] : [];
  const allowed = CLAIM_ACTIONS.filter(([action, event]) => decideTransition(claim, event, now).ok && !(action === 'resendConsent' && claim.resendFrom))
    .map(([action]) => action);
  return [...allowed, 'viewClaim'];
}

const cursorSchema = z.object({ t: z.enum(['E', 'I', 'C']), k: z.tuple([z.string(), z.string()]) });
type CursorTab = z.infer<typeof cursorSchema>['t'];

function encodeCursor(tab: CursorTab, key: [string, string]): string {
  return encodePageCursor({ t: tab, k: key });
}

function decodeCursor(tab: CursorTab, cursor: string | null | undefined): [string, string] | null {
  const stale = 'That page link is not valid any more; open the Customers page again.';
  const key = decodePageCursor(cursorSchema, cursor, stale);
  if (!key) return null;
  if (key.t !== tab) throw new NotAllowedError(stale);
  return key.k;
}

function pageLimit(pageSize: number | undefined): number {
  return clampPageSize(pageSize, { default: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE });
}

/** SQL list of constant statuses; they come from the enum, never from input. */
function statusList(statuses: readonly ClaimStatus[]): string {
  return statuses.map((status) => `'${status}'`).join(', ');
}

const OPEN = statusList(OPEN_STATUSES);

/** The tabs' statements are planned once per connection: planning them cost more than running them (bench/RESULTS.md, issue 18). */
const PLANNED_ONCE = { prepared: true } as const;

interface EngagementFacts {
  id: string;
  maxActiveClaimsPerCustomer: number;
  /** The id types through which a customer can be eligible: VARIABLE engagements only MSX opportunity ids. */
  usableIdTypes: CustomerIdType[];
  acceptsOnlyMsx: boolean;
}

/** The engagement's facts a tab needs, in one statement (through Prisma's include it was two, on every page turn). */
async function loadEngagement(db: Database, engagementId: string): Promise<EngagementFacts> {
  const [engagement] = await db.sql.query<{ id: string; payType: string; maxActiveClaimsPerCustomer: number; acceptedIdTypes: CustomerIdType[] }>(
    `SELECT e."id", e."payType"::text AS "payType", e."maxActiveClaimsPerCustomer",
            COALESCE(array_agg(t."idType"::text) FILTER (WHERE t."idType" IS NOT NULL), '{}') AS "acceptedIdTypes"
     FROM "Engagement" e LEFT JOIN "EngagementIdType" t ON t."engagementId" = e."id"
     WHERE e."id" = $1
     GROUP BY e."id"`,
    [engagementId],
    PLANNED_ONCE,
  );
  if (!engagement) throw new NotAllowedError(`There is no engagement ${engagementId}.`);
  const accepted = engagement.acceptedIdTypes;
  return {
    id: engagement.id,
    maxActiveClaimsPerCustomer: engagement.maxActiveClaimsPerCustomer,
    usableIdTypes: engagement.payType === 'VARIABLE' ? accepted.filter((t) => t === 'MSX_OPPORTUNITY_ID') : accepted,
    acceptsOnlyMsx: accepted.length > 0 && accepted.every((t) => t === 'MSX_OPPORTUNITY_ID'),
  };
}

/*
 * The tab filters below are correlated subqueries, each EXISTS with `OFFSET 0`. That fence keeps
 * PostgreSQL from turning an EXISTS into a hashed SubPlan, which builds the engagement's whole
 * eligible-id set (or every open claim of the partner) before the first row: a cost that grows
 * with the tables. Fenced, each KnownCustomer row of the page is checked by a few index probes, so
 * a page costs the same at any size (bench/RESULTS.md, issue 18).
 */

/**
 * SQL true when some id of customer `<alias>."customerId"` of a usable type ($3) is eligible in the
 * catalog for engagement $2. A domain also counts through the tenant the directory derives from
 * it, as in services/nomination/rule.ts. Each id is matched only as itself, so nothing cascades.
 */
function eligibleSql(alias: string): string {
  return `(EXISTS (
      SELECT 1 FROM "CustomerIdentifier" ci
      JOIN "EligibilityEntry" ee ON ee."engagementId" = $2 AND ee."idType" = ci."type" AND ee."idValue" = ci."value"
      WHERE ci."customerId" = ${alias}."customerId" AND ci."type"::text = ANY($3::text[]) AND ee."eligible" OFFSET 0)
    OR EXISTS (
      SELECT 1 FROM "CustomerIdentifier" ci
      JOIN "DirectoryDomain" dd ON dd."domain" = ci."value"
      JOIN "EligibilityEntry" ee ON ee."engagementId" = $2 AND ee."idType" = 'TENANT_ID' AND ee."idValue" = lower(dd."tenantId")
      WHERE ci."customerId" = ${alias}."customerId" AND ci."type" = 'DOMAIN' AND 'DOMAIN' = ANY($3::text[]) AND ee."eligible" OFFSET 0))`;
}

/**
 * SQL `LATERAL` subquery `oc` counting the open claims on engagement $2 of customer
 * `<alias>."customerId"`: `open_all` across partners (the active-claims limit, $4) and `open_own`
 * of partner $1. One index-only probe of Claim(engagementId, customerId, status, partnerId) per row
 * answers both questions.
 */
function openClaimsSql(alias: string): string {
  return `LATERAL (SELECT count(*) AS open_all, count(*) FILTER (WHERE lc."partnerId" = $1) AS open_own FROM "Claim" lc
      WHERE lc."engagementId" = $2 AND lc."customerId" = ${alias}."customerId" AND lc."status" IN (${OPEN})) oc`;
}

interface KeyRow {
  sort_name: string;
  customer_id: string;
}

/** A Complete tab row as its statement returns it. */
interface CompleteKeyRow {
  id: string;
  closed_at_key: string;
  closed_at: Date;
  customer_id: string;
  customer_name: string;
  friendly_name: string;
  status: ClaimStatus;
  origin: ClaimOrigin;
  close_reason: string | null;
}

/** An Eligible tab row as the page statement returns it: the customer, and the partner's open claim on the engagement if any. */
interface EligibleKeyRow extends KeyRow {
  is_known: boolean;
  claim_id: string | null;
  status: ClaimStatus | null;
  origin: ClaimOrigin | null;
  friendly_name: string | null;
  consent_deadline: Date | null;
  submission_deadline: Date | null;
  last_sent_at: Date | null;
}

/**
 * Eligible tab: the partner's known customers eligible for the engagement and below its
 * active-claims limit, plus every customer with an open claim of the partner on it, in
 * (name, customer id) order. Known customers page over KnownCustomer(partnerId, name, customerId);
 * customers only on the page through an open claim page over Claim(partnerId, engagementId,
 * openCustomerName, customerId): the customer's name, copied by a trigger while the claim is open.
 */
export async function eligibleTab(db: Database, clock: Clock, request: PageRequest): Promise<Page<EligibleRow>> {
  const engagement = await loadEngagement(db, request.engagementId);
  const limit = pageLimit(request.pageSize);
  const after = decodeCursor('E', request.cursor);
  const params: unknown[] = [request.partnerId, engagement.id, engagement.usableIdTypes, engagement.maxActiveClaimsPerCustomer, limit + 1];
  let knownAfter = '';
  let addedAfter = '';
  if (after) {
    params.push(after[0], after[1]);
    knownAfter = `AND (kc."name", kc."customerId") > ($6, $7)`;
    addedAfter = `AND (c."openCustomerName", c."customerId") > ($6, $7)`;
  }
  // One statement: the page's keys, whether each customer is known, and the partner's open claim
  // on the engagement with its consent's last send (each a probe by primary or unique key per row).
  // Timestamps come back as UTC instants: the columns hold UTC without a zone.
  const keys = await db.sql.query<EligibleKeyRow>(
    `WITH known AS (
       SELECT kc."name" AS sort_name, kc."customerId" AS customer_id, true AS is_known
       FROM "KnownCustomer" kc, ${openClaimsSql('kc')}
       WHERE kc."partnerId" = $1 ${knownAfter}
         AND (oc.open_own > 0 OR (oc.open_all < $4 AND ${eligibleSql('kc')}))
       ORDER BY kc."name", kc."customerId"
       LIMIT $5
     ), added AS (
       SELECT c."openCustomerName" AS sort_name, c."customerId" AS customer_id, false AS is_known
       FROM "Claim" c
       WHERE c."partnerId" = $1 AND c."engagementId" = $2 AND c."openCustomerName" IS NOT NULL ${addedAfter}
         AND NOT EXISTS (SELECT 1 FROM "KnownCustomer" k WHERE k."partnerId" = $1 AND k."customerId" = c."customerId")
       ORDER BY c."openCustomerName", c."customerId"
       LIMIT $5
     ), page AS (
       SELECT * FROM known UNION ALL SELECT * FROM added
       ORDER BY sort_name, customer_id
       LIMIT $5
     )
     SELECT page.sort_name, page.customer_id, page.is_known,
            pc."id" AS claim_id, pc."status"::text AS status, pc."origin"::text AS origin, pc."friendlyName" AS friendly_name,
            pc."consentDeadline" AT TIME ZONE 'UTC' AS consent_deadline, pc."submissionDeadline" AT TIME ZONE 'UTC' AS submission_deadline,
            cr."lastSentAt" AT TIME ZONE 'UTC' AS last_sent_at
     FROM page
     LEFT JOIN LATERAL (
       SELECT c.* FROM "Claim" c
       WHERE c."partnerId" = $1 AND c."engagementId" = $2 AND c."customerId" = page.customer_id AND c."status" IN (${OPEN})
       LIMIT 1) pc ON true
     LEFT JOIN "ConsentRequest" cr ON cr."claimId" = pc."id"
     ORDER BY page.sort_name, page.customer_id`,
    params,
    PLANNED_ONCE,
  );
  const pageKeys = keys.slice(0, limit);
  const now = clock.now();
  const rows = pageKeys.map((key): EligibleRow => {
    const claim = pageClaimOf(key, now);
    return { customerId: key.customer_id, customerName: key.sort_name, known: key.is_known, claim, actions: actionsFor(key.is_known, claim, now) };
  });
  const last = pageKeys[pageKeys.length - 1];
  return { rows, nextCursor: keys.length > limit && last ? encodeCursor('E', [last.sort_name, last.customer_id]) : null };
}

function pageClaimOf(key: EligibleKeyRow, now: Date): PageClaim | null {
  if (!key.claim_id || !key.status || !key.origin || key.friendly_name === null || !key.consent_deadline) return null;
  const claim = { id: key.claim_id, status: key.status, origin: key.origin, friendlyName: key.friendly_name, consentDeadline: key.consent_deadline, submissionDeadline: key.submission_deadline };
  const resendFrom = claim.status === 'CONSENT_REQUESTED' && key.last_sent_at ? resendWaitUntil(key.last_sent_at, now) : null;
  return { ...claim, deadline: deadlineOf(claim, now), ...(resendFrom && decideTransition(claim, 'RESEND_CONSENT', now).ok ? { resendFrom } : {}) };
}

function deadlineOf(claim: Omit<PageClaim, 'deadline'>, now: Date): PageClaim['deadline'] {
  const running = runningDeadline(claim);
  return running ? { ...running, daysLeft: Math.ceil((running.at.getTime() - now.getTime()) / DAY_MS) } : null;
}

/**
 * Ineligible tab: the partner's known customers without an open claim of theirs on the engagement
 * that either meet none of its criteria or have reached its active-claims limit. Engagements that
 * accept only MSX opportunity ids show no detail.
 */
export async function ineligibleTab(db: Database, _clock: Clock, request: PageRequest): Promise<IneligiblePage> {
  const facts = await loadEngagement(db, request.engagementId);
  if (facts.acceptsOnlyMsx) return { rows: [], nextCursor: null, detailHidden: true };
  const limit = pageLimit(request.pageSize);
  const after = decodeCursor('I', request.cursor);
  const params: unknown[] = [request.partnerId, facts.id, facts.usableIdTypes, facts.maxActiveClaimsPerCustomer, limit + 1];
  let knownAfter = '';
  if (after) {
    params.push(after[0], after[1]);
    knownAfter = `AND (kc."name", kc."customerId") > ($6, $7)`;
  }
  const keys = await db.sql.query<KeyRow & { eligible: boolean }>(
    `SELECT kc."name" AS sort_name, kc."customerId" AS customer_id, ${eligibleSql('kc')} AS eligible
     FROM "KnownCustomer" kc, ${openClaimsSql('kc')}
     WHERE kc."partnerId" = $1 ${knownAfter}
       AND oc.open_own = 0
       AND NOT (oc.open_all < $4 AND ${eligibleSql('kc')})
     ORDER BY kc."name", kc."customerId"
     LIMIT $5`,
    params,
    PLANNED_ONCE,
  );
  const pageKeys = keys.slice(0, limit);
  const rows = pageKeys.map((key): IneligibleRow => {
    const reason: IneligibleReason = key.eligible ? 'ACTIVE_CLAIMS_LIMIT' : 'CRITERIA_NOT_MET';
    const reasonText =
      reason === 'ACTIVE_CLAIMS_LIMIT'
        ? `Has reached the limit of ${facts.maxActiveClaimsPerCustomer} active claim(s) for this engagement.`
        : 'Does not meet the eligibility criteria for this engagement.';
    return { customerId: key.customer_id, customerName: key.sort_name, reason, reasonText };
  });
  const last = pageKeys[pageKeys.length - 1];
  return { rows, nextCursor: keys.length > limit && last ? encodeCursor('I', [last.sort_name, last.customer_id]) : null, detailHidden: false };
}

/**
 * Complete tab: the partner's claims on the engagement that are completed, expired, canceled or
 * finally rejected, newest closed first over Claim(partnerId, engagementId, closedAt, id). A newly
 * added customer who never answered before the consent deadline is left out, as the reference
 * page says such customers no longer appear; "never answered" means no answer time and no
 * submission window, which consent would have opened.
 */
export async function completeTab(db: Database, _clock: Clock, request: PageRequest): Promise<Page<CompleteRow>> {
  const engagement = await loadEngagement(db, request.engagementId);
  const limit = pageLimit(request.pageSize);
  const after = decodeCursor('C', request.cursor);
  if (after && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/.test(after[0])) {
    throw new NotAllowedError('That page link is not valid any more; open the Customers page again.');
  }
  const params: unknown[] = [request.partnerId, engagement.id, limit + 1];
  let afterSql = '';
  if (after) {
    params.push(after[0], after[1]);
    afterSql = `AND (c."closedAt", c."id") < ($4::timestamp, $5)`;
  }
  // One statement with the rows' columns and the customer's name. closedAt travels twice: as text
  // for the cursor (so that no driver shifts the zone-less timestamp into local time) and as an instant.
  const keys = await db.sql.query<CompleteKeyRow>(
    `SELECT c."id" AS id, to_char(c."closedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS closed_at_key, c."closedAt" AT TIME ZONE 'UTC' AS closed_at,
            c."customerId" AS customer_id, cu."name" AS customer_name, c."friendlyName" AS friendly_name,
            c."status"::text AS status, c."origin"::text AS origin, c."closeReason" AS close_reason
     FROM "Claim" c
     JOIN "Customer" cu ON cu."id" = c."customerId"
     WHERE c."partnerId" = $1 AND c."engagementId" = $2 AND c."closedAt" IS NOT NULL ${afterSql}
       AND c."status" IN (${statusList(COMPLETE_STATUSES)})
       AND NOT (c."origin" = 'ADDED' AND c."status" = 'EXPIRED' AND c."consentAnsweredAt" IS NULL AND c."submissionDeadline" IS NULL)
     ORDER BY c."closedAt" DESC, c."id" DESC
     LIMIT $3`,
    params,
    PLANNED_ONCE,
  );
  const pageKeys = keys.slice(0, limit);
  const rows = pageKeys.map(
    (key): CompleteRow => ({
      claimId: key.id,
      customerId: key.customer_id,
      customerName: key.customer_name,
      friendlyName: key.friendly_name,
      status: key.status,
      origin: key.origin,
      closedAt: key.closed_at,
      closeReason: key.close_reason,
      actions: ['viewClaim'],
    }),
  );
  const last = pageKeys[pageKeys.length - 1];
  return { rows, nextCursor: keys.length > limit && last ? encodeCursor('C', [last.closed_at_key, last.id]) : null };
}
