// The intermediate report on request (NIS2 art. 23(4)(c)) on the incident page in real headless
// Chromium, against a real server on PGlite with the demo federation: the operator sees its eu-nis2
// incident's intermediate report "on request" and no Request button; the centre's administrator
// sees the button, requests the report, and the obligation's clock runs with "requested <time>".
// Every page state is checked by axe-core. Screenshots: test-results/incidents-request-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
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

const skip = browserSkip();

describe('intermediate report on request in Chromium', { skip }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let id: string;
  const pageErrors: string[] = [];
  const shot = async (name: string) => {
    await saveScreenshot(page, `incidents-request-${name}`);
    await expectAccessible(page, `incidents request ${name}`);
  };

  // The shared sign-in, on the incident's own page.
  const signInAs = (username: string) =>
    signIn(page, username, demoPassword(server, username), {
      base: server.url,
      path: `/incidents/${id}`,
      heading: 'Substation telemetry gaps',
    });
  async function signOut(): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
  }

  before(async () => {
    browser = await launchBrowser();
    db = await openDatabase({});
    server = await startTestServer(db);
    page = await openPage(browser, { viewport: { width: 1400, height: 1000 }, errors: pageErrors });
    const token = await server.token(server.orgId('Northport Power Grid (demo)'), 'reporter');
    const r = await fetch(`${server.url}/api/v1/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Substation telemetry gaps',
        category: 'gbt:other',
        grade: 'relatively-major',
        awareAt: new Date(Date.now() - 3_600_000).toISOString(),
        regime: 'eu-nis2',
      }),
    });
    const body = await r.text();
    assert.equal(r.status, 201, body);
    id = (JSON.parse(body) as { id: string }).id;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  const row = () => page.getByRole('table', { name: 'Obligations' }).locator('tr[data-stage="intermediate"]');

  test('the operator sees the intermediate report on request, with no Request button', async () => {
    await signInAs('reporter');
    await row().waitFor();
    // The title says "on request" too: look at the due cell and the clock cell.
    assert.equal(await row().locator('td').nth(1).textContent(), 'on request');
    assert.match(String(await row().locator('td').nth(2).textContent()), /^on request/);
    assert.equal(
      await row()
        .getByRole('button', { name: /Request/ })
        .count(),
      0,
    );
    await shot('operator');
    await signOut();
  });

  test("the centre's administrator requests it, and its clock runs", async () => {
    await signInAs('admin');
    const button = row().getByRole('button', { name: 'Request the Intermediate report on request' });
    await button.waitFor();
    await shot('centre-before');
    await button.click();
    await row()
      .getByText(/requested /)
      .waitFor();
    const clock = String(await row().locator('td').nth(2).textContent());
    assert.match(clock, /due in (2 d 23 h|3 d 0 h)/, clock);
    assert.notEqual(await row().locator('td').nth(1).textContent(), 'on request');
    assert.equal(
      await row()
        .getByRole('button', { name: /Request/ })
        .count(),
      0,
    );
    await shot('centre-after');
    assert.deepEqual(pageErrors, []);
  });
});
