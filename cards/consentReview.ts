import template from './consentReview.json';
import { expandCard, type AdaptiveCard } from './render';

export interface ConsentReviewCardData {
  title: string;
  text: string;
  facts: { title: string; value: string }[];
  /** What the partner accepts by sending; the card's required toggle accepts it. */
  disclaimer: string;
  confirmTitle: string;
  confirmAction: string;
  /** Identifies this review, so that an out-of-date review card is recognised. */
  reviewId: string;
  /** Everything the service needs, so that a second click on the same card reaches the service too. */
  request: object;
  changeAction: string;
  /** "Change an answer" buttons: `data.field` names the answer. */
  changes: { title: string; field: string }[];
}

/** The review before the consent email is sent: the facts, the disclaimer to accept, Send for consent. */
export function consentReviewCard(data: ConsentReviewCardData): AdaptiveCard {
  return expandCard(template, data);
}
