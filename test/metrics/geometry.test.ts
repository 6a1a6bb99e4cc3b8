// The region map's operator-supplied geometry (issue 13) on both databases: `bin/bulwark import
// geometry` (and the service under it) stores a GeoJSON FeatureCollection of the federation's
// regions, refuses a bad file as a whole (bad JSON, wrong type, unknown region, oversized) with a
// clear message and nothing stored, and GET /api/v1/metrics/map offers each caller the boundaries
// of its own tiles only (a province: its cities). Without a file the map is the tile grid alone.
// The fixture is synthetic: made-up rectangles for the demo regions, not real geography.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/access/index.ts';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { convertGeometry } from '../../src/metrics/import/geometry.ts';
import { localAdministrator } from '../../src/orgs/index.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, makeFederation } from '../incidents/support.ts';
import { bulwarkSync } from '../support/processes.ts';

const SYNTHETIC_GEOMETRY = join(import.meta.dirname, 'fixtures', 'demo-regions.synthetic.geojson');
const fixture = () => JSON.parse(readFileSync(SYNTHETIC_GEOMETRY, 'utf8'));

describe('the geometry converter', () => {
  const refuses = (input: string, pattern: RegExp, maxBytes?: number) =>
    assert.throws(
      () => convertGeometry(input, { file: 'f.geojson', maxBytes }),
      (e: Error) => pattern.test(e.message),
    );
  test('keeps one polygon geometry per region code and nothing else of the file', () => {
    const out = convertGeometry(readFileSync(SYNTHETIC_GEOMETRY), { file: 'demo.geojson' });
    assert.deepEqual(
      out.map((g) => g.region),
      ['BW-N', 'BW-S', 'BW-N-01', 'BW-N-02', 'BW-S-01', 'BW-S-02'],
    );
    assert.deepEqual(Object.keys(out[0]!.geometry).sort(), ['coordinates', 'type']);
  });
  test('refuses bad JSON, a wrong type, a bad feature, a duplicate and an oversized file', () => {
    refuses('{"type": "FeatureCollection", ', /JSON|json/);
    refuses(
      JSON.stringify({ type: 'Feature', properties: {}, geometry: null }),
      /not a GeoJSON FeatureCollection/,
    );
    refuses(JSON.stringify({ type: 'FeatureCollection', features: [] }), /non-empty array/);
    const doc = fixture();
    doc.features[1].properties.region = 'bw n';
    refuses(JSON.stringify(doc), /features\[1\]: property "region" must be a region code/);
    const dup = fixture();
    dup.features[1].properties.region = 'BW-N';
    refuses(JSON.stringify(dup), /region BW-N appears twice/);
    const point = fixture();
    point.features[2].geometry = { type: 'Point', coordinates: [0, 0] };
    refuses(JSON.stringify(point), /features\[2\] \(BW-N-01\): geometry must be a Polygon or a MultiPolygon/);
    const open = fixture();
    open.features[0].geometry.coordinates[0].pop();
    refuses(JSON.stringify(open), /not closed/);
    const far = fixture();
    far.features[0].geometry.coordinates[0][1] = [300, 1];
    refuses(JSON.stringify(far), /not a longitude and latitude/);
    refuses(readFileSync(SYNTHETIC_GEOMETRY, 'utf8'), /larger than 100 bytes/, 100);
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`operator-supplied region geometry on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let admin: Actor;
    let dir: string;
    const stored = async () =>
      Number(
        (await s.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM metric_region_geometry'))
          .rows[0]!.n,
      );

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db, {}, { demoRecords: true });
      admin = await localAdministrator(s.ctx.orgs);
      dir = mkdtempSync(join(tmpdir(), 'bulwark-geometry-'));
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('without a file the map has no geometry (tile grid only)', async () => {
      const map = await s.ctx.metrics.tileMap(admin);
      assert.equal(map.geometry, null);
    });

    test('a bad file is refused as a whole, naming what is wrong; nothing is stored', async () => {
      const unknown = fixture();
      unknown.features[3].properties.region = 'BW-Q-09';
      const opts = { file: 'bad.geojson', source: 'test', licence: 'CC0-1.0' };
      await assert.rejects(s.ctx.metrics.importGeometry(admin, JSON.stringify(unknown), opts), (e: Error) =>
        /region BW-Q-09 not in the federation.*nothing was stored/.test(e.message),
      );
      await assert.rejects(s.ctx.metrics.importGeometry(admin, '[1, 2', opts), /JSON/);
      await assert.rejects(
        s.ctx.metrics.importGeometry(admin, JSON.stringify({ type: 'GeometryCollection' }), opts),
        /not a GeoJSON FeatureCollection/,
      );
      // Only the local administrator (or a configured publisher) supplies reference data.
      const centre = (await s.ctx.orgs.root())!;
      const viewer = { ...admin, local: undefined, roles: ['viewer'], org: centre } as Actor;
      await assert.rejects(
        s.ctx.metrics.importGeometry(viewer, readFileSync(SYNTHETIC_GEOMETRY), opts),
        (e: { status?: number }) => e.status === 403,
      );
      assert.equal(await stored(), 0);
    });

    test('the command stores the file; each caller gets the boundaries of its own tiles only', async () => {
      // On PostgreSQL the command runs beside the server on its database; on PGlite (one process
      // per embedded database) the service it calls is run in-process.
      if (tdb.url) {
        const env = { DATABASE_URL: tdb.url };
        const big = join(dir, 'big.geojson');
        writeFileSync(big, Buffer.alloc(9 * 1024 * 1024, 32));
        const tooBig = bulwarkSync(['import', 'geometry', big, '--source', 's', '--licence', 'l'], { env });
        assert.notEqual(tooBig.code, 0);
        assert.match(tooBig.err, /limit|larger|too large/i);
        const bad = join(dir, 'bad.geojson');
        writeFileSync(bad, '{"type": "Topology"}');
        const refused = bulwarkSync(['import', 'geometry', bad, '--source', 's', '--licence', 'l'], { env });
        assert.notEqual(refused.code, 0);
        assert.match(refused.err, /not a GeoJSON FeatureCollection/);
        assert.equal(await stored(), 0);
        const r = bulwarkSync(
          [
            'import',
            'geometry',
            SYNTHETIC_GEOMETRY,
            '--source',
            'Synthetic test boundaries',
            '--licence',
            'CC0-1.0',
            '--json',
          ],
          { env },
        );
        assert.equal(r.code, 0, r.err);
        assert.equal(JSON.parse(r.out).regions, 6);
      } else {
        const r = await s.ctx.metrics.importGeometry(admin, readFileSync(SYNTHETIC_GEOMETRY), {
          file: 'demo-regions.synthetic.geojson',
          source: 'Synthetic test boundaries',
          licence: 'CC0-1.0',
        });
        assert.equal(r.regions, 6);
      }
      assert.equal(await stored(), 6);
      // The centre: the provinces' boundaries, beside its tiles, with source and licence.
      const centreToken = await s.token(s.orgId('National Cyber Security Coordination Centre'), 'viewer');
      const centre = await call(s, centreToken, 'GET', '/api/v1/metrics/map');
      assert.equal(centre.status, 200, JSON.stringify(centre.body));
      const g = centre.body.geometry;
      assert.equal(g.source, 'Synthetic test boundaries');
      assert.equal(g.licence, 'CC0-1.0');
      assert.deepEqual(
        g.featureCollection.features.map((f: { properties: { region: string } }) => f.properties.region),
        centre.body.tiles.map((t: { code: string }) => t.code),
      );
      assert.deepEqual(g.featureCollection.features[0].geometry, fixture().features[0].geometry);
      // A province's authority: its cities only, never the other province.
      const f = await makeFederation(s, 'BW-G');
      const provinceToken = await s.token(s.orgId('Northern Province Cyber Office'), 'viewer');
      const north = await call(s, provinceToken, 'GET', '/api/v1/metrics/map');
      assert.equal(north.status, 200, JSON.stringify(north.body));
      assert.deepEqual(
        north.body.geometry.featureCollection.features.map(
          (x: { properties: { region: string } }) => x.properties.region,
        ),
        ['BW-N-01', 'BW-N-02'],
      );
      // A province whose regions have no geometry: tile grid only.
      const other = await call(s, await f.token(f.province, 'viewer'), 'GET', '/api/v1/metrics/map');
      assert.equal(other.body.geometry, null);
      // A second file replaces the first as a whole.
      const one = fixture();
      one.features = one.features.slice(0, 2);
      await s.ctx.metrics.importGeometry(admin, JSON.stringify(one), {
        file: 'two.geojson',
        source: 'Second',
        licence: 'CC0-1.0',
      });
      assert.equal(await stored(), 2);
      const again = await call(s, provinceToken, 'GET', '/api/v1/metrics/map');
      assert.equal(again.body.geometry, null);
    });
  });
}
