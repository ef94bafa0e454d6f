/** What every layer may share: the one error for "not allowed", the clock type, user text made safe, and zod's problems in plain words. */
export { isNotAllowed, NotAllowedError } from './errors';
export type { Clock } from './clock';
export { cleanText, cleanTextSchema, cleanValue, ECHO_LENGTH, MAX_MESSAGE_TEXT, shorten } from './text';
export { parseUserInput, problemsOf } from './validation';
