// Observable values as the matcher compares them: IPv4/IPv6 addresses and CIDRs in canonical form,
// domain names (lowercase, IDNA ASCII, no trailing dot), URLs canonicalized by the WHATWG URL
// parser (no fragment), e-mail addresses, file hashes (lowercase hex, by length), phone numbers
// in E.164 (libphonenumber-js) and SMS short codes / sender ids. Also the extraction of observables
// from a pasted log excerpt. Pure functions.
import { domainToASCII } from 'node:url';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** The custom observable types Bulwark defines (extension definition in extension.ts). */
export const PHONE_TYPE = 'x-bulwark-phone-number';
export const SMS_SENDER_TYPE = 'x-bulwark-sms-sender';

export const OBSERVABLE_TYPES = [
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'email-addr',
  'file',
  PHONE_TYPE,
  SMS_SENDER_TYPE,
] as const;
export type ObservableType = (typeof OBSERVABLE_TYPES)[number];

export interface Observable {
  type: ObservableType;
  value: string;
}

// ---- IP addresses ------------------------------------------------------------------------------

/** Parses dotted-quad IPv4 (no leading zeros: '010' would be octal to some tools). */
export function parseIpv4(s: string): number | undefined {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      n = n * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // No leading zeros: '010' means 8 to some tools and 10 to others.
      if (digits > 0 && part === 0) return undefined;
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return undefined;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return (n * 256 + part) >>> 0;
}

export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Parses an IPv6 address (with :: and an embedded IPv4 tail) into 8 groups of 16 bits. */
export function parseIpv6(s: string): number[] | undefined {
  if (s.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  let tail: number[] = [];
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >>> 16, v4 & 0xffff];
    // Keep a '::' that ends right before the IPv4 tail; drop a single ':'.
    text = s[lastColon - 1] === ':' ? s.slice(0, lastColon + 1) : s.slice(0, lastColon);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...head, ...rest];
  if (all.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  const known = all.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  const zeros = new Array<number>(8 - known).fill(0);
  return [...head.map((g) => parseInt(g, 16)), ...zeros, ...rest.map((g) => parseInt(g, 16)), ...tail];
}

/** RFC 5952 text form: lowercase, leading zeros dropped, the longest run of zero groups as ::. */
export function formatIpv6(g: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export interface Cidr {
  family: 4 | 6;
  /** Address bytes (4 or 16). */
  bytes: Uint8Array;
  prefix: number;
}

/** Parses an address or a CIDR of either family; the host bits of a CIDR must be zero-able. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const v4 = parseIpv4(addr);
  let bytes: Uint8Array;
  let family: 4 | 6;
  if (v4 !== undefined) {
    family = 4;
    bytes = new Uint8Array([v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255]);
  } else {
    const g = parseIpv6(addr);
    if (!g) return undefined;
    family = 6;
    bytes = new Uint8Array(16);
    g.forEach((x, i) => {
      bytes[2 * i] = x >>> 8;
      bytes[2 * i + 1] = x & 255;
    });
  }
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > max) return undefined;
    prefix = Number(p);
  }
  // Clear host bits: 10.1.2.3/8 means 10.0.0.0/8.
  for (let bit = prefix; bit < max; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return { family, bytes, prefix };
}

export function formatCidr(c: Cidr): string {
  const addr =
    c.family === 4
      ? Array.from(c.bytes).join('.')
      : formatIpv6(Array.from({ length: 8 }, (_, i) => (c.bytes[2 * i]! << 8) | c.bytes[2 * i + 1]!));
  return c.prefix === (c.family === 4 ? 32 : 128) ? addr : `${addr}/${c.prefix}`;
}

// ---- names, URLs, addresses, hashes, phones ----------------------------------------------------

export function normalizeDomain(s: string): string | undefined {
  let d = s.trim().toLowerCase();
  if (d.endsWith('.')) d = d.slice(0, -1);
  if (!d || d.length > 253) return undefined;
  const ascii = /^[a-z0-9.-]+$/.test(d) ? d : domainToASCII(d);
  if (!ascii || !/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/.test(ascii)) return undefined;
  return ascii;
}

export function canonicalUrl(s: string): string | undefined {
  if (s.length > 8192) return undefined;
  let u: URL;
  try {
    u = new URL(s.trim());
  } catch {
    return undefined;
  }
  if (!u.host) return undefined;
  u.hash = '';
  return u.href;
}

export function normalizeEmail(s: string): string | undefined {
  const t = s.trim();
  const at = t.lastIndexOf('@');
  if (at <= 0 || at > 64 || /\s/.test(t)) return undefined;
  const domain = normalizeDomain(t.slice(at + 1));
  return domain ? `${t.slice(0, at).toLowerCase()}@${domain}` : undefined;
}

const HASH_LENGTHS: Record<number, string> = { 32: 'MD5', 40: 'SHA-1', 64: 'SHA-256', 128: 'SHA-512' };

/** A hash value in lowercase hex, with the algorithm its length implies. */
export function normalizeHash(s: string): { algorithm: string; value: string } | undefined {
  const v = s.trim().toLowerCase();
  if (!/^[0-9a-f]+$/.test(v)) return undefined;
  const algorithm = HASH_LENGTHS[v.length];
  return algorithm ? { algorithm, value: v } : undefined;
}

/** STIX hash names as written in the wild (sha256, SHA256, SHA-256) to the vocabulary's form. */
export function canonicalHashName(name: string): string {
  const n = name.toUpperCase().replace(/_/g, '-');
  const m = /^(MD5|SHA-?1|SHA-?256|SHA-?512|SHA3-?256|SHA3-?512)$/.exec(n);
  if (!m) return name;
  return n.replace(/^SHA(?=\d)/, 'SHA-').replace(/^SHA3(?=\d)/, 'SHA3-');
}

/**
 * A phone number in E.164 (+ and up to 15 digits), or undefined when it is not a valid number.
 * `region` is the ISO country for numbers written without their country code.
 */
export function normalizePhone(s: string, region?: string): string | undefined {
  const t = s.trim();
  if (t.length > 40) return undefined;
  // Text already in E.164 form ('+', 1 to 15 digits, the first not 0): libphonenumber's answer for
  // it is remembered (a '+' number ignores the region, so the text alone is the key).
  const n = e164Digits(t);
  if (n > 0) {
    const known = e164Answers.get(n);
    if (known === 1) return t;
    if (known === 0) return undefined;
  }
  const p = parsePhoneNumberFromString(t, region as Parameters<typeof parsePhoneNumberFromString>[1]);
  const answer = p?.isValid() ? p.number : undefined;
  if (n > 0) {
    // Only the two answers one bit tells apart: valid as written, or not valid. A number that
    // validates into another form (a national prefix dropped) is asked again each time.
    if (answer === t) e164Answers.set(n, 1);
    else if (answer === undefined) e164Answers.set(n, 0);
  }
  return answer;
}

/**
 * The number an E.164 text ('+' and 1 to 15 digits, the first not 0) spells, or -1 when the text
 * is not one. Distinct E.164 texts give distinct numbers (no leading zero, under 2^53).
 */
function e164Digits(s: string): number {
  const len = s.length;
  if (len < 2 || len > 16 || s.charCodeAt(0) !== 43) return -1;
  let n = 0;
  for (let i = 1; i < len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9 || (i === 1 && d === 0)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * libphonenumber's validity of E.164 texts, remembered: a direct-mapped table of 2^bits cells, each
 * a float64 holding +n (n is valid and already canonical) or -n (n is not valid), 0 empty. A new
 * number overwrites whatever shares its cell, so the table never holds more than 2^bits numbers
 * (the default 2^20: 1,048,576 numbers in 8 MiB, allocated at the first phone number) and a lookup
 * is one hash and one read. Validating with libphonenumber-js/max costs microseconds (it builds a
 * RegExp from the metadata's pattern text for every check); the numbers a deployment sees again
 * (its own subscribers, the same scam lines) then cost a read.
 */
export class E164Answers {
  private cells: Float64Array | undefined;
  private readonly mask: number;

  constructor(readonly bits = 20) {
    this.mask = (1 << bits) - 1;
  }

  private cell(n: number): number {
    const lo = n >>> 0;
    const hi = (n / 4294967296) >>> 0;
    return (Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> (32 - this.bits)) & this.mask;
  }

  /** 1: valid as written; 0: not valid; -1: not known. `n` is a positive e164Digits value. */
  get(n: number): number {
    const c = this.cells?.[this.cell(n)];
    return c === n ? 1 : c === -n ? 0 : -1;
  }

  set(n: number, valid: 0 | 1): void {
    if (!this.cells) this.cells = new Float64Array(1 << this.bits);
    this.cells[this.cell(n)] = valid ? n : -n;
  }
}

const e164Answers = new E164Answers();

/** A short code (3–8 digits) or an alphanumeric SMS sender id (up to 11 characters), case-folded. */
export function normalizeSmsSender(s: string): string | undefined {
  const t = s.trim();
  if (/^[0-9]{3,8}$/.test(t)) return t;
  if (/^[A-Za-z0-9 ._-]{1,11}$/.test(t) && /[A-Za-z]/.test(t)) return t.toUpperCase();
  return undefined;
}

/** The canonical value of an observable of a type, or undefined when it is not one. */
export function normalizeObservable(
  type: ObservableType,
  value: string,
  region?: string,
): string | undefined {
  switch (type) {
    case 'ipv4-addr': {
      // A dotted quad parseIpv4 accepts (decimal, no leading zeros) is already its canonical text.
      if (parseIpv4(value) !== undefined) return value;
      const c = parseCidr(value);
      return c?.family === 4 ? formatCidr(c) : undefined;
    }
    case 'ipv6-addr': {
      const c = parseCidr(value);
      return c?.family === 6 ? formatCidr(c) : undefined;
    }
    case 'domain-name':
      return normalizeDomain(value);
    case 'url':
      return canonicalUrl(value);
    case 'email-addr':
      return normalizeEmail(value);
    case 'file':
      return normalizeHash(value)?.value;
    case PHONE_TYPE:
      return normalizePhone(value, region);
    case SMS_SENDER_TYPE:
      return normalizeSmsSender(value);
  }
}

// ---- extraction from text ----------------------------------------------------------------------

// Each expression is linear (no nested quantifiers), and the input is bounded by the caller.
const URL_RE = /\bhttps?:\/\/[^\s"'<>`]{1,2000}/gi;
const EMAIL_RE = /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}\b/g;
const IPV4_RE = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
const IPV6_RE = /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])/g;
const HASH_RE = /\b(?:[0-9A-Fa-f]{128}|[0-9A-Fa-f]{64}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{32})\b/g;
const DOMAIN_RE = /\b(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,10}[A-Za-z]{2,63}\b/g;
const PHONE_RE = /(?<![\w+])\+[1-9][0-9 ().-]{6,20}[0-9]/g;

/**
 * The observables in a log excerpt: URLs, e-mail addresses, IPv4/IPv6 addresses, hashes, domain
 * names (also the hosts of URLs and the domains of addresses) and international phone numbers.
 * Each appears once; at most `limit` are returned.
 */
export function extractObservables(text: string, limit = 10_000): Observable[] {
  const seen = new Set<string>();
  const out: Observable[] = [];
  const add = (type: ObservableType, raw: string) => {
    if (out.length >= limit) return;
    const value = normalizeObservable(type, raw);
    if (value === undefined) return;
    const key = `${type}|${value}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ type, value });
  };
  for (const m of text.matchAll(URL_RE)) {
    const raw = m[0].replace(/[).,;:\]]+$/, '');
    add('url', raw);
    try {
      const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
      if (parseIpv4(host) !== undefined) add('ipv4-addr', host);
      else if (host.includes(':')) add('ipv6-addr', host);
      else add('domain-name', host);
    } catch {
      // not a URL after all
    }
  }
  for (const m of text.matchAll(EMAIL_RE)) {
    add('email-addr', m[0]);
    add('domain-name', m[0].slice(m[0].lastIndexOf('@') + 1));
  }
  for (const m of text.matchAll(IPV4_RE)) add('ipv4-addr', m[0]);
  for (const m of text.matchAll(IPV6_RE))
    if (m[0].includes('::') || m[0].split(':').length === 8) add('ipv6-addr', m[0]);
  for (const m of text.matchAll(HASH_RE)) add('file', m[0]);
  for (const m of text.matchAll(DOMAIN_RE)) {
    // Skip the tails of dotted numbers and file names such as report.exe: a domain ends in a letter TLD.
    if (/\.(exe|dll|log|txt|pdf|zip|js|json|html?|php|png|jpg)$/i.test(m[0])) continue;
    add('domain-name', m[0]);
  }
  for (const m of text.matchAll(PHONE_RE)) add(PHONE_TYPE, m[0]);
  return out;
}
