/**
 * The columns of a bulk add file: their names in the template, the names people give them (any
 * case, spaces and punctuation ignored), which are required, and how a header row maps to them.
 */

export const COLUMNS = [
  { key: 'customerId', label: 'Customer ID', aliases: ['customerid', 'customer', 'id', 'customeridvalue'] },
  { key: 'idType', label: 'ID type', aliases: ['idtype', 'customeridtype', 'type'] },
  { key: 'engagement', label: 'Engagement', aliases: ['engagement', 'engagementname', 'engagementid'] },
  { key: 'friendlyName', label: 'Friendly name', aliases: ['friendlyname', 'claimname', 'name'] },
  { key: 'location', label: 'Location', aliases: ['location', 'locationid', 'locationname'] },
  /** One column "Name <email>" instead of the name and email columns. */
  { key: 'customerContact', label: 'Customer contact', aliases: ['customercontact'] },
  { key: 'customerContactName', label: 'Customer contact name', aliases: ['customercontactname'] },
  { key: 'customerContactEmail', label: 'Customer contact email', aliases: ['customercontactemail'] },
  { key: 'customerContactPhone', label: 'Customer contact phone', aliases: ['customercontactphone'] },
  { key: 'partnerContact', label: 'Partner contact', aliases: ['partnercontact', 'yourcontact'] },
  { key: 'partnerContactName', label: 'Partner contact name', aliases: ['partnercontactname', 'yourcontactname'] },
  { key: 'partnerContactEmail', label: 'Partner contact email', aliases: ['partnercontactemail', 'yourcontactemail'] },
  { key: 'partnerContactPhone', label: 'Partner contact phone', aliases: ['partnercontactphone', 'yourcontactphone'] },
  { key: 'hours', label: 'Hours', aliases: ['hours', 'hoursneeded'] },
  { key: 'tenantMismatchReason', label: 'Tenant mismatch reason', aliases: ['tenantmismatchreason', 'mismatchreason'] },
] as const;

export type ColumnKey = (typeof COLUMNS)[number]['key'];
export type RowValues = Partial<Record<ColumnKey, string>>;

/** The template's columns, in its order: the one-column contacts are accepted but not offered. */
export const TEMPLATE_COLUMNS: readonly ColumnKey[] = COLUMNS.map((c) => c.key).filter((key) => key !== 'customerContact' && key !== 'partnerContact');

export function columnLabel(key: ColumnKey): string {
  return COLUMNS.find((c) => c.key === key)?.label ?? key;
}

const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

export type HeaderMap = { ok: true; indexes: Map<ColumnKey, number>; ignored: string[] } | { ok: false; message: string };

/** Which cell of a row each column is, from the header row; a file without the required columns is refused, naming them. */
export function mapHeader(header: readonly string[]): HeaderMap {
  const indexes = new Map<ColumnKey, number>();
  const ignored: string[] = [];
  header.forEach((name, index) => {
    const column = COLUMNS.find((c) => (c.aliases as readonly string[]).includes(normalise(name)));
    if (!column) {
      if (name.trim() !== '') ignored.push(name.trim());
      return;
    }
    if (indexes.has(column.key)) {
      ignored.push(name.trim());
      return;
    }
    indexes.set(column.key, index);
  });
  const missing: string[] = [];
  if (!indexes.has('customerId')) missing.push(columnLabel('customerId'));
  if (!indexes.has('engagement')) missing.push(columnLabel('engagement'));
  if (!indexes.has('customerContact') && !(indexes.has('customerContactName') && indexes.has('customerContactEmail'))) {
    missing.push(`${columnLabel('customerContactName')} and ${columnLabel('customerContactEmail')}`);
  }
  if (missing.length > 0) {
    const expected = TEMPLATE_COLUMNS.map(columnLabel).join(', ');
    return { ok: false, message: `The header row (the first row) lacks the column(s) ${missing.join(', ')}. The columns are: ${expected}. Type **bulk add** for the template.` };
  }
  return { ok: true, indexes, ignored };
}

/** One row's cells by column. */
export function rowValues(indexes: ReadonlyMap<ColumnKey, number>, cells: readonly string[]): RowValues {
  const values: RowValues = {};
  for (const [key, index] of indexes) {
    const cell = cells[index] ?? '';
    if (cell !== '') values[key] = cell;
  }
  return values;
}

/** "Name <email>" (or "Name, email", or an email alone) as a name and an email. */
export function splitContact(text: string): { name: string; email: string } {
  const angle = /^(.*?)<([^<>]+)>\s*$/.exec(text);
  if (angle) return { name: (angle[1] ?? '').trim().replace(/,$/, '').trim(), email: (angle[2] ?? '').trim() };
  const comma = /^(.*),\s*(\S+@\S+)$/.exec(text);
  if (comma) return { name: (comma[1] ?? '').trim(), email: (comma[2] ?? '').trim() };
  return /^\S+@\S+$/.test(text.trim()) ? { name: '', email: text.trim() } : { name: text.trim(), email: '' };
}
