import { randomUUID } from 'node:crypto';

export interface ActivityOptions {
  serviceUrl: string;
  text?: string;
  value?: Record<string, unknown>;
  aadObjectId?: string;
  conversationId?: string;
  userId?: string;
}

/** A Bot Framework message activity as the Emulator or Teams posts it. */
export function messageActivity(options: ActivityOptions): Record<string, unknown> {
  return {
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'emulator',
    serviceUrl: options.serviceUrl,
    from: { id: options.userId ?? 'user-1', name: 'Test user', ...(options.aadObjectId ? { aadObjectId: options.aadObjectId } : {}) },
    recipient: { id: 'bot', name: 'MCI Engagement Assistant' },
    conversation: { id: options.conversationId ?? `conv-${randomUUID()}` },
    ...(options.text !== undefined ? { text: options.text } : {}),
    ...(options.value ? { value: options.value } : {}),
  };
}

export function postActivity(baseUrl: string, activity: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
}

/** The Adaptive Card of a captured reply, if it carries one. */
export function cardOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const attachments = body.attachments as { contentType: string; content: Record<string, unknown> }[] | undefined;
  return attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}
