// The console's Ledger page in real headless Chromium: it shows the signed checkpoint, fetches a
// receipt for a record the user may read, and verifies it in the browser (WebCrypto), refusing a
// tampered one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import type { Database } from '../../src/platform/db/types.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const CHROMIUM = '/usr/bin/chromium';
const RESULTS = join(ROOT, 'test-results');
const skip = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install -y chromium)`;

/** Builds the console when it is missing or older than this page. */
function ensureConsoleBuilt(): void {
  const index = join(ROOT, 'dist/console/index.html');
  const page = join(ROOT, 'console/src/pages/Ledger.tsx');
  if (existsSync(index) && statSync(index).mtimeMs > statSync(page).mtimeMs) return;
  const r = spawnSync('npx', ['vite', 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`building the console failed (exit ${r.status})`);
}

describe('Ledger page in Chromium', { skip, timeout: 180_000 }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    ensureConsoleBuilt();
    mkdirSync(RESULTS, { recursive: true });
    db = await openDatabase({});
    server = await startTestServer(db);
    await server.ctx.ledger.integrateNow();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => errors.push(e.message));
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
    assert.match((await ok.textContent())!, new RegExp(`"id":"${rootId}"`));
    await page.screenshot({ path: join(RESULTS, 'ledger-valid.png'), fullPage: true });

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
    await page.screenshot({ path: join(RESULTS, 'ledger-invalid.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });
});
