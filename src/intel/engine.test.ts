// The matcher's life cycle against both databases: a process follows its own indicator writes
// without reading the database back (the change counter of migration 0900), and learns of another
// process's writes from that counter at its next poll. Two engines on one database stand for two
// processes.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type TestDatabase, testDatabaseKinds } from '../platform/testing.ts';
import { IntelEngine } from './engine.ts';
import * as repo from './repo.ts';

/** The author organization of every indicator here (a write stores one organization's indicators). */
const ORG = randomUUID();

const indicator = (value: string, version = '2026-01-01T00:00:00.000Z'): repo.IndicatorRow => ({
  stixId: `indicator--${randomUUID()}`,
  version,
  name: null,
  pattern: `[ipv4-addr:value = '${value}']`,
  patternType: 'stix',
  validFrom: new Date('2026-01-01T00:00:00Z'),
  validUntil: null,
  revoked: false,
  confidence: null,
  orgId: ORG,
  authorUser: null,
  tlp: 1,
  shareOrgs: [],
  namedUsers: [],
});

for (const kind of testDatabaseKinds()) {
  describe(`intel matcher life cycle on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    before(async () => {
      tdb = await kind.open();
    });
    after(async () => {
      await tdb?.dispose();
    });

    /** Stores indicators as the ingest does: the engine follows them after the commit. */
    const write = (engine: IntelEngine | undefined, rows: repo.IndicatorRow[]) =>
      tdb.db.transaction(async (tx) => {
        const { changed, changes } = await repo.upsertIndicators(tx, rows);
        tx.afterCommit(() =>
          engine?.followLocalWrite(
            rows.filter((r) => changed.has(r.stixId)),
            changes,
          ),
        );
        return { changed, changes };
      });
    const hits = (engine: IntelEngine, value: string) =>
      engine.matcher.match([{ type: 'ipv4-addr', value }]).length;

    test('a local write is followed without a rebuild; another process learns of it from the counter', async () => {
      const here = new IntelEngine(tdb.db, async () => undefined);
      const there = new IntelEngine(tdb.db, async () => undefined);
      await here.rebuild();
      await there.rebuild();
      const before = await repo.indicatorChanges(tdb.db);

      const w = await write(here, [indicator('198.51.100.1'), indicator('198.51.100.2')]);
      assert.equal(w.changes, before + 1, 'one write, one step of the counter');
      assert.equal(await repo.indicatorChanges(tdb.db), before + 1);
      assert.equal(hits(here, '198.51.100.1'), 1, 'the writer matches its own indicator at once');
      assert.equal(await here.refreshIfChanged(), false, 'the writer needs no rebuild');

      assert.equal(hits(there, '198.51.100.1'), 0);
      assert.equal(await there.refreshIfChanged(), true, 'the other process sees the counter move');
      assert.equal(hits(there, '198.51.100.2'), 1, 'and has rebuilt with the new indicators');
      assert.equal(await there.refreshIfChanged(), false);
    });

    test('a write that stores nothing does not move the counter', async () => {
      const engine = new IntelEngine(tdb.db, async () => undefined);
      const row = indicator('198.51.100.3', '2026-02-01T00:00:00.000Z');
      await write(engine, [row]);
      await engine.rebuild();
      const before = await repo.indicatorChanges(tdb.db);
      const older = await write(engine, [{ ...row, version: '2026-01-15T00:00:00.000Z' }]);
      assert.equal(older.changed.size, 0);
      assert.equal(older.changes, null);
      assert.equal(await repo.indicatorChanges(tdb.db), before);
      assert.equal(await engine.refreshIfChanged(), false);
    });

    test('a local write that follows a write it did not see leaves the rebuild to the poll', async () => {
      const engine = new IntelEngine(tdb.db, async () => undefined);
      await engine.rebuild();
      // Another process writes first, then this one: the counter moved twice, this engine saw once.
      await write(undefined, [indicator('198.51.100.4')]);
      await write(engine, [indicator('198.51.100.5')]);
      assert.equal(hits(engine, '198.51.100.5'), 1);
      assert.equal(hits(engine, '198.51.100.4'), 0, "the other process's indicator is not known yet");
      assert.equal(await engine.refreshIfChanged(), true, 'so the poll rebuilds');
      assert.equal(hits(engine, '198.51.100.4'), 1);
      assert.equal(await engine.refreshIfChanged(), false);
    });
  });
}
