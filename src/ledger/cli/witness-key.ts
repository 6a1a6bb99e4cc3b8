// `bulwark ledger witness-key`: Generate a witness key: prints the private key (keep it) and the
// cosignature verifier key (configure it on the log).
import { type CliCommand, parseFlags, requireFlag, UsageError } from '../../platform/cli.ts';
import {
  ed25519PrivateKey,
  ed25519RawPublicKey,
  formatVerifierKey,
  generateNoteKey,
  SIG_COSIGNATURE_V1,
} from '../note.ts';
import type { LedgerCommandContext } from './shared.ts';

export const witnessKeyCommand: CliCommand<LedgerCommandContext> = {
  usage: '--name NAME',
  database: false,
  summary:
    'Generate a witness key: prints the private key (keep it) and the cosignature verifier key (configure it on the log).',
  async run(argv, io) {
    const { flags } = parseFlags(argv, { name: { type: 'string' } });
    const name = requireFlag(flags, 'name');
    let k: ReturnType<typeof generateNoteKey>;
    try {
      k = generateNoteKey(name);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const pub = ed25519RawPublicKey(ed25519PrivateKey(k.seed));
    io.out(`private key: ${k.skey}\nverifier key: ${formatVerifierKey(name, SIG_COSIGNATURE_V1, pub)}\n`);
    return 0;
  },
};
