// Canonical keys of reported observables, so that two reports of one number, one URL or one wallet
// meet on one key: phone numbers in E.164 (libphonenumber-js; short codes and alphanumeric senders
// as sender ids with their country), URLs by the WHATWG parser followed by Google Safe Browsing's
// canonicalization, registrable domains by the public suffix list including its private section
// (tldts: scam.github.io is its own domain, not github.io), IBANs and wallets validated by their
// checksums. And the defanged form every page shows. Pure functions: nothing here fetches a URL.
import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { keccak_256 } from '@noble/hashes/sha3';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { parse as parseDomain } from 'tldts';
import type { ObservableKind } from './taxonomy.ts';

export interface CanonicalObservable {
  kind: ObservableKind;
  key: string;
  /** ISO 3166 country of a phone number or sender id. */
  country?: string;
  /** Caller ids and sender ids can be forged: a phone observable alone proves little. */
  spoofable?: boolean;
  /** Derived from another observable (the registrable domain of a URL). */
  derived?: boolean;
}

export class ObservableError extends Error {
  override name = 'ObservableError';
}

const fail = (msg: string): never => {
  throw new ObservableError(msg);
};

// ---- phone numbers and sender ids -------------------------------------------------------------

/**
 * A phone number to E.164 (in the reporter's region unless it starts with +), else a short code or
 * an alphanumeric sender id as `sender-id` keyed with the country (`CN:95588`, `GB:HMRC`).
 */
export function canonicalPhone(raw: string, region = 'CN'): CanonicalObservable {
  const text = raw.trim();
  const compact = text.replace(/[\s().-]/g, '');
  if (/^[0-9]{3,8}$/.test(compact) || (/^[A-Za-z0-9 ]{2,11}$/.test(text) && /[A-Za-z]/.test(text))) {
    return canonicalSenderId(text, region);
  }
  const country = isCountry(region) ? (region.toUpperCase() as CountryCode) : undefined;
  const p = parsePhoneNumberFromString(text, country);
  if (!p?.isValid())
    fail(
      `'${clip(raw)}' is not a valid phone number (give it with its country code, e.g. +86 138 0013 8000).`,
    );
  return { kind: 'phone', key: p!.number, country: p!.country, spoofable: true };
}

/** An SMS short code (3–8 digits) or an alphanumeric sender id (≤ 11 characters), with its country. */
export function canonicalSenderId(raw: string, region = 'CN'): CanonicalObservable {
  const v = raw.trim().replace(/\s+/g, '').toUpperCase();
  if (!/^([0-9]{3,8}|[A-Z0-9]{2,11})$/.test(v)) fail(`'${clip(raw)}' is not a short code or a sender id.`);
  const country = isCountry(region) ? region.toUpperCase() : 'ZZ';
  return { kind: 'sender-id', key: `${country}:${v}`, country, spoofable: true };
}

function isCountry(s: string): boolean {
  return /^[A-Za-z]{2}$/.test(s);
}

// ---- URLs (WHATWG + Safe Browsing) -------------------------------------------------------------

function unescapeFully(s: string): string {
  // Safe Browsing: "repeatedly percent-unescape the URL until it has no more percent-escapes".
  let prev = s;
  for (let i = 0; i < 16; i++) {
    const next = prev.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) =>
      String.fromCharCode(Number.parseInt(h, 16)),
    );
    if (next === prev) break;
    prev = next;
  }
  return prev;
}

function escapeSb(s: string): string {
  // Percent-escape bytes ≤ 0x20, ≥ 0x7f, '#' and '%' (upper-case hex). The WHATWG parser has
  // escaped every non-ASCII character, so after unescaping each char is one byte (latin1).
  let out = '';
  for (const b of Buffer.from(s, 'latin1')) {
    out +=
      b <= 0x20 || b >= 0x7f || b === 0x23 || b === 0x25
        ? `%${b.toString(16).toUpperCase().padStart(2, '0')}`
        : String.fromCharCode(b);
  }
  return out;
}

function canonicalPath(path: string): string {
  const segs: string[] = [];
  for (const seg of unescapeFully(path).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segs.pop();
    else segs.push(seg);
  }
  const trailing = /\/\.{0,2}$/.test(path) && segs.length > 0 ? '/' : '';
  return `/${segs.join('/')}${trailing}`;
}

/**
 * A reported URL as a key: tabs and line breaks removed, http:// assumed when no scheme is given,
 * parsed by the WHATWG URL parser (IDNA, IPv4 numeric forms, default ports), then Safe Browsing's
 * rules: no fragment, no credentials, host dots trimmed and collapsed, the path fully unescaped,
 * dot segments resolved and slashes collapsed, and re-escaped the one canonical way.
 */
export function canonicalUrl(raw: string): CanonicalObservable {
  let text = raw.replace(/[\t\r\n]/g, '').trim();
  text = refang(text);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return fail(`'${clip(raw)}' is not a URL.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    fail(`Only http and https URLs can be reported, not ${u.protocol}`);
  const host = u.hostname.replace(/^\.+|\.+$/g, '').replace(/\.{2,}/g, '.');
  if (!host) fail(`'${clip(raw)}' has no host.`);
  const port = u.port ? `:${u.port}` : '';
  const path = escapeSb(canonicalPath(u.pathname));
  const query = u.search ? `?${escapeSb(unescapeFully(u.search.slice(1)))}` : '';
  return { kind: 'url', key: `${u.protocol}//${host}${port}${path}${query}` };
}

/** Undoes the usual defanging (hxxp, [.], (.), [:]) so a pasted defanged value can be reported. */
export function refang(s: string): string {
  return s
    .replace(/^hxxp/i, 'http')
    .replace(/\[\.\]|\(\.\)|\{\.\}/g, '.')
    .replace(/\[:\]/g, ':')
    .replace(/\[@\]/g, '@');
}

// ---- domains ------------------------------------------------------------------------------------

/** A host name in its ASCII (IDNA) form, lower case, without a trailing dot. */
export function asciiHost(raw: string): string {
  const host = domainToASCII(refang(raw.trim()).replace(/\.$/, '').toLowerCase());
  if (!host || !/^[a-z0-9.-]+$/.test(host) || host.length > 253) fail(`'${clip(raw)}' is not a domain name.`);
  return host;
}

/**
 * The registrable domain of a host (public suffix + one label, private suffixes included:
 * scam.github.io stays scam.github.io), or undefined for an IP address or a bare suffix.
 */
export function registrableDomain(host: string): string | undefined {
  const p = parseDomain(host, { allowPrivateDomains: true });
  if (p.isIp) return undefined;
  return p.domain ?? undefined;
}

/** A reported domain: its registrable domain (what an attacker registers). */
export function canonicalDomain(raw: string): CanonicalObservable {
  const host = asciiHost(raw);
  const d = registrableDomain(host);
  if (!d) fail(`'${clip(raw)}' has no registrable domain (a public suffix or an IP address).`);
  return { kind: 'domain', key: d! };
}

// ---- e-mail -------------------------------------------------------------------------------------

export function canonicalEmail(raw: string): CanonicalObservable {
  const v = refang(raw.trim());
  const at = v.lastIndexOf('@');
  if (at < 1 || at === v.length - 1 || v.length > 254) fail(`'${clip(raw)}' is not an e-mail address.`);
  const local = v.slice(0, at).toLowerCase();
  if (!/^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/.test(local)) fail(`'${clip(raw)}' is not an e-mail address.`);
  return { kind: 'email', key: `${local}@${asciiHost(v.slice(at + 1))}` };
}

// ---- bank accounts ------------------------------------------------------------------------------

/** IBAN lengths by country (SWIFT's IBAN registry). */
const IBAN_LENGTH: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** ISO 13616: the country's length and the mod-97 check (the remainder must be 1). */
export function isValidIban(raw: string): boolean {
  const v = raw.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$/.test(v)) return false;
  if (IBAN_LENGTH[v.slice(0, 2)] !== v.length) return false;
  const moved = v.slice(4) + v.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const n = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of n) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}

export function canonicalIban(raw: string): CanonicalObservable {
  if (!isValidIban(raw)) fail(`'${clip(raw)}' is not a valid IBAN (its length or check digits are wrong).`);
  return { kind: 'iban', key: raw.replace(/[\s-]/g, '').toUpperCase() };
}

/** A domestic account number (no universal checksum): digits only, with the reporter's country. */
export function canonicalBankAccount(raw: string, region = 'CN'): CanonicalObservable {
  const v = raw.replace(/[\s-]/g, '');
  if (!/^[0-9]{6,34}$/.test(v)) fail(`'${clip(raw)}' is not a bank account number (6 to 34 digits).`);
  const country = isCountry(region) ? region.toUpperCase() : 'ZZ';
  return { kind: 'bank-account', key: `${country}:${v}`, country };
}

// ---- crypto wallets -----------------------------------------------------------------------------

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58Decode(s: string): Buffer | undefined {
  let n = 0n;
  for (const ch of s) {
    const i = B58.indexOf(ch);
    if (i < 0) return undefined;
    n = n * 58n + BigInt(i);
  }
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const body = n === 0n ? Buffer.alloc(0) : Buffer.from(hex, 'hex');
  const zeros = s.match(/^1*/)![0].length;
  return Buffer.concat([Buffer.alloc(zeros), body]);
}

/** Base58Check: the last 4 bytes are the first 4 of SHA-256(SHA-256(payload)). Returns the payload. */
export function base58Check(s: string): Buffer | undefined {
  const b = base58Decode(s);
  if (!b || b.length < 5) return undefined;
  const payload = b.subarray(0, -4);
  const sum = createHash('sha256').update(createHash('sha256').update(payload).digest()).digest();
  return sum.subarray(0, 4).equals(b.subarray(-4)) ? payload : undefined;
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function bech32Polymod(values: number[]): number {
  const G = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= G[i]!;
  }
  return chk >>> 0;
}

/** BIP 173 / BIP 350: a bech32 (witness v0) or bech32m (v1+) segwit address of `hrp`. */
export function isValidSegwit(addr: string, hrp = 'bc'): boolean {
  const s = addr.toLowerCase();
  if (addr !== s && addr !== addr.toUpperCase()) return false;
  const pos = s.lastIndexOf('1');
  if (pos < 1 || s.slice(0, pos) !== hrp || s.length > 90 || pos + 7 > s.length) return false;
  const data: number[] = [];
  for (const ch of s.slice(pos + 1)) {
    const i = BECH32.indexOf(ch);
    if (i < 0) return false;
    data.push(i);
  }
  const expand = [
    ...[...hrp].map((c) => c.charCodeAt(0) >> 5),
    0,
    ...[...hrp].map((c) => c.charCodeAt(0) & 31),
  ];
  const mod = bech32Polymod([...expand, ...data]);
  const version = data[0]!;
  return version === 0 ? mod === 1 : version <= 16 && mod === 0x2bc830a3;
}

/**
 * EIP-55: an Ethereum address written in mixed case carries a checksum in its letters' case (a
 * letter is upper case exactly when the matching nibble of Keccak-256 of the lower-case hex is 8 or
 * more). All lower or all upper case carries none and is accepted as it is.
 */
export function isValidEip55(address: string): boolean {
  const hex = address.slice(2);
  if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return true;
  const hash = keccak_256(hex.toLowerCase());
  for (let i = 0; i < 40; i++) {
    const c = hex[i]!;
    if (c >= '0' && c <= '9') continue;
    const nibble = (hash[i >> 1]! >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    if ((c === c.toUpperCase()) !== nibble >= 8) return false;
  }
  return true;
}

/**
 * A crypto wallet address with its chain: Bitcoin (Base58Check P2PKH/P2SH, bech32/bech32m),
 * TRON (Base58Check, version 0x41), Ethereum and EVM chains (0x + 40 hex, with the EIP-55
 * checksum when written in mixed case).
 */
export function canonicalWallet(raw: string): CanonicalObservable {
  const v = raw.trim();
  if (/^0x[0-9a-fA-F]{40}$/.test(v)) {
    if (!isValidEip55(v))
      fail(`'${clip(raw)}' is not a valid Ethereum address (its mixed-case EIP-55 checksum is wrong).`);
    return { kind: 'wallet', key: `eth:${v.toLowerCase()}` };
  }
  if (/^(bc1|BC1)[0-9A-Za-z]{8,87}$/.test(v)) {
    if (!isValidSegwit(v)) fail(`'${clip(raw)}' is not a valid Bitcoin address (its checksum is wrong).`);
    return { kind: 'wallet', key: `btc:${v.toLowerCase()}` };
  }
  if (/^[13][1-9A-HJ-NP-Za-km-z]{25,34}$/.test(v)) {
    const p = base58Check(v);
    if (p?.length !== 21 || (p[0] !== 0x00 && p[0] !== 0x05))
      fail(`'${clip(raw)}' is not a valid Bitcoin address (its checksum is wrong).`);
    return { kind: 'wallet', key: `btc:${v}` };
  }
  if (/^T[1-9A-HJ-NP-Za-km-z]{33}$/.test(v)) {
    const p = base58Check(v);
    if (p?.length !== 21 || p[0] !== 0x41)
      fail(`'${clip(raw)}' is not a valid TRON address (its checksum is wrong).`);
    return { kind: 'wallet', key: `trx:${v}` };
  }
  return fail(`'${clip(raw)}' is not a wallet address Bulwark knows (Bitcoin, Ethereum/EVM, TRON).`);
}

// ---- apps and social handles ------------------------------------------------------------------------

export function canonicalAppId(raw: string): CanonicalObservable {
  const v = raw.trim();
  if (/^id[0-9]{6,12}$/i.test(v)) return { kind: 'app-id', key: `ios:${v.toLowerCase()}` };
  if (/^[a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)+$/.test(v) && v.length <= 150)
    return { kind: 'app-id', key: `android:${v.toLowerCase()}` };
  return fail(
    `'${clip(raw)}' is not an app id (an Android package such as com.example.app or an App Store id such as id123456789).`,
  );
}

/** `platform:handle` (wechat:abc, telegram:@abc) or a bare handle; lower case, without '@'. */
export function canonicalSocialHandle(raw: string): CanonicalObservable {
  const v = raw.trim().toLowerCase();
  const m = /^(?:([a-z][a-z0-9-]{1,20}):)?@?([\p{L}\p{N}._-]{2,64})$/u.exec(v);
  if (!m) fail(`'${clip(raw)}' is not a social handle (platform:handle, e.g. telegram:@example).`);
  return { kind: 'social-handle', key: `${m![1] ?? 'any'}:${m![2]}` };
}

// ---- one entry point -------------------------------------------------------------------------------

/**
 * The canonical observable(s) of one reported value: a URL also yields its registrable domain
 * (derived, so campaigns meet on it; only an analyst promotes it, when the attacker registered it).
 */
export function canonicalize(kind: ObservableKind, value: string, region?: string): CanonicalObservable[] {
  const r = region?.slice(0, 2);
  switch (kind) {
    case 'phone':
      return [canonicalPhone(value, r)];
    case 'sender-id':
      return [canonicalSenderId(value, r)];
    case 'url': {
      const u = canonicalUrl(value);
      const d = registrableDomain(new URL(u.key).hostname);
      return d ? [u, { kind: 'domain', key: d, derived: true }] : [u];
    }
    case 'domain':
      return [canonicalDomain(value)];
    case 'email':
      return [canonicalEmail(value)];
    case 'iban':
      return [canonicalIban(value)];
    case 'bank-account':
      return [canonicalBankAccount(value, r)];
    case 'wallet':
      return [canonicalWallet(value)];
    case 'app-id':
      return [canonicalAppId(value)];
    case 'social-handle':
      return [canonicalSocialHandle(value)];
  }
}

// ---- defanging -----------------------------------------------------------------------------------

/** The form every page shows: a URL, domain or address that no viewer can click by mistake. */
export function defang(kind: ObservableKind, key: string): string {
  switch (kind) {
    case 'url':
      return key.replace(/^http/i, 'hxxp').replace(/\./g, '[.]').replace(/:\/\//, '[://]');
    case 'domain':
      return key.replace(/\./g, '[.]');
    case 'email':
      return key.replace('@', '[@]').replace(/\./g, '[.]');
    default:
      return key;
  }
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
