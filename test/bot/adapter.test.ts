import { type Activity, type ConversationReference, TurnContext } from 'botbuilder';
import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ClaimsIdentity,
  ConnectorClient,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type UserTokenClient,
} from 'botframework-connector';
import pino from 'pino';
import { ClientReusingAuthentication, createAdapter } from '../../bot/adapter';
import { loadConfig } from '../../bot/config';
import { createProactiveAdapter } from '../../bot/proactiveAdapter';
import { messageActivity } from '../support/activities';

const logger = pino({ level: 'silent' });

/** The clients a turn is given: what the adapter put on its turn state. */
async function clientsOfTurn(adapter: ReturnType<typeof createAdapter>, activity: Record<string, unknown>): Promise<{ connector: unknown; userToken: unknown }> {
  let seen: { connector: unknown; userToken: unknown } | null = null;
  await adapter.processActivityDirect('', activity as unknown as Activity, async (context: TurnContext) => {
    seen = { connector: context.turnState.get(adapter.ConnectorClientKey), userToken: context.turnState.get(adapter.UserTokenClientKey) };
    return Promise.resolve();
  });
  if (!seen) throw new Error('the turn did not run');
  return seen;
}

describe('the adapter reuses the clients it gives turns (issue 18: a new HTTP pipeline per activity cost ~0.15 ms)', () => {
  const adapter = createAdapter(loadConfig({ PORT: '0' }), logger);

  it('gives every turn to the same service URL the same ConnectorClient and UserTokenClient', async () => {
    const first = await clientsOfTurn(adapter, messageActivity({ text: 'help', serviceUrl: 'http://127.0.0.1:9/' }));
    const second = await clientsOfTurn(adapter, messageActivity({ text: 'customers', serviceUrl: 'http://127.0.0.1:9/', conversationId: 'another' }));
    expect(first.connector).toBeInstanceOf(ConnectorClient);
    expect(second.connector).toBe(first.connector);
    expect(first.userToken).toBeDefined();
    expect(second.userToken).toBe(first.userToken);
  });

  it('gives a turn from another service URL a client of its own, addressed to that URL', async () => {
    const emea = await clientsOfTurn(adapter, messageActivity({ text: 'help', serviceUrl: 'http://127.0.0.1:9/emea/' }));
    const amer = await clientsOfTurn(adapter, messageActivity({ text: 'help', serviceUrl: 'http://127.0.0.1:9/amer/' }));
    expect(amer.connector).not.toBe(emea.connector);
    expect(Reflect.get(emea.connector as ConnectorClient, 'baseUri')).toBe('http://127.0.0.1:9/emea/');
    expect(Reflect.get(amer.connector as ConnectorClient, 'baseUri')).toBe('http://127.0.0.1:9/amer/');
  });

  it('reuses the proactive adapter’s client for every send to the same conversation’s service', async () => {
    const proactive = createProactiveAdapter(loadConfig({ PORT: '0' }));
    const reference: Partial<ConversationReference> = { serviceUrl: 'http://127.0.0.1:9/', channelId: 'msteams', conversation: { id: 'c1', isGroup: false, conversationType: 'personal', name: '' }, bot: { id: 'bot', name: 'bot' } };
    const seen: unknown[] = [];
    for (let send = 0; send < 2; send += 1) {
      await proactive.continueConversationAsync('', reference, async (context) => {
        seen.push(context.turnState.get(proactive.ConnectorClientKey));
        return Promise.resolve();
      });
    }
    expect(seen[0]).toBeInstanceOf(ConnectorClient);
    expect(seen[1]).toBe(seen[0]);
  });
});

/** A stand-in for botbuilder's authentication that counts the clients it is asked to build. */
class CountingAuthentication extends BotFrameworkAuthentication {
  connectorsMade = 0;
  userTokenClientsMade = 0;
  failNextConnector = false;

  constructor(private readonly audience: () => string) {
    super();
  }

  override authenticateRequest(): Promise<AuthenticateRequestResult> {
    const claimsIdentity = new ClaimsIdentity([{ type: AuthenticationConstants.AudienceClaim, value: this.audience() }], true);
    return Promise.resolve({ audience: 'https://api.botframework.com', claimsIdentity, connectorFactory: this.createConnectorFactory() });
  }

  override authenticateStreamingRequest(): Promise<AuthenticateRequestResult> {
    return this.authenticateRequest();
  }

  override createConnectorFactory(): ConnectorFactory {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the factory reports to the stand-in that made it
    const counting = this;
    return new (class extends ConnectorFactory {
      override create(serviceUrl: string): Promise<ConnectorClient> {
        counting.connectorsMade += 1;
        if (counting.failNextConnector) {
          counting.failNextConnector = false;
          return Promise.reject(new Error('credentials unavailable'));
        }
        return Promise.resolve(new ConnectorClient({ signRequest: (request) => Promise.resolve(request) }, { baseUri: serviceUrl }));
      }
    })();
  }

  override createUserTokenClient(): Promise<UserTokenClient> {
    this.userTokenClientsMade += 1;
    return Promise.resolve({} as UserTokenClient);
  }
}

describe('ClientReusingAuthentication', () => {
  const activity = messageActivity({ text: 'help', serviceUrl: 'https://smba.example/emea/' }) as unknown as Activity;

  it('keeps a client per app id the token was issued to: another app id gets its own', async () => {
    let audience = 'app-a';
    const inner = new CountingAuthentication(() => audience);
    const reusing = new ClientReusingAuthentication(inner);
    const a1 = await (await reusing.authenticateRequest(activity, 'Bearer x')).connectorFactory?.create('https://smba.example/emea/', 'aud');
    const a2 = await (await reusing.authenticateRequest(activity, 'Bearer x')).connectorFactory?.create('https://smba.example/emea/', 'aud');
    audience = 'app-b';
    const b = await (await reusing.authenticateRequest(activity, 'Bearer x')).connectorFactory?.create('https://smba.example/emea/', 'aud');
    expect(a2).toBe(a1);
    expect(b).not.toBe(a1);
    expect(inner.connectorsMade).toBe(2);
  });

  it('keeps a client per audience as well as per service URL', async () => {
    const inner = new CountingAuthentication(() => 'app-a');
    const reusing = new ClientReusingAuthentication(inner);
    const factory = (await reusing.authenticateRequest(activity, 'Bearer x')).connectorFactory;
    const one = await factory?.create('https://smba.example/emea/', 'audience-1');
    const two = await factory?.create('https://smba.example/emea/', 'audience-2');
    expect(two).not.toBe(one);
    expect(inner.connectorsMade).toBe(2);
  });

  it('makes a client again after its making failed, instead of handing out the failure', async () => {
    const inner = new CountingAuthentication(() => 'app-a');
    inner.failNextConnector = true;
    const reusing = new ClientReusingAuthentication(inner);
    const factory = reusing.createConnectorFactory(new ClaimsIdentity([{ type: AuthenticationConstants.AudienceClaim, value: 'app-a' }], true));
    await expect(factory.create('https://smba.example/emea/')).rejects.toThrow('credentials unavailable');
    const client = await factory.create('https://smba.example/emea/');
    expect(client).toBeInstanceOf(ConnectorClient);
    expect(await factory.create('https://smba.example/emea/')).toBe(client);
    expect(inner.connectorsMade).toBe(2);
  });

  it('makes one user token client per app id', async () => {
    const inner = new CountingAuthentication(() => 'app-a');
    const reusing = new ClientReusingAuthentication(inner);
    const claims = (value: string) => new ClaimsIdentity([{ type: AuthenticationConstants.AudienceClaim, value }], true);
    const first = await reusing.createUserTokenClient(claims('app-a'));
    expect(await reusing.createUserTokenClient(claims('app-a'))).toBe(first);
    await reusing.createUserTokenClient(claims('app-b'));
    expect(inner.userTokenClientsMade).toBe(2);
  });
});
