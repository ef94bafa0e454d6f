import type { Caller } from '../directory/callers';
import type { ServiceContext } from '../shared/context';
import { deliverDueMessages, type ChannelHandlers, type DeliveryOptions, type DeadLetterPageRequest } from './delivery';
import { undeliveredMessages } from './undelivered';

export { DELIVERY_DEFAULTS, retryDelayMs } from './delivery';
export type { ChannelHandler, ChannelHandlers, DeliveryCounts, DeliveryOptions, DeliveryResult, OutboundMessage } from './delivery';
export { eventInWords } from './undelivered';
export type { UndeliveredMessage, UndeliveredPage } from './undelivered';

/** Messages out: delivery of due outbox rows, and what could not be delivered, for admins. */
export function createOutbox({ db, clock }: ServiceContext) {
  return {
    deliverDue: (handlers: ChannelHandlers, options: DeliveryOptions = {}) => deliverDueMessages(db, clock, handlers, options),
    undelivered: (caller: Caller, page: DeadLetterPageRequest = {}) => undeliveredMessages(db, caller, page),
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
