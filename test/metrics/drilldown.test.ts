// The drill-down from a region (and a sector) to its organizations, and the operations figures of
// the overview (time to triage, operator action rate, ledger and witness health), on both
// databases, through the service and over HTTP: each caller sees only the organizations the shared
// access rule lets it see, and the figures equal those computed from the base tables.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/access/index.ts';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { percentileOfCounts } from '../../src/metrics/figures.ts';
import { ratio } from '../../src/metrics/rollup.ts';
import { localAdministrator } from '../../src/orgs/index.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, makeFederation } from '../incidents/support.ts';

const ago = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

for (const kind of testDatabaseKinds()) {
  describe(`metrics drill-down and operations on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let f: Federation;
    let admin: Actor;

    const actorOf = async (org: string): Promise<Actor> =>
      ({ ...admin, local: undefined, org: (await s.ctx.orgs.orgRef(org))! }) as Actor;

    const file = async (org: string, grade: string, awareHoursAgo = 1) => {
      const r = await call(s, await f.token(org, 'analyst'), 'POST', '/api/v1/incidents', {
        title: 'Drill-down incident',
        category: 'enisa:intrusions',
        grade,
        awareAt: ago(awareHoursAgo),
        impact: {},
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    };

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db, {}, { demoRecords: true });
      f = await makeFederation(s, 'BW-D');
      admin = await localAdministrator(s.ctx.orgs);
      for (let i = 0; i < 3; i++) await file(f.operator, 'general');
      await file(f.operator, 'major', 24 * 30);
      await file(f.otherOperator, 'general');
      // Critical assets: eight of the water works, three of them running a package with a Critical
      // advisory (3 open critical/high per 8 critical assets: 37.5), and a server of its own that is
      // not critical; two of the bakery (1–4: suppressed).
      const advisory = await call(s, await f.token(f.root, 'admin'), 'POST', '/api/v1/advisories', {
        schema_version: '1.6.0',
        id: 'BWK-2099-1301',
        modified: '2024-01-02T00:00:00Z',
        summary: 'A critical flaw in drill-pkg',
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
        affected: [
          {
            package: { ecosystem: 'npm', name: 'drill-pkg' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }],
          },
        ],
      });
      assert.equal(advisory.status, 200, JSON.stringify(advisory.body));
      const asset = async (org: string, name: string, criticality: string, pkg: string) => {
        const r = await fetch(`${s.url}/api/v1/sboms?asset=${name}&criticality=${criticality}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await f.token(org, 'analyst')}`,
            'content-type': 'application/vnd.cyclonedx+json',
          },
          body: JSON.stringify({
            bomFormat: 'CycloneDX',
            specVersion: '1.5',
            version: 1,
            components: [
              { type: 'library', 'bom-ref': pkg, name: pkg, version: '1.0.0', purl: `pkg:npm/${pkg}@1.0.0` },
            ],
          }),
        });
        assert.equal(r.status, 201, await r.text());
      };
      for (let i = 0; i < 8; i++)
        await asset(f.operator, `pump-${i}`, 'critical', i < 3 ? 'drill-pkg' : 'safe-pkg');
      await asset(f.operator, 'office', 'low', 'drill-pkg');
      for (let i = 0; i < 2; i++) await asset(f.otherOperator, `oven-${i}`, 'critical', 'drill-pkg');
      await s.ctx.metrics.cellKeeper.settle();
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('a region drills down to the organizations the caller may see, with their figures', async () => {
      const province = await s.ctx.metrics.regionOrganizations(await actorOf(f.province), 'BW-D');
      const byName = new Map(province.organizations.map((o) => [o.id, o]));
      assert.deepEqual([...byName.keys()].sort(), [f.operator, f.otherOperator].sort());
      const water = byName.get(f.operator)!;
      assert.equal(water.incidents, 4);
      assert.equal(water.majorIncidents, 1);
      // The major incident's deadlines passed long ago, nothing filed: one incident overdue, and each
      // of its two stages past their deadline is due and late.
      assert.equal(water.overdueIncidents, 1);
      assert.equal(water.reportsDue, 2);
      assert.equal(water.reportsOnTimePercent, 0);
      // The bakery's one incident: shown, the province may open the bakery's records anyway.
      assert.equal(byName.get(f.otherOperator)!.incidents, 1);
      // The region's own page counts the same incidents as its organizations.
      const page = await s.ctx.metrics.regionPage(await actorOf(f.province), 'BW-D');
      assert.equal(page.security.incidents, 5);

      // Sector: only the water works.
      const sector = await s.ctx.metrics.regionOrganizations(await actorOf(f.province), 'BW-D', 'water');
      assert.deepEqual(
        sector.organizations.map((o) => o.id),
        [f.operator],
      );
      // A city sees its own operator only; a sector regulator its sector's; the bakery itself.
      const city = await s.ctx.metrics.regionOrganizations(await actorOf(f.city), 'BW-D-01');
      assert.deepEqual(
        city.organizations.map((o) => o.id),
        [f.operator],
      );
      const regulator = await s.ctx.metrics.regionOrganizations(await actorOf(f.regulator), 'BW-D');
      assert.deepEqual(
        regulator.organizations.map((o) => o.id),
        [f.operator],
      );
      const bakery = await s.ctx.metrics.regionOrganizations(await actorOf(f.otherOperator), 'BW-D-02');
      assert.deepEqual(
        bakery.organizations.map((o) => o.id),
        [f.otherOperator],
      );
      // Outside the caller's region: not found, as the region page.
      await assert.rejects(
        s.ctx.metrics.regionOrganizations(await actorOf(f.city), 'BW-D-02'),
        (e: { status?: number }) => e.status === 404,
      );
    });

    test('per organization: open critical/high per 100 critical assets, as the base tables give it; 1–4 critical assets suppressed', async () => {
      const critical = async (org: string) =>
        Number(
          (
            await s.ctx.db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM assets WHERE org_id = $1 AND (criticality = 'critical' OR critical_infrastructure)`,
              [org],
            )
          ).rows[0]!.n,
        );
      const province = await s.ctx.metrics.regionOrganizations(await actorOf(f.province), 'BW-D');
      const water = province.organizations.find((o) => o.id === f.operator)!;
      const och = async (org: string) =>
        Number(
          (
            await s.ctx.db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM exposures WHERE org_id = $1
                 AND status IN ('open', 'acknowledged') AND severity_rating IN ('Critical', 'High')`,
              [org],
            )
          ).rows[0]!.n,
        );
      assert.equal(await critical(f.operator), 8);
      assert.equal(await och(f.operator), 4, 'three critical pumps and the office');
      assert.equal(water.openCriticalHigh, 4);
      assert.equal(water.criticalAssets, 8);
      assert.equal(water.openCriticalHighPer100CriticalAssets, ratio(4, 8, 100));
      assert.equal(water.openCriticalHighPer100CriticalAssets, 50);
      assert.deepEqual(water.suppressed, []);
      const bakery = province.organizations.find((o) => o.id === f.otherOperator)!;
      assert.equal(await critical(f.otherOperator), 2);
      assert.equal(bakery.openCriticalHigh, await och(f.otherOperator));
      assert.equal(bakery.criticalAssets, null);
      assert.equal(bakery.openCriticalHighPer100CriticalAssets, null);
      assert.deepEqual(bakery.suppressed, ['criticalAssets', 'openCriticalHighPer100CriticalAssets']);
      // The region page's indicator is the same ratio of sums over the organizations it counts.
      const page = (await s.ctx.metrics.regionPage(await actorOf(f.province), 'BW-D')).security;
      assert.equal(page.criticalAssets, 10);
      assert.equal(
        page.openCriticalHighPer100CriticalAssets,
        ratio(water.openCriticalHigh + bakery.openCriticalHigh, 10, 100),
      );
      // A city sees its own operator's ratio; the bakery's city is outside it (404 above).
      const city = await s.ctx.metrics.regionOrganizations(await actorOf(f.city), 'BW-D-01');
      assert.equal(city.organizations[0]!.openCriticalHighPer100CriticalAssets, 50);
      // Over HTTP and as CSV: the same figure.
      const token = await f.token(f.province, 'viewer');
      const r = await call(s, token, 'GET', '/api/v1/metrics/regions/BW-D/organizations');
      const row = (
        r.body.organizations as { id: string; openCriticalHighPer100CriticalAssets: number }[]
      ).find((o) => o.id === f.operator);
      assert.equal(row?.openCriticalHighPer100CriticalAssets, 50);
      const csv = await fetch(`${s.url}/api/v1/metrics/regions/BW-D/organizations?format=csv`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const [head, ...lines] = (await csv.text()).trim().split('\r\n');
      const col = head!.split(',').indexOf('openCriticalHighPer100CriticalAssets');
      const sup = head!.split(',').indexOf('suppressed');
      assert.ok(col > 0 && sup > 0, head);
      assert.deepEqual(lines.map((l) => l.split(',')[col]).sort(), ['', '50']);
      assert.ok(
        lines.some((l) => l.split(',')[sup] === 'criticalAssets openCriticalHighPer100CriticalAssets'),
      );
    });

    test('over HTTP: JSON, CSV, 404 outside the scope, 400 problem+json on a bad sector', async () => {
      const token = await f.token(f.province, 'viewer');
      const r = await call(s, token, 'GET', '/api/v1/metrics/regions/BW-D/organizations');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.organizations.length, 2);
      const csv = await fetch(`${s.url}/api/v1/metrics/regions/BW-D/organizations?format=csv&sector=water`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(csv.status, 200);
      const lines = (await csv.text()).trim().split('\r\n');
      assert.match(lines[0]!, /^id,name,kind,region,sector,/);
      assert.equal(lines.length, 2, 'a header and the water works');
      const city = await f.token(f.city, 'viewer');
      assert.equal((await call(s, city, 'GET', '/api/v1/metrics/regions/BW-D-02/organizations')).status, 404);
      const bad = await fetch(`${s.url}/api/v1/metrics/regions/BW-D/organizations?sector=Not%20a%20sector`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(bad.status, 400);
      assert.match(bad.headers.get('content-type') ?? '', /application\/problem\+json/);
    });

    test('operations: time to triage, operator action rate and ledger health, as the base tables say', async () => {
      const centre = await actorOf(f.root);
      // Triage one demo report; promote the demo campaign's phone number; the water works blocks it.
      const report = await s.ctx.db.query<{ id: string }>(
        'SELECT id::text FROM public_reports WHERE duplicate_of IS NULL ORDER BY created_at LIMIT 1',
      );
      const analyst = await f.token(f.root, 'analyst');
      const decided = await call(
        s,
        analyst,
        'POST',
        `/api/v1/public-reports/${report.rows[0]!.id}/decisions`,
        {
          decision: 'needs-information',
          reason: 'When did the SMS arrive?',
        },
      );
      assert.equal(decided.status, 200, JSON.stringify(decided.body));
      const promoted = await call(s, analyst, 'POST', '/api/v1/public-reports/observables/promote', {
        type: 'phone',
        key: '+8613800138000',
      });
      assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
      const acted = await call(
        s,
        await f.token(f.operator, 'analyst'),
        'POST',
        '/api/v1/public-reports/indicator-actions',
        { indicator: promoted.body.indicatorId, action: 'blocked' },
      );
      assert.equal(acted.status, 204, JSON.stringify(acted.body));

      const ops = (await s.ctx.metrics.overview(centre)).operations;
      const triage = await s.ctx.db.query<{ hours: number; n: number }>(
        `SELECT ceil(extract(epoch FROM d.first - p.created_at) / 3600)::int AS hours, count(*)::int AS n
         FROM public_reports p JOIN (SELECT report_id, min(at) AS first FROM public_report_events
           WHERE kind = 'decision' GROUP BY 1) d ON d.report_id = p.id
         WHERE p.duplicate_of IS NULL GROUP BY 1`,
      );
      const times = triage.rows.map((r) => [r.hours, r.n] as const);
      assert.equal(
        ops.timeToTriage.triaged,
        times.reduce((n, [, c]) => n + c, 0),
      );
      assert.ok(ops.timeToTriage.triaged >= 1);
      assert.equal(ops.timeToTriage.p90Hours, percentileOfCounts(times, 0.9));
      assert.equal(ops.timeToTriage.medianHours, percentileOfCounts(times, 0.5));

      const published = await s.ctx.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM public_observables WHERE indicator_id IS NOT NULL',
      );
      assert.equal(ops.operatorActions.promoted, published.rows[0]!.n);
      assert.equal(ops.operatorActions.answered, 1);
      assert.equal(ops.operatorActions.blockedOrTakenDown, 1);
      // The water works answered; the bakery did not, and sees only its own answers.
      const water = (await s.ctx.metrics.overview(await actorOf(f.operator))).operations.operatorActions;
      assert.equal(water.answered, 1);
      const bakery = (await s.ctx.metrics.overview(await actorOf(f.otherOperator))).operations
        .operatorActions;
      assert.equal(bakery.answered, 0);
      assert.equal(bakery.answeredPercent, 0);

      const status = await s.ctx.ledger.status();
      assert.ok(ops.ledger);
      assert.equal(ops.ledger.checkpointAt <= new Date().toISOString(), true);
      assert.ok(ops.ledger.treeSize <= status.treeSize);
      assert.ok(ops.ledger.checkpointAgeSeconds >= 0);
      assert.deepEqual(
        ops.ledger.witnesses.map((w) => w.name),
        status.witnesses.map((w) => w.name),
      );
      for (const w of ops.ledger.witnesses)
        assert.equal(w.lagEntries, ops.ledger.treeSize - (w.lastCosignedSize ?? 0));
    });
  });
}
