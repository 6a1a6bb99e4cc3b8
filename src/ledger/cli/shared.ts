// What the `bulwark ledger ...` commands share: the verdict (exit 0 valid, 1 invalid with the
// reason, 2 bad input), key, hash and proof arguments, witnesses and quorum.
import { readFileSync } from 'node:fs';
import { type CommandIO, CommandFailure, type Flags, requireFlag, UsageError } from '../../platform/cli.ts';
import type { Database } from '../../platform/db/index.ts';
import { AuditError } from '../audit.ts';
import { parseWitnessKeys } from '../cosignature.ts';
import { HASH_BYTES, ProofError } from '../merkle.ts';
import { NoteError, type NoteVerifier, parseVerifierKey } from '../note.ts';
import { ReceiptError } from '../receipt.ts';
import type { LedgerService } from '../service.ts';

/** A failed verification: printed as `bulwark ledger ...: <message>`, exit status 1. */
export class Invalid extends CommandFailure {}

export function fail(prefix: string, err: unknown): never {
  if (
    err instanceof ProofError ||
    err instanceof NoteError ||
    err instanceof ReceiptError ||
    err instanceof AuditError
  ) {
    throw new Invalid(`${prefix}${err.message}`);
  }
  throw err;
}

export function hash(v: unknown, what: string): Buffer {
  if (typeof v !== 'string') throw new UsageError(`${what} must be a base64 string`);
  const b = Buffer.from(v, 'base64');
  if (b.length !== HASH_BYTES || b.toString('base64') !== v)
    throw new UsageError(`${what} must be the base64 of 32 bytes`);
  return b;
}

export function size(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new UsageError(`${what} must be a non-negative integer`);
  return v;
}

export function proofOf(v: unknown): Buffer[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new UsageError('proof must be an array of base64 hashes or null');
  return v.map((h, i) => hash(h, `proof[${i}]`));
}

export async function stdinJson(io: CommandIO<unknown>): Promise<Record<string, unknown>> {
  const text = await io.stdin();
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`stdin must hold one JSON object: ${(err as Error).message}`);
  }
}

export function keyArg(io: CommandIO<unknown>, flags: Flags, name: string): string {
  const v = requireFlag(flags, name);
  // A key or a file holding one.
  if (/^[^+\s]+\+[0-9a-f]{8}\+/.test(v) || v.startsWith('PRIVATE+KEY+')) return v;
  try {
    return readFileSync(io.path(v), 'utf8').trim();
  } catch {
    throw new UsageError(`--${name} is neither a key nor a readable file`);
  }
}

export function verifier(io: CommandIO<unknown>, flags: Flags, name = 'key'): NoteVerifier {
  try {
    return parseVerifierKey(keyArg(io, flags, name));
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

export function witnessesOf(flags: Flags): NoteVerifier[] {
  const list = flags.witness;
  const keys = Array.isArray(list) ? list : typeof list === 'string' ? [list] : [];
  try {
    return parseWitnessKeys(keys);
  } catch (err) {
    throw new UsageError(`--witness: ${(err as Error).message}`);
  }
}

export function quorumOf(flags: Flags): number {
  if (flags.quorum === undefined) return 0;
  const n = Number(flags.quorum);
  if (!Number.isInteger(n) || n < 0) throw new UsageError('--quorum must be a non-negative integer');
  return n;
}

/** Runs a command body, mapping failed verifications to status 1 with one line on stderr. */
export async function verdict(
  io: CommandIO<unknown>,
  name: string,
  body: () => Promise<string[]>,
): Promise<number> {
  try {
    for (const l of await body()) io.out(`${l}\n`);
    return 0;
  } catch (err) {
    if (err instanceof Invalid) {
      io.err(`bulwark ledger ${name}: INVALID: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

/** What the commands that read a database use of the application context. */
export type LedgerCommandContext = { ledger: LedgerService; db: Database };

export const WITNESS_OPTIONS = {
  witness: { type: 'string', multiple: true },
  quorum: { type: 'string' },
} as const;
