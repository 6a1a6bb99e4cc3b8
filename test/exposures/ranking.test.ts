// Issue 14, severity and likelihood, through the real HTTP stack on both databases: an advisory
// without CVSS takes the score of an imported alias and says where it came from; the FIRST EPSS CSV
// (plain and gzip) is imported by reference publishers only, committed to the ledger, shown on the
// exposures and ranks them after KEV and before CVSS; every exposure shows the due-date rule.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests.
type Json = Record<string, any>;

async function call(
  s: TestServer,
  token: string,
  method: string,
  path: string,
  body?: string | Buffer,
  type = 'application/json',
) {
  const r = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': type } : {}) },
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Blob([new Uint8Array(body)]) : body,
  });
  const text = await r.text();
  return {
    status: r.status,
    body: (text ? JSON.parse(text) : {}) as Json,
    type: r.headers.get('content-type'),
  };
}

const MODIFIED = '2024-01-02T00:00:00Z';
function osv(id: string, pkg: string, aliases: string[], vector?: string): string {
  return JSON.stringify({
    schema_version: '1.6.0',
    id,
    modified: MODIFIED,
    aliases,
    summary: `${id} in ${pkg}`,
    ...(vector ? { severity: [{ type: 'CVSS_V3', score: vector }] } : {}),
    affected: [
      {
        package: { ecosystem: 'npm', name: pkg },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }],
      },
    ],
  });
}
const CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; // 9.8
const MEDIUM = 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:N'; // 4.6

const sbom = JSON.stringify({
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  version: 1,
  components: ['rank-alias', 'rank-epss', 'rank-cvss'].map((n) => ({
    type: 'library',
    'bom-ref': n,
    name: n,
    version: '1.0.0',
    purl: `pkg:npm/${n}@1.0.0`,
  })),
});

const EPSS = `#model_version:v2025.03.14,score_date:2025-06-01T00:00:00+0000
cve,epss,percentile
CVE-2099-0001,0.00100,0.10000
CVE-2099-0002,0.91000,0.99100
CVE-2099-0003,0.00050,0.05000
`;

for (const kind of testDatabaseKinds()) {
  describe(`severity from aliases, EPSS and ranking, due-date rules on ${kind.name}`, {
    skip: kind.skip,
  }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let centre: string;
    let grid: string;
    let asset: string;
    const byPackage = async (): Promise<Map<string, Json>> => {
      const r = await call(s, grid, 'GET', `/api/v1/exposures?asset=${asset}&limit=100`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return new Map((r.body.items as Json[]).map((e) => [e.package, e]));
    };

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      centre = await s.token(s.orgId('National Cyber Security Coordination Centre'), 'admin');
      grid = await s.token(s.orgId('Northport Power Grid'), 'admin');
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('an advisory without CVSS takes an imported alias’s score and names it', async () => {
      const advisories = `[${[
        osv('BWK-2099-0001', 'rank-alias', ['CVE-2099-0001']),
        osv('BWK-2099-0002', 'rank-epss', ['CVE-2099-0002']),
        osv('BWK-2099-0003', 'rank-cvss', ['CVE-2099-0003'], MEDIUM),
      ].join(',')}]`;
      const r = await call(s, centre, 'POST', '/api/v1/advisories', advisories);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const up = await call(
        s,
        grid,
        'POST',
        '/api/v1/sboms?asset=rank-gateway&criticality=high',
        sbom,
        'application/vnd.cyclonedx+json',
      );
      assert.equal(up.status, 201, JSON.stringify(up.body));
      asset = up.body.asset.id;
      let e = await byPackage();
      assert.equal(e.size, 3);
      assert.equal(e.get('rank-alias')!.severity.score, null);
      assert.equal(e.get('rank-alias')!.severitySource, null);
      assert.deepEqual(e.get('rank-cvss')!.severitySource, { advisory: 'BWK-2099-0003', via: 'advisory' });

      // A GHSA naming the same CVE, with a CVSS vector, arrives later: the exposure takes its score.
      const ghsa = await call(
        s,
        centre,
        'POST',
        '/api/v1/advisories',
        osv('GHSA-rank-alia-s001', 'not-deployed', ['CVE-2099-0001'], CRITICAL),
      );
      assert.equal(ghsa.status, 200, JSON.stringify(ghsa.body));
      assert.equal(ghsa.body.exposures.updated, 1, 'the aliased exposure is re-ranked in the same import');
      e = await byPackage();
      const aliased = e.get('rank-alias')!;
      assert.deepEqual(aliased.severity, { score: 9.8, rating: 'Critical' });
      assert.deepEqual(aliased.severitySource, { advisory: 'GHSA-rank-alia-s001', via: 'alias' });
      assert.equal(aliased.revision, 2, 'the re-rank is a new ledger version of the exposure');
      const one = await call(s, grid, 'GET', `/api/v1/exposures/${aliased.id}`);
      assert.deepEqual(one.body.severitySource, aliased.severitySource);
      // CVSS ranks it above the Medium one while no EPSS is known.
      assert.ok(aliased.priority > e.get('rank-cvss')!.priority);
    });

    test('EPSS: only reference publishers import it; bad files are refused naming the line', async () => {
      const denied = await call(s, grid, 'POST', '/api/v1/epss', EPSS, 'text/csv');
      assert.equal(denied.status, 403);
      assert.match(denied.type ?? '', /^application\/problem\+json/);
      const bad = await call(s, centre, 'POST', '/api/v1/epss', EPSS.replace('0.91000', '1.5'), 'text/csv');
      assert.equal(bad.status, 422);
      assert.deepEqual(
        bad.body.errors.map((x: Json) => x.pointer),
        ['/line/4'],
      );
      const header = await call(
        s,
        centre,
        'POST',
        '/api/v1/epss',
        'cve,score\nCVE-2099-0001,0.1\n',
        'text/csv',
      );
      assert.equal(header.status, 422);
      const bomb = gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x20));
      const inflated = await call(s, centre, 'POST', '/api/v1/epss', bomb, 'application/gzip');
      assert.equal(inflated.status, 413);
      assert.equal(inflated.body.limitName, 'epss-inflated-bytes');
      const json = await call(s, centre, 'POST', '/api/v1/epss', '{}', 'application/json');
      assert.equal(json.status, 415);
      assert.equal(
        (await byPackage()).get('rank-epss')!.epss,
        null,
        'nothing of the refused files was stored',
      );
    });

    test('EPSS (gzip) is committed to the ledger, shown, and ranks after KEV and before CVSS', async () => {
      const r = await call(s, centre, 'POST', '/api/v1/epss', gzipSync(EPSS), 'application/gzip');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        { ...r.body, exposures: undefined },
        {
          modelVersion: 'v2025.03.14',
          scoreDate: '2025-06-01',
          scores: 3,
          advisoriesScored: 4,
          exposures: undefined,
        },
      );
      assert.equal(r.body.exposures.updated, 3);
      const committed = await tdb.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ledger_commitments WHERE record_kind = 'epss-scores'`,
      );
      assert.equal(committed.rows[0]!.n, 1);
      // The same file again: no second commitment, no re-rank.
      const again = await call(s, centre, 'POST', '/api/v1/epss', EPSS, 'text/csv');
      assert.equal(again.body.exposures.updated, 0);
      const e = await byPackage();
      assert.deepEqual(e.get('rank-epss')!.epss, {
        cve: 'CVE-2099-0002',
        score: 0.91,
        percentile: 0.991,
        date: '2025-06-01',
      });
      // Likely exploitation (no CVSS at all) first, then the Critical with a low EPSS, then the Medium.
      const list = await call(s, grid, 'GET', `/api/v1/exposures?asset=${asset}&limit=100`);
      assert.deepEqual(
        list.body.items.map((x: Json) => x.package),
        ['rank-epss', 'rank-alias', 'rank-cvss'],
      );
      const groups = await call(s, grid, 'GET', `/api/v1/exposures/groups?asset=${asset}`);
      assert.equal(groups.status, 200);
      const first = groups.body.items[0].exposures[0];
      assert.equal(first.epss.cve, 'CVE-2099-0002');
    });

    test('every exposure shows the rule of the due-date policy that set its due date', async () => {
      const e = await byPackage();
      assert.equal(e.get('rank-alias')!.dueRule, 'Critical 7 d');
      assert.equal(e.get('rank-cvss')!.dueRule, 'Medium 90 d');
      assert.equal(e.get('rank-epss')!.dueRule, 'unknown 90 d');
      // Criticality changes the rule and the date (critical ×0.5).
      const patch = await call(
        s,
        grid,
        'PATCH',
        `/api/v1/assets/${asset}`,
        JSON.stringify({ criticality: 'critical' }),
      );
      assert.equal(patch.status, 200, JSON.stringify(patch.body));
      const after = await byPackage();
      assert.equal(after.get('rank-cvss')!.dueRule, 'Medium 90 d critical criticality ×0.5 = 45 d');
      assert.ok(after.get('rank-cvss')!.due < e.get('rank-cvss')!.due);
    });
  });
}
