import { z } from 'zod';
import { parseCustomerId } from '../customers/customerIds';
import { CustomerIdType, type Database } from '../db';
import { systemActor, writeAudit, type Actor } from '../outbox/audit';
import type { Clock } from '../shared/clock';
import { parseCsvText } from '../shared/csv';

/**
 * The production eligibility source. Microsoft publishes no MCI eligibility API, so a partner
 * downloads the eligibility lists from Partner Center and loads them with
 * `npm run import -- eligibility <file.csv>`. The file is checked row by row first: one bad row and
 * nothing changes, and the report names every bad row and why. A good file is applied in one
 * transaction, as upserts into the EligibilityEntry catalog the eligibility port reads, so loading the
 * same file twice changes nothing the second time; a run that changes something is audited.
 *
 * Columns (a header row, any order, names in any case): engagement (its id or exact name), idType
 * (DOMAIN, TENANT_ID, TPID, AZURE_SUBSCRIPTION_ID, MSX_OPPORTUNITY_ID), idValue, eligible (yes/no,
 * true/false, 1/0), reason (optional; why an id is not eligible).
 */

export interface ImportProblem {
  /** The file's line number (the header is line 1). */
  line: number;
  reason: string;
}

export type EligibilityImportReport =
  | { ok: true; rows: number; added: number; changed: number; unchanged: number }
  | { ok: false; rows: number; problems: ImportProblem[] };

const COLUMNS = ['engagement', 'idtype', 'idvalue', 'eligible', 'reason'] as const;
const YES = new Set(['yes', 'true', '1', 'y']);
const NO = new Set(['no', 'false', '0', 'n']);
const MAX_ROWS = 200_000;

/** RFC 4180 CSV (commas, double-quoted fields with "" for a quote, CRLF or LF, a BOM), read by csv-parse; throws on a malformed file. */
export function parseCsv(text: string): string[][] {
  return parseCsvText(text);
}

/** The file's header and its non-empty data rows with their line numbers, or the one problem that stops it being read. */
export function readCsvRecords(text: string): { ok: true; header: string[]; records: { line: number; cells: string[] }[] } | { ok: false; problem: ImportProblem } {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (error) {
    const line = typeof error === 'object' && error !== null && 'lines' in error && typeof error.lines === 'number' ? error.lines : 1;
    return { ok: false, problem: { line, reason: 'The file is not valid CSV: a quoted field is not closed, or a quote is out of place.' } };
  }
  const [header = [], ...rest] = rows;
  const records = rest.map((cells, index) => ({ line: index + 2, cells })).filter(({ cells }) => cells.some((cell) => cell.trim() !== ''));
  return { ok: true, header, records };
}

const IdTypeSchema = z.enum(CustomerIdType);

interface GoodRow {
  line: number;
  engagementId: string;
  idType: CustomerIdType;
  idValue: string;
  eligible: boolean;
  reason: string | null;
}

export async function importEligibility(db: Database, clock: Clock, csv: string, actor: Actor = systemActor): Promise<EligibilityImportReport> {
  const read = readCsvRecords(csv);
  if (!read.ok) return { ok: false, rows: 0, problems: [read.problem] };
  const { header, records } = read;
  const names = header.map((name) => name.trim().toLowerCase());
  const missing = COLUMNS.filter((column) => column !== 'reason' && !names.includes(column));
  if (missing.length > 0) return { ok: false, rows: records.length, problems: [{ line: 1, reason: `The header row lacks the column(s) ${missing.join(', ')}; expected ${COLUMNS.join(', ')}.` }] };
  if (records.length > MAX_ROWS) return { ok: false, rows: records.length, problems: [{ line: 1, reason: `The file has ${records.length} rows; split it into files of at most ${MAX_ROWS}.` }] };
  const at = (cells: string[], column: (typeof COLUMNS)[number]) => (names.indexOf(column) >= 0 ? (cells[names.indexOf(column)] ?? '').trim() : '');

  const engagements = await db.prisma.engagement.findMany({ select: { id: true, name: true } });
  const byId = new Map(engagements.map((e) => [e.id, e.id]));
  const byName = new Map(engagements.map((e) => [e.name.toLowerCase(), e.id]));

  const problems: ImportProblem[] = [];
  const good: GoodRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of records) {
    const reasons: string[] = [];
    const engagementText = at(cells, 'engagement');
    const engagementId = byId.get(engagementText) ?? byName.get(engagementText.toLowerCase());
    if (!engagementId) reasons.push(engagementText ? `no engagement is called "${engagementText}"` : 'the engagement is empty');
    const idType = IdTypeSchema.safeParse(at(cells, 'idtype').toUpperCase());
    if (!idType.success) reasons.push(`idType must be one of ${IdTypeSchema.options.join(', ')}`);
    const parsedId = idType.success ? parseCustomerId(idType.data, at(cells, 'idvalue')) : null;
    if (parsedId && !parsedId.ok) reasons.push(parsedId.message);
    const eligibleText = at(cells, 'eligible').toLowerCase();
    const eligible = YES.has(eligibleText) ? true : NO.has(eligibleText) ? false : null;
    if (eligible === null) reasons.push('eligible must be yes or no');
    const reason = at(cells, 'reason');
    if (reason.length > 500) reasons.push('the reason is longer than 500 characters');
    if (reasons.length === 0 && engagementId && parsedId?.ok && eligible !== null) {
      const key = `${engagementId}|${parsedId.id.type}|${parsedId.id.value}`;
      const earlier = seen.get(key);
      if (earlier) reasons.push(`the same engagement and id as line ${earlier}`);
      else {
        seen.set(key, line);
        good.push({ line, engagementId, idType: parsedId.id.type, idValue: parsedId.id.value, eligible, reason: reason || null });
      }
    }
    if (reasons.length > 0) problems.push({ line, reason: `${reasons.join('; ')}.` });
  }
  if (problems.length > 0) return { ok: false, rows: records.length, problems };

  return db.prisma.$transaction(async (tx) => {
    let added = 0;
    let changed = 0;
    for (const row of good) {
      const where = { engagementId_idType_idValue: { engagementId: row.engagementId, idType: row.idType, idValue: row.idValue } };
      const existing = await tx.eligibilityEntry.findUnique({ where });
      if (existing && existing.eligible === row.eligible && existing.reason === row.reason) continue;
      if (existing) changed += 1;
      else added += 1;
      await tx.eligibilityEntry.upsert({
        where,
        create: { engagementId: row.engagementId, idType: row.idType, idValue: row.idValue, eligible: row.eligible, reason: row.reason },
        update: { eligible: row.eligible, reason: row.reason },
      });
    }
    if (added + changed > 0) {
      await writeAudit(tx, { partnerId: null, actor, action: 'eligibility.imported', after: { rows: good.length, added, changed }, at: clock.now() });
    }
    return { ok: true as const, rows: good.length, added, changed, unchanged: good.length - added - changed };
  });
}

/** The report in words, one line per bad row. */
export function reportText(report: EligibilityImportReport): string {
  if (report.ok) return `Eligibility imported: ${report.rows} rows, ${report.added} added, ${report.changed} changed, ${report.unchanged} already as in the file.`;
  return [`Nothing was imported: ${report.problems.length} row(s) need fixing.`, ...report.problems.map((problem) => `line ${problem.line}: ${problem.reason}`)].join('\n');
}
