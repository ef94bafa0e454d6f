import template from './welcome.json';
import { expandCard, type AdaptiveCard } from './render';

export interface WelcomeCardData {
  greeting: string;
  showIdentity: boolean;
  partnerName: string;
  roles: string;
  commands: { command: string; description: string }[];
  /** Card buttons: Action.Submit with `data.action` set to the verb. */
  buttons: { title: string; action: string }[];
}

/** The card a user gets on `help`, on unknown input, and when the bot is added to a conversation. */
export function welcomeCard(data: WelcomeCardData): AdaptiveCard {
  return expandCard(template, data);
}
