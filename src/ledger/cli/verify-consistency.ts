// `bulwark ledger verify-consistency`: Check an RFC 9162 consistency proof read as JSON from stdin;
// exit 0 when valid.
import { type CliCommand, parseFlags } from '../../platform/cli.ts';
import { verifyConsistency } from '../merkle.ts';
import { fail, hash, size, proofOf, stdinJson, verdict, type LedgerCommandContext } from './shared.ts';

export const verifyConsistencyCommand: CliCommand<LedgerCommandContext> = {
  usage: '< {"size1","size2","root1","root2","proof":[...]}',
  database: false,
  summary: 'Check an RFC 9162 consistency proof read as JSON from stdin; exit 0 when valid.',
  async run(argv, io) {
    parseFlags(argv, {});
    const j = await stdinJson(io);
    return verdict(io, 'verify-consistency', async () => {
      const s1 = size(j.size1, 'size1');
      const s2 = size(j.size2, 'size2');
      try {
        verifyConsistency(s1, s2, hash(j.root1, 'root1'), hash(j.root2, 'root2'), proofOf(j.proof));
      } catch (err) {
        fail('', err);
      }
      return [`valid: the tree of size ${s2} extends the tree of size ${s1}`];
    });
  },
};
