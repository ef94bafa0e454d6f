import template from './submitProof.json';
import { expandCard, type AdaptiveCard } from './render';

export interface SubmitProofCardData {
  title: string;
  text: string;
  /** What was entered last, kept when the card is asked again. */
  deliverySummary: string;
  /** YYYY-MM-DD, or empty. */
  completionDate: string;
  /** One link per line. */
  evidenceLinks: string;
  summaryMax: number;
  /** YYYY-MM-DD: the completion date cannot be later. */
  today: string;
  action: string;
}

/** The proof of execution Partner Center asks for at submission: what was delivered, when, and the evidence. */
export function submitProofCard(data: SubmitProofCardData): AdaptiveCard {
  return expandCard(template, data);
}
