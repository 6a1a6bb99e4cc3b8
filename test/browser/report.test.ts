// The public report page in real headless Chromium (Debian's chromium, driven by playwright-core):
// a member of the public files a report through /report (the browser solves the proof of work),
// gets a receipt token shown once, opens the status page, and the receipt there verifies offline
// with `bulwark ledger verify-receipt`. Screenshots land in test-results/report-*.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  ROOT,
  saveScreenshot,
} from '../support/browser.ts';

const BIN = join(ROOT, 'bin/bulwark');

describe('public report page in Chromium', { skip: browserSkip() }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    // First: it builds the console that the server, started next, serves.
    browser = await launchBrowser();
    db = await openDatabase({});
    server = await startTestServer(db, { BULWARK_PUBLIC_POW_COUNTER: '2000' });
    // A phone-sized viewport: the page is mobile-first.
    page = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      locale: 'en-US',
      errors: pageErrors,
      consoleErrorsExcept: /(?!)/,
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  test('files a report, shows the receipt once, and the status page carries a verifiable receipt', async () => {
    await page.goto(`${server.url}/report`);
    await page.getByLabel('What happened?').selectOption('fraud.impersonation-bank');
    await page.getByLabel('How were you contacted?').selectOption('sms');
    await page
      .getByLabel('What happened, in your words')
      .fill('An SMS said my bank account was frozen and gave a link.');
    await page.getByLabel('Value').fill('+86 138 0013 8000');
    await saveScreenshot(page, 'report-form');
    await expectAccessible(page, 'report form');
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.getByRole('heading', { name: 'Report received' }).waitFor({ timeout: 60_000 });
    const token = (await page.locator('#receipt-token').textContent())?.trim() ?? '';
    assert.match(token, /^bwr_/);
    await saveScreenshot(page, 'report-receipt');
    await expectAccessible(page, 'report receipt');
    // The status page: received, and (once the sequencer integrated it) the ledger receipt.
    let receipt = '';
    for (let i = 0; i < 40 && !receipt; i++) {
      await page.goto(`${server.url}/report#status=${token}`);
      await page.locator('#timeline').waitFor();
      receipt = (await page.locator('#ledger-receipt').count())
        ? ((await page.locator('#ledger-receipt').textContent()) ?? '')
        : '';
      if (!receipt) await page.waitForTimeout(250);
    }
    assert.match((await page.locator('#timeline').textContent()) ?? '', /received/);
    assert.ok(receipt, 'the status page shows the receipt');
    await saveScreenshot(page, 'report-status');
    await expectAccessible(page, 'report status');
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-receipt-'));
    writeFileSync(join(dir, 'receipt.txt'), receipt);
    const key = (await (await fetch(`${server.url}/ledger/key`)).text()).trim();
    const v = spawnSync(BIN, ['ledger', 'verify-receipt', join(dir, 'receipt.txt'), '--key', key], {
      encoding: 'utf8',
    });
    assert.equal(v.status, 0, v.stderr + v.stdout);
    // Switching to Simplified Chinese relabels the form.
    await page.goto(`${server.url}/report`);
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByLabel('发生了什么？').waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
