import { z } from 'zod';
import { systemClock, type Clock } from '../shared/clock';
import type { Tx } from '../db';
import type { ChannelHandler, DeliveryResult, OutboundMessage } from '../outbox/delivery';
import { enqueue } from '../outbox/outbox';
import { parseRetryAfter } from './email';
import { RefreshTokenRejectedError, type AccessTokenSource } from './partnerCenterToken';
import { REFERRAL_SYNC_EVENTS } from './referrals';

/**
 * The outbox handlers of the REFERRALS channel. The referral rows are the store; each change queued
 * a REFERRALS row in its transaction (services/ports/referrals.ts), and one of these handles it:
 * - local default: nothing to push, the Referral table is where referrals live;
 * - production: the Partner Center Referrals API, as Microsoft documents it on learn.microsoft.com
 *   (partner-center/developer: "Referrals API authentication", "Create a referral", "Update a lead or
 *   opportunity" (patch-a-referral), "Referral resources"):
 *   - App+User tokens only (services/ports/partnerCenterToken.ts);
 *   - a create carries every field the documentation's minimal example has: customerProfile with an
 *     address (country) and size, consent.consentToShareReferralWithMicrosoftSellers, details with
 *     closingDateTime and requirements.solutions. "Partner-led" is the documented Independent type with
 *     consent to share with Microsoft sellers;
 *   - updates are JSON Patch arrays (only `replace` and `add` are supported) sent with If-Match of the
 *     eTag kept on the referral row; a 412 (changed in Partner Center meanwhile) re-reads the referral
 *     and applies the change once more;
 *   - REFERRALS_MODE: `link` (the default) never creates a referral: Partner Center's own MCI flow may
 *     create the partner-led referral for a claim itself, so it is found (by our externalReferenceId,
 *     then by customer and engagement) and linked, and a second one is never pushed beside it;
 *     `create` looks the same way first and creates only when nothing is found.
 * Failures go back to the outbox as results: 429, 408 and 5xx are retried honouring Retry-After,
 * other 4xx are dead letters an admin sees.
 */

/** Local mode: the referral is already where it lives. */
export const localReferralSync: ChannelHandler = {
  send: () => Promise.resolve({ ok: true }),
};

export const PARTNER_CENTER_DEFAULT_BASE_URL = 'https://api.partner.microsoft.com';
const REFERRALS_PATH = '/v1.0/engagements/referrals';
const TIMEOUT_MS = 30_000;
/** An upgrade waits this long for its referral's create to reach Partner Center first. */
const WAIT_FOR_CREATE_MS = 60_000;
/** In link mode, how long to wait before looking again for the referral Partner Center creates itself. */
const WAIT_FOR_PARTNER_CENTER_MS = 6 * 3_600_000;

export type ReferralsMode = 'create' | 'link';

/** The Teams message to a partner's Incentives admins when Partner Center sign-in stops working. */
export const REFERRALS_SIGN_IN_FAILED = 'referrals.signin.failed';

/** What a create needs that neither the claim nor the customer holds. */
export interface ReferralCreateSettings {
  /** The partner's solution id in Partner Center (details.requirements.solutions). */
  solutionId: string;
  /** The customer's size as the API spells it, e.g. 10to50employees (customerProfile.size). */
  customerSize: string;
}

/**
 * The three fields Partner Center requires of a Services co-sell referral ("Create a referral":
 * partnerRole, solutionArea, solutionPlay, "required for Services co-sell referrals only"). An MCI
 * engagement is delivered as services, so its co-sell referral is one. Settings, not constants: the
 * solution areas and plays are renewed each fiscal year ("Referral resources", the FY26 note).
 */
export interface ServicesCoSellSettings {
  partnerRole: string;
  solutionArea: string;
  solutionPlay: string;
}

export interface PartnerCenterReferralsOptions {
  /** The database client (not a transaction: the push happens outside any). */
  prisma: Tx;
  tokens: AccessTokenSource;
  mode: ReferralsMode;
  coSell: ServicesCoSellSettings;
  /** Required in create mode. */
  createSettings?: ReferralCreateSettings;
  /** The API's origin, e.g. https://api.partner.microsoft.com; tests point it at a stub on loopback. */
  baseUrl?: string;
  clock?: Clock;
  timeoutMs?: number;
}

const SyncPayloadSchema = z.object({ referralId: z.string().min(1) });
const RemoteReferralSchema = z.looseObject({
  id: z.string().min(1),
  eTag: z.string().optional(),
  name: z.string().nullish(),
  externalReferenceId: z.string().nullish(),
  status: z.string().nullish(),
  substatus: z.string().nullish(),
  details: z.looseObject({ notes: z.string().nullish() }).nullish(),
  partnerRole: z.string().nullish(),
  solutionArea: z.string().nullish(),
  solutionPlay: z.string().nullish(),
});
type RemoteReferral = z.infer<typeof RemoteReferralSchema>;
const ReferralListSchema = z.union([z.array(RemoteReferralSchema), z.looseObject({ value: z.array(RemoteReferralSchema) })]);

function referralList(json: unknown): RemoteReferral[] {
  const parsed = ReferralListSchema.safeParse(json);
  if (!parsed.success) return [];
  return Array.isArray(parsed.data) ? parsed.data : parsed.data.value;
}

/** A JSON Patch (RFC 6902) operation of the two kinds the Referrals API supports. */
export type ReferralPatchOp = { op: 'replace' | 'add'; path: string; value: unknown };

/** What a referral push needs to know about the referral and its claim. */
export interface ReferralFacts {
  id: string;
  externalId: string | null;
  externalEtag: string | null;
  dealSizeUsd: number;
  claimId: string;
  friendlyName: string;
  customerName: string;
  /** The ISO country of the claim's partner location (Partner Center asks for the customer's address country). */
  country: string;
  engagementName: string;
  /** The claim's submission deadline, else its consent deadline: the date the deal is expected to close by. */
  closingAt: Date;
  customerContact: { name: string; email: string; phone: string | null };
  partnerContact: { name: string; email: string; phone: string | null };
}

type SyncResult = DeliveryResult & { signInRefused?: boolean };
type CallResult = { ok: true; json: unknown; etag: string | null } | { ok: false; status: number | null; result: SyncResult };

export class PartnerCenterReferralSync implements ChannelHandler {
  private readonly baseUrl: string;

  constructor(private readonly options: PartnerCenterReferralsOptions) {
    this.baseUrl = (options.baseUrl ?? PARTNER_CENTER_DEFAULT_BASE_URL).replace(/\/+$/, '');
    if (options.mode === 'create' && !options.createSettings) throw new Error('REFERRALS_MODE=create needs the solution id and customer size settings.');
  }

  async send(message: OutboundMessage): Promise<DeliveryResult> {
    const result = await this.push(message);
    if (!result.ok && result.signInRefused) await this.tellAdmins(message.partnerId, result.reason);
    return result;
  }

  /**
   * The refresh token was refused: nothing reaches Partner Center until an operator signs in again,
   * so the partner's Incentives admins are told in Teams, once a day at most while it lasts.
   */
  private async tellAdmins(partnerId: string | null, reason: string): Promise<void> {
    if (!partnerId) return;
    const now = (this.options.clock ?? systemClock).now();
    const admins = await this.options.prisma.partnerUser.findMany({ where: { partnerId, roles: { some: { role: 'INCENTIVES_ADMIN' } } }, select: { aadObjectId: true } });
    const day = now.toISOString().slice(0, 10);
    await enqueue(
      this.options.prisma,
      admins.map(({ aadObjectId }) => ({
        channel: 'TEAMS' as const,
        event: REFERRALS_SIGN_IN_FAILED,
        dedupeKey: `${REFERRALS_SIGN_IN_FAILED}:${partnerId}:${day}:${aadObjectId}`,
        recipient: aadObjectId,
        partnerId,
        payload: { kind: REFERRALS_SIGN_IN_FAILED, text: `Referrals are not reaching Partner Center: ${reason}` },
      })),
      now,
    );
  }

  private async push(message: OutboundMessage): Promise<DeliveryResult & { signInRefused?: boolean }> {
    const payload = SyncPayloadSchema.safeParse(message.payload);
    if (!payload.success) return { ok: false, retryable: false, reason: `Outbox row ${message.id} (${message.event}) does not name a referral.` };
    const referral = await this.facts(payload.data.referralId);
    if (!referral) return { ok: false, retryable: false, reason: `Referral ${payload.data.referralId} does not exist.` };
    switch (message.event) {
      case REFERRAL_SYNC_EVENTS.create:
        return this.create(referral, message.idempotencyKey);
      case REFERRAL_SYNC_EVENTS.upgrade:
        return this.upgrade(referral, message.idempotencyKey);
      default:
        return { ok: false, retryable: false, reason: `Unknown referral event ${message.event}.` };
    }
  }

  /**
   * A redelivery after a create whose id was stored is a no-op. Otherwise the referral is first looked
   * up by its externalReferenceId (our id: an earlier attempt may have created it and lost the answer),
   * then by the claim's customer and engagement (Partner Center may have created its own); only in
   * create mode, and only when neither finds one, is a referral created.
   */
  private async create(referral: ReferralFacts, requestId: string): Promise<DeliveryResult> {
    if (referral.externalId) return { ok: true };
    const ours = await this.list(`externalReferenceId eq ${odataString(referral.id)}`, requestId);
    if (!ours.ok) return ours.result;
    const byId = ours.list[0];
    if (byId) return this.keep(referral.id, byId.id, byId.eTag ?? null);

    // Get Referrals takes OData $filter; that customerProfile/name is filterable is our reading, not
    // stated in the documentation: check it against Partner Center before relying on link mode.
    const sameCustomer = await this.list(`customerProfile/name eq ${odataString(referral.customerName)}`, requestId);
    if (!sameCustomer.ok) return sameCustomer.result;
    const candidates = sameCustomer.list.filter((item) => isForEngagement(item, referral) && item.status !== 'Closed' && !item.externalReferenceId);
    if (candidates.length > 1) {
      return { ok: false, retryable: false, reason: `Partner Center holds ${candidates.length} open referrals for ${referral.customerName} and ${referral.engagementName}; link the right one to claim ${referral.claimId} by hand.` };
    }
    const [match] = candidates;
    if (match) return this.link(referral, match, requestId);

    if (this.options.mode === 'link') {
      return {
        ok: false,
        retryable: true,
        retryAfterMs: WAIT_FOR_PARTNER_CENTER_MS,
        reason: `Partner Center has no referral for ${referral.customerName} and ${referral.engagementName} yet; REFERRALS_MODE is link, so none is created from here.`,
      };
    }
    const answer = await this.call('POST', REFERRALS_PATH, createBody(referral, this.options.createSettings as ReferralCreateSettings, this.options.coSell), requestId);
    if (!answer.ok) return answer.result;
    const created = RemoteReferralSchema.safeParse(answer.json);
    // Not retried: another POST could create a second referral; an admin sees the dead letter.
    if (!created.success) return { ok: false, retryable: false, reason: 'Partner Center accepted the referral but its answer carried no referral id.' };
    return this.keep(referral.id, created.data.id, created.data.eTag ?? answer.etag);
  }

  /**
   * Links Partner Center's own referral: writes our id into it first, so a retry after a failure here
   * finds it again (by customer and engagement, or by our id), then keeps its id (the patch kept its new eTag).
   */
  private async link(referral: ReferralFacts, match: RemoteReferral, requestId: string): Promise<DeliveryResult> {
    const written = await this.patch({ ...referral, externalId: match.id, externalEtag: match.eTag ?? null }, () => [{ op: 'add', path: '/externalReferenceId', value: referral.id }], requestId);
    if (!written.ok) return written;
    await this.options.prisma.referral.updateMany({ where: { id: referral.id, externalId: null }, data: { externalId: match.id } });
    return { ok: true };
  }

  private async keep(referralId: string, externalId: string, etag: string | null): Promise<DeliveryResult> {
    await this.options.prisma.referral.updateMany({ where: { id: referralId, externalId: null }, data: { externalId, externalEtag: etag } });
    return { ok: true };
  }

  /** The upgrade to co-sell: Active/Accepted with Microsoft invited; nothing to do when Partner Center has it already. */
  private async upgrade(referral: ReferralFacts, requestId: string): Promise<DeliveryResult> {
    if (!referral.externalId) {
      return { ok: false, retryable: true, retryAfterMs: WAIT_FOR_CREATE_MS, reason: 'Waiting for the referral to be created in Partner Center first.' };
    }
    // Read first: what Partner Center's own flow already set (status, co-sell fields) is kept.
    return this.patch(referral, (current) => (current?.status === 'Active' && current.substatus === 'Accepted' ? [] : upgradeOps(referral, this.options.coSell, current)), requestId, { readFirst: true });
  }

  /**
   * A JSON Patch with If-Match of the kept eTag (read first when none is kept, or when the change
   * depends on what Partner Center holds). A 412 means the
   * referral changed in Partner Center: it is read again and the change, worked out afresh from what
   * is there now, is applied once more; a second 412 goes back to the outbox to be retried later.
   */
  private async patch(
    referral: ReferralFacts,
    opsFor: (current: RemoteReferral | null) => ReferralPatchOp[],
    requestId: string,
    { readFirst = false }: { readFirst?: boolean } = {},
  ): Promise<DeliveryResult> {
    const path = `${REFERRALS_PATH}/${encodeURIComponent(referral.externalId ?? '')}`;
    let etag = referral.externalEtag;
    let current: RemoteReferral | null = null;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (!etag || (readFirst && !current)) {
        const read = await this.read(path, requestId);
        if (!read.ok) return read.result;
        current = read.referral;
        etag = read.referral.eTag ?? read.etag;
        await this.storeEtag(referral.id, etag);
      }
      const ops = opsFor(current);
      if (ops.length === 0) return { ok: true };
      const answer = await this.call('PATCH', path, ops, requestId, etag);
      if (answer.ok) {
        const updated = RemoteReferralSchema.safeParse(answer.json);
        await this.storeEtag(referral.id, (updated.success ? updated.data.eTag : undefined) ?? answer.etag);
        return { ok: true };
      }
      if (answer.status !== 412) return answer.result;
      etag = null;
    }
    return { ok: false, retryable: true, reason: `Referral ${referral.externalId ?? ''} kept changing in Partner Center while it was being updated (412 twice).` };
  }

  private async storeEtag(referralId: string, etag: string | null): Promise<void> {
    await this.options.prisma.referral.update({ where: { id: referralId }, data: { externalEtag: etag } });
  }

  private async read(path: string, requestId: string): Promise<{ ok: true; referral: RemoteReferral; etag: string | null } | { ok: false; result: DeliveryResult }> {
    const answer = await this.call('GET', path, null, requestId);
    if (!answer.ok) return answer;
    const parsed = RemoteReferralSchema.safeParse(answer.json);
    if (!parsed.success) return { ok: false, result: { ok: false, retryable: true, reason: `Partner Center answered GET ${path} without a referral.` } };
    return { ok: true, referral: parsed.data, etag: answer.etag };
  }

  private async list(filter: string, requestId: string): Promise<{ ok: true; list: RemoteReferral[] } | { ok: false; result: DeliveryResult }> {
    const answer = await this.call('GET', `${REFERRALS_PATH}?$filter=${encodeURIComponent(filter)}`, null, requestId);
    return answer.ok ? { ok: true, list: referralList(answer.json) } : answer;
  }

  private async call(method: 'GET' | 'POST' | 'PATCH', path: string, body: object | null, requestId: string, ifMatch?: string | null): Promise<CallResult> {
    let token: string;
    try {
      token = await this.options.tokens.getToken();
    } catch (error) {
      // A refused refresh token will not heal by retrying: an admin must sign in again.
      const refused = error instanceof RefreshTokenRejectedError;
      return { ok: false, status: null, result: { ok: false, retryable: !refused, signInRefused: refused, reason: `Could not get an App+User access token for Partner Center: ${errorText(error)}` } };
    }
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        // MS-RequestId is the same on every retry of one outbox row, so Partner Center can recognise a repeat.
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          'MS-RequestId': requestId,
          'MS-CorrelationId': requestId,
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(method === 'PATCH' ? { prefer: 'return=representation' } : {}),
          ...(ifMatch ? { 'if-match': ifMatch } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? TIMEOUT_MS),
      });
    } catch (error) {
      return { ok: false, status: null, result: { ok: false, retryable: true, reason: `Partner Center could not be reached: ${errorText(error)}` } };
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return { ok: true, json: parseJson(text), etag: response.headers.get('etag') };
    const reason = `Partner Center answered ${response.status} to ${method} ${path}${errorDetail(text)}`;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), (this.options.clock ?? systemClock).now());
    if (response.status === 429 || response.status === 408 || response.status >= 500) {
      return { ok: false, status: response.status, result: { ok: false, retryable: true, reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) } };
    }
    return { ok: false, status: response.status, result: { ok: false, retryable: false, reason } };
  }

  private async facts(referralId: string): Promise<ReferralFacts | null> {
    const referral = await this.options.prisma.referral.findUnique({
      where: { id: referralId },
      include: { claim: { include: { customer: { select: { name: true } }, engagement: { select: { name: true } }, location: { select: { country: true } } } } },
    });
    if (!referral) return null;
    const { claim } = referral;
    return {
      id: referral.id,
      externalId: referral.externalId,
      externalEtag: referral.externalEtag,
      dealSizeUsd: referral.dealSizeUsd,
      claimId: claim.id,
      friendlyName: claim.friendlyName,
      customerName: claim.customer.name,
      country: claim.location.country,
      engagementName: claim.engagement.name,
      closingAt: claim.submissionDeadline ?? claim.consentDeadline,
      customerContact: { name: claim.customerContactName, email: claim.customerContactEmail, phone: claim.customerContactPhone },
      partnerContact: { name: claim.partnerContactName, email: claim.partnerContactEmail, phone: claim.partnerContactPhone },
    };
  }
}

/** An OData string literal: quoted, with quotes doubled. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Whether a referral of the claim's customer is about the claim's engagement (named in its name or notes). */
function isForEngagement(item: RemoteReferral, referral: ReferralFacts): boolean {
  const wanted = referral.engagementName.toLowerCase();
  return [item.name, item.details?.notes].some((text) => typeof text === 'string' && text.toLowerCase().includes(wanted));
}

function member(contact: ReferralFacts['customerContact']): object {
  const [firstName = contact.name, ...rest] = contact.name.trim().split(/\s+/);
  return { firstName, lastName: rest.join(' '), email: contact.email, ...(contact.phone ? { phoneNumber: contact.phone } : {}) };
}

/** A partner-led referral: the documented Independent type, shared with Microsoft sellers, no help asked. */
export function createBody(referral: ReferralFacts, settings: ReferralCreateSettings, coSell: ServicesCoSellSettings): object {
  return {
    ...coSell,
    name: `${referral.customerName} – ${referral.engagementName} (${referral.claimId})`,
    externalReferenceId: referral.id,
    type: 'Independent',
    qualification: 'SalesQualified',
    status: 'New',
    substatus: 'Pending',
    customerProfile: {
      name: referral.customerName,
      address: { country: referral.country },
      size: settings.customerSize,
      team: [member(referral.customerContact)],
    },
    consent: { consentToShareReferralWithMicrosoftSellers: true, consentToContact: true },
    details: {
      dealValue: referral.dealSizeUsd,
      currency: 'USD',
      closingDateTime: referral.closingAt.toISOString(),
      notes: `MCI claim ${referral.claimId} (${referral.friendlyName}), ${referral.engagementName}.`,
      requirements: { solutions: [{ id: settings.solutionId }] },
    },
    team: [member(referral.partnerContact)],
  };
}

/**
 * The upgrade to co-sell as JSON Patch: Active/Accepted (a documented pair), shared with Microsoft
 * sellers, and Microsoft invited with the reason (inviteContext); the Services co-sell fields are
 * added where the referral has none yet (values Partner Center's own flow set are kept). The type is
 * not flipped: the documentation describes no change of type on an existing referral.
 */
export function upgradeOps(referral: ReferralFacts, coSell: ServicesCoSellSettings, current: RemoteReferral | null): ReferralPatchOp[] {
  const missing = (Object.keys(coSell) as (keyof ServicesCoSellSettings)[]).filter((field) => !current?.[field]);
  return [
    ...missing.map((field): ReferralPatchOp => ({ op: 'add', path: `/${field}`, value: coSell[field] })),
    { op: 'replace', path: '/status', value: 'Active' },
    { op: 'replace', path: '/substatus', value: 'Accepted' },
    { op: 'replace', path: '/consent/consentToShareReferralWithMicrosoftSellers', value: true },
    { op: 'add', path: '/inviteContext', value: { notes: `The customer consented on MCI claim ${referral.claimId}; the partner asks Microsoft sellers who cover the customer for co-sell help.` } },
  ];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const ErrorBody = z.looseObject({ code: z.union([z.string(), z.number()]).optional(), description: z.string().optional(), message: z.string().optional() });

function errorDetail(text: string): string {
  const parsed = ErrorBody.safeParse(parseJson(text));
  if (!parsed.success) return text ? `: ${text.slice(0, 300)}` : '';
  const { code, description, message } = parsed.data;
  const detail = [code, description ?? message].filter((part) => part !== undefined && part !== '').join(' — ');
  return detail ? `: ${detail.slice(0, 300)}` : '';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
