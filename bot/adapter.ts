import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { Config } from './config';
import type { Logger } from './logger';

/**
 * The Bot Framework adapter. Without an app id (local mode) botbuilder skips authentication and
 * replies to the activity's serviceUrl without a token, as the Bot Framework Emulator expects;
 * with one, every request must carry a valid Bot Framework token or it is refused with 401.
 */
export function createAdapter(config: Config, logger: Logger): CloudAdapter {
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: config.microsoftApp.appId,
    MicrosoftAppPassword: config.microsoftApp.password,
    MicrosoftAppType: config.microsoftApp.type,
    MicrosoftAppTenantId: config.microsoftApp.tenantId,
  };
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(options));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error, conversationId: context.activity.conversation?.id }, 'unhandled error in a turn');
    try {
      await context.sendActivity('Sorry, something went wrong on my side and nothing was saved. Please try again.');
    } catch (sendError) {
      logger.error({ err: sendError }, 'could not tell the user about the error');
    }
  };
  return adapter;
}
