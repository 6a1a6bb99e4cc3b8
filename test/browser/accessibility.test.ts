// Issue 14, "Accessibility of the whole console": axe-core's WCAG 2 A and AA rules find nothing on
// any console page, in real headless Chromium, with the demo federation's data (demo incidents,
// assets, exposures, advisories, indicators). The walk covers every section of
// console/src/routes.tsx (read from the file, so a new section is walked without editing this
// test) and the pages below them: asset, advisory, incident, indicator and region pages, the
// exposure views, the incident forms, the intel tools, the metrics views, a public report and the
// candidates; and the pages around them: sign-in,
// not-found, the public report portal and its status page. Screenshots: test-results/a11y-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  ROOT,
  saveScreenshot,
  signIn,
} from '../support/browser.ts';

/** The section paths of the console's router, as written in routes.tsx. */
function sectionPaths(): string[] {
  const source = readFileSync(join(ROOT, 'console/src/routes.tsx'), 'utf8');
  return [...source.matchAll(/\{\s*path:\s*'([^']+)'/g)].map((m) => m[1]!);
}

const skip = browserSkip();

describe('every console page passes axe-core WCAG 2 A and AA', { skip }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  /** Opens a path, waits until the page has settled (no request in flight, no loading notice). */
  async function visit(path: string): Promise<void> {
    await page.goto(`${server.url}${path}`);
    await settle().catch((e: Error) => {
      throw new Error(`${path} did not settle: ${e.message}`);
    });
  }
  async function settle(): Promise<void> {
    await page.waitForLoadState('networkidle');
    await page.locator('main').first().waitFor({ timeout: 30_000 });
    await page
      .getByText(/^Loading/)
      .first()
      .waitFor({ state: 'detached', timeout: 10_000 })
      .catch(() => undefined);
  }
  const slug = (path: string) =>
    path
      .replace(/^\//, '')
      .replace(/[^a-z0-9]+/gi, '-')
      .replace(/-+$/, '') || 'root';
  async function check(path: string, label = path): Promise<void> {
    await saveScreenshot(page, `a11y-${slug(label)}`);
    await expectAccessible(page, label);
  }

  before(async () => {
    // First: it builds the console that the server, started next, serves.
    browser = await launchBrowser();
    db = await openDatabase({});
    server = await startTestServer(db, {}, { demoRecords: true });
    page = await openPage(browser, { errors });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  test('the sign-in page and the not-found page, signed out', async () => {
    await visit('/overview');
    await page.getByLabel('Username').waitFor();
    await check('/signin', 'sign-in');
    // The form's own error states are part of the page.
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Enter your username.').waitFor();
    await check('/signin', 'sign-in-errors');
  });

  test('the public report portal and its status page', async () => {
    await page.goto(`${server.url}/report`);
    await page.waitForLoadState('networkidle');
    await check('/report', 'report');
    await page.goto(`${server.url}/report#status=0000000000000000000000000000000000000000`);
    await page.waitForLoadState('networkidle');
    await check('/report#status', 'report-status');
  });

  test('every section of the console router, signed in as the demo administrator', async () => {
    await visit('/overview');
    await signIn(page, 'admin', demoPassword(server, 'admin'));
    await settle();
    const sections = sectionPaths();
    assert.ok(sections.length >= 10, `routes.tsx lists ${sections.length} sections`);
    const failures: string[] = [];
    for (const path of [...sections, '/no-such-page']) {
      await visit(path);
      assert.equal(await page.getByLabel('Username').count(), 0, `${path} shows the sign-in form`);
      await check(path).catch((e: Error) => failures.push(e.message));
    }
    assert.deepEqual(failures, []);
  });

  test('the pages below the sections: details, views, forms and tools', async () => {
    const token = await server.token(server.orgId('National Cyber Security Coordination Centre'), 'admin');
    const get = async (path: string) => {
      const r = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 200, path);
      return (await r.json()) as { items: Record<string, unknown>[] } & Record<string, unknown>;
    };
    const asset = (await get('/api/v1/assets?limit=1')).items[0];
    const advisory = (await get('/api/v1/advisories?limit=1')).items[0];
    const incident = (await get('/api/v1/incidents?limit=1')).items[0];
    const indicator = (await get('/api/v1/intel/objects?type=indicator&limit=1')).items[0];
    const overview = (await get('/api/v1/metrics/overview')) as { regions?: { code: string }[] };
    const publicReport = (await get('/api/v1/public-reports?limit=1')).items[0];
    assert.ok(asset && advisory && incident && indicator && publicReport, 'the demo data has one of each');
    const paths = [
      '/overview/two-wings',
      '/overview/digital-gap',
      '/overview/map',
      '/overview/deadlines',
      ...(overview.regions?.[0] ? [`/overview/regions/${encodeURIComponent(overview.regions[0].code)}`] : []),
      `/assets/${asset.id}`,
      `/advisories/${encodeURIComponent(String(advisory.id))}`,
      '/exposures?view=groups',
      '/exposures?view=list',
      '/exposures?view=remediation',
      `/incidents/${incident.id}`,
      '/incidents/new',
      '/incidents/overview',
      '/incidents/drill',
      `/intel/object/${encodeURIComponent(String(indicator.id))}`,
      '/intel/match',
      '/intel/collections',
      `/public-reports/${publicReport.id}`,
      '/public-reports/candidates',
    ];
    const failures: string[] = [];
    for (const path of paths) {
      await visit(path);
      assert.equal(await page.getByLabel('Username').count(), 0, `${path} shows the sign-in form`);
      await check(path).catch((e: Error) => failures.push(e.message));
    }
    assert.deepEqual(failures, []);
    assert.deepEqual(errors, []);
  });
});
