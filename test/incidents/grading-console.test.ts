// The guided report form's grading checklist in real headless Chromium (PGlite, demo federation):
// the reporter of the demo grid enters impact figures, sees the suggested grade with the criteria
// that fired, takes it, and files the incident with its impact. Screenshot:
// test-results/incidents-grading.png.
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

describe('grading checklist in the guided form, in Chromium', { skip, timeout: 300_000 }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    ensureConsoleBuilt();
    db = await openDatabase({});
    server = await startTestServer(db);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  test('impact figures suggest a grade, with the criteria that fired', async () => {
    const password = server.creds.find((c) => c.username === 'reporter')!.password;
    await page.goto(`${server.url}/incidents/new`);
    await page.getByLabel('Username').fill('reporter');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const suggestion = page.getByTestId('grade-suggestion');
    await suggestion.getByText('No criterion met.').waitFor();
    await page.getByLabel('Outage of a CII system (hours)').fill('3');
    await page.getByLabel('Personal-data records leaked').fill('2000000');
    // The suggestion follows each figure as it is typed; wait for the one that reflects both.
    await suggestion.getByText(/Personal-information records leaked.*→ relatively-major/).waitFor();
    assert.match(
      (await suggestion.textContent()) ?? '',
      /Outage of a critical-information-infrastructure system.*→ major/,
    );
    await page.getByLabel('Title').fill('Historian servers encrypted');
    await page.screenshot({ path: join(RESULTS, 'incidents-grading.png'), fullPage: true });
    await suggestion.getByRole('button', { name: 'Use suggested grade' }).click();
    assert.equal(await page.getByLabel('Grade', { exact: true }).inputValue(), 'major');
    await page.getByRole('button', { name: 'File incident' }).click();
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').at(-1)!;
    const token = await server.token(server.orgId('Northport Power Grid'), 'viewer');
    const r = await fetch(`${server.url}/api/v1/incidents/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const incident = (await r.json()) as { grade: string; impact: Record<string, number> };
    assert.equal(incident.grade, 'major');
    assert.deepEqual(incident.impact, { outageHours: 3, recordsLeaked: 2_000_000 });
    assert.deepEqual(pageErrors, []);
  });
});
