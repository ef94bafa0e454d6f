import { parse } from 'csv-parse/sync';

/**
 * CSV text as rows of cells (RFC 4180: commas, double-quoted fields with "" for a quote, CRLF or LF,
 * a BOM dropped); throws csv-parse's CsvError on a malformed file. Every CSV this project reads goes
 * through here, so all of them are read alike.
 */
export function parseCsvText(text: string, maxRecords?: number): string[][] {
  const records: string[][] = parse(text, {
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    // Any line end, mixed too: a file edited on two systems has both.
    record_delimiter: ['\r\n', '\n', '\r'],
    ...(maxRecords ? { to: maxRecords } : {}),
  });
  return records;
}

