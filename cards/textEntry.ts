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
  /** A whole number from `min` to `max` instead of text (`value` then holds its digits, or ''). */
  numberRange?: { min: number; max: number };
  /** What was wrong with the last answer, shown under the input; '' or absent for nothing. */
  error?: string;
  /** An optional `idType` choice shown under the text; empty for none. */
  typeChoices: { title: string; value: string }[];
  selectedType: string;
  submitTitle: string;
  action: string;
}

/** One required text answer (a customer id, hours, a reason), optionally with an id type choice. */
export function textEntryCard(data: TextEntryCardData): AdaptiveCard {
  const number = data.numberRange && /^\d+$/.test(data.value) ? Number(data.value) : null;
  return expandCard(template, {
    ...data,
    numberRange: data.numberRange ? { ...data.numberRange, value: number } : null,
    value: data.numberRange && number === null ? '' : data.value,
    error: data.error ?? '',
  });
}
