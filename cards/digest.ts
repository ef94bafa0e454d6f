import template from './digest.json';
import { CONVERSATION_ACTIONS } from './actions';
import { formatDateTime, formatLocalDate, formatTimeOfDay, runningDeadlineText } from './format';
import { questionCard } from './question';
import { expandCard, type AdaptiveCard } from './render';
import type { DigestItem, DigestPayload, DigestSection, DigestSetting } from '../services/digest';

type Button = { title: string; data: Record<string, string> };

interface DigestSectionView {
  heading: string;
  color: 'Default' | 'Attention' | 'Warning' | 'Good';
  rows: { title: string; detail: string; button: Button }[];
  more: string;
}

const BUTTON_TITLES: Record<DigestItem['action'], string> = {
  sendConsent: 'Send consent email',
  resendConsent: 'Re-send consent email',
  submitClaim: 'Submit claim',
  viewClaim: 'View claim',
};

const DAY_MS = 24 * 60 * 60 * 1000;

function row(item: DigestItem, asOf: Date): DigestSectionView['rows'][number] {
  const where = `${item.customerName} · ${item.engagementName} · ${item.claimId}`;
  const when = item.upgradedAt
    ? `Upgraded to co-sell on ${formatDateTime(new Date(item.upgradedAt))}`
    : item.deadline
      ? runningDeadlineText({ kind: item.deadline.kind, at: new Date(item.deadline.at), daysLeft: Math.ceil((new Date(item.deadline.at).getTime() - asOf.getTime()) / DAY_MS) })
      : '';
  const title = item.action === 'submitClaim' && item.status === 'REJECTED' ? 'Resubmit claim' : BUTTON_TITLES[item.action];
  return {
    title: `**${item.friendlyName}**`,
    detail: when ? `${where}\n\n${when}` : where,
    button: { title, data: { action: item.action, claimId: item.claimId } },
  };
}

function section(heading: string, color: DigestSectionView['color'], content: DigestSection, asOf: Date, seeAll: string): DigestSectionView[] {
  if (content.total === 0) return [];
  const rest = content.total - content.items.length;
  return [
    {
      heading: `${heading} (${content.total})`,
      color,
      rows: content.items.map((item) => row(item, asOf)),
      more: rest > 0 ? `And ${rest} more: ${seeAll}` : '',
    },
  ];
}

/**
 * A person's daily digest: the claims that need them this week, each with the button for its next
 * step, and the referrals upgraded to co-sell since yesterday. Sections with nothing are left out.
 */
export function digestCard(payload: DigestPayload): AdaptiveCard {
  const asOf = new Date(payload.asOf);
  const list = payload.scope === 'partner' ? 'claims' : 'my claims';
  const sections = [
    ...section('Deadlines in the next 7 days', 'Warning', payload.deadlines, asOf, 'type **expiring** for them all.'),
    ...section('Consents awaiting the customer’s answer', 'Default', payload.consents, asOf, `type **${list} status consent requested** for them all.`),
    ...section('Rejected claims waiting to be resubmitted', 'Attention', payload.rejected, asOf, `type **${list} status rejected** for them all.`),
    ...section('Referrals upgraded to co-sell since yesterday', 'Good', payload.upgraded, asOf, `type **${list}** to see every claim.`),
  ];
  return expandCard(template, {
    title: `Your daily digest for ${formatLocalDate(payload.localDate)}`,
    intro: payload.scope === 'partner' ? 'What needs attention across your organisation’s claims:' : 'What needs attention on the claims you created:',
    sections,
    footer: 'Type **digest off** to stop these, or **digest** and a time (for example **digest 7:30**) to choose when it comes.',
    buttons: [
      { title: 'Expiring', data: { action: 'expiring' } },
      { title: 'Digest settings', data: { action: CONVERSATION_ACTIONS.runCommand, command: 'digest' } },
    ],
  });
}

/** The answer to `digest`, `digest 8:00`, `digest off`: the setting now, in the person's time zone, with what changed. */
export function digestSettingsCard(setting: DigestSetting): AdaptiveCard {
  const at = formatTimeOfDay(setting.minutes);
  const zone = setting.zoneFromTeams ? `${setting.timeZone} time` : 'UTC (Teams has not told me your time zone yet)';
  const title = setting.enabled ? `Your daily digest: every day at ${at}, ${zone}` : 'Your daily digest is off';
  const today = !setting.enabled || setting.changed === 'nothing' || setting.changed === 'off'
    ? ''
    : setting.today.done
      ? ' Today’s digest was done already.'
      : setting.today.minutes === null
        ? ' There is none today.'
        : setting.today.minutes <= setting.today.now
          ? ' Today’s comes shortly, if there is anything to say.'
          : ` Today’s still comes at ${formatTimeOfDay(setting.today.minutes)}.`;
  const text = {
    nothing: setting.enabled
      ? 'Each day I send you one card with the consents awaiting an answer, the deadlines of the next 7 days, rejected claims to resubmit and referrals upgraded to co-sell; nothing on a day with nothing to say.'
      : `Type **digest on** to get one card a day about the claims that need you, at ${at}, ${zone}; or **digest** and another time, for example **digest 7:30**.`,
    off: `Done: no more daily digests. Type **digest on** to get them again at ${at}, ${zone}.`,
    on: `Done: the daily digest is on again, from tomorrow.${today}`,
    time: `Done: the new time applies from tomorrow.${today}`,
  }[setting.changed];
  return questionCard({
    title,
    text,
    buttons: setting.enabled
      ? [{ title: 'Turn it off', style: 'default', data: { action: CONVERSATION_ACTIONS.runCommand, command: 'digest off' } }]
      : [{ title: 'Turn it on at 8:00', style: 'positive', data: { action: CONVERSATION_ACTIONS.runCommand, command: 'digest 8:00' } }],
  });
}
