import { randomUUID } from 'node:crypto';
import type { Caller, PartnerCaller } from '../directory/callers';
import type { Prisma } from '../db';
import type { Nomination } from '../nomination';
import type { ServiceContext } from '../shared/context';
import { isNotAllowed, NotAllowedError } from '../shared/errors';
import { addDays } from '../shared/clock';
import { checkedRowSchema, checkRows, type CheckedRow } from './check';
import { columnLabel, mapHeader, rowValues, splitContact, TEMPLATE_COLUMNS, type ColumnKey } from './columns';
import { BULK_ADD_LIMITS, readSheet, writeCsv } from './spreadsheet';
import { z } from 'zod';

export type { CheckedRow } from './check';
export { BULK_ADD_LIMITS, formatSize } from './spreadsheet';

/** How long a checked file waits for its *Add* click. */
const KEEP_DAYS = 1;
/** Rows added at once (each its own transaction), as the check's lanes. */
const ADD_LANES = 4;
/** An add that started this long ago and never finished (its instance stopped) may be taken over; rows it created are refused the second time by Add customer itself. */
const STALE_ADD_MS = 10 * 60 * 1000;

/** The file as the user sent it. */
export interface UploadedFile {
  name: string;
  bytes: Buffer;
}

export interface BulkAddReport {
  fileId: string;
  fileName: string;
  rows: CheckedRow[];
  toAdd: number;
  toClaim: number;
  refused: number;
  /** Header cells that are no column of the template: their cells were not read. */
  ignoredColumns: string[];
}

export type BulkAddCheck = { ok: true; report: BulkAddReport } | { ok: false; message: string };

export interface AddedRow {
  row: number;
  customerName: string;
  claims: { id: string; friendlyName: string; engagementName: string }[];
}

export interface BulkAddResult {
  fileName: string;
  added: AddedRow[];
  /** Rows the check passed that Add customer refused at the click (something changed meanwhile). */
  failed: { row: number; reason: string }[];
  /** Rows the report had set aside (claim instead, refused): not added. */
  skipped: number;
}

export type BulkAddOutcome =
  | { kind: 'added'; result: BulkAddResult }
  /** A second click (or another instance): what the first one did, nothing added again. */
  | { kind: 'alreadyAdded'; result: BulkAddResult; finishedAt: Date }
  | { kind: 'inProgress'; fileName: string };

const resultSchema = z.object({
  fileName: z.string(),
  added: z.array(z.object({ row: z.number(), customerName: z.string(), claims: z.array(z.object({ id: z.string(), friendlyName: z.string(), engagementName: z.string() })) })),
  failed: z.array(z.object({ row: z.number(), reason: z.string() })),
  skipped: z.number(),
});

const STATUS_WORDS: Record<CheckedRow['kind'], string> = { add: 'will be added', claim: 'claim instead', refused: 'refused' };
const RESULT_COLUMN = 'Result';
const PROBLEM_COLUMN = 'What to fix';

/**
 * Bulk add from a spreadsheet: a CSV or .xlsx file read and every row checked with the rules of Add
 * customer (creating nothing); the checked rows kept until *Add N customers* creates them, each with
 * Add customer itself (its own transaction and audit event), once per file however often it is clicked.
 */
export function createBulkAdd({ db, clock }: ServiceContext, nomination: Nomination) {
  const partnerCaller = async (caller: Caller) => {
    const start = await nomination.begin(caller);
    if (!start.ok) throw new NotAllowedError(start.message);
    return start;
  };

  /** The caller's own checked file; another user's (of any partner) is not found, so nothing of it is said. */
  const ownFile = async (caller: PartnerCaller, fileId: string) => {
    const file = z.uuid().safeParse(fileId).success ? await db.prisma.bulkAddFile.findUnique({ where: { id: fileId } }) : null;
    if (!file || file.partnerId !== caller.partnerId || file.userId !== caller.userId) {
      throw new NotAllowedError('That bulk add file is not one you sent (or it is no longer kept), so nothing was added. Send the file again.');
    }
    return file;
  };

  const rowsOf = (stored: unknown): CheckedRow[] => z.array(checkedRowSchema).parse(stored);

  return {
    limits: BULK_ADD_LIMITS,

    /** The template: the columns, and one example row per id type people use most. */
    template(): { fileName: string; text: string } {
      const header = TEMPLATE_COLUMNS.map(columnLabel);
      const example: Partial<Record<ColumnKey, string>> = {
        customerId: 'contoso.com',
        engagement: 'Azure Migrate',
        customerContactName: 'Avery Howard',
        customerContactEmail: 'avery@contoso.com',
      };
      return { fileName: 'bulk-add-template.csv', text: writeCsv(header, [TEMPLATE_COLUMNS.map((key) => example[key] ?? '')]) };
    },

    /** Reads and checks a file; nothing is created. The report's rows are kept for the *Add* click. */
    async check(caller: Caller, file: UploadedFile, onProgress?: (done: number, total: number) => Promise<void>): Promise<BulkAddCheck> {
      const start = await partnerCaller(caller);
      const sheet = await readSheet(file.name, file.bytes);
      if (!sheet.ok) return sheet;
      const header = mapHeader(sheet.header);
      if (!header.ok) return header;
      const rows = sheet.rows.map(({ row, cells }) => ({ row, values: rowValues(header.indexes, cells) }));
      const checked = await checkRows(nomination, start, rows, onProgress ? (done) => onProgress(done, rows.length) : undefined);
      const now = clock.now();
      const fileId = randomUUID();
      await db.prisma.bulkAddFile.create({
        data: { id: fileId, partnerId: start.caller.partnerId, userId: start.caller.userId, fileName: file.name.slice(0, 200), rows: checked, createdAt: now, expiresAt: addDays(now, KEEP_DAYS) },
      });
      const count = (kind: CheckedRow['kind']) => checked.filter((row) => row.kind === kind).length;
      return { ok: true, report: { fileId, fileName: file.name, rows: checked, toAdd: count('add'), toClaim: count('claim'), refused: count('refused'), ignoredColumns: header.ignored } };
    },

    /**
     * The corrected file: every row as it was read (ids with their type, engagements by full name,
     * locations and friendly names filled in), with what happens to it and what to fix. `caller`
     * scopes it to its sender; the bot's signed link passes none (the signature is the permission).
     */
    async correctedFile(fileId: string, caller?: PartnerCaller): Promise<{ fileName: string; text: string } | null> {
      let file;
      try {
        file = caller ? await ownFile(caller, fileId) : await db.prisma.bulkAddFile.findUnique({ where: { id: fileId } });
      } catch (error) {
        if (!isNotAllowed(error)) throw error;
        return null;
      }
      if (!file) return null;
      const header = [...TEMPLATE_COLUMNS.map(columnLabel), RESULT_COLUMN, PROBLEM_COLUMN];
      const lines = rowsOf(file.rows).map((row) => [...TEMPLATE_COLUMNS.map((key) => correctedValue(row, key)), STATUS_WORDS[row.kind], problemOf(row)]);
      const base = file.fileName.replace(/\.[a-z0-9]{1,10}$/i, '');
      return { fileName: `${base}-checked.csv`, text: writeCsv(header, lines) };
    },

    /** *Add N customers*: creates the file's rows that will be added, once; a second click says what the first did. */
    async add(caller: Caller, fileId: string, onProgress?: (done: number, total: number) => Promise<void>): Promise<BulkAddOutcome> {
      const start = await partnerCaller(caller);
      const file = await ownFile(start.caller, fileId);
      const now = clock.now();
      if (file.status === 'CHECKED' && file.expiresAt <= now) throw new NotAllowedError(`${file.fileName} was checked more than a day ago, so nothing was added: send it again to check it against today's data.`);
      // The one conditional update that lets a single click through, on any instance.
      const taken = await db.prisma.bulkAddFile.updateMany({
        where: {
          id: file.id,
          OR: [{ status: 'CHECKED', expiresAt: { gt: now } }, { status: 'ADDING', startedAt: { lt: new Date(now.getTime() - STALE_ADD_MS) } }],
        },
        data: { status: 'ADDING', startedAt: now },
      });
      if (taken.count === 0) {
        const current = await db.prisma.bulkAddFile.findUniqueOrThrow({ where: { id: file.id } });
        if (current.status === 'ADDED' && current.result) return { kind: 'alreadyAdded', result: resultSchema.parse(current.result), finishedAt: current.finishedAt ?? current.startedAt ?? now };
        return { kind: 'inProgress', fileName: file.fileName };
      }
      const rows = rowsOf(file.rows);
      const toAdd = rows.flatMap((row) => (row.kind === 'add' ? [row] : []));
      const result: BulkAddResult = { fileName: file.fileName, added: [], failed: [], skipped: rows.length - toAdd.length };
      // A few lanes at once; the rows of one customer share a lane, so they are added one after the other
      // (two rows creating the same new customer at once would collide on its ids).
      const lanes = new Map<string, typeof toAdd>();
      for (const row of toAdd) {
        const key = `${row.input.customerId.type}:${row.input.customerId.value}`;
        lanes.set(key, [...(lanes.get(key) ?? []), row]);
      }
      const queue = [...lanes.values()];
      let done = 0;
      const lane = async () => {
        for (let group = queue.shift(); group; group = queue.shift()) {
          for (const row of group) {
            try {
              const created = await nomination.addCustomer(start.caller, row.input);
              result.added.push({ row: row.row, customerName: created.customerName, claims: created.claims.map((c) => ({ id: c.id, friendlyName: c.friendlyName, engagementName: c.engagementName })) });
            } catch (error) {
              if (!isNotAllowed(error)) throw error;
              result.failed.push({ row: row.row, reason: error.message });
            }
            done += 1;
            if (onProgress && done % 25 === 0 && done < toAdd.length) await onProgress(done, toAdd.length);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(ADD_LANES, queue.length) }, lane));
      result.added.sort((a, b) => a.row - b.row);
      result.failed.sort((a, b) => a.row - b.row);
      await db.prisma.bulkAddFile.update({ where: { id: file.id }, data: { status: 'ADDED', result: asJson(result), finishedAt: clock.now() } });
      return { kind: 'added', result };
    },
  };
}

export type BulkAdd = ReturnType<typeof createBulkAdd>;

/** Plain data of strings and numbers only (read back with resultSchema); Prisma's JSON input type does not see interfaces as such. */
function asJson(result: BulkAddResult): Prisma.InputJsonObject {
  return result as unknown as Prisma.InputJsonObject;
}

function correctedValue(row: CheckedRow, key: ColumnKey): string {
  if (row.kind !== 'add') {
    // The one-column contacts go to the template's name and email columns.
    const combined = key.startsWith('customerContact') ? row.values.customerContact : key.startsWith('partnerContact') ? row.values.partnerContact : undefined;
    const split = combined ? splitContact(combined) : null;
    if (split && key.endsWith('Name')) return row.values[key] ?? split.name;
    if (split && key.endsWith('Email')) return row.values[key] ?? split.email;
    return row.values[key] ?? '';
  }
  const { input } = row;
  switch (key) {
    case 'customerId':
      return input.customerId.value;
    case 'idType':
      return columnIdType(input.customerId.type);
    case 'engagement':
      return row.engagementName;
    case 'friendlyName':
      return input.friendlyName;
    case 'location':
      return input.locationId;
    case 'customerContactName':
      return input.customerContact.name;
    case 'customerContactEmail':
      return input.customerContact.email;
    case 'customerContactPhone':
      return input.customerContact.phone ?? '';
    case 'partnerContactName':
      return input.partnerContact.name;
    case 'partnerContactEmail':
      return input.partnerContact.email;
    case 'partnerContactPhone':
      return input.partnerContact.phone ?? '';
    default:
      return row.values[key] ?? '';
  }
}

/** An id type as the ID type column takes it ("tenant id"). */
function columnIdType(type: string): string {
  return type.toLowerCase().replaceAll('_', ' ');
}

function problemOf(row: CheckedRow): string {
  if (row.kind === 'refused') return `${row.column}: ${row.reason}`;
  if (row.kind === 'claim') return row.reason;
  return '';
}
