import template from './question.json';
import { expandCard, type AdaptiveCard } from './render';

export interface QuestionCardData {
  /** The question, one line. */
  title: string;
  /** What happens either way; empty for none. */
  text: string;
  /** At most a few buttons; `positive` marks the suggested answer. */
  buttons: { title: string; style: 'default' | 'positive'; data: Record<string, unknown> }[];
}

/** A short question with one-click answers: "Leave Add customer and open the engagements?", "Did you mean …?". */
export function questionCard(data: QuestionCardData): AdaptiveCard {
  return expandCard(template, data);
}
