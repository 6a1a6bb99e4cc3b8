// CPE names: both bindings read into one form, and NISTIR 7696 matching (ANY, NA, wildcards).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cpeMatches, identityFromCpe, parseCpe, withCpeIdentity } from './cpe.ts';

const m = (pattern: string, name: string) => cpeMatches(parseCpe(pattern), parseCpe(name));

describe('CPE names', () => {
  test('the 2.3 formatted string and the 2.2 URI read the same', () => {
    const a = parseCpe('cpe:2.3:a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha:*:*:*:*:*:*:*');
    const b = parseCpe('cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha');
    assert.deepEqual(a, b);
    assert.deepEqual(a.version, { kind: 'value', text: '1.0.0-alpha', wildcard: false });
    // Escapes: a literal colon and a literal asterisk stay literal.
    const esc = parseCpe('cpe:2.3:a:foo\\:bar:baz\\*:1.0:*:*:*:*:*:*:*');
    assert.deepEqual(identityFromCpe(esc, undefined)?.name, 'a:foo:bar:baz*');
    assert.equal(esc.product.kind === 'value' && esc.product.wildcard, false);
    // Percent-encoding and the packed edition of a URI.
    const uri = parseCpe('cpe:/o:redhat:rhel_aus:7.6::server');
    assert.deepEqual(uri.update, { kind: 'any' });
    assert.deepEqual(uri.edition, { kind: 'value', text: 'server', wildcard: false });
    const packed = parseCpe('cpe:/a:vendor:prod%21uct:1.0::~~pro~~x64~');
    assert.deepEqual(identityFromCpe(packed, undefined)?.name, 'a:vendor:prod!uct');
    assert.deepEqual(packed.swEdition, { kind: 'value', text: 'pro', wildcard: false });
    assert.deepEqual(packed.targetHw, { kind: 'value', text: 'x64', wildcard: false });
    assert.throws(() => parseCpe('cpe:2.3:a:too:few'), /11 attributes/);
    assert.throws(() => parseCpe('cpe:2.3:x:v:p:1:*:*:*:*:*:*:*'), /part must be a, o or h/);
    assert.throws(() => parseCpe('pkg:npm/x@1'), /not a CPE name/);
  });

  test('matching: ANY is a superset, NA only of NA, wildcards in the pattern, case-insensitive', () => {
    const name = 'cpe:2.3:a:Siemens:SIMATIC_S7-1500:2.9.2:*:*:*:*:*:*:*';
    assert.ok(m('cpe:2.3:a:siemens:simatic_s7-1500:*:*:*:*:*:*:*:*', name));
    assert.ok(m('cpe:2.3:a:siemens:simatic_s7-1500:2.9.2:*:*:*:*:*:*:*', name));
    assert.ok(m('cpe:2.3:a:siemens:simatic_s7-15??:2.9.*:*:*:*:*:*:*:*', name));
    assert.ok(m('cpe:2.3:*:*:simatic*:*:*:*:*:*:*:*:*', name));
    assert.ok(!m('cpe:2.3:a:siemens:simatic_s7-1500:2.9.3:*:*:*:*:*:*:*', name));
    assert.ok(
      !m('cpe:2.3:a:siemens:simatic_s7-1500:2.9.2:sp1:*:*:*:*:*:*', name),
      'a value is no superset of ANY',
    );
    assert.ok(!m('cpe:2.3:o:siemens:simatic_s7-1500:*:*:*:*:*:*:*:*', name), 'another part');
    assert.ok(m('cpe:2.3:a:v:p:-:*:*:*:*:*:*:*', 'cpe:2.3:a:v:p:-:*:*:*:*:*:*:*'), 'NA matches NA');
    assert.ok(
      !m('cpe:2.3:a:v:p:-:*:*:*:*:*:*:*', 'cpe:2.3:a:v:p:1.0:*:*:*:*:*:*:*'),
      'NA is disjoint from a value',
    );
    assert.ok(!m('cpe:2.3:a:v:p:1.0:*:*:*:*:*:*:*', 'cpe:2.3:a:v:p:-:*:*:*:*:*:*:*'));
    assert.ok(
      !m('cpe:2.3:a:v:p\\*:1.0:*:*:*:*:*:*:*', 'cpe:2.3:a:v:px:1.0:*:*:*:*:*:*:*'),
      'an escaped * is literal',
    );
    assert.ok(m('cpe:2.3:a:v:p\\*:1.0:*:*:*:*:*:*:*', 'cpe:2.3:a:v:p\\*:1.0:*:*:*:*:*:*:*'));
  });

  test('a component without a usable purl is matched by its CPE; a purl wins', () => {
    const noPurl = { version: '2.9.2', warnings: ['no purl: the component cannot be matched to advisories'] };
    const r = withCpeIdentity(noPurl, 'cpe:2.3:a:siemens:simatic_s7-1500:*:*:*:*:*:*:*:*', '2.9.2');
    assert.deepEqual(r.identity, {
      ecosystem: 'CPE',
      name: 'a:siemens:simatic_s7-1500',
      normalizedName: 'a:siemens:simatic_s7-1500',
    });
    assert.equal(r.version, '2.9.2', 'the CPE names no version: the component’s own counts');
    assert.match(r.warnings.join(), /matched to advisories by its CPE/);
    assert.doesNotMatch(r.warnings.join(), /cannot be matched/);
    const own = withCpeIdentity(noPurl, 'cpe:/a:siemens:simatic_s7-1500:3.0', '2.9.2');
    assert.equal(own.version, '3.0', 'the CPE’s version');
    const purl = {
      identity: { ecosystem: 'npm', name: 'x', normalizedName: 'x' },
      version: '1.0.0',
      warnings: [],
    };
    assert.equal(withCpeIdentity(purl, 'cpe:/a:v:x:1.0.0', '1.0.0'), purl);
    assert.match(
      withCpeIdentity(noPurl, 'cpe:2.3:a:*:x:1:*:*:*:*:*:*:*', '1').warnings.join(),
      /names no package/,
    );
  });
});
