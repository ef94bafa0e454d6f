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

export { MAX_DEAL_SIZE_USD, RequestConsentInputSchema, RESEND_INTERVAL_MS, ResendTooSoonError, resendWaitUntil } from './consent';
export { hashConsentToken, isWellFormedToken } from './token';
export { contactMessagesFor, contactSchema } from '../shared/contact';
export type { ConsentAnswer, ConsentAnswerResult, ConsentSendHistory, ResendResult, ConsentPageResult, ConsentPageView, ConsentProblem, ConsentSettings, RequestConsentInput, ResendConsentInput } from './consent';

/** Customer consent: the email asked for and re-sent by the partner, and the customer's answer on the consent page. */
export function createConsent({ db, clock, consent: settings }: ServiceContext) {
  return {
    request: (caller: Caller, input: RequestConsentInput) => requestConsent(db, clock, settings, caller, input),
    resend: (caller: Caller, input: ResendConsentInput) => resendConsent(db, clock, settings, caller, input),
    /** When the claim's consent email was sent, when it may be re-sent and whether a re-send keeps its link. */
    sendHistory: (caller: PartnerCaller, claimId: string) => consentSendHistory(db, clock, settings, caller.partnerId, claimId),
    /** What the consent page shows for a link (nothing is changed). */
    pageView: (token: string) => consentPageView(db, clock, settings, token),
    answer: (input: { token: string; answer: ConsentAnswer }) => answerConsent(db, clock, settings, input),
  };
}

export type Consent = ReturnType<typeof createConsent>;
