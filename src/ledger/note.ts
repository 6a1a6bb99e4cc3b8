// C2SP signed-note: a text followed by a blank line and signature lines
// `— <key name> base64(4-byte key ID || signature)`. Ed25519 note signatures (type 0x01) and
// Ed25519 cosignatures (type 0x04, C2SP tlog-cosignature) are supported; the key ID is
// SHA-256(name || "\n" || type || public key)[:4]. Verifier keys are `name+hexid+base64(type||key)`;
// signer keys use the Go sumdb form `PRIVATE+KEY+name+hexid+base64(0x01||seed)`.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';

export const SIG_ED25519 = 0x01;
export const SIG_COSIGNATURE_V1 = 0x04;
const MAX_SIGNATURES = 100;
const SIG_PREFIX = '— ';

export class NoteError extends Error {
  override name = 'NoteError';
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: Buffer;
  /** Signs the note text (everything before the blank line, with its final newline). */
  sign(text: Buffer): Buffer;
}

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: Buffer;
  readonly type: number;
  readonly publicKey: Buffer;
  verify(text: Buffer, signature: Buffer): boolean;
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** The signature bytes after the key ID. */
  signature: Buffer;
  /** The whole signature line without its newline. */
  line: string;
}

/** True when the string has no lone surrogates, i.e. it is valid Unicode text. */
function wellFormed(s: string): boolean {
  return !/\p{Surrogate}/u.test(s);
}

/** A key name: non-empty, valid text, no whitespace and no `+`. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s\u0085+]/u.test(name) && wellFormed(name);
}

/** Decodes note bytes, refusing invalid UTF-8 (which a string could no longer show). */
export function decodeNote(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new NoteError('malformed note: not valid UTF-8');
  }
}

export function computeKeyId(name: string, type: number, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update('\n')
    .update(Buffer.from([type]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

export function ed25519PrivateKey(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new NoteError('an Ed25519 seed is 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
}

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new NoteError('an Ed25519 public key is 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
}

/** The raw 32-byte public key of an Ed25519 private key. */
export function ed25519RawPublicKey(key: KeyObject): Buffer {
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return Buffer.from(spki.subarray(spki.length - 32));
}

/** The message a type 0x04 cosignature signs: a header, the time, then the note text. */
export function cosignedMessage(text: Uint8Array, timestamp: bigint): Buffer {
  return Buffer.concat([Buffer.from(`cosignature/v1\ntime ${timestamp}\n`, 'utf8'), text]);
}

function checkName(name: string): void {
  if (!isValidKeyName(name))
    throw new NoteError(`key name ${JSON.stringify(name)} must be non-empty, without spaces or +`);
}

/** A note signer for an Ed25519 key (type 0x01). */
export function ed25519Signer(name: string, seed: Uint8Array): NoteSigner {
  checkName(name);
  const key = ed25519PrivateKey(seed);
  const keyId = computeKeyId(name, SIG_ED25519, ed25519RawPublicKey(key));
  return { name, keyId, sign: (text) => sign(null, text, key) };
}

/** A cosigner (type 0x04): signs with a timestamp, now unless given. */
export function cosignatureSigner(
  name: string,
  seed: Uint8Array,
  clock: () => Date = () => new Date(),
): NoteSigner {
  checkName(name);
  const key = ed25519PrivateKey(seed);
  const keyId = computeKeyId(name, SIG_COSIGNATURE_V1, ed25519RawPublicKey(key));
  return {
    name,
    keyId,
    sign(text) {
      const ts = BigInt(Math.floor(clock().getTime() / 1000));
      const t = Buffer.alloc(8);
      t.writeBigUInt64BE(ts);
      return Buffer.concat([t, sign(null, cosignedMessage(text, ts), key)]);
    },
  };
}

export function noteVerifier(name: string, type: number, publicKey: Uint8Array): NoteVerifier {
  checkName(name);
  const key = ed25519PublicKey(publicKey);
  const keyId = computeKeyId(name, type, publicKey);
  const pub = Buffer.from(publicKey);
  if (type === SIG_ED25519) {
    return {
      name,
      keyId,
      type,
      publicKey: pub,
      verify: (text, sig) => sig.length === 64 && verify(null, text, key, sig),
    };
  }
  if (type === SIG_COSIGNATURE_V1) {
    return {
      name,
      keyId,
      type,
      publicKey: pub,
      verify(text, sig) {
        if (sig.length !== 72) return false;
        const ts = sig.readBigUInt64BE(0);
        if (ts > 2n ** 63n - 1n) return false;
        return verify(null, cosignedMessage(text, ts), key, sig.subarray(8));
      },
    };
  }
  throw new NoteError(`signature type 0x${type.toString(16).padStart(2, '0')} is not supported`);
}

/** The timestamp of a type 0x04 cosignature, in POSIX seconds. */
export function cosignatureTime(sig: NoteSignature): number {
  if (sig.signature.length !== 72)
    throw new NoteError(`${sig.name}'s signature is not a timestamped cosignature`);
  return Number(sig.signature.readBigUInt64BE(0));
}

export function formatVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  checkName(name);
  const id = computeKeyId(name, type, publicKey).toString('hex');
  return `${name}+${id}+${Buffer.concat([Buffer.from([type]), publicKey]).toString('base64')}`;
}

function strictBase64(s: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return undefined;
  const b = Buffer.from(s, 'base64');
  return b.toString('base64') === s ? b : undefined;
}

/** Parses a verifier key `name+hexid+base64(type||key)` (type 0x01 or 0x04). */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const m = /^([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  if (!m) throw new NoteError('verifier key must be name+hexid+base64(type||key)');
  const [, name, hexId, b64] = m as unknown as [string, string, string, string];
  checkName(name);
  const raw = strictBase64(b64);
  if (!raw || raw.length < 2) throw new NoteError('verifier key has invalid base64');
  const type = raw[0]!;
  const key = raw.subarray(1);
  if (type !== SIG_ED25519 && type !== SIG_COSIGNATURE_V1) {
    throw new NoteError(`verifier key type 0x${type.toString(16).padStart(2, '0')} is not supported`);
  }
  if (key.length !== 32) throw new NoteError('verifier key must hold a 32-byte Ed25519 public key');
  if (computeKeyId(name, type, key).toString('hex') !== hexId)
    throw new NoteError('verifier key id does not match its key');
  return noteVerifier(name, type, key);
}

/** Formats an Ed25519 signer key in the Go sumdb form. */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  const s = ed25519Signer(name, seed);
  return `PRIVATE+KEY+${name}+${s.keyId.toString('hex')}+${Buffer.concat([Buffer.from([SIG_ED25519]), seed]).toString('base64')}`;
}

/** Parses `PRIVATE+KEY+name+hexid+base64(0x01||seed)`; returns the name and the seed. */
export function parseSignerKey(skey: string): { name: string; seed: Buffer; signer: NoteSigner } {
  const m = /^PRIVATE\+KEY\+([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(skey.trim());
  if (!m) throw new NoteError('signer key must be PRIVATE+KEY+name+hexid+base64(0x01||seed)');
  const [, name, hexId, b64] = m as unknown as [string, string, string, string];
  const raw = strictBase64(b64);
  if (raw?.length !== 33 || raw[0] !== SIG_ED25519)
    throw new NoteError('signer key must hold 0x01 and a 32-byte seed');
  const seed = raw.subarray(1);
  const signer = ed25519Signer(name, seed);
  if (signer.keyId.toString('hex') !== hexId) throw new NoteError('signer key id does not match its key');
  return { name, seed, signer };
}

/** A fresh Ed25519 key pair for `name`, as signer key, verifier key and seed. */
export function generateNoteKey(name: string): { skey: string; vkey: string; seed: Buffer } {
  const seed = randomBytes(32);
  const pub = ed25519RawPublicKey(ed25519PrivateKey(seed));
  return { skey: formatSignerKey(name, seed), vkey: formatVerifierKey(name, SIG_ED25519, pub), seed };
}

function checkText(text: string, what: string): void {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f) throw new NoteError(`${what} contains a control character`);
  }
  if (!wellFormed(text)) throw new NoteError(`${what} is not valid UTF-8 text`);
}

/** Signs `text` (which must end with a newline) with each signer; keeps `existing` lines of other keys. */
export function signNote(
  text: string,
  signers: readonly NoteSigner[],
  existing: readonly NoteSignature[] = [],
): string {
  if (!text.endsWith('\n')) throw new NoteError('note text must end with a newline');
  checkText(text, 'note text');
  const body = Buffer.from(text, 'utf8');
  const lines: string[] = [];
  const have = new Set(signers.map((s) => `${s.name}+${s.keyId.toString('hex')}`));
  for (const e of existing) if (!have.has(`${e.name}+${e.keyId.toString('hex')}`)) lines.push(e.line);
  for (const s of signers) {
    checkName(s.name);
    lines.push(`${SIG_PREFIX}${s.name} ${Buffer.concat([s.keyId, s.sign(body)]).toString('base64')}`);
  }
  return `${text}\n${lines.map((l) => `${l}\n`).join('')}`;
}

/** Splits a note into its text and signature lines without checking any signature. */
export function parseNote(note: string): { text: string; signatures: NoteSignature[] } {
  checkText(note, 'note');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n'))
    throw new NoteError('malformed note: signatures must end with a newline');
  const signatures: NoteSignature[] = [];
  for (const line of block.slice(0, -1).split('\n')) {
    if (!line.startsWith(SIG_PREFIX))
      throw new NoteError('malformed note: a signature line must start with "— "');
    const rest = line.slice(SIG_PREFIX.length);
    const sp = rest.indexOf(' ');
    const name = sp < 0 ? rest : rest.slice(0, sp);
    const b64 = sp < 0 ? '' : rest.slice(sp + 1);
    const raw = strictBase64(b64);
    if (!isValidKeyName(name) || !raw || raw.length < 5)
      throw new NoteError(`malformed note: bad signature line for ${name}`);
    if (signatures.length === MAX_SIGNATURES)
      throw new NoteError(`malformed note: more than ${MAX_SIGNATURES} signatures`);
    signatures.push({ name, keyId: raw.subarray(0, 4), signature: raw.subarray(4), line });
  }
  return { text, signatures };
}

/**
 * Opens a note: every signature by a known key (same name and key ID) must verify; signatures
 * by unknown keys are returned as unverified. Throws NoteError when the note is malformed, a
 * known key's signature is invalid, or no known key signed it.
 */
export function openNote(
  note: string,
  verifiers: readonly NoteVerifier[],
): { text: string; verified: NoteSignature[]; unverified: NoteSignature[] } {
  const { text, signatures } = parseNote(note);
  const body = Buffer.from(text, 'utf8');
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const sig of signatures) {
    const id = `${sig.name}+${sig.keyId.toString('hex')}`;
    const v = verifiers.find((x) => x.name === sig.name && x.keyId.equals(sig.keyId));
    if (!v) {
      if (!unverified.some((u) => u.line === sig.line)) unverified.push(sig);
      continue;
    }
    if (seen.has(id)) continue;
    seen.add(id);
    if (!v.verify(body, sig.signature)) throw new NoteError(`invalid signature for key ${id}`);
    verified.push(sig);
  }
  if (verified.length === 0) throw new NoteError('note has no verifiable signatures');
  return { text, verified, unverified };
}
