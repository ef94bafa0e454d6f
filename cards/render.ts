import * as ACData from 'adaptivecards-templating';

/** An expanded Adaptive Card, ready to send. */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  version: string;
  body: unknown[];
  actions?: unknown[];
  [key: string]: unknown;
}

interface ParsedTemplate {
  template: ACData.Template;
  /** The last few expansions, as JSON by the JSON of their data (most recent last). */
  expanded: Map<string, string>;
}

/** Parsing a template costs more than expanding it, so each template is parsed once per process. */
const parsedTemplates = new WeakMap<object, ParsedTemplate>();

/**
 * How many expansions of one template are kept. The templates are static JSON with no clock or
 * random functions, so an expansion depends on its data alone; the same card for the same data
 * (the welcome card of everyone with the same roles) is then a JSON parse instead of an expression
 * evaluation per element (about 7 % of a help turn's CPU, bench/RESULTS.md issue 18).
 */
const EXPANSIONS_KEPT = 16;

/** Expands a card template with its typed data: `${...}` expressions bind against `$root`. */
export function expandCard<TData extends object>(template: object, data: TData): AdaptiveCard {
  let parsed = parsedTemplates.get(template);
  if (!parsed) {
    parsed = { template: new ACData.Template(template), expanded: new Map() };
    parsedTemplates.set(template, parsed);
  }
  const key = JSON.stringify(data);
  let json = parsed.expanded.get(key);
  if (json === undefined) {
    // expand() is synchronous and resets its own state on each call, so one instance serves every turn.
    json = JSON.stringify(parsed.template.expand({ $root: data }));
    if (parsed.expanded.size >= EXPANSIONS_KEPT) parsed.expanded.delete(parsed.expanded.keys().next().value ?? '');
  } else {
    parsed.expanded.delete(key);
  }
  parsed.expanded.set(key, json);
  // A new object every time: callers add notices and reshape cards for the channel.
  return JSON.parse(json) as AdaptiveCard;
}
