import { renderConsentForm, renderConsentProblem, renderConsentRecorded } from '../../web/consentPage';
import type { ConsentPageView } from '../../services/consent/consent';

const hostile = '<script>alert("x")</script> & "quotes"';
const view: ConsentPageView = {
  claimId: 'CLM-1',
  partnerName: hostile,
  engagementName: `Engagement ${hostile}`,
  consentTerms: `Terms ${hostile}`,
  customerName: `Customer ${hostile}`,
  customerContactName: 'Dana',
  partnerContactName: 'Pat',
  partnerContactEmail: 'pat@partner.example',
  deadline: new Date('2026-03-30T09:00:00Z'),
};

describe('the consent page HTML', () => {
  it('escapes every value and needs no script or external asset', () => {
    const pages = [
      renderConsentForm(view, { action: '/consent/abc', csrfToken: '"><script>' }),
      renderConsentRecorded(view, 'ACCEPTED'),
      renderConsentRecorded(view, 'DECLINED'),
      renderConsentProblem('expired', hostile, 'opened'),
    ];
    for (const html of pages) {
      expect(html).not.toMatch(/<script|<link|<img|src=|javascript:/i);
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;');
      expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
      expect(html).toContain('<meta charset="utf-8">');
      expect(html).toMatch(/<h1>[^<]+<\/h1>/);
    }
  });

  it('offers accept and decline as buttons of one POST form with its form token', () => {
    const html = renderConsentForm(view, { action: '/consent/abc', csrfToken: '123.abc' });
    expect(html).toContain('<form method="post" action="/consent/abc">');
    expect(html).toContain('<input type="hidden" name="csrf" value="123.abc">');
    expect(html).toContain('<button type="submit" name="answer" value="accept"');
    expect(html).toContain('<button type="submit" name="answer" value="decline"');
    expect(html).toContain('<legend>Your answer</legend>');
    expect(html).toContain('30 March 2026');
  });

  /** The text a person reads in the page's body, tags removed. */
  const bodyText = (html: string) => (/<body>([\s\S]*)<\/body>/.exec(html)?.[1] ?? '').replace(/<[^>]+>/g, ' ');
  const count = (text: string, part: string) => text.split(part).length - 1;

  it('says an answered request once: the heading, when it was answered, and "Nothing was changed." only after a new answer', () => {
    const opened = bodyText(renderConsentProblem('answered', 'You accepted it on 3 March 2026.', 'opened'));
    expect(count(opened, 'already been answered')).toBe(1);
    expect(count(opened, 'You accepted it on 3 March 2026.')).toBe(1);
    expect(opened).not.toContain('Nothing was changed');
    const answered = bodyText(renderConsentProblem('answered', 'You accepted it on 3 March 2026.', 'answered'));
    expect(count(answered, 'already been answered')).toBe(1);
    expect(count(answered, 'Nothing was changed.')).toBe(1);
  });

  it.each(['malformed', 'unknown', 'answered', 'expired', 'closed', 'forbidden', 'invalid'] as const)('never says the heading of a %s page twice', (problem) => {
    const text = bodyText(renderConsentProblem(problem, 'Open the link from the email again.', 'answered'));
    const heading = /<h1>([^<]+)<\/h1>/.exec(renderConsentProblem(problem, '', 'answered'))?.[1] ?? 'no heading';
    expect(count(text, heading)).toBe(1);
    expect(count(text, 'Nothing was changed.')).toBe(1);
  });
});
