// bin/bulwark's refusals of broken documents name where the document is wrong: a schema error at
// the document's root reads "(the document)", never an empty pointer; a CycloneDX VEX is held to
// the CycloneDX schema.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { bulwarkSync } from '../support/processes.ts';

const bulwark = (args: string[]) => bulwarkSync(args);

describe('bin/bulwark import errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-exp-cli-errors-'));
  const data = join(dir, 'data');

  test('a KEV catalogue that is not an object names the document, not an empty pointer', () => {
    assert.equal(
      bulwark(['org', 'create', '--root', '--name', 'Centre', '--region', 'TS', '--data', data]).code,
      0,
    );
    const file = join(dir, 'kev.json');
    writeFileSync(file, '[]');
    const r = bulwark(['import', 'kev', file, '--data', data]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /Not a valid KEV catalogue/);
    assert.match(r.err, /\n {2}\(the document\): must be object/);
    assert.doesNotMatch(r.err, /\n {2}: /, 'no blank pointer');
  });

  test('a CycloneDX VEX that breaks the CycloneDX schema exits 1 naming the JSON path', () => {
    const file = join(dir, 'vex.cdx.json');
    writeFileSync(
      file,
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        version: 1,
        components: [{ type: 'library', 'bom-ref': 'a', name: 'a', purl: 'pkg:npm/a@1.0.0' }],
        vulnerabilities: [
          {
            id: 'CVE-2024-0001',
            analysis: { state: 'not_affected', justification: 'nope' },
            affects: [{ ref: 'a' }],
          },
        ],
      }),
    );
    const r = bulwark(['import', 'vex', file, '--data', data]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.err, /CycloneDX 1\.5 schema/);
    assert.match(r.err, /\/vulnerabilities\/0\/analysis\/justification: /);
  });
});
