// The Overview (the signed-in home) in real headless Chromium against a real server on PGlite with
// the demo federation's records: the centre's administrator lands on it after signing in, the
// figures on the page equal those of the base tables, the chart switches to its table view, the
// two-wings and digital-gap views render their SVG; a province's responder sees only its province.
// Screenshots are saved under the test's temp directory (printed) and test-results/metrics-*.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import type { Database } from '../../src/platform/db/types.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = new URL('../..', import.meta.url).pathname;
const RESULTS = join(ROOT, 'test-results');
const SHOTS = mkdtempSync(join(tmpdir(), 'bulwark-metrics-console-'));

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return t;
}

function ensureConsoleBuilt(): void {
  const index = join(ROOT, 'dist/console/index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, 'console/src'))) return;
  const r = spawnSync('npx', ['vite', 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`building the console failed (exit ${r.status})`);
}

const skip = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install -y chromium)`;

describe('overview pages in Chromium', { skip }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const password = (username: string) => server.creds.find((c) => c.username === username)!.password;
  const shot = async (name: string) => {
    await page.screenshot({ path: join(SHOTS, `metrics-${name}.png`), fullPage: true });
    await page.screenshot({ path: join(RESULTS, `metrics-${name}.png`), fullPage: true });
  };

  async function signIn(username: string): Promise<void> {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password(username));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
  }

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    ensureConsoleBuilt();
    db = await openDatabase({});
    server = await startTestServer(db, {}, { demoRecords: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    console.log(`# metrics screenshots in ${SHOTS}`);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  test('the centre lands on the overview; its figures equal the base tables', async () => {
    await signIn('admin');
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
    await page.getByRole('button', { name: 'Show table' }).click();
    await page.getByRole('table', { name: 'Digital gap' }).waitFor();
    assert.deepEqual(pageErrors, []);
  });

  test("a province's responder sees only its province", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
    await signIn('responder');
    await page.getByTestId('scope').waitFor();
    assert.match((await page.getByTestId('scope').textContent()) ?? '', /\(BW-N\)/);
    const table = page.getByRole('table', { name: 'Regions' });
    await table.getByText('BW-N-01', { exact: true }).waitFor();
    assert.equal(await table.getByText('BW-S', { exact: true }).count(), 0);
    await shot('overview-province');
  });
});
