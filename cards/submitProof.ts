import template from './submitProof.json';
import { expandCard, type AdaptiveCard } from './render';

type ProofInput = 'deliverySummary' | 'completionDate' | 'evidenceLinks';

export interface SubmitProofCardData {
  title: string;
  text: string;
  /** What was entered last, kept when the card is asked again. */
  deliverySummary: string;
  /** YYYY-MM-DD, or empty. */
  completionDate: string;
  /** One link per line. */
  evidenceLinks: string;
  summaryMin: number;
  summaryMax: number;
  linksMax: number;
  /** YYYY-MM-DD: the completion date cannot be earlier (the day the customer consented); empty for no limit. */
  minDate: string;
  /** YYYY-MM-DD: the completion date cannot be later. */
  today: string;
  /** The same range in words, for the date's error message, e.g. "3 March 2026 to today, 24 November 2026". */
  dateRangeText: string;
  /** What was wrong with each input last time, shown under it; absent for nothing. */
  errors?: Partial<Record<ProofInput, string>>;
  action: string;
}

/**
 * The proof of execution Partner Center asks for at submission: what was delivered, when, and the
 * evidence. The inputs carry the submission's own limits, so a client that validates refuses
 * before sending; what the server found wrong last time is shown under each input.
 */
export function submitProofCard(data: SubmitProofCardData): AdaptiveCard {
  const { errors = {}, ...rest } = data;
  return expandCard(template, {
    ...rest,
    // At least summaryMin characters between the first and the last that is not a space (as the service trims).
    summaryPattern: `^\\s*\\S[\\s\\S]{${Math.max(data.summaryMin - 2, 0)},}\\S\\s*$`,
    summaryErrorMessage: `Describe what was delivered in at least ${data.summaryMin} characters.`,
    dateErrorMessage: `Give the completion date: a day from ${data.dateRangeText}.`,
    linksErrorMessage: `Give up to ${data.linksMax} evidence links, each a full https:// address on its own line.`,
    errors: { deliverySummary: errors.deliverySummary ?? '', completionDate: errors.completionDate ?? '', evidenceLinks: errors.evidenceLinks ?? '' },
  });
}
