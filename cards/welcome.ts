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

/**
 * A command's `<placeholder>` drawn in italics: Teams and Web Chat read card text as Markdown, and
 * Web Chat would take `<claim id>` for an HTML tag and drop it ("status" instead of "status <claim id>").
 */
function drawPlaceholders(command: string): string {
  return command.replace(/<([^<>]*)>/g, '*$1*');
}

/** The card a user gets on `help`, on unknown input, and when the bot is added to a conversation. */
export function welcomeCard(data: WelcomeCardData): AdaptiveCard {
  return expandCard(template, { ...data, commands: data.commands.map((c) => ({ ...c, command: drawPlaceholders(c.command) })) });
}
