// The overview's remaining views in real headless Chromium against a real server on PGlite with the
// demo federation's records (issue 13): the digital gap over time (a line per region, a table view,
// CSV, keyboard), the region map on operator-supplied boundaries beside the tile grid (a synthetic
// GeoJSON of the demo regions, imported as the operator would), and the drill-down's critical-asset
// ratio per organization. The figures on the page equal those of the API and the base tables; a
// province's responder sees only its subtree. Screenshots: test-results/metrics-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Actor } from '../../src/access/index.ts';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { ratio } from '../../src/metrics/rollup.ts';
import { systemActor } from '../../src/orgs/index.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import type { Database } from '../../src/platform/db/types.ts';
import {
  browserSkip,
  demoPassword,
  expectAccessible,
  launchBrowser,
  openPage,
  saveScreenshot,
  signIn,
} from '../support/browser.ts';

const skip = browserSkip();
/** Synthetic rectangles of the demo regions (not real geography). */
const SYNTHETIC_GEOMETRY = join(import.meta.dirname, 'fixtures', 'demo-regions.synthetic.geojson');
const one = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
const num = (v: number) =>
  Math.abs(v) >= 100 ? Math.round(v).toString() : Number(v.toPrecision(3)).toString();

describe('overview: gap over time, operator boundaries, critical-asset ratio, in Chromium', { skip }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let root: Actor;
  const pageErrors: string[] = [];
  const shot = async (name: string) => {
    await saveScreenshot(page, `metrics-${name}`);
    await expectAccessible(page, `metrics ${name}`);
  };
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.query<{ n: number }>(sql, params)).rows[0]!.n);

  /** Signs in on the console's home page, the overview. */
  async function signInAs(username: string): Promise<void> {
    await signIn(page, username, demoPassword(server, username), { base: server.url, path: '/' });
    await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
  }

  before(async () => {
    browser = await launchBrowser();
    db = await openDatabase({});
    server = await startTestServer(db, {}, { demoRecords: true });
    root = systemActor((await server.ctx.orgs.root())!);
    page = await openPage(browser, { viewport: { width: 1400, height: 1000 }, errors: pageErrors });
    // The operator supplies boundaries (synthetic rectangles of the demo regions).
    await server.ctx.metrics.importGeometry(root, readFileSync(SYNTHETIC_GEOMETRY), {
      file: 'demo-regions.synthetic.geojson',
      source: 'Synthetic test boundaries',
      licence: 'CC0-1.0',
    });
    // Northport Power Grid: five more critical assets, two running a package with a Critical advisory.
    const centre = await server.token(server.orgId('National Cyber Security Coordination Centre'), 'admin');
    const grid = await server.token(server.orgId('Northport Power Grid'), 'admin');
    const advisory = await fetch(`${server.url}/api/v1/advisories`, {
      method: 'POST',
      headers: { authorization: `Bearer ${centre}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        schema_version: '1.6.0',
        id: 'BWK-2099-1302',
        modified: '2024-01-02T00:00:00Z',
        summary: 'A critical flaw in ratio-pkg',
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
        affected: [
          {
            package: { ecosystem: 'npm', name: 'ratio-pkg' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }],
          },
        ],
      }),
    });
    assert.equal(advisory.status, 200, await advisory.text());
    for (let i = 0; i < 5; i++) {
      const pkg = i < 2 ? 'ratio-pkg' : 'other-pkg';
      const r = await fetch(`${server.url}/api/v1/sboms?asset=substation-${i}&criticality=critical`, {
        method: 'POST',
        headers: { authorization: `Bearer ${grid}`, 'content-type': 'application/vnd.cyclonedx+json' },
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
    }
    await server.ctx.metrics.cellKeeper.settle();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  test('the digital gap over time: a line per region, its table and CSV, reachable with the keyboard', async () => {
    await signInAs('admin');
    await page.getByRole('link', { name: 'Digital gap' }).click();
    const chart = page.getByRole('group', { name: 'Digital gap over time by region' });
    await chart.waitFor();
    const api = await server.ctx.metrics.digitalGap(root);
    const names = new Map(api.regions.map((r) => [r.code, r.name]));
    const expected = api.overTime.flatMap((s) =>
      s.series
        .filter((p) => p.gap !== null)
        .map((p) => `${names.get(s.code) ?? s.code} ${p.period}: gap ${num(p.gap!)} points`),
    );
    assert.ok(expected.length >= 10, 'the demo generator gives five years of several regions');
    const dots = chart.locator('g[aria-label] > circle[aria-label]');
    const labels = await dots.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    assert.deepEqual(labels.sort(), [...expected].sort());
    await dots.first().focus();
    assert.match(
      (await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))) ?? '',
      / gap -?[\d.]+ points$/,
    );
    await shot('gap-over-time');
    const frame = page.getByRole('figure', { name: /Digital gap over time/ });
    const csv = decodeURIComponent(
      (await frame.getByRole('link', { name: 'Download CSV' }).getAttribute('href')) ?? '',
    );
    assert.match(csv, /^data:text\/csv;charset=utf-8,region,name,period,gap\r\n/);
    await frame.getByRole('button', { name: 'Show table' }).click();
    const table = page.getByRole('table', { name: 'Digital gap over time' });
    await table.waitFor();
    const last = api.period!;
    const row = table.getByRole('row', { name: new RegExp(`^${names.get('BW-N')}`) });
    const gapN = api.overTime.find((s) => s.code === 'BW-N')!.series.find((p) => p.period === last)!.gap!;
    assert.match((await row.textContent()) ?? '', new RegExp(one(gapN).replace('.', '\\.')));
    await frame.getByRole('button', { name: 'Show chart' }).click();
    assert.deepEqual(pageErrors, []);
  });

  test('the region map on the operator-supplied boundaries, beside the tile grid', async () => {
    await page.getByRole('link', { name: 'Region map' }).click();
    await page
      .getByRole('group', { name: /Known-exploited exposures past their due date by region, tile grid/ })
      .waitFor();
    await page.getByRole('radio', { name: 'Boundaries (operator-supplied)' }).check();
    const api = await server.ctx.metrics.tileMap(root);
    assert.ok(api.geometry);
    const kev = page.getByRole('group', {
      name: /Known-exploited exposures past their due date by region, operator-supplied boundaries/,
    });
    await kev.waitFor();
    const shapes = kev.locator('g[aria-label] > path[aria-label]');
    assert.equal(await shapes.count(), api.tiles.length);
    for (const t of api.tiles) {
      const label = await kev.locator(`path[aria-label^="${t.name}: "]`).getAttribute('aria-label');
      assert.match(label ?? '', new RegExp(`^${t.name}: ${t.values['kev-past-due']}( |$)`));
    }
    // The same KEV count as the base tables, per province.
    for (const t of api.tiles)
      assert.equal(
        t.values['kev-past-due'],
        await count(
          `SELECT count(*)::int AS n FROM exposures WHERE kev AND due < current_date AND status IN ('open', 'acknowledged')
             AND (region = $1 OR region LIKE $2)`,
          [t.code, `${t.code}-%`],
        ),
      );
    await shapes.first().focus();
    assert.match((await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))) ?? '', /: /);
    assert.match(
      (await page.getByTestId('geometry-provenance').textContent()) ?? '',
      /demo-regions\.synthetic\.geojson \(2 regions\): Synthetic test boundaries, CC0-1\.0/,
    );
    await shot('map-boundaries');
    await page.getByRole('radio', { name: 'Tile grid' }).check();
    await page
      .getByRole('group', { name: /Known-exploited exposures past their due date by region, tile grid/ })
      .waitFor();
    assert.deepEqual(pageErrors, []);
  });

  test('the drill-down: open critical/high per 100 critical assets per organization, as the base tables give it', async () => {
    await page.goto(`${server.url}/overview/regions/BW-N`);
    const orgs = page.getByRole('table', { name: 'Organizations' });
    await orgs.getByText('Northport Power Grid (demo)', { exact: true }).waitFor();
    const listed = await server.ctx.metrics.regionOrganizations(root, 'BW-N');
    const header = await orgs.locator('thead th').allTextContents();
    const col = header.findIndex((h) => /Open crit\/high per 100 critical assets/.test(h));
    assert.ok(col > 0, header.join(' | '));
    let shownRatio = 0;
    for (const o of listed.organizations) {
      const critical = await count(
        `SELECT count(*)::int AS n FROM assets WHERE org_id = $1 AND (criticality = 'critical' OR critical_infrastructure)
           AND (region = 'BW-N' OR region LIKE 'BW-N-%')`,
        [o.id],
      );
      const och = await count(
        `SELECT count(*)::int AS n FROM exposures WHERE org_id = $1 AND status IN ('open', 'acknowledged')
           AND severity_rating IN ('Critical', 'High') AND (region = 'BW-N' OR region LIKE 'BW-N-%')`,
        [o.id],
      );
      const expected =
        critical >= 1 && critical <= 4 ? '< 5' : critical === 0 ? '—' : one(ratio(och, critical, 100)!);
      const cell = orgs
        .getByRole('row')
        .filter({ has: page.getByText(o.name, { exact: true }) })
        .locator('td')
        .nth(col);
      assert.equal((await cell.textContent())?.trim(), expected, o.name);
      if (expected !== '< 5' && expected !== '—') shownRatio++;
    }
    assert.ok(shownRatio >= 1, 'Northport Power Grid has six critical assets, two with a Critical exposure');
    await shot('region-ratio');
  });

  test("a province's responder sees only its subtree in each view", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
    await signInAs('responder');
    await page.getByRole('link', { name: 'Digital gap' }).click();
    const chart = page.getByRole('group', { name: 'Digital gap over time by region' });
    await chart.waitFor();
    const labels = await chart
      .locator('g[aria-label] > circle[aria-label]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    // Its cities' own values: urban minus rural, straight from the stored observations.
    const base = await db.query<{ region: string; period: string; gap: number }>(
      `SELECT u.region, u.period, (u.value - r.value)::float8 AS gap
       FROM metric_observations u JOIN metric_observations r
         ON r.region = u.region AND r.period = u.period AND r.indicator = 'internet-users-rural'
       WHERE u.indicator = 'internet-users-urban' AND u.region LIKE 'BW-N-%'`,
    );
    assert.ok(base.rows.length >= 10);
    const nameOf = { 'BW-N-01': 'Northport', 'BW-N-02': 'Ridgeford' } as Record<string, string>;
    for (const b of base.rows)
      assert.ok(
        labels.includes(`${nameOf[b.region]} ${b.period}: gap ${num(b.gap)} points`),
        `${b.region} ${b.period} ${b.gap}: ${labels.slice(0, 3).join(' | ')}`,
      );
    assert.ok(
      labels.every((l) => !/Southbay|Lakeside|Southern/.test(l)),
      'nothing of the other province',
    );
    await page.getByRole('link', { name: 'Region map' }).click();
    await page.getByRole('radio', { name: 'Boundaries (operator-supplied)' }).check();
    const kev = page.getByRole('group', {
      name: /Known-exploited exposures past their due date by region, operator-supplied boundaries/,
    });
    await kev.waitFor();
    const regions = await kev
      .locator('g[aria-label] > path[aria-label]')
      .evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? '').split(':')[0]));
    assert.deepEqual(regions.sort(), ['Northport', 'Ridgeford']);
    await shot('map-boundaries-province');
    await page.goto(`${server.url}/overview/regions/BW-S`);
    await page
      .getByText(/not found/i)
      .first()
      .waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
