import { readFile } from 'node:fs/promises';

/** A stored .eml file read back: its headers (unfolded) and its decoded text and HTML parts. */
export interface ParsedEml {
  headers: Record<string, string>;
  text: string;
  html: string;
}

export function parseEml(raw: string): ParsedEml {
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  const headers = parseHeaders(head);
  const boundary = /boundary="([^"]+)"/.exec(headers['content-type'] ?? '')?.[1];
  if (!boundary) throw new Error('not a multipart message');
  const parts = rest
    .join('\r\n\r\n')
    .split(`--${boundary}`)
    .map((part) => part.replace(/^\r\n/, ''))
    .filter((part) => part.length > 0 && !part.startsWith('--'));
  const decoded: Record<string, string> = {};
  for (const part of parts) {
    const [partHead = '', ...body] = part.split('\r\n\r\n');
    const type = parseHeaders(partHead)['content-type'] ?? '';
    decoded[type.split(';')[0] ?? ''] = decodeQuotedPrintable(body.join('\r\n\r\n').replace(/\r\n$/, ''));
  }
  return { headers, text: decoded['text/plain'] ?? '', html: decoded['text/html'] ?? '' };
}

export async function readEml(file: string): Promise<ParsedEml> {
  return parseEml(await readFile(file, 'utf8'));
}

function parseHeaders(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const joined = text.replace(/=\r\n/g, '');
  for (let i = 0; i < joined.length; i += 1) {
    const ch = joined[i] ?? '';
    if (ch === '=' && /^[0-9A-F]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n');
}

/** Decodes RFC 2047 encoded words in a header value. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_match, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}
