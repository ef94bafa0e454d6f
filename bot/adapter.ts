import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import {
  type Activity,
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
  const adapter = new CloudAdapter(new ClientReusingAuthentication(authentication));
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

/** Clients kept per instance; the oldest is dropped first (Teams has a handful of service URLs). */
const CLIENTS_KEPT = 200;

/**
 * The adapter's authentication with the clients it hands a turn kept and reused. botbuilder's
 * CloudAdapter otherwise builds a new ConnectorClient and a new UserTokenClient, each with its own
 * HTTP pipeline and credentials object, for every activity and every proactive send (about 0.15 ms
 * of CPU a turn, issue 18); BotFrameworkAdapter used to keep them per service URL. A client is kept
 * under everything it is built from: the app id the token was issued to, the service URL and the
 * audience. Tokens stay the credentials' business (their shared cache, renewed before expiry), and
 * validating every inbound request is still the wrapped authentication's, unchanged.
 */
export class ClientReusingAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new KeptClients<ConnectorClient>();
  private readonly userTokenClients = new KeptClients<UserTokenClient>();

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.reusing(await this.inner.authenticateRequest(activity, authHeader));
  }

  override async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.reusing(await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader));
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new ReusedConnectorFactory(this.inner.createConnectorFactory(claimsIdentity), appIdOf(claimsIdentity), this.connectors);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.userTokenClients.get(appIdOf(claimsIdentity), () => this.inner.createUserTokenClient(claimsIdentity));
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  private reusing(result: AuthenticateRequestResult): AuthenticateRequestResult {
    const { connectorFactory } = result;
    return connectorFactory ? { ...result, connectorFactory: new ReusedConnectorFactory(connectorFactory, appIdOf(result.claimsIdentity), this.connectors) } : result;
  }
}

class ReusedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly appId: string,
    private readonly kept: KeptClients<ConnectorClient>,
  ) {
    super();
  }

  override create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return this.kept.get(JSON.stringify([this.appId, serviceUrl, audience ?? null]), () => this.inner.create(serviceUrl, audience));
  }
}

/** Clients by key, made once; one whose making failed is made again next time. */
class KeptClients<T> {
  private readonly clients = new Map<string, Promise<T>>();

  get(key: string, make: () => Promise<T>): Promise<T> {
    const kept = this.clients.get(key);
    if (kept) return kept;
    const made = make();
    this.clients.set(key, made);
    if (this.clients.size > CLIENTS_KEPT) this.clients.delete(this.clients.keys().next().value ?? '');
    made.catch(() => {
      if (this.clients.get(key) === made) this.clients.delete(key);
    });
    return made;
  }
}

/** The app id a request's token was issued to, as botbuilder reads it (audience claim, else appid); '' when unauthenticated. */
function appIdOf(claimsIdentity: ClaimsIdentity): string {
  return claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claimsIdentity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}
