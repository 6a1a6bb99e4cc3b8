// `ledger audit` against tampered storage: a changed entry or tile in the database is named with
// a clear message, by the auditor over the public tiles and by the local check of a database.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AuditError, auditLog, type LogSource } from '../../src/ledger/audit.ts';
import { commitRecord, ledgerSettings } from '../../src/ledger/index.ts';
import { parseVerifierKey } from '../../src/ledger/note.ts';
import { LedgerService } from '../../src/ledger/service.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import type { Database } from '../../src/platform/db/types.ts';
import { isAppError } from '../../src/platform/errors.ts';
import { createLogger } from '../../src/platform/log.ts';
import { testDatabaseKinds } from '../../src/platform/testing.ts';

const root = new URL('../../', import.meta.url).pathname;

/** The ledger on a database; its key-encryption key lives in `dataDir`, as the server's does. */
function ledgerOn(db: Database, dataDir = tmpdir()): LedgerService {
  const config = loadConfig(
    { NODE_ENV: 'test', BULWARK_LEDGER_ORIGIN: 'audit.test/ledger' },
    { dataDir, port: '8080' },
  );
  return new LedgerService({ db, log: createLogger('silent') }, ledgerSettings(config.ledger));
}

function sourceOf(ledger: LedgerService): LogSource {
  return {
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
}

async function fill(db: Database, n: number): Promise<void> {
  await db.transaction(async (tx) => {
    for (let i = 0; i < n; i++)
      await commitRecord(tx, { kind: 'report', id: `r-${i}`, version: 1, org: 'o', record: { i } });
  });
}

for (const kind of testDatabaseKinds()) {
  describe(`audit of tampered storage on ${kind.name}`, { skip: kind.skip }, () => {
    test('a changed entry, hash tile or upper tile is named; history rewrites are refused', async () => {
      const t = await kind.open();
      try {
        const ledger = ledgerOn(t.db);
        const key = parseVerifierKey(await ledger.verifierKey());
        await fill(t.db, 600);
        await ledger.integrateNow();
        const src = sourceOf(ledger);
        const ok = await auditLog(src, key, { full: true });
        assert.equal(ok.recomputed, 600);

        // An entry changed in a full entry bundle (a byte inverted: always a change, where writing a
        // fixed byte left it as it was once in 256 runs): its leaf no longer matches the level-0 tile.
        await t.db.query(
          `UPDATE ledger_entry_bundles SET data = set_byte(data, 39, get_byte(data, 39) # 255) WHERE tile_index = 1`,
        );
        await assert.rejects(auditLog(src, key, { full: true }), (err: Error) => {
          assert.ok(err instanceof AuditError);
          assert.match(
            err.message,
            /^entry 256 in tile\/entries\/001 does not hash to hash 0 of tile\/0\/001: the entry or the tile was changed$/,
          );
          return true;
        });
      } finally {
        await t.dispose();
      }
    });

    test('a changed hash tile breaks the signed root; a rollback is refused', async () => {
      const t = await kind.open();
      try {
        const ledger = ledgerOn(t.db);
        const key = parseVerifierKey(await ledger.verifierKey());
        await fill(t.db, 600);
        await ledger.integrateNow();
        const good = await auditLog(sourceOf(ledger), key);
        const root600 = good.checkpoint.checkpoint.root.toString('base64');
        await t.db.query(
          `UPDATE ledger_tiles SET data = set_byte(data, 9, get_byte(data, 9) # 255) WHERE level = 1`,
        );
        await assert.rejects(
          auditLog(sourceOf(ledger), key),
          /the tiles give root .* for size 600, not the signed root: a tile was changed/,
        );
        // A state file from a larger tree than the log now shows: the log shrank.
        await assert.rejects(
          auditLog(sourceOf(ledger), key, {
            previous: { origin: 'audit.test/ledger', size: 601, root: root600, checkpoint: '' },
          }),
          /the log shrank from size 601 to 600/,
        );
      } finally {
        await t.dispose();
      }
    });

    test('a rewritten history (same size, other root) is not consistent with the state', async () => {
      const t = await kind.open();
      try {
        const ledger = ledgerOn(t.db);
        const key = parseVerifierKey(await ledger.verifierKey());
        await fill(t.db, 300);
        await ledger.integrateNow();
        const before = await auditLog(sourceOf(ledger), key);
        const previous = {
          origin: 'audit.test/ledger',
          size: 300,
          root: before.checkpoint.checkpoint.root.toString('base64'),
          checkpoint: '',
        };
        // A state remembering a different root at size 200 (a forked or rewritten history).
        const forged = { ...previous, root: Buffer.alloc(32, 9).toString('base64'), size: 200 };
        await assert.rejects(
          auditLog(sourceOf(ledger), key, { previous: forged }),
          /NOT consistent with the one of size 200/,
        );
        const ok = await auditLog(sourceOf(ledger), key, { previous });
        assert.equal(ok.consistentWith, 300);
      } finally {
        await t.dispose();
      }
    });
  });
}

describe('bulwark ledger audit --local', () => {
  test('names a stored entry that differs from the published one', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-audit-'));
    try {
      const db = await openDatabase({ dataDir: dir });
      const ledger = ledgerOn(db, dir);
      await ledger.verifierKey();
      await fill(db, 40);
      await ledger.integrateNow();
      await db.close();
      const run = () =>
        spawnSync(
          process.execPath,
          [join(root, 'bin/bulwark'), 'ledger', 'audit', '--local', '--data', dir],
          {
            encoding: 'utf8',
            env: { ...process.env, BULWARK_LEDGER_ORIGIN: 'audit.test/ledger' },
          },
        );
      const ok = run();
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /40 stored entries match the published entry bundles/);
      const db2 = await openDatabase({ dataDir: dir });
      await db2.query(
        `UPDATE ledger_commitments SET entry = set_byte(entry, 29, get_byte(entry, 29) # 255) WHERE record_id = 'r-7'`,
      );
      await db2.close();
      const bad = run();
      assert.equal(bad.status, 1);
      assert.match(
        bad.stderr,
        /INVALID: the stored entry of report r-7 v1 \(leaf 7\) differs from the published one in tile\/entries\/000\.p\/40/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
