import type { TokenCredential } from '@azure/identity';
import { z } from 'zod';
import { systemClock, type Clock } from '../shared/clock';
import type { Tx } from '../db';
import type { ChannelHandler, DeliveryResult, OutboundMessage } from '../outbox/delivery';
import { parseRetryAfter } from './email';
import { REFERRAL_SYNC_EVENTS } from './referrals';

/**
 * The outbox handlers of the REFERRALS channel. The referral rows are the store; each change queued
 * a REFERRALS row in its transaction (services/ports/referrals.ts), and one of these handles it:
 * - local default: nothing to push, the Referral table is where referrals live;
 * - production: the Partner Center Referrals API — POST a new partner-led referral, keep the id it
 *   returns as the referral's externalId, PATCH it to a shared co-sell referral on upgrade.
 * Failures go back to the outbox as results: 429, 408 and 5xx are retried honouring Retry-After,
 * other 4xx are dead letters an admin sees.
 */

/** Local mode: the referral is already where it lives. */
export const localReferralSync: ChannelHandler = {
  send: () => Promise.resolve({ ok: true }),
};

export const PARTNER_CENTER_DEFAULT_BASE_URL = 'https://api.partner.microsoft.com';
const PARTNER_CENTER_SCOPE = 'https://api.partner.microsoft.com/.default';
const REFERRALS_PATH = '/v1.0/engagements/referrals';
const TIMEOUT_MS = 30_000;
/** An upgrade waits this long for its referral's create to reach Partner Center first. */
const WAIT_FOR_CREATE_MS = 60_000;

export interface PartnerCenterReferralsOptions {
  /** The database client (not a transaction: the push happens outside any). */
  prisma: Tx;
  credential: TokenCredential;
  /** The API's origin, e.g. https://api.partner.microsoft.com; tests point it at a stub on loopback. */
  baseUrl?: string;
  clock?: Clock;
  timeoutMs?: number;
}

const SyncPayloadSchema = z.object({ referralId: z.string().min(1) });
const CreatedReferralSchema = z.looseObject({ id: z.string().min(1) });
const ReferralListSchema = z.union([z.array(CreatedReferralSchema), z.looseObject({ value: z.array(CreatedReferralSchema) })]);

/** The id of the first referral of a list answer (a bare array or `{ value: [...] }`), if any. */
function firstReferralId(json: unknown): string | undefined {
  const parsed = ReferralListSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.value;
  return list[0]?.id;
}

/** What a referral push needs to know about the referral and its claim. */
export interface ReferralFacts {
  id: string;
  externalId: string | null;
  dealSizeUsd: number;
  claimId: string;
  friendlyName: string;
  customerName: string;
  engagementName: string;
  customerContact: { name: string; email: string; phone: string | null };
  partnerContact: { name: string; email: string; phone: string | null };
}

export class PartnerCenterReferralSync implements ChannelHandler {
  private readonly baseUrl: string;

  constructor(private readonly options: PartnerCenterReferralsOptions) {
    this.baseUrl = (options.baseUrl ?? PARTNER_CENTER_DEFAULT_BASE_URL).replace(/\/+$/, '');
  }

  async send(message: OutboundMessage): Promise<DeliveryResult> {
    const payload = SyncPayloadSchema.safeParse(message.payload);
    if (!payload.success) return { ok: false, retryable: false, reason: `Outbox row ${message.id} (${message.event}) does not name a referral.` };
    const referral = await this.facts(payload.data.referralId);
    if (!referral) return { ok: false, retryable: false, reason: `Referral ${payload.data.referralId} does not exist.` };
    switch (message.event) {
      case REFERRAL_SYNC_EVENTS.create:
        return this.create(referral, message.idempotencyKey, message.attempt);
      case REFERRAL_SYNC_EVENTS.upgrade:
        return this.upgrade(referral, message.idempotencyKey);
      default:
        return { ok: false, retryable: false, reason: `Unknown referral event ${message.event}.` };
    }
  }

  /**
   * A redelivery after a create whose id was stored is a no-op. A retry first looks the referral up
   * by its externalReferenceId (our id), in case an earlier attempt created it but its answer was
   * lost, so one referral is not created twice from here.
   */
  private async create(referral: ReferralFacts, requestId: string, attempt: number): Promise<DeliveryResult> {
    if (referral.externalId) return { ok: true };
    if (attempt > 1) {
      const filter = encodeURIComponent(`externalReferenceId eq '${referral.id.replace(/'/g, "''")}'`);
      const found = await this.call('GET', `${REFERRALS_PATH}?$filter=${filter}`, null, requestId);
      if (!found.ok) return found.result;
      const existing = firstReferralId(found.json);
      if (existing) return this.keepExternalId(referral.id, existing);
    }
    const answer = await this.call('POST', REFERRALS_PATH, createBody(referral), requestId);
    if (!answer.ok) return answer.result;
    const created = CreatedReferralSchema.safeParse(answer.json);
    // Not retried: another POST could create a second referral; an admin sees the dead letter.
    if (!created.success) return { ok: false, retryable: false, reason: 'Partner Center accepted the referral but its answer carried no referral id.' };
    return this.keepExternalId(referral.id, created.data.id);
  }

  private async keepExternalId(referralId: string, externalId: string): Promise<DeliveryResult> {
    await this.options.prisma.referral.updateMany({ where: { id: referralId, externalId: null }, data: { externalId } });
    return { ok: true };
  }

  private async upgrade(referral: ReferralFacts, requestId: string): Promise<DeliveryResult> {
    if (!referral.externalId) {
      return { ok: false, retryable: true, retryAfterMs: WAIT_FOR_CREATE_MS, reason: 'Waiting for the referral to be created in Partner Center first.' };
    }
    const answer = await this.call('PATCH', `${REFERRALS_PATH}/${encodeURIComponent(referral.externalId)}`, upgradeBody(referral), requestId);
    return answer.ok ? { ok: true } : answer.result;
  }

  private async call(method: 'GET' | 'POST' | 'PATCH', path: string, body: object | null, requestId: string): Promise<{ ok: true; json: unknown } | { ok: false; result: DeliveryResult }> {
    let token: string;
    try {
      const accessToken = await this.options.credential.getToken(PARTNER_CENTER_SCOPE);
      if (!accessToken) return { ok: false, result: { ok: false, retryable: true, reason: 'No access token for Partner Center was returned by the credential.' } };
      token = accessToken.token;
    } catch (error) {
      return { ok: false, result: { ok: false, retryable: true, reason: `Could not get an access token for Partner Center: ${errorText(error)}` } };
    }
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        // MS-RequestId is the same on every retry of one outbox row, so Partner Center can recognise a repeat.
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'MS-RequestId': requestId, 'MS-CorrelationId': requestId },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? TIMEOUT_MS),
      });
    } catch (error) {
      return { ok: false, result: { ok: false, retryable: true, reason: `Partner Center could not be reached: ${errorText(error)}` } };
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return { ok: true, json: parseJson(text) };
    const reason = `Partner Center answered ${response.status} to ${method} ${path}${errorDetail(text)}`;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), (this.options.clock ?? systemClock).now());
    if (response.status === 429 || response.status === 408 || response.status >= 500) {
      return { ok: false, result: { ok: false, retryable: true, reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) } };
    }
    return { ok: false, result: { ok: false, retryable: false, reason } };
  }

  private async facts(referralId: string): Promise<ReferralFacts | null> {
    const referral = await this.options.prisma.referral.findUnique({
      where: { id: referralId },
      include: { claim: { include: { customer: { select: { name: true } }, engagement: { select: { name: true } } } } },
    });
    if (!referral) return null;
    const { claim } = referral;
    return {
      id: referral.id,
      externalId: referral.externalId,
      dealSizeUsd: referral.dealSizeUsd,
      claimId: claim.id,
      friendlyName: claim.friendlyName,
      customerName: claim.customer.name,
      engagementName: claim.engagement.name,
      customerContact: { name: claim.customerContactName, email: claim.customerContactEmail, phone: claim.customerContactPhone },
      partnerContact: { name: claim.partnerContactName, email: claim.partnerContactEmail, phone: claim.partnerContactPhone },
    };
  }
}

function member(contact: ReferralFacts['customerContact']): object {
  const [firstName = contact.name, ...rest] = contact.name.trim().split(/\s+/);
  return { firstName, lastName: rest.join(' '), email: contact.email, ...(contact.phone ? { phoneNumber: contact.phone } : {}) };
}

/** A partner-led referral: shared with Microsoft sellers, no help asked (the API's "Independent" type with consent to share). */
export function createBody(referral: ReferralFacts): object {
  return {
    name: `${referral.customerName} – ${referral.engagementName} (${referral.claimId})`,
    externalReferenceId: referral.id,
    type: 'Independent',
    qualification: 'SalesQualified',
    status: 'New',
    substatus: 'Pending',
    customerProfile: { name: referral.customerName, team: [member(referral.customerContact)] },
    consent: { consentToShareReferralWithMicrosoftSellers: true, consentToContact: true },
    details: { dealValue: referral.dealSizeUsd, currency: 'USD', notes: `MCI claim ${referral.claimId} (${referral.friendlyName}), ${referral.engagementName}.` },
    team: [member(referral.partnerContact)],
  };
}

/** The upgrade to co-sell: the referral becomes shared with Microsoft, help asked, accepted. */
export function upgradeBody(referral: ReferralFacts): object {
  return {
    type: 'Shared',
    status: 'Active',
    substatus: 'Accepted',
    consent: { consentToShareReferralWithMicrosoftSellers: true, consentToContact: true },
    inviteContext: { notes: `The customer consented on MCI claim ${referral.claimId}; the partner asks Microsoft sellers who cover the customer for co-sell help.` },
  };
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
