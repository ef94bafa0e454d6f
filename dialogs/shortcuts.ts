import type { Caller } from '../services/directory/callers';
import type { Database } from '../services/db';
import { matchEngagement as matchEngagementByName } from '../services/directory/engagements';
import type { AddCustomerOptions } from './addCustomerDialog';
import type { ClaimCustomerOptions } from './claimCustomerDialog';

/** A one-line shortcut as typed: `add <id> to <engagement>` or `claim <customer> for <engagement>`. */
export type Shortcut = { kind: 'add'; idText: string; engagementText: string } | { kind: 'claim'; customerText: string; engagementText: string };

const ADD = /^add\s+(.+?)\s+to\s+(.+)$/i;
const CLAIM = /^claim\s+(.+?)\s+for\s+(.+)$/i;

function unquote(text: string): string {
  return text.trim().replace(/^["'“”‘’]+|["'“”‘’.!]+$/g, '').trim();
}

/** Parses a shortcut line; null when the text is not one (for example plain `add customer`). */
export function parseShortcut(text: string): Shortcut | null {
  const line = text.trim().replace(/\s+/g, ' ');
  const add = ADD.exec(line);
  if (add?.[1] && add[2]) {
    const idText = unquote(add[1]);
    const engagementText = unquote(add[2]);
    if (idText && engagementText && !/^customer$/i.test(idText)) return { kind: 'add', idText, engagementText };
  }
  const claim = CLAIM.exec(line);
  if (claim?.[1] && claim[2]) {
    const customerText = unquote(claim[1]);
    const engagementText = unquote(claim[2]);
    if (customerText && engagementText) return { kind: 'claim', customerText, engagementText };
  }
  return null;
}

export interface Named {
  id: string;
  name: string;
}

export type Match<T> = { kind: 'one'; item: T } | { kind: 'many'; candidates: T[] } | { kind: 'none' };

function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/**
 * Loose matching of a typed name: exact (ignoring case and punctuation), then the names every typed
 * word starts a word of (`azure migrate` → "Azure Migrate and Modernize", `copilot`), then the id.
 */
export function matchByName<T extends Named>(items: readonly T[], typed: string, extraKeys: (item: T) => readonly string[] = () => []): Match<T> {
  const wanted = words(typed);
  if (wanted.length === 0) return { kind: 'none' };
  const joined = wanted.join(' ');
  const exact = items.filter((item) => words(item.name).join(' ') === joined || item.id.toLowerCase() === typed.trim().toLowerCase());
  if (exact.length === 1 && exact[0]) return { kind: 'one', item: exact[0] };
  const byKey = items.filter((item) => extraKeys(item).some((key) => key.toLowerCase() === typed.trim().toLowerCase()));
  if (byKey.length === 1 && byKey[0]) return { kind: 'one', item: byKey[0] };
  const partial = items.filter((item) => {
    const nameWords = words(item.name);
    return wanted.every((w) => nameWords.some((n) => n.startsWith(w)));
  });
  if (partial.length === 1 && partial[0]) return { kind: 'one', item: partial[0] };
  if (partial.length > 1) return { kind: 'many', candidates: partial };
  const contained = items.filter((item) => item.name.toLowerCase().includes(typed.trim().toLowerCase()));
  if (contained.length === 1 && contained[0]) return { kind: 'one', item: contained[0] };
  return contained.length > 1 ? { kind: 'many', candidates: contained } : { kind: 'none' };
}

export type EngagementMatch<T extends Named> = { kind: 'one'; engagement: T } | { kind: 'many'; candidates: T[] } | { kind: 'none' };

/** An engagement named loosely, by the one matcher the rest of the bot uses (services/directory/engagements.ts). */
export function matchEngagement<T extends Named>(engagements: readonly T[], typed: string): EngagementMatch<T> {
  const match = matchEngagementByName(engagements, typed);
  return match.kind === 'ambiguous' ? { kind: 'many', candidates: match.candidates } : match;
}

export interface KnownCustomerRef extends Named {
  /** Every id value of the customer (domains, tenant ids, TPID, …). */
  ids: readonly string[];
}

/** A known customer named by (part of) its name or by any of its ids. */
export function matchCustomer<T extends KnownCustomerRef>(customers: readonly T[], typed: string): Match<T> {
  return matchByName(customers, typed, (customer) => customer.ids);
}

function listNames(items: readonly Named[]): string {
  return items.map((item) => item.name).join('; ');
}

export type ShortcutResolution<T> = { ok: true; options: T } | { ok: false; message: string };

async function resolveEngagement(db: Database, typed: string): Promise<ShortcutResolution<Named>> {
  const engagements = await db.prisma.engagement.findMany({ where: { active: true }, select: { id: true, name: true }, orderBy: { name: 'asc' } });
  const match = matchEngagement(engagements, typed);
  if (match.kind === 'one') return { ok: true, options: match.engagement };
  if (match.kind === 'many') return { ok: false, message: `"${typed}" matches several engagements: ${listNames(match.candidates)}. Say which one.` };
  return { ok: false, message: `There is no open engagement called "${typed}". The engagements are: ${listNames(engagements)}.` };
}

/** `add <id> to <engagement>` → the Add customer options it names. */
export async function resolveAddShortcut(
  db: Database,
  caller: Caller,
  shortcut: Extract<Shortcut, { kind: 'add' }>,
): Promise<ShortcutResolution<AddCustomerOptions>> {
  const engagement = await resolveEngagement(db, shortcut.engagementText);
  if (!engagement.ok) return engagement;
  return { ok: true, options: { caller, idText: shortcut.idText, engagementId: engagement.options.id } };
}

/** `claim <customer> for <engagement>` → the Claim customer options it names, the customer among the partner's known ones. */
export async function resolveClaimShortcut(
  db: Database,
  caller: Caller,
  shortcut: Extract<Shortcut, { kind: 'claim' }>,
): Promise<ShortcutResolution<ClaimCustomerOptions>> {
  if (caller.kind !== 'partnerUser') return { ok: false, message: 'Only partner users can claim customers.' };
  const engagement = await resolveEngagement(db, shortcut.engagementText);
  if (!engagement.ok) return engagement;
  const known = await db.prisma.knownCustomer.findMany({
    where: { partnerId: caller.partnerId },
    select: { customerId: true, name: true, customer: { select: { identifiers: { select: { value: true } } } } },
    orderBy: { name: 'asc' },
  });
  const customers = known.map((k) => ({ id: k.customerId, name: k.name, ids: k.customer.identifiers.map((i) => i.value) }));
  const match = matchCustomer(customers, shortcut.customerText);
  if (match.kind === 'one') return { ok: true, options: { caller, customerId: match.item.id, engagementId: engagement.options.id } };
  if (match.kind === 'many') return { ok: false, message: `"${shortcut.customerText}" matches several of your known customers: ${listNames(match.candidates)}. Say which one.` };
  return {
    ok: false,
    message: `"${shortcut.customerText}" is not one of your known customers, so it cannot be claimed. A customer new to you is added: add <customer id> to <engagement>.`,
  };
}
