import { z } from 'zod';
import { CUSTOMER_ID_TYPE_LABELS, inferCustomerIdType, parseCustomerId, type CustomerId } from '../customers/customerIds';
import { CustomerIdType } from '../db';
import type { PartnerCaller } from '../directory/callers';
import { claimNames, contactMessagesFor, contactSchema, proposeFriendlyName, proposePayout, validateHours, type Contact, type EngagementVerdict, type Nomination } from '../nomination';
import { parseUserInput, problemsOf } from '../shared/validation';
import { shorten } from '../shared/text';
import { columnLabel, splitContact, type ColumnKey, type RowValues } from './columns';

/**
 * Every row of a bulk add file checked with the rules of Add customer, through the nomination
 * facade (the same offer, verdicts, claim-instead and payout rules the conversation uses), without
 * creating anything. Add customer decides every rule again when the rows are added.
 */

/** What a row will be added with: Add customer's input, as JSON (kept in the database until the click). */
export const storedAddInputSchema = z.object({
  customerId: z.object({ type: z.enum(CustomerIdType), value: z.string() }),
  friendlyName: z.string(),
  locationId: z.string(),
  engagementIds: z.array(z.string()),
  hours: z.string().optional(),
  customerContact: z.object({ name: z.string(), email: z.string(), phone: z.string().nullable() }),
  partnerContact: z.object({ name: z.string(), email: z.string(), phone: z.string().nullable() }),
  tenantMismatchReason: z.string().optional(),
});

const valuesSchema = z.record(z.string(), z.string());

export const checkedRowSchema = z.discriminatedUnion('kind', [
  z.object({ row: z.number(), kind: z.literal('add'), values: valuesSchema, customerLabel: z.string(), engagementName: z.string(), input: storedAddInputSchema }),
  z.object({ row: z.number(), kind: z.literal('claim'), values: valuesSchema, customerName: z.string(), engagementName: z.string().nullable(), reason: z.string() }),
  z.object({ row: z.number(), kind: z.literal('refused'), values: valuesSchema, column: z.string(), value: z.string(), reason: z.string() }),
]);

export type CheckedRow = z.infer<typeof checkedRowSchema>;
export type StoredAddInput = z.infer<typeof storedAddInputSchema>;

/** Who is adding: their partner scopes every lookup; their profile is the partner contact when a row gives none. */
export interface RowChecker {
  caller: PartnerCaller;
  profile: Contact;
  lastLocationId: string | null;
}

/** A row refused: thrown inside the row's check only, and turned into its report line. */
class Refusal extends Error {
  constructor(
    readonly column: ColumnKey,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'Refusal';
  }
}

const ID_TYPE_WORDS: Record<string, CustomerIdType> = {
  domain: 'DOMAIN',
  domainname: 'DOMAIN',
  tenant: 'TENANT_ID',
  tenantid: 'TENANT_ID',
  tpid: 'TPID',
  topparentid: 'TPID',
  tpidtopparentid: 'TPID',
  subscription: 'AZURE_SUBSCRIPTION_ID',
  azuresubscription: 'AZURE_SUBSCRIPTION_ID',
  azuresubscriptionid: 'AZURE_SUBSCRIPTION_ID',
  subscriptionid: 'AZURE_SUBSCRIPTION_ID',
  msx: 'MSX_OPPORTUNITY_ID',
  msxopportunity: 'MSX_OPPORTUNITY_ID',
  msxopportunityid: 'MSX_OPPORTUNITY_ID',
  opportunityid: 'MSX_OPPORTUNITY_ID',
};

const TYPE_CHOICES = Object.values(CUSTOMER_ID_TYPE_LABELS).join(', ');

function customerIdOf(values: RowValues): CustomerId {
  const raw = values.customerId ?? '';
  if (raw === '') throw new Refusal('customerId', 'The customer ID is empty. Give a domain name, tenant ID, TPID, Azure subscription ID or MSX opportunity ID.');
  const typed = values.idType;
  if (typed) {
    const type = ID_TYPE_WORDS[typed.toLowerCase().replace(/[^a-z]/g, '')] ?? null;
    if (!type) throw new Refusal('idType', `"${shorten(typed)}" is not an id type. Use one of: ${TYPE_CHOICES}; or leave it empty to have it read from the id.`);
    const parsed = parseCustomerId(type, raw);
    if (!parsed.ok) throw new Refusal('customerId', parsed.message);
    return parsed.id;
  }
  const inferred = inferCustomerIdType(raw);
  if (inferred.kind === 'one') return inferred.id;
  if (inferred.kind === 'ambiguous') {
    throw new Refusal('idType', `${inferred.value} is a GUID: a tenant ID or an Azure subscription ID. Say which in the ${columnLabel('idType')} column.`);
  }
  throw new Refusal('customerId', inferred.message);
}

function contactOf(values: RowValues, who: 'customer' | 'partner', fallback: Contact | null): Contact {
  const prefix = who === 'customer' ? 'customerContact' : 'partnerContact';
  const combined = values[prefix];
  const split = combined ? splitContact(combined) : null;
  const name = values[`${prefix}Name`] ?? split?.name ?? '';
  const email = values[`${prefix}Email`] ?? split?.email ?? '';
  const phone = values[`${prefix}Phone`] ?? null;
  if (fallback && name === '' && email === '' && phone === null) return fallback;
  const parsed = parseUserInput(contactSchema(contactMessagesFor(who === 'customer' ? 'Customer contact' : 'Partner contact')), { name, email, phone });
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0]?.path[0];
  const column: ColumnKey = combined && field !== 'phone' ? prefix : field === 'email' ? `${prefix}Email` : field === 'phone' ? `${prefix}Phone` : `${prefix}Name`;
  throw new Refusal(column, `${problemsOf(parsed.error).join('; ')}.`);
}

/** Which column a refused engagement verdict is about: the id given, the location, or the engagement itself. */
function verdictColumn(verdict: Extract<EngagementVerdict, { eligible: false }>): ColumnKey {
  switch (verdict.code) {
    case 'ENGAGEMENT_CLOSED':
      return 'engagement';
    case 'NO_ENROLLED_LOCATION':
      return 'location';
    default:
      return 'customerId';
  }
}

/** Rows checked at once: the check only reads, so a file's rows share the database's time (and the pool) a few at a time. */
export const CHECK_LANES = 4;

/**
 * The rows checked, in the file's order; lookups that depend only on the engagement or the location
 * are made once per file. A row that repeats an earlier row's customer and engagement is refused
 * after the check, so the first one in the file is the one kept whatever order the checks end in.
 */
export async function checkRows(nomination: Nomination, checker: RowChecker, rows: readonly { row: number; values: RowValues }[], onProgress?: (done: number) => Promise<void>): Promise<CheckedRow[]> {
  const memo: FileMemo = { engagements: new Map(), locations: new Map() };
  const checked: (CheckedRow | undefined)[] = new Array<CheckedRow | undefined>(rows.length);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < rows.length) {
      const index = next;
      next += 1;
      const row = rows[index];
      if (!row) continue;
      checked[index] = await checkRow(nomination, checker, row, memo);
      done += 1;
      if (onProgress && done % 50 === 0 && done < rows.length) await onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHECK_LANES, rows.length) }, lane));
  return refuseRepeats(checked.filter((row): row is CheckedRow => row !== undefined));
}

/** Each customer once per engagement: a later row with the same id and engagement as an earlier one is refused, naming it. */
function refuseRepeats(rows: readonly CheckedRow[]): CheckedRow[] {
  const seen = new Map<string, number>();
  return rows.map((row) => {
    if (row.kind !== 'add') return row;
    const key = `${row.input.customerId.type}\u0000${row.input.customerId.value}\u0000${row.input.engagementIds.join(',')}`;
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, row.row);
      return row;
    }
    const reason = `Row ${earlier} already adds this customer to ${row.engagementName}; each customer is added once per engagement.`;
    return { row: row.row, kind: 'refused', values: row.values, column: columnLabel('customerId'), value: row.values.customerId ?? '', reason };
  });
}

interface FileMemo {
  engagements: Map<string, Promise<Awaited<ReturnType<Nomination['findEngagement']>>>>;
  locations: Map<string, Promise<Awaited<ReturnType<Nomination['decideLocation']>>>>;
}

async function checkRow(nomination: Nomination, checker: RowChecker, { row, values }: { row: number; values: RowValues }, memo: FileMemo): Promise<CheckedRow> {
  try {
    return await decideRow(nomination, checker, row, values, memo);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return { row, kind: 'refused', values, column: columnLabel(error.column), value: values[error.column] ?? '', reason: error.reason };
  }
}

async function decideRow(nomination: Nomination, checker: RowChecker, row: number, values: RowValues, memo: FileMemo): Promise<CheckedRow> {
  const { caller } = checker;
  const id = customerIdOf(values);

  const engagementText = values.engagement ?? '';
  if (engagementText === '') throw new Refusal('engagement', 'The engagement is empty. Give its name, as **engagements** lists them.');
  const key = engagementText.toLowerCase();
  // The lookup itself is kept, so rows checked at once share one query.
  let pending = memo.engagements.get(key);
  if (!pending) {
    pending = nomination.findEngagement(caller, engagementText);
    memo.engagements.set(key, pending);
  }
  const lookup = await pending;
  if (lookup.kind === 'many') throw new Refusal('engagement', `"${shorten(engagementText)}" matches ${lookup.candidates.map((e) => e.name).join(', ')}. Give the full name of one.`);
  if (lookup.kind === 'none') {
    const names = lookup.engagements.map((e) => e.name).join(', ');
    throw new Refusal('engagement', `"${shorten(engagementText)}" is not an engagement you can work on${names ? `; yours are: ${names}` : ''}.`);
  }
  const engagement = lookup.engagement;

  let pendingLocation = memo.locations.get(engagement.id);
  if (!pendingLocation) {
    pendingLocation = nomination.decideLocation(caller, { engagementId: engagement.id, lastLocationId: checker.lastLocationId, useLast: true });
    memo.locations.set(engagement.id, pendingLocation);
  }
  const decision = await pendingLocation;
  if (decision.kind === 'none') throw new Refusal('engagement', `None of your MCI-enrolled locations is enrolled for ${engagement.name}.`);
  const possible = decision.kind === 'ask' ? decision.locations : [decision.location];
  const locationText = values.location;
  let locationId: string;
  if (locationText) {
    const wanted = locationText.toLowerCase();
    const found = possible.find((l) => l.id.toLowerCase() === wanted || l.name.toLowerCase() === wanted);
    // An own location not enrolled for this engagement, or someone else's: said the same way, naming the ones that can be used.
    if (!found) throw new Refusal('location', `${shorten(locationText)} is not one of your locations enrolled for ${engagement.name}; use one of: ${possible.map((l) => `${l.id} (${l.name})`).join(', ')}.`);
    locationId = found.id;
  } else if (decision.kind === 'chosen') {
    locationId = decision.location.id;
  } else {
    throw new Refusal('location', `You have several locations enrolled for ${engagement.name}: say which in the ${columnLabel('location')} column, one of: ${possible.map((l) => `${l.id} (${l.name})`).join(', ')}.`);
  }

  const customerContact = contactOf(values, 'customer', null);
  const partnerContact = contactOf(values, 'partner', checker.profile);

  const offer = await nomination.offerAdd(caller, { customerId: id, locationId, engagementId: engagement.id });
  if (!offer.ok) {
    if (offer.claimInstead) {
      return { row, kind: 'claim', values, customerName: offer.claimInstead.customerName, engagementName: offer.claimInstead.engagementName, reason: offer.message };
    }
    throw new Refusal('customerId', offer.message);
  }
  const verdict = offer.offer.verdicts.find((v) => v.engagementId === engagement.id);
  if (!verdict) throw new Refusal('engagement', `${engagement.name} is not open for nominations.`);
  if (!verdict.eligible) throw new Refusal(verdictColumn(verdict), verdict.hint ? `${verdict.reason} ${verdict.hint}` : verdict.reason);

  const chosen = await nomination.chooseEngagements({ offer: offer.offer, engagementIds: [engagement.id], mode: 'add', idType: id.type, opportunity: offer.opportunity });
  if (!chosen.ok) throw new Refusal('customerId', chosen.message);
  const hoursFor = chosen.chosen.hoursFor;
  const hoursText = values.hours;
  if (!hoursFor && hoursText) throw new Refusal('hours', `Hours are only given for variable pay engagements; leave the column empty for ${engagement.name}.`);
  if (hoursFor) {
    if (!hoursText) throw new Refusal('hours', `${hoursFor.name} is a variable pay engagement: give the number of hours needed.`);
    const hours = validateHours(hoursText, hoursFor);
    if (!hours.ok) throw new Refusal('hours', hours.message);
    const opportunity = chosen.chosen.opportunity;
    if (!opportunity) throw new Refusal('customerId', `MSX opportunity ${id.value} was not found, so no payout can be proposed.`);
    const payout = proposePayout(hoursFor, opportunity.valueUsd, hours.hours);
    if (!payout.ok) throw new Refusal('hours', payout.reason);
  }

  const mismatch = await nomination.contactMismatch(id, customerContact.email);
  const mismatchReason = values.tenantMismatchReason;
  if (mismatch && !mismatchReason) throw new Refusal('tenantMismatchReason', `${mismatch} Give a reason in the ${columnLabel('tenantMismatchReason')} column.`);

  const friendlyName = values.friendlyName ?? proposeFriendlyName(offer.customerLabel, [engagement.name]);
  if (friendlyName.length > 200) throw new Refusal('friendlyName', 'A friendly name has at most 200 characters.');
  return {
    row,
    kind: 'add',
    values,
    customerLabel: offer.customerLabel,
    engagementName: engagement.name,
    input: {
      customerId: id,
      friendlyName: claimNames(friendlyName, [engagement.name])[0] ?? friendlyName,
      locationId,
      engagementIds: [engagement.id],
      ...(hoursText && hoursFor ? { hours: hoursText } : {}),
      customerContact,
      partnerContact,
      ...(mismatch && mismatchReason ? { tenantMismatchReason: mismatchReason } : {}),
    },
  };
}
