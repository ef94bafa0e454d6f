import { randomBytes, randomUUID } from 'node:crypto';
import type { Next, Request, Response, Server } from 'restify';
import { INVOKE_RESPONSE_KEY, type Activity, type ActivityHandler, type CloudAdapter, type InvokeResponse } from 'botbuilder';
import { z } from 'zod';
import { answeredCard, cardAttachment, cardPress, tagCardActions } from './directLineCards';
import type { Logger } from './logger';
import type { InFlight } from './server';

/**
 * A local Direct Line channel for the /chat page (local mode only; never registered in production).
 *
 * It is the subset of Direct Line 3.0 that Web Chat's DirectLine client uses when polling
 * (`webSocket: false`), on `/v3/directline`:
 * - `POST /tokens/generate` `{user: {id, name}}` → a conversation bound to that user (the id is their
 *   AAD object id), and its token;
 * - `POST /conversations` (Bearer token) → starts it: the bot gets a conversationUpdate and says welcome;
 * - `POST /tokens/refresh`, `GET /conversations/:id`;
 * - `POST /conversations/:id/activities` → echoed into the conversation (Web Chat waits for the echo)
 *   and run through the real bot, with `from` set to the token's user, `from.aadObjectId` included
 *   (in local mode that is who the activity acts as);
 * - `GET /conversations/:id/activities?watermark=N` → what arrived after N; an activity updated since
 *   comes again, with its id and timestamp, and Web Chat redraws it in place;
 * - `POST /conversations/:id/upload` → a message with files (Web Chat's upload button), multipart;
 *   the files are kept with the conversation and reach the bot as attachments with a `contentUrl` here.
 *
 * A card button pressed in /chat acts on its card, as Universal Actions do in Teams: see
 * bot/directLineCards.ts.
 *
 * The bot answers, as in local mode it always does, by posting to the activity's serviceUrl with the
 * Bot Framework connector API; that serviceUrl is this same server under `/directline-connector`,
 * whose `POST /v3/conversations/:id/activities[/:replyToId]` appends to the conversation and
 * `PUT /v3/conversations/:id/activities/:activityId` (botbuilder's updateActivity) replaces one. Proactive
 * messages take the same road from the stored conversation reference, so they arrive while the page
 * is open. The connector routes only answer requests from this machine, since only the bot posts there.
 *
 * Conversations live in this process's memory, bounded (conversations, activities per conversation)
 * and expiring when idle. That is acceptable here only because this is a try-out channel for one
 * local process; production runs on Teams and keeps nothing correct in memory. After a restart the
 * stored references point to unknown conversations, the connector answers 404, and the notifier
 * marks them inactive as it would for Teams.
 */

export const DIRECT_LINE_PREFIX = '/v3/directline';
export const CONNECTOR_PREFIX = '/directline-connector';
export const BOT_ACCOUNT = { id: 'mci-engagement-assistant', name: 'MCI Engagement Assistant', role: 'bot' } as const;

export interface DirectLineLimits {
  maxConversations: number;
  maxActivitiesPerConversation: number;
  idleExpiryMs: number;
}

export const DEFAULT_LIMITS: DirectLineLimits = { maxConversations: 200, maxActivitiesPerConversation: 500, idleExpiryMs: 12 * 60 * 60 * 1000 };

export interface DirectLineDeps {
  adapter: Pick<CloudAdapter, 'processActivityDirect'>;
  bot: Pick<ActivityHandler, 'run'>;
  logger: Logger;
  inFlight: InFlight;
  /** Where the bot reaches this server, e.g. http://127.0.0.1:3978; read per request (the port is known once listening). */
  selfUrl: () => string;
  limits?: DirectLineLimits;
  now?: () => number;
}

interface DirectLineUser {
  id: string;
  name: string;
  /** The person's AAD object id: the id the page picked. A client that names nobody gets none and acts as local mode's default person. */
  aadObjectId?: string;
}

interface Conversation {
  id: string;
  token: string;
  user: DirectLineUser;
  started: boolean;
  lastUsed: number;
  /** Activities in arrival order; `seq` of the first one is `dropped`, so watermarks stay valid after trimming. */
  activities: Record<string, unknown>[];
  dropped: number;
}

const TOKEN_LIFETIME_SECONDS = 3600;

interface StoredFile {
  conversationId: string;
  name: string;
  contentType: string;
  bytes: Buffer;
}

/** An upload's whole body at most (the bot itself refuses a bulk add file over 1 MB, with a reason the user sees). */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
const MAX_STORED_FILES = 50;
const MAX_FILES_PER_UPLOAD = 5;

/** The activity part of an upload: what the client may send, with the attachments' names and types (their bytes are the file parts). */
const UploadActivity = z
  .object({
    type: z.literal('message'),
    text: z.string().max(10_000).optional(),
    locale: z.string().max(20).optional(),
    localTimezone: z.string().max(100).optional(),
    channelData: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

const UserSchema = z.object({ id: z.string().trim().min(1).max(100), name: z.string().trim().max(100).optional() }).strict();
const GenerateBody = z.object({ user: UserSchema.optional() }).loose();

/** What the client may send; anything else it puts in is dropped, and identity comes from the token. */
const ClientActivity = z
  .object({
    type: z.enum(['message', 'event', 'typing']),
    text: z.string().max(10_000).optional(),
    value: z.unknown().optional(),
    name: z.string().max(200).optional(),
    locale: z.string().max(20).optional(),
    localTimezone: z.string().max(100).optional(),
    channelData: z.record(z.string(), z.unknown()).optional(),
    attachments: z.array(z.unknown()).max(0).optional(),
  })
  .loose();

/** What the bot posts; the connector keeps it as sent and adds an id and timestamp. */
const BotActivity = z.looseObject({ type: z.string().min(1) });

/** The in-memory conversations of the channel; bounded and expiring (see the module comment). */
export class DirectLineStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly byToken = new Map<string, string>();
  /** Uploaded files by id, oldest first; at most MAX_STORED_FILES, for as long as their conversation lives. */
  private readonly files = new Map<string, StoredFile>();

  constructor(
    private readonly limits: DirectLineLimits,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.conversations.size;
  }

  create(user: DirectLineUser): Conversation {
    this.expire();
    // Over the cap the least recently used conversation goes first.
    while (this.conversations.size >= this.limits.maxConversations) {
      const oldest = [...this.conversations.values()].reduce((a, b) => (b.lastUsed < a.lastUsed ? b : a));
      this.remove(oldest);
    }
    const conversation: Conversation = {
      id: randomUUID(),
      token: randomBytes(32).toString('base64url'),
      user,
      started: false,
      lastUsed: this.now(),
      activities: [],
      dropped: 0,
    };
    this.conversations.set(conversation.id, conversation);
    this.byToken.set(conversation.token, conversation.id);
    return conversation;
  }

  byAuthorization(header: string | undefined): Conversation | undefined {
    const token = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
    const id = token ? this.byToken.get(token) : undefined;
    return id ? this.find(id) : undefined;
  }

  find(id: string): Conversation | undefined {
    const conversation = this.conversations.get(id);
    if (!conversation) return undefined;
    if (this.now() - conversation.lastUsed > this.limits.idleExpiryMs) {
      this.remove(conversation);
      return undefined;
    }
    conversation.lastUsed = this.now();
    return conversation;
  }

  /** Appends with the next sequence number as its id (`activity` may be made from it); keeps only the newest activities. */
  append(conversation: Conversation, activity: Record<string, unknown> | ((id: string) => Record<string, unknown>)): string {
    const seq = conversation.dropped + conversation.activities.length;
    const id = `${conversation.id}|${String(seq).padStart(7, '0')}`;
    this.push(conversation, { ...(typeof activity === 'function' ? activity(id) : activity), id });
    return id;
  }

  /**
   * Replaces an activity's content, keeping its id, timestamp and place, and delivers it again
   * after the watermark (a client that already has it redraws it). False if it is not (or no longer) here.
   */
  update(conversation: Conversation, activityId: string, content: Record<string, unknown>): boolean {
    const original = conversation.activities.findLast((activity) => activity.id === activityId);
    if (!original) return false;
    const updated = { ...content, id: activityId, timestamp: original.timestamp, from: original.from, conversation: original.conversation, ...(original.replyToId ? { replyToId: original.replyToId } : {}) };
    conversation.activities.forEach((activity, index) => {
      if (activity.id === activityId) conversation.activities[index] = updated;
    });
    this.push(conversation, updated);
    return true;
  }

  private push(conversation: Conversation, activity: Record<string, unknown>): void {
    conversation.activities.push(activity);
    const excess = conversation.activities.length - this.limits.maxActivitiesPerConversation;
    if (excess > 0) {
      conversation.activities.splice(0, excess);
      conversation.dropped += excess;
    }
  }

  /** Keeps an uploaded file; its id (random, unguessable) is its address. The oldest goes first over the cap. */
  keepFile(conversation: Conversation, file: Omit<StoredFile, 'conversationId'>): string {
    while (this.files.size >= MAX_STORED_FILES) {
      const oldest = this.files.keys().next().value;
      if (oldest === undefined) break;
      this.files.delete(oldest);
    }
    const id = randomBytes(18).toString('base64url');
    this.files.set(id, { ...file, conversationId: conversation.id });
    return id;
  }

  file(id: string): StoredFile | undefined {
    const file = this.files.get(id);
    return file && this.conversations.has(file.conversationId) ? file : undefined;
  }

  has(conversation: Conversation, activityId: string): boolean {
    return conversation.activities.some((activity) => activity.id === activityId);
  }

  /** The activities after `watermark` (all when absent) and the new watermark. */
  since(conversation: Conversation, watermark: number | undefined): { activities: Record<string, unknown>[]; watermark: string } {
    const from = watermark === undefined ? 0 : Math.max(0, watermark + 1 - conversation.dropped);
    const end = conversation.dropped + conversation.activities.length - 1;
    return { activities: conversation.activities.slice(from), watermark: String(Math.max(end, watermark ?? -1)) };
  }

  private expire(): void {
    for (const conversation of [...this.conversations.values()]) {
      if (this.now() - conversation.lastUsed > this.limits.idleExpiryMs) this.remove(conversation);
    }
  }

  private remove(conversation: Conversation): void {
    this.conversations.delete(conversation.id);
    this.byToken.delete(conversation.token);
  }
}

/** Registers the channel in local mode; returns the store, or null when not in local mode (nothing registered). */
export function registerDirectLineRoutes(server: Server, localMode: boolean, deps: DirectLineDeps): DirectLineStore | null {
  if (!localMode) return null;
  const now = deps.now ?? Date.now;
  const store = new DirectLineStore(deps.limits ?? DEFAULT_LIMITS, now);
  const serviceUrl = () => `${deps.selfUrl()}${CONNECTOR_PREFIX}`;

  const tokenAnswer = (conversation: Conversation) => ({ conversationId: conversation.id, token: conversation.token, expires_in: TOKEN_LIFETIME_SECONDS });

  /** The conversation the request's token opens, or an answer saying why not. */
  const authorized = (req: Request, res: Response, conversationId?: string): Conversation | undefined => {
    const conversation = store.byAuthorization(req.header('authorization'));
    if (!conversation) {
      res.send(403, { error: { code: 'TokenExpired', message: 'Unknown or expired token. Reload the chat page to start a new conversation.' } });
      return undefined;
    }
    if (conversationId !== undefined && conversationId !== conversation.id) {
      res.send(404, { error: { code: 'BadArgument', message: 'This token does not open that conversation.' } });
      return undefined;
    }
    return conversation;
  };

  /** Runs one activity through the real bot, as if the channel had posted it to /api/messages; an invoke's answer is returned. */
  const runThroughBot = (conversation: Conversation, activity: Partial<Activity>): Promise<InvokeResponse | undefined> => {
    let answer: InvokeResponse | undefined;
    return deps.inFlight.track(() =>
      deps.adapter
        .processActivityDirect(
          '',
          {
            ...activity,
            channelId: 'webchat',
            serviceUrl: serviceUrl(),
            timestamp: new Date(now()),
            conversation: { id: conversation.id, conversationType: 'personal', isGroup: false, name: '' },
            from: sender(conversation.user),
            recipient: { ...BOT_ACCOUNT },
          } as Activity,
          async (context) => {
            await deps.bot.run(context);
            answer = context.turnState.get<{ value?: InvokeResponse } | undefined>(INVOKE_RESPONSE_KEY)?.value;
          },
        )
        .catch((error: unknown) => {
          deps.logger.error({ err: error, conversationId: conversation.id }, 'the local Direct Line channel could not run an activity');
        }),
    ).then(() => answer);
  };

  /** A button on a card of this conversation: the bot's answer takes the card's place, as in Teams. */
  const pressOnCard = async (conversation: Conversation, value: unknown, id: string): Promise<boolean> => {
    const press = cardPress(value);
    if (!press || !store.has(conversation, press.cardActivityId)) return false;
    const answer = await runThroughBot(conversation, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      id,
      value: { action: { type: 'Action.Execute', verb: press.verb, data: press.data }, trigger: 'manual' },
    });
    const card = answeredCard(answer?.body);
    if (card) store.update(conversation, press.cardActivityId, tagCardActions({ type: 'message', attachments: [cardAttachment(card)] }, press.cardActivityId));
    return true;
  };

  server.post(`${DIRECT_LINE_PREFIX}/tokens/generate`, (req: Request, res: Response, next: Next) => {
    const body = GenerateBody.safeParse(req.body ?? {});
    if (body.success) {
      const user = body.data.user;
      const conversation = store.create(user ? { id: user.id, name: user.name ?? user.id, aadObjectId: user.id } : { id: `dl_${randomUUID()}`, name: 'Web Chat user' });
      deps.logger.info({ conversationId: conversation.id, user: conversation.user.id }, 'local Web Chat conversation created');
      res.send(200, tokenAnswer(conversation));
    } else {
      res.send(400, { error: { code: 'BadArgument', message: 'Send {"user": {"id": "<AAD object id>", "name": "<display name>"}}.' } });
    }
    next();
  });

  server.post(`${DIRECT_LINE_PREFIX}/tokens/refresh`, (req: Request, res: Response, next: Next) => {
    const conversation = authorized(req, res);
    if (conversation) res.send(200, tokenAnswer(conversation));
    next();
  });

  server.post(`${DIRECT_LINE_PREFIX}/conversations`, async (req: Request, res: Response) => {
    const conversation = authorized(req, res);
    if (!conversation) return;
    const first = !conversation.started;
    conversation.started = true;
    res.send(first ? 201 : 200, tokenAnswer(conversation));
    // As Direct Line does, the bot learns the user joined; it answers with the welcome card.
    if (first) {
      await runThroughBot(conversation, {
        type: 'conversationUpdate',
        id: randomUUID(),
        membersAdded: [{ id: conversation.user.id, name: conversation.user.name }],
      });
    }
  });

  server.get(`${DIRECT_LINE_PREFIX}/conversations/:conversationId`, (req: Request, res: Response, next: Next) => {
    const conversation = authorized(req, res, param(req, 'conversationId'));
    if (conversation) res.send(200, tokenAnswer(conversation));
    next();
  });

  server.get(`${DIRECT_LINE_PREFIX}/conversations/:conversationId/activities`, (req: Request, res: Response, next: Next) => {
    const conversation = authorized(req, res, param(req, 'conversationId'));
    if (conversation) {
      const raw = new URL(req.url ?? '', 'http://local').searchParams.get('watermark');
      const watermark = raw && /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
      res.send(200, store.since(conversation, watermark));
    }
    next();
  });

  server.post(`${DIRECT_LINE_PREFIX}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
    const conversation = authorized(req, res, param(req, 'conversationId'));
    if (!conversation) return;
    const parsed = ClientActivity.safeParse(req.body);
    if (!parsed.success) {
      res.send(400, { error: { code: 'BadArgument', message: 'Send a message or event activity as JSON (attachments are not supported here).' } });
      return;
    }
    const { type, text, value, name, locale, localTimezone, channelData } = parsed.data;
    const fields = { type, text, value, name, locale, localTimezone, channelData };
    const from = sender(conversation.user);
    // Web Chat marks a message sent when it sees its echo (matched by channelData.clientActivityID).
    const id = store.append(conversation, { ...fields, from, conversation: { id: conversation.id }, timestamp: new Date(now()).toISOString(), channelId: 'webchat' });
    if (type !== 'typing' && !(type === 'message' && (await pressOnCard(conversation, value, id)))) await runThroughBot(conversation, { ...fields, id });
    res.send(200, { id });
  });

  /**
   * Web Chat's upload (Direct Line 3.0 `POST /conversations/:id/upload?userId=`): a multipart/form-data
   * body with an `activity` part (the message, as JSON) and one `file` part per attachment. The body
   * is read here, in memory and bounded (server.ts leaves multipart bodies unread), parsed by
   * Node's own multipart reader (the Fetch API's `formData()`), and the files are kept in the store
   * and reach the bot as attachments with a `contentUrl` on this server, as Direct Line gives them.
   */
  server.post(`${DIRECT_LINE_PREFIX}/conversations/:conversationId/upload`, async (req: Request, res: Response) => {
    const conversation = authorized(req, res, param(req, 'conversationId'));
    if (!conversation) return;
    const body = await readBounded(req, MAX_UPLOAD_BYTES);
    if (!body) {
      res.send(413, { error: { code: 'BadArgument', message: `An upload is at most ${MAX_UPLOAD_BYTES / (1024 * 1024)} MB here.` } });
      return;
    }
    const upload = await readUpload(body, req.header('content-type'));
    if (!upload) {
      res.send(400, { error: { code: 'BadArgument', message: 'Send multipart/form-data with an "activity" part (a message as JSON) and up to five "file" parts.' } });
      return;
    }
    const { text, locale, localTimezone, channelData } = upload.activity;
    const attachments = upload.files.map((file) => ({
      contentType: file.contentType,
      name: file.name,
      contentUrl: `${deps.selfUrl()}${DIRECT_LINE_PREFIX}/attachments/${store.keepFile(conversation, file)}`,
    }));
    const fields = { type: 'message' as const, text, locale, localTimezone, channelData, attachments };
    const id = store.append(conversation, { ...fields, from: sender(conversation.user), conversation: { id: conversation.id }, timestamp: new Date(now()).toISOString(), channelId: 'webchat' });
    await runThroughBot(conversation, { ...fields, id });
    res.send(200, { id });
  });

  /** An uploaded file, for the bot (and the page showing it); local mode only, its id is its key. */
  server.get(`${DIRECT_LINE_PREFIX}/attachments/:fileId`, (req: Request, res: Response, next: Next) => {
    const file = store.file(param(req, 'fileId'));
    if (!file) {
      res.send(404, { error: { code: 'NotFound', message: 'No such file (it expired, or the process restarted).' } });
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
      res.end(file.bytes);
    }
    next();
  });

  const fromBot = (req: Request, res: Response, next: Next) => {
    const conversation = store.find(param(req, 'conversationId'));
    const activity = BotActivity.safeParse(req.body);
    if (!fromThisMachine(req.socket.remoteAddress, req.socket.localAddress)) {
      res.send(403, { error: { code: 'Forbidden', message: 'Only the bot on this machine posts here.' } });
    } else if (!conversation) {
      res.send(404, { error: { code: 'ConversationNotFound', message: 'No such conversation (it expired, or the process restarted).' } });
    } else if (!activity.success) {
      res.send(400, { error: { code: 'BadArgument', message: 'The body must be an activity with a type.' } });
    } else {
      // A proactive message replies to botbuilder's made-up continuation activity, which Web Chat
      // would wait for in vain; only a reply to an activity of this conversation keeps its replyToId.
      const { replyToId, ...rest } = activity.data;
      const known = typeof replyToId === 'string' && store.has(conversation, replyToId);
      const id = store.append(conversation, (newId) =>
        tagCardActions(
          {
            ...rest,
            ...(known ? { replyToId } : {}),
            from: activity.data.from ?? BOT_ACCOUNT,
            conversation: { id: conversation.id },
            timestamp: new Date(now()).toISOString(),
          },
          newId,
        ),
      );
      res.send(200, { id });
    }
    next();
  };

  /** botbuilder's updateActivity: the activity keeps its id and place, with the new content. */
  server.put(`${CONNECTOR_PREFIX}/v3/conversations/:conversationId/activities/:activityId`, (req: Request, res: Response, next: Next) => {
    const conversation = store.find(param(req, 'conversationId'));
    const activity = BotActivity.safeParse(req.body);
    const activityId = param(req, 'activityId');
    if (!fromThisMachine(req.socket.remoteAddress, req.socket.localAddress)) {
      res.send(403, { error: { code: 'Forbidden', message: 'Only the bot on this machine posts here.' } });
    } else if (!conversation) {
      res.send(404, { error: { code: 'ConversationNotFound', message: 'No such conversation (it expired, or the process restarted).' } });
    } else if (!activity.success) {
      res.send(400, { error: { code: 'BadArgument', message: 'The body must be an activity with a type.' } });
    } else if (!store.update(conversation, activityId, tagCardActions(activity.data, activityId))) {
      res.send(404, { error: { code: 'ActivityNotFound', message: 'No such activity in this conversation (it was trimmed, or never sent).' } });
    } else {
      res.send(200, { id: activityId });
    }
    next();
  });
  server.post(`${CONNECTOR_PREFIX}/v3/conversations/:conversationId/activities`, fromBot);
  server.post(`${CONNECTOR_PREFIX}/v3/conversations/:conversationId/activities/:replyToId`, fromBot);

  return store;
}

/** The request's body, or null when it is longer than `max` bytes (reading stops there). */
async function readBounded(req: Request, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += bytes.length;
    if (size > max) return null;
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

async function readUpload(body: Buffer, contentType: string | undefined): Promise<{ activity: z.infer<typeof UploadActivity>; files: Omit<StoredFile, 'conversationId'>[] } | null> {
  if (!contentType?.toLowerCase().startsWith('multipart/form-data')) return null;
  let form: FormData;
  try {
    form = await new globalThis.Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return null;
  }
  const activityPart = form.get('activity');
  const activityText = typeof activityPart === 'string' ? activityPart : activityPart ? await activityPart.text() : null;
  let json: unknown = null;
  try {
    json = activityText ? JSON.parse(activityText) : null;
  } catch {
    return null;
  }
  const activity = UploadActivity.safeParse(json);
  const parts = form.getAll('file').flatMap((part) => (typeof part === 'string' ? [] : [part]));
  if (!activity.success || parts.length === 0 || parts.length > MAX_FILES_PER_UPLOAD) return null;
  const files = await Promise.all(
    parts.map(async (part) => ({ name: part.name.slice(0, 200) || 'file', contentType: part.type.slice(0, 200) || 'application/octet-stream', bytes: Buffer.from(await part.arrayBuffer()) })),
  );
  return { activity: activity.data, files };
}

function sender(user: DirectLineUser): { id: string; name: string; role: string; aadObjectId?: string } {
  return { id: user.id, name: user.name, role: 'user', ...(user.aadObjectId ? { aadObjectId: user.aadObjectId } : {}) };
}

function param(req: Request, name: string): string {
  const params: unknown = req.params;
  const value = typeof params === 'object' && params !== null && name in params ? (params as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

/** Loopback, or the address the server itself listens on (when bound to one interface). */
function fromThisMachine(remote: string | undefined, local: string | undefined): boolean {
  return remote === '127.0.0.1' || remote === '::1' || remote === '::ffff:127.0.0.1' || (remote !== undefined && remote === local);
}

/** How the bot reaches this server from inside the process: loopback when it listens on every address. */
export function loopbackUrl(server: Pick<Server, 'address'>, host: string | undefined): string {
  const listening = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${listening.includes(':') ? `[${listening}]` : listening}:${server.address().port}`;
}
