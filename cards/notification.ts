import template from './notification.json';
import { markdownLink } from './format';
import { expandCard, type AdaptiveCard } from './render';

export interface NotificationCardData {
  /** What happened, in a few words. */
  title: string;
  /** `Attention` for a loss or a deadline, `Good` for good news, `Default` otherwise. */
  color: 'Default' | 'Good' | 'Attention' | 'Warning';
  /** The event in a sentence. */
  text: string;
  /** Customer, claim name, engagement, claim, referral: only those known, each the field it names. */
  facts: { title: string; value: string }[];
  /** What to do next; empty for nothing. */
  next: string;
  /** Buttons that come back to the bot (`data.action`), the next step first; what the recipient may open. */
  buttons: { title: string; data: Record<string, string> }[];
  /** A page to open outside Teams (the referral in Partner Center), drawn as a link in the text; null for none. */
  link: { title: string; url: string } | null;
}

/**
 * A proactive message: what happened, to which customer and engagement, what to do next, and the
 * buttons to do it. Every button comes back to the bot (Action.Submit); a page outside Teams is a
 * link in the text.
 */
export function notificationCard(data: NotificationCardData): AdaptiveCard {
  const { link, ...rest } = data;
  return expandCard(template, { ...rest, linkText: link ? markdownLink(link.title, link.url) : '' });
}
