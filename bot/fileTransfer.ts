import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Activity, Attachment, TurnContext } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { AttachedFile, DownloadOffer, FileDownload, FileTransfer, OfferedFile } from '../dialogs/dialogDeps';
import type { AppServices } from '../services';
import type { Logger } from './logger';

/**
 * Files between the user and the bot, as each channel does them (Teams: "Send and receive files
 * using bots", personal chat only; Web Chat: Direct Line's upload, bot/directLine.ts):
 * - a file the user sends arrives as an attachment: in Teams `application/vnd.microsoft.teams.file.download.info`
 *   with `content.downloadUrl` (read with no authentication, short-lived), in Web Chat with `contentUrl`;
 * - a file the bot sends: in a Teams personal chat the file consent card (`application/vnd.microsoft.teams.card.file.consent`);
 *   on acceptance Teams invokes `fileConsent/invoke` with an upload URL the bot PUTs the file to, then
 *   the bot shows it with a file info card. Everywhere else (local mode, Web Chat) a link to this
 *   server: signed and expiring, so it opens only the file it was made for.
 */

export const TEAMS_FILE_DOWNLOAD = 'application/vnd.microsoft.teams.file.download.info';
export const TEAMS_FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
export const TEAMS_FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';
export const FILES_PREFIX = '/files/bulk-add';

const LINK_LIFETIME_MS = 60 * 60 * 1000;
const DOWNLOAD_TIMEOUT_MS = 15_000;

const TeamsDownload = z.object({ contentType: z.literal(TEAMS_FILE_DOWNLOAD), name: z.string().max(300).optional(), content: z.object({ downloadUrl: z.url() }) });
const Uploaded = z.object({ contentType: z.string().max(200).optional(), name: z.string().max(300).optional(), contentUrl: z.url() });

/** What a consent card's accept carries, and what the bot PUTs on acceptance. */
export const offeredFileSchema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('template') }), z.object({ kind: z.literal('corrected'), fileId: z.uuid() })]);

export interface FileTransferOptions {
  services: AppServices;
  localMode: boolean;
  /** PUBLIC_BASE_URL: where links point. */
  publicBaseUrl: string;
  /** Keys the links' signatures (derived from CONSENT_TOKEN_SECRET, for this use only). */
  secret: string;
  now?: () => number;
  fetch?: typeof fetch;
}

export function createFileTransfer(options: FileTransferOptions): FileTransfer & { contentOf(file: OfferedFile, owner?: { context: TurnContext }): Promise<{ fileName: string; text: string } | null>; verify(path: string, expires: string, signature: string): boolean } {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const key = createHmac('sha256', options.secret).update('bulk-add-file-links').digest();
  const sign = (path: string, expires: number) => createHmac('sha256', key).update(`${path}\n${expires}`).digest('base64url');

  const allowedUrl = (raw: string): boolean => {
    const url = new URL(raw);
    // Local mode reads files from this machine only (Web Chat's uploads, test stubs); Teams' download URLs are https.
    if (options.localMode) return (url.protocol === 'http:' || url.protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    return url.protocol === 'https:';
  };

  const contentOf = async (file: OfferedFile) => (file.kind === 'template' ? options.services.bulkAdd.template() : options.services.bulkAdd.correctedFile(file.fileId));

  return {
    attachedFile(activity: Partial<Activity>): AttachedFile | null {
      for (const attachment of activity.attachments ?? []) {
        const teams = TeamsDownload.safeParse(attachment);
        if (teams.success) return { name: teams.data.name ?? 'file', url: teams.data.content.downloadUrl };
        const uploaded = Uploaded.safeParse(attachment);
        if (uploaded.success && !isCard(uploaded.data.contentType)) return { name: uploaded.data.name ?? 'file', url: uploaded.data.contentUrl };
      }
      return null;
    },

    async download(file: AttachedFile, maxBytes: number): Promise<FileDownload> {
      const unreadable: FileDownload = { ok: false, message: `I could not read ${file.name} from the chat. Please send it again.` };
      if (!allowedUrl(file.url)) return unreadable;
      try {
        const response = await doFetch(file.url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: options.localMode ? 'error' : 'follow' });
        if (!response.ok || !response.body) return unreadable;
        // Read one byte past the limit at most: enough to say the file is too large.
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of response.body) {
          const bytes = Buffer.from(chunk as Uint8Array);
          chunks.push(bytes);
          size += bytes.length;
          if (size > maxBytes) break;
        }
        return { ok: true, bytes: Buffer.concat(chunks).subarray(0, maxBytes + 1) };
      } catch {
        return unreadable;
      }
    },

    async offer(context: TurnContext, file: OfferedFile, description: string): Promise<DownloadOffer> {
      const content = await contentOf(file);
      if (!content) return { kind: 'gone' };
      const { activity } = context;
      if (!options.localMode && activity.channelId === 'msteams' && activity.conversation?.conversationType === 'personal') {
        const attachment: Attachment = {
          contentType: TEAMS_FILE_CONSENT,
          name: content.fileName,
          content: { description, sizeInBytes: Buffer.byteLength(content.text), acceptContext: file, declineContext: file },
        };
        return { kind: 'consent', attachment };
      }
      const path = file.kind === 'template' ? `${FILES_PREFIX}/template` : `${FILES_PREFIX}/${file.fileId}`;
      const expires = now() + LINK_LIFETIME_MS;
      return { kind: 'link', url: `${options.publicBaseUrl}${path}?expires=${expires}&sig=${sign(path, expires)}`, fileName: content.fileName };
    },

    contentOf,

    verify(path: string, expires: string, signature: string): boolean {
      if (!/^\d{1,15}$/.test(expires) || Number(expires) < now()) return false;
      const expected = Buffer.from(sign(path, Number(expires)));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

export type BotFileTransfer = ReturnType<typeof createFileTransfer>;

function isCard(contentType: string | undefined): boolean {
  return contentType !== undefined && (contentType.startsWith('application/vnd.microsoft.card.') || contentType.startsWith('application/vnd.microsoft.teams.card.'));
}

const HEADERS: Record<string, string> = {
  'content-type': 'text/csv; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** `GET /files/bulk-add/template` and `/files/bulk-add/:fileId`: the files a link points at, only with its signature and before it expires. */
export function registerFileRoutes(server: Server, files: BotFileTransfer, logger: Logger): void {
  const serve = async (req: Request, res: Response, file: OfferedFile, path: string) => {
    const query = new URL(req.url ?? '', 'http://local').searchParams;
    if (!files.verify(path, query.get('expires') ?? '', query.get('sig') ?? '')) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('This link has expired or is not valid. Ask the bot for the file again.');
      return;
    }
    const content = await files.contentOf(file);
    if (!content) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('This file is no longer kept. Send the spreadsheet to the bot again.');
      return;
    }
    logger.info({ kind: file.kind }, 'bulk add file downloaded');
    res.writeHead(200, { ...HEADERS, 'content-disposition': `attachment; filename="${content.fileName.replace(/[^\w.-]/g, '_')}"` });
    res.end(content.text);
  };
  server.get(`${FILES_PREFIX}/template`, async (req: Request, res: Response) => {
    await serve(req, res, { kind: 'template' }, `${FILES_PREFIX}/template`);
  });
  server.get(`${FILES_PREFIX}/:fileId`, async (req: Request, res: Response) => {
    const params: unknown = req.params;
    const raw = typeof params === 'object' && params !== null && 'fileId' in params ? params.fileId : undefined;
    const fileId = typeof raw === 'string' ? raw : '';
    const parsed = offeredFileSchema.safeParse({ kind: 'corrected', fileId });
    if (!parsed.success) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('No such file.');
    } else {
      await serve(req, res, parsed.data, `${FILES_PREFIX}/${fileId}`);
    }
  });
}
