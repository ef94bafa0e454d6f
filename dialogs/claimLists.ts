import type { TurnContext } from 'botbuilder';
import { claimListCard, type ClaimListAction, type ListFilter } from '../cards/claimList';
import { claimSummaryCard } from '../cards/claimSummary';
import { EXPIRING_STATUS_FILTERS, EXPIRING_WITHIN_DAYS, seesCreators, STATUS_FILTERS } from '../services/claims';
import { matchEngagement, type PartnerCaller } from '../services/directory';
import { shorten } from '../services/shared';
import type { ListFilterAsked } from './commands';
import type { DialogDeps } from './dialogDeps';
import { sendCard } from './replies';

/** A claim list as the router asks for it. */
export interface ClaimListAsk {
  kind: ClaimListAction;
  cursor: string | null;
  filter: ListFilterAsked;
}

const COMMAND_WORDS: Record<ClaimListAction, string> = { myClaims: 'my claims', claims: 'claims', expiring: 'expiring', summary: 'summary' };

/**
 * Answers `my claims`, `claims`, `expiring` and `summary` with their filters. The engagement typed
 * is matched among the caller's partner's engagements; the services scope every query to the
 * caller's partner (taken from the resolved caller, never from the card) and decide what is shown.
 */
export async function answerClaimList(deps: DialogDeps, context: TurnContext, caller: PartnerCaller, ask: ClaimListAsk, pageSize?: number): Promise<void> {
  const { claims } = deps.services;
  const word = COMMAND_WORDS[ask.kind];
  if (ask.filter.unknownStatus) {
    await context.sendActivity(
      `"${shorten(ask.filter.unknownStatus)}" is not a claim status. Use one of: ${STATUS_FILTERS.map((s) => s.toLowerCase().replace(/_/g, ' ')).join(', ')}; for example "${word} status consent requested".`,
    );
    return;
  }
  const engagements = await deps.services.directory.partnerEngagements(caller);
  let engagementId: string | null = null;
  if (ask.filter.engagement) {
    const match = matchEngagement(engagements, ask.filter.engagement);
    if (match.kind !== 'one') {
      const names = (match.kind === 'ambiguous' ? match.candidates : engagements).map((e) => e.name).join(', ');
      await context.sendActivity(
        match.kind === 'ambiguous'
          ? `"${shorten(ask.filter.engagement)}" matches several engagements: ${names}. Type more of the name, for example "${word} ${match.candidates[0]?.name.toLowerCase() ?? ''}".`
          : `No engagement of ${caller.partnerName} matches "${shorten(ask.filter.engagement)}". Yours are: ${names}.`,
      );
      return;
    }
    engagementId = match.engagement.id;
  }
  const filter: ListFilter = {
    engagementId,
    status: ask.filter.status,
    engagements: engagements.map((e) => ({ id: e.id, name: e.name })),
    statuses: ask.kind === 'expiring' ? EXPIRING_STATUS_FILTERS : STATUS_FILTERS,
  };
  const request = { engagementId, status: ask.filter.status, cursor: ask.cursor, pageSize };
  const continued = ask.cursor ? ' (continued)' : '';
  const admin = seesCreators(caller.roles) ? ' You see who created each claim because you are an Incentives admin.' : '';
  switch (ask.kind) {
    case 'summary':
      await sendCard(context, claimSummaryCard({ partnerName: caller.partnerName, page: await claims.summary(caller, request), filter, continued: ask.cursor !== null }));
      return;
    case 'myClaims':
      await sendCard(
        context,
        claimListCard({
          title: 'My claims',
          intro: `The claims you created, newest first${continued}.`,
          emptyText: filter.engagementId || filter.status ? 'None of the claims you created matches these filters.' : "You have not created any claims yet. Open an engagement's Customers page to add or claim a customer.",
          page: await claims.myClaims(caller, request),
          listAction: 'myClaims',
          filter,
        }),
      );
      return;
    case 'claims':
      await sendCard(
        context,
        claimListCard({
          title: `${caller.partnerName}'s claims`,
          intro: `Every claim of ${caller.partnerName}, newest first${continued}.${admin}`,
          emptyText: `${caller.partnerName} has no claims${filter.engagementId || filter.status ? ' matching these filters' : ' yet'}.`,
          page: await claims.partnerClaims(caller, request),
          listAction: 'claims',
          filter,
        }),
      );
      return;
    case 'expiring':
      await sendCard(
        context,
        claimListCard({
          title: 'Expiring soon',
          intro: `${caller.partnerName}'s open claims whose consent or submission deadline falls within the next ${EXPIRING_WITHIN_DAYS} days, soonest first${continued}. A claim not acted on by its deadline expires and is lost.${admin}`,
          emptyText: `No open claim of ${caller.partnerName}${filter.engagementId || filter.status ? ' matching these filters' : ''} has a deadline in the next ${EXPIRING_WITHIN_DAYS} days.`,
          page: await claims.expiringClaims(caller, request),
          listAction: 'expiring',
          filter,
        }),
      );
      return;
  }
}
