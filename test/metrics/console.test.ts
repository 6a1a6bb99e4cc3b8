// The Overview (the signed-in home) in real headless Chromium against a real server on PGlite with
// the demo federation's records: the centre's administrator lands on it after signing in, the
// figures on the page equal those of the base tables, the chart switches to its table view, the
// two-wings and digital-gap views render their SVG; a province's responder sees only its province.
// Screenshots are saved under the test's temp directory (printed) and test-results/metrics-*.png.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
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

const SHOTS = mkdtempSync(join(tmpdir(), 'bulwark-metrics-console-'));

const skip = browserSkip();

describe('overview pages in Chromium', { skip }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = async (name: string) => {
    await page.screenshot({ path: join(SHOTS, `metrics-${name}.png`), fullPage: true });
    await saveScreenshot(page, `metrics-${name}`);
    await expectAccessible(page, `metrics ${name}`);
  };

  /** Signs in on the console's home page, the overview. */
  async function signInAs(username: string): Promise<void> {
    await signIn(page, username, demoPassword(server, username), { base: server.url, path: '/' });
    await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
  }

  before(async () => {
    // First: it builds the console that the server, started next, serves.
    browser = await launchBrowser();
    db = await openDatabase({});
    server = await startTestServer(db, {}, { demoRecords: true });
    page = await openPage(browser, { viewport: { width: 1400, height: 1000 }, errors: pageErrors });
    console.log(`# metrics screenshots in ${SHOTS}`);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  test('the centre lands on the overview; its figures equal the base tables', async () => {
    await signInAs('admin');
    assert.equal(new URL(page.url()).pathname, '/overview');
    await page.getByTestId('scope').waitFor();
    const kev = Number(
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM exposures WHERE kev AND due < current_date AND status IN ('open', 'acknowledged')`,
        )
      ).rows[0]!.n,
    );
    const overdue = Number(
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM incidents WHERE NOT exercise AND status <> 'draft' AND next_due < now()
           AND created_at >= date_trunc('month', now()) - interval '11 months'`,
        )
      ).rows[0]!.n,
    );
    const card = (key: string) =>
      page.getByTestId(`attention-${key}`).locator('.metric-card-count').textContent();
    assert.equal(Number(await card('kev-past-due')), kev);
    assert.equal(Number(await card('overdue-incidents')), overdue);
    const svg = page.getByRole('img', { name: /Incidents by month and grade/ });
    await svg.waitFor();
    await page.getByRole('table', { name: 'Regions' }).getByText('BW-N', { exact: true }).waitFor();
    // The y axis: every tick from 0 up at one integer step, labelled (not the top value alone).
    const ticks = await svg.locator('g.y-axis g.tick text').allTextContents();
    assert.ok(ticks.length >= 2, `ticks: ${ticks.join(', ')}`);
    assert.equal(ticks[0], '0');
    const values = ticks.map(Number);
    const step = values[1]! - values[0]!;
    assert.ok(Number.isInteger(step) && step > 0);
    assert.deepEqual(
      values,
      values.map((_, i) => i * step),
      `ticks: ${ticks.join(', ')}`,
    );
    const highest = Math.max(
      ...(
        await server.ctx.metrics.overview(systemActor((await server.ctx.orgs.root())!))
      ).trends.incidentsByMonth.map((m) =>
        Object.values(m.byGrade).reduce<number>((n, v) => n + (v ?? 0), 0),
      ),
    );
    assert.ok(values.at(-1)! >= highest, `top tick ${values.at(-1)} covers the highest month ${highest}`);
    // Operations: time to triage, operator action rate, the ledger's health.
    await page.getByTestId('time-to-triage').waitFor();
    await page.getByTestId('operator-actions').waitFor();
    assert.match((await page.getByTestId('ledger-health').textContent()) ?? '', /ledger's last checkpoint/);
    await shot('overview');
    await page.getByRole('button', { name: 'Show table' }).click();
    await page.getByRole('table', { name: 'Incidents by month' }).waitFor();
    const csv = page.getByRole('link', { name: 'Download CSV' }).first();
    assert.match((await csv.getAttribute('href')) ?? '', /format=csv/);
    // Drill down: a province's page shows each indicator with its source, licence and flags.
    await page.getByRole('button', { name: 'Show chart' }).click();
    await page
      .getByRole('table', { name: 'Regions' })
      .getByRole('link', { name: 'BW-N', exact: true })
      .click();
    await page
      .getByTestId('region-name')
      .getByText(/Northern Province \(BW-N\)/)
      .waitFor();
    const indicators = page.getByRole('table', { name: 'Indicators' });
    await indicators.getByText('internet-users-rural').waitFor();
    assert.ok((await indicators.getByText('CC0 1.0 (synthetic demo data)').count()) > 0);
    assert.ok((await indicators.getByText(/rolled up/).count()) > 0);
    // The drill-down's last step: the province's organizations, as the API lists them.
    const orgs = page.getByRole('table', { name: 'Organizations' });
    const listed = await server.ctx.metrics.regionOrganizations(
      systemActor((await server.ctx.orgs.root())!),
      'BW-N',
    );
    assert.ok(listed.organizations.length > 0, 'the demo province has operators');
    await orgs.getByText(listed.organizations[0]!.name, { exact: true }).waitFor();
    assert.equal(await orgs.locator('tbody tr').count(), listed.organizations.length);
    await shot('region');
  });

  test('two wings and the digital gap render as SVG with a table view', async () => {
    await page.getByRole('link', { name: 'Two wings' }).click();
    const wings = page.getByRole('img', { name: /Informatization index against security index/ });
    await wings.waitFor();
    assert.ok((await wings.locator('circle').count()) >= 2);
    await shot('two-wings');
    await page.getByRole('link', { name: 'Digital gap' }).click();
    const gap = page.getByRole('img', { name: /urban against rural/ });
    await gap.waitFor();
    assert.ok((await gap.locator('circle').count()) >= 4);
    await page
      .getByText(/Bulwark demo generator/)
      .first()
      .waitFor();
    await shot('digital-gap');
    await page
      .getByRole('figure', { name: /Digital gap: urban against rural/ })
      .getByRole('button', { name: 'Show table' })
      .click();
    await page.getByRole('table', { name: 'Digital gap' }).waitFor();
    assert.deepEqual(pageErrors, []);
  });

  test('the region map (tile grid, small multiples) and the deadlines view render with Plot', async () => {
    await page.getByRole('link', { name: 'Region map' }).click();
    const map = page.getByRole('figure', { name: /Region map/ });
    await map.waitFor();
    const api = await server.ctx.metrics.tileMap(systemActor((await server.ctx.orgs.root())!));
    // One small multiple per indicator, one equal tile per province in each.
    const multiples = map.locator('.metric-multiple');
    assert.equal(await multiples.count(), api.indicators.length);
    const kevGrid = page.getByRole('group', {
      name: /Known-exploited exposures past their due date by region/,
    });
    await kevGrid.waitFor();
    const tiles = kevGrid.locator('g[aria-label] > rect[aria-label]');
    assert.equal(await tiles.count(), api.tiles.length);
    // Each tile says its figure (the same as the API's), and can be reached with the keyboard.
    for (const t of api.tiles) {
      const label = await kevGrid.locator(`rect[aria-label^="${t.name}: "]`).getAttribute('aria-label');
      assert.match(label ?? '', new RegExp(`^${t.name}: ${t.values['kev-past-due']}( |$)`));
    }
    await tiles.first().focus();
    assert.match((await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))) ?? '', /: /);
    // The legend: a class histogram whose bars count every region with a value.
    const legend = page.getByRole('group', { name: /Classes of Known-exploited exposures/ });
    const bars = await legend
      .locator('rect[aria-label]')
      .evaluateAll((els) =>
        els.map((e) => Number(/: (\d+) regions/.exec(e.getAttribute('aria-label') ?? '')?.[1] ?? 0)),
      );
    assert.equal(
      bars.reduce((a, b) => a + b, 0),
      api.tiles.filter((t) => t.values['kev-past-due'] !== null).length,
    );
    await shot('map');
    await page.getByRole('button', { name: 'Show table' }).click();
    await page.getByRole('table', { name: 'Region map figures' }).waitFor();
    assert.match(
      (await map.getByRole('link', { name: 'Download CSV' }).getAttribute('href')) ?? '',
      /\/api\/v1\/metrics\/map\?format=csv/,
    );

    await page.getByRole('link', { name: 'Deadlines' }).click();
    await page.getByRole('group', { name: 'Incidents by month and grade' }).waitFor();
    const base = await db.query<{ stage: string; n: number; on_time: number }>(
      `SELECT r.stage, count(*)::int AS n, count(*) FILTER (WHERE r.filed_at <= r.due)::int AS on_time
       FROM incident_reports r JOIN incidents i ON i.id = r.incident_id
       WHERE NOT i.exercise AND r.due IS NOT NULL
         AND r.filed_at >= date_trunc('month', now()) - interval '11 months' GROUP BY 1`,
    );
    assert.ok(base.rows.length > 0, 'the demo federation has statutory reports');
    for (const r of base.rows) {
      const title = page.getByRole('heading', { name: new RegExp(`^Time to report: ${r.stage} \\(`) });
      assert.match((await title.textContent()) ?? '', new RegExp(`\\(${r.on_time} of ${r.n} in time, limit`));
      await page
        .getByRole('group', { name: new RegExp(`Time to report, stage ${r.stage}, legal limit`) })
        .waitFor();
    }
    await page.getByRole('group', { name: 'KEV exposures past due by age band' }).waitFor();
    // Late obligations: filed late and those past their deadline never filed, as the API counts them.
    const late = (await server.ctx.metrics.deadlines(systemActor((await server.ctx.orgs.root())!))).lateness;
    assert.match(
      (await page.getByTestId('lateness').textContent()) ?? '',
      new RegExp(`${late.filedLate} filed after their deadline and ${late.overdueNotFiled} past`),
    );
    await shot('deadlines');
    const csv = await page.getByRole('link', { name: 'Download CSV' }).last().getAttribute('href');
    assert.match(csv ?? '', /^data:text\/csv/);
    assert.match(
      decodeURIComponent(csv ?? ''),
      /^data:text\/csv;charset=utf-8,band,fromDays,toDays,exposures\r\n/,
    );
    assert.deepEqual(pageErrors, []);
  });

  test("a province's responder sees only its province", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
    await signInAs('responder');
    await page.getByTestId('scope').waitFor();
    assert.match((await page.getByTestId('scope').textContent()) ?? '', /\(BW-N\)/);
    const table = page.getByRole('table', { name: 'Regions' });
    await table.getByText('BW-N-01', { exact: true }).waitFor();
    assert.equal(await table.getByText('BW-S', { exact: true }).count(), 0);
    await shot('overview-province');
  });
});
