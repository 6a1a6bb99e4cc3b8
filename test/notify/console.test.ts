// The notification bell in real headless Chromium against a real server on PGlite with the demo
// federation and its incidents: the centre's administrator sees the unread count (the demo's major
// incident raised an alert at the centre), opens the panel, follows a notification to its incident,
// marks all read. Screenshot: test-results/notify-bell.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import type { Database } from '../../src/platform/db/types.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = new URL('../..', import.meta.url).pathname;
const RESULTS = join(ROOT, 'test-results');

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

describe('notification bell in Chromium', { skip, timeout: 300_000 }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    ensureConsoleBuilt();
    db = await openDatabase({});
    server = await startTestServer(db, {}, { demoRecords: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  test('the centre sees its alerts under the bell, follows one, marks all read', async () => {
    const password = server.creds.find((c) => c.username === 'admin')!.password;
    await page.goto(`${server.url}/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const bell = page.getByRole('button', { name: /Notifications/ });
    await bell.waitFor();
    await page.getByTestId('notification-count').waitFor();
    assert.ok(
      Number(
        await page
          .getByTestId('notification-count')
          .textContent()
          .then((t) => (t ?? '').split(/\s/)[0]),
      ) >= 1,
    );
    await bell.click();
    assert.equal(await bell.getAttribute('aria-expanded'), 'true');
    const panel = page.getByRole('region', { name: 'Notifications' });
    const alert = panel.getByRole('link', { name: /major incident at/i }).first();
    await alert.waitFor();
    await page.screenshot({ path: join(RESULTS, 'notify-bell.png') });
    // Escape closes the panel and gives focus back to the bell.
    await page.keyboard.press('Escape');
    assert.equal(await panel.count(), 0);
    await bell.click();
    await panel
      .getByRole('link', { name: /major incident at/i })
      .first()
      .click();
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    await bell.click();
    await panel.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByTestId('notification-count').waitFor({ state: 'detached' });
    assert.deepEqual(pageErrors, []);
  });
});
