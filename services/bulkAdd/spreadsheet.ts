import { stringify } from 'csv-stringify/sync';
import type ExcelJS from 'exceljs';
import { parseCsvText } from '../shared/csv';

/**
 * Reading and writing the spreadsheets of Bulk add with kept libraries (csv-parse, csv-stringify,
 * exceljs): a file is a header row and data rows of text cells, whatever its format. Anything that
 * is not a CSV or an .xlsx workbook, or is larger than the limits, is refused with a sentence saying
 * so before a single row is read.
 */

/** The limits the README names: what one file may hold. */
export const BULK_ADD_LIMITS = { maxRows: 500, maxBytes: 1024 * 1024 } as const;

export type FileFormat = 'csv' | 'xlsx';

export interface SheetRow {
  /** The spreadsheet's row number (the header is row 1). */
  row: number;
  cells: string[];
}

export type SheetRead = { ok: true; format: FileFormat; header: string[]; rows: SheetRow[] } | { ok: false; message: string };

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ACCEPTED = 'Send a .csv file or an Excel workbook (.xlsx); type **bulk add** for the template.';

function extensionOf(fileName: string): string {
  return /\.([a-z0-9]{1,10})$/i.exec(fileName.trim())?.[1]?.toLowerCase() ?? '';
}

/** The file's format from its name and its first bytes; a mismatch (a .docx renamed .xlsx, a .png renamed .csv) is refused later, by its content. */
function formatOf(fileName: string, bytes: Buffer): FileFormat | null {
  const extension = extensionOf(fileName);
  if (extension === 'xlsx') return 'xlsx';
  if (extension === 'csv' || extension === 'txt') return 'csv';
  // Web Chat and Teams always send a name; a nameless upload is read by its content.
  if (extension === '') return bytes.subarray(0, 4).equals(ZIP_MAGIC) ? 'xlsx' : 'csv';
  return null;
}

/** Reads a file into its header and rows of trimmed text, or says why it cannot be read. */
export async function readSheet(fileName: string, bytes: Buffer): Promise<SheetRead> {
  if (bytes.length === 0) return { ok: false, message: `${fileName} is empty. ${ACCEPTED}` };
  if (bytes.length > BULK_ADD_LIMITS.maxBytes) {
    return { ok: false, message: `${fileName} is ${formatSize(bytes.length)}; a bulk add file can be at most ${formatSize(BULK_ADD_LIMITS.maxBytes)}. Split it into smaller files.` };
  }
  const format = formatOf(fileName, bytes);
  if (!format) return { ok: false, message: `${fileName} is not a spreadsheet I can read. ${ACCEPTED}` };
  const read = format === 'csv' ? readCsvRows(bytes) : await readXlsxRows(bytes);
  if (!read.ok) return { ok: false, message: `${fileName} ${read.problem} ${ACCEPTED}` };
  const [header, ...rest] = read.rows;
  const rows = rest.filter((r) => r.cells.some((cell) => cell !== ''));
  if (!header || header.cells.every((cell) => cell === '')) return { ok: false, message: `${fileName} has no header row. ${ACCEPTED}` };
  if (rows.length === 0) return { ok: false, message: `${fileName} has a header row but no customers in it. Add one row per customer and send it again.` };
  if (rows.length > BULK_ADD_LIMITS.maxRows) {
    return { ok: false, message: `${fileName} has more than ${BULK_ADD_LIMITS.maxRows} rows; a bulk add file can have at most ${BULK_ADD_LIMITS.maxRows}. Split it into smaller files.` };
  }
  return { ok: true, format, header: header.cells, rows };
}

type RowsRead = { ok: true; rows: SheetRow[] } | { ok: false; problem: string };

function readCsvRows(bytes: Buffer): RowsRead {
  // A CSV is text: a NUL or bytes that are not UTF-8 mean another kind of file named .csv.
  if (bytes.includes(0)) return { ok: false, problem: 'is not a text file, so it is not a CSV.' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: 'is not UTF-8 text. Save it as "CSV UTF-8" and send it again.' };
  }
  try {
    // Read no further than one record past the limit: enough to say the file is too long.
    const records = parseCsvText(text, BULK_ADD_LIMITS.maxRows + 2);
    return { ok: true, rows: records.map((cells, index) => ({ row: index + 1, cells: cells.map(cleanCell) })) };
  } catch (error) {
    const line = lineOf(error);
    return { ok: false, problem: `is not a valid CSV${line ? ` (near line ${line})` : ''}: check that every quote that opens a field closes it.` };
  }
}

function lineOf(error: unknown): number | null {
  if (typeof error === 'object' && error !== null && 'lines' in error && typeof error.lines === 'number') return error.lines;
  return null;
}

async function readXlsxRows(bytes: Buffer): Promise<RowsRead> {
  if (!bytes.subarray(0, 4).equals(ZIP_MAGIC)) return { ok: false, problem: 'is not an Excel workbook (.xlsx), whatever its name says.' };
  // Loaded on the first workbook: it costs ~25 MiB resident, and most instances never read one.
  const { default: excel } = await import('exceljs');
  const workbook = new excel.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return { ok: false, problem: 'is not an Excel workbook (.xlsx) I can open: it may be another kind of file renamed, or damaged.' };
  }
  const sheet = workbook.worksheets[0];
  // A Word document renamed .xlsx opens as a package with no worksheet in it.
  if (!sheet) return { ok: false, problem: 'has no worksheet, so it is not an Excel workbook of customers.' };
  if (sheet.actualRowCount > BULK_ADD_LIMITS.maxRows + 1) {
    return { ok: false, problem: `has more than ${BULK_ADD_LIMITS.maxRows} rows; a bulk add file can have at most ${BULK_ADD_LIMITS.maxRows}. Split it into smaller files.` };
  }
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let column = 1; column <= row.cellCount; column += 1) cells.push(cleanCell(cellText(row.getCell(column))));
    rows.push({ row: rowNumber, cells });
  });
  return { ok: true, rows };
}

/** A cell as the person sees it: a number without Excel's float noise, a hyperlink's text, a formula's result. */
function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  try {
    return cell.text;
  } catch {
    return '';
  }
}

/** Cells are text from outside: trimmed, without NULs, at most 1000 characters (no column needs more). */
function cleanCell(cell: string): string {
  return cell.replaceAll('\u0000', '').trim().slice(0, 1000);
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

/** Rows as CSV text, with a BOM so that Excel opens it as UTF-8. */
export function writeCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return `\uFEFF${stringify([header, ...rows], { record_delimiter: 'windows' })}`;
}
