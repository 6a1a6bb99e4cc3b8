// The notification bell in real headless Chromium against a real server on PGlite with the demo
// federation and its incidents: the centre's administrator sees the unread count (the demo's major
// incident raised an alert at the centre), opens the panel, follows a notification to its incident,
// marks all read. Screenshot: test-results/notify-bell.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import type { Database } from '../../src/platform/db/types.ts';
import { browserSkip, expectAccessible, launchBrowser, openPage, RESULTS } from '../support/browser.ts';

const skip = browserSkip();

describe('notification bell in Chromium', { skip, timeout: 300_000 }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    // First: it builds the console that the server, started next, serves.
    browser = await launchBrowser();
    db = await openDatabase({});
    server = await startTestServer(db, {}, { demoRecords: true });
    page = await openPage(browser, { viewport: { width: 1280, height: 800 }, errors: pageErrors });
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
    await page.screenshot({ path: `${RESULTS}/notify-bell.png` });
    await expectAccessible(page, 'notification bell open');
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
