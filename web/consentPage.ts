import { formatDay } from '../cards/format';
import type { ConsentPageView, ConsentProblem } from '../services/consent';
import type { ConsentResponse } from '../services/db';
import { escapeHtml } from '../services/consent/html';

/**
 * The customer's consent page as plain HTML: no scripts, no external assets, inline styles only,
 * every value escaped. Colours keep at least 4.5:1 contrast against their background.
 */

const STYLE = `
body { font-family: "Segoe UI", Arial, sans-serif; color: #1b1b1b; background: #ffffff; line-height: 1.5; margin: 0; }
main { max-width: 40rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.5rem; margin-top: 0; }
h2 { font-size: 1.15rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.terms { border-left: 4px solid #0b5cad; padding: 0.5rem 1rem; background: #f3f6fa; }
fieldset { border: 1px solid #6b6b6b; padding: 1rem; }
legend { font-weight: 600; padding: 0 0.25rem; }
button { font: inherit; padding: 0.6rem 1.2rem; margin: 0.5rem 0.75rem 0 0; border-radius: 4px; cursor: pointer; }
.accept { background: #0b5cad; color: #ffffff; border: 2px solid #0b5cad; }
.decline { background: #ffffff; color: #1b1b1b; border: 2px solid #1b1b1b; }
button:focus { outline: 3px solid #ffb900; outline-offset: 2px; }
.note { color: #4a4a4a; }
`;

function page(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
}

/** The request and the two answers, posted with the form token that protects against cross-site requests. */
export function renderConsentForm(view: ConsentPageView, form: { action: string; csrfToken: string }): string {
  const title = `Consent requested by ${view.partnerName}`;
  return page(
    title,
    [
      `<h1>${escapeHtml(title)}</h1>`,
      `<p>${escapeHtml(view.partnerName)} asks ${escapeHtml(view.customerName)} to take part in a Microsoft Commerce Incentives engagement.</p>`,
      '<dl>',
      `<dt>Partner</dt><dd>${escapeHtml(view.partnerName)}</dd>`,
      `<dt>Engagement</dt><dd>${escapeHtml(view.engagementName)}</dd>`,
      `<dt>Customer</dt><dd>${escapeHtml(view.customerName)}</dd>`,
      `<dt>Answer by</dt><dd>${escapeHtml(formatDay(view.deadline))}</dd>`,
      `<dt>Partner contact</dt><dd>${escapeHtml(view.partnerContactName)} (${escapeHtml(view.partnerContactEmail)})</dd>`,
      '</dl>',
      '<h2>What you agree to</h2>',
      `<p class="terms">${escapeHtml(view.consentTerms)}</p>`,
      `<form method="post" action="${escapeHtml(form.action)}">`,
      `<input type="hidden" name="csrf" value="${escapeHtml(form.csrfToken)}">`,
      '<fieldset>',
      '<legend>Your answer</legend>',
      '<p id="answer-help" class="note">Your answer is final and is shared with the partner and Microsoft.</p>',
      '<button type="submit" name="answer" value="accept" class="accept" aria-describedby="answer-help">Accept</button>',
      '<button type="submit" name="answer" value="decline" class="decline" aria-describedby="answer-help">Decline</button>',
      '</fieldset>',
      '</form>',
    ].join('\n'),
  );
}

/** The page after an answer was recorded. */
export function renderConsentRecorded(view: ConsentPageView, response: ConsentResponse): string {
  const accepted = response === 'ACCEPTED';
  const title = accepted ? 'Thank you: consent given' : 'Thank you: consent declined';
  const detail = accepted
    ? `You agreed that ${view.partnerName} delivers the engagement "${view.engagementName}" for ${view.customerName}. ${view.partnerName} has been told.`
    : `You declined the engagement "${view.engagementName}" with ${view.partnerName}. ${view.partnerName} has been told, and nothing more will happen.`;
  return page(title, [`<h1>${escapeHtml(title)}</h1>`, `<p>${escapeHtml(detail)}</p>`, '<p class="note">You can close this page.</p>'].join('\n'));
}

/** The heading of each problem page; the message under it says the rest, without repeating it. */
const PROBLEM_TITLES: Record<ConsentProblem | 'forbidden' | 'invalid', string> = {
  malformed: 'This consent link is not valid',
  unknown: 'This consent link is not valid',
  answered: 'This consent request has already been answered',
  expired: 'This consent request has expired',
  closed: 'This consent request is closed',
  forbidden: 'Your answer could not be accepted',
  invalid: 'Your answer could not be read',
};

/**
 * Why the request cannot be answered, each thing said once: the heading, then the message. After
 * an answer was sent (`answered`), that nothing was changed; when the link was only opened, there
 * was nothing to change.
 */
export function renderConsentProblem(problem: ConsentProblem | 'forbidden' | 'invalid', message: string, when: 'opened' | 'answered'): string {
  const title = PROBLEM_TITLES[problem];
  const note = when === 'answered' ? 'Nothing was changed.' : 'You can close this page.';
  return page(title, [`<h1>${escapeHtml(title)}</h1>`, `<p>${escapeHtml(message)}</p>`, `<p class="note">${note}</p>`].join('\n'));
}
