import * as ACData from 'adaptivecards-templating';

/** An expanded Adaptive Card, ready to send. */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  version: string;
  body: unknown[];
  actions?: unknown[];
  [key: string]: unknown;
}

/** Expands a card template with its typed data: `${...}` expressions bind against `$root`. */
export function expandCard<TData extends object>(template: object, data: TData): AdaptiveCard {
  const expanded: unknown = new ACData.Template(template).expand({ $root: data });
  return expanded as AdaptiveCard;
}
