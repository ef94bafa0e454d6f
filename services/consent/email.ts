import { z } from 'zod';
import type { Claim, Tx } from '../db';
import type { OutboxDraft } from '../outbox/outbox';
import { formatDay } from '../shared/wording';
import type { ConsentSettings } from '../shared/context';
import { escapeHtml } from './html';
import { consentLink, hashConsentToken, isWellFormedToken, sameHash } from './token';

/** The consent events: the emails to the customer, and the answers the partner is told of. */
export const CONSENT_EVENTS = {
  requested: 'consent.requested',
  reminder: 'consent.reminder',
  accepted: 'consent.accepted',
  declined: 'consent.declined',
} as const;


/** The payload of a consent email in the outbox: the rendered message, ready for the email port. */
export const ConsentEmailPayloadSchema = z.object({
  kind: z.enum([CONSENT_EVENTS.requested, CONSENT_EVENTS.reminder]),
  claimId: z.string(),
  to: z.string(),
  toName: z.string(),
  replyTo: z.string(),
  replyToName: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  actionUrl: z.string(),
});

export type ConsentEmailPayload = z.infer<typeof ConsentEmailPayloadSchema>;

/**
 * The consent email as an outbox row. The payload carries the link with the token in clear: the
 * delivery (possibly a later retry, on another instance) must be able to send it, and the database
 * keeps only the token's hash. Outbox rows are read by the delivery and by re-send only; the token
 * is never logged except by the local email sender, which exists to show it.
 */
export async function consentEmailDraft(tx: Tx, settings: ConsentSettings, claim: Claim, token: string, sendNumber: number): Promise<OutboxDraft> {
  const details = await tx.claim.findUniqueOrThrow({
    where: { id: claim.id },
    select: { partner: { select: { name: true } }, engagement: { select: { name: true, consentTerms: true } }, customer: { select: { name: true } } },
  });
  const reminder = sendNumber > 1;
  const event = reminder ? CONSENT_EVENTS.reminder : CONSENT_EVENTS.requested;
  const message = renderConsentEmail({
    reminder,
    partnerName: details.partner.name,
    engagementName: details.engagement.name,
    consentTerms: details.engagement.consentTerms,
    customerName: details.customer.name,
    customerContactName: claim.customerContactName,
    partnerContactName: claim.partnerContactName,
    partnerContactEmail: claim.partnerContactEmail,
    deadline: claim.consentDeadline,
    link: consentLink(settings, token),
  });
  const payload: ConsentEmailPayload = {
    kind: event,
    claimId: claim.id,
    to: claim.customerContactEmail,
    toName: claim.customerContactName,
    replyTo: claim.partnerContactEmail,
    replyToName: claim.partnerContactName,
    ...message,
  };
  return {
    channel: 'EMAIL',
    event,
    dedupeKey: `claim:${claim.id}:${event}:send${sendNumber}`,
    recipient: claim.customerContactEmail,
    claimId: claim.id,
    partnerId: claim.partnerId,
    payload,
  };
}

/** The token in the claim's latest consent email, if it still matches the stored hash. */
export async function sentToken(tx: Tx, settings: ConsentSettings, claimId: string, tokenHash: string): Promise<string | null> {
  const rows = await tx.outboxMessage.findMany({
    where: { claimId, channel: 'EMAIL', event: { in: [CONSENT_EVENTS.requested, CONSENT_EVENTS.reminder] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { payload: true },
  });
  for (const row of rows) {
    const payload = ConsentEmailPayloadSchema.safeParse(row.payload);
    if (!payload.success) continue;
    const token = payload.data.actionUrl.split('/consent/')[1] ?? '';
    if (isWellFormedToken(token) && sameHash(hashConsentToken(settings.tokenSecret, token), tokenHash)) return token;
  }
  return null;
}


/** Who asks whom for consent to what, and by when: what the consent email and the consent page both show. */
export interface ConsentParties {
  partnerName: string;
  engagementName: string;
  consentTerms: string;
  customerName: string;
  customerContactName: string;
  partnerContactName: string;
  partnerContactEmail: string;
  deadline: Date;
}

export interface ConsentEmailContent extends ConsentParties {
  reminder: boolean;
  link: string;
}

/** The consent email: who asks, for which engagement, what the customer agrees to, and the link to answer. */
export function renderConsentEmail(c: ConsentEmailContent): { subject: string; text: string; html: string; actionUrl: string } {
  const subject = `${c.reminder ? 'Reminder: ' : ''}${c.partnerName} asks for your consent: ${c.engagementName}`;
  const intro = `${c.partnerName} would like to deliver the Microsoft Commerce Incentives engagement "${c.engagementName}" for ${c.customerName} and asks for your consent.`;
  const deadline = `Please answer by ${formatDay(c.deadline)}. After that date the request expires.`;
  const contact = `Questions? Contact ${c.partnerContactName} at ${c.partnerContactEmail}.`;
  const text = [
    `Dear ${c.customerContactName},`,
    '',
    ...(c.reminder ? ['This is a reminder: we have not received your answer yet.', ''] : []),
    intro,
    '',
    'What you agree to:',
    c.consentTerms,
    '',
    `Accept or decline here: ${c.link}`,
    '',
    deadline,
    contact,
    '',
    'If you did not expect this email, you can ignore it; nothing happens without your answer.',
  ].join('\n');
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><title>' + escapeHtml(subject) + '</title></head>',
    '<body style="font-family: Segoe UI, Arial, sans-serif; color: #1b1b1b; line-height: 1.5;">',
    `<p>Dear ${escapeHtml(c.customerContactName)},</p>`,
    c.reminder ? '<p><strong>This is a reminder:</strong> we have not received your answer yet.</p>' : '',
    `<p>${escapeHtml(intro)}</p>`,
    '<h2 style="font-size: 1.1em;">What you agree to</h2>',
    `<p>${escapeHtml(c.consentTerms)}</p>`,
    `<p><a href="${escapeHtml(c.link)}" style="color: #0b5cad;">Accept or decline the engagement</a></p>`,
    `<p>${escapeHtml(deadline)}<br>${escapeHtml(contact)}</p>`,
    '<p style="color: #4a4a4a;">If you did not expect this email, you can ignore it; nothing happens without your answer.</p>',
    '</body></html>',
  ]
    .filter((line) => line.length > 0)
    .join('\n');
  return { subject, text, html, actionUrl: c.link };
}

