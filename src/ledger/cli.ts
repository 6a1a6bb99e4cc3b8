// `bulwark ledger ...`: offline verifiers (inclusion, consistency, receipts), the auditor, and a
// witness that cosigns another Bulwark instance's checkpoints after checking consistency.
import { readFileSync } from 'node:fs';
import {
  type CliCommand,
  type CommandIO,
  CommandFailure,
  type Flags,
  parseFlags,
  requireFlag,
  UsageError,
} from '../platform/cli.ts';
import type { Database } from '../platform/db/index.ts';
import { isAppError } from '../platform/errors.ts';
import {
  type AuditState,
  auditLog,
  AuditError,
  httpLogSource,
  type LogSource,
  readState,
  writeState,
} from './audit.ts';
import { cosignCheckpoint, parseWitnessKeys } from './cosignature.ts';
import { HASH_BYTES, ProofError, verifyConsistency, verifyInclusion } from './merkle.ts';
import {
  ed25519PrivateKey,
  ed25519RawPublicKey,
  formatVerifierKey,
  generateNoteKey,
  NoteError,
  type NoteVerifier,
  parseSignerKey,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
} from './note.ts';
import { ReceiptError, verifyReceipt } from './receipt.ts';
import { commitmentsByLeaf } from './repo.ts';
import type { LedgerService } from './service.ts';
import { decodeEntryBundle, TILE_WIDTH, tilePath } from './tiles.ts';

/** A failed verification: printed as `bulwark ledger ...: <message>`, exit status 1. */
class Invalid extends CommandFailure {}

function fail(prefix: string, err: unknown): never {
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

function hash(v: unknown, what: string): Buffer {
  if (typeof v !== 'string') throw new UsageError(`${what} must be a base64 string`);
  const b = Buffer.from(v, 'base64');
  if (b.length !== HASH_BYTES || b.toString('base64') !== v)
    throw new UsageError(`${what} must be the base64 of 32 bytes`);
  return b;
}

function size(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new UsageError(`${what} must be a non-negative integer`);
  return v;
}

function proofOf(v: unknown): Buffer[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new UsageError('proof must be an array of base64 hashes or null');
  return v.map((h, i) => hash(h, `proof[${i}]`));
}

async function stdinJson(io: CommandIO<unknown>): Promise<Record<string, unknown>> {
  const text = await io.stdin();
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`stdin must hold one JSON object: ${(err as Error).message}`);
  }
}

function keyArg(io: CommandIO<unknown>, flags: Flags, name: string): string {
  const v = requireFlag(flags, name);
  // A key or a file holding one.
  if (/^[^+\s]+\+[0-9a-f]{8}\+/.test(v) || v.startsWith('PRIVATE+KEY+')) return v;
  try {
    return readFileSync(io.path(v), 'utf8').trim();
  } catch {
    throw new UsageError(`--${name} is neither a key nor a readable file`);
  }
}

function verifier(io: CommandIO<unknown>, flags: Flags, name = 'key'): NoteVerifier {
  try {
    return parseVerifierKey(keyArg(io, flags, name));
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

function witnessesOf(flags: Flags): NoteVerifier[] {
  const list = flags.witness;
  const keys = Array.isArray(list) ? list : typeof list === 'string' ? [list] : [];
  try {
    return parseWitnessKeys(keys);
  } catch (err) {
    throw new UsageError(`--witness: ${(err as Error).message}`);
  }
}

function quorumOf(flags: Flags): number {
  if (flags.quorum === undefined) return 0;
  const n = Number(flags.quorum);
  if (!Number.isInteger(n) || n < 0) throw new UsageError('--quorum must be a non-negative integer');
  return n;
}

/** Runs a command body, mapping failed verifications to status 1 with one line on stderr. */
async function verdict(io: CommandIO<unknown>, name: string, body: () => Promise<string[]>): Promise<number> {
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

const WITNESS_OPTIONS = { witness: { type: 'string', multiple: true }, quorum: { type: 'string' } } as const;

export const ledgerCommands: Record<string, CliCommand<LedgerCommandContext>> = {
  'ledger verify-inclusion': {
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
  },

  'ledger verify-consistency': {
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
  },

  'ledger verify-receipt': {
    usage: 'FILE --key VKEY [--entry FILE] [--witness VKEY ... --quorum N]',
    database: false,
    summary: 'Verify a receipt (C2SP tlog-proof) offline against the log key (and witnesses).',
    async run(argv, io) {
      const { flags, positionals } = parseFlags(
        argv,
        { key: { type: 'string' }, entry: { type: 'string' }, ...WITNESS_OPTIONS },
        true,
      );
      if (positionals.length !== 1) throw new UsageError('give exactly one receipt FILE (- for stdin)');
      const key = verifier(io, flags);
      const file = positionals[0]!;
      const text = file === '-' ? await io.stdin() : readFileSync(io.path(file), 'utf8');
      const entry = typeof flags.entry === 'string' ? readFileSync(io.path(flags.entry)) : undefined;
      return verdict(io, 'verify-receipt', async () => {
        try {
          const v = verifyReceipt(text, key, {
            entry,
            witnesses: witnessesOf(flags),
            quorum: quorumOf(flags),
          });
          return [
            `valid: entry ${v.receipt.index} is in ${v.checkpoint.origin} at size ${v.checkpoint.size}`,
            ...(v.cosignatures.length ? [`cosigned by ${v.cosignatures.map((c) => c.name).join(', ')}`] : []),
            ...(v.entry ? [`entry: ${v.entry.toString('utf8')}`] : []),
          ];
        } catch (err) {
          fail('', err);
        }
      });
    },
  },

  'ledger audit': {
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
  },

  'ledger witness': {
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
  },

  'ledger witness-key': {
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
  },

  'ledger key': {
    usage: '[--data DIR]',
    database: true,
    summary: "Print the log's verifier key (also served at /ledger/key).",
    async run(argv, io) {
      parseFlags(argv, {});
      const ctx = await io.open();
      io.out(`${await ctx.ledger.verifierKey()}\n`);
      return 0;
    },
  },
};
