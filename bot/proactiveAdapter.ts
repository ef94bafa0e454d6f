import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import type { Config } from './config';

/**
 * The adapter the notifier sends proactive messages with: the same app credentials as the turn
 * adapter but no `onTurnError`, so that a failed send reaches the notifier (which maps 403/404/429/
 * 5xx for the outbox) instead of being answered with an apology in the same conversation.
 */
export function createProactiveAdapter(config: Config): CloudAdapter {
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: config.microsoftApp.appId,
    MicrosoftAppPassword: config.microsoftApp.password,
    MicrosoftAppType: config.microsoftApp.type,
    MicrosoftAppTenantId: config.microsoftApp.tenantId,
  };
  return new CloudAdapter(new ConfigurationBotFrameworkAuthentication(options));
}
