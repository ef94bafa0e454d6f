import { toHttpHeadersLike, type CompatResponse, type RequestPolicy, type WebResourceLike } from '@azure/core-http-compat';
import { createHttpHeaders } from '@azure/core-rest-pipeline';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import { DELIVERY_DEFAULTS } from '../services/outbox';
import { ClientReusingAuthentication } from './adapter';
import type { Config } from './config';

/**
 * How long one proactive HTTP request may take. Well inside the outbox lease, so that no other
 * instance takes the row again while this send may still reach Teams.
 */
export const PROACTIVE_SEND_TIMEOUT_MS = 30_000;
if (PROACTIVE_SEND_TIMEOUT_MS * 2 > DELIVERY_DEFAULTS.leaseMs) throw new Error('A proactive send must time out well within the outbox lease.');

/**
 * What the connector answered when it did not take the request. Not a RestError on purpose: the
 * Azure pipeline's retry policy rethrows anything else at once, so a 429 / 412 / 5xx costs one
 * request and the notifier hands the row back to the outbox with the Retry-After.
 */
export class ConnectorSendError extends Error {
  // No `response` property: @azure/core-client would take the error for a RestError and flatten it.
  constructor(
    readonly statusCode: number,
    readonly headers: Record<string, string>,
    readonly bodyAsText: string,
  ) {
    super(`The connector answered ${statusCode}`);
    this.name = 'ConnectorSendError';
  }
}

export interface ProactiveTransportOptions {
  timeoutMs?: number;
}

/**
 * The HTTP client of the proactive ConnectorClient: one request per call (so the rate-limiter slot
 * the notifier takes before a send counts every HTTP attempt), no retry of its own, a
 * timeout, and every answer other than 2xx thrown as a ConnectorSendError. The Bot Framework client
 * would otherwise wait out Retry-After inside the send up to three times (and retry 5xx), stalling
 * the outbox pass behind one throttled conversation and outliving the row's lease.
 */
export function singleAttemptTransport(options: ProactiveTransportOptions = {}): RequestPolicy {
  const timeoutMs = options.timeoutMs ?? PROACTIVE_SEND_TIMEOUT_MS;
  return {
    async sendRequest(request: WebResourceLike): Promise<CompatResponse> {
      const body: unknown = request.body;
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers.toJson(),
        ...(typeof body === 'string' ? { body } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const bodyAsText = await response.text();
      const headers = Object.fromEntries(response.headers.entries());
      if (!response.ok) throw new ConnectorSendError(response.status, headers, bodyAsText);
      return { request, status: response.status, headers: toHttpHeadersLike(createHttpHeaders(headers)), bodyAsText };
    },
  };
}

/**
 * The adapter the notifier sends proactive messages with: the same app credentials as the turn
 * adapter but no `onTurnError`, so that a failed send reaches the notifier (which maps 403/404/429/
 * 5xx for the outbox) instead of being answered with an apology in the same conversation; and the
 * single-attempt transport, so the outbox, not the client, decides when to try again.
 */
export function createProactiveAdapter(config: Config, transport: ProactiveTransportOptions = {}): CloudAdapter {
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: config.microsoftApp.appId,
    MicrosoftAppPassword: config.microsoftApp.password,
    MicrosoftAppType: config.microsoftApp.type,
    MicrosoftAppTenantId: config.microsoftApp.tenantId,
  };
  return new CloudAdapter(new ClientReusingAuthentication(new ConfigurationBotFrameworkAuthentication(options, undefined, undefined, undefined, { httpClient: singleAttemptTransport(transport) })));
}
