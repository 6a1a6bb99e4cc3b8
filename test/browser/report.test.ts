// The public report page in real headless Chromium (Debian's chromium, driven by playwright-core):
// a member of the public files a report through /report (the browser solves the proof of work),
// gets a receipt token shown once, opens the status page, and the receipt there verifies offline
// with `bulwark ledger verify-receipt`; on a phone-sized viewport the upload control refuses a
// wrong type and too many files with errors it announces, then sends a JPEG carrying EXIF (a
// camera owner, a GPS position) that is stored without it. Screenshots land in
// test-results/report-*.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
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
import { exifPhoto } from '../support/public.ts';

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

  test('attachments: wrong type and too many files refused with errors; a JPEG is stored without its EXIF', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-upload-'));
    const CANARY = 'canary-exif-browser-3c9e';
    const photo = await exifPhoto(CANARY, { r: 30, g: 140, b: 90 });
    assert.ok((await sharp(photo).metadata()).exif, 'the upload carries EXIF');
    const photoPath = join(dir, 'scam-sms.jpg');
    writeFileSync(photoPath, photo);
    const pagePath = join(dir, 'page.html');
    writeFileSync(pagePath, '<html></html>');
    await page.goto(`${server.url}/report`);
    await page.getByLabel('What happened?').selectOption('fraud.impersonation-bank');
    await page
      .getByLabel('What happened, in your words')
      .fill('An SMS with a link; a screenshot is attached.');
    await page.getByLabel('Value').fill('+86 138 0013 8001');
    const files = page.getByLabel('Photos or files (optional)');
    // A type the API does not take: named in an alert, the field marked invalid, nothing sent.
    await files.setInputFiles([pagePath]);
    const problem = page.locator('#files-error');
    await problem.waitFor();
    assert.match(
      (await problem.textContent()) ?? '',
      /page\.html is not a JPEG, PNG, WebP, PDF or text file/,
    );
    assert.equal(await files.getAttribute('aria-invalid'), 'true');
    assert.equal(await problem.getAttribute('role'), 'alert');
    await saveScreenshot(page, 'report-upload-error');
    await expectAccessible(page, 'report form with a refused file');
    await page.getByRole('button', { name: 'Send report' }).click();
    assert.equal(await page.getByRole('heading', { name: 'Report received' }).count(), 0, 'not sent');
    // Six files: at most five.
    await files.setInputFiles(Array.from({ length: 6 }, () => photoPath));
    assert.match((await problem.textContent()) ?? '', /at most 5 files/);
    // One photo: accepted, listed, sent after the report, named on the receipt page.
    await files.setInputFiles([photoPath]);
    assert.equal(await problem.isHidden(), true);
    assert.equal(await files.getAttribute('aria-invalid'), null);
    assert.match((await page.locator('#files-chosen').textContent()) ?? '', /scam-sms\.jpg/);
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.getByRole('heading', { name: 'Report received' }).waitFor({ timeout: 60_000 });
    assert.match((await page.locator('#uploads').textContent()) ?? '', /Attached: scam-sms\.jpg/);
    await saveScreenshot(page, 'report-upload-receipt');
    await expectAccessible(page, 'report receipt with an attachment');
    // Staff read the stored image: re-encoded, no EXIF, no canary.
    const id = ((await page.locator('#report-id').textContent()) ?? '').trim();
    const centre = server.orgId('National Cyber Security Coordination Centre');
    const auth = { authorization: `Bearer ${await server.token(centre, 'analyst')}` };
    const detail = await (await fetch(`${server.url}/api/v1/public-reports/${id}`, { headers: auth })).json();
    assert.equal(detail.attachments.length, 1, JSON.stringify(detail.attachments));
    const a = detail.attachments[0];
    assert.equal(a.mediaType, 'image/jpeg');
    assert.equal(a.stored, true);
    const res = await fetch(`${server.url}/api/v1/public-reports/${id}/attachments/${a.id}`, {
      headers: auth,
    });
    assert.equal(res.status, 200);
    const stored = Buffer.from(await res.arrayBuffer());
    const meta = await sharp(stored).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(meta.exif, undefined, 'the stored image has no EXIF');
    assert.ok(!stored.includes(CANARY), 'nor the canary anywhere in its bytes');
    assert.deepEqual(pageErrors, []);
  });
});
