// `bulwark ledger audit`: Verify the checkpoint, its consistency with the last one seen (--state),
// and with --full recompute the tree from the tiles. --local checks a database directly, including
// the stored entries.
import { type CliCommand, parseFlags, requireFlag, UsageError } from '../../platform/cli.ts';
import { isAppError } from '../../platform/errors.ts';
import { type AuditState, auditLog, httpLogSource, type LogSource, readState, writeState } from '../audit.ts';
import { type NoteVerifier, parseVerifierKey } from '../note.ts';
import { commitmentsByLeaf } from '../repo.ts';
import { decodeEntryBundle, TILE_WIDTH, tilePath } from '../tiles.ts';
import {
  Invalid,
  fail,
  verifier,
  witnessesOf,
  quorumOf,
  verdict,
  type LedgerCommandContext,
  WITNESS_OPTIONS,
} from './shared.ts';

export const auditCommand: CliCommand<LedgerCommandContext> = {
  usage:
    '--url URL --key VKEY [--state FILE] [--full] [--witness VKEY ... --quorum N] | --local [--data DIR]',
  database: (argv) => argv.includes('--local'),
  summary:
    'Verify the checkpoint, its consistency with the last one seen (--state), and with --full recompute the tree from the tiles. --local checks a database directly, including the stored entries.',
  async run(argv, io) {
    const { flags } = parseFlags(argv, {
      url: { type: 'string' },
      key: { type: 'string' },
      state: { type: 'string' },
      full: { type: 'boolean' },
      local: { type: 'boolean' },
      ...WITNESS_OPTIONS,
    });
    const statePath = typeof flags.state === 'string' ? io.path(flags.state) : undefined;
    let src: LogSource;
    let key: NoteVerifier;
    let local: ((size: number) => Promise<string[]>) | undefined;
    if (flags.local) {
      const ctx = await io.open();
      const ledger = ctx.ledger;
      key = flags.key ? verifier(io, flags) : parseVerifierKey(await ledger.verifierKey());
      src = {
        checkpoint: () => ledger.checkpoint(),
        fetch: async (path) => {
          try {
            return await ledger.tile(path.replace(/^tile\//, ''));
          } catch (err) {
            if (isAppError(err) && err.status === 404) return undefined;
            throw err;
          }
        },
      };
      local = async (treeSize) => {
        // The stored entries (beside their salts) must be exactly the published ones.
        let checked = 0;
        for (let n = 0; n * TILE_WIDTH < treeSize; n++) {
          const width = Math.min(TILE_WIDTH, treeSize - n * TILE_WIDTH);
          const path = tilePath({ level: 'entries', index: n, width });
          const bundle = decodeEntryBundle((await src.fetch(path))!);
          const rows = await commitmentsByLeaf(ctx.db, n * TILE_WIDTH, width);
          for (const [i, e] of bundle.entries()) {
            const row = rows[i];
            const leaf = n * TILE_WIDTH + i;
            if (!row || row.leafIndex !== leaf)
              throw new Invalid(`no stored commitment has leaf index ${leaf}`);
            if (!row.entry.equals(e)) {
              throw new Invalid(
                `the stored entry of ${row.kind} ${row.id} v${row.version} (leaf ${leaf}) differs from the published one in ${path}`,
              );
            }
            checked++;
          }
        }
        return [`${checked} stored entries match the published entry bundles`];
      };
    } else {
      src = httpLogSource(requireFlag(flags, 'url'));
      key = verifier(io, flags);
    }
    return verdict(io, 'audit', async () => {
      let previous: AuditState | undefined;
      try {
        previous = statePath ? readState(statePath) : undefined;
      } catch (err) {
        throw new UsageError(`--state: ${(err as Error).message}`);
      }
      let report: Awaited<ReturnType<typeof auditLog>>;
      try {
        report = await auditLog(src, key, {
          previous,
          full: flags.full === true || flags.local === true,
          witnesses: witnessesOf(flags),
          quorum: quorumOf(flags),
        });
      } catch (err) {
        fail('', err);
      }
      const cp = report.checkpoint.checkpoint;
      const lines = [...report.lines, ...(local ? await local(cp.size) : [])];
      if (statePath) {
        writeState(statePath, {
          origin: cp.origin,
          size: cp.size,
          root: cp.root.toString('base64'),
          checkpoint: report.checkpoint.text,
        });
      }
      return [...lines, `ok: ${cp.origin} at size ${cp.size}`];
    });
  },
};
