/**
 * The user asked for something the rules do not allow. `message` is written for the user:
 * it says what was wrong and, where there is one, what to do instead.
 */
export class NotAllowedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAllowedError';
  }
}

export function isNotAllowed(error: unknown): error is NotAllowedError {
  return error instanceof NotAllowedError;
}
