// The ledger's settings, read from the environment once at start (fails fast like the platform
// config). BULWARK_LEDGER_ORIGIN names the log (default: the public URL's host + /ledger);
// BULWARK_LEDGER_SECRET encrypts the stored signing key; BULWARK_LEDGER_WITNESSES lists the
// witness cosignature keys (type 0x04 vkeys) separated by commas or newlines.
import { ConfigError } from '../platform/config.ts';
import { parseWitnessKeys } from './cosignature.ts';
import { originFor } from './keys.ts';
import type { NoteVerifier } from './note.ts';

export interface LedgerConfig {
  origin: string;
  secret?: string;
  witnesses: NoteVerifier[];
  /** How often the sequencer looks for new entries when idle. */
  intervalMs: number;
  /** Most entries integrated in one transaction. */
  batchSize: number;
}

function int(name: string, raw: string | undefined, dflt: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return dflt;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max}, got '${raw}'`);
  }
  return Number(raw);
}

export function loadLedgerConfig(env: NodeJS.ProcessEnv, publicOrigin: string): LedgerConfig {
  const origin = env.BULWARK_LEDGER_ORIGIN || originFor(publicOrigin);
  if (/\s|\+/.test(origin))
    throw new ConfigError(`BULWARK_LEDGER_ORIGIN must have no spaces or '+', got '${origin}'`);
  let witnesses: NoteVerifier[];
  try {
    witnesses = parseWitnessKeys(
      (env.BULWARK_LEDGER_WITNESSES ?? '')
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter(Boolean),
    );
  } catch (err) {
    throw new ConfigError(`BULWARK_LEDGER_WITNESSES: ${(err as Error).message}`);
  }
  const secret = env.BULWARK_LEDGER_SECRET || undefined;
  if (secret !== undefined && secret.length < 16)
    throw new ConfigError('BULWARK_LEDGER_SECRET must be at least 16 characters');
  return {
    origin,
    secret,
    witnesses,
    intervalMs: int('BULWARK_LEDGER_INTERVAL_MS', env.BULWARK_LEDGER_INTERVAL_MS, 25, 1, 1000),
    batchSize: int('BULWARK_LEDGER_BATCH', env.BULWARK_LEDGER_BATCH, 4096, 1, 65_536),
  };
}
