// Issue 14, the asset owner's CycloneDX VEX export, through the real HTTP stack on both databases
// (and bin/bulwark export vex): the document is valid against the CycloneDX 1.6 JSON schema vendored
// in src/assets/sbom/schemas, says per exposure what its status means in CycloneDX's terms, is 404
// for another organization's asset, and importing it back changes no exposure.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { createAjv } from '../../src/formats/index.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';

// biome-ignore lint/suspicious/noExplicitAny: documents and bodies are read loosely in tests.
type Json = Record<string, any>;

const SCHEMAS = new URL('../../src/assets/sbom/schemas/', import.meta.url);
const schema = (f: string) => JSON.parse(readFileSync(new URL(f, SCHEMAS), 'utf8'));
const ajv = createAjv();
ajv.addSchema(schema('spdx.schema.json'));
ajv.addSchema(schema('jsf-0.82.schema.json'));
const validateCdx16 = ajv.compile(schema('bom-1.6.schema.json'));

function assertCycloneDx16(doc: unknown) {
  const ok = validateCdx16(doc);
  assert.ok(ok, JSON.stringify(validateCdx16.errors?.slice(0, 5)));
}

function osv(id: string, pkg: string, aliases: string[]): Json {
  return {
    schema_version: '1.6.0',
    id,
    modified: '2024-01-02T00:00:00Z',
    aliases,
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    affected: [
      {
        package: { ecosystem: 'npm', name: pkg },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '9.0.0' }] }],
      },
    ],
  };
}
const PACKAGES = ['vex-open', 'vex-ack', 'vex-fp', 'vex-na', 'vex-mitigated'];
const advisories = PACKAGES.map((p, i) => osv(`BWK-VEX-${i}`, p, [`CVE-2099-10${i}0`]));
const sbom = JSON.stringify({
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  version: 1,
  components: PACKAGES.map((n) => ({
    type: 'library',
    'bom-ref': n,
    name: n,
    version: '1.2.3',
    purl: `pkg:npm/${n}@1.2.3`,
  })),
});
const openVex = {
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://example.org/vex/bwk-1',
  author: 'Northport PSIRT',
  timestamp: '2024-02-01T00:00:00Z',
  version: 1,
  statements: [
    {
      vulnerability: { name: 'CVE-2099-1030' },
      products: [{ '@id': 'pkg:npm/vex-na@1.2.3' }],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      impact_statement: 'the parser is never called',
    },
  ],
};

async function call(s: TestServer, token: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${s.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  return {
    status: r.status,
    body: (text ? JSON.parse(text) : {}) as Json,
    type: r.headers.get('content-type'),
  };
}

for (const kind of testDatabaseKinds()) {
  describe(`CycloneDX VEX export of an asset on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let grid: string;
    let bank: string;
    let asset: string;
    const snapshot = async () => {
      const r = await call(s, grid, 'GET', `/api/v1/exposures?asset=${asset}&limit=100`);
      return new Map(
        (r.body.items as Json[]).map((e) => [
          e.package,
          { status: e.status, revision: e.revision, note: e.note, priority: e.priority, due: e.due },
        ]),
      );
    };

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      const centre = await s.token(s.orgId('National Cyber Security Coordination Centre'), 'admin');
      grid = await s.token(s.orgId('Northport Power Grid'), 'admin');
      bank = await s.token(s.orgId('Northport Savings Bank'), 'admin');
      assert.equal((await call(s, centre, 'POST', '/api/v1/advisories', advisories)).status, 200);
      const up = await fetch(`${s.url}/api/v1/sboms?asset=vex-plant`, {
        method: 'POST',
        headers: { authorization: `Bearer ${grid}`, 'content-type': 'application/vnd.cyclonedx+json' },
        body: sbom,
      });
      assert.equal(up.status, 201);
      asset = ((await up.json()) as Json).asset.id;
      const ids = new Map(
        ((await call(s, grid, 'GET', `/api/v1/exposures?asset=${asset}`)).body.items as Json[]).map((e) => [
          e.package,
          e.id,
        ]),
      );
      for (const [pkg, status, note] of [
        ['vex-ack', 'acknowledged', 'confirmed by the vendor'],
        ['vex-fp', 'false_positive', 'the package is vendored but never loaded'],
        ['vex-mitigated', 'mitigated', 'WAF rule 12 blocks the request'],
      ] as const) {
        const r = await call(s, grid, 'PATCH', `/api/v1/exposures/${ids.get(pkg)}`, { status, note });
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
      const vex = await call(s, grid, 'POST', '/api/v1/vex', openVex);
      assert.equal(vex.status, 200, JSON.stringify(vex.body));
      assert.equal(vex.body.notAffected, 1);
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('the export is CycloneDX 1.6 VEX: each exposure with its analysis, rating and component', async () => {
      const r = await call(s, grid, 'GET', `/api/v1/assets/${asset}/vex`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assertCycloneDx16(r.body);
      assert.equal(r.body.specVersion, '1.6');
      assert.equal(r.body.metadata.component.name, 'vex-plant');
      assert.equal(r.body.vulnerabilities.length, 5);
      const byRef = new Map((r.body.vulnerabilities as Json[]).map((v) => [v.affects[0].ref, v]));
      const of = (p: string) => byRef.get(`pkg:npm/${p}@1.2.3`)!;
      assert.deepEqual(of('vex-open').analysis, { state: 'in_triage' });
      assert.deepEqual(of('vex-ack').analysis, { state: 'exploitable', detail: 'confirmed by the vendor' });
      assert.deepEqual(of('vex-mitigated').analysis, {
        state: 'exploitable',
        response: ['workaround_available'],
        detail: 'WAF rule 12 blocks the request',
      });
      assert.equal(of('vex-fp').analysis.state, 'false_positive');
      assert.deepEqual(of('vex-na').analysis, {
        state: 'not_affected',
        justification: 'code_not_reachable',
        detail: 'the parser is never called',
      });
      assert.equal(of('vex-na').affects[0].versions[0].status, 'unaffected');
      assert.equal(of('vex-open').id, 'BWK-VEX-0');
      assert.deepEqual(of('vex-open').references, [{ id: 'CVE-2099-1000', source: { name: 'NVD' } }]);
      assert.deepEqual(of('vex-open').ratings[0], {
        score: 9.8,
        severity: 'critical',
        method: 'other',
        source: { name: 'BWK-VEX-0' },
      });
      assert.equal(r.body.components.length, 5);
      // The exported document as a whole is also refused by the schema when broken (the check can fail).
      assert.equal(validateCdx16({ ...r.body, specVersion: 1.6 }), false);
    });

    test("another organization's asset is 404; an unknown one too", async () => {
      const other = await call(s, bank, 'GET', `/api/v1/assets/${asset}/vex`);
      assert.equal(other.status, 404);
      assert.match(other.type ?? '', /^application\/problem\+json/);
      assert.equal(
        (await call(s, grid, 'GET', '/api/v1/assets/00000000-0000-4000-8000-000000000000/vex')).status,
        404,
      );
    });

    test('round trip: importing the export changes no exposure', async () => {
      const before = await snapshot();
      const doc = (await call(s, grid, 'GET', `/api/v1/assets/${asset}/vex`)).body;
      const r = await call(s, grid, 'POST', '/api/v1/vex', doc);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.format, 'cyclonedx');
      assert.equal(r.body.statements, 5);
      assert.equal(r.body.notAffected, 0);
      assert.deepEqual(await snapshot(), before);
    });
  });
}

describe('bin/bulwark export vex', () => {
  const BIN = new URL('../../bin/bulwark', import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-vex-cli-'));
  const data = join(dir, 'data');
  const run = (args: string[]) => {
    const r = spawnSync(BIN, [...args, '--data', data], {
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: 'silent' },
      timeout: 180_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  test('writes the asset’s exposures as CycloneDX 1.6 VEX; an unknown asset exits 1', () => {
    assert.equal(run(['org', 'create', '--root', '--name', 'Centre', '--region', 'TS']).code, 0);
    mkdirSync(join(dir, 'osv'));
    for (const a of advisories) writeFileSync(join(dir, 'osv', `${a.id}.json`), JSON.stringify(a));
    assert.equal(run(['import', 'osv', join(dir, 'osv')]).code, 0);
    writeFileSync(join(dir, 'sbom.json'), sbom);
    assert.equal(run(['import', 'sbom', join(dir, 'sbom.json'), '--asset', 'vex-plant']).code, 0);
    const out = join(dir, 'vex.cdx.json');
    const r = run(['export', 'vex', '--asset', 'vex-plant', '--out', out]);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    assertCycloneDx16(doc);
    assert.equal(doc.vulnerabilities.length, 5);
    assert.equal(run(['export', 'vex', '--asset', 'nowhere']).code, 1);
  });
});
