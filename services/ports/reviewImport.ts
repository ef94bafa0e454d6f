import type { Database } from '../db';
import { systemActor, type Actor } from '../outbox/audit';
import type { Clock } from '../shared/clock';
import { NotAllowedError } from '../shared/errors';
import { parseUserInput, problemsOf } from '../shared/validation';
import { readCsvRecords, type ImportProblem } from './eligibilityImport';
import { ReviewDecisionSchema, recordReview, type ReviewOutcome } from './review';

/**
 * The production review port. Microsoft publishes no API for MCI claim reviews, so a partner loads
 * the outcomes it downloads from Partner Center with `npm run import -- review <file.csv>`. Columns
 * (a header row, any order, any case): claimId, outcome (COMPLETED, REJECTED, REJECTED_FINAL), note
 * (required for a rejection). Every row is checked first (its fields, that the claim exists and is
 * SUBMITTED or already has that outcome): one bad row and nothing changes. Each good row is then
 * recorded as the review command records it (the claim's transition, its audit event and the
 * message to the claim's creator, in one transaction per claim); a claim that already has the
 * outcome is left as it is, so loading the same file twice changes nothing the second time.
 */

export type ReviewImportReport =
  | { ok: true; rows: number; recorded: number; unchanged: number; failed: ImportProblem[] }
  | { ok: false; rows: number; problems: ImportProblem[] };

const REQUIRED = ['claimid', 'outcome'] as const;

export async function importReviews(db: Database, clock: Clock, csv: string, actor: Actor = systemActor): Promise<ReviewImportReport> {
  const read = readCsvRecords(csv);
  if (!read.ok) return { ok: false, rows: 0, problems: [read.problem] };
  const { header, records } = read;
  const names = header.map((name) => name.trim().toLowerCase());
  const missing = REQUIRED.filter((column) => !names.includes(column));
  if (missing.length > 0) return { ok: false, rows: records.length, problems: [{ line: 1, reason: `The header row lacks the column(s) ${missing.join(', ')}; expected claimId, outcome, note.` }] };
  const at = (cells: string[], column: string) => (names.indexOf(column) >= 0 ? (cells[names.indexOf(column)] ?? '').trim() : '');

  const problems: ImportProblem[] = [];
  const good: { line: number; claimId: string; outcome: ReviewOutcome; note: string; unchanged: boolean }[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of records) {
    const parsed = parseUserInput(ReviewDecisionSchema, { claimId: at(cells, 'claimid'), outcome: at(cells, 'outcome').toUpperCase(), note: at(cells, 'note') });
    if (!parsed.success) {
      problems.push({ line, reason: `${problemsOf(parsed.error).join('; ')}.` });
      continue;
    }
    const { claimId, outcome, note } = parsed.data;
    const earlier = seen.get(claimId);
    if (earlier) {
      problems.push({ line, reason: `claim ${claimId} is on line ${earlier} already.` });
      continue;
    }
    seen.set(claimId, line);
    const claim = await db.prisma.claim.findUnique({ where: { id: claimId }, select: { status: true } });
    if (!claim) problems.push({ line, reason: `no claim ${claimId} exists.` });
    else if (claim.status === outcome) good.push({ line, claimId, outcome, note, unchanged: true });
    else if (claim.status !== 'SUBMITTED') problems.push({ line, reason: `claim ${claimId} is ${claim.status}, not SUBMITTED: only a submitted claim gets a review outcome.` });
    else good.push({ line, claimId, outcome, note, unchanged: false });
  }
  if (problems.length > 0) return { ok: false, rows: records.length, problems };

  let recorded = 0;
  const failed: ImportProblem[] = [];
  for (const row of good.filter((item) => !item.unchanged)) {
    try {
      await recordReview(db, clock, actor, { claimId: row.claimId, outcome: row.outcome, note: row.note });
      recorded += 1;
    } catch (error) {
      // Changed since it was checked (e.g. canceled meanwhile): the others still go in.
      if (!(error instanceof NotAllowedError)) throw error;
      failed.push({ line: row.line, reason: error.message });
    }
  }
  return { ok: true, rows: good.length, recorded, unchanged: good.filter((item) => item.unchanged).length, failed };
}

export function reviewReportText(report: ReviewImportReport): string {
  if (!report.ok) return [`Nothing was imported: ${report.problems.length} row(s) need fixing.`, ...report.problems.map((p) => `line ${p.line}: ${p.reason}`)].join('\n');
  return [
    `Review outcomes imported: ${report.rows} rows, ${report.recorded} recorded, ${report.unchanged} already recorded${report.failed.length ? `, ${report.failed.length} refused` : ''}.`,
    ...report.failed.map((p) => `line ${p.line}: ${p.reason}`),
  ].join('\n');
}

