// `bulwark ledger verify-receipt`: checks a receipt (C2SP tlog-proof) offline against the log's key
// (and witnesses); with --metadata, the receipts API's answer for the record, also that the
// receipt's opaque entry commits to that metadata with that salt (issue 8: the public entry shows
// only sha256(salt ‖ metadata), the owner holds the rest).
import { readFileSync } from 'node:fs';
import { type CliCommand, parseFlags, UsageError } from '../../platform/cli.ts';
import { canonicalJson, LedgerEntryError, metadataBytes, metadataOf, parseMetadata } from '../entry.ts';
import { verifyReceipt } from '../receipt.ts';
import {
  fail,
  Invalid,
  verifier,
  witnessesOf,
  quorumOf,
  verdict,
  type LedgerCommandContext,
  WITNESS_OPTIONS,
} from './shared.ts';

export const verifyReceiptCommand: CliCommand<LedgerCommandContext> = {
  usage: 'FILE --key VKEY [--entry FILE] [--metadata FILE] [--witness VKEY ... --quorum N]',
  database: false,
  summary: 'Verify a receipt (C2SP tlog-proof) offline against the log key (and witnesses).',
  async run(argv, io) {
    const { flags, positionals } = parseFlags(
      argv,
      {
        key: { type: 'string' },
        entry: { type: 'string' },
        metadata: { type: 'string' },
        ...WITNESS_OPTIONS,
      },
      true,
    );
    if (positionals.length !== 1) throw new UsageError('give exactly one receipt FILE (- for stdin)');
    const key = verifier(io, flags);
    const file = positionals[0]!;
    const text = file === '-' ? await io.stdin() : readFileSync(io.path(file), 'utf8');
    const entry = typeof flags.entry === 'string' ? readFileSync(io.path(flags.entry)) : undefined;
    const owner =
      typeof flags.metadata === 'string'
        ? readOwnerCopy(readFileSync(io.path(flags.metadata), 'utf8'))
        : undefined;
    return verdict(io, 'verify-receipt', async () => {
      try {
        const v = verifyReceipt(text, key, {
          entry,
          witnesses: witnessesOf(flags),
          quorum: quorumOf(flags),
        });
        const lines = [
          `valid: entry ${v.receipt.index} is in ${v.checkpoint.origin} at size ${v.checkpoint.size}`,
          ...(v.cosignatures.length ? [`cosigned by ${v.cosignatures.map((c) => c.name).join(', ')}`] : []),
          ...(v.entry ? [`entry: ${v.entry.toString('utf8')}`] : []),
        ];
        if (owner) {
          if (!v.entry) throw new Invalid('the receipt carries no entry to check the metadata against');
          let m: ReturnType<typeof metadataOf>;
          try {
            m = metadataOf(v.entry, owner.salt, owner.metadata);
          } catch (err) {
            if (err instanceof LedgerEntryError)
              throw new Invalid(`the metadata does not match the entry: ${err.message}`);
            throw err;
          }
          if (canonicalJson(m) !== owner.metadata.toString('utf8'))
            throw new Invalid('the metadata does not match the entry');
          lines.push(`metadata: ${m.kind} ${m.id} v${m.version} of ${m.org} at ${m.at}`);
        }
        return lines;
      } catch (err) {
        fail('', err);
      }
    });
  },
};

/** The receipts API's answer (or any JSON with its `entry` and `salt`): the owner's copy. */
function readOwnerCopy(text: string): { metadata: Buffer; salt: Buffer } {
  try {
    const v = JSON.parse(text) as { entry?: Record<string, unknown>; salt?: unknown };
    if (typeof v.salt !== 'string' || typeof v.entry !== 'object' || v.entry === null)
      throw new Error('it needs `entry` and `salt`, as GET /api/v1/ledger/receipts answers');
    const { at, commitment, id, kind, org, version } = v.entry;
    const metadata = metadataBytes({ at, commitment, id, kind, org, version } as Parameters<
      typeof metadataBytes
    >[0]);
    parseMetadata(metadata);
    return { metadata, salt: Buffer.from(v.salt, 'base64') };
  } catch (err) {
    throw new UsageError(`--metadata: ${(err as Error).message}`);
  }
}
