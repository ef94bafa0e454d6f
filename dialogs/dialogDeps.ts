import type { Activity, Attachment, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { AppServices } from '../services';
import type { Caller } from '../services/directory';
import type { Clock } from '../services/shared';

/** What every dialog is constructed with: `new SomeDialog(deps)`. Built once by the composition root (bot/). */
export interface DialogDeps {
  /** The domain's facades: the dialogs' only way to data and rules. */
  services: AppServices;
  /** What "today" is for the inputs a dialog shows (the same clock the services read). */
  clock: Clock;
  logger: Logger;
  /** Who sent this turn's activity, resolved once per turn by the bot. */
  callerOf(context: TurnContext): Promise<Caller>;
  /** Files the user sends (bulk add) and the bot gives back (its template, a corrected file). */
  files: FileTransfer;
}

/** A file attached to the user's message, where the channel lets the bot read it. */
export interface AttachedFile {
  name: string;
  url: string;
}

export type FileDownload = { ok: true; bytes: Buffer } | { ok: false; message: string };

/** A file the bot gives the user. */
export type OfferedFile = { kind: 'template' } | { kind: 'corrected'; fileId: string };

/** How the user gets it: a link, or (a Teams personal chat) the file consent card to send; `gone` when it is no longer kept. */
export type DownloadOffer = { kind: 'link'; url: string; fileName: string } | { kind: 'consent'; attachment: Attachment } | { kind: 'gone' };

/** Files to and from the user, as the channel does them (bot/fileTransfer.ts). */
export interface FileTransfer {
  attachedFile(activity: Partial<Activity>): AttachedFile | null;
  /** At most `maxBytes + 1` bytes: one more says it is too large. */
  download(file: AttachedFile, maxBytes: number): Promise<FileDownload>;
  offer(context: TurnContext, file: OfferedFile, description: string): Promise<DownloadOffer>;
}
