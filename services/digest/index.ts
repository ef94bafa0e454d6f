import type { PartnerCaller } from '../directory';
import type { ServiceContext } from '../shared/context';
import { runDigests, type DigestRunOptions } from './schedule';
import { changeDigest, digestSetting } from './settings';

export { DIGEST_ACTIONS, DIGEST_EVENT, DIGEST_SECTION_ROWS, DigestPayloadSchema } from './compose';
export type { DigestItem, DigestPayload, DigestSection } from './compose';
export { decideDigest, digestDedupeKey } from './schedule';
export type { DigestRunOptions, DigestRunResult } from './schedule';
export type { DigestSetting } from './settings';
export { DEFAULT_DIGEST_MINUTES, localMoment, validTimeZone } from './time';

/** The daily digest: each person's setting (`digest 8:00`, `digest off`) and the scheduler's step that queues it. */
export function createDigest({ db, clock }: ServiceContext) {
  return {
    /** The caller's digest setting, with today's state in their time zone. */
    setting: (caller: PartnerCaller) => digestSetting(db, clock, caller),
    /** What follows `digest`: off, on, or a time of day; other text is refused with what to type. */
    change: (caller: PartnerCaller, typed: string) => changeDigest(db, clock, caller, typed),
    /** Queues the digests whose local time has come (the scheduler's pass). */
    runDue: (options: DigestRunOptions = {}) => runDigests(db, clock, options),
  };
}

export type Digest = ReturnType<typeof createDigest>;
