// The metrics API through the real HTTP stack on both databases, with the demo federation's
// records and a federation of the suite's own (BW-M): the figures equal those computed from the
// base tables, a regional authority sees only its subtree (another region answers 404), small
// cells are suppressed, rates roll up as ratios of sums, and an imported WDI file shows its source
// and licence beside every value (JSON and CSV).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { localAdministrator } from '../../src/orgs/index.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, makeFederation } from '../incidents/support.ts';

const ago = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

const WDI = JSON.stringify([
  { page: 1, pages: 1, per_page: 50, total: 1, sourceid: '2', lastupdated: '2025-07-01' },
  [
    {
      indicator: { id: 'IT.NET.USER.ZS', value: 'Individuals using the Internet (% of population)' },
      country: { id: 'XM', value: 'Test economy' },
      countryiso3code: 'XMT',
      date: '2024',
      value: 81.25,
      unit: '',
      obs_status: '',
      decimal: 1,
    },
  ],
]);

for (const kind of testDatabaseKinds()) {
  describe(`metrics API on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let f: Federation;
    let centre: string;
    let province: string;

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db, {}, { demoRecords: true });
      f = await makeFederation(s, 'BW-M');
      centre = await f.token(f.root, 'viewer');
      province = await f.token(f.province, 'viewer');
      const op = await f.token(f.operator, 'analyst');
      const bakery = await f.token(f.otherOperator, 'analyst');
      const file = async (token: string, extra: Record<string, unknown> = {}) => {
        const r = await call(s, token, 'POST', '/api/v1/incidents', {
          title: 'Test incident',
          category: 'enisa:intrusions',
          grade: 'general',
          awareAt: ago(1),
          impact: {},
          ...extra,
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      };
      for (let i = 0; i < 6; i++) await file(op);
      for (let i = 0; i < 2; i++) await file(bakery);
      for (let i = 0; i < 2; i++) {
        const r = await call(s, op, 'POST', '/api/v1/assets', {
          name: `Pump ${i}`,
          criticality: 'critical',
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      // The figures are read from roll-up cells kept from the domains' events.
      await s.ctx.metrics.cellKeeper.settle();
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    const base = async (sql: string, params: unknown[] = []) =>
      Number((await s.ctx.db.query<{ n: number }>(sql, params)).rows[0]!.n);

    test("the centre's overview equals the base tables", async () => {
      const r = await call(s, centre, 'GET', '/api/v1/metrics/overview');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const t = r.body.totals;
      assert.equal(r.body.scope.code, 'BW');
      assert.equal(
        t.incidents,
        await base(
          `SELECT count(*)::int AS n FROM incidents WHERE NOT exercise AND status <> 'draft'
           AND created_at >= date_trunc('month', now()) - interval '11 months'`,
        ),
      );
      assert.equal(
        t.kevPastDue,
        await base(
          `SELECT count(*)::int AS n FROM exposures WHERE kev AND due < current_date AND status IN ('open', 'acknowledged')`,
        ),
      );
      assert.equal(
        t.criticalAssets,
        await base(
          `SELECT count(*)::int AS n FROM assets WHERE criticality = 'critical' OR critical_infrastructure`,
        ),
      );
      assert.ok(r.body.attention.some((a: { key: string }) => a.key === 'triage-backlog'));
      assert.ok(r.body.regions.some((x: { code: string }) => x.code === 'BW-N'));
    });

    test('a regional authority sees only its subtree; small cells are suppressed', async () => {
      const r = await call(s, province, 'GET', '/api/v1/metrics/overview');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.scope.code, 'BW-M');
      assert.equal(r.body.totals.incidents, 8);
      assert.equal(r.body.totals.criticalAssets, 2);
      assert.deepEqual(r.body.regions.map((x: { code: string }) => x.code).sort(), ['BW-M-01', 'BW-M-02']);
      const byCode = Object.fromEntries(r.body.regions.map((x: { code: string }) => [x.code, x]));
      assert.equal(byCode['BW-M-01'].security.incidents, 6);
      assert.equal(byCode['BW-M-02'].security.incidents, null);
      assert.ok(byCode['BW-M-02'].security.suppressed.includes('incidents'));
      assert.equal((await call(s, province, 'GET', '/api/v1/metrics/regions/BW-N')).status, 404);
      assert.equal((await call(s, province, 'GET', '/api/v1/metrics/regions/BW-MX')).status, 404);
      const page = await call(s, province, 'GET', '/api/v1/metrics/regions/BW-M-01');
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.equal(page.body.security.incidents, 6);
      assert.equal(page.body.security.openCriticalHighPer100CriticalAssets, 0);
    });

    test("a sector regulator's figures are its sector's; the CSV carries the same regions", async () => {
      const regulator = await f.token(f.regulator, 'viewer');
      const r = await call(s, regulator, 'GET', '/api/v1/metrics/overview');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.scope.code, 'BW-M');
      // The water works' 6 incidents, not the bakery's 2.
      assert.equal(r.body.totals.incidents, 6);
      const csv = await fetch(`${s.url}/api/v1/metrics/overview?format=csv`, {
        headers: { authorization: `Bearer ${province}` },
      });
      const lines = (await csv.text()).trim().split('\r\n');
      assert.match(lines[0]!, /^region,name,level,criticalAssets,/);
      assert.deepEqual(
        lines
          .slice(1)
          .map((l) => l.split(',')[0])
          .sort(),
        ['BW-M', 'BW-M-01', 'BW-M-02'],
      );
    });

    test('rates roll up as ratios of sums of the regions below', async () => {
      const r = await call(s, centre, 'GET', '/api/v1/metrics/regions/BW-N');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const rural = r.body.indicators.find(
        (v: { indicator: string }) => v.indicator === 'internet-users-rural',
      );
      assert.ok(rural, 'the demo indicators are seeded');
      assert.equal(rural.rolledUp, true);
      const sums = (
        await s.ctx.db.query<{ num: number; den: number }>(
          `SELECT sum(numerator) AS num, sum(denominator) AS den FROM metric_observations
           WHERE indicator = 'internet-users-rural' AND region LIKE 'BW-N-%' AND period = $1`,
          [rural.period],
        )
      ).rows[0]!;
      assert.ok(Math.abs(rural.value - (Number(sums.num) / Number(sums.den)) * 100) < 1e-9);
      assert.equal(rural.licence, 'CC0 1.0 (synthetic demo data)');
      assert.equal(rural.demo, true);
      const gap = await call(s, centre, 'GET', '/api/v1/metrics/digital-gap');
      assert.equal(gap.status, 200);
      assert.ok(gap.body.regions.length >= 2);
      const wings = await call(s, centre, 'GET', '/api/v1/metrics/two-wings?weights=5g-coverage:2');
      assert.equal(wings.status, 200, JSON.stringify(wings.body));
      const wing = (code: string) => wings.body.regions.find((x: { code: string }) => x.code === code);
      assert.equal(typeof wing('BW-N').informatizationIndex, 'number');
      assert.equal(typeof wing('BW-S').securityIndex, 'number');
      // The suite's own province has no indicators: no index rather than a made-up one.
      assert.equal(wing('BW-M').informatizationIndex, null);
      assert.equal((await call(s, centre, 'GET', '/api/v1/metrics/two-wings?weights=x')).status, 400);
    });

    test('every view answers CSV made from its own JSON answer; an unknown format is 400', async () => {
      const csvOf = async (path: string) => {
        const sep = path.includes('?') ? '&' : '?';
        const r = await fetch(`${s.url}${path}${sep}format=csv`, {
          headers: { authorization: `Bearer ${centre}` },
        });
        assert.equal(r.status, 200, path);
        assert.match(r.headers.get('content-type') ?? '', /^text\/csv/, path);
        return (await r.text()).trim().split('\r\n');
      };
      // Each: the path, the CSV header's start, and how many data rows the JSON answer says it has.
      type Answer = {
        indicators: unknown[];
        values: unknown[];
        regions: unknown[];
        tiles: unknown[];
        timeToReport: { bins: unknown[] }[];
      };
      const views: [string, RegExp, (b: Answer) => number][] = [
        [
          '/api/v1/metrics/regions/BW-N',
          /^indicator,region,period,value,.*,rolledUp,vintage,/,
          (b) => b.indicators.length,
        ],
        [
          '/api/v1/metrics/indicators',
          /^indicator,region,period,value,.*,break,vintage,/,
          (b) => b.values.length,
        ],
        ['/api/v1/metrics/two-wings', /^code,/, (b) => b.regions.length],
        ['/api/v1/metrics/digital-gap', /^code,/, (b) => b.regions.length],
        [
          '/api/v1/metrics/deadlines',
          /^stage,limitHours,fromHours,toHours,reports/,
          (b) => b.timeToReport.reduce((n, x) => n + x.bins.length, 0),
        ],
        ['/api/v1/metrics/map', /^region,name,col,row/, (b) => b.tiles.length],
      ];
      for (const [path, header, rowsOf] of views) {
        const json = await call(s, centre, 'GET', path);
        assert.equal(json.status, 200, path);
        const lines = await csvOf(path);
        assert.match(lines[0]!, header, path);
        assert.equal(lines.length - 1, rowsOf(json.body as unknown as Answer), path);
      }
      assert.equal((await call(s, centre, 'GET', '/api/v1/metrics/map?format=xml')).status, 400);
    });

    test('an imported WDI file shows its source and licence beside every value', async () => {
      const admin = await localAdministrator(s.ctx.orgs);
      const r = await s.ctx.metrics.importIndicators(admin, 'wdi', WDI, {
        file: 'wdi.json',
        regionMap: { XMT: 'BW-M-01' },
      });
      assert.deepEqual(r, { format: 'wdi', indicators: 1, observations: 1 });
      const page = await call(s, province, 'GET', '/api/v1/metrics/regions/BW-M-01');
      const v = page.body.indicators.find((x: { indicator: string }) => x.indicator === 'IT.NET.USER.ZS');
      assert.equal(v.value, 81.25);
      assert.equal(v.licence, 'CC BY 4.0');
      assert.equal(v.source, 'World Bank, World Development Indicators');
      assert.equal(v.provenance.file, 'wdi.json');
      const csv = await fetch(`${s.url}/api/v1/metrics/indicators?indicator=IT.NET.USER.ZS&format=csv`, {
        headers: { authorization: `Bearer ${province}` },
      });
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
      const text = await csv.text();
      assert.match(text, /^indicator,region,period,value/);
      assert.match(text, /IT\.NET\.USER\.ZS,BW-M-01,2024,81\.25,.*CC BY 4\.0/);
      const committed = await base(
        `SELECT count(*)::int AS n FROM ledger_commitments WHERE record_kind = 'indicator-observation' AND record_id = $1`,
        ['IT.NET.USER.ZS/BW-M-01/2024'],
      );
      assert.equal(committed, 1);
      // Another region's operator cannot import reference data.
      const opActor = { ...admin, local: undefined, org: await s.ctx.orgs.orgRef(f.operator) };
      await assert.rejects(
        s.ctx.metrics.importIndicators(opActor as typeof admin, 'wdi', WDI, { file: 'x.json' }),
        /publish/,
      );
    });
  });
}
