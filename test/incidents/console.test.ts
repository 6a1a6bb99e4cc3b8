// The Incidents pages in real headless Chromium (Debian's chromium driven by playwright-core)
// against a real server on PGlite with the demo federation and its demo incidents: the grid's
// security officer sees its overdue incident at the top of the queue with its clock, reports a new
// one through the guided form (which shows what is due by when), files the 1-hour report; the
// province's responder finds it in its queue; the centre sees the escalation alert, acknowledges
// it, reads the regional overview and launches a drill. Screenshots: test-results/incidents-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import type { Database } from '../../src/platform/db/types.ts';
import {
  browserSkip,
  expectAccessible,
  launchBrowser,
  openPage,
  saveScreenshot,
} from '../support/browser.ts';

const skip = browserSkip();

describe('incident pages in Chromium', { skip }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const password = (username: string) => server.creds.find((c) => c.username === username)!.password;
  // Every page state the suite looks at is also checked by axe-core (WCAG 2 A and AA).
  const shot = async (name: string) => {
    await saveScreenshot(page, `incidents-${name}`);
    await expectAccessible(page, `incidents ${name}`);
  };

  async function signIn(username: string): Promise<void> {
    await page.goto(`${server.url}/incidents`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password(username));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
  }
  async function signOut(): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
  }

  before(async () => {
    // First: it builds the console that the server, started next, serves.
    browser = await launchBrowser();
    db = await openDatabase({});
    server = await startTestServer(db, {}, { demoRecords: true });
    page = await openPage(browser, { viewport: { width: 1400, height: 1000 }, errors: pageErrors });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  test('the operator sees its overdue demo incident first, with its clock', async () => {
    await signIn('reporter');
    const table = page.getByRole('table', { name: 'Incidents' });
    const first = table.locator('tbody tr').first();
    await first.getByText('Ransomware on the SCADA historian servers (demo)').waitFor();
    assert.match(String(await first.textContent()), /OVERDUE/);
    // Not the port's drill or another operator's incidents.
    assert.equal(await table.getByText('DRILL: container terminal').count(), 0);
    await shot('queue-operator');
  });

  test('the guided form shows what is due by when, and the incident page its obligations', async () => {
    await page.getByRole('link', { name: 'Report an incident' }).click();
    await page.getByRole('heading', { name: 'Report an incident' }).waitFor();
    await page.getByLabel('Title').fill('Engineering workstation beaconing');
    await page.getByLabel('Grade').selectOption('major');
    const preview = page.getByRole('table', { name: 'Obligations' });
    await preview.locator('tr[data-stage="initial-cii"]').waitFor();
    assert.match(String(await preview.textContent()), /Onward report to the national level/);
    assert.match(
      String(await preview.textContent()),
      /\+08:00/,
      "shown on the federation's wall clock (Asia/Shanghai)",
    );
    await shot('report-form');
    await page.getByRole('button', { name: 'File incident' }).click();
    await page.getByRole('heading', { name: 'Engineering workstation beaconing' }).waitFor();
    const row = page.locator('tr[data-stage="initial-cii"]');
    assert.match(String(await row.textContent()), /due in/);
    // File the 1-hour report.
    await page.getByLabel('Stage').selectOption('initial-cii');
    for (const f of ['summary', 'systems', 'impact', 'measures', 'contact'])
      await page.getByLabel(f, { exact: true }).fill(`${f} of the report`);
    await page.getByRole('button', { name: 'File report' }).click();
    await row.getByText('filed', { exact: true }).waitFor();
    await page.getByRole('list', { name: 'Reports filed' }).getByText('ledger receipt').waitFor();
    await shot('incident-page');
    await signOut();
  });

  test("the province's responder finds it in its queue; the centre sees the alert and the overview", async () => {
    await signIn('responder');
    await page
      .getByRole('table', { name: 'Incidents' })
      .getByText('Engineering workstation beaconing')
      .waitFor();
    await signOut();
    await signIn('admin');
    const alerts = page.getByTestId('escalation-alerts');
    await alerts.getByText('Engineering workstation beaconing').waitFor();
    await alerts.getByText('Engineering workstation beaconing').click();
    await page.getByRole('button', { name: 'Acknowledge alert' }).click();
    await page
      .getByText(/acknowledged/)
      .first()
      .waitFor();
    await page.getByRole('link', { name: 'Regional overview' }).click();
    await page.getByRole('heading', { name: 'Regional overview' }).waitFor();
    const overview = page.getByRole('table', { name: 'Incidents by region, grade and status' });
    await overview.locator('tbody tr').first().waitFor();
    assert.match(String(await page.locator('.page-subtitle').textContent()), /drills not counted/);
    await shot('overview');
  });

  test('the centre launches a drill, labelled everywhere', async () => {
    await page.getByRole('link', { name: 'Launch a drill' }).click();
    await page.getByRole('heading', { name: 'Launch a drill' }).waitFor();
    await page.getByLabel('Operator').selectOption({ label: 'Lakeside Solar Farm (demo)' });
    await page.getByLabel('Title').fill('DRILL: inverter fleet ransomware');
    await page.getByLabel('Grade').selectOption('major');
    await page.getByRole('table', { name: 'Obligations' }).locator('tbody tr').first().waitFor();
    await page.getByRole('button', { name: 'Launch drill' }).click();
    await page.getByRole('heading', { name: 'DRILL: inverter fleet ransomware' }).waitFor();
    assert.match(String(await page.locator('.page-subtitle').textContent()), /DRILL/);
    await page.getByRole('link', { name: 'Queue' }).click();
    const row = page
      .getByRole('table', { name: 'Incidents' })
      .locator('tr', { hasText: 'DRILL: inverter fleet ransomware' });
    await row.waitFor();
    assert.match(String(await row.textContent()), /DRILL/);
    await shot('queue-centre');
    assert.deepEqual(pageErrors, []);
  });
});
