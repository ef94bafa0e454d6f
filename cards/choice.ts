import template from './choice.json';
import { expandCard, type AdaptiveCard } from './render';

export interface ChoiceCardData {
  title: string;
  /** Shown under the title; empty for none. */
  text: string;
  /** The submitted field name. */
  inputId: string;
  label: string;
  errorMessage: string;
  choices: { title: string; value: string }[];
  /** The value chosen by default; empty for none. */
  selected: string;
  submitTitle: string;
  /** `data.action` of the submit button. */
  action: string;
}

/** One required single choice (a location, a known customer, tenant or subscription) and a submit button. */
export function choiceCard(data: ChoiceCardData): AdaptiveCard {
  return expandCard(template, data);
}
