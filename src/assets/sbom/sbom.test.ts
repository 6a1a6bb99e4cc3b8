import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createHash } from 'node:crypto';
import { closeConverters, ImportError } from '../../formats/index.ts';
import {
  MAX_SBOM_BYTES,
  parseSbom,
  parseSbomOffThread,
  type ParsedSbom,
  type SbomComponent,
} from './index.ts';
import { componentListDigest } from './thread.ts';

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`../../../test/fixtures/sbom/${name}`, import.meta.url));
const json = (name: string): Record<string, unknown> =>
  JSON.parse(fixture(name).toString('utf8')) as Record<string, unknown>;
const byRef = (sbom: ParsedSbom, ref: string): SbomComponent => {
  const c = sbom.components.find((x) => x.ref === ref);
  assert.ok(c, `component ${ref}`);
  return c;
};

function refused(input: Uint8Array | string, kind: ImportError['kind']): ImportError {
  try {
    parseSbom(input);
  } catch (err) {
    assert.ok(err instanceof ImportError, `expected ImportError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    return err;
  }
  assert.fail('the SBOM was accepted');
}

describe('CycloneDX 1.4 (cyclonedx-npm shaped)', () => {
  const sbom = parseSbom(fixture('cyclonedx-1.4-npm.json'));

  test('format, version, serial number and subject', () => {
    assert.equal(sbom.format, 'CycloneDX');
    assert.equal(sbom.specVersion, '1.4');
    assert.equal(sbom.serialNumber, 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79');
    assert.deepEqual(sbom.subject, {
      ref: 'web-portal@2.3.0',
      type: 'application',
      name: 'web-portal',
      version: '2.3.0',
      purl: 'pkg:npm/web-portal@2.3.0',
    });
  });

  test('nested components are extracted with their parent', () => {
    assert.deepEqual(
      sbom.components.map((c) => c.ref),
      ['express@4.17.1', 'express@4.17.1|qs@6.7.0', '@babel/traverse@7.22.5', 'lodash@4.17.20'],
    );
    assert.equal(byRef(sbom, 'express@4.17.1|qs@6.7.0').parentRef, 'express@4.17.1');
  });

  test('hashes, licence ids, names and expressions', () => {
    const express = byRef(sbom, 'express@4.17.1');
    assert.equal(express.hashes.length, 1);
    assert.equal(express.hashes[0].algorithm, 'SHA-512');
    assert.deepEqual(express.licenses, ['MIT']);
    assert.deepEqual(byRef(sbom, 'lodash@4.17.20').licenses, ['MIT License']);
    assert.deepEqual(byRef(sbom, '@babel/traverse@7.22.5').licenses, ['MIT']);
  });

  test('npm scoped names in OSV spelling; a purl without a version gets the component version', () => {
    const babel = byRef(sbom, '@babel/traverse@7.22.5');
    assert.equal(babel.group, '@babel');
    assert.equal(babel.ecosystem, 'npm');
    assert.equal(babel.name, '@babel/traverse');
    assert.equal(babel.sbomName, 'traverse');
    const lodash = byRef(sbom, 'lodash@4.17.20');
    assert.equal(lodash.purl, 'pkg:npm/lodash@4.17.20');
    assert.equal(lodash.version, '4.17.20');
    assert.equal(lodash.name, 'lodash');
  });

  test('direct and transitive dependencies relative to the subject', () => {
    assert.equal(sbom.dependencies.root, 'web-portal@2.3.0');
    assert.deepEqual(sbom.dependencies.direct, ['express@4.17.1', '@babel/traverse@7.22.5']);
    assert.deepEqual(sbom.dependencies.transitive.sort(), ['express@4.17.1|qs@6.7.0', 'lodash@4.17.20']);
    assert.equal(byRef(sbom, 'lodash@4.17.20').relation, 'transitive');
    assert.equal(byRef(sbom, 'express@4.17.1').relation, 'direct');
    assert.deepEqual(sbom.warnings, []);
  });

  test('a 1.4 document is validated (against the 1.5 schema) and refused when invalid', () => {
    const doc = json('cyclonedx-1.4-npm.json');
    (doc['components'] as Record<string, unknown>[])[0]['type'] = 'widget';
    const err = refused(JSON.stringify(doc), 'schema');
    assert.ok(
      err.schemaErrors.some((e) => e.pointer === '/components/0/type' && /allowed values/.test(e.detail)),
    );
  });
});

describe('CycloneDX 1.5 (cyclonedx-py shaped, with an OS layer)', () => {
  const sbom = parseSbom(fixture('cyclonedx-1.5-python.json'));

  test('PyPI names as given plus the PEP 503 form, from an upper-case purl type', () => {
    const drf = byRef(sbom, 'Django-REST-framework==3.11.0');
    assert.equal(drf.ecosystem, 'PyPI');
    assert.equal(drf.name, 'Django_REST.framework');
    assert.equal(drf.normalizedName, 'django-rest-framework');
    assert.equal(drf.version, '3.11.0');
    const yaml = byRef(sbom, 'pyyaml');
    assert.equal(yaml.name, 'PyYAML');
    assert.equal(yaml.normalizedName, 'pyyaml');
  });

  test('Debian packages get Debian:12 from distro=debian-12 and from distro=bookworm; %2B decodes', () => {
    const openssl = byRef(sbom, 'deb-openssl');
    assert.equal(openssl.ecosystem, 'Debian:12');
    assert.equal(openssl.name, 'openssl');
    assert.equal(openssl.parentRef, 'os');
    const curl = byRef(sbom, 'deb-curl');
    assert.equal(curl.ecosystem, 'Debian:12');
    assert.equal(curl.version, '7.88.1-10+deb12u5');
  });

  test('an invalid purl keeps the component, with a warning; so does a missing purl', () => {
    const broken = byRef(sbom, 'broken-purl');
    assert.equal(broken.name, 'weird');
    assert.equal(broken.version, '0.1');
    assert.equal(broken.ecosystem, undefined);
    assert.equal(broken.purl, undefined);
    assert.deepEqual(
      sbom.warnings.map((w) => [w.pointer, w.ref]),
      [
        ['/components/4', 'broken-purl'],
        ['/components/5', 'os'],
      ],
    );
    assert.match(sbom.warnings[0].message, /invalid purl "pkg:pypi\/we%ZZird@0\.1".*cannot be matched/);
    assert.match(sbom.warnings[1].message, /no purl/);
    assert.equal(sbom.components.length, 8);
  });

  test('graph: nested OS packages are transitive through the OS component', () => {
    assert.deepEqual(sbom.dependencies.direct, [
      'requests==2.25.0',
      'Django-REST-framework==3.11.0',
      'pyyaml',
      'os',
    ]);
    assert.equal(byRef(sbom, 'urllib3==1.26.4').relation, 'transitive');
    assert.equal(byRef(sbom, 'deb-openssl').relation, 'transitive');
    assert.equal(byRef(sbom, 'broken-purl').relation, 'unreachable');
  });
});

describe('CycloneDX 1.6 (cyclonedx-gomod shaped, mixed ecosystems)', () => {
  const sbom = parseSbom(fixture('cyclonedx-1.6-go.json'));

  test('Go full module paths, also from a purl with %2F in the name', () => {
    const gin = byRef(sbom, 'pkg:golang/github.com/gin-gonic/gin@v1.9.0?type=module');
    assert.equal(gin.ecosystem, 'Go');
    assert.equal(gin.name, 'github.com/gin-gonic/gin');
    assert.equal(gin.version, 'v1.9.0');
    const docker = byRef(sbom, 'pkg:golang/github.com/docker/docker@v20.10.7+incompatible?type=module');
    assert.equal(docker.version, 'v20.10.7+incompatible');
    const http2 = byRef(sbom, 'pkg:golang/golang.org/x/net@v0.7.0?type=package#http2');
    assert.equal(http2.name, 'golang.org/x/net');
    assert.equal(http2.sbomName, 'golang.org/x/net/http2');
    assert.equal(http2.parentRef, 'pkg:golang/golang.org/x/net@v0.7.0?type=module');
    assert.equal(http2.relation, 'transitive');
  });

  test('Maven group:artifact and NuGet case-insensitive key', () => {
    const log4j = byRef(sbom, 'maven-log4j');
    assert.equal(log4j.ecosystem, 'Maven');
    assert.equal(log4j.name, 'org.apache.logging.log4j:log4j-core');
    assert.equal(log4j.group, 'org.apache.logging.log4j');
    const nuget = byRef(sbom, 'nuget-json');
    assert.equal(nuget.name, 'Newtonsoft.Json');
    assert.equal(nuget.normalizedName, 'newtonsoft.json');
  });

  test('graph with a shared transitive dependency', () => {
    assert.deepEqual(sbom.dependencies.direct, [
      'pkg:golang/golang.org/x/net@v0.7.0?type=module',
      'pkg:golang/github.com/gin-gonic/gin@v1.9.0?type=module',
    ]);
    assert.ok(sbom.dependencies.transitive.includes('pkg:golang/golang.org/x/text@v0.3.7?type=module'));
    assert.equal(byRef(sbom, 'maven-log4j').relation, 'unreachable');
  });

  test('schema violations are refused with every error and its pointer', () => {
    const doc = json('cyclonedx-1.6-go.json');
    const comps = doc['components'] as Record<string, unknown>[];
    comps[0]['hashes'] = [{ alg: 'SHA-999', content: 'zz' }];
    delete comps[2]['name'];
    doc['surprise'] = true;
    const err = refused(JSON.stringify(doc), 'schema');
    const pointers = err.schemaErrors.map((e) => e.pointer);
    assert.ok(pointers.includes(''), 'top-level unknown property');
    assert.ok(pointers.includes('/components/0/hashes/0/alg'));
    assert.ok(pointers.includes('/components/2'));
    assert.ok(err.schemaErrors.some((e) => e.detail === 'unknown property "surprise"'));
    assert.ok(err.schemaErrors.some((e) => e.detail === 'missing required property "name"'));
    assert.match(err.message, /does not validate against the CycloneDX 1\.6 schema/);
  });

  test('duplicate components are refused (the schema says uniqueItems)', () => {
    const doc = json('cyclonedx-1.6-go.json');
    const comps = doc['components'] as unknown[];
    comps.push(comps[1]);
    const err = refused(JSON.stringify(doc), 'schema');
    assert.deepEqual(err.schemaErrors, [
      { pointer: '/components', detail: 'must NOT have duplicate items (items 1 and 7 are identical)' },
    ]);
  });
});

describe('SPDX 2.3 (syft shaped)', () => {
  const sbom = parseSbom(fixture('spdx-2.3.json'));

  test('format, subject from DESCRIBES, namespace as serial number', () => {
    assert.equal(sbom.format, 'SPDX');
    assert.equal(sbom.specVersion, '2.3');
    assert.equal(
      sbom.serialNumber,
      'https://anchore.com/syft/image/water-plant-hmi-1.2.0-5a3b1c2d-0e9f-4a8b-9c7d-6e5f4a3b2c1d',
    );
    assert.deepEqual(sbom.subject, {
      ref: 'SPDXRef-Package-hmi',
      type: 'application',
      name: 'water-plant-hmi',
      version: '1.2.0',
    });
    assert.equal(sbom.components.length, 4);
  });

  test('purls from PACKAGE-MANAGER refs, checksums, licences without NOASSERTION', () => {
    const jinja = byRef(sbom, 'SPDXRef-Package-python-Jinja2-2a3b');
    assert.equal(jinja.ecosystem, 'PyPI');
    assert.equal(jinja.name, 'Jinja2');
    assert.equal(jinja.normalizedName, 'jinja2');
    assert.equal(jinja.version, '2.11.2');
    assert.deepEqual(jinja.hashes, [
      { algorithm: 'SHA256', value: '89aab215427ef59c34ad58735269eb58b1a5808103067f7bb9d5836c651b3bb0' },
    ]);
    assert.deepEqual(jinja.licenses, ['BSD-3-Clause']);
    const markupsafe = byRef(sbom, 'SPDXRef-Package-python-MarkupSafe-7c1d');
    assert.equal(markupsafe.purl, 'pkg:pypi/markupsafe@1.1.1');
    assert.equal(markupsafe.name, 'MarkupSafe');
    const zlib = byRef(sbom, 'SPDXRef-Package-deb-zlib1g-91ab');
    assert.equal(zlib.ecosystem, 'Debian:12');
    assert.equal(zlib.version, '1:1.2.13.dfsg-1');
    assert.equal(zlib.type, 'library');
  });

  test('DEPENDS_ON, DEPENDENCY_OF (reversed) and CONTAINS form one graph', () => {
    assert.deepEqual(sbom.dependencies.direct, [
      'SPDXRef-Package-python-Jinja2-2a3b',
      'SPDXRef-Package-deb-zlib1g-91ab',
    ]);
    assert.deepEqual(sbom.dependencies.transitive, ['SPDXRef-Package-python-MarkupSafe-7c1d']);
    assert.equal(byRef(sbom, 'SPDXRef-Package-gem-rack-55aa').relation, 'unreachable');
    assert.equal(byRef(sbom, 'SPDXRef-Package-gem-rack-55aa').ecosystem, 'RubyGems');
  });

  test('schema violations are refused with pointers', () => {
    const doc = json('spdx-2.3.json');
    const pkgs = doc['packages'] as Record<string, unknown>[];
    pkgs[1]['SPDXID'] = 'not-an-id';
    (pkgs[2]['externalRefs'] as Record<string, unknown>[])[0]['referenceCategory'] = 'PACKAGE MANAGER';
    (doc['relationships'] as Record<string, unknown>[])[1]['relationshipType'] = 42;
    const err = refused(JSON.stringify(doc), 'schema');
    assert.deepEqual(err.schemaErrors.map((e) => e.pointer).sort(), [
      '/packages/1/SPDXID',
      '/packages/2/externalRefs/0/referenceCategory',
      '/relationships/1/relationshipType',
    ]);
  });
});

describe('SPDX 2.2', () => {
  test('both PACKAGE_MANAGER and PACKAGE-MANAGER spellings give purls; crates.io', () => {
    const sbom = parseSbom(fixture('spdx-2.2.json'));
    assert.equal(sbom.specVersion, '2.2');
    assert.deepEqual(
      sbom.components.map((c) => [c.ref, c.ecosystem, c.name, c.version, c.relation]),
      [
        ['SPDXRef-Package-serde-1.0.130', 'crates.io', 'serde', '1.0.130', 'direct'],
        ['SPDXRef-Package-tokio-1.8.0', 'crates.io', 'tokio', '1.8.0', 'direct'],
        ['SPDXRef-Package-mio-0.7.13', 'crates.io', 'mio', '0.7.13', 'transitive'],
      ],
    );
    assert.deepEqual(sbom.components[0].licenses, ['MIT OR Apache-2.0']);
    assert.deepEqual(sbom.warnings, []);
  });
});

describe('SBOM: broken and hostile input', () => {
  test('invalid JSON', () => {
    const err = refused('{"bomFormat": "CycloneDX", ', 'malformed-json');
    assert.match(err.message, /^The SBOM is not valid JSON/);
  });

  test('invalid UTF-8', () => {
    refused(new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'malformed-json');
  });

  test('a UTF-8 byte order mark is tolerated', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fixture('spdx-2.2.json')]);
    assert.equal(parseSbom(withBom).components.length, 3);
  });

  test('JSON that is no SBOM, and unsupported versions', () => {
    assert.match(refused('[1, 2, 3]', 'unsupported-format').message, /CycloneDX JSON .* or SPDX JSON/);
    assert.match(
      refused('{"bomFormat": "CycloneDX", "specVersion": "1.3"}', 'unsupported-format').message,
      /specVersion "1\.3" is not supported/,
    );
    assert.match(refused('{"spdxVersion": "SPDX-3.0"}', 'unsupported-format').message, /SPDX-3\.0/);
  });

  test('a 1.5 document claiming the 1.4 $schema is refused by the 1.5 schema', () => {
    const doc = json('cyclonedx-1.5-python.json');
    doc['$schema'] = 'http://cyclonedx.org/schema/bom-1.4.schema.json';
    const err = refused(JSON.stringify(doc), 'schema');
    assert.deepEqual(
      err.schemaErrors.map((e) => e.pointer),
      ['/$schema'],
    );
  });

  test('a 100 MB input is refused by the size limit before parsing (bytes and string)', () => {
    const big = new Uint8Array(100 * 1024 * 1024).fill(0x20);
    assert.ok(big.length > MAX_SBOM_BYTES);
    const err = refused(big, 'too-large');
    assert.equal(err.message, `The SBOM is ${big.length} bytes; the limit is ${MAX_SBOM_BYTES} bytes.`);
    refused(' '.repeat(100 * 1024 * 1024), 'too-large');
  });

  test('nesting is limited: 20,000 nested components are refused cleanly, 60 levels still import', () => {
    // Built as text: JSON.stringify itself cannot serialise 20,000 levels.
    const nest = (depth: number): string =>
      '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[' +
      '{"type":"library","name":"n","components":['.repeat(depth) +
      '{"type":"library","name":"leaf"}' +
      ']}'.repeat(depth) +
      ']}';
    const err = refused(nest(20_000), 'too-large');
    assert.match(err.message, /nests deeper than 128 levels/);
    assert.equal(parseSbom(nest(60)).components.length, 61);
  });

  test('a component with a deeply odd purl never crashes the import', () => {
    const doc = json('cyclonedx-1.6-go.json');
    const comps = doc['components'] as Record<string, unknown>[];
    const odd = [
      'pkg:',
      'pkg:npm/',
      'pkg:/%%%',
      'pkg:npm/%E2%9C%93@1.0.0',
      'pkg:golang/%ZZ@v1',
      `pkg:npm/${'a'.repeat(5000)}@1`,
    ];
    odd.forEach((purl, i) => {
      comps.push({ type: 'library', 'bom-ref': `odd-${i}`, name: `odd${i}`, version: '1', purl });
    });
    const sbom = parseSbom(JSON.stringify(doc));
    for (let i = 0; i < odd.length; i++) assert.ok(sbom.components.find((c) => c.ref === `odd-${i}`));
    assert.equal(sbom.components.find((c) => c.ref === 'odd-3')?.name, '✓');
    assert.deepEqual(
      sbom.warnings
        .filter((w) => w.ref?.startsWith('odd-') && /invalid purl/.test(w.message))
        .map((w) => w.ref),
      ['odd-0', 'odd-1', 'odd-2', 'odd-4'],
    );
  });
});

describe('the component list digest (what an SBOM version commits to in the ledger)', () => {
  test('the converter thread returns the SHA-256 of the JSON list of purls (names when none), in order', async () => {
    const bytes = fixture('cyclonedx-1.4-npm.json');
    const sbom = parseSbom(bytes);
    try {
      const converted = await parseSbomOffThread(bytes);
      const expected = createHash('sha256')
        .update(JSON.stringify(sbom.components.map((c) => c.purl ?? c.name)))
        .digest('hex');
      assert.equal(converted.componentsSha256, expected);
      assert.equal(componentListDigest(sbom.components), expected);
      // A different order is a different list.
      assert.notEqual(componentListDigest([...sbom.components].reverse()), expected);
    } finally {
      await closeConverters();
    }
  });
});
