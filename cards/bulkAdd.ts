import helpTemplate from './bulkAddHelp.json';
import reportTemplate from './bulkAddReport.json';
import resultTemplate from './bulkAddResult.json';
import { CONFIRM_BULK_ADD_ACTION } from './actions';
import { formatDateTime, markdownLink, plural } from './format';
import { expandCard, type AdaptiveCard } from './render';
import type { BulkAddOutcome, BulkAddReport, CheckedRow } from '../services/bulkAdd';

/** The cards of bulk add: how to (with the template), the report of a checked file, and what the add did. */

/** How many rows of each kind a card lists; the checked file has them all. */
export const LISTED_ROWS = 15;

interface Line {
  what: string;
  why: string;
}

interface Section {
  heading: string;
  color: 'Good' | 'Warning' | 'Attention' | 'Default';
  lines: Line[];
  more: string;
}

function section(heading: string, color: Section['color'], lines: readonly Line[], moreWhere: string): Section[] {
  if (lines.length === 0) return [];
  const more = lines.length > LISTED_ROWS ? `…and ${lines.length - LISTED_ROWS} more: ${moreWhere}.` : '';
  return [{ heading, color, lines: lines.slice(0, LISTED_ROWS), more }];
}

/** A cell quoted back, on one line and short. */
function quoted(value: string): string {
  const line = value.replace(/\s+/g, ' ').trim();
  if (line === '') return '(empty)';
  return `"${line.length > 60 ? `${line.slice(0, 59)}…` : line}"`;
}

export interface BulkAddHelpData {
  /** The template's link; empty when it comes as a file of its own (Teams file consent). */
  downloadUrl: string;
  columns: { name: string; description: string }[];
  maxRows: number;
  maxSize: string;
}

export function bulkAddHelpCard(data: BulkAddHelpData): AdaptiveCard {
  return expandCard(helpTemplate, {
    intro:
      'Add many customers new to you at once: fill in the template (one row per customer and engagement) and send it to me here as a .csv or .xlsx file. ' +
      'I check every row as Add customer would, without creating anything, and show what will be added, what must be claimed instead and what is refused, with a checked file to download. ' +
      'Then *Add N customers* creates them in one go.',
    columns: data.columns,
    limits: `At most ${data.maxRows} rows and ${data.maxSize} per file. A file I cannot read, or that breaks a limit, changes nothing.`,
    // A link in the text, not a button: only Action.Submit buttons reach the bot in every channel, and the link stays in the chat.
    download: data.downloadUrl ? `${markdownLink('Download the template', data.downloadUrl)} (a CSV; the link works for an hour).` : '',
  });
}

export interface BulkAddReportData {
  report: BulkAddReport;
  /** The checked file's link; empty when it comes as a file of its own (Teams file consent). */
  downloadUrl: string;
}

function reportLines(rows: readonly CheckedRow[]): { add: Line[]; claim: Line[]; refused: Line[] } {
  const add: Line[] = [];
  const claim: Line[] = [];
  const refused: Line[] = [];
  for (const row of rows) {
    if (row.kind === 'add') add.push({ what: `Row ${row.row}: ${row.customerLabel} for ${row.engagementName}, as "${row.input.friendlyName}"`, why: '' });
    else if (row.kind === 'claim') claim.push({ what: `Row ${row.row}: ${row.customerName}${row.engagementName ? ` for ${row.engagementName}` : ''}`, why: row.reason });
    else refused.push({ what: `Row ${row.row}, ${row.column} ${quoted(row.value)}`, why: row.reason });
  }
  return { add, claim, refused };
}

export function bulkAddReportCard({ report, downloadUrl }: BulkAddReportData): AdaptiveCard {
  const lines = reportLines(report.rows);
  const inFile = 'see the checked file';
  const sections = [
    ...section(`${plural(report.toAdd, 'row', 'rows')} will be added`, 'Good', lines.add, inFile),
    ...section(`${plural(report.toClaim, 'row', 'rows')} must be claimed instead`, 'Warning', lines.claim, inFile),
    ...section(`${plural(report.refused, 'row', 'rows')} refused`, 'Attention', lines.refused, inFile),
  ];
  const total = report.rows.length;
  return expandCard(reportTemplate, {
    title: `Bulk add: ${report.fileName}`,
    summary: `${plural(total, 'row', 'rows')} checked: ${report.toAdd} will be added, ${report.toClaim} must be claimed instead, ${report.refused} refused. Nothing has been created yet.`,
    ignored: report.ignoredColumns.length > 0 ? `Columns I do not know were not read: ${report.ignoredColumns.map(quoted).join(', ')}.` : '',
    sections,
    next:
      report.toAdd > 0
        ? 'Rows to claim are claimed one by one (claim customer, or Claim customer on the Eligible tab). Fix refused rows in the checked file and send it again.'
        : 'Nothing can be added from this file. Fix refused rows in the checked file and send it again; rows to claim are claimed one by one (claim customer).',
    addTitle: report.toAdd > 0 ? `Add ${plural(report.toAdd, 'customer', 'customers')}` : '',
    addAction: CONFIRM_BULK_ADD_ACTION,
    fileId: report.fileId,
    download: downloadUrl ? `${markdownLink('Download the checked file', downloadUrl)}: every row as I read it, with what happens to it and what to fix (the link works for an hour).` : '',
  });
}

export function bulkAddResultCard(outcome: Exclude<BulkAddOutcome, { kind: 'inProgress' }>): AdaptiveCard {
  const { result } = outcome;
  const claims = result.added.flatMap((row) => row.claims.map((claim) => ({ what: `Row ${row.row}: ${claim.friendlyName}`, why: `${claim.id}, ${claim.engagementName}` })));
  const failed = result.failed.map((row) => ({ what: `Row ${row.row}`, why: row.reason }));
  const count = plural(result.added.length, 'customer', 'customers');
  const summary =
    outcome.kind === 'alreadyAdded'
      ? `This file was added already, on ${formatDateTime(outcome.finishedAt)}, so nothing was added again: ${count} were added then.`
      : `${count} added${failed.length > 0 ? `; ${plural(failed.length, 'row was', 'rows were')} refused at the last check (something changed since the report)` : ''}. ${plural(result.skipped, 'row', 'rows')} of the report were not for adding.`;
  return expandCard(resultTemplate, {
    title: outcome.kind === 'alreadyAdded' ? `Already added: ${result.fileName}` : `Added from ${result.fileName}`,
    summary,
    sections: [...section('Claims created', 'Good', claims, 'type **my claims** for them all'), ...section('Refused at the last check', 'Attention', failed, 'send the file again for a new report')],
    next: 'Next: send each customer the consent email (send consent and the claim id, or Send customer consent email on the Eligible tab).',
  });
}
