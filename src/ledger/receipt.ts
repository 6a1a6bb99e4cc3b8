// Receipts in the C2SP tlog-proof format: the entry's index, its inclusion proof and the signed
// checkpoint (with any cosignatures), verifiable offline with the log's public key. Bulwark puts
// the entry itself in the `extra` line so the receipt carries what its leaf hash is made of.
import { type Checkpoint, CheckpointError, openCheckpoint } from './checkpoint.ts';
import { HASH_BYTES, leafHash, ProofError, verifyInclusion } from './merkle.ts';
import type { NoteSignature, NoteVerifier } from './note.ts';

export const RECEIPT_HEADER = 'c2sp.org/tlog-proof@v1';

export class ReceiptError extends Error {
  override name = 'ReceiptError';
}

export interface Receipt {
  extra?: Buffer;
  index: number;
  proof: Buffer[];
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
}

export function formatReceipt(r: Receipt): string {
  if (!Number.isSafeInteger(r.index) || r.index < 0) throw new ReceiptError(`index ${r.index} is not valid`);
  const lines = [RECEIPT_HEADER];
  if (r.extra !== undefined) lines.push(`extra ${r.extra.toString('base64')}`);
  lines.push(`index ${r.index}`);
  for (const h of r.proof) {
    if (h.length !== HASH_BYTES) throw new ReceiptError('proof hashes are 32 bytes');
    lines.push(h.toString('base64'));
  }
  return `${lines.join('\n')}\n\n${r.checkpoint}`;
}

function b64Strict(s: string, what: string): Buffer {
  const b = Buffer.from(s, 'base64');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || b.toString('base64') !== s)
    throw new ReceiptError(`${what} is not valid base64`);
  return b;
}

export function parseReceipt(text: string): Receipt {
  const split = text.indexOf('\n\n');
  if (split < 0) throw new ReceiptError('receipt has no blank line before the checkpoint');
  const lines = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  if (lines[0] !== RECEIPT_HEADER) throw new ReceiptError(`receipt must start with ${RECEIPT_HEADER}`);
  let i = 1;
  let extra: Buffer | undefined;
  if (lines[i]?.startsWith('extra ')) extra = b64Strict(lines[i++]!.slice(6), 'extra data');
  const m = /^index (0|[1-9]\d*)$/.exec(lines[i++] ?? '');
  if (!m) throw new ReceiptError('receipt needs an "index N" line');
  const index = Number(m[1]);
  if (!Number.isSafeInteger(index)) throw new ReceiptError('receipt index is too large');
  const proof = lines.slice(i).map((l, k) => {
    const h = b64Strict(l, `proof line ${k + 1}`);
    if (h.length !== HASH_BYTES) throw new ReceiptError(`proof line ${k + 1} is not a 32-byte hash`);
    return h;
  });
  return { extra, index, proof, checkpoint };
}

export interface VerifiedReceipt {
  receipt: Receipt;
  checkpoint: Checkpoint;
  entry?: Buffer;
  cosignatures: NoteSignature[];
}

/**
 * Verifies a receipt offline: the checkpoint's log signature, the inclusion of the entry (the
 * `entry` given, else the receipt's extra data) at the index, and at least `quorum` valid
 * cosignatures from `witnesses`.
 */
export function verifyReceipt(
  text: string,
  logKey: NoteVerifier,
  opts: { entry?: Uint8Array; witnesses?: readonly NoteVerifier[]; quorum?: number } = {},
): VerifiedReceipt {
  const receipt = parseReceipt(text);
  let opened: ReturnType<typeof openCheckpoint>;
  try {
    opened = openCheckpoint(receipt.checkpoint, logKey, opts.witnesses ?? []);
  } catch (err) {
    if (err instanceof CheckpointError) throw new ReceiptError(err.message);
    throw err;
  }
  const entry = opts.entry ? Buffer.from(opts.entry) : receipt.extra;
  if (!entry) throw new ReceiptError('receipt carries no entry and none was given');
  if (opts.entry && receipt.extra && !receipt.extra.equals(entry))
    throw new ReceiptError('the entry given differs from the receipt');
  try {
    verifyInclusion(
      receipt.index,
      opened.checkpoint.size,
      leafHash(entry),
      receipt.proof,
      opened.checkpoint.root,
    );
  } catch (err) {
    if (err instanceof ProofError) throw new ReceiptError(`inclusion proof: ${err.message}`);
    throw err;
  }
  const quorum = opts.quorum ?? 0;
  if (opened.cosignatures.length < quorum) {
    throw new ReceiptError(
      `receipt has ${opened.cosignatures.length} witness cosignatures, ${quorum} required`,
    );
  }
  return { receipt, checkpoint: opened.checkpoint, entry, cosignatures: opened.cosignatures };
}
