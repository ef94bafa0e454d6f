/**
 * Every `data.action` verb a card button carries that is not a top-level command: the step and
 * confirm verbs of the flows and the admin cards. One module, so that cards draw them and dialogs
 * route them without importing each other.
 */

/** `data.action` of the review card's "Add customer" button; route it here even when no flow is active (a second click). */
export const CONFIRM_ADD_CUSTOMER_ACTION = 'confirmAddCustomer';
/** `data.action` of the review card's "Claim customer" button; route it here even when no flow is active (a second click). */
export const CONFIRM_CLAIM_CUSTOMER_ACTION = 'confirmClaimCustomer';
/** `data.action` of the review card's "Send for consent" button; routed here even when no flow is active (a second click). */
export const CONFIRM_SEND_CONSENT_ACTION = 'confirmSendConsent';
/** `data.action` of the review card's "Submit claim" button; routed here even when no flow is active (a second click). */
export const CONFIRM_SUBMIT_CLAIM_ACTION = 'confirmSubmitClaim';
export const SUBMIT_PROOF_ACTION = 'submitProof';
/** `data.action` of the reason card's button. */
export const CANCEL_REASON_ACTION = 'giveCancelReason';
/** `data.action` of the "Cancel claim" confirm button; routed here even when no flow is active (a second click). */
export const CONFIRM_CANCEL_CLAIM_ACTION = 'confirmCancelClaim';
/** `data.action` of the "Re-send consent email" button; routed here even when no flow is active (a second click). */
export const CONFIRM_RESEND_CONSENT_ACTION = 'confirmResendConsent';
/** The card verbs of role management; the router validates their data. */
export const USERS_ACTION = 'users';
export const GRANT_ROLE_ACTION = 'grantRole';
export const REVOKE_ROLE_ACTION = 'revokeRole';
export const CONFIRM_REVOKE_ROLE_ACTION = 'confirmRevokeRole';
/** The card verb of the seller's list; its "Next page" carries the cursor. */
export const CO_SELL_REFERRALS_ACTION = 'coSellReferrals';
/** The card verb of the list; its "Next page" carries the cursor. */
export const UNDELIVERED_ACTION = 'undelivered';
/** `data.action` of a bulk add report's *Add N customers* button; carries the checked file's id, so any click of it is the same add. */
export const CONFIRM_BULK_ADD_ACTION = 'confirmBulkAdd';
/** `data.action` of the buttons that start bulk add (its template and instructions). */
export const BULK_ADD_ACTION = 'bulkAdd';
/** `data.action` of the claim card's "Cancel claim" button (Incentives admins, open claims). */
export const CANCEL_CLAIM_ACTION = 'cancelClaim';

/** Card verbs of the nomination flows' steps. */
export const NOMINATION_ACTIONS = {
  chooseLocation: 'chooseLocation',
  chooseCustomer: 'chooseCustomer',
  enterCustomerId: 'enterCustomerId',
  chooseIdType: 'chooseIdType',
  chooseEngagements: 'chooseEngagements',
  chooseOpportunity: 'chooseOpportunity',
  otherCustomerId: 'useOtherCustomerId',
  enterHours: 'enterHours',
  submitDetails: 'submitDetails',
  giveMismatchReason: 'giveMismatchReason',
  changeAnswer: 'changeAnswer',
} as const;

/** Card verbs of the questions the bot asks about the conversation itself (not about a claim). */
export const CONVERSATION_ACTIONS = {
  /** "Leave the flow and do what I typed": carries the command (`command`, or a card's `card` data). */
  leaveFlow: 'leaveFlow',
  /** "Stay in the flow": its answers are kept and the current step is asked again. */
  stayInFlow: 'stayInFlow',
  /** A suggested command ("Did you mean …?"): runs `command` as if it were typed. */
  runCommand: 'runCommand',
} as const;

/**
 * The verb of a claim card's `refresh` (Universal Actions): the viewer's current view of the claim.
 * Its data is `{ action, claimId }`, and `notice` on a notification (what it said when sent).
 */
export const REFRESH_CLAIM_ACTION = 'refreshClaim';

/** The refresh definition of a card showing one claim; the bot layer adds `userIds` where the chat is large. */
export function claimRefresh(claimId: string, notice?: string): { action: { type: 'Action.Execute'; verb: string; data: Record<string, string> } } {
  return { action: { type: 'Action.Execute', verb: REFRESH_CLAIM_ACTION, data: { action: REFRESH_CLAIM_ACTION, claimId, ...(notice ? { notice } : {}) } } };
}
