import template from './engagementChoice.json';
import { expandCard, type AdaptiveCard } from './render';

export interface EngagementChoiceCardData {
  title: string;
  text: string;
  /** Selectable engagements; `title` is what the choice shows. */
  eligible: { id: string; title: string }[];
  /** Engagements that cannot be chosen, with the reason. */
  ineligible: { name: string; reason: string }[];
  /** Said once under the ineligible ones (what the partner can do about them); empty for none. */
  hint: string;
  /** False when a variable pay engagement is offered: it is chosen on its own. */
  multiSelect: boolean;
  choiceLabel: string;
  /** Comma-separated ids chosen by default; empty for none. */
  selected: string;
  action: string;
  /** `data.action` of a "Use another customer ID" button; empty hides it. */
  otherIdAction: string;
}

/** The engagements step: eligible engagements selectable, ineligible ones listed with their reasons. */
export function engagementChoiceCard(data: EngagementChoiceCardData): AdaptiveCard {
  return expandCard(template, data);
}
