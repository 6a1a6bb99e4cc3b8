// The threat intelligence pages of the console in real headless Chromium (Debian's chromium,
// driven by playwright-core) on an in-memory PGlite seeded with the demo federation: the centre's
// analyst searches the demo indicators, opens one (markings, versions, life cycle, relationships),
// pastes a log excerpt into the match tester and sees the planted observable hit and the others
// not, then reads the collections. Screenshots land in test-results/intel-*.png.
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

describe('threat intelligence console in Chromium', { skip: browserSkip() }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  // Every page state the suite looks at is also checked by axe-core (WCAG 2 A and AA).
  const shot = async (name: string) => {
    await saveScreenshot(page, `intel-${name}`);
    await expectAccessible(page, `intel ${name}`);
  };

  before(async () => {
    // First: it builds the console that the server, started next, serves.
    browser = await launchBrowser();
    db = await openDatabase({});
    server = await startTestServer(db, {}, { demoRecords: true });
    page = await openPage(browser, { viewport: { width: 1280, height: 900 }, errors });
    await page.goto(`${server.url}/intel`);
    // The machine may be busy (the suite runs beside others): give the first page time.
    await page.getByLabel('Username').waitFor({ timeout: 60_000 });
    const creds = server.creds.find((c) => c.username === 'analyst');
    assert.ok(creds);
    await page.getByLabel('Username').fill(creds.username);
    await page.getByLabel('Password').fill(creds.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  test('search lists the demo indicators with their TLP markings', async () => {
    await page.getByRole('heading', { name: 'Threat intelligence' }).waitFor();
    const table = page.getByRole('table', { name: 'Intelligence objects' });
    await table.getByText('Botnet command-and-control range (demo)').waitFor();
    await table.getByText('Fraud call centre number (demo)').waitFor();
    assert.ok((await table.textContent())?.includes('TLP:AMBER'));
    await page.getByLabel('Text').fill('phishing');
    await page.getByRole('button', { name: 'Search' }).click();
    await table.getByText('Phishing domain imitating the savings bank (demo)').waitFor();
    await page.waitForFunction(
      () => !document.body.textContent?.includes('Botnet command-and-control range (demo)'),
    );
    await shot('search');
  });

  test('an indicator page shows markings, versions and a live life cycle', async () => {
    await page.getByRole('link', { name: 'Phishing domain imitating the savings bank (demo)' }).click();
    await page.getByRole('heading', { name: 'Phishing domain imitating the savings bank (demo)' }).waitFor();
    await page.getByText('TLP:GREEN').first().waitFor();
    await page.getByText('matching').waitFor();
    assert.equal(await page.getByRole('list', { name: 'Versions' }).getByRole('listitem').count(), 1);
    await shot('object');
  });

  test('the match tester finds the planted observables and nothing else', async () => {
    await page.getByRole('link', { name: 'Match tester' }).click();
    await page
      .getByRole('textbox', { name: 'Log excerpt' })
      .fill(
        [
          'Oct 3 10:14:07 fw01 DENY tcp 10.20.1.7:51544 -> 203.0.113.45:443',
          'proxy: GET https://login.northport-savings-login.example/verify from 10.20.1.9',
          'benign: 198.51.100.20 www.example.org',
        ].join('\n'),
      );
    await page.getByRole('button', { name: 'Match' }).click();
    const hits = page.getByRole('table', { name: 'Hits' });
    await hits.getByText('ipv4-addr:203.0.113.45').waitFor();
    await hits.getByText('domain-name:login.northport-savings-login.example').waitFor();
    const rows = await hits.getByRole('row').count();
    assert.equal(rows, 3, 'a header and two hits');
    assert.ok(!(await hits.textContent())?.includes('198.51.100.20'));
    await page.getByRole('list', { name: 'Observables' }).getByText('198.51.100.20').waitFor();
    await shot('match');
  });

  test('collections list the community and the organization’s own', async () => {
    await page.getByRole('link', { name: 'Collections and feeds' }).click();
    const table = page.getByRole('table', { name: 'Collections' });
    await table.getByText('Federation community').waitFor();
    assert.ok((await table.textContent())?.includes('organization'));
    await shot('collections');
    assert.deepEqual(errors, []);
  });
});
