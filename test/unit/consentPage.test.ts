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
      renderConsentProblem('expired', hostile),
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
});
