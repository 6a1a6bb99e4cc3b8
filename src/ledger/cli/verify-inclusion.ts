// `bulwark ledger verify-inclusion`: Check an RFC 9162 inclusion proof read as JSON from stdin
// (hashes base64); exit 0 when valid.
import { type CliCommand, parseFlags } from '../../platform/cli.ts';
import { verifyInclusion } from '../merkle.ts';
import { fail, hash, size, proofOf, stdinJson, verdict, type LedgerCommandContext } from './shared.ts';

export const verifyInclusionCommand: CliCommand<LedgerCommandContext> = {
  usage: '< {"leafIdx","treeSize","root","leafHash","proof":[...]}',
  database: false,
  summary: 'Check an RFC 9162 inclusion proof read as JSON from stdin (hashes base64); exit 0 when valid.',
  async run(argv, io) {
    parseFlags(argv, {});
    const j = await stdinJson(io);
    return verdict(io, 'verify-inclusion', async () => {
      const idx = size(j.leafIdx, 'leafIdx');
      const n = size(j.treeSize, 'treeSize');
      try {
        verifyInclusion(idx, n, hash(j.leafHash, 'leafHash'), proofOf(j.proof), hash(j.root, 'root'));
      } catch (err) {
        fail('', err);
      }
      return [`valid: leaf ${idx} is in the tree of size ${n}`];
    });
  },
};
