import * as ACData from 'adaptivecards-templating';

/** An expanded Adaptive Card, ready to send. */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  version: string;
  body: unknown[];
  actions?: unknown[];
  [key: string]: unknown;
}

/** Parsing a template costs more than expanding it, so each template is parsed once per process. */
const parsedTemplates = new WeakMap<object, ACData.Template>();

/** Expands a card template with its typed data: `${...}` expressions bind against `$root`. */
export function expandCard<TData extends object>(template: object, data: TData): AdaptiveCard {
  let parsed = parsedTemplates.get(template);
  if (!parsed) {
    parsed = new ACData.Template(template);
    parsedTemplates.set(template, parsed);
  }
  // expand() is synchronous and resets its own state on each call, so one instance serves every turn.
  const expanded: unknown = parsed.expand({ $root: data });
  return expanded as AdaptiveCard;
}
