/** What every layer may share: the one error for "not allowed", and the clock type. */
export { isNotAllowed, NotAllowedError } from './errors';
export type { Clock } from './clock';
