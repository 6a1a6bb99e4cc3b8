// bin/bulwark for assets, advisories and exposures, as an analyst uses it on a fresh data
// directory: import the Go database, KEV and an SBOM, list assets and exposures as JSON lines,
// compare versions, rematch; broken inputs exit non-zero with a clear message and store nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { generateSyntheticCycloneDx } from '../support/synthetic-sbom.ts';
import { goPurl, loadRawOsv, OSV_GO_DIR, ReferenceMatcher } from './osv-reference.ts';
import { bulwarkSync } from '../support/processes.ts';

const KEV_FILE = new URL('../../../shared/data/kev/known_exploited_vulnerabilities.json', import.meta.url)
  .pathname;

const bulwark = (args: string[], input?: string) => bulwarkSync(args, { input });

const lines = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('bin/bulwark assets, advisories and exposures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-exp-cli-'));
  const data = join(dir, 'data');
  const doc = generateSyntheticCycloneDx(200, 99);
  const sbomFile = join(dir, 'app.cdx.json');
  writeFileSync(sbomFile, JSON.stringify(doc));

  test('versions compare reads pairs on stdin and needs no database', () => {
    const r = bulwark(
      ['versions', 'compare', 'Go'],
      'v1.2.3 v1.2.3+incompatible\nv1.0.0-20200101000000-abcdefabcdef v1.0.0\n1.10.0 1.9.0\n',
    );
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '=\n<\n>\n');
    // An odd line gets `!` and a message naming it; the lines after it are still answered.
    const bad = bulwark(['versions', 'compare', 'Go'], 'only-one\nv1.0.0 v2\nlatest v1.0.0\nv1 1.0.0\n');
    assert.equal(bad.code, 1);
    assert.equal(bad.out, '!\n<\n!\n=\n');
    assert.match(bad.err, /line 1: expected two versions/);
    assert.match(bad.err, /line 3: invalid Go version "latest"/);
    assert.equal(bulwark(['versions', 'compare', 'Cobol'], '1 2\n').code, 2);
  });

  test('import the Go database, KEV and an SBOM; list assets and exposures', () => {
    assert.equal(
      bulwark(['org', 'create', '--root', '--name', 'Centre', '--region', 'TS', '--data', data]).code,
      0,
    );
    const osv = bulwark(['import', 'osv', OSV_GO_DIR, '--json', '--data', data]);
    assert.equal(osv.code, 0, osv.err);
    const summary = lines(osv.out)[0]!;
    assert.equal(summary.created, 4291);
    assert.deepEqual(summary.failed, []);
    const kev = bulwark(['import', 'kev', KEV_FILE, '--data', data]);
    assert.equal(kev.code, 0, kev.err);
    assert.match(kev.out, /1404 entries/);

    const imp = bulwark(['import', 'sbom', sbomFile, '--asset', 'billing', '--data', data]);
    assert.equal(imp.code, 0, imp.err);
    assert.match(imp.out, /SBOM version 1, 200 components/);

    const assets = lines(bulwark(['assets', '--json', '--data', data]).out);
    assert.equal(assets.length, 1);
    assert.equal(assets[0]!.name, 'billing');
    assert.ok(assets[0]!.id && assets[0]!.org);

    const ref = new ReferenceMatcher(loadRawOsv());
    const want = new Set<string>();
    for (const c of doc.components) {
      const p = goPurl(c.purl)!;
      for (const id of ref.affecting(p.module, p.version)) want.add(`${p.module}@${p.version} ${id}`);
    }
    const exp = bulwark(['exposures', '--asset', 'billing', '--json', '--data', data]);
    assert.equal(exp.code, 0, exp.err);
    const rows = lines(exp.out);
    assert.deepEqual(new Set(rows.map((r) => `${r.package}@${r.version} ${r.advisory}`)), want);
    for (const r of rows) {
      for (const k of ['asset', 'purl', 'version', 'advisory', 'aliases', 'severity', 'kev', 'due', 'status'])
        assert.ok(k in r, `field ${k}`);
      assert.equal(r.asset, 'billing');
      assert.ok(
        String(r.purl).endsWith(`@${r.version}`) ||
          String(r.purl).includes(`@${encodeURIComponent(String(r.version))}`),
      );
      assert.match(String(r.due), /^\d{4}-\d{2}-\d{2}$/);
    }
    const rematch = bulwark(['rematch', '--json', '--data', data]);
    assert.equal(rematch.code, 0, rematch.err);
    const rm = lines(rematch.out)[0]!;
    assert.equal(rm.active, want.size);
    assert.equal(rm.opened, 0);
  });

  test('broken inputs exit non-zero with a clear message and store nothing', () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library"}]}');
    const r = bulwark(['import', 'sbom', broken, '--asset', 'broken', '--data', data]);
    assert.equal(r.code, 1);
    assert.match(r.err, /CycloneDX 1\.6 schema/);
    assert.match(r.err, /\/components\/0/);
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, 'hello');
    assert.match(
      bulwark(['import', 'sbom', notJson, '--asset', 'broken', '--data', data]).err,
      /not valid JSON/,
    );
    assert.equal(
      bulwark(['import', 'sbom', join(dir, 'missing.json'), '--asset', 'x', '--data', data]).code,
      1,
    );
    // A 100 MB file is refused by its size before anything is read.
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, 100 * 1024 * 1024);
    const big = bulwark(['import', 'sbom', huge, '--asset', 'huge', '--data', data]);
    assert.equal(big.code, 1);
    assert.match(big.err, /104857600 bytes; the limit is/);
    const bigOsv = bulwark(['import', 'osv', huge, '--data', data]);
    assert.equal(bigOsv.code, 1);
    assert.match(bigOsv.err, /limit/);
    assert.equal(bulwark(['import', 'sbom', sbomFile, '--data', data]).code, 2, '--asset is required');
    const assets = lines(bulwark(['assets', '--json', '--data', data]).out);
    assert.deepEqual(
      assets.map((a) => a.name),
      ['billing'],
    );
  });
});
