import { domainToASCII, domainToUnicode } from 'node:url';
import { z } from 'zod';
import { shorten } from '../shared/text';
import { CustomerIdType } from '../db';

/** One customer id, normalised: the form it is stored, compared and looked up in. */
export interface CustomerId {
  type: CustomerIdType;
  value: string;
}

export type CustomerIdParse = { ok: true; id: CustomerId } | { ok: false; message: string };

export const CUSTOMER_ID_TYPE_LABELS: Record<CustomerIdType, string> = {
  DOMAIN: 'domain name',
  TENANT_ID: 'tenant ID',
  TPID: 'TPID (Top Parent ID)',
  AZURE_SUBSCRIPTION_ID: 'Azure subscription ID',
  MSX_OPPORTUNITY_ID: 'MSX opportunity ID',
};

const EXPECTED: Record<CustomerIdType, string> = {
  DOMAIN: 'Enter a domain name such as contoso.com.',
  TENANT_ID: 'Enter the tenant ID, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47.',
  TPID: 'Enter the TPID, a positive whole number such as 1234567.',
  AZURE_SUBSCRIPTION_ID: 'Enter the Azure subscription ID, a GUID such as 9b4b5d8a-1c2e-4f3a-8d6b-0e1f2a3b4c5d.',
  MSX_OPPORTUNITY_ID: 'Enter the MSX opportunity ID: 7- followed by ten letters or digits, such as 7-3FS2XQBWAO.',
};

/** The longest text read as a customer id: a 253-character domain name with `https://` and a slash, and some room. */
const MAX_ID_TEXT = 300;

/** Largest TPID accepted: real ones are far shorter, so anything longer is a paste error. */
export const MAX_TPID = 999_999_999_999;

type Normalised = { ok: true; value: string } | { ok: false; problem?: string };

const guid = z.guid();

function normaliseGuid(raw: string): Normalised {
  const bare = raw.replace(/^\{(.*)\}$/, '$1');
  return guid.safeParse(bare).success ? { ok: true, value: bare.toLowerCase() } : { ok: false };
}

function normaliseTpid(raw: string): Normalised {
  if (!/^\d+$/.test(raw)) return { ok: false };
  const value = raw.replace(/^0+(?=\d)/, '');
  if (value === '0') return { ok: false, problem: 'A TPID is greater than zero.' };
  if (value.length > String(MAX_TPID).length) return { ok: false, problem: `A TPID has at most ${String(MAX_TPID).length} digits.` };
  return { ok: true, value };
}

function normaliseOpportunityId(raw: string): Normalised {
  // Word processors turn the hyphen into a dash when the id is pasted from a document.
  const value = raw.replace(/[\u2010-\u2015\u2212]/g, '-').toUpperCase();
  return /^7-[A-Z0-9]{10}$/.test(value) ? { ok: true, value } : { ok: false };
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

function normaliseDomain(raw: string): Normalised {
  let text = raw;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  if (scheme) {
    if (!/^https?:\/\/$/i.test(scheme[0])) return { ok: false };
    text = text.slice(scheme[0].length).replace(/\/$/, '');
  }
  if (text.includes('@')) {
    const domain = emailDomain(text);
    return { ok: false, problem: domain ? `That is an email address; enter just its domain, ${domain}.` : undefined };
  }
  if (/[/?#:[\]]/.test(text)) return { ok: false, problem: 'Enter just the domain name, without a path, port or address.' };
  const ascii = domainToASCII(text.replace(/\.$/, ''));
  if (!ascii || ascii.length > 253) return { ok: false };
  const labels = ascii.split('.');
  if (labels.length < 2) return { ok: false, problem: 'A domain name has at least two parts, such as contoso.com.' };
  if (labels.every((label) => /^\d+$/.test(label))) return { ok: false, problem: 'An IP address is not a domain name.' };
  if (!labels.every((label) => LABEL.test(label)) || !TOP_LEVEL.test(labels[labels.length - 1] ?? '')) return { ok: false };
  return { ok: true, value: ascii };
}

const NORMALISERS: Record<CustomerIdType, (raw: string) => Normalised> = {
  DOMAIN: normaliseDomain,
  TENANT_ID: normaliseGuid,
  AZURE_SUBSCRIPTION_ID: normaliseGuid,
  TPID: normaliseTpid,
  MSX_OPPORTUNITY_ID: normaliseOpportunityId,
};

/**
 * Parses a customer id of a known type into its normalised form: domains lower-cased in their ASCII
 * (punycode) form, GUIDs lower-cased, TPIDs without leading zeros, MSX opportunity ids upper-cased.
 * A failure says what was expected.
 */
export function parseCustomerId(type: CustomerIdType, raw: string): CustomerIdParse {
  const text = raw.trim();
  if (text === '') return { ok: false, message: `The ${CUSTOMER_ID_TYPE_LABELS[type]} is empty. ${EXPECTED[type]}` };
  // No id is longer than a domain name with its scheme; a longer text is refused before any pattern reads it.
  if (text.length > MAX_ID_TEXT) return { ok: false, message: `That is too long for a ${CUSTOMER_ID_TYPE_LABELS[type]}. ${EXPECTED[type]}` };
  const result = NORMALISERS[type](text);
  if (result.ok) return { ok: true, id: { type, value: result.value } };
  const problem = result.problem ?? `"${shorten(text)}" is not a valid ${CUSTOMER_ID_TYPE_LABELS[type]}.`;
  return { ok: false, message: `${problem} ${EXPECTED[type]}` };
}

/** A customer id as cards and stored data carry it, checked and normalised. */
export const customerIdSchema = z
  .object({ type: z.enum(CustomerIdType), value: z.string() })
  .transform((input, ctx): CustomerId => {
    const parsed = parseCustomerId(input.type, input.value);
    if (parsed.ok) return parsed.id;
    ctx.addIssue({ code: 'custom', message: parsed.message, path: ['value'] });
    return z.NEVER;
  });

export type IdTypeInference =
  | { kind: 'one'; id: CustomerId }
  /** A GUID is either a tenant id or an Azure subscription id: the person has to say which. */
  | { kind: 'ambiguous'; types: readonly CustomerIdType[]; value: string }
  | { kind: 'invalid'; message: string };

export const GUID_ID_TYPES: readonly CustomerIdType[] = [CustomerIdType.TENANT_ID, CustomerIdType.AZURE_SUBSCRIPTION_ID];

/** Guesses the type of a customer id from its shape. */
export function inferCustomerIdType(raw: string): IdTypeInference {
  const text = raw.trim().slice(0, MAX_ID_TEXT + 1);
  const guidValue = normaliseGuid(text);
  if (guidValue.ok) return { kind: 'ambiguous', types: GUID_ID_TYPES, value: guidValue.value };
  for (const type of [CustomerIdType.MSX_OPPORTUNITY_ID, CustomerIdType.TPID, CustomerIdType.DOMAIN] as const) {
    const parsed = parseCustomerId(type, text);
    if (parsed.ok) return { kind: 'one', id: parsed.id };
    // A number that is not a valid TPID is still clearly meant as one; say what is wrong with it.
    if (type === CustomerIdType.TPID && /^\d+$/.test(text)) return { kind: 'invalid', message: parsed.message };
  }
  return {
    kind: 'invalid',
    message:
      `"${shorten(text)}" is not a customer id this bot recognises. Enter a domain name (contoso.com), a tenant ID or ` +
      'Azure subscription ID (a GUID), a TPID (a whole number) or an MSX opportunity ID (7- and ten letters or digits).',
  };
}

/** The domain of an email address, normalised like a DOMAIN customer id; null when it is not an email address. */
export function emailDomain(email: string): string | null {
  const text = email.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return null;
  const domain = normaliseDomain(text.slice(at + 1));
  return domain.ok ? domain.value : null;
}

/** A stored domain as people read it: punycode labels shown in Unicode. */
export function domainForDisplay(domain: string): string {
  return domainToUnicode(domain) || domain;
}
