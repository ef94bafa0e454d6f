import type { PartnerCaller, Caller } from '../directory/callers';
import type { ServiceContext } from '../shared/context';
import { cancelClaim, type CancelClaimInput } from './cancel';
import { sweepDeadlines, type SweepOptions } from './deadlines';
import { claimDetails } from './details';
import type { ClaimEvent } from './lifecycle';
import { expiringClaims, myClaims, partnerClaims, type ClaimListRequest, type ClaimListViewer, type ExpiringRequest } from './lists';
import { openClaimFor } from './opening';
import { checkProof, completionDateRange, submitClaim, type ProofClaim, type SubmitClaimInput } from './submission';
import { claimIdOfLink, claimLink, claimShareView, searchClaims, type ClaimSearchRequest } from './search';
import { claimSummary, type ClaimSummaryRequest } from './summary';

export { CANCEL_ADMINS_ONLY, CANCEL_REASON_LIMITS, CancelReasonSchema, canCancelClaims, checkCancelReason, offersCancel } from './cancel';
export type { CancelClaimInput } from './cancel';
export type { SweepOptions, SweepResult } from './deadlines';
export { canViewClaims, normaliseClaimId } from './details';
export type { ClaimDeadline, ClaimDetails, ClaimHistoryEntry, ClaimNextStep, ClaimReferral } from './details';
export {
  AWAITING_CONSENT_STATUSES,
  AWAITING_SUBMISSION_STATUSES,
  decideTransition,
  isOpen,
  isTerminal,
  OPEN_STATUSES,
  runningDeadline,
  TERMINAL_STATUSES,
} from './lifecycle';
export type { ClaimEvent, ClaimTiming } from './lifecycle';
export { EXPIRING_STATUS_FILTERS, EXPIRING_WITHIN_DAYS, parseStatusFilter, seesCreators, STATUS_FILTERS } from './lists';
export type { ClaimListPage, ClaimListRow, StatusFilter } from './lists';
export type { ClaimOpening, FlowClaim } from './opening';
export { PROOF_FIELDS, PROOF_LIMITS, SubmitClaimInputSchema } from './submission';
export type { ProofCheck, ProofClaim, ProofField, ProofProblems, SubmitClaimInput } from './submission';
export { MAX_SEARCH_TEXT } from './search';
export type { ClaimSearchPage, ClaimSearchRequest, ClaimShareView } from './search';
export type { ClaimSummaryPage, EngagementClaimSummary, StatusCount } from './summary';

function viewerOf(caller: PartnerCaller): ClaimListViewer {
  return { partnerId: caller.partnerId, userId: caller.userId, roles: caller.roles };
}

/** Claims: their details, lists and summary, the transitions a person asks for, and the deadline sweep. */
export function createClaims({ db, clock, consent, partnerCenterReferralsUrl }: ServiceContext) {
  const links = partnerCenterReferralsUrl ? { partnerCenterReferralsUrl } : {};
  return {
    /** One of the caller's partner's claims, as its card shows it; null when it is not theirs. */
    details: (caller: PartnerCaller, rawClaimId: string) => claimDetails(db, clock, { partnerId: caller.partnerId, roles: caller.roles }, rawClaimId, links),
    /** The claim a flow acts on, if the caller may act on it and the state machine allows `event` now. */
    openFor: (caller: Caller, rawClaimId: string | undefined, event: ClaimEvent, usage: string) => openClaimFor(db.prisma, clock, caller, rawClaimId, event, usage),
    myClaims: (caller: PartnerCaller, request: ClaimListRequest = {}) => myClaims(db, clock, viewerOf(caller), request),
    partnerClaims: (caller: PartnerCaller, request: ClaimListRequest = {}) => partnerClaims(db, clock, viewerOf(caller), request),
    expiringClaims: (caller: PartnerCaller, request: ExpiringRequest = {}) => expiringClaims(db, clock, viewerOf(caller), request),
    /** The message extension's search: the caller's partner's claims matching what they typed, newest first. */
    search: (caller: PartnerCaller, request: ClaimSearchRequest = {}) => searchClaims(db, clock, viewerOf(caller), request),
    /** One claim as the shared claim card shows it; null when it is not the caller's partner's or they have no claim role. */
    shareView: (caller: PartnerCaller, rawClaimId: string) => claimShareView(db, clock, viewerOf(caller), rawClaimId),
    /** The claim's link (PUBLIC_BASE_URL/claims/<id>), which Teams unfurls into its card. */
    link: (claimId: string) => claimLink(consent.publicBaseUrl, claimId),
    /** The claim id a link of the bot's own host names; null for any other link. */
    claimIdOfLink: (link: string) => claimIdOfLink(consent.publicBaseUrl, link),
    summary: (caller: PartnerCaller, request: ClaimSummaryRequest = {}) => claimSummary(db, viewerOf(caller), request),
    cancel: (caller: Caller, input: CancelClaimInput) => cancelClaim(db, clock, caller, input),
    submit: (caller: Caller, input: SubmitClaimInput) => submitClaim(db, clock, caller, input),
    /** The submission's own check of a proof for this claim, each part's problem in words (the card shows them by its inputs). */
    checkProof: (claim: ProofClaim, input: unknown) => checkProof(input, claim, clock.now()),
    /** The days the claim's completion date may take: from consent (when known) to today. */
    completionDateRange: (claim: ProofClaim) => completionDateRange(claim, clock.now()),
    /** Expires claims whose window has passed and queues reminders (the scheduler's pass). */
    sweepDeadlines: (options: SweepOptions = {}) => sweepDeadlines(db, clock, options),
  };
}

export type Claims = ReturnType<typeof createClaims>;
