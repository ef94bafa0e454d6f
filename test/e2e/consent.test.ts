import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { issueFormToken } from '../../bot/consentRoutes';
import { DEMO } from '../../prisma/demoData';
import { requestConsent, type ConsentSettings } from '../../services/consent/consent';
import { CONSENT_EVENTS } from '../../services/consent/email';
import { completeTab, eligibleTab, ineligibleTab } from '../../services/customersPage/page';
import { findCaller } from '../../services/directory/callers';
import { readEml } from '../support/eml';
import { createDemoDatabase } from '../support/testDatabase';

const logger = pino({ level: 'silent' });

describe('the consent email and page through the real server in local mode', () => {
  let app: RunningApp;
  let dataDir: string;
  let settings: ConsentSettings;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'mci-consent-e2e-'));
    const db = await createDemoDatabase();
    app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, SCHEDULER_INTERVAL_SECONDS: '3600' }), { logger, db, host: '127.0.0.1' });
    settings = { tokenSecret: app.config.consentTokenSecret, publicBaseUrl: app.config.publicBaseUrl };
  });

  afterAll(async () => {
    await app.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Sends the consent email as the claim's partner, delivers the outbox, and returns the link path from the stored .eml. */
  async function sendConsentAndOpenEmail(claimId: string, aadObjectId: string): Promise<{ linkPath: string; text: string }> {
    const caller = await findCaller(app.db.prisma, aadObjectId);
    await requestConsent(app.db, app.clock, settings, caller, { claimId, estimatedDealSizeUsd: 35_000, disclaimerAccepted: true });
    const tick = await fetch(`${app.url}/api/dev/tick`, { method: 'POST' });
    expect(tick.status).toBe(200);
    const row = await app.db.prisma.outboxMessage.findFirstOrThrow({ where: { claimId, channel: 'EMAIL', event: CONSENT_EVENTS.requested } });
    expect(row.status).toBe('SENT');
    expect(await readdir(path.join(dataDir, 'mail'))).toContain(`${row.id}.eml`);
    const eml = await readEml(path.join(dataDir, 'mail', `${row.id}.eml`));
    const link = /(https?:\/\/\S+\/consent\/[A-Za-z0-9_-]+)/.exec(eml.text)?.[1];
    if (!link) throw new Error('no consent link in the email');
    expect(link.startsWith(`${app.config.publicBaseUrl}/consent/`)).toBe(true);
    return { linkPath: new URL(link).pathname, text: eml.text };
  }

  async function openPage(linkPath: string) {
    const res = await fetch(`${app.url}${linkPath}`);
    const html = await res.text();
    return { res, html, csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '' };
  }

  async function answer(linkPath: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(`${app.url}${linkPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url, ...headers },
      body: new URLSearchParams(fields).toString(),
    });
    return { res, html: await res.text() };
  }

  /** The text a person reads in a page's body, tags removed; how often it says something. */
  const bodyText = (html: string) => (/<body>([\s\S]*)<\/body>/.exec(html)?.[1] ?? '').replace(/<[^>]+>/g, ' ');
  const times = (html: string, part: string) => bodyText(html).split(part).length - 1;

  async function snapshot(claimId: string) {
    return {
      claim: await app.db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } }),
      consent: await app.db.prisma.consentRequest.findUnique({ where: { claimId } }),
      audit: await app.db.prisma.auditEvent.count({ where: { claimId } }),
      outbox: await app.db.prisma.outboxMessage.count({ where: { claimId } }),
    };
  }

  it('sends the email, shows the page, refuses a forged answer, accepts once, then says it was answered', async () => {
    const claimId = DEMO.claims.woodgroveBusinessCentralClaimed;
    const { linkPath, text } = await sendConsentAndOpenEmail(claimId, DEMO.users.adminA);
    expect(text).toContain('Fabrikam Consulting');
    const claim = await app.db.prisma.claim.findUniqueOrThrow({ where: { id: claimId }, include: { engagement: true, customer: true } });
    expect(text).toContain(claim.engagement.name);
    expect(text).toContain(claim.engagement.consentTerms);

    const page = await openPage(linkPath);
    expect(page.res.status).toBe(200);
    expect(page.res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.res.headers.get('content-security-policy')).toContain("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
    expect(page.res.headers.get('x-frame-options')).toBe('DENY');
    expect(page.res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.res.headers.get('cache-control')).toBe('no-store');
    expect(page.html).toContain('<html lang="en">');
    expect(page.html).not.toMatch(/<script|<link|src=/i);
    expect(page.html).toContain('Fabrikam Consulting');
    expect(page.html).toContain(claim.customer.name.replace(/&/g, '&amp;'));
    expect(page.html).toContain('name="answer" value="accept"');
    expect(page.csrf).not.toBe('');

    const before = await snapshot(claimId);
    const missing = await answer(linkPath, { answer: 'accept' });
    expect(missing.res.status).toBe(403);
    expect(missing.html).toContain('Nothing was changed.');
    expect((await answer(linkPath, { answer: 'accept', csrf: 'forged.token' })).res.status).toBe(403);
    expect((await answer(linkPath, { answer: 'accept', csrf: page.csrf }, { origin: 'https://evil.example' })).res.status).toBe(403);
    const otherToken = `/consent/${'B'.repeat(43)}`;
    expect((await answer(linkPath, { answer: 'accept', csrf: issueFormToken(settings.tokenSecret, otherToken.slice(9), app.clock.now()) })).res.status).toBe(403);
    expect(await snapshot(claimId)).toEqual(before);

    const accepted = await answer(linkPath, { answer: 'accept', csrf: page.csrf });
    expect(accepted.res.status).toBe(200);
    expect(accepted.html).toContain('Thank you: consent given');
    const after = await app.db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
    expect(after.status).toBe('CONSENT_GRANTED');
    expect(after.submissionDeadline).not.toBeNull();
    expect(await app.db.prisma.knownCustomer.findUnique({ where: { partnerId_customerId: { partnerId: DEMO.partnerA, customerId: after.customerId } } })).not.toBeNull();
    expect(await app.db.prisma.consentRequest.findUniqueOrThrow({ where: { claimId } })).toMatchObject({ response: 'ACCEPTED' });
    const told = await app.db.prisma.outboxMessage.findMany({ where: { claimId, channel: 'TEAMS', event: { startsWith: 'consent.' } } });
    expect(told).toEqual([expect.objectContaining({ event: CONSENT_EVENTS.accepted, recipient: DEMO.users.adminA })]);

    const settled = await snapshot(claimId);
    const again = await answer(linkPath, { answer: 'decline', csrf: page.csrf });
    expect(again.res.status).toBe(410);
    expect(times(again.html, 'already been answered')).toBe(1);
    expect(times(again.html, 'Nothing was changed.')).toBe(1);
    const reopened = await openPage(linkPath);
    expect(reopened.res.status).toBe(410);
    expect(reopened.csrf).toBe('');
    // Reopened, the answered state is said once: the heading, then how and when; nothing was tried, so nothing to "not change".
    expect(times(reopened.html, 'This consent request has already been answered')).toBe(1);
    expect(times(reopened.html, 'answered')).toBe(1);
    expect(bodyText(reopened.html)).toMatch(/You accepted it on \d{1,2} [A-Z][a-z]+ \d{4}\./);
    expect(bodyText(reopened.html)).not.toContain('Nothing was changed');
    expect(await snapshot(claimId)).toEqual(settled);
  });

  it('records a decline: the claim is DECLINED, the partner is told, and the newly added customer leaves the page', async () => {
    const claimId = DEMO.claims.prosewareInnovateAdded;
    const { engagementId, customerId, origin } = await app.db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
    expect(origin).toBe('ADDED');
    const onPage = async () => {
      const page = { partnerId: DEMO.partnerA, engagementId, pageSize: 50 };
      const tabs = [await eligibleTab(app.db, app.clock, page), await ineligibleTab(app.db, app.clock, page), await completeTab(app.db, app.clock, page)];
      return tabs.some((tab) => tab.rows.some((row) => row.customerId === customerId));
    };
    expect(await onPage()).toBe(true);
    const { linkPath } = await sendConsentAndOpenEmail(claimId, DEMO.users.userA);
    const { csrf } = await openPage(linkPath);
    const declined = await answer(linkPath, { answer: 'decline', csrf });
    expect(declined.res.status).toBe(200);
    expect(declined.html).toContain('consent declined');
    expect(await app.db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } })).toMatchObject({ status: 'DECLINED', openClaimKey: null });
    expect(await app.db.prisma.outboxMessage.findFirst({ where: { claimId, channel: 'TEAMS', event: { startsWith: 'consent.' } } })).toMatchObject({
      event: CONSENT_EVENTS.declined,
      recipient: DEMO.users.userA,
    });
    expect(await onPage()).toBe(false);
  });

  it('answers garbage and unknown tokens with a clear page', async () => {
    const garbage = await openPage('/consent/not-a-token');
    expect(garbage.res.status).toBe(400);
    expect(times(garbage.html, 'This consent link is not valid')).toBe(1);
    expect(garbage.res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await answer('/consent/not-a-token', { answer: 'accept', csrf: 'x' })).res.status).toBe(400);
    const unknown = await openPage(`/consent/${'A'.repeat(43)}`);
    expect(unknown.res.status).toBe(404);
    expect(times(unknown.html, 'not valid')).toBe(1);
  });

  it('answers an expired token with a clear page and changes nothing', async () => {
    const claimId = DEMO.claims.contosoDataAiClaimed;
    const { linkPath } = await sendConsentAndOpenEmail(claimId, DEMO.users.userA);
    const { consentDeadline } = await app.db.prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
    const moved = await fetch(`${app.url}/api/dev/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: new Date(consentDeadline.getTime() + 60_000).toISOString() }),
    });
    expect(moved.status).toBe(200);
    const before = await snapshot(claimId);
    const page = await openPage(linkPath);
    expect(page.res.status).toBe(410);
    expect(times(page.html, 'This consent request has expired')).toBe(1);
    expect(times(page.html, 'This consent request')).toBe(1);
    const token = linkPath.slice('/consent/'.length);
    const late = await answer(linkPath, { answer: 'accept', csrf: issueFormToken(settings.tokenSecret, token, app.clock.now()) });
    expect(late.res.status).toBe(410);
    expect(times(late.html, 'Nothing was changed.')).toBe(1);
    expect(await snapshot(claimId)).toEqual(before);
  });
});
