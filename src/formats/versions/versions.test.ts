// Hand-written cases for each ecosystem's order, taken from the specifications and documentation
// (semver.org §11 and OSV's lenient SemVer, PEP 440, the POM reference's version order
// specification as OSV implements it, Debian Policy §5.6.12, apk-tools, rpmvercmp,
// Gem::Version docs, NuGet's "Package versioning" page) and cross-checked once with the reference
// tools. Random cases against the tools themselves are in reference.test.ts.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CompareInputError,
  compareLines,
  compareVersions,
  InvalidVersionError,
  knownEcosystems,
  normalizePypiName,
  splitGemPlatform,
  UnknownEcosystemError,
  versionKey,
  versionOrder,
} from './index.ts';
import { mavenCanonical, mavenComparable } from './maven-comparable.ts';
import { mavenTokens, parseMaven } from './maven.ts';

/** chain('npm', 'a', '<', 'b', '=', 'c') checks every pair of the chain, both ways round. */
function chain(ecosystem: string, ...items: string[]): void {
  const versions = items.filter((_, i) => i % 2 === 0);
  const ops = items.filter((_, i) => i % 2 === 1);
  for (let i = 0; i < versions.length; i++) {
    for (let j = i + 1; j < versions.length; j++) {
      const want = ops.slice(i, j).includes('<') ? -1 : 0;
      const a = versions[i]!;
      const b = versions[j]!;
      assert.equal(compareVersions(ecosystem, a, b), want, `${ecosystem}: ${a} vs ${b}`);
      assert.equal(compareVersions(ecosystem, b, a), want === 0 ? 0 : 1, `${ecosystem}: ${b} vs ${a}`);
    }
  }
}

function invalid(ecosystem: string, version: string, message: RegExp): void {
  assert.throws(
    () => versionKey(ecosystem, version),
    (err: unknown) => err instanceof InvalidVersionError && message.test(err.message),
    `${ecosystem} ${JSON.stringify(version)} should be invalid`,
  );
}

describe('SemVer (npm, crates.io, SEMVER)', () => {
  test('semver.org §11 precedence example', () => {
    for (const e of ['SEMVER', 'npm', 'crates.io']) {
      chain(
        e,
        '1.0.0-alpha',
        '<',
        '1.0.0-alpha.1',
        '<',
        '1.0.0-alpha.beta',
        '<',
        '1.0.0-beta',
        '<',
        '1.0.0-beta.2',
        '<',
        '1.0.0-beta.11',
        '<',
        '1.0.0-rc.1',
        '<',
        '1.0.0',
        '<',
        '2.0.0',
        '<',
        '2.1.0',
        '<',
        '2.1.1',
      );
    }
  });
  test('numeric identifiers sort numerically and before alphanumeric ones; build metadata is ignored', () => {
    chain('npm', '1.0.0-2', '<', '1.0.0-10', '<', '1.0.0-1a', '<', '1.0.0-a', '<', '1.0.0-a.0', '<', '1.0.0');
    chain('npm', '1.0.0+build.1', '=', '1.0.0+other', '=', '1.0.0', '<', '1.0.1-0');
    chain('SEMVER', '99999999999999999999.0.0', '<', '100000000000000000000.0.0');
  });
  test("components compared as one number (the key's rank) order as the digit walk does at its edges", () => {
    for (const e of ['SEMVER', 'Go', 'npm']) {
      chain(
        e,
        '1.99999.99999',
        '<',
        '2.0.0',
        '<',
        '2.0.99999',
        '<',
        '2.1.0-0',
        '<',
        '2.1.0',
        '=',
        '2.1',
        '=',
        '02.01.00',
      );
      // Past five digits a component has no rank and the keys compare digit by digit.
      chain(
        e,
        '99999.99999.99999',
        '<',
        '100000.0.0',
        '<',
        '100000.0.1',
        '<',
        '100000.100000.0',
        '<',
        '100001.0.0',
      );
      chain(
        e,
        '1.2.99999',
        '<',
        '1.2.100000',
        '<',
        '1.3.0',
        '<',
        '1.100000.0',
        '<',
        '2.0.0-rc.1',
        '<',
        '2.0.0',
      );
    }
    chain('NuGet', '1.2.3', '<', '1.2.3.1', '<', '1.2.4', '=', '1.2.4.0');
  });
  test('npm accepts the leading v or = that node-semver accepts', () => {
    chain('npm', 'v1.2.3', '=', '=1.2.3', '=', '1.2.3');
  });
  test("OSV's lenient forms: leading v, fewer or more than three parts, numbers of any size", () => {
    for (const e of ['SEMVER', 'npm', 'crates.io', 'Go']) {
      chain(e, 'v1.2.3', '=', '1.2.3', '<', '1.2.4', '=', 'v1.2.4');
      chain(e, '1', '=', '1.0', '=', '1.0.0', '<', '1.1', '=', '1.1.0');
      chain(e, '01.02.03', '=', '1.2.3');
      // A fourth component is appended to the prerelease (osv-scalibr's semver-like parser): 1.2.3.4
      // sorts as 1.2.3-.4, before 1.2.3 (and so does 1.2.3.0).
      chain(
        e,
        '1.2.2',
        '<',
        '1.2.3.0',
        '<',
        '1.2.3.4',
        '<',
        '1.2.3.5',
        '<',
        '1.2.3-alpha',
        '<',
        '1.2.3',
        '<',
        '1.2.4',
      );
      chain(e, '1.2.3.4-rc', '=', '1.2.3-rc.4');
      chain(
        e,
        '18446744073709551615.0.0',
        '<',
        '18446744073709551616.0.0',
        '<',
        '99999999999999999999999999999.0.0',
      );
      chain(e, '1.0.0-18446744073709551616', '<', '1.0.0-18446744073709551617', '<', '1.0.0-a');
      // No hyphen before a prerelease: what follows the numbers is still the prerelease.
      chain(e, '1.0.0rc1', '=', '1.0.0-rc1', '<', '1.0.0');
    }
  });
  test('versions no registry publishes are refused with a clear message', () => {
    invalid('SEMVER', 'latest', /starting with a number/);
    invalid('npm', '', /empty version/);
    invalid('crates.io', '1..0', /empty numeric component/);
    invalid('crates.io', '1.', /empty numeric component/);
    invalid('SEMVER', 'vv1.0.0', /starting with a number/);
    invalid('npm', '1.0.0 beta', /blanks/);
  });
});

describe('Go', () => {
  test('the v prefix is optional and x/mod/semver shorthands are accepted', () => {
    chain('Go', 'v1.2.3', '=', '1.2.3', '<', 'v1.3', '=', '1.3.0', '<', 'v2', '=', '2.0.0');
  });
  test('+incompatible is build metadata', () => {
    chain(
      'Go',
      'v2.7.0-rc.0+incompatible',
      '<',
      'v2.7.0+incompatible',
      '=',
      '2.7.0',
      '<',
      'v2.7.1+incompatible',
    );
  });
  test('pseudo-versions are prereleases (go.dev/ref/mod#pseudo-versions)', () => {
    chain(
      'Go',
      'v0.0.0-20191109021931-daa7c04131f5',
      '<',
      'v0.0.0-20220906165146-f3363e06e74c',
      '<',
      'v0.0.0',
      '<',
      'v0.1.0',
    );
    // vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdef: after vX.Y.Z, before vX.Y.(Z+1).
    chain('Go', 'v1.2.3', '<', 'v1.2.4-0.20191109021931-daa7c04131f5', '<', 'v1.2.4-rc.1', '<', 'v1.2.4');
    // vX.Y.Z-pre.0.yyyymmddhhmmss-abcdef: after vX.Y.Z-pre.
    chain('Go', 'v1.2.3-pre', '<', 'v1.2.3-pre.0.20191109021931-daa7c04131f5', '<', 'v1.2.3');
    chain('Go', '2.1.1-0.20170519163204-f913f5f9c7c6+incompatible', '<', 'v2.1.1+incompatible');
  });
  test('invalid Go versions', () => {
    invalid('Go', 'vv1.2.3', /starting with a number/);
    invalid('Go', 'latest', /starting with a number/);
  });
});

describe('PyPI (PEP 440)', () => {
  test('PEP 440 ordering of dev, pre, post and local versions', () => {
    chain(
      'PyPI',
      '1.0.dev0',
      '<',
      '1.0a0.dev0',
      '<',
      '1.0a1',
      '<',
      '1.0a1.post1',
      '<',
      '1.0a2.dev0',
      '<',
      '1.0b1',
      '<',
      '1.0rc1',
      '<',
      '1.0rc1.post1',
      '<',
      '1.0',
      '<',
      '1.0+abc',
      '<',
      '1.0+1',
      '<',
      '1.0.post1.dev0',
      '<',
      '1.0.post1',
      '<',
      '1.1.dev1',
    );
  });
  test('normalized spellings compare equal', () => {
    chain('PyPI', '1.0', '=', '1', '=', '1.0.0', '=', 'v1.0', '=', ' 1.0 ', '=', '0!1.0');
    chain('PyPI', '1.0alpha1', '=', '1.0a1', '=', '1.0-A-1', '=', '1.0_a.1');
    chain('PyPI', '1.0c1', '=', '1.0rc1', '=', '1.0pre1', '=', '1.0preview1');
    chain('PyPI', '1.0-1', '=', '1.0.post1', '=', '1.0r1', '=', '1.0-rev1', '=', '1.0POST1');
    chain('PyPI', '1.0.dev', '=', '1.0.dev0', '=', '1.0-DEV-0');
    chain('PyPI', '1.0+ubuntu-1', '=', '1.0+Ubuntu.1', '<', '1.0+ubuntu.1.0');
  });
  test('numbers of any size compare by value, as Python ints do', () => {
    chain(
      'PyPI',
      '1.99999999999999999998',
      '<',
      '1.99999999999999999999',
      '<',
      '1.100000000000000000000',
      '=',
      '1.100000000000000000000.0',
    );
    chain('PyPI', '1.0.post18446744073709551616', '<', '1.0.post18446744073709551617');
  });
  test('epochs dominate', () => {
    chain('PyPI', '2.0', '<', '1!0.1', '<', '1!1.0', '<', '2!0.0.dev0');
  });
  test("legacy versions sort before every PEP 440 version, by pip's LegacyVersion key", () => {
    // packaging 21.3 _legacy_cmpkey: epoch -1, numeric parts zero-padded, "*final" appended, dev → "@", pre/rc → "c".
    chain(
      'PyPI',
      'foo',
      '<',
      'french toast',
      '<',
      '1.0-dev-foo',
      '<',
      '1.0-rc-foo',
      '=',
      '1.0-pre-foo',
      '<',
      '1.0-final',
    );
    chain(
      'PyPI',
      '1.0-final',
      '<',
      '1.0-foo',
      '=',
      '1.0.0.0-foo',
      '=',
      '1-foo',
      '<',
      '2_0',
      '<',
      '0.0.dev0',
      '<',
      '0.1',
    );
  });
  test('PEP 503 name normalization', () => {
    for (const n of [
      'friendly-bar',
      'Friendly-Bar',
      'friendly.bar',
      'friendly_bar',
      'FRIENDLY--BAR',
      'Friendly._-Bar',
    ]) {
      assert.equal(normalizePypiName(n), 'friendly-bar');
    }
  });
});

describe('Maven (the version order specification, as OSV implements it)', () => {
  test('the splitting and trimming examples of the POM reference', () => {
    const tokens = (v: string) => mavenTokens(parseMaven(v));
    assert.equal(tokens('1-1.foo-bar1baz-.1'), '1-1.foo-bar-1-baz-0.1');
    for (const v of ['1.0.0', '1.ga', '1.final', '1.0', '1.', '1-', '1.0.0-0.0.0'])
      assert.equal(tokens(v), '1');
    assert.equal(tokens('1.0.0-foo.0.0'), '1-foo');
  });
  test('the ordering examples of the POM reference', () => {
    chain('Maven', '1', '<', '1.1');
    chain('Maven', '1-snapshot', '<', '1', '<', '1-sp');
    chain('Maven', '1-foo2', '<', '1-foo10');
    // ".qualifier" < "-qualifier" < "-number" < ".number"
    chain('Maven', '1.foo', '<', '1-foo', '<', '1-1', '<', '1.1');
    chain('Maven', '1.ga', '=', '1-ga', '=', '1-0', '=', '1.0', '=', '1');
    chain('Maven', '1-ga', '<', '1-sp');
    chain('Maven', '1-ga.1', '<', '1-sp.1');
    chain('Maven', '1-sp-1', '<', '1-ga-1', '=', '1-1');
    chain('Maven', '1-a1', '=', '1-alpha-1');
  });
  test('qualifiers, aliases and case', () => {
    chain(
      'Maven',
      '1.0-alpha1',
      '<',
      '1.0-beta1',
      '<',
      '1.0-M1',
      '=',
      '1.0-milestone-1',
      '<',
      '1.0-cr1',
      '=',
      '1.0-RC1',
      '<',
      '1.0-SNAPSHOT',
      '<',
      '1.0.0',
      '=',
      '1.0.RELEASE',
      '=',
      '1.0.0.Final',
      '=',
      '1-GA',
      '<',
      '1-sp',
      '<',
      '1-abc',
      '<',
      '1-xyz',
      '<',
      '1-1',
    );
    chain('Maven', '2.0.0-beta-1', '<', '2.0.0-M1');
    // Padding against ".sp" is an empty qualifier, so 1 < 1.sp (osv-scalibr; osv.dev's maven.py pads "0").
    chain('Maven', '1', '<', '1.sp');
    chain('Maven', '1.alpha', '<', '1', '<', '1.foo');
  });
  test('where Maven’s ComparableVersion differs, the specification wins', () => {
    // Digit/letter transitions without a separator read as '-', not '.'.
    chain('Maven', '10.b', '<', '10b', '=', '10-b');
    chain('Maven', '1.0.0-X2', '<', '1.0.0.X1');
    // '.'-qualifiers sort before '-'-qualifiers.
    chain('Maven', '1.foo', '<', '1-foo');
    chain('Maven', '0.ga-2-milestone', '=', '0-ga-2-milestone');
    // '_' is a non-digit like any letter: 2_m is a qualifier "_m" after '-', 2.m one after '.'.
    chain('Maven', '2.m', '<', '2_m');
    // 1-ga-1 trims its "ga" and equals 1-1.
    chain('Maven', '1-ga-1', '=', '1-1');
    // Trailing nulls go, before padding compares anything.
    chain('Maven', '2.alpha', '=', '2.alpha.0');
  });
  test('ComparableVersion (maven-artifact 3.8.x) is kept as the second reference', () => {
    const jar = (a: string, b: string) =>
      mavenComparable.compare(mavenComparable.parse(a), mavenComparable.parse(b));
    assert.equal(jar('10b', '10.b'), 0);
    assert.equal(jar('1.foo', '1-foo'), 0);
    assert.equal(jar('1-ga-1', '1-1'), -1);
    assert.equal(jar('1.0.0.X1', '1.0.0-X2'), -1);
    assert.equal(mavenCanonical(mavenComparable.parse('1-1.foo-bar1baz-.1')), '1-1.foo-bar-1-baz-0.1');
  });
  test('large numbers compare by value', () => {
    chain(
      'Maven',
      '2147483647',
      '<',
      '2147483648',
      '<',
      '999999999999999999',
      '<',
      '1000000000000000000',
      '<',
      '12345678901234567890',
    );
    chain('Maven', '1.007', '=', '1.7');
  });
  test('an empty version is rejected', () => {
    invalid('Maven', '', /empty version/);
  });
});

describe('Debian (dpkg)', () => {
  test('~ sorts before everything, even the end of the string', () => {
    chain(
      'Debian',
      '1.0~~',
      '<',
      '1.0~~a',
      '<',
      '1.0~',
      '<',
      '1.0~rc1',
      '<',
      '1.0',
      '<',
      '1.0a',
      '<',
      '1.0+',
      '<',
      '1.0.1',
    );
  });
  test('epochs and revisions', () => {
    chain(
      'Debian',
      '1.0-1~bpo1',
      '<',
      '1.0-1',
      '<',
      '1.0-1+deb12u1',
      '<',
      '1.0-2',
      '<',
      '1.0+b1-1',
      '<',
      '1:0.9',
      '<',
      '2:0.1',
    );
    chain('Debian', '0:1.0', '=', '1.0', '=', '1.0-0', '=', '00:1.0');
    chain('Debian', '1.0', '<', '1.0.0');
    chain('Debian', '2.30-1', '<', '2.30-10', '=', '2.30-010');
  });
  test('Debian:N and Ubuntu ecosystems use dpkg order', () => {
    chain('Debian:12', '1.2~rc1-1', '<', '1.2-1');
    chain('Ubuntu:22.04:LTS', '1.2-1ubuntu1', '<', '1.2-1ubuntu2');
  });
  test('invalid Debian versions', () => {
    invalid('Debian', 'a1.0', /does not start with digit/);
    invalid('Debian', '1.0-', /revision number is empty/);
    invalid('Debian', 'x:1.0', /epoch in version is not number/);
    invalid('Debian', '1.0 1', /embedded spaces/);
    invalid('Debian', '1.0_1', /invalid character/);
  });
});

describe('RubyGems (Gem::Version)', () => {
  test('prerelease segments with letters sort before the release', () => {
    chain(
      'RubyGems',
      '1.0.0.a',
      '<',
      '1.0.0.a.1',
      '<',
      '1.0.0.a2',
      '<',
      '1.0.0.b',
      '<',
      '1.0.0.pre.1',
      '<',
      '1.0.0.rc1',
      '<',
      '1.0.0',
      '<',
      '1.0.0.1',
    );
    chain('RubyGems', '1.0.0.A', '<', '1.0.0.a');
    chain('RubyGems', '1.0.a9', '<', '1.0.a10');
  });
  test('a hyphen means .pre.; trailing zeros are dropped', () => {
    chain('RubyGems', '1.0-rc1', '=', '1.0.pre.rc1', '<', '1.0.rc1');
    chain('RubyGems', '1', '=', '1.0', '=', '1.0.0.0', '=', '01.0');
    chain('RubyGems', '1.a', '=', '1.0.a');
  });
  test('platform suffixes are stripped before comparing and kept aside', () => {
    chain(
      'RubyGems',
      '1.13.9',
      '<',
      '1.13.10-x86_64-linux',
      '=',
      '1.13.10-x86_64-linux-gnu',
      '=',
      '1.13.10-java',
      '=',
      '1.13.10',
    );
    chain('RubyGems', '1.0.0.rc1', '<', '1.0.0-java', '=', '1.0.0-x64-mingw-ucrt', '=', '1.0.0-arm64-darwin');
    assert.deepEqual(splitGemPlatform('1.13.10-x86_64-linux-musl'), {
      version: '1.13.10',
      platform: 'x86_64-linux-musl',
    });
    assert.deepEqual(splitGemPlatform('2.0.0-rc1'), { version: '2.0.0-rc1', platform: '' });
    assert.equal((versionKey('RubyGems', '9.4.3.0-java') as { platform: string }).platform, 'java');
  });
  test('invalid gem versions', () => {
    invalid('RubyGems', 'junk', /Malformed version number/);
    invalid('RubyGems', '1.0.', /Malformed version number/);
    invalid('RubyGems', '', /empty version/);
  });
});

describe('NuGet', () => {
  test("prerelease order of NuGet's package versioning documentation", () => {
    chain(
      'NuGet',
      '1.0.1-aaa',
      '<',
      '1.0.1-alpha10',
      '<',
      '1.0.1-alpha2',
      '<',
      '1.0.1-beta',
      '<',
      '1.0.1-open',
      '<',
      '1.0.1-rc',
      '<',
      '1.0.1-zzz',
      '<',
      '1.0.1',
    );
  });
  test('normalization: missing parts are 0, leading zeros and metadata ignored, labels case-insensitive', () => {
    chain('NuGet', '1', '=', '1.0', '=', '1.0.0', '=', '1.0.0.0', '=', '1.00', '=', '1.0.0+githash');
    chain('NuGet', '1.01.1', '=', '1.1.1', '<', '1.1.1.1', '<', '1.1.2-beta', '<', '1.1.2');
    chain('NuGet', '1.0.0-Beta', '=', '1.0.0-beta', '=', '1.0.0-BETA+meta');
  });
  test('SemVer 2 labels: numeric by value, before alphanumeric', () => {
    chain(
      'NuGet',
      '1.0.0-1',
      '<',
      '1.0.0-beta',
      '<',
      '1.0.0-beta.2',
      '<',
      '1.0.0-beta.11',
      '<',
      '1.0.0-beta.x',
      '<',
      '1.0.0-rc.1',
    );
  });
  test('more than four parts go to the prerelease, as OSV reads them', () => {
    chain('NuGet', '1.0.0.0.1', '<', '1.0.0.0.2', '<', '1.0.0.0', '<', '1.0.0.1');
    chain('NuGet', 'v1.2', '=', '1.2.0.0');
  });
  test('invalid NuGet versions', () => {
    invalid('NuGet', 'a.1', /starting with a number/);
    invalid('NuGet', '1..0', /empty numeric component/);
  });
});

describe('Alpine (apk-tools)', () => {
  test('numbers, the letter, suffixes and the revision (apk-package(5))', () => {
    chain(
      'Alpine',
      '1.0',
      '<',
      '1.0.1',
      '<',
      '1.1',
      '<',
      '1.2_alpha',
      '<',
      '1.2_beta2',
      '<',
      '1.2_pre',
      '<',
      '1.2_rc1',
    );
    chain(
      'Alpine',
      '1.2_rc1',
      '<',
      '1.2',
      '<',
      '1.2-r1',
      '<',
      '1.2-r10',
      '<',
      '1.2a',
      '<',
      '1.2b-r0',
      '<',
      '1.2.0',
    );
    chain(
      'Alpine',
      '1.2',
      '<',
      '1.2_cvs',
      '<',
      '1.2_svn',
      '<',
      '1.2_git',
      '<',
      '1.2_hg',
      '<',
      '1.2_p1',
      '<',
      '1.2_p10',
    );
    chain('Alpine', '1.0_alpha_pre2', '<', '1.0_alpha', '<', '1.0_alpha1', '<', '1.0_alpha1_p1');
    chain('Alpine', '1.0_pre20191002222144-r0', '<', '1.0_pre20210530193627-r0');
  });
  test('leading zeros after a dot count against the component', () => {
    chain('Alpine', '1.005', '<', '1.05', '<', '1.5', '=', '1.5');
    chain('Alpine', '1.2.07.8', '<', '1.2.12.04', '<', '1.2.12.05');
    chain('Alpine', '1.0', '<', '1.01', '<', '1.1');
    chain('Alpine', '006', '=', '6', '<', '7');
  });
  test('versions apk-tools does not validate are refused', () => {
    invalid('Alpine', '1.0bc', /not a valid apk version/);
    invalid('Alpine', '23_foo', /unknown suffix/);
    invalid('Alpine', '1.0-1', /not a valid apk version/);
    invalid('Alpine', '', /empty version/);
  });
  test('Wolfi and Chainguard use the same order', () => {
    chain('Wolfi', '1.2_rc1', '<', '1.2-r0', '<', '1.2-r1');
    chain('Chainguard:x', '3.1_p16', '<', '3.1_p17');
  });
});

describe('Red Hat (rpmvercmp)', () => {
  test('epoch, version, release; ~ before and ^ after the end', () => {
    chain('Red Hat', '1.0~rc1', '<', '1.0', '<', '1.0^git1', '<', '1.0a', '<', '1.0.1');
    chain('Red Hat', '1.0', '<', '1.0-1', '<', '1.0-2.el8', '<', '1.0-10.el8');
    chain('Red Hat', '2.0-1', '<', '1:1.0-1', '=', '1:1.0-1', '<', '2:0.1');
    chain('Red Hat', '0:1.0', '=', '1.0', '=', ':1.0');
    chain('Red Hat', '1.0.a', '<', '1.0.1', '=', '1.0_1', '=', '1.00.1');
    chain('Red Hat', '1.0-1.el8_2.1', '<', '1.0-1.el8_3');
    chain('Red Hat:enterprise_linux:8::appstream', '4.18.0-80.el8', '<', '4.18.0-147.el8');
    chain('Rocky Linux:8', '1.2.3-1.el8', '<', '1.2.3-1.el8_1');
  });
  test('numeric segments are newer than letters; long numbers compare by value', () => {
    chain('Red Hat', '1.0a', '<', '1.0.0', '<', '1.01');
    chain('Red Hat', '1.99999999999999999999', '<', '1.100000000000000000000');
  });
});

describe('ecosystems and the CLI comparison', () => {
  test('unknown ecosystems are a typed error', () => {
    assert.throws(() => compareVersions('Hackage', '1', '2'), UnknownEcosystemError);
    assert.throws(() => versionOrder('debian'), /unknown ecosystem "debian"/);
  });
  test('hostile versions fail cleanly: over-long strings are refused, long valid ones parse', () => {
    for (const e of knownEcosystems()) {
      invalid(e, '1.'.repeat(600), /longer than (1024|256) characters/);
    }
    invalid('npm', `1.0.0-${'a'.repeat(251)}`, /longer than 256 characters/);
    // Deep Maven nesting (one sub-list per `-`) within the cap compares without exhausting the stack.
    chain('Maven', `1${'-a'.repeat(500)}`, '<', `1${'-a'.repeat(499)}-b`);
    chain('RubyGems', `1${'-a'.repeat(400)}-java`, '=', `1${'-a'.repeat(400)}`);
  });
  test('a parsed key can be compared many times', () => {
    const order = versionOrder('PyPI');
    const bound = order.parse('2.0');
    assert.deepEqual(
      ['1.9', '2.0', '2.0.post1', 'foo'].map((v) => order.compare(order.parse(v), bound)),
      [-1, 0, 1, -1],
    );
  });
  test('compareLines prints <, = or > per line', () => {
    assert.deepEqual(compareLines('PyPI', '1.0 1.0.post1\n1.0a1\t1.0.dev0\n\n 1.0   1 \n'), {
      output: '<\n>\n=\n',
      problems: [],
    });
    assert.equal(compareLines('Debian:12', '1:1.0 2.0\r\n').output, '>\n');
    assert.deepEqual(compareLines('npm', ''), { output: '', problems: [] });
  });
  test('a line it cannot compare gets ! and is named; the others are still answered', () => {
    const r = compareLines('npm', '1.0.0 1.0.1\n1.0.0\n1.0.0 1.0.1 1.0.2\n\nlatest 1.0.0\n2.0.0 1.0\n');
    assert.equal(r.output, '<\n!\n!\n!\n>\n');
    assert.deepEqual(
      r.problems.map((p) => p.line),
      [2, 3, 5],
    );
    assert.ok(r.problems.every((p) => p instanceof CompareInputError));
    assert.match(r.problems[0]!.message, /^line 2: expected two versions/);
    assert.match(r.problems[2]!.message, /^line 5: invalid npm version "latest"/);
  });
});
