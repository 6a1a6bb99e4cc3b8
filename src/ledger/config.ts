// The ledger's settings as the service uses them: the section src/platform/config.ts parsed at
// start (origin, secret, intervals), with the witnesses' keys turned into verifiers. A bad key
// stops the process when the application context is built, naming BULWARK_LEDGER_WITNESSES.
import { ConfigError, type LedgerSection } from '../platform/config.ts';
import { parseWitnessKeys } from './cosignature.ts';
import type { NoteVerifier } from './note.ts';

export interface LedgerConfig {
  origin: string;
  secret?: string;
  /** The key-encryption key's file, used when no secret is set (keys.ts). */
  kekFile: string;
  witnesses: NoteVerifier[];
  /** How often the sequencer looks for new entries when idle. */
  intervalMs: number;
  /** Most entries integrated in one transaction. */
  batchSize: number;
}

export function ledgerSettings(section: LedgerSection): LedgerConfig {
  let witnesses: NoteVerifier[];
  try {
    witnesses = parseWitnessKeys(section.witnessKeys);
  } catch (err) {
    throw new ConfigError(`BULWARK_LEDGER_WITNESSES: ${(err as Error).message}`);
  }
  const { origin, secret, kekFile, intervalMs, batchSize } = section;
  return { origin, secret, kekFile, witnesses, intervalMs, batchSize };
}
