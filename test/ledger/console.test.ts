// The console's Ledger page in real headless Chromium: it shows the signed checkpoint, fetches a
// receipt for a record the user may read, and verifies it in the browser (WebCrypto), refusing a
// tampered one.
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

describe('Ledger page in Chromium', { skip, timeout: 180_000 }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    // First: it builds the console that the server, started next, serves.
    browser = await launchBrowser();
    db = await openDatabase({});
    server = await startTestServer(db);
    await server.ctx.ledger.integrateNow();
    page = await openPage(browser, { viewport: { width: 1280, height: 900 }, errors });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  test('shows the checkpoint, gets a receipt and verifies it in the browser', async () => {
    const admin = server.creds.find((c) => c.username === 'admin')!;
    await page.goto(`${server.url}/ledger`);
    await page.getByLabel('Username').fill(admin.username);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Ledger' }).waitFor();
    const size = Number((await page.getByTestId('ledger-size').textContent())!.replace(/\D/g, ''));
    assert.ok(size > 0, 'the demo federation is in the log');
    const vkey = (await (await fetch(`${server.url}/ledger/key`)).text()).trim();
    assert.ok((await page.content()).includes(vkey));

    const rootId = server.orgId('National Cyber Security Coordination Centre');
    await page.getByLabel('Record kind').fill('organization');
    await page.getByLabel('Record id').fill(rootId);
    await page.getByRole('button', { name: 'Get receipt' }).click();
    await page.getByText(/^Receipt: organization /).waitFor();
    const receipt = await page.getByLabel('Receipt (C2SP tlog-proof)').inputValue();
    assert.match(receipt, /^c2sp\.org\/tlog-proof@v1\nextra /);
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    const ok = page.getByRole('status').filter({ hasText: 'Valid: entry' });
    await ok.waitFor();
    // The public entry is opaque (issue 8); the page checks that it commits to the record named.
    assert.match((await ok.textContent())!, /\{"c":"[A-Za-z0-9+/]{43}=","v":2\}/);
    assert.match(
      (await ok.textContent())!,
      new RegExp(`commits to organization ${rootId} v1 of organization `),
    );
    await saveScreenshot(page, 'ledger-valid');
    await expectAccessible(page, 'ledger valid receipt');

    // One changed proof hash: the browser says why it is not valid.
    const lines = receipt.split('\n');
    const at = lines.findIndex((l) => /^[A-Za-z0-9+/]{43}=$/.test(l));
    assert.ok(at > 0, 'the receipt has proof lines');
    lines[at] = `${lines[at]![0] === 'A' ? 'B' : 'A'}${lines[at]!.slice(1)}`;
    await page.getByLabel('Receipt (C2SP tlog-proof)').fill(lines.join('\n'));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    const bad = page.getByRole('alert').filter({ hasText: 'Not valid' });
    await bad.waitFor();
    assert.match((await bad.textContent())!, /inclusion proof does not lead to the root hash/);
    await saveScreenshot(page, 'ledger-invalid');
    await expectAccessible(page, 'ledger invalid receipt');
    assert.deepEqual(errors, []);
  });
});
