import { AuthenticationConstants } from 'botframework-connector';
import {
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { Config } from './config';
import type { Logger } from './logger';

/** Where the OpenID metadata of inbound tokens is read; tests point it at a stub on loopback. */
export interface OpenIdMetadataUrls {
  channel: string;
  emulator: string;
}

/** How inbound Bot Framework tokens are validated and outbound calls authenticated, for this app. */
export function createBotAuthentication(config: Config, openIdMetadata?: OpenIdMetadataUrls): ConfigurationBotFrameworkAuthentication {
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: config.microsoftApp.appId,
    MicrosoftAppPassword: config.microsoftApp.password,
    MicrosoftAppType: config.microsoftApp.type,
    MicrosoftAppTenantId: config.microsoftApp.tenantId,
    // botbuilder takes one overridden endpoint to mean all are given, so the public cloud's others come along.
    ...(openIdMetadata
      ? {
          ValidateAuthority: true,
          ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
          ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
          ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
          OAuthUrl: AuthenticationConstants.OAuthUrl,
          CallerId: CallerIdConstants.PublicAzureChannel,
          ToBotFromChannelOpenIdMetadataUrl: openIdMetadata.channel,
          ToBotFromEmulatorOpenIdMetadataUrl: openIdMetadata.emulator,
        }
      : {}),
  };
  return new ConfigurationBotFrameworkAuthentication(options);
}

/**
 * The Bot Framework adapter. Without an app id (local mode) botbuilder skips authentication and
 * replies to the activity's serviceUrl without a token, as the Bot Framework Emulator expects;
 * with one, every request must carry a valid Bot Framework token or it is refused with 401.
 */
export function createAdapter(config: Config, logger: Logger, authentication: ConfigurationBotFrameworkAuthentication = createBotAuthentication(config)): CloudAdapter {
  const adapter = new CloudAdapter(authentication);
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
