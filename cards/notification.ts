import template from './notification.json';
import { expandCard, type AdaptiveCard } from './render';

export interface NotificationCardData {
  /** What happened, in a few words. */
  title: string;
  /** `Attention` for a loss or a deadline, `Good` for good news, `Default` otherwise. */
  color: 'Default' | 'Good' | 'Attention' | 'Warning';
  /** The event in a sentence. */
  text: string;
  /** Customer, engagement, claim: only those known. */
  facts: { title: string; value: string }[];
  /** What to do next; empty for nothing. */
  next: string;
  /** The claim the "View claim" button opens; empty for no button. */
  claimId: string;
}

/** A proactive message: what happened, to which customer and engagement, what to do next, and a "View claim" button. */
export function notificationCard(data: NotificationCardData): AdaptiveCard {
  return expandCard(template, data);
}
