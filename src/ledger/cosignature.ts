// C2SP tlog-cosignature (Ed25519, type 0x04): a witness's timestamped statement that the
// checkpoint is the largest consistent tree head it has seen for the log. This module checks
// cosignatures against the configured witness keys and merges them into a checkpoint note.
import { CheckpointError, openCheckpoint } from './checkpoint.ts';
import {
  cosignatureSigner,
  cosignatureTime,
  type NoteSignature,
  type NoteVerifier,
  parseNote,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
  signNote,
} from './note.ts';

export class CosignatureError extends Error {
  override name = 'CosignatureError';
}

/** Parses configured witness verifier keys; each must be a type 0x04 cosignature key. */
export function parseWitnessKeys(vkeys: readonly string[]): NoteVerifier[] {
  return vkeys.map((k) => {
    const v = parseVerifierKey(k);
    if (v.type !== SIG_COSIGNATURE_V1)
      throw new CosignatureError(`witness key ${v.name} is not a cosignature (type 0x04) key`);
    return v;
  });
}

/** Makes the cosignature line of a witness over a checkpoint body. */
export function cosignCheckpoint(
  checkpointText: string,
  name: string,
  seed: Uint8Array,
  at: Date = new Date(),
): string {
  const signed = signNote(checkpointText, [cosignatureSigner(name, seed, () => at)]);
  return parseNote(signed).signatures[0]!.line;
}

/**
 * Checks cosignature lines for a checkpoint the log signed: each line must be by a configured
 * witness and verify over the checkpoint body, with a timestamp not in the future (plus skew).
 * Returns the verified signatures; throws CosignatureError for the first one that fails.
 */
export function verifyCosignatures(
  signedCheckpoint: string,
  lines: readonly string[],
  logKey: NoteVerifier,
  witnesses: readonly NoteVerifier[],
  now: Date = new Date(),
  skewSeconds = 300,
): NoteSignature[] {
  const { text } = openCheckpoint(signedCheckpoint, logKey);
  const out: NoteSignature[] = [];
  for (const line of lines) {
    let sig: NoteSignature;
    try {
      sig = parseNote(`${text}\n${line.trimEnd()}\n`).signatures[0]!;
    } catch (err) {
      throw new CosignatureError(`malformed cosignature line: ${(err as Error).message}`);
    }
    const w = witnesses.find((x) => x.name === sig.name && x.keyId.equals(sig.keyId));
    if (!w) throw new CosignatureError(`cosignature by ${sig.name} is not from a configured witness key`);
    if (!w.verify(Buffer.from(text, 'utf8'), sig.signature))
      throw new CosignatureError(`invalid cosignature by ${sig.name}`);
    if (cosignatureTime(sig) > now.getTime() / 1000 + skewSeconds) {
      throw new CosignatureError(`cosignature by ${sig.name} is dated in the future`);
    }
    out.push(sig);
  }
  return out;
}

/** The signed checkpoint with the given cosignature lines appended (the log's own line kept first). */
export function withCosignatures(signedCheckpoint: string, cosignatures: readonly NoteSignature[]): string {
  const { text, signatures } = parseNote(signedCheckpoint);
  const lines = [...signatures.map((s) => s.line)];
  for (const c of cosignatures) if (!lines.includes(c.line)) lines.push(c.line);
  if (lines.length > 100) throw new CheckpointError('a checkpoint carries at most 100 signatures');
  return `${text}\n${lines.map((l) => `${l}\n`).join('')}`;
}
