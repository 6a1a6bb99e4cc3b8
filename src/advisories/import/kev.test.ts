import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ImportError } from '../../formats/index.ts';
import { MAX_KEV_BYTES, parseKev } from './kev.ts';

const KEV = readFileSync(
  new URL('../../../../shared/data/kev/known_exploited_vulnerabilities.json', import.meta.url),
);
const raw = () =>
  JSON.parse(KEV.toString('utf8')) as { vulnerabilities: Record<string, unknown>[] } & Record<
    string,
    unknown
  >;

describe('KEV catalogue (CISA, 2025-08-25)', () => {
  test('all 1,404 entries convert against CISA schema', () => {
    const k = parseKev(KEV);
    assert.equal(k.catalogVersion, '2025.08.25');
    assert.equal(k.count, 1404);
    assert.equal(k.vulnerabilities.length, 1404);
    assert.equal(new Set(k.vulnerabilities.map((v) => v.cveId)).size, 1404);
    for (const v of k.vulnerabilities) {
      assert.match(v.cveId, /^CVE-\d{4}-\d{4,}$/);
      assert.match(v.dateAdded, /^\d{4}-\d{2}-\d{2}$/);
      assert.match(v.dueDate, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(v.ransomware, v.knownRansomwareCampaignUse === 'Known');
    }
    const expectedRansomware = raw().vulnerabilities.filter(
      (v) => v['knownRansomwareCampaignUse'] === 'Known',
    ).length;
    assert.equal(k.vulnerabilities.filter((v) => v.ransomware).length, expectedRansomware);
  });

  test('the first entry, field by field', () => {
    const first = parseKev(KEV).vulnerabilities[0];
    assert.deepEqual(
      { ...first, notes: undefined, shortDescription: undefined },
      {
        cveId: 'CVE-2025-48384',
        vendorProject: 'Git',
        product: 'Git',
        vulnerabilityName: 'Git Link Following Vulnerability',
        dateAdded: '2025-08-25',
        shortDescription: undefined,
        requiredAction:
          'Apply mitigations per vendor instructions, follow applicable BOD 22-01 guidance for cloud services, or discontinue use of the product if mitigations are unavailable.',
        dueDate: '2025-09-15',
        knownRansomwareCampaignUse: 'Unknown',
        ransomware: false,
        notes: undefined,
        cwes: ['CWE-59', 'CWE-436'],
      },
    );
  });
});

describe('KEV: broken input', () => {
  test('a malformed CVE id and a missing due date are schema errors with pointers', () => {
    const doc = raw();
    doc.vulnerabilities[3]['cveID'] = 'CVE-25-1';
    delete doc.vulnerabilities[7]['dueDate'];
    try {
      parseKev(JSON.stringify(doc));
      assert.fail('accepted');
    } catch (err) {
      assert.ok(err instanceof ImportError);
      assert.equal(err.kind, 'schema');
      assert.deepEqual(
        err.schemaErrors.map((e) => e.pointer),
        ['/vulnerabilities/3/cveID', '/vulnerabilities/7'],
      );
      assert.match(err.schemaErrors[1].detail, /missing required property "dueDate"/);
    }
  });

  test('a duplicate CVE id is refused (the join by alias would be ambiguous)', () => {
    const doc = raw();
    doc.vulnerabilities[10]['cveID'] = doc.vulnerabilities[2]['cveID'];
    assert.throws(
      () => parseKev(JSON.stringify(doc)),
      (e: unknown) => e instanceof ImportError && e.schemaErrors[0].pointer === '/vulnerabilities/10/cveID',
    );
  });

  test('not JSON, not a catalogue, too large', () => {
    assert.throws(
      () => parseKev('{"vulnerabilities": ['),
      (e: unknown) => e instanceof ImportError && e.kind === 'malformed-json',
    );
    assert.throws(
      () => parseKev('[]'),
      (e: unknown) => e instanceof ImportError && e.kind === 'schema',
    );
    const big = new Uint8Array(100 * 1024 * 1024);
    assert.ok(big.length > MAX_KEV_BYTES);
    assert.throws(
      () => parseKev(big),
      (e: unknown) => e instanceof ImportError && e.kind === 'too-large',
    );
  });
});
