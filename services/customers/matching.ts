/** Something people name by its name (or its id). */
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
function matchByName<T extends Named>(items: readonly T[], typed: string, extraKeys: (item: T) => readonly string[] = () => []): Match<T> {
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

/** A customer as the partner can name it: by (part of) its name, its id, or any of its id values. */
export interface KnownCustomerRef extends Named {
  /** Every id value of the customer (domains, tenant ids, TPID, …). */
  ids: readonly string[];
}

/** A known customer named by (part of) its name or by any of its ids. */
export function matchCustomer<T extends KnownCustomerRef>(customers: readonly T[], typed: string): Match<T> {
  return matchByName(customers, typed, (customer) => customer.ids);
}
