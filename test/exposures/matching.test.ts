// The matching engine end to end on both databases: the whole Go vulnerability database and the
// KEV catalogue import completely; SBOMs produce exactly the exposures the OSV algorithm gives
// (expected answers from the independent reference in osv-reference.ts); SBOM versions resolve
// and reopen exposures; advisory updates and withdrawals change them; KEV sets flag and due date.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type AppContext, createContext } from '../../src/app/context.ts';
import { generateSyntheticCycloneDx } from '../support/synthetic-sbom.ts';
import { seedDemoIfEmpty, systemActor } from '../../src/orgs/demo.ts';
import type { Actor } from '../../src/access/index.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { goPurl, loadRawOsv, OSV_GO_DIR, ReferenceMatcher } from './osv-reference.ts';

const KEV_FILE = new URL('../../../shared/data/kev/known_exploited_vulnerabilities.json', import.meta.url)
  .pathname;
const GO_FIXTURE = new URL('../fixtures/sbom/cyclonedx-1.6-go.json', import.meta.url).pathname;

type Doc = { components: { purl?: string }[] };

function expected(ref: ReferenceMatcher, doc: Doc): Set<string> {
  const out = new Set<string>();
  for (const c of doc.components) {
    const p = c.purl ? goPurl(c.purl) : undefined;
    if (!p) continue;
    for (const id of ref.affecting(p.module, p.version)) out.add(`${p.module}@${p.version} ${id}`);
  }
  return out;
}

for (const kind of testDatabaseKinds()) {
  describe(`exposure matching on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let ctx: AppContext;
    let centre: Actor;
    let operator: string;
    const raw = loadRawOsv();
    const ref = new ReferenceMatcher(raw);

    async function active(assetName: string): Promise<Set<string>> {
      const assets = await ctx.assets.findByName(centre, assetName);
      const out = new Set<string>();
      for (let offset = 0; ; offset += 1000) {
        const { items } = await ctx.exposures.list(centre, {
          assets: assets.map((a) => a.id),
          status: ['open', 'acknowledged', 'mitigated', 'accepted_risk', 'false_positive'],
          limit: 1000,
          offset,
        });
        for (const e of items) out.add(`${e.package}@${e.version} ${e.advisory}`);
        if (items.length < 1000) return out;
      }
    }

    before(async () => {
      tdb = await kind.open();
      const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }, { dataDir: '/tmp' });
      ctx = await createContext(config, { db: tdb.db });
      await seedDemoIfEmpty(tdb.db, ctx.orgs, '/tmp', () => undefined);
      centre = systemActor((await ctx.orgs.root())!);
      operator = (await ctx.orgs.listOrgs(centre)).find((o) => o.name.startsWith('Northport Power Grid'))!.id;
    });
    after(async () => {
      await ctx?.close();
      await tdb?.dispose();
    });

    test('an SBOM imported before any advisory has no exposures', async () => {
      const r = await ctx.assets.importSbom(
        centre,
        { name: 'early', org: operator },
        JSON.stringify(generateSyntheticCycloneDx(150, 11)),
      );
      assert.equal(r.exposures.opened, 0);
    });

    test('the whole Go vulnerability database imports, and finds the components already deployed', async () => {
      const s = await ctx.advisories.importOsvPaths(centre, [OSV_GO_DIR]);
      assert.equal(s.failed.length, 0, JSON.stringify(s.failed.slice(0, 3)));
      assert.equal(s.created, raw.length);
      assert.equal(s.withdrawn, raw.filter((e) => e.withdrawn).length);
      const want = expected(ref, generateSyntheticCycloneDx(150, 11));
      assert.ok(want.size > 20, 'the synthetic SBOM is built to hit advisories');
      assert.equal(s.exposures.opened, want.size);
      assert.deepEqual(await active('early'), want);
      const again = await ctx.advisories.importOsvPaths(centre, [OSV_GO_DIR]);
      assert.equal(again.unchanged, raw.length, 'same `modified`: nothing changes');
      assert.equal(again.exposures.opened, 0);
    });

    test('a new SBOM produces exactly the exposures of the OSV algorithm, and tells the owner', async () => {
      const events: { org: string; count: number }[] = [];
      const stop = ctx.events.subscribe('exposure.opened', (e) => {
        events.push({ org: e.org, count: (e.data as { exposures: unknown[] }).exposures.length });
      });
      for (const [name, doc] of [
        ['synthetic-a', generateSyntheticCycloneDx(600, 3)],
        ['fixture-go', JSON.parse(readFileSync(GO_FIXTURE, 'utf8'))],
      ] as const) {
        const r = await ctx.assets.importSbom(centre, { name, org: operator }, JSON.stringify(doc));
        const want = expected(ref, doc as Doc);
        assert.equal(r.exposures.opened, want.size, name);
        assert.deepEqual(await active(name), want, name);
      }
      await new Promise((resolve) => setImmediate(resolve));
      stop();
      assert.equal(events.length, 2, 'one event per import for the owning organization');
      assert.ok(events.every((e) => e.org === operator && e.count > 0));
    });

    test('SBOM versions resolve exposures that go away and reopen them when the version comes back', async () => {
      const v1 = generateSyntheticCycloneDx(80, 21);
      const v2 = generateSyntheticCycloneDx(80, 22);
      await ctx.assets.importSbom(centre, { name: 'versions', org: operator }, JSON.stringify(v1));
      const first = await active('versions');
      const r2 = await ctx.assets.importSbom(centre, { name: 'versions', org: operator }, JSON.stringify(v2));
      const second = expected(ref, v2);
      assert.deepEqual(await active('versions'), second);
      const gone = [...first].filter((k) => !second.has(k)).length;
      assert.equal(r2.exposures.resolved, gone);
      const r3 = await ctx.assets.importSbom(centre, { name: 'versions', org: operator }, JSON.stringify(v1));
      assert.equal(r3.exposures.reopened, gone);
      assert.deepEqual(await active('versions'), first);
      // The same SBOM again changes nothing: no new ledger versions, no new due dates.
      const [asset] = await ctx.assets.findByName(centre, 'versions');
      const revisions = async () =>
        (await ctx.exposures.list(centre, { asset: asset!.id, limit: 1000 })).items
          .map((e) => `${e.id}:${e.revision}:${e.due}`)
          .sort();
      const before = await revisions();
      const r4 = await ctx.assets.importSbom(centre, { name: 'versions', org: operator }, JSON.stringify(v1));
      assert.deepEqual([r4.exposures.opened, r4.exposures.reopened, r4.exposures.resolved], [0, 0, 0]);
      assert.deepEqual(await revisions(), before);
      const sboms = await ctx.assets.listSboms(
        centre,
        (await ctx.assets.findByName(centre, 'versions'))[0]!.id,
      );
      assert.deepEqual(
        sboms.map((s) => s.seq),
        [4, 3, 2, 1],
      );
    });

    test('KEV marks exposures known-exploited with the catalogue due date and puts them first', async () => {
      const kev = JSON.parse(readFileSync(KEV_FILE, 'utf8')) as {
        vulnerabilities: { cveID: string; dueDate: string }[];
      };
      const due = new Map(kev.vulnerabilities.map((v) => [v.cveID, v.dueDate]));
      // An SBOM with a module version hit by an advisory whose CVE is in KEV.
      const hit = raw.find(
        (e) =>
          !e.withdrawn &&
          (e.aliases ?? []).some((a) => due.has(a)) &&
          e.affected?.[0]?.package?.ecosystem === 'Go',
      );
      assert.ok(hit, 'the Go database has advisories in KEV');
      const module = hit.affected![0]!.package!.name;
      const intro =
        hit.affected![0]!.ranges?.[0]?.events.find((e) => e.introduced && e.introduced !== '0')?.introduced ??
        '0.0.1';
      const version = `v${intro}`;
      const doc = {
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        version: 1,
        components: [{ type: 'library', name: module, version, purl: `pkg:golang/${module}@${version}` }],
      };
      await ctx.assets.importSbom(
        centre,
        { name: 'kev-target', org: operator, create: { criticality: 'critical' } },
        JSON.stringify(doc),
      );
      const s = await ctx.advisories.importKev(centre, readFileSync(KEV_FILE));
      assert.equal(s.entries, kev.vulnerabilities.length);
      const marked = raw.filter((e) => (e.aliases ?? []).some((a) => due.has(a))).length;
      assert.equal(s.advisoriesMarked, marked);
      const assets = await ctx.assets.findByName(centre, 'kev-target');
      const { items } = await ctx.exposures.list(centre, { assets: assets.map((a) => a.id), limit: 100 });
      const e = items.find((x) => x.advisory === hit.id);
      assert.ok(e, `${module}@${version} is affected by ${hit.id}`);
      assert.equal(e.kev, true);
      const cveDue = (hit.aliases ?? [])
        .map((a) => due.get(a))
        .filter(Boolean)
        .sort()[0];
      assert.equal(e.due, cveDue);
      const queue = await ctx.exposures.list(centre, { limit: 1 });
      assert.equal(queue.items[0]!.kev, true, 'known-exploited first');
    });

    test('an updated advisory (newer modified) and a withdrawal change exposures', async () => {
      const assets = await ctx.assets.findByName(centre, 'synthetic-a');
      const { items } = await ctx.exposures.list(centre, {
        assets: assets.map((a) => a.id),
        status: ['open'],
        limit: 1,
      });
      const target = items[0]!;
      const original = raw.find((e) => e.id === target.advisory)!;
      // Newer than the stored version, but not in the future (refused beyond a few minutes, issue 8 #1).
      const now = Date.now();
      const withdrawnAt = new Date(now).toISOString();
      const withdrawn = { ...original, modified: withdrawnAt, withdrawn: withdrawnAt };
      const before = await ctx.exposures.list(centre, {
        advisory: target.advisory,
        status: ['open'],
        limit: 1000,
      });
      const s = await ctx.advisories.importOsvUpload(centre, Buffer.from(JSON.stringify(withdrawn)), false);
      assert.equal(s.updated, 1);
      assert.equal(s.exposures.resolved, before.total);
      const afterW = await ctx.exposures.list(centre, {
        advisory: target.advisory,
        status: ['open'],
        limit: 10,
      });
      assert.equal(afterW.total, 0);
      const restored = { ...original, modified: new Date(now + 60_000).toISOString() };
      const s2 = await ctx.advisories.importOsvUpload(centre, Buffer.from(JSON.stringify(restored)), false);
      assert.equal(s2.exposures.reopened, before.total);
    });

    test('status changes are ledger versions; resolved cannot be set by hand', async () => {
      const { items } = await ctx.exposures.list(centre, { status: ['open'], limit: 2 });
      const changed = await ctx.exposures.setStatus(
        centre,
        items.map((i) => i.id),
        'acknowledged',
        'patch next window',
      );
      assert.deepEqual(
        changed.map((c) => [c.status, c.revision > items[0]!.revision - 1, c.note]),
        changed.map(() => ['acknowledged', true, 'patch next window']),
      );
      const commits = await tdb.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM ledger_commitments WHERE record_kind = 'exposure' AND record_id = $1",
        [items[0]!.id],
      );
      assert.equal(commits.rows[0]!.n, changed[0]!.revision);
      await assert.rejects(
        ctx.exposures.setStatus(centre, [items[0]!.id], 'resolved'),
        /cannot be set by hand/,
      );
    });

    test("another process's writes are picked up by refreshIfChanged", {
      skip: kind.name === 'pglite' ? 'an embedded database belongs to one process' : undefined,
    }, async () => {
      const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }, { dataDir: '/tmp' });
      const other = await createContext(config, { db: tdb.db });
      try {
        assert.equal(await ctx.exposures.refreshIfChanged(), false, 'nothing changed yet');
        const doc = generateSyntheticCycloneDx(30, 77);
        await other.assets.importSbom(centre, { name: 'from-elsewhere', org: operator }, JSON.stringify(doc));
        const [asset] = await ctx.assets.findByName(centre, 'from-elsewhere');
        assert.equal(ctx.exposures.index.componentsOf(asset!.id).length, 0, 'this process has not seen it');
        assert.equal(await ctx.exposures.refreshIfChanged(), true);
        assert.equal(
          ctx.exposures.index.componentsOf(asset!.id).length,
          new Set(doc.components.map((c) => c.purl)).size,
        );
      } finally {
        await other.close();
      }
    });

    test('a full rematch changes nothing when the index and the database agree', async () => {
      const r = await ctx.exposures.rematch(centre);
      assert.equal(r.opened + r.reopened + r.resolved + r.updated, 0);
      assert.ok(r.active > 0);
    });
  });
}
