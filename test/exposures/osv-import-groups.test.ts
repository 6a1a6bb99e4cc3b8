// Issue 8 #7, an OSV archive must not hold the database for its whole length: its advisories are
// stored in groups (ADVISORIES_PER_TRANSACTION), each group its own transaction with the
// advisories' versions, ledger commitments and exposure changes. On both databases, through the
// real HTTP stack over a database whose transactions the test can pause or break:
//  - a request made while the import is paused after its first group is answered before the
//    import ends, and sees that group's advisories and none of the later ones;
//  - an import that fails in its second group answers a problem and leaves the first group whole
//    (advisory, version row and commitment for each entry) and nothing of the failed group or
//    those after it; sending the archive again stores the rest (the first group is unchanged);
//  - an archive with two versions of one id in different groups stores only the newest, once,
//    whichever comes first (the groups are stored as they arrive from the converter thread).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ADVISORIES_PER_TRANSACTION } from '../../src/advisories/service.ts';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import type { Database, Row, Tx } from '../../src/platform/db/types.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { makeZip } from '../fixtures/osv/make-zip.ts';
import { DEFAULT_OSV_GO_DIR } from '../support/synthetic-sbom.ts';
import { deferred } from '../support/wait.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests.
type Json = Record<string, any>;

/** What the test does after a committed transaction that stored advisory versions (its 1-based number). */
type GroupHook = (group: number) => Promise<void>;

/**
 * The database with two seams: a hook after each committed transaction that stored advisory
 * versions (the import's groups) and a hook after each statement inside a transaction, which may
 * throw to break that transaction.
 */
function withSeams(db: Database) {
  const seams: {
    afterGroup?: GroupHook;
    afterStatement?: (sql: string, group: number) => void;
    groups: number;
  } = { groups: 0 };
  const wrapped: Database = {
    dialect: db.dialect,
    query: (sql, params) => db.query(sql, params),
    exec: (sql) => db.exec(sql),
    onAfterCommitError: (report) => db.onAfterCommitError(report),
    close: () => db.close(),
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      let group = 0;
      const result = await db
        .transaction((tx) =>
          fn({
            inTransaction: true,
            query: async <R extends Row = Row>(sql: string, params?: readonly unknown[]) => {
              const r = await tx.query<R>(sql, params);
              if (sql.includes('INSERT INTO advisory_versions') && group === 0) group = seams.groups + 1;
              if (group > 0) seams.afterStatement?.(sql, group);
              return r;
            },
            exec: (sql) => tx.exec(sql),
            afterCommit: (hook) => tx.afterCommit(hook),
          }),
        )
        .catch((err: unknown) => {
          if (group > 0) seams.groups = group;
          throw err;
        });
      if (group > 0) {
        seams.groups = group;
        await seams.afterGroup?.(group);
      }
      return result;
    },
  };
  return { db: wrapped, seams };
}

/**
 * `count` OSV entries: the Go database's files under new ids `<prefix>-000000` …; `copies` puts,
 * at the given positions, another version of an id with the given `modified` time.
 */
function archive(
  prefix: string,
  count: number,
  copies: { at: number; id: number; modified: string }[] = [],
): Buffer {
  const files = readdirSync(DEFAULT_OSV_GO_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .slice(0, 50);
  const docs = files.map((f) => JSON.parse(readFileSync(join(DEFAULT_OSV_GO_DIR, f), 'utf8')) as Json);
  const entries = Array.from({ length: count }, (_, i) => {
    const id = `${prefix}-${String(i).padStart(6, '0')}`;
    return { name: `${id}.json`, data: JSON.stringify({ ...docs[i % docs.length], id, aliases: [] }) };
  });
  for (const c of copies) {
    const id = `${prefix}-${String(c.id).padStart(6, '0')}`;
    const doc = { ...docs[c.id % docs.length], id, aliases: [], modified: c.modified };
    entries.splice(c.at, 0, { name: `copy-${c.at}/${id}.json`, data: JSON.stringify(doc) });
  }
  return makeZip(entries);
}

for (const kind of testDatabaseKinds()) {
  describe(`OSV archive import in groups on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let seams: ReturnType<typeof withSeams>['seams'];
    let centre: string;
    // Two full groups and part of a third.
    const count = ADVISORIES_PER_TRANSACTION * 2 + 100;

    async function request(path: string, init: RequestInit = {}) {
      const r = await fetch(`${s.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${centre}`, ...(init.headers ?? {}) },
      });
      const text = await r.text();
      return {
        status: r.status,
        type: r.headers.get('content-type'),
        body: (text ? JSON.parse(text) : {}) as Json,
      };
    }
    const upload = (zip: Buffer) =>
      request('/api/v1/advisories', {
        method: 'POST',
        headers: { 'content-type': 'application/zip' },
        body: new Uint8Array(zip),
      });

    /** Rows of the archive's entries: advisories, their version rows, their ledger commitments. */
    async function stored(prefix: string) {
      const q = async (sql: string) => (await tdb.db.query<{ n: number }>(sql, [`${prefix}-%`])).rows[0]!.n;
      return {
        advisories: await q('SELECT count(*)::int AS n FROM advisories WHERE id LIKE $1'),
        versions: await q('SELECT count(*)::int AS n FROM advisory_versions WHERE advisory_id LIKE $1'),
        commitments: await q(
          `SELECT count(*)::int AS n FROM ledger_commitments WHERE record_kind = 'advisory' AND record_id LIKE $1`,
        ),
      };
    }

    before(async () => {
      tdb = await kind.open();
      const seamed = withSeams(tdb.db);
      seams = seamed.seams;
      s = await startTestServer(seamed.db);
      centre = await s.token(s.orgId('National Cyber Security Coordination Centre'), 'analyst');
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('a request made between two groups is answered before the import ends and sees the committed group only', async () => {
      seams.groups = 0;
      const paused = deferred();
      const resume = deferred();
      seams.afterGroup = async (n) => {
        if (n !== 1) return;
        paused.resolve();
        await resume.promise;
      };
      let ended = false;
      const importing = upload(archive('GROUPS-PAUSE', count)).finally(() => {
        ended = true;
      });
      try {
        await paused.promise;
        const first = await request('/api/v1/advisories/GROUPS-PAUSE-000000');
        const last = await request(`/api/v1/advisories/GROUPS-PAUSE-${String(count - 1).padStart(6, '0')}`);
        assert.equal(ended, false, 'the requests were answered while the import was paused');
        assert.equal(first.status, 200, 'the first group is committed and visible');
        assert.equal(last.status, 404, 'the last group is not stored yet');
        assert.deepEqual(await stored('GROUPS-PAUSE'), {
          advisories: ADVISORIES_PER_TRANSACTION,
          versions: ADVISORIES_PER_TRANSACTION,
          commitments: ADVISORIES_PER_TRANSACTION,
        });
      } finally {
        resume.resolve();
        seams.afterGroup = undefined;
      }
      const done = await importing;
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal(done.body.created, count);
      assert.equal(seams.groups, 3, 'three groups, three transactions');
      assert.deepEqual(await stored('GROUPS-PAUSE'), {
        advisories: count,
        versions: count,
        commitments: count,
      });
    });

    test('a failure in the second group leaves the first whole and nothing of the rest; sending again stores the rest', async () => {
      seams.groups = 0;
      // Broken after the second group's advisories and versions are written, before its commitments.
      seams.afterStatement = (sql, group) => {
        if (group === 2 && sql.includes('INSERT INTO advisory_versions')) throw new Error('injected failure');
      };
      const zip = archive('GROUPS-FAIL', count);
      let failed: Awaited<ReturnType<typeof upload>>;
      try {
        failed = await upload(zip);
      } finally {
        seams.afterStatement = undefined;
      }
      assert.equal(failed.status, 500);
      assert.match(failed.type ?? '', /^application\/problem\+json/);
      assert.deepEqual(await stored('GROUPS-FAIL'), {
        advisories: ADVISORIES_PER_TRANSACTION,
        versions: ADVISORIES_PER_TRANSACTION,
        commitments: ADVISORIES_PER_TRANSACTION,
      });
      const again = await upload(zip);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.unchanged, ADVISORIES_PER_TRANSACTION);
      assert.equal(again.body.created, count - ADVISORIES_PER_TRANSACTION);
      assert.deepEqual(await stored('GROUPS-FAIL'), {
        advisories: count,
        versions: count,
        commitments: count,
      });
    });

    for (const order of ['older first', 'newer first'] as const)
      test(`two versions of one id in different groups (${order}): only the newest is stored, once`, async () => {
        seams.groups = 0;
        const prefix = order === 'older first' ? 'GROUPS-DUP-A' : 'GROUPS-DUP-B';
        // Both newer than entry 7's own version (a Go file's), which comes in the first group too.
        const older = new Date(Date.now() - 2 * 86_400_000).toISOString();
        const newer = new Date(Date.now() - 86_400_000).toISOString();
        // Entry 7 comes first at `older` (`newer`), its other version beyond the second group.
        const [first, second] = order === 'older first' ? [older, newer] : [newer, older];
        const late = ADVISORIES_PER_TRANSACTION * 2 + 10;
        const zip = archive(prefix, count, [
          { at: 0, id: 7, modified: first },
          { at: late, id: 7, modified: second },
        ]);
        const done = await upload(zip);
        assert.equal(done.status, 200, JSON.stringify(done.body));
        assert.equal(done.body.read, count + 2, 'every entry read, the superseded ones too');
        assert.equal(done.body.created, count, 'one advisory per id');
        assert.equal(done.body.updated, 0, 'no id stored twice');
        assert.equal(done.body.unchanged, 0);
        assert.deepEqual(await stored(prefix), { advisories: count, versions: count, commitments: count });
        const id = `${prefix}-000007`;
        const rows = await tdb.db.query<{ version: number; modified: string }>(
          'SELECT version, modified FROM advisory_versions WHERE advisory_id = $1',
          [id],
        );
        assert.equal(rows.rows.length, 1);
        assert.equal(rows.rows[0]!.version, 1);
        assert.equal(new Date(rows.rows[0]!.modified).toISOString(), new Date(newer).toISOString());
        const shown = await request(`/api/v1/advisories/${id}`);
        assert.equal(shown.body.modified, new Date(newer).toISOString());
      });
  });
}
