// Issue 14, CSAF 2.0 advisories onto components: a vendor's document is imported (API on both
// databases, and bin/bulwark) as one advisory per vulnerability; known_affected products whose
// purl names a version open exposures on the components running them, fixed ones do not, and a
// later revision that moves a product to fixed resolves its exposure. The specification's own
// example (products named by CPE only) opens exposures on components that carry those CPEs
// (CycloneDX component.cpe, SPDX cpe23Type), and product_version_range (vers and the legacy form)
// becomes a range in the product's ecosystem order (generic for CPEs). An invalid
// document is refused naming the failed mandatory test and the JSON pointer, and stores nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';

// biome-ignore lint/suspicious/noExplicitAny: documents and bodies are read loosely in tests.
type Json = Record<string, any>;

const EXAMPLE = new URL('../../../shared/data/csaf/examples/bsi-2022-0001.json', import.meta.url);
const example = (): Json => JSON.parse(readFileSync(EXAMPLE, 'utf8'));

/** The specification's example as a vendor would publish it with purls: npm package csaf-demo-converter. */
function vendorDocument(revision: 1 | 2): Json {
  const doc = example();
  const versions = doc.product_tree.branches[0].branches[0].branches;
  for (const b of versions)
    b.product.product_identification_helper = {
      ...b.product.product_identification_helper,
      purl: `pkg:npm/csaf-demo-converter@${b.name}`,
    };
  doc.document.tracking.id = 'BWK-CSAF-DEMO-1';
  if (revision === 2) {
    const t = doc.document.tracking;
    t.current_release_date = '2022-04-01T00:00:00.000Z';
    t.revision_history.push({ date: '2022-04-01T00:00:00.000Z', number: '2', summary: 'rc1 fixed' });
    t.version = '2';
    const s = doc.vulnerabilities[0].product_status;
    s.known_affected = s.known_affected.filter((p: string) => p !== 'CSAFPID-0005');
    s.fixed.push('CSAFPID-0005');
  }
  return doc;
}

const sbom = JSON.stringify({
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  version: 1,
  components: ['1.0.0-alpha', '1.0.0-rc1', '1.0.0-rc2'].map((v) => ({
    type: 'library',
    'bom-ref': `c-${v}`,
    name: 'csaf-demo-converter',
    version: v,
    purl: `pkg:npm/csaf-demo-converter@${v}`,
  })),
});

async function call(
  s: TestServer,
  token: string,
  method: string,
  path: string,
  body?: string,
  type = 'application/json',
) {
  const r = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': type } : {}) },
    body,
  });
  const text = await r.text();
  return {
    status: r.status,
    body: (text ? JSON.parse(text) : {}) as Json,
    type: r.headers.get('content-type'),
  };
}

for (const kind of testDatabaseKinds()) {
  describe(`CSAF advisories onto components on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let centre: string;
    let grid: string;
    let asset: string;
    const exposures = async () => {
      const r = await call(s, grid, 'GET', `/api/v1/exposures?asset=${asset}&limit=100`);
      return r.body.items as Json[];
    };

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      centre = await s.token(s.orgId('National Cyber Security Coordination Centre'), 'admin');
      grid = await s.token(s.orgId('Northport Power Grid'), 'admin');
      const up = await call(
        s,
        grid,
        'POST',
        '/api/v1/sboms?asset=csaf-plant',
        sbom,
        'application/vnd.cyclonedx+json',
      );
      assert.equal(up.status, 201, JSON.stringify(up.body));
      asset = up.body.asset.id;
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('an invalid document is refused naming the mandatory test and the pointer; nothing is stored', async () => {
      const doc = vendorDocument(1);
      doc.vulnerabilities[0].product_status.known_affected.push('CSAFPID-9999');
      const r = await call(s, centre, 'POST', '/api/v1/csaf', JSON.stringify(doc));
      assert.equal(r.status, 422);
      assert.match(r.type ?? '', /^application\/problem\+json/);
      assert.match(r.body.detail, /6\.1\.1 Missing Definition of Product ID/);
      assert.ok(
        r.body.errors.some((e: Json) => e.pointer === '/vulnerabilities/0/product_status/known_affected/5'),
      );
      const cat = vendorDocument(1);
      cat.document.category = 'Security_Advisory';
      const prohibited = await call(s, centre, 'POST', '/api/v1/csaf', JSON.stringify(cat));
      assert.equal(prohibited.status, 422);
      assert.match(prohibited.body.detail, /6\.1\.26 Prohibited Document Category Name/);
      assert.equal(
        (await call(s, centre, 'GET', '/api/v1/advisories/BWK-CSAF-DEMO-1_CVE-2022-27193')).status,
        404,
      );
      assert.equal(
        (await call(s, grid, 'POST', '/api/v1/csaf', JSON.stringify(vendorDocument(1)))).status,
        403,
      );
    });

    test('the specification example imports; its CPE-only products match components that carry the CPE', async () => {
      // An ICS-style plant: no purls, only CPEs (CycloneDX component.cpe, 2.3 form; SPDX cpe23Type).
      const cdx = JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        version: 1,
        components: ['1.0.0-dev2', '1.0.0'].map((v) => ({
          type: 'application',
          'bom-ref': `conv-${v}`,
          name: 'CVRF-CSAF-Converter',
          version: v,
          cpe: `cpe:2.3:a:csaf-tools:cvrf-csaf-converter:${v}:*:*:*:*:*:*:*`,
        })),
      });
      const up = await call(
        s,
        grid,
        'POST',
        '/api/v1/sboms?asset=csaf-cpe-plant',
        cdx,
        'application/vnd.cyclonedx+json',
      );
      assert.equal(up.status, 201, JSON.stringify(up.body));
      const spdx = JSON.stringify({
        spdxVersion: 'SPDX-2.3',
        dataLicense: 'CC0-1.0',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: 'csaf-cpe-spdx',
        documentNamespace: 'https://example.org/spdx/csaf-cpe-spdx',
        creationInfo: { created: '2024-01-01T00:00:00Z', creators: ['Tool: test'] },
        packages: [
          {
            SPDXID: 'SPDXRef-conv',
            name: 'CVRF-CSAF-Converter',
            versionInfo: '1.0.0-alpha',
            downloadLocation: 'NOASSERTION',
            externalRefs: [
              {
                referenceCategory: 'SECURITY',
                referenceType: 'cpe23Type',
                referenceLocator: 'cpe:2.3:a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha:*:*:*:*:*:*:*',
              },
            ],
          },
        ],
      });
      const up2 = await call(
        s,
        grid,
        'POST',
        '/api/v1/sboms?asset=csaf-cpe-spdx',
        spdx,
        'application/spdx+json',
      );
      assert.equal(up2.status, 201, JSON.stringify(up2.body));
      const r = await call(s, centre, 'POST', '/api/v1/csaf', readFileSync(EXAMPLE, 'utf8'));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.advisories, ['BSI-2022-0001_CVE-2022-27193']);
      assert.equal(r.body.products.mapped, 5, 'the five known_affected products, by their CPE 2.2 URIs');
      assert.deepEqual(r.body.products.unmapped, []);
      assert.equal(r.body.exposures.opened, 2, 'dev2 and alpha are known_affected; 1.0.0 is fixed');
      for (const [name, version] of [
        ['csaf-cpe-plant', '1.0.0-dev2'],
        ['csaf-cpe-spdx', '1.0.0-alpha'],
      ] as const) {
        const id = (name === 'csaf-cpe-plant' ? up : up2).body.asset.id;
        const list = (await call(s, grid, 'GET', `/api/v1/exposures?asset=${id}&limit=100`)).body
          .items as Json[];
        assert.deepEqual(
          list.map((e) => [e.ecosystem, e.package, e.version, e.advisory]),
          [['CPE', 'a:csaf-tools:cvrf-csaf-converter', version, 'BSI-2022-0001_CVE-2022-27193']],
        );
      }
      const a = await call(s, grid, 'GET', '/api/v1/advisories/BSI-2022-0001_CVE-2022-27193');
      assert.equal(a.status, 200);
      assert.deepEqual(a.body.aliases, ['CVE-2022-27193', 'csaf-tools/CVRF-CSAF-Converter#78']);
      assert.equal(a.body.severity.score, 6.1);
      assert.equal(a.body.source.feed, 'csaf');
    });

    test('product_version_range (vers) of a purl or a CPE product becomes a range in its ecosystem’s order', async () => {
      const doc = example();
      doc.document.tracking.id = 'BWK-CSAF-RANGE-1';
      doc.product_tree.branches.push({
        category: 'vendor',
        name: 'Example Company',
        branches: [
          {
            category: 'product_name',
            name: 'ABC',
            branches: [
              {
                // The CSAF VEX example's range, on a product named by a CPE.
                category: 'product_version_range',
                name: 'vers:generic/>=2.9|<=4.1',
                product: {
                  name: 'Example Company ABC >=2.9|<=4.1',
                  product_id: 'CSAFPID-0100',
                  product_identification_helper: { cpe: 'cpe:2.3:a:example_company:abc:*:*:*:*:*:*:*:*' },
                },
              },
              {
                // A legacy range on a purl without a version: npm's order (prereleases sort first).
                category: 'product_version_range',
                name: '>=1.0.0-beta | <1.2.0',
                product: {
                  name: 'Example Company abc-agent >=1.0.0-beta <1.2.0',
                  product_id: 'CSAFPID-0101',
                  product_identification_helper: { purl: 'pkg:npm/abc-agent' },
                },
              },
              {
                category: 'product_version_range',
                name: 'vers:generic/>3.0',
                product: {
                  name: 'Example Company ABC >3.0',
                  product_id: 'CSAFPID-0102',
                  product_identification_helper: { cpe: 'cpe:2.3:a:example_company:abc:*:*:*:*:*:*:*:*' },
                },
              },
            ],
          },
        ],
      });
      doc.vulnerabilities[0].product_status.known_affected = ['CSAFPID-0100', 'CSAFPID-0101', 'CSAFPID-0102'];
      const components = [
        ...['2.8', '2.9', '4.1', '4.1.1', '10.0'].map((v) => ({
          type: 'firmware',
          'bom-ref': `abc-${v}`,
          name: 'ABC',
          version: v,
          cpe: `cpe:2.3:a:example_company:abc:${v}:*:*:*:*:*:*:*`,
        })),
        ...['1.0.0-alpha', '1.0.0', '1.1.9', '1.2.0'].map((v) => ({
          type: 'library',
          'bom-ref': `agent-${v}`,
          name: 'abc-agent',
          version: v,
          purl: `pkg:npm/abc-agent@${v}`,
        })),
      ];
      const up = await call(
        s,
        grid,
        'POST',
        '/api/v1/sboms?asset=csaf-range-plant',
        JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components }),
        'application/vnd.cyclonedx+json',
      );
      assert.equal(up.status, 201, JSON.stringify(up.body));
      const r = await call(s, centre, 'POST', '/api/v1/csaf', JSON.stringify(doc));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.products.mapped, 2);
      assert.deepEqual(r.body.products.unmapped, [
        {
          productId: 'CSAFPID-0102',
          reason:
            'version range "vers:generic/>3.0": >3.0: OSV ranges cannot express an exclusive lower bound',
        },
      ]);
      const list = (await call(s, grid, 'GET', `/api/v1/exposures?asset=${up.body.asset.id}&limit=100`)).body
        .items as Json[];
      assert.deepEqual(list.map((e) => `${e.package}@${e.version}`).sort(), [
        'a:example_company:abc@2.9',
        'a:example_company:abc@4.1',
        'abc-agent@1.0.0',
        'abc-agent@1.1.9',
      ]);
    });

    test('known_affected products with purls open exposures; fixed ones do not; a revision resolves', async () => {
      const r = await call(
        s,
        centre,
        'POST',
        '/api/v1/csaf',
        JSON.stringify(vendorDocument(1)),
        'application/csaf+json',
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.products.mapped, 5);
      assert.equal(r.body.exposures.opened, 2, 'alpha and rc1 of the SBOM are known_affected; rc2 is fixed');
      let list = await exposures();
      assert.deepEqual(list.map((e) => e.version).sort(), ['1.0.0-alpha', '1.0.0-rc1']);
      for (const e of list) {
        assert.equal(e.advisory, 'BWK-CSAF-DEMO-1_CVE-2022-27193');
        assert.deepEqual(e.severity, { score: 6.1, rating: 'Medium' });
        assert.ok(e.aliases.includes('CVE-2022-27193'));
      }
      const again = await call(s, centre, 'POST', '/api/v1/csaf', JSON.stringify(vendorDocument(1)));
      assert.equal(again.body.unchanged, 1);
      const v2 = await call(s, centre, 'POST', '/api/v1/csaf', JSON.stringify(vendorDocument(2)));
      assert.equal(v2.status, 200, JSON.stringify(v2.body));
      assert.equal(v2.body.updated, 1);
      assert.equal(v2.body.exposures.resolved, 1);
      list = await exposures();
      const byVersion = new Map(list.map((e) => [e.version, e.status]));
      assert.equal(byVersion.get('1.0.0-rc1'), 'resolved');
      assert.equal(byVersion.get('1.0.0-alpha'), 'open');
      const versions = await tdb.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ledger_commitments WHERE record_kind = 'advisory' AND record_id = $1`,
        ['BWK-CSAF-DEMO-1_CVE-2022-27193'],
      );
      assert.equal(versions.rows[0]!.n, 2, 'each revision is a new committed advisory version');
    });
  });
}

describe('bin/bulwark import csaf', () => {
  const BIN = new URL('../../bin/bulwark', import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-csaf-cli-'));
  const data = join(dir, 'data');
  const run = (args: string[]) => {
    const r = spawnSync(BIN, [...args, '--data', data], {
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: 'silent' },
      timeout: 180_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  test('a valid document imports; an invalid one exits non-zero naming the test and the pointer', () => {
    assert.equal(run(['org', 'create', '--root', '--name', 'Centre', '--region', 'TS']).code, 0);
    const bad = vendorDocument(1);
    bad.document.lang = 'EZ';
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    const refused = run(['import', 'csaf', join(dir, 'bad.json')]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /6\.1\.12 Language/);
    assert.match(refused.err, /\/document\/lang/);
    writeFileSync(join(dir, 'good.json'), JSON.stringify(vendorDocument(1)));
    const ok = run(['import', 'csaf', join(dir, 'good.json')]);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /CSAF BWK-CSAF-DEMO-1: 1 advisories \(created 1/);
    assert.match(ok.out, /products mapped 5, unmapped 0/);
  });
});
