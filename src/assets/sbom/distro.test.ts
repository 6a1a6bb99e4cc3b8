import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchingEcosystem } from '../../formats/index.ts';
import { parseSbom } from './index.ts';

function cdx(components: object[], metadataComponent?: object): string {
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    ...(metadataComponent ? { metadata: { component: metadataComponent } } : {}),
    components,
  });
}

const openssl = {
  type: 'library',
  name: 'openssl',
  version: '3.0.11-1',
  purl: 'pkg:deb/debian/openssl@3.0.11-1',
};

test('Debian packages without a release take the one the operating-system component declares, with a warning', () => {
  const sbom = parseSbom(
    cdx([{ type: 'operating-system', name: 'debian', version: '12.5', 'bom-ref': 'os' }, openssl]),
  );
  const c = sbom.components.find((x) => x.name === 'openssl')!;
  assert.equal(c.ecosystem, 'Debian:12');
  assert.ok(
    sbom.warnings.some((w) =>
      /1 Debian package without a distro qualifier: assumed Debian:12.*debian 12\.5/.test(w.message),
    ),
    JSON.stringify(sbom.warnings),
  );
});

test('or the release the SBOM subject declares, or the one its other Debian packages name', () => {
  const bySubject = parseSbom(
    cdx([openssl], { type: 'operating-system', name: 'Debian', version: 'bookworm' }),
  );
  assert.equal(bySubject.components[0]!.ecosystem, 'Debian:12');
  const byOthers = parseSbom(
    cdx([
      openssl,
      {
        type: 'library',
        name: 'curl',
        version: '7.88.1-10',
        purl: 'pkg:deb/debian/curl@7.88.1-10?distro=debian-11',
      },
    ]),
  );
  assert.equal(byOthers.components.find((x) => x.name === 'openssl')!.ecosystem, 'Debian:11');
  assert.ok(
    byOthers.warnings.some((w) =>
      /assumed Debian:11, the release declared by the other Debian packages/.test(w.message),
    ),
  );
});

test('without a declared release, the packages stay unmatched and a warning says so', () => {
  const sbom = parseSbom(cdx([openssl]));
  assert.equal(sbom.components[0]!.ecosystem, 'Debian');
  assert.ok(sbom.warnings.some((w) => /no Debian release is declared/.test(w.message)));
  // Two different releases among the other packages declare nothing.
  const mixed = parseSbom(
    cdx([
      openssl,
      { type: 'library', name: 'a', version: '1', purl: 'pkg:deb/debian/a@1?distro=debian-11' },
      { type: 'library', name: 'b', version: '1', purl: 'pkg:deb/debian/b@1?distro=debian-12' },
    ]),
  );
  assert.equal(mixed.components[0]!.ecosystem, 'Debian');
});

test("Ubuntu's :LTS and :Pro advisories match the release's components", () => {
  assert.equal(matchingEcosystem('Ubuntu:22.04:LTS'), 'Ubuntu:22.04');
  assert.equal(matchingEcosystem('Ubuntu:Pro:18.04:LTS'), 'Ubuntu:18.04');
  assert.equal(matchingEcosystem('Ubuntu:Pro:FIPS-updates:22.04:LTS'), 'Ubuntu:22.04');
  assert.equal(matchingEcosystem('Ubuntu:24.10'), 'Ubuntu:24.10');
  assert.equal(matchingEcosystem('Debian:12'), 'Debian:12');
  const sbom = parseSbom(
    cdx([
      { type: 'operating-system', name: 'ubuntu', version: '22.04' },
      { type: 'library', name: 'zlib1g', version: '1:1.2.11', purl: 'pkg:deb/ubuntu/zlib1g@1:1.2.11' },
    ]),
  );
  assert.equal(sbom.components.find((x) => x.name === 'zlib1g')!.ecosystem, 'Ubuntu:22.04');
});
