/** An Action.Submit found in a card: its title and its `data` (the verb and the ids it carries). */
export interface SubmitAction {
  title: string;
  data: Record<string, string>;
}

/** Every Action.Submit of a card, in document order, wherever it is nested. */
export function submitActions(card: unknown): SubmitAction[] {
  const found: SubmitAction[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.type === 'Action.Submit') found.push({ title: String(record.title), data: record.data as Record<string, string> });
    Object.values(record).forEach(walk);
  };
  walk(card);
  return found;
}
