import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { z } from 'zod';
import { systemClock, type Clock } from '../shared/clock';
import type { ChannelHandler, DeliveryResult, OutboundMessage } from '../outbox/delivery';

/**
 * The email port. The outbox delivery hands each EMAIL row to `emailChannelHandler(sender)`, which
 * reads the rendered message from the row's payload and calls `EmailSender.send` once per attempt.
 * The local default writes `.eml` files; production sends through Microsoft Graph `sendMail`.
 */

export interface EmailAddress {
  address: string;
  name?: string;
}

export interface EmailMessage {
  /** The same on every retry of one outbox row (its id): the file name locally, the Message-ID everywhere. */
  idempotencyKey: string;
  to: EmailAddress;
  replyTo?: EmailAddress;
  subject: string;
  text: string;
  html: string;
  /** The link the email asks the reader to open; the local sender logs it so it can be opened without a mail client. */
  actionUrl?: string;
}

/** What a send did, in the shape the outbox delivery acts on (retry, honour Retry-After, or dead-letter). */
export type EmailSendResult = DeliveryResult;

export interface EmailSender {
  send(message: EmailMessage): Promise<EmailSendResult>;
}

/** The logging the local sender needs; a pino logger fits. */
export interface MailLog {
  info(details: object, message: string): void;
}

/** The rendered email an EMAIL outbox row carries (services/consent/consent.ts writes one such payload). */
export const EmailPayloadSchema = z.object({
  to: z.email(),
  toName: z.string().optional(),
  replyTo: z.email().optional(),
  replyToName: z.string().optional(),
  subject: z.string().min(1),
  text: z.string(),
  html: z.string(),
  actionUrl: z.string().optional(),
});

/** Reads the email from an outbox row; a payload that is not an email cannot ever be sent. */
export function emailFromOutbox(message: Pick<OutboundMessage, 'idempotencyKey' | 'payload'>): EmailMessage | null {
  const parsed = EmailPayloadSchema.safeParse(message.payload);
  if (!parsed.success) return null;
  const p = parsed.data;
  return {
    idempotencyKey: message.idempotencyKey,
    to: { address: p.to, ...(p.toName ? { name: p.toName } : {}) },
    ...(p.replyTo ? { replyTo: { address: p.replyTo, ...(p.replyToName ? { name: p.replyToName } : {}) } } : {}),
    subject: p.subject,
    text: p.text,
    html: p.html,
    ...(p.actionUrl ? { actionUrl: p.actionUrl } : {}),
  };
}

/** The outbox delivery's handler for the EMAIL channel. */
export function emailChannelHandler(sender: EmailSender): ChannelHandler {
  return {
    async send(message: OutboundMessage): Promise<DeliveryResult> {
      const email = emailFromOutbox(message);
      if (!email) return { ok: false, retryable: false, reason: `Outbox row ${message.id} (${message.event}) does not hold a valid email.` };
      return sender.send(email);
    },
  };
}

const MESSAGE_ID_DOMAIN = 'mci-engagement-assistant';

/** The RFC 5322 Message-ID of an email: stable across retries, so receiving systems can drop a repeat. */
export function messageIdFor(idempotencyKey: string): string {
  return `<${idempotencyKey.replace(/[^A-Za-z0-9._-]/g, '_')}@${MESSAGE_ID_DOMAIN}>`;
}

export const DEFAULT_LOCAL_FROM: EmailAddress = { address: 'no-reply@localhost', name: 'MCI Engagement Assistant' };

/**
 * Local mode: each email becomes `<dataDir>/mail/<outbox id>.eml`. The file is written under a
 * temporary name and renamed, so a retry replaces it whole and never leaves a second copy.
 */
export class LocalEmailSender implements EmailSender {
  constructor(
    private readonly options: {
      dataDir: string;
      log: MailLog;
      from?: EmailAddress;
      clock?: Clock;
      /** Log each email's link (local mode); off elsewhere, because a consent link is a bearer credential. */
      logLinks?: boolean;
    },
  ) {}

  get mailDir(): string {
    return path.join(this.options.dataDir, 'mail');
  }

  /** The file an email with this idempotency key is written to. */
  fileFor(idempotencyKey: string): string {
    return path.join(this.mailDir, `${idempotencyKey.replace(/[^A-Za-z0-9_-]/g, '_')}.eml`);
  }

  async send(message: EmailMessage): Promise<EmailSendResult> {
    const file = this.fileFor(message.idempotencyKey);
    const eml = renderEml(message, { from: this.options.from ?? DEFAULT_LOCAL_FROM, date: (this.options.clock ?? systemClock).now() });
    try {
      await mkdir(this.mailDir, { recursive: true });
      const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, eml, 'utf8');
      await rename(temporary, file);
    } catch (error) {
      return { ok: false, retryable: true, reason: `Could not write ${file}: ${error instanceof Error ? error.message : String(error)}` };
    }
    const link = this.options.logLinks === false ? {} : { link: message.actionUrl };
    this.options.log.info({ to: message.to.address, subject: message.subject, file, ...link }, 'email stored');
    return { ok: true };
  }
}

/** An RFC 5322 message (MIME multipart/alternative, text and HTML, UTF-8, quoted-printable). */
export function renderEml(message: EmailMessage, envelope: { from: EmailAddress; date: Date }): string {
  const boundary = `=_mci_${message.idempotencyKey.replace(/[^A-Za-z0-9]/g, '')}`;
  const headers = [
    `From: ${formatAddress(envelope.from)}`,
    `To: ${formatAddress(message.to)}`,
    ...(message.replyTo ? [`Reply-To: ${formatAddress(message.replyTo)}`] : []),
    `Subject: ${encodeHeaderText(message.subject)}`,
    `Date: ${envelope.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${messageIdFor(message.idempotencyKey)}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (type: string, body: string) =>
    [`--${boundary}`, `Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: quoted-printable', '', encodeQuotedPrintable(body)].join('\r\n');
  return [...headers, '', part('text/plain', message.text), part('text/html', message.html), `--${boundary}--`, ''].join('\r\n');
}

function formatAddress(address: EmailAddress): string {
  return address.name ? `${encodeHeaderText(address.name, true)} <${address.address}>` : address.address;
}

/** A header value as is when it is plain ASCII, else as RFC 2047 encoded words folded onto continuation lines. */
function encodeHeaderText(text: string, phrase = false): string {
  if (/^[\x20-\x7e]*$/.test(text)) {
    return phrase && /[()<>@,;:\\".[\]]/.test(text) ? `"${text.replace(/["\\]/g, '\\$&')}"` : text;
  }
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    // 45 bytes of UTF-8 encode to 60 characters of base64, keeping each encoded word under 75.
    if (Buffer.byteLength(chunk + ch, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/** Quoted-printable (RFC 2045) of UTF-8 text: lines of at most 76 characters, CRLF line ends. */
export function encodeQuotedPrintable(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      const bytes = Buffer.from(line, 'utf8');
      let encoded = '';
      bytes.forEach((byte, index) => {
        const last = index === bytes.length - 1;
        const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
        encoded += literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      });
      const out: string[] = [];
      while (encoded.length > 76) {
        let cut = 75;
        // Never split an =XX escape across a soft line break.
        const escape = encoded.lastIndexOf('=', cut);
        if (escape > cut - 3) cut = escape;
        out.push(`${encoded.slice(0, cut)}=`);
        encoded = encoded.slice(cut);
      }
      out.push(encoded);
      return out.join('\r\n');
    })
    .join('\r\n');
}

export const GRAPH_DEFAULT_BASE_URL = 'https://graph.microsoft.com/v1.0';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const GRAPH_TIMEOUT_MS = 30_000;

export interface GraphEmailOptions {
  /** The mailbox that sends (UPN or object id); the app needs the Mail.Send application permission on it. */
  sender: string;
  credential: TokenCredential;
  /** Graph's base URL up to the version, e.g. https://graph.microsoft.com/v1.0; tests point it at a stub. */
  baseUrl?: string;
  clock?: Clock;
  timeoutMs?: number;
}

/**
 * Production: Microsoft Graph `POST /users/{sender}/sendMail`. Graph accepts a send with 202 and has
 * no idempotency key of its own; the stable Message-ID lets receiving systems drop a repeat when a
 * send succeeded but its outcome was lost (the outbox delivers at least once).
 */
export class GraphEmailSender implements EmailSender {
  private readonly baseUrl: string;

  constructor(private readonly options: GraphEmailOptions) {
    this.baseUrl = (options.baseUrl ?? GRAPH_DEFAULT_BASE_URL).replace(/\/+$/, '');
  }

  async send(message: EmailMessage): Promise<EmailSendResult> {
    let token: string;
    try {
      const accessToken = await this.options.credential.getToken(GRAPH_SCOPE);
      if (!accessToken) return { ok: false, retryable: true, reason: 'No access token for Microsoft Graph was returned by the credential.' };
      token = accessToken.token;
    } catch (error) {
      return { ok: false, retryable: true, reason: `Could not get an access token for Microsoft Graph: ${errorText(error)}` };
    }
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/users/${encodeURIComponent(this.options.sender)}/sendMail`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(graphSendMailBody(message)),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? GRAPH_TIMEOUT_MS),
      });
    } catch (error) {
      return { ok: false, retryable: true, reason: `Microsoft Graph could not be reached: ${errorText(error)}` };
    }
    if (response.ok) {
      await response.body?.cancel();
      return { ok: true };
    }
    const reason = `Microsoft Graph answered ${response.status}${await graphError(response)}`;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), (this.options.clock ?? systemClock).now());
    if (response.status === 429 || response.status === 408 || response.status >= 500) {
      return { ok: false, retryable: true, reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    return { ok: false, retryable: false, reason };
  }
}

/** The JSON body of Graph's sendMail for one message. */
export function graphSendMailBody(message: EmailMessage): object {
  const recipient = (address: EmailAddress) => ({ emailAddress: { address: address.address, ...(address.name ? { name: address.name } : {}) } });
  return {
    message: {
      subject: message.subject,
      body: { contentType: 'HTML', content: message.html },
      toRecipients: [recipient(message.to)],
      ...(message.replyTo ? { replyTo: [recipient(message.replyTo)] } : {}),
      internetMessageId: messageIdFor(message.idempotencyKey),
      // Graph only accepts custom headers whose names start with X-.
      internetMessageHeaders: [{ name: 'X-MCI-Idempotency-Key', value: message.idempotencyKey }],
    },
    saveToSentItems: true,
  };
}

/** Retry-After as delay-seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

const GraphErrorBody = z.object({ error: z.object({ code: z.string().optional(), message: z.string().optional() }) });

async function graphError(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = GraphErrorBody.safeParse(json);
  if (!parsed.success) return text ? `: ${text.slice(0, 300)}` : '';
  const { code, message } = parsed.data.error;
  return `: ${[code, message].filter(Boolean).join(' — ').slice(0, 300)}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
