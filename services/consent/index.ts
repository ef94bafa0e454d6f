import type { Caller, PartnerCaller } from '../directory/callers';
import type { ServiceContext } from '../shared/context';
import {
  answerConsent,
  consentPageView,
  consentSendHistory,
  requestConsent,
  resendConsent,
  type ConsentAnswer,
  type RequestConsentInput,
  type ResendConsentInput,
} from './consent';

export { MAX_DEAL_SIZE_USD, RequestConsentInputSchema, RESEND_INTERVAL_MS, ResendTooSoonError } from './consent';
export { hashConsentToken, isWellFormedToken } from './token';
export type { ConsentAnswer, ConsentAnswerResult, ConsentPageResult, ConsentPageView, ConsentProblem, ConsentSettings, RequestConsentInput, ResendConsentInput } from './consent';

/** Customer consent: the email asked for and re-sent by the partner, and the customer's answer on the consent page. */
export function createConsent({ db, clock, consent: settings }: ServiceContext) {
  return {
    request: (caller: Caller, input: RequestConsentInput) => requestConsent(db, clock, settings, caller, input),
    resend: (caller: Caller, input: ResendConsentInput) => resendConsent(db, clock, settings, caller, input),
    sendHistory: (caller: PartnerCaller, claimId: string) => consentSendHistory(db, caller.partnerId, claimId),
    /** What the consent page shows for a link (nothing is changed). */
    pageView: (token: string) => consentPageView(db, clock, settings, token),
    answer: (input: { token: string; answer: ConsentAnswer }) => answerConsent(db, clock, settings, input),
  };
}

export type Consent = ReturnType<typeof createConsent>;
