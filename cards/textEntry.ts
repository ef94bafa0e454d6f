import template from './textEntry.json';
import { expandCard, type AdaptiveCard } from './render';

export interface TextEntryCardData {
  title: string;
  text: string;
  inputId: string;
  label: string;
  placeholder: string;
  /** Pre-filled value; empty for none. */
  value: string;
  multiline: boolean;
  maxLength: number;
  errorMessage: string;
  /** An optional `idType` choice shown under the text; empty for none. */
  typeChoices: { title: string; value: string }[];
  selectedType: string;
  submitTitle: string;
  action: string;
}

/** One required text answer (a customer id, hours, a reason), optionally with an id type choice. */
export function textEntryCard(data: TextEntryCardData): AdaptiveCard {
  return expandCard(template, data);
}
