import template from './claimAction.json';
import { expandCard, type AdaptiveCard } from './render';

export interface ClaimActionCardData {
  title: string;
  /** `Good` for something done, `Default` for a question. */
  color: 'Default' | 'Good';
  text: string;
  facts: { title: string; value: string }[];
  /** What happens next; empty for none. */
  note: string;
  /** Action.Submit buttons with their `data.action` verb; `positive` marks the one that acts. */
  buttons: { title: string; style: 'default' | 'positive'; data: Record<string, string> }[];
}

/** One claim's facts with buttons: the question before a claim action (re-send) or its confirmation (consent sent, claim submitted). */
export function claimActionCard(data: ClaimActionCardData): AdaptiveCard {
  return expandCard(template, data);
}
