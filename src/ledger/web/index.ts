// A receipt verifier that runs in a browser (and in Node) with WebCrypto only: no node: imports,
// so the console bundles it. It checks a C2SP tlog-proof receipt against a log's verifier key:
// the Ed25519 note signature (type 0x01), the checkpoint, and the RFC 9162 §2.1.3.2 inclusion of
// the entry. The server-side verifiers (receipt.ts, merkle.ts) are the reference; tests hold the
// two to the same answers.
// It lives in its own folder, reached through this index.ts, because it is the one ledger module
// the console may import besides schemas (.dependency-cruiser.cjs, console-imports-only-schemas):
// browser-safe code, importing nothing.

export interface WebReceiptResult {
  origin: string;
  treeSize: number;
  index: number;
  /** The entry the receipt proves, as text (canonical JSON for Bulwark entries). */
  entry: string;
  /** Names of other signers on the checkpoint (witnesses), not verified here. */
  otherSigners: string[];
}

/** Bytes backed by an ArrayBuffer, as WebCrypto takes them. */
type Bytes = Uint8Array<ArrayBuffer>;

const enc = new TextEncoder();

function fromBase64(s: string, what: string): Bytes {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw new Error(`${what} is not valid base64`);
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function sha256(...parts: Uint8Array[]): Promise<Bytes> {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(len);
  let at = 0;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

const NODE = new Uint8Array([1]);

/** RFC 9162 §2.1.3.2, with WebCrypto SHA-256. Throws with the reason when the proof fails. */
export async function verifyInclusionWeb(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<void> {
  if (index >= size) throw new Error(`leaf index ${index} is not below tree size ${size}`);
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== 32) throw new Error('proof hashes are 32 bytes');
    if (sn === 0) throw new Error(`inclusion proof has ${proof.length} hashes, more than the tree needs`);
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(NODE, p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(NODE, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new Error(`inclusion proof has ${proof.length} hashes, fewer than the tree needs`);
  if (!equal(r, root)) throw new Error('inclusion proof does not lead to the root hash');
}

/** Parses a verifier key `name+hexid+base64(0x01||key)` and checks its key ID. */
export async function parseLogKeyWeb(
  vkey: string,
): Promise<{ name: string; keyId: Bytes; publicKey: Bytes }> {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  if (!m) throw new Error('the verifier key must be name+hexid+base64(type||key)');
  const raw = fromBase64(m[3]!, 'verifier key');
  if (raw.length !== 33 || raw[0] !== 0x01)
    throw new Error('the verifier key must be an Ed25519 (type 0x01) key');
  const keyId = (await sha256(enc.encode(`${m[1]}\n`), raw)).subarray(0, 4);
  const hex = [...keyId].map((b) => b.toString(16).padStart(2, '0')).join('');
  if (hex !== m[2]) throw new Error('the verifier key id does not match its key');
  return { name: m[1]!, keyId, publicKey: raw.subarray(1) };
}

/** Verifies a receipt (C2SP tlog-proof whose extra line holds the entry) against the log key. */
export async function verifyReceiptWeb(text: string, vkey: string): Promise<WebReceiptResult> {
  const key = await parseLogKeyWeb(vkey);
  const split = text.indexOf('\n\n');
  if (split < 0) throw new Error('the receipt has no blank line before its checkpoint');
  const head = text.slice(0, split).split('\n');
  const note = text.slice(split + 2);
  if (head[0] !== 'c2sp.org/tlog-proof@v1')
    throw new Error('the receipt must start with c2sp.org/tlog-proof@v1');
  let i = 1;
  let entry: Bytes | undefined;
  if (head[i]?.startsWith('extra ')) entry = fromBase64(head[i++]!.slice(6), 'extra data');
  const im = /^index (0|[1-9]\d*)$/.exec(head[i++] ?? '');
  if (!im) throw new Error('the receipt needs an "index N" line');
  const index = Number(im[1]);
  const proof = head.slice(i).map((l, k) => fromBase64(l, `proof line ${k + 1}`));
  if (!entry) throw new Error('the receipt carries no entry');

  // The signed note: text, blank line, signature lines "— name base64(keyid || sig)".
  const cut = note.lastIndexOf('\n\n');
  if (cut < 0 || !note.endsWith('\n')) throw new Error('the checkpoint is not a signed note');
  const body = note.slice(0, cut + 1);
  let signed = false;
  const otherSigners: string[] = [];
  for (const line of note.slice(cut + 2, -1).split('\n')) {
    const sm = /^— (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!sm) throw new Error('the checkpoint has a malformed signature line');
    const sig = fromBase64(sm[2]!, 'signature');
    if (sm[1] === key.name && equal(sig.subarray(0, 4), key.keyId)) {
      const k = await crypto.subtle.importKey('raw', key.publicKey, { name: 'Ed25519' }, false, ['verify']);
      if (!(await crypto.subtle.verify({ name: 'Ed25519' }, k, sig.subarray(4), enc.encode(body)))) {
        throw new Error(`invalid signature by ${key.name}`);
      }
      signed = true;
    } else {
      otherSigners.push(sm[1]!);
    }
  }
  if (!signed) throw new Error(`the checkpoint is not signed by ${key.name}`);
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3 || !/^(0|[1-9]\d*)$/.test(lines[1]!))
    throw new Error('the checkpoint body is malformed');
  if (lines[0] !== key.name)
    throw new Error(`the checkpoint origin ${lines[0]} is not the key's name ${key.name}`);
  const size = Number(lines[1]);
  const root = fromBase64(lines[2]!, 'root hash');
  if (root.length !== 32) throw new Error('the checkpoint root is not 32 bytes');
  await verifyInclusionWeb(index, size, await sha256(new Uint8Array([0]), entry), proof, root);
  return { origin: key.name, treeSize: size, index, entry: new TextDecoder().decode(entry), otherSigners };
}

/** What an entry commits to about its record (the receipts API's `entry`, without `v`). */
export interface WebEntryMetadata {
  at: string;
  commitment: string;
  id: string;
  kind: string;
  org: string;
  version: number;
}

/**
 * Whether a verified receipt's entry commits to this metadata with this salt: for an opaque entry
 * (v2, issue 8) sha256(salt ‖ RFC 8785 metadata) is its `c`; an older entry (v1) holds the
 * metadata itself. The metadata is written out in RFC 8785 form as the server writes it (sorted
 * keys, strings as JSON.stringify writes them, the version a safe integer).
 */
export async function entryCommitsToMetadata(
  entry: string,
  saltBase64: string,
  m: WebEntryMetadata,
): Promise<boolean> {
  let parsed: { c?: unknown; v?: unknown } & Record<string, unknown>;
  try {
    parsed = JSON.parse(entry) as typeof parsed;
  } catch {
    return false;
  }
  const json = `{"at":${JSON.stringify(m.at)},"commitment":${JSON.stringify(m.commitment)},"id":${JSON.stringify(m.id)},"kind":${JSON.stringify(m.kind)},"org":${JSON.stringify(m.org)},"version":${m.version}}`;
  if (parsed.v === 1)
    return (['at', 'commitment', 'id', 'kind', 'org', 'version'] as const).every((k) => parsed[k] === m[k]);
  if (parsed.v !== 2 || typeof parsed.c !== 'string') return false;
  const c = await sha256(fromBase64(saltBase64, 'salt'), enc.encode(json));
  let bin = '';
  for (const b of c) bin += String.fromCharCode(b);
  return btoa(bin) === parsed.c;
}
