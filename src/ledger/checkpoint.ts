// C2SP tlog-checkpoint: the signed tree head. The body is the origin line, the tree size in
// decimal, the base64 root hash, then optional extension lines; it is signed as a C2SP signed
// note by the log's Ed25519 key (whose name is the origin) and may carry witness cosignatures.
import { HASH_BYTES } from './merkle.ts';
import {
  NoteError,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  openNote,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  signNote,
} from './note.ts';

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export interface Checkpoint {
  /** The log's identity: a schemeless URL such as `bulwark.example/ledger`. */
  origin: string;
  size: number;
  root: Buffer;
  extensions: string[];
}

export function formatCheckpoint(c: Checkpoint): string {
  if (!c.origin || /[\n\r]/.test(c.origin) || c.origin !== c.origin.trim()) {
    throw new CheckpointError('origin must be one non-empty line without surrounding spaces');
  }
  if (!Number.isSafeInteger(c.size) || c.size < 0)
    throw new CheckpointError(`tree size ${c.size} is not valid`);
  if (c.root.length !== HASH_BYTES) throw new CheckpointError(`root hash must be ${HASH_BYTES} bytes`);
  for (const e of c.extensions) {
    if (!e || e.includes('\n')) throw new CheckpointError('extension lines must be non-empty single lines');
  }
  return [c.origin, String(c.size), c.root.toString('base64'), ...c.extensions].map((l) => `${l}\n`).join('');
}

/** Parses a checkpoint body (the note text, ending with a newline). */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new CheckpointError('checkpoint must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointError('checkpoint needs an origin, a size and a root hash line');
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (!origin) throw new CheckpointError('checkpoint origin is empty');
  if (!/^(0|[1-9]\d*)$/.test(sizeLine))
    throw new CheckpointError(`checkpoint size ${JSON.stringify(sizeLine)} is not a decimal number`);
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw new CheckpointError(`checkpoint size ${sizeLine} is too large`);
  const root = Buffer.from(rootLine, 'base64');
  if (root.length !== HASH_BYTES || root.toString('base64') !== rootLine) {
    throw new CheckpointError('checkpoint root hash is not the base64 of 32 bytes');
  }
  if (extensions.some((e) => e === ''))
    throw new CheckpointError('checkpoint extension lines must not be empty');
  return { origin, size, root, extensions };
}

/** Signs a checkpoint with the log's key; the key's name must be the origin. */
export function signCheckpoint(c: Checkpoint, logSigner: NoteSigner, existing: NoteSignature[] = []): string {
  if (logSigner.name !== c.origin)
    throw new CheckpointError(`the log key is named ${logSigner.name}, not the origin ${c.origin}`);
  return signNote(formatCheckpoint(c), [logSigner], existing);
}

export interface OpenedCheckpoint {
  checkpoint: Checkpoint;
  /** The note text (the checkpoint body) that was signed. */
  text: string;
  /** Cosignatures that verified against the given witness keys. */
  cosignatures: NoteSignature[];
  /** Signatures by keys that were not given. */
  unverified: NoteSignature[];
}

/**
 * Verifies a signed checkpoint: the log's Ed25519 signature must be present and valid and its
 * key name must be the origin; every signature by a given witness key must be valid.
 */
export function openCheckpoint(
  note: string,
  logKey: NoteVerifier,
  witnesses: readonly NoteVerifier[] = [],
): OpenedCheckpoint {
  if (logKey.type !== SIG_ED25519)
    throw new CheckpointError('the log key must be an Ed25519 (type 0x01) key');
  let opened: ReturnType<typeof openNote>;
  try {
    opened = openNote(note, [logKey, ...witnesses]);
  } catch (err) {
    if (err instanceof NoteError) throw new CheckpointError(`checkpoint signature: ${err.message}`);
    throw err;
  }
  if (!opened.verified.some((s) => s.name === logKey.name && s.keyId.equals(logKey.keyId))) {
    throw new CheckpointError(`checkpoint is not signed by the log key ${logKey.name}`);
  }
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== logKey.name) {
    throw new CheckpointError(
      `checkpoint origin ${checkpoint.origin} is not the log key's name ${logKey.name}`,
    );
  }
  const cosignatures = opened.verified.filter((s) =>
    witnesses.some((w) => w.type === SIG_COSIGNATURE_V1 && w.name === s.name && w.keyId.equals(s.keyId)),
  );
  return { checkpoint, text: opened.text, cosignatures, unverified: opened.unverified };
}
