// The printable statutory report document (issue 10) in real headless Chromium against a real
// server on PGlite with the demo incidents: the centre's analyst opens the bank's filed phishing
// report (the filed values, the receipt, the JSON download), prints it (the console's frame hidden,
// black on white), and opens the port's drill (labelled, a draft with its missing fields).
// Screenshots: test-results/report-document-*.png; every state checked by axe-core.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import type { Incident } from '../../src/incidents/index.ts';
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

describe('statutory report document page in Chromium', { skip }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let phishing: Incident;
  let drill: Incident;
  const pageErrors: string[] = [];
  const shot = async (name: string) => {
    await saveScreenshot(page, `report-document-${name}`);
    await expectAccessible(page, `report document ${name}`);
  };

  before(async () => {
    browser = await launchBrowser();
    db = await openDatabase({});
    server = await startTestServer(db, {}, { demoRecords: true });
    page = await openPage(browser, { viewport: { width: 1280, height: 900 }, errors: pageErrors });
    const centre = systemActor((await server.ctx.orgs.root())!);
    const { items } = await server.ctx.incidents.list(centre, { limit: 100 });
    phishing = items.find((i) => i.title.startsWith('Credential phishing'))!;
    drill = items.find((i) => i.exercise)!;
    assert.ok(phishing && drill, 'the demo incidents are seeded');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  test('a filed report: its values, filer, receipt and the JSON download', async () => {
    const filed = phishing.obligations.find((o) => o.satisfiedAt)!;
    assert.ok(filed, 'the demo bank filed its first report');
    await signIn(page, 'analyst', demoPassword(server, 'analyst'), {
      base: server.url,
      path: `/statutory-reports/${phishing.id}/${filed.stage}`,
      heading: filed.title,
    });
    const fields = page.getByRole('table', { name: 'Required content' });
    assert.match(
      (await fields.locator('tr[data-field="summary"]').textContent()) ?? '',
      /northport-savings-login\.example/,
    );
    assert.equal(await fields.getByText('missing', { exact: true }).count(), 0);
    const facts = page.getByRole('region', { name: 'Report', exact: true });
    assert.match((await facts.textContent()) ?? '', /Filed by \(side\)operator/);
    assert.match((await facts.textContent()) ?? '', /On timeyes/);
    await page.getByRole('link', { name: /^incident-report / }).waitFor();
    const incidentFacts =
      (await page.getByRole('region', { name: 'Incident', exact: true }).textContent()) ?? '';
    assert.match(incidentFacts, /Credential phishing against online-banking customers/);
    assert.match(incidentFacts, /Exerciseno/);
    assert.match(incidentFacts, /enisa:fraud/);
    // The download is the API's document, with the session's cookie.
    const href = await page.getByRole('link', { name: 'Download JSON' }).getAttribute('href');
    const json = await (await page.request.get(`${server.url}${href}`)).json();
    assert.equal(json.state, 'filed');
    assert.equal(json.incident.id, phishing.id);
    assert.equal(json.stage.key, filed.stage);
    // Not a navigation entry.
    assert.equal(
      await page.getByRole('navigation', { name: 'Sections' }).getByText('Statutory report').count(),
      0,
    );
    await shot('filed');
  });

  test('printing hides the navigation and the buttons, black on white', async () => {
    const nav = page.getByRole('navigation', { name: 'Sections' });
    assert.equal(await nav.isVisible(), true, 'on screen the navigation shows');
    await page.emulateMedia({ media: 'print' });
    try {
      assert.equal(await nav.isVisible(), false, 'printed, the navigation is hidden');
      assert.equal(await page.locator('.topbar').isVisible(), false, 'and the top bar');
      assert.equal(await page.getByRole('button', { name: 'Print' }).isVisible(), false, 'and the buttons');
      const article = page.getByRole('article', { name: 'Statutory report document' });
      assert.equal(await article.isVisible(), true);
      const colours = await article.evaluate((e) => ({
        text: getComputedStyle(e).color,
        page: getComputedStyle(document.body).backgroundColor,
      }));
      assert.deepEqual(colours, { text: 'rgb(0, 0, 0)', page: 'rgb(255, 255, 255)' });
      await saveScreenshot(page, 'report-document-print');
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
    assert.equal(await nav.isVisible(), true);
  });

  test('a drill is labelled, and its unfiled stage is a draft with the missing fields', async () => {
    const owed = drill.obligations.find((o) => !o.satisfiedAt && o.due)!;
    await page.goto(`${server.url}/statutory-reports/${drill.id}/${owed.stage}`);
    await page.getByRole('heading', { name: `DRILL: ${owed.title}` }).waitFor();
    assert.match((await page.getByTestId('exercise-notice').textContent()) ?? '', /EXERCISE/);
    assert.match((await page.getByRole('article').textContent()) ?? '', /Draft: not filed\. Due/);
    const fields = page.getByRole('table', { name: 'Required content' });
    assert.ok((await fields.getByText('missing', { exact: true }).count()) > 0);
    assert.equal(
      await fields.getByText('missing', { exact: true }).count(),
      await fields.locator('tbody tr').count(),
      'every required field is missing',
    );
    await shot('drill-draft');
  });

  test("the incident page's obligations link to their documents", async () => {
    const filed = phishing.obligations.find((o) => o.satisfiedAt)!;
    await page.goto(`${server.url}/incidents/${phishing.id}`);
    const obligations = page.getByRole('table', { name: 'Obligations' });
    await obligations.getByRole('link', { name: `Report document: ${filed.title}` }).click();
    await page.getByRole('heading', { name: filed.title }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/statutory-reports/${phishing.id}/${filed.stage}`);
    const owed = drill.obligations.find((o) => !o.satisfiedAt && o.due)!;
    await page.goto(`${server.url}/incidents/${drill.id}`);
    await page
      .getByRole('table', { name: 'Obligations' })
      .getByRole('link', { name: `Draft document: ${owed.title}` })
      .waitFor();
    await shot('incident-links');
  });

  test('without an incident it says where to open one; an unknown stage shows the problem', async () => {
    await page.goto(`${server.url}/statutory-reports`);
    await page.getByText("Open a report from an incident's obligations.").waitFor();
    await shot('bare');
    await page.goto(`${server.url}/statutory-reports/${drill.id}/no-such-stage`);
    await page.getByText(/no-such-stage/).waitFor();
    await shot('unknown-stage');
    // Chromium logs the refused request (404) as a console error; uncaught errors are what counts.
    assert.deepEqual(pageErrors, []);
  });
});
