import { CardFactory, MessageFactory, type ConversationReference, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { CO_SELL_REFERRALS_ACTION, claimRefresh } from '../cards/actions';
import { digestCard } from '../cards/digest';
import { notificationCard, type NotificationCardData } from '../cards/notification';
import type { Database } from '../services/db';
import { DIGEST_EVENT, DigestPayloadSchema } from '../services/digest';
import type { ChannelHandler, DeliveryResult, OutboundMessage } from '../services/outbox';
import { DEFAULT_PARTNER_CENTER_REFERRALS_URL, partnerCenterReferralLink } from '../services/referrals';
import { ConversationReferenceStore, type PersonalConversation } from './conversationReferences';
import type { Logger } from './logger';
import { TeamsRateLimiter, type SendSlot } from './teamsRateLimiter';
import { activityForChannel } from './universalActions';

/**
 * The outbox's TEAMS channel: a proactive Adaptive Card in the recipient's personal chat with the
 * bot, sent with `continueConversationAsync` (the app id in production, '' in local mode, where the
 * reply goes to the stored reference's serviceUrl without a token).
 *
 * Outcomes, as the outbox delivery expects them:
 * - no active personal conversation with the recipient → undeliverable ("no conversation with this user");
 * - 403 (BotNotInConversationRoster, MessageWritesBlocked, BotDisabledByAdmin, …) or 404 → the
 *   reference is marked inactive and the message is undeliverable, naming the reason;
 * - 429 → retryable after Retry-After; 408, 412, 502, 504 and other 5xx, and network errors → retryable;
 *   other 4xx → permanent. Each is one HTTP request: the proactive adapter's transport
 *   (bot/proactiveAdapter.ts) turns off the Bot Framework client's in-process retries and times the
 *   request out, so a send never waits inside the outbox pass and the row goes back with its next
 *   attempt at once;
 * - the rate limiter has no slot soon enough → held (not a failure: no attempt spent, no backoff),
 *   due again when the limiter's window has room, nothing sent. A send counts against the limiter
 *   from when Teams answered it (bot/teamsRateLimiter.ts).
 */

/** What `continueConversationAsync` needs; CloudAdapter has it. */
export interface ProactiveAdapter {
  continueConversationAsync(botAppId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void>;
}

export interface TeamsNotifierOptions {
  db: Database;
  adapter: ProactiveAdapter;
  /** MicrosoftAppId; '' in local mode. */
  appId: string;
  logger: Logger;
  /** Shared by every send of this instance; a new one with share 1 unless given. */
  limiter?: TeamsRateLimiter;
  /** The longest the notifier waits in-process for a rate-limit slot before handing the row back to the outbox. */
  maxLimiterWaitMs?: number;
  /** Tests replace it. */
  sleep?: (ms: number) => Promise<void>;
  /** PARTNER_CENTER_REFERRALS_URL: where a Referrals admin opens a referral (services/referrals/links.ts). */
  partnerCenterReferralsUrl?: string;
  /** The instance's conversation references, shared with the bot; a new one unless given. */
  references?: ConversationReferenceStore;
}

export const NO_CONVERSATION = 'No conversation with this user (the bot is not installed in their Teams, or was removed)';

const TEAMS_REFUSALS = ['BotNotInConversationRoster', 'MessageWritesBlocked', 'BotDisabledByAdmin', 'ConversationBlockedByUser'] as const;

/** The payload fields a notification uses; events put what they know, `text` always. */
const NotificationPayloadSchema = z.looseObject({
  kind: z.string().optional(),
  text: z.string().optional(),
  claimId: z.string().optional(),
  friendlyName: z.string().optional(),
  customerName: z.string().optional(),
  engagementName: z.string().optional(),
  partnerName: z.string().optional(),
  /** The claim's status when the message was written. */
  status: z.string().optional(),
  referralId: z.string().optional(),
  /** Referral messages: whom this one is for (services/referrals). */
  audience: z.enum(['creator', 'referralsAdmin', 'seller']).optional(),
  /** Referral messages: how many Referrals admins the partner has. */
  referralsAdmins: z.number().optional(),
});

type NotificationPayload = z.infer<typeof NotificationPayloadSchema>;

type Button = NotificationCardData['buttons'][number];

interface EventWording {
  title: string;
  color: NotificationCardData['color'];
  next: string | ((payload: NotificationPayload) => string);
  /** The next step's buttons before "View claim"; a seller's card has its own (see SELLER_EVENTS). */
  steps?: (claimId: string, payload: NotificationPayload) => Button[];
}

const submitStep = (claimId: string): Button[] => [{ title: 'Submit claim', data: { action: 'submitClaim', claimId } }];
const AWAITING_FIRST_CONSENT_EMAIL = new Set(['ADDED', 'CLAIMED']);
const awaitsFirstEmail = (payload: NotificationPayload): boolean => AWAITING_FIRST_CONSENT_EMAIL.has(payload.status ?? '');

const EVENT_WORDING: Record<string, EventWording> = {
  'consent.accepted': { title: 'The customer accepted consent', color: 'Good', next: 'Next: submit the claim with the proof of execution before the submission deadline.', steps: submitStep },
  'consent.declined': { title: 'The customer declined consent', color: 'Attention', next: 'Nothing more to do for this claim; it is closed.' },
  'deadline.consent.reminder': {
    title: 'The consent deadline is near',
    color: 'Warning',
    // A claim whose consent email was never sent needs it sent, not re-sent.
    next: (payload) => (awaitsFirstEmail(payload) ? 'Next: send the customer the consent email before the deadline.' : 'Next: re-send the consent email, or ask the customer to answer it.'),
    steps: (claimId, payload) => (awaitsFirstEmail(payload) ? [{ title: 'Send consent email', data: { action: 'sendConsent', claimId } }] : []),
  },
  'deadline.submission.reminder': { title: 'The submission deadline is near', color: 'Warning', next: 'Next: submit the claim with the proof of execution before the deadline.', steps: submitStep },
  'claim.expired': { title: 'A claim expired', color: 'Attention', next: 'Nothing more can be done for this claim.' },
  'claim.submitted': { title: 'A claim was submitted', color: 'Default', next: 'Microsoft reviews it; you will be told the outcome here.' },
  'claim.reviewed': {
    title: 'Microsoft reviewed a claim',
    color: 'Default',
    next: 'Next: open the claim to see the outcome and, if asked, resubmit in time.',
    // A rejected claim may be resubmitted within its submission window.
    steps: (claimId, payload) => (payload.status === 'REJECTED' ? [{ title: 'Resubmit claim', data: { action: 'submitClaim', claimId } }] : []),
  },
  'referral.created': {
    title: 'A partner-led referral was created',
    color: 'Good',
    next: (payload) =>
      payload.audience === 'referralsAdmin'
        ? 'Next: open the referral in Partner Center to work the deal; the claim details show it too.'
        : referralsAdminsTold(payload),
  },
  'referral.upgraded': {
    title: 'The referral was upgraded to co-sell',
    color: 'Good',
    next: (payload) =>
      payload.audience === 'referralsAdmin'
        ? 'Microsoft sellers who cover this customer were told and may contact your partner contact. Open the referral in Partner Center to work the deal with them.'
        : `Microsoft sellers who cover this customer were told and may contact your partner contact. ${referralsAdminsTold(payload)}`,
  },
  'claim.canceled': { title: 'An admin canceled a claim', color: 'Attention', next: 'Nothing more can be done for this claim; the claim details show the reason.' },
  'referrals.signin.failed': {
    title: 'Referrals are not reaching Partner Center',
    color: 'Attention',
    next: "Next: ask whoever runs the bot to renew its Partner Center sign-in (the deployment guide's Referrals connection steps); referrals wait until then.",
  },
  'cosell.available': { title: 'A co-sell opportunity for a customer you cover', color: 'Good', next: 'Next: open the co-sell referral to see the partner contact and reach out to co-sell.' },
};

/** What the claim's creator is told about who works the referral: true whether or not the partner has a Referrals admin. */
function referralsAdminsTold(payload: NotificationPayload): string {
  return payload.referralsAdmins === 0
    ? 'Your organisation has no Referrals admin yet: ask an Incentives admin to give someone the role, so that the referral is worked in Partner Center.'
    : 'Your Referrals admins were told and work it in Partner Center.';
}

/** Events sent to Microsoft sellers: they may open the co-sell referral, never a partner's claim. */
const SELLER_EVENTS = new Set(['cosell.available']);

const DEFAULT_WORDING: EventWording = { title: 'An update on a claim', color: 'Default', next: 'Open the claim to see what changed.' };

/** What the card links to outside Teams, found by the notifier before it draws the card. */
export interface NotificationLinks {
  /** The referral in Partner Center, for a Referrals admin's referral message. */
  partnerCenterReferral?: string;
}

/**
 * The card for an outbox row: what happened, each fact the field it names (the customer's name
 * under "Customer", the claim's friendly name under "Claim name"), what to do next, and the buttons
 * that do it: the next step and "View claim" for partner staff, the co-sell referral for a seller,
 * Partner Center for a Referrals admin.
 */
export function notificationFor(message: Pick<OutboundMessage, 'event' | 'claimId' | 'payload'>, links: NotificationLinks = {}): NotificationCardData {
  const parsed = NotificationPayloadSchema.safeParse(message.payload);
  const payload: NotificationPayload = parsed.success ? parsed.data : {};
  const wording = EVENT_WORDING[message.event] ?? DEFAULT_WORDING;
  const claimId = message.claimId ?? payload.claimId ?? '';
  const forSeller = SELLER_EVENTS.has(message.event);
  const facts = [
    { title: 'Customer', value: payload.customerName },
    // The friendly name is the partner's own label for the claim; a seller knows the claim by its id.
    { title: 'Claim name', value: forSeller ? undefined : payload.friendlyName },
    { title: 'Engagement', value: payload.engagementName },
    { title: 'Partner', value: forSeller ? payload.partnerName : undefined },
    { title: 'Claim', value: claimId || undefined },
    { title: 'Referral', value: message.event.startsWith('referral.') ? payload.referralId : undefined },
  ].flatMap((fact) => (fact.value ? [{ title: fact.title, value: fact.value }] : []));
  const buttons: Button[] =
    claimId === ''
      ? []
      : forSeller
        ? [{ title: 'View co-sell referral', data: { action: CO_SELL_REFERRALS_ACTION, claimId } }]
        : [...(wording.steps?.(claimId, payload) ?? []), { title: 'View claim', data: { action: 'viewClaim', claimId } }];
  const link = payload.audience === 'referralsAdmin' && links.partnerCenterReferral ? { title: 'Open the referral in Partner Center', url: links.partnerCenterReferral } : null;
  const next = typeof wording.next === 'function' ? wording.next(payload) : wording.next;
  return { title: wording.title, color: wording.color, text: payload.text ?? wording.title, facts, next, buttons, link };
}

/** How long what a delivery pass looked up for its recipients is used: the pass's sends, not later ones. */
const PREPARED_FOR_MS = 30_000;

export class TeamsNotifier implements ChannelHandler {
  private readonly references: ConversationReferenceStore;
  private readonly limiter: TeamsRateLimiter;
  private readonly maxLimiterWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Recipients' conversations looked up by `prepare`, with when that stops being used. */
  private readonly prepared = new Map<string, { target: PersonalConversation; until: number }>();

  constructor(private readonly options: TeamsNotifierOptions) {
    this.references = options.references ?? new ConversationReferenceStore(options.db, options.logger);
    this.limiter = options.limiter ?? new TeamsRateLimiter();
    this.maxLimiterWaitMs = options.maxLimiterWaitMs ?? 2_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Looks up the conversations of a pass's recipients in one statement; a failure leaves each send to look up its own. */
  async prepare(messages: readonly OutboundMessage[]): Promise<void> {
    const now = Date.now();
    for (const [recipient, entry] of this.prepared) if (entry.until <= now) this.prepared.delete(recipient);
    const recipients = [...new Set(messages.map((message) => message.recipient))];
    try {
      const found = await this.references.personalConversations(recipients);
      for (const [recipient, target] of found) this.prepared.set(recipient, { target, until: now + PREPARED_FOR_MS });
    } catch (error) {
      this.options.logger.warn({ err: error, recipients: recipients.length }, 'could not look up the recipients of a delivery pass; each send looks up its own');
    }
  }

  private async target(recipient: string): Promise<PersonalConversation | null> {
    const prepared = this.prepared.get(recipient);
    // Someone without a conversation then may have installed the bot since: only a found one is reused.
    if (prepared?.target && prepared.until > Date.now()) return prepared.target;
    return this.references.personalConversation(recipient);
  }

  async send(message: OutboundMessage): Promise<DeliveryResult> {
    const target = await this.target(message.recipient);
    if (!target) return { ok: false, retryable: false, undeliverable: true, reason: NO_CONVERSATION };
    const drawn = await this.draw(message);
    if (!drawn) return { ok: false, retryable: false, reason: 'The daily digest in this message could not be read, so it was not sent' };
    const { card, summary } = drawn;
    // The slot is taken last, with the card ready: its window runs from then until Teams answered.
    const slot = await this.slot(target.conversationId, target.tenantId);
    if (typeof slot === 'number') return { ok: false, held: true, retryAfterMs: slot, reason: 'Held back to keep within the Teams rate limits' };
    try {
      return await this.deliver(message, target, summary, card, slot);
    } finally {
      slot.finish();
    }
  }

  /** The card for the row and its one-line summary; a daily digest has a card of its own. Null for a digest payload that cannot be read. */
  private async draw(message: OutboundMessage): Promise<{ card: object; summary: string } | null> {
    if (message.event === DIGEST_EVENT) {
      const digest = DigestPayloadSchema.safeParse(message.payload);
      return digest.success ? { card: digestCard(digest.data), summary: digest.data.text } : null;
    }
    const content = notificationFor(message, await this.links(message));
    // Opened later, a notification about a claim shows that claim as it is then (Universal Actions' refresh).
    const claimId = message.claimId;
    const card = claimId ? { ...notificationCard(content), refresh: claimRefresh(claimId, `${content.title}: ${content.text}`) } : notificationCard(content);
    return { card, summary: content.text };
  }

  private async deliver(message: OutboundMessage, target: PersonalConversation, summary: string, card: object, slot: SendSlot): Promise<DeliveryResult> {
    try {
      await this.options.adapter.continueConversationAsync(this.options.appId, target.reference, async (context) => {
        // The card says it all; the text goes in `summary`, which Teams shows in the notification toast and feed.
        const activity = activityForChannel(MessageFactory.attachment(CardFactory.adaptiveCard(card)), context.activity);
        activity.summary = summary;
        await context.sendActivity(activity);
      });
      return { ok: true };
    } catch (error) {
      slot.finish();
      const failure = describeFailure(error);
      if (failure.status === 403 || failure.status === 404) {
        const why = failure.status === 403 ? `Teams refused the message (403 ${failure.code ?? 'Forbidden'})` : 'Teams does not know this conversation any more (404)';
        await this.references.deactivate(target.conversationId, why);
        this.prepared.delete(message.recipient);
        this.options.logger.warn({ outboxId: message.id, conversationId: target.conversationId, status: failure.status, code: failure.code }, 'conversation reference deactivated');
        // The user may still be reachable in another conversation (the bot reinstalled, another client): try that one next.
        if (await this.references.personalConversation(message.recipient)) {
          return { ok: false, retryable: true, retryAfterMs: 0, reason: `${why}; trying the user's other conversation` };
        }
        return { ok: false, retryable: false, undeliverable: true, reason: why };
      }
      if (failure.status === 429) {
        return { ok: false, retryable: true, ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}), reason: 'Teams is throttling (429)' };
      }
      if (failure.status !== undefined && failure.status !== 408 && failure.status !== 412 && failure.status < 500) {
        return { ok: false, retryable: false, reason: `Teams refused the message (${failure.status}${failure.code ? ` ${failure.code}` : ''})` };
      }
      const status = failure.status !== undefined ? ` (${failure.status})` : '';
      return { ok: false, retryable: true, ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}), reason: `Teams did not take the message${status}: ${failure.message}` };
    }
  }

  /** The referral's Partner Center link, for a Referrals admin's referral message only. */
  private async links(message: OutboundMessage): Promise<NotificationLinks> {
    const payload = NotificationPayloadSchema.safeParse(message.payload);
    if (!payload.success || payload.data.audience !== 'referralsAdmin' || !payload.data.referralId) return {};
    // Read at delivery, not when the message was queued: Partner Center's id arrives with the referral's push.
    const referral = await this.options.db.prisma.referral.findUnique({ where: { id: payload.data.referralId }, select: { externalId: true } });
    return { partnerCenterReferral: partnerCenterReferralLink(this.options.partnerCenterReferralsUrl ?? DEFAULT_PARTNER_CENTER_REFERRALS_URL, referral?.externalId ?? null) };
  }

  /** The slot once taken; otherwise the wait, when it is more than the notifier waits in-process. Bounded. */
  private async slot(conversationId: string, tenantId: string | null): Promise<SendSlot | number> {
    let wait = 0;
    for (let round = 0; round < 5; round += 1) {
      const acquired = this.limiter.acquire(conversationId, tenantId);
      if (acquired.slot) return acquired.slot;
      wait = acquired.waitMs;
      if (wait > this.maxLimiterWaitMs) return wait;
      await this.sleep(wait);
    }
    return wait;
  }
}

interface Failure {
  status?: number;
  code?: string;
  retryAfterMs?: number;
  message: string;
}

const errorShape = z.looseObject({
  statusCode: z.number().optional(),
  status: z.number().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  // ConnectorSendError (bot/proactiveAdapter.ts) carries these itself; a RestError under `response`.
  bodyAsText: z.string().optional(),
  headers: z.unknown().optional(),
  response: z.looseObject({ status: z.number().optional(), bodyAsText: z.string().nullish(), headers: z.unknown().optional() }).optional(),
});

/** Status, Teams' reason code and Retry-After from whatever the connector threw. */
export function describeFailure(error: unknown): Failure {
  const parsed = errorShape.safeParse(error);
  const message = error instanceof Error ? error.message : String(error);
  if (!parsed.success) return { message };
  const e = parsed.data;
  const status = e.statusCode ?? e.response?.status ?? e.status;
  const body = e.response?.bodyAsText ?? e.bodyAsText ?? '';
  const code = TEAMS_REFUSALS.find((reason) => body.includes(reason) || message.includes(reason) || e.code === reason) ?? bodyCode(body) ?? e.code;
  const retryAfterMs = parseRetryAfter(header(e.response?.headers ?? e.headers, 'retry-after'));
  return { message, ...(status !== undefined ? { status } : {}), ...(code ? { code } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

function bodyCode(body: string): string | undefined {
  try {
    const parsed = z.object({ error: z.object({ code: z.string() }) }).safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.error.code : undefined;
  } catch {
    return undefined;
  }
}

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  if ('get' in headers && typeof headers.get === 'function') {
    const value: unknown = headers.get.call(headers, name);
    return typeof value === 'string' ? value : undefined;
  }
  const record = z.record(z.string(), z.unknown()).safeParse(headers);
  if (!record.success) return undefined;
  const value = Object.entries(record.data).find(([key]) => key.toLowerCase() === name)?.[1];
  return typeof value === 'string' ? value : undefined;
}

/** Retry-After as seconds or an HTTP date, in milliseconds. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
