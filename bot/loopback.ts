/**
 * Local mode trusts whoever can reach it (no auth, the demo admin by default, the dev clock), so
 * it listens on loopback and replies only to loopback serviceUrls: otherwise anyone on the network
 * could act as the admin, or make the bot POST to an address of their choosing.
 */

/** 127.0.0.0/8, ::1 (bracketed or not, also IPv4-mapped) and localhost. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost' || name.endsWith('.localhost') || name === '::1') return true;
  const v4 = name.startsWith('::ffff:') ? name.slice('::ffff:'.length) : name;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * Whether local mode may reply to this serviceUrl: an http(s) URL on loopback, or one whose origin
 * LOCAL_SERVICE_URLS lists. Anything else (not a string, not a URL) is refused.
 */
export function isAllowedLocalServiceUrl(serviceUrl: unknown, allowedOrigins: readonly string[]): boolean {
  if (typeof serviceUrl !== 'string') return false;
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return isLoopbackHost(url.hostname) || allowedOrigins.includes(url.origin);
}
