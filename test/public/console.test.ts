// The staff side of public reports in the console, in real headless Chromium (Debian's chromium,
// driven by playwright-core) on an in-memory PGlite seeded with the demo federation (its four
// labelled public reports: one SMS campaign from three reporters and an app report): the centre's
// analyst filters the triage queue, opens a report (observables defanged, campaign links, the
// timeline), records a decision with its reason, promotes the campaign's phone number from the
// candidates and sees it published, and views a report's attachments. Screenshots land in test-results/public-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
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

describe('public reports console in Chromium', { skip: browserSkip() }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  // Every page state the suite looks at is also checked by axe-core (WCAG 2 A and AA).
  const shot = async (name: string) => {
    await saveScreenshot(page, `public-${name}`);
    await expectAccessible(page, `public reports ${name}`);
  };

  before(async () => {
    // First: it builds the console that the server, started next, serves.
    browser = await launchBrowser();
    db = await openDatabase({});
    server = await startTestServer(db, {}, { demoRecords: true });
    page = await openPage(browser, { viewport: { width: 1280, height: 900 }, errors });
    await page.goto(`${server.url}/public-reports`);
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

  test('the triage queue lists the open reports oldest first and filters them', async () => {
    await page.getByRole('heading', { name: 'Public reports' }).waitFor();
    const table = page.getByRole('table', { name: 'Triage queue' });
    await table.getByText('privacy.app-over-collection').waitFor();
    assert.equal(await table.getByText('fraud.impersonation-bank').count(), 3);
    await page.getByText('4 reports').waitFor();
    await shot('queue');
    await page.getByLabel('Category').selectOption('privacy.*');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('1 report', { exact: true }).waitFor();
    assert.equal(await table.getByText('fraud.impersonation-bank').count(), 0);
    assert.match(page.url(), /category=privacy\.\*/);
    await page.getByLabel('Category').selectOption('');
    await page.getByLabel('Observable type').selectOption('phone');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('3 reports').waitFor();
    assert.equal(await table.getByText('privacy.app-over-collection').count(), 0);
  });

  test('a report shows its observables defanged, its campaign and its timeline', async () => {
    const table = page.getByRole('table', { name: 'Triage queue' });
    await table.getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Public report' }).waitFor();
    const obs = page.getByRole('table', { name: 'Observables' });
    await obs.getByText('hxxp[://]demo-bank-verify[.]example[.]com/login').waitFor();
    await obs.getByText('+8613800138000').waitFor();
    // No live link to a reported URL anywhere on the page.
    assert.equal(await page.locator('a[href*="demo-bank-verify"]').count(), 0);
    // …and the SMS as received is defanged too.
    await page.getByText('demo-bank-verify[.]example[.]com/login or call').waitFor();
    assert.ok(
      !(await page.locator('main, body').first().textContent())?.includes('demo-bank-verify.example.com'),
    );
    assert.equal(await page.getByRole('list', { name: 'Campaign' }).getByRole('listitem').count(), 2);
    await page.getByRole('list', { name: 'Timeline' }).getByText('received').waitFor();
    await page.getByRole('list', { name: 'Timeline' }).getByText('linked').waitFor();
    await shot('report');
  });

  test('a decision with its reason is recorded and shows on the timeline', async () => {
    await page.getByLabel('Needs information').check();
    await page.getByLabel('Reason').fill('Which bank did the SMS name? Add a screenshot.');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.getByRole('status').getByText('Decision recorded: needs-information.').waitFor();
    await page.getByRole('list', { name: 'Timeline' }).getByText('triaged').waitFor();
    await page.getByText('Which bank did the SMS name? Add a screenshot.').waitFor();
    // Duplicate needs the original: the server's words show when it is missing.
    await page.getByLabel('Duplicate of…').check();
    await page.getByLabel('Original report id').fill('');
    await page.getByLabel('Reason').fill('Same SMS as an earlier report.');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.getByRole('alert').waitFor();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /duplicate|original|required/i);
    await page.getByLabel('Confirm').check();
    await page.getByLabel('Reason').fill('Known impersonation campaign; the bank confirmed.');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.getByRole('status').getByText('Decision recorded: confirm.').waitFor();
    await page.getByText('confirmed', { exact: true }).first().waitFor();
    await shot('decided');
  });

  test('the candidate phone number is promoted to an indicator', async () => {
    await page.getByRole('link', { name: 'Candidates' }).click();
    const table = page.getByRole('table', { name: 'Candidates' });
    await table.getByText('+8613800138000').waitFor();
    await shot('candidates');
    await page.getByRole('button', { name: 'Promote +8613800138000' }).click();
    await page
      .getByRole('status')
      .getByText(/Published as an indicator/)
      .waitFor();
    await page.getByLabel('Status').selectOption('published');
    await table.getByText('+8613800138000').waitFor();
    await table.getByRole('link', { name: /indicator \(shared with \d+\)/ }).waitFor();
    // The X-ARF download is a link to the export (the API test checks its content).
    assert.equal(
      await page.getByRole('link', { name: 'Download X-ARF v4' }).getAttribute('href'),
      '/api/v1/public-reports/xarf?format=ndjson',
    );
    await shot('published');
  });

  test('a report’s attachments: the stored image shows, a hash-only file says so', async () => {
    const svc = server.ctx.publicReports;
    const r = await svc.file(
      {
        category: 'fraud.shopping',
        narrative: 'A shop that never delivered; a screenshot of the order.',
        observables: [{ type: 'url', value: 'http://shop-never-delivers.example/order' }],
        pow: { challenge: { parameters: {}, signature: '' }, solution: { counter: 0, derivedKey: '' } },
      },
      { address: '203.0.113.9' },
      { skipPow: true },
    );
    const png = await sharp({
      create: { width: 120, height: 80, channels: 3, background: { r: 240, g: 180, b: 20 } },
    })
      .png()
      .withExif({ IFD0: { Artist: 'someone-private' } })
      .toBuffer();
    await svc.attach(r.receiptToken, png, 'image/png');
    await svc.attach(r.receiptToken, Buffer.from('%PDF-1.4\n%%EOF\n'), 'application/pdf');
    await page.goto(`${server.url}/public-reports/${r.id}`);
    const list = page.getByRole('list', { name: 'Attachments' });
    const img = list.getByRole('img');
    await img.waitFor();
    await page.waitForFunction(() => {
      const i = document.querySelector('.pr-attachments img') as HTMLImageElement | null;
      return !!i && i.complete && i.naturalWidth > 0;
    });
    assert.equal(await img.evaluate((i) => (i as HTMLImageElement).naturalWidth), 120);
    await list.getByText('application/pdf: only its hash was kept').waitFor();
    await list.getByText(/metadata removed/).waitFor();
    await page.getByRole('list', { name: 'Timeline' }).getByText('attachment').first().waitFor();
    await shot('attachments');
    assert.deepEqual(errors, []);
  });

  test('only the coordination centre is offered the section: an operator has no link, and the page refuses it', async () => {
    const nav = page.getByRole('navigation', { name: 'Sections' });
    await nav.getByRole('link', { name: 'Public reports' }).waitFor();
    const operator = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    try {
      await signIn(operator, 'reporter', demoPassword(server, 'reporter'), {
        base: server.url,
        path: '/overview',
      });
      const operatorNav = operator.getByRole('navigation', { name: 'Sections' });
      await operatorNav.getByRole('link', { name: 'Incidents' }).waitFor();
      assert.equal(await operatorNav.getByRole('link', { name: 'Public reports' }).count(), 0);
      // The link is a hint only: the server still decides, and says so on the page itself.
      await operator.goto(`${server.url}/public-reports`);
      await operator.getByText('HTTP 404').waitFor();
    } finally {
      await operator.close();
    }
  });
});
