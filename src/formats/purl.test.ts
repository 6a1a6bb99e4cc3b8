import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolvePurl } from './purl.ts';

// [purl, component name, component version] -> [ecosystem, OSV name, normalized name, version, canonical purl]
const CASES: [string, string, string | undefined, [string, string, string, string | undefined, string]][] = [
  [
    'pkg:npm/%40angular/core@16.2.0',
    '@angular/core',
    undefined,
    ['npm', '@angular/core', '@angular/core', '16.2.0', 'pkg:npm/%40angular/core@16.2.0'],
  ],
  [
    'pkg:npm/@types/node@20.1.0',
    'node',
    '20.1.0',
    ['npm', '@types/node', '@types/node', '20.1.0', 'pkg:npm/%40types/node@20.1.0'],
  ],
  [
    'pkg:NPM/Lodash@4.17.21',
    'lodash',
    '4.17.21',
    ['npm', 'lodash', 'lodash', '4.17.21', 'pkg:npm/lodash@4.17.21'],
  ],
  ['pkg://npm/foo@1.0.0', 'foo', '1.0.0', ['npm', 'foo', 'foo', '1.0.0', 'pkg:npm/foo@1.0.0']],
  ['  pkg:npm/foo@1.0.0  ', 'foo', '1.0.0', ['npm', 'foo', 'foo', '1.0.0', 'pkg:npm/foo@1.0.0']],
  ['pkg:npm/foo@1.0.0#lib/sub', 'foo', '1.0.0', ['npm', 'foo', 'foo', '1.0.0', 'pkg:npm/foo@1.0.0#lib/sub']],
  [
    'pkg:golang/github.com%2Fgin-gonic%2Fgin@v1.9.0',
    'gin',
    'v1.9.0',
    [
      'Go',
      'github.com/gin-gonic/gin',
      'github.com/gin-gonic/gin',
      'v1.9.0',
      'pkg:golang/github.com%2Fgin-gonic%2Fgin@v1.9.0',
    ],
  ],
  [
    'pkg:golang/golang.org/x/net',
    'golang.org/x/net',
    'v0.7.0',
    ['Go', 'golang.org/x/net', 'golang.org/x/net', 'v0.7.0', 'pkg:golang/golang.org/x/net@v0.7.0'],
  ],
  [
    'pkg:golang/stdlib@1.20.3',
    'stdlib',
    '1.20.3',
    ['Go', 'stdlib', 'stdlib', '1.20.3', 'pkg:golang/stdlib@1.20.3'],
  ],
  [
    'pkg:maven/org.apache.commons/commons-text@1.9?type=jar&classifier=sources',
    'commons-text',
    '1.9',
    [
      'Maven',
      'org.apache.commons:commons-text',
      'org.apache.commons:commons-text',
      '1.9',
      'pkg:maven/org.apache.commons/commons-text@1.9?classifier=sources&type=jar',
    ],
  ],
  [
    'pkg:pypi/Django_Rest@3.11',
    'Django_Rest',
    '3.11',
    ['PyPI', 'Django_Rest', 'django-rest', '3.11', 'pkg:pypi/django-rest@3.11'],
  ],
  [
    'pkg:pypi/zope.interface@5.0',
    'Other.Name',
    '5.0',
    ['PyPI', 'zope.interface', 'zope-interface', '5.0', 'pkg:pypi/zope.interface@5.0'],
  ],
  [
    'pkg:cargo/serde@1.0.130',
    'serde',
    '1.0.130',
    ['crates.io', 'serde', 'serde', '1.0.130', 'pkg:cargo/serde@1.0.130'],
  ],
  [
    'pkg:gem/nokogiri@1.13.0-x86_64-linux',
    'nokogiri',
    '1.13.0-x86_64-linux',
    ['RubyGems', 'nokogiri', 'nokogiri', '1.13.0-x86_64-linux', 'pkg:gem/nokogiri@1.13.0-x86_64-linux'],
  ],
  [
    'pkg:nuget/Newtonsoft.Json@12.0.1',
    'Newtonsoft.Json',
    '12.0.1',
    ['NuGet', 'Newtonsoft.Json', 'newtonsoft.json', '12.0.1', 'pkg:nuget/Newtonsoft.Json@12.0.1'],
  ],
  [
    'pkg:composer/laravel/framework@8.0.0',
    'framework',
    '8.0.0',
    ['Packagist', 'laravel/framework', 'laravel/framework', '8.0.0', 'pkg:composer/laravel/framework@8.0.0'],
  ],
  [
    'pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12',
    'curl',
    undefined,
    [
      'Debian:12',
      'curl',
      'curl',
      '7.88.1-10+deb12u5',
      'pkg:deb/debian/curl@7.88.1-10+deb12u5?arch=amd64&distro=debian-12',
    ],
  ],
  [
    'pkg:deb/debian/curl@7.74.0-1.3?distro=bullseye',
    'curl',
    undefined,
    ['Debian:11', 'curl', 'curl', '7.74.0-1.3', 'pkg:deb/debian/curl@7.74.0-1.3?distro=bullseye'],
  ],
  [
    'pkg:deb/debian/curl@7.88.1?distro=debian-12.5',
    'curl',
    undefined,
    ['Debian:12', 'curl', 'curl', '7.88.1', 'pkg:deb/debian/curl@7.88.1?distro=debian-12.5'],
  ],
  [
    'pkg:deb/debian/curl@7.88.1',
    'curl',
    undefined,
    ['Debian', 'curl', 'curl', '7.88.1', 'pkg:deb/debian/curl@7.88.1'],
  ],
  [
    'pkg:apk/alpine/musl@1.2.4-r2?distro=3.18.4',
    'musl',
    undefined,
    ['Alpine:v3.18', 'musl', 'musl', '1.2.4-r2', 'pkg:apk/alpine/musl@1.2.4-r2?distro=3.18.4'],
  ],
];

describe('purl to OSV identity, odd encodings included', () => {
  for (const [purl, name, version, [ecosystem, osvName, normalized, v, canonical]] of CASES) {
    test(`${JSON.stringify(purl)} -> ${ecosystem} ${osvName}`, () => {
      const r = resolvePurl(purl, name, version);
      assert.deepEqual(r.identity, { ecosystem, name: osvName, normalizedName: normalized });
      assert.equal(r.version, v);
      assert.equal(r.purl, canonical);
      assert.deepEqual(r.warnings, []);
    });
  }

  test('a purl version that differs from the component version: the purl wins, with a warning', () => {
    const r = resolvePurl('pkg:npm/foo@1.0.0', 'foo', '2.0.0');
    assert.equal(r.version, '1.0.0');
    assert.match(r.warnings[0], /purl version "1\.0\.0" differs from the component version "2\.0\.0"/);
  });

  const INVALID = [
    'notapurl',
    'pkg:',
    'pkg:npm/',
    'pkg:npm/a%ZZb@1',
    'pkg:/%%%',
    'pkg:npm/foo@1.0?=broken&&',
  ];
  for (const purl of INVALID) {
    test(`invalid purl ${JSON.stringify(purl)} gives a warning, not an exception`, () => {
      const r = resolvePurl(purl, 'x', '1.0');
      if (r.identity) {
        // packageurl-js tolerates some of these; then the result must still be coherent.
        assert.equal(typeof r.identity.name, 'string');
      } else {
        assert.equal(r.version, '1.0');
        assert.match(r.warnings.join('\n'), /invalid purl|cannot be matched/);
      }
    });
  }

  test('purl types without an OSV ecosystem, and missing purls or versions, are flagged', () => {
    assert.match(
      resolvePurl('pkg:generic/openssl@3.0.8', 'openssl', '3.0.8').warnings[0],
      /type "generic" has no OSV ecosystem/,
    );
    assert.match(resolvePurl(undefined, 'x', '1').warnings[0], /no purl/);
    assert.match(resolvePurl('pkg:npm/foo', 'foo', undefined).warnings[0], /no version/);
  });
});
