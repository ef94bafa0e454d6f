/**
 * What a claim link (PUBLIC_BASE_URL/claims/<id>) shows in a browser: the claim lives in Teams,
 * where it unfurls into its card for the people of its partner, so this page says only that and
 * shows nothing of the claim (not even its id): anyone may open a link.
 */
export function renderClaimLinkPage(): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    '<title>Open this claim in Microsoft Teams</title>',
    '<style>body { font-family: "Segoe UI", Arial, sans-serif; color: #1b1b1b; background: #ffffff; line-height: 1.5; margin: 0; } main { max-width: 40rem; margin: 0 auto; padding: 1.5rem; } h1 { font-size: 1.5rem; }</style>',
    '</head>',
    '<body>',
    '<main>',
    '<h1>Open this claim in Microsoft Teams</h1>',
    '<p>This is a link to an MCI claim. Claims are shown in Microsoft Teams, to the people of the partner organisation the claim belongs to.</p>',
    '<p>Paste the link into a Teams chat or channel to see the claim card, or open the MCI Engagements app in Teams and type <strong>status</strong> and the claim id.</p>',
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
}
