// `bulwark ledger witness`: Act as a witness for a Bulwark ledger: check the checkpoint's
// consistency with the last one seen, then cosign it.
import { type CliCommand, parseFlags, requireFlag, UsageError } from '../../platform/cli.ts';
import { auditLog, httpLogSource, readState, writeState } from '../audit.ts';
import { cosignCheckpoint } from '../cosignature.ts';
import { parseSignerKey } from '../note.ts';
import { Invalid, fail, keyArg, verifier, verdict, type LedgerCommandContext } from './shared.ts';

export const witnessCommand: CliCommand<LedgerCommandContext> = {
  usage: '--url URL --key VKEY --witness-key SKEY --state FILE',
  database: false,
  summary:
    "Act as a witness for a Bulwark ledger: check the checkpoint's consistency with the last one seen, then cosign it.",
  async run(argv, io) {
    const { flags } = parseFlags(argv, {
      url: { type: 'string' },
      key: { type: 'string' },
      'witness-key': { type: 'string' },
      state: { type: 'string' },
    });
    const url = requireFlag(flags, 'url').replace(/\/+$/, '');
    const key = verifier(io, flags);
    let witness: ReturnType<typeof parseSignerKey>;
    try {
      witness = parseSignerKey(keyArg(io, flags, 'witness-key'));
    } catch (err) {
      throw new UsageError(`--witness-key: ${(err as Error).message}`);
    }
    const statePath = io.path(requireFlag(flags, 'state'));
    return verdict(io, 'witness', async () => {
      const previous = readState(statePath);
      let report: Awaited<ReturnType<typeof auditLog>>;
      try {
        report = await auditLog(httpLogSource(url), key, { previous });
      } catch (err) {
        fail('refusing to cosign: ', err);
      }
      const cp = report.checkpoint.checkpoint;
      const line = cosignCheckpoint(report.checkpoint.text, witness.name, witness.seed);
      const res = await fetch(`${url}/api/v1/ledger/cosignatures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ treeSize: cp.size, cosignatures: [line] }),
      });
      if (!res.ok) throw new Invalid(`the log refused the cosignature: ${res.status} ${await res.text()}`);
      writeState(statePath, {
        origin: cp.origin,
        size: cp.size,
        root: cp.root.toString('base64'),
        checkpoint: report.checkpoint.text,
      });
      return [...report.lines, `cosigned ${cp.origin} at size ${cp.size} as ${witness.name}`];
    });
  },
};
