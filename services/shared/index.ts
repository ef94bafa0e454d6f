/** What every layer may share: the one error for "not allowed", the clock type, and user text made safe. */
export { isNotAllowed, NotAllowedError } from './errors';
export type { Clock } from './clock';
export { cleanText, cleanTextSchema, cleanValue, ECHO_LENGTH, MAX_MESSAGE_TEXT, shorten } from './text';
