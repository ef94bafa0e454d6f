import { CardFactory, type MessagingExtensionAttachment, type MessagingExtensionResult, type TurnContext } from 'botbuilder';
import { claimShareCard, claimSharePreview } from '../cards/claimShare';
import type { ClaimShareView } from '../services/claims';
import { canWorkWithClaims, type PartnerCaller } from '../services/directory';
import { NotAllowedError } from '../services/shared/errors';
import type { DialogDeps } from './dialogDeps';

/**
 * The message extension (search and share) and link unfurling: what Teams' compose box is answered.
 * The caller is who Teams says is typing; every claim shown is one of their own partner's, as the
 * claims service finds it.
 */

/** The search command's id and its one parameter, as the manifest declares them (appPackage/manifest.template.json). */
export const SEARCH_COMMAND_ID = 'searchClaims';
export const SEARCH_PARAMETER = 'query';

export interface ClaimSearchQuery {
  /** What the person typed; empty on the initial run (the newest claims). */
  text: string;
  /** Teams' `queryOptions`: results already shown, and how many to show next. */
  skip: number;
  count: number;
}

function result(attachments: MessagingExtensionAttachment[]): MessagingExtensionResult {
  return { type: 'result', attachmentLayout: 'list', attachments };
}

function message(text: string): MessagingExtensionResult {
  return { type: 'message', text };
}

function attachment(deps: DialogDeps, claim: ClaimShareView): MessagingExtensionAttachment {
  const preview = claimSharePreview(claim);
  return {
    ...CardFactory.adaptiveCard(claimShareCard({ claim, link: deps.services.claims.link(claim.id) })),
    preview: CardFactory.thumbnailCard(preview.title, `${preview.subtitle}<br>${preview.text}`),
  };
}

/** The caller if they may work with claims; otherwise null (and `refusal` says why). */
async function claimWorker(deps: DialogDeps, context: TurnContext): Promise<{ caller: PartnerCaller } | { refusal: string }> {
  const caller = await deps.callerOf(context);
  if (caller.kind === 'partnerUser' && canWorkWithClaims(caller)) return { caller };
  return { refusal: await deps.services.directory.accessRefusal(caller) };
}

/** `composeExtension/query`: the caller's partner's claims matching the text, one claim card each. */
export async function answerClaimSearch(deps: DialogDeps, context: TurnContext, query: ClaimSearchQuery): Promise<MessagingExtensionResult> {
  const worker = await claimWorker(deps, context);
  if ('refusal' in worker) return message(worker.refusal);
  const { caller } = worker;
  try {
    const page = await deps.services.claims.search(caller, { text: query.text, skip: query.skip, pageSize: query.count });
    if (page.rows.length === 0 && query.skip === 0) {
      return message(
        query.text === ''
          ? `${caller.partnerName} has no claims yet.`
          : `No claim of ${caller.partnerName} matches "${query.text.slice(0, 60)}". Search by customer name, a customer domain or id, the claim id (CLM-…) or the engagement.`,
      );
    }
    return result(page.rows.map((claim) => attachment(deps, claim)));
  } catch (error) {
    if (error instanceof NotAllowedError) return message(error.message);
    throw error;
  }
}

/**
 * `composeExtension/queryLink`: a pasted claim link of the bot's own host unfurls into the claim's
 * card for someone of its partner with a claim role; for anyone else, and any other link, nothing
 * (Teams then shows the plain link).
 */
export async function answerClaimLink(deps: DialogDeps, context: TurnContext, url: string): Promise<MessagingExtensionResult> {
  const claimId = deps.services.claims.claimIdOfLink(url);
  if (!claimId) return result([]);
  const worker = await claimWorker(deps, context);
  if ('refusal' in worker) return result([]);
  const claim = await deps.services.claims.shareView(worker.caller, claimId);
  return result(claim ? [attachment(deps, claim)] : []);
}
