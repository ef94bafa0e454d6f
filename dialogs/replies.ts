import { randomUUID } from 'node:crypto';
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { AdaptiveCard } from '../cards/render';
import { isNotAllowed } from '../services/shared';

/** What the user answered this turn: a card submission for the step asked, typed text, or a card of another step. */
export type Answer =
  | { kind: 'card'; value: Record<string, unknown> }
  | { kind: 'text'; text: string }
  | { kind: 'stale'; action: string }
  | { kind: 'none' };

const submissionSchema = z.looseObject({ action: z.string() });

export function readAnswer(context: TurnContext, expectedActions: readonly string[]): Answer {
  const submission = submissionSchema.safeParse(context.activity.value);
  if (submission.success) {
    return expectedActions.includes(submission.data.action) ? { kind: 'card', value: submission.data } : { kind: 'stale', action: submission.data.action };
  }
  const text = (context.activity.text ?? '').trim();
  return text ? { kind: 'text', text } : { kind: 'none' };
}

/** The card verb of this turn's submission, if it is one. */
export function submittedAction(context: TurnContext): string | null {
  const submission = submissionSchema.safeParse(context.activity.value);
  return submission.success ? submission.data.action : null;
}

export const STALE_CARD = 'That card belongs to another step. Please answer the question above.';

export async function sendCard(context: TurnContext, card: AdaptiveCard): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}

/** Runs a service call; a NotAllowedError becomes its message, anything else is thrown on. */
export async function refusedOr<T>(work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (isNotAllowed(error)) return { ok: false, message: error.message };
    throw error;
  }
}


/** A fresh id for a review card: a confirm from any other card is out of date. */
export function newReviewId(): string {
  return randomUUID();
}
