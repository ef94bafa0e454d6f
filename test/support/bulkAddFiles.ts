import ExcelJS from 'exceljs';
import type { Database } from '../../services/db';

/** Bulk add files for tests and the bench: CSV and .xlsx built from rows of cells, and customers eligible to fill them. */

export const BULK_HEADER = ['Customer ID', 'ID type', 'Engagement', 'Friendly name', 'Location', 'Customer contact name', 'Customer contact email', 'Hours'];

/** A CSV of rows (header first), quoting every cell the way Excel does when it must. */
export function csvFile(rows: readonly (readonly string[])[]): Buffer {
  const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
  return Buffer.from(rows.map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n', 'utf8');
}

/** An .xlsx workbook with the rows on its first sheet; numeric-looking cells are stored as numbers, as Excel does. */
export async function xlsxFile(rows: readonly (readonly string[])[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Customers');
  for (const row of rows) sheet.addRow(row.map((cell) => (/^\d{1,12}$/.test(cell) ? Number(cell) : cell)));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** `count` TPIDs from `first`, each eligible for the engagement and new to everyone: rows that will be added. */
export async function seedEligibleTpids(db: Database, engagementId: string, first: number, count: number): Promise<string[]> {
  const tpids = Array.from({ length: count }, (_, i) => String(first + i));
  await db.prisma.eligibilityEntry.createMany({ data: tpids.map((idValue) => ({ engagementId, idType: 'TPID' as const, idValue, eligible: true, reason: null })) });
  return tpids;
}

/** One row per TPID for the engagement (by the name people type), each with its own customer contact. */
export function tpidRows(tpids: readonly string[], engagement: string): string[][] {
  return [BULK_HEADER, ...tpids.map((tpid) => [tpid, '', engagement, '', '', `Contact ${tpid}`, `contact${tpid}@example.com`, ''])];
}
