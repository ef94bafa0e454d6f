import template from './nominationReview.json';
import { expandCard, type AdaptiveCard } from './render';

export interface NominationReviewCardData {
  title: string;
  text: string;
  facts: { title: string; value: string }[];
  /** VARIABLE: the proposed payout and how it was worked out; empty for FIXED. */
  payout: string;
  confirmTitle: string;
  confirmAction: string;
  /** Identifies this review, so that an out-of-date review card is recognised. */
  reviewId: string;
  /** Everything the service needs, so that a second click on the same card reaches the service too. */
  nomination: object;
  /** "Change an answer" buttons: `data.field` names the answer. */
  changes: { title: string; field: string }[];
}

/** The review before Add customer / Claim customer, with the chance to change any answer. */
export function nominationReviewCard(data: NominationReviewCardData): AdaptiveCard {
  return expandCard(template, data);
}
