import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ratingOf, scoreCvss } from './cvss.ts';
import { ImportError } from '../../formats/index.ts';

// FIRST, "Common Vulnerability Scoring System v3.1: Examples" (first.org/cvss/v3.1/examples).
const V31_SPEC_EXAMPLES: [string, string, number][] = [
  ['CVE-2013-1937 phpMyAdmin reflected XSS', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
  ['CVE-2013-0375 MySQL stored SQL injection', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', 6.4],
  ['CVE-2014-3566 SSLv3 POODLE', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1],
  ['CVE-2012-1516 VMware guest to host escape', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9],
  ['CVE-2009-0783 Apache Tomcat XML parser', 'CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L', 4.2],
  [
    'CVE-2012-0384 Cisco IOS arbitrary command execution',
    'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
    8.8,
  ],
  ['CVE-2015-1098 Apple iWork denial of service', 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 7.8],
  ['CVE-2014-0160 OpenSSL Heartbleed', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5],
  ['CVE-2014-6271 GNU Bash Shellshock', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
  ['CVE-2008-1447 DNS Kaminsky bug', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N', 6.8],
  ['CVE-2014-2005 Sophos login screen bypass', 'CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 6.8],
  ['CVE-2010-0467 Joomla directory traversal', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N', 5.8],
  ['CVE-2016-1645 Google Chrome PDFium JPEG 2000 RCE', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 8.8],
];

// CVSS v4.0 (first.org/cvss/v4.0/specification-document), scores as FIRST's reference
// calculator gives them.
const V40_EXAMPLES: [string, string, number][] = [
  [
    'network, no privileges, high impact on the vulnerable system',
    'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
    9.3,
  ],
  [
    'high impact on vulnerable and subsequent systems (maximum)',
    'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H',
    10,
  ],
  ['confidentiality only', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N', 8.7],
  [
    'CVE-2022-41741 nginx mp4 module (local, low privileges)',
    'CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
    8.5,
  ],
  ['no impact at all', 'CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N', 0],
];

// NVD's CVSS v3.1 base vectors and scores for CVEs that the Go vulnerability database lists as
// aliases. (The Go OSV entries themselves carry no severity; these CVEs tie the check to them.)
const NVD_FOR_GO_DATA: [string, string, string, number][] = [
  ['GO-2022-0493', 'CVE-2022-29526', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', 5.3],
  ['GO-2021-0356', 'CVE-2022-27191', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.5],
  ['GO-2023-2102', 'CVE-2023-39325', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.5],
  ['GO-2021-0319', 'CVE-2022-23806', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N', 9.1],
  ['GO-2021-0053', 'CVE-2021-3121', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:H', 8.6],
];

describe('CVSS v3.1 — FIRST specification examples', () => {
  for (const [name, vector, score] of V31_SPEC_EXAMPLES) {
    test(`${name}: ${score}`, () => {
      const s = scoreCvss(vector);
      assert.equal(s.version, '3.1');
      assert.equal(s.score, score);
      assert.equal(s.rating, ratingOf(score));
    });
  }
  test('CVSS v3.0 scores the same example the same way (CVE-2013-1937, 6.1 Medium)', () => {
    assert.deepEqual(scoreCvss('CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N'), {
      version: '3.0',
      vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
      score: 6.1,
      rating: 'Medium',
    });
  });
  test('temporal metrics do not change the base score used for severity', () => {
    assert.equal(scoreCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C').score, 9.8);
  });
});

describe('CVSS v4.0 — specification and FIRST calculator', () => {
  for (const [name, vector, score] of V40_EXAMPLES) {
    test(`${name}: ${score}`, () => {
      const s = scoreCvss(vector);
      assert.equal(s.version, '4.0');
      assert.equal(s.score, score);
      assert.equal(s.rating, ratingOf(score));
    });
  }
});

describe('CVSS — NVD scores for CVEs in the Go vulnerability database', () => {
  for (const [goId, cve, vector, score] of NVD_FOR_GO_DATA) {
    test(`${cve} (${goId}): ${score}`, () => {
      const osv = JSON.parse(
        readFileSync(new URL(`../../../../shared/data/osv-go/${goId}.json`, import.meta.url), 'utf8'),
      ) as { aliases: string[] };
      assert.ok(osv.aliases.includes(cve), `${goId} lists ${cve}`);
      assert.equal(scoreCvss(vector).score, score);
    });
  }
});

describe('CVSS — ratings and invalid vectors', () => {
  test('qualitative rating boundaries (v3.1 table 14, v4.0 the same)', () => {
    assert.deepEqual([0, 0.1, 3.9, 4.0, 6.9, 7.0, 8.9, 9.0, 10].map(ratingOf), [
      'None',
      'Low',
      'Low',
      'Medium',
      'Medium',
      'High',
      'High',
      'Critical',
      'Critical',
    ]);
  });

  const invalid: [string, RegExp][] = [
    ['', /must start with CVSS:3\.0\/, CVSS:3\.1\/ or CVSS:4\.0\//],
    ['garbage', /must start with/],
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', /must start with/], // CVSS v2 is not scored
    ['CVSS:3.1/AV:N/AC:L', /base metrics PR, UI, S, C, I, A missing/],
    ['CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /Unknown component value Q for component AV/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:Q', /Unknown component ZZ/],
    ['CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /metric AV appears twice/],
    ['CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /not defined/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/', /"" is not a METRIC:VALUE pair/],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H', /base metrics SC, SI, SA missing/],
    ['CVSS:5.0/AV:N', /must start with/],
  ];
  for (const [vector, why] of invalid) {
    test(`invalid vector ${JSON.stringify(vector)} is a clear ImportError`, () => {
      assert.throws(
        () => scoreCvss(vector),
        (e: unknown) => e instanceof ImportError && e.kind === 'invalid-vector' && why.test(e.message),
      );
    });
  }
});
