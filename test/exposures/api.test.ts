// The assets, advisories and exposures API through the real HTTP stack on both databases: uploads
// (CycloneDX, OSV JSON and zip, KEV), the shared access rules (an operator sees its own assets, a
// regulator its sector's, the centre everything; another operator's asset is 404), status changes,
// and hostile inputs that are refused with a clear problem and store nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { generateSyntheticCycloneDx } from '../support/synthetic-sbom.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { makeZip } from '../fixtures/osv/make-zip.ts';
import { goPurl, loadRawOsv, ReferenceMatcher } from './osv-reference.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests.
type Json = Record<string, any>;

async function call(
  s: TestServer,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: Json; type: string | null }> {
  const raw =
    body === undefined
      ? undefined
      : Buffer.isBuffer(body)
        ? new Blob([new Uint8Array(body)])
        : typeof body === 'string'
          ? body
          : JSON.stringify(body);
  const r = await fetch(`${s.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(raw !== undefined ? { 'content-type': contentType } : {}),
    },
    body: raw,
  });
  const text = await r.text();
  return {
    status: r.status,
    body: text ? (JSON.parse(text) as Json) : {},
    type: r.headers.get('content-type'),
  };
}

const raw = loadRawOsv();
const sbom = generateSyntheticCycloneDx(120, 42);
const modules = new Set(sbom.components.map((c) => c.name));
// The advisories of the modules in the SBOM, plus a few others.
const chosen = raw
  .filter((e) => e.affected?.some((a) => modules.has(a.package?.name ?? '')))
  .concat(raw.slice(0, 20));
const ref = new ReferenceMatcher(chosen);
const expectedCount = new Set(
  sbom.components.flatMap((c) => {
    const p = goPurl(c.purl)!;
    return ref.affecting(p.module, p.version).map((id) => `${p.module}@${p.version} ${id}`);
  }),
).size;

for (const kind of testDatabaseKinds()) {
  describe(`assets, advisories and exposures API on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let centre: string;
    let grid: string;
    let bank: string;
    let energyReg: string;
    let financeReg: string;
    let gridViewer: string;
    let gridAsset: string;

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      centre = await s.token(s.orgId('National Cyber Security Coordination Centre'), 'admin');
      grid = await s.token(s.orgId('Northport Power Grid'), 'analyst');
      gridViewer = await s.token(s.orgId('Northport Power Grid'), 'viewer');
      bank = await s.token(s.orgId('Northport Savings Bank'), 'admin');
      energyReg = await s.token(s.orgId('Energy Regulator'), 'analyst');
      financeReg = await s.token(s.orgId('Financial Regulator'), 'analyst');
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('operators may not import advisories; the centre imports OSV as a zip archive', async () => {
      const one = JSON.stringify(chosen[0]);
      const denied = await call(s, grid, 'POST', '/api/v1/advisories', one);
      assert.equal(denied.status, 403);
      assert.match(denied.type ?? '', /^application\/problem\+json/);
      const zip = makeZip(chosen.map((e) => ({ name: `osv/${e.id}.json`, data: JSON.stringify(e) })));
      const r = await call(s, centre, 'POST', '/api/v1/advisories', zip, 'application/zip');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.created, new Set(chosen.map((e) => e.id)).size);
      assert.deepEqual(r.body.failed, []);
    });

    test('an operator uploads a CycloneDX SBOM for its asset and gets exactly the expected exposures', async () => {
      const r = await call(
        s,
        grid,
        'POST',
        '/api/v1/sboms?asset=scada-gateway&criticality=critical',
        JSON.stringify(sbom),
        'application/vnd.cyclonedx+json',
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
      gridAsset = r.body.asset.id;
      assert.equal(r.body.asset.criticality, 'critical');
      assert.equal(r.body.sbom.componentCount, 120);
      assert.equal(r.body.exposures.opened, expectedCount);
      const list = await call(s, grid, 'GET', `/api/v1/exposures?asset=${gridAsset}&limit=500`);
      assert.equal(list.body.total, expectedCount);
      for (const e of list.body.items as Json[]) {
        assert.equal(e.assetName, 'scada-gateway');
        assert.match(e.purl, /^pkg:golang\/.+@v/);
        assert.equal(e.status, 'open');
      }
      const detail = await call(s, grid, 'GET', `/api/v1/assets/${gridAsset}/sbom`);
      assert.equal(detail.status, 200);
      assert.equal(detail.body.components.length, 120);
      assert.ok(detail.body.dependencies.direct.length > 0, 'the dependency graph is kept');
      assert.equal(
        detail.body.components.filter((c: Json) => c.relation === 'direct').length,
        detail.body.dependencies.direct.length,
      );
    });

    test('a second asset of the same name answers the asset-exists problem type', async () => {
      const r = await call(s, grid, 'POST', '/api/v1/assets', { name: 'scada-gateway' });
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.equal(r.body.type, 'https://bulwark.example/problems/asset-exists');
      assert.match(r.body.detail, /already has an asset named 'scada-gateway'/);
    });

    test('an SBOM upload is authorised before it is parsed', async () => {
      const garbage = '{"bomFormat": "CycloneDX", "specVersion": "9.9"';
      const path = `/api/v1/assets/${gridAsset}/sboms`;
      const viewer = await call(s, gridViewer, 'POST', path, garbage);
      assert.equal(viewer.status, 403, JSON.stringify(viewer.body));
      const stranger = await call(s, bank, 'POST', path, garbage);
      assert.equal(stranger.status, 404, JSON.stringify(stranger.body));
      assert.equal((await call(s, grid, 'POST', path, garbage)).status, 400);
    });

    test('access: own operator, sector regulator and centre see the asset; others get 404', async () => {
      for (const [who, token, status] of [
        ['operator', grid, 200],
        ['energy regulator', energyReg, 200],
        ['centre', centre, 200],
        ['another operator', bank, 404],
        ['another sector regulator', financeReg, 404],
      ] as const) {
        const r = await call(s, token, 'GET', `/api/v1/assets/${gridAsset}`);
        assert.equal(r.status, status, who);
        const exp = await call(s, token, 'GET', `/api/v1/exposures?asset=${gridAsset}`);
        assert.equal(exp.body.total, status === 200 ? expectedCount : 0, who);
        const assets = await call(s, token, 'GET', '/api/v1/assets');
        assert.equal(
          (assets.body.items as Json[]).some((a) => a.id === gridAsset),
          status === 200,
          who,
        );
      }
      const adv = (await call(s, grid, 'GET', `/api/v1/exposures?asset=${gridAsset}&limit=1`)).body.items[0]
        .advisory;
      const seen = await call(s, bank, 'GET', `/api/v1/advisories/${adv}`);
      assert.equal(seen.status, 200, 'advisories are public to signed-in users');
      assert.equal(
        seen.body.modified,
        '0001-01-01T00:00:00.000Z',
        "the Go database's zero time survives storage",
      );
      assert.equal(seen.body.exposureCount, 0, 'but not the assets of another operator');
      const centreView = await call(s, centre, 'GET', `/api/v1/advisories/${adv}`);
      assert.ok(centreView.body.exposures.some((e: Json) => e.asset === gridAsset));
    });

    test('making an asset internet-facing and critical infrastructure re-ranks its exposures', async () => {
      const before = (await call(s, grid, 'GET', `/api/v1/exposures?asset=${gridAsset}&limit=1`)).body
        .items[0] as Json;
      assert.equal(
        (await call(s, energyReg, 'PATCH', `/api/v1/assets/${gridAsset}`, { domains: ['scada.example'] }))
          .status,
        403,
      );
      const r = await call(s, grid, 'PATCH', `/api/v1/assets/${gridAsset}`, {
        domains: ['scada.grid.example'],
        addresses: ['192.0.2.10'],
        criticalInfrastructure: true,
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.internetFacing, true);
      const afterRank = (await call(s, grid, 'GET', `/api/v1/exposures/${before.id}`)).body;
      assert.equal(afterRank.priority, before.priority + 11, 'one criticality step and internet-facing');
      assert.ok(afterRank.due < before.due, 'critical infrastructure gets less time');
      assert.equal(afterRank.revision, before.revision + 1);
      assert.equal(
        (await call(s, grid, 'PATCH', `/api/v1/assets/${gridAsset}`, { addresses: ['not-an-ip'] })).status,
        400,
      );
    });

    test('an SPDX 2.3 document imports too', async () => {
      const spdx = readFileSync(new URL('../fixtures/sbom/spdx-2.3.json', import.meta.url));
      const r = await call(s, grid, 'POST', '/api/v1/sboms?asset=spdx-app', spdx, 'application/spdx+json');
      assert.equal(r.status, 201, JSON.stringify(r.body).slice(0, 300));
      assert.equal(r.body.sbom.format, 'SPDX');
    });

    test('status changes: bulk, all or nothing, by those who may write', async () => {
      const items = (await call(s, grid, 'GET', `/api/v1/exposures?asset=${gridAsset}&limit=3`)).body
        .items as Json[];
      const ids = items.map((e) => e.id);
      assert.equal(
        (await call(s, bank, 'PATCH', `/api/v1/exposures/${ids[0]}`, { status: 'mitigated' })).status,
        404,
      );
      assert.equal(
        (await call(s, energyReg, 'PATCH', `/api/v1/exposures/${ids[0]}`, { status: 'mitigated' })).status,
        403,
      );
      assert.equal(
        (await call(s, gridViewer, 'PATCH', `/api/v1/exposures/${ids[0]}`, { status: 'mitigated' })).status,
        403,
      );
      const mixed = await call(s, grid, 'POST', '/api/v1/exposures/status', {
        ids: [...ids, '00000000-0000-4000-8000-000000000000'],
        status: 'acknowledged',
      });
      assert.equal(mixed.status, 404);
      const still = await call(s, grid, 'GET', `/api/v1/exposures/${ids[0]}`);
      assert.equal(still.body.status, 'open', 'nothing changed');
      const ok = await call(s, grid, 'POST', '/api/v1/exposures/status', {
        ids,
        status: 'accepted_risk',
        note: 'air-gapped',
      });
      assert.equal(ok.status, 200);
      assert.deepEqual(
        (ok.body.items as Json[]).map((e) => [e.status, e.note]),
        ids.map(() => ['accepted_risk', 'air-gapped']),
      );
      const filtered = await call(
        s,
        energyReg,
        'GET',
        '/api/v1/exposures?status=accepted_risk&sector=energy',
      );
      assert.equal(filtered.body.total, 3);
      const byRegion = await call(s, centre, 'GET', '/api/v1/exposures?region=BW-S');
      assert.equal(byRegion.body.total, 0);
      const resolvedByHand = await call(s, grid, 'PATCH', `/api/v1/exposures/${ids[0]}`, {
        status: 'resolved',
      });
      assert.equal(resolvedByHand.status, 422);
    });

    test('hostile and malformed uploads get clear problems and store nothing', async () => {
      const count = async () => {
        const a = await call(s, centre, 'GET', '/api/v1/assets?limit=500');
        const h = await call(s, centre, 'GET', `/api/v1/assets/${gridAsset}/sboms`);
        const v = await call(s, centre, 'GET', '/api/v1/advisories?limit=1');
        return [a.body.total, h.body.items.length, v.body.total];
      };
      const before = await count();
      const bad = [
        ['broken JSON', '{"bomFormat": "CycloneDX", ', 'application/json', 400, /not valid JSON/],
        [
          'schema violation',
          { bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ type: 'library' }] },
          'application/json',
          422,
          /schema/,
        ],
        ['unknown format', { hello: 'world' }, 'application/json', 422, /Not a supported SBOM/],
        [
          'NUL in a name',
          {
            bomFormat: 'CycloneDX',
            specVersion: '1.6',
            components: [{ type: 'library', name: 'a\u0000b', version: '1' }],
          },
          'application/json',
          422,
          /NUL/,
        ],
        ['wrong media type', 'x', 'text/plain', 415, /Content-Type/],
        ['over 50 MB', Buffer.alloc(50 * 1024 * 1024 + 10, 0x20), 'application/json', 413, /52428800/],
      ] as const;
      for (const [what, body, type, status, message] of bad) {
        const r = await call(s, grid, 'POST', '/api/v1/sboms?asset=hostile', body, type);
        assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body).slice(0, 300)}`);
        assert.match(r.type ?? '', /^application\/problem\+json/, what);
        assert.match(r.body.detail, message, what);
      }
      const schema = await call(s, grid, 'POST', '/api/v1/sboms?asset=hostile', bad[1][1]);
      assert.ok(
        (schema.body.errors as Json[]).some((e) => e.pointer === '/components/0'),
        'schema errors point into the document',
      );
      const purl = await call(s, grid, 'POST', '/api/v1/sboms?asset=odd-purls', {
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        components: [
          { type: 'library', name: 'x', version: '1.0.0', purl: 'pkg:golang/%E0%A4%A@1' },
          { type: 'library', name: 'y', version: '1.0.0', purl: 'pkg:npm/%2e%2e%2f%2e%2e@1.0.0' },
          { type: 'library', name: 'z', version: '1.0.0', purl: 'not a purl' },
        ],
      });
      assert.equal(purl.status, 201, 'odd purls are warnings on their component, not a crash');
      assert.ok(purl.body.sbom.warnings.length >= 1);
      const traversal = makeZip([{ name: '../../etc/evil.json', data: JSON.stringify(chosen[0]) }]);
      const t = await call(s, centre, 'POST', '/api/v1/advisories', traversal, 'application/zip');
      assert.equal(t.status, 422, JSON.stringify(t.body));
      const brokenArray = await call(s, centre, 'POST', '/api/v1/advisories', '[{"id": "X", ');
      assert.equal(brokenArray.status, 400, JSON.stringify(brokenArray.body));
      const mixed = await call(s, centre, 'POST', '/api/v1/advisories', JSON.stringify([{ id: 'NOT-OSV' }]));
      assert.equal(mixed.status, 200);
      assert.equal(mixed.body.failed.length, 1, 'an invalid entry in an array is reported, not stored');
      assert.match(mixed.body.failed[0].message, /OSV/);
      const bomb = makeZip([{ name: 'bomb.json', data: Buffer.alloc(20 * 1024 * 1024, 0x20) }]);
      const b = await call(s, centre, 'POST', '/api/v1/advisories', bomb, 'application/zip');
      assert.equal(b.status, 422, JSON.stringify(b.body));
      const after = await count();
      assert.deepEqual(after, [before[0]! + 1, before[1], before[2]], 'only the odd-purls asset was added');
    });

    test('the OpenAPI document lists the endpoints; anonymous callers get 401', async () => {
      const doc = (await (await fetch(`${s.url}/api/openapi.json`)).json()) as Json;
      for (const p of [
        '/api/v1/assets',
        '/api/v1/assets/{id}/sboms',
        '/api/v1/sboms',
        '/api/v1/advisories',
        '/api/v1/advisories/{id}',
        '/api/v1/kev',
        '/api/v1/exposures',
        '/api/v1/exposures/{id}',
        '/api/v1/exposures/status',
        '/api/v1/exposures/rematch',
        '/api/v1/versions/compare',
      ])
        assert.ok(doc.paths[p], p);
      const problem = Object.values(doc.components.schemas as Json).find(
        (x: Json) => x.description === 'RFC 9457 problem details',
      ) as Json;
      const problemType = problem.properties.type.description as string;
      for (const slug of ['username-taken', 'root-exists', 'asset-exists', 'exposure-resolved'])
        assert.ok(problemType.includes(slug), `the Problem schema lists ${slug}`);
      for (const p of ['/api/v1/assets', '/api/v1/exposures', '/api/v1/advisories']) {
        assert.equal((await fetch(`${s.url}${p}`)).status, 401, p);
      }
      const anonUpload = await fetch(`${s.url}/api/v1/sboms?asset=x`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(anonUpload.status, 401);
    });

    test('versions compare over the API', async () => {
      const r = await call(s, grid, 'POST', '/api/v1/versions/compare', {
        ecosystem: 'PyPI',
        pairs: [
          ['1.0', '1.0.0'],
          ['1.0a1', '1.0'],
          ['2.0.post1', '2.0'],
        ],
      });
      assert.deepEqual(r.body.results, [0, -1, 1]);
      const bad = await call(s, grid, 'POST', '/api/v1/versions/compare', {
        ecosystem: 'Nope',
        pairs: [['1', '2']],
      });
      assert.equal(bad.status, 422);
    });
  });
}
