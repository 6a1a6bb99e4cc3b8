// The Assets, Exposures and Advisories pages in real headless Chromium (Debian's chromium driven
// by playwright-core) against a real server on PGlite with the demo federation: an operator's
// security officer opens its asset, reads components and the dependency tree, uploads a new SBOM
// version, works the exposure queue with a bulk status change, and reads an advisory with its
// affected assets; a sector regulator's viewer sees the asset but is offered no writes.
// Screenshots land in test-results/exposures-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { generateSyntheticCycloneDx } from '../support/synthetic-sbom.ts';
import { systemActor } from '../../src/orgs/demo.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import type { Database } from '../../src/platform/db/types.ts';
import {
  browserSkip,
  expectAccessible,
  launchBrowser,
  openPage,
  saveScreenshot,
} from '../support/browser.ts';
import { loadRawOsv } from './osv-reference.ts';

const skip = browserSkip();

describe('assets, exposures and advisories pages in Chromium', { skip }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let assetId: string;
  const pageErrors: string[] = [];
  const sbom = generateSyntheticCycloneDx(60, 5);
  const modules = new Set(sbom.components.map((c) => c.name));
  const raw = loadRawOsv().filter((e) => e.affected?.some((a) => modules.has(a.package?.name ?? '')));

  const password = (username: string) => server.creds.find((c) => c.username === username)!.password;
  // Every page state the suite looks at is also checked by axe-core (WCAG 2 A and AA).
  const shot = async (name: string) => {
    await saveScreenshot(page, `exposures-${name}`);
    await expectAccessible(page, `exposures ${name}`);
  };

  async function signIn(username: string): Promise<void> {
    await page.goto(`${server.url}/assets`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password(username));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Assets' }).waitFor();
  }

  before(async () => {
    // First: it builds the console that the server, started next, serves.
    browser = await launchBrowser();
    db = await openDatabase({});
    server = await startTestServer(db);
    const root = systemActor((await server.ctx.orgs.root())!);
    await server.ctx.advisories.importOsvUpload(root, Buffer.from(JSON.stringify(raw)), false);
    const r = await server.ctx.assets.importSbom(
      root,
      {
        name: 'scada-gateway',
        org: server.orgId('Northport Power Grid'),
        create: { criticality: 'critical' },
      },
      JSON.stringify(sbom),
    );
    assert.ok(r.exposures.opened > 2);
    assetId = r.asset.id;
    page = await openPage(browser, { viewport: { width: 1366, height: 900 }, errors: pageErrors });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  test("the operator's security officer reads its asset, its components and dependency tree", async () => {
    await signIn('reporter');
    await page.getByRole('link', { name: 'scada-gateway' }).click();
    await page.getByRole('heading', { name: 'scada-gateway' }).waitFor();
    const components = page.getByRole('table', { name: 'Components' });
    await components.waitFor();
    assert.equal(await components.locator('tbody tr').count(), 60);
    await page.getByRole('table', { name: 'Exposures of the asset' }).locator('tbody tr').first().waitFor();
    await page.getByRole('button', { name: 'Show dependency tree' }).click();
    assert.ok((await page.locator('.dependency-tree li').count()) >= 60);
    await shot('asset');
  });

  test('a new SBOM version is uploaded from the asset page; a broken file is refused', async () => {
    await page.getByLabel('SBOM file').setInputFiles({
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from(
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library"}]}',
      ),
    });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /schema/);
    const next = generateSyntheticCycloneDx(40, 6);
    await page.getByLabel('SBOM file').setInputFiles({
      name: 'v2.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(next)),
    });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText(/Imported SBOM version 2 with 40 components/).waitFor();
    await page.getByText('v2', { exact: true }).waitFor();
  });

  test('the exposure queue: filters and a bulk status change', async () => {
    await page.goto(`${server.url}/exposures?view=list&asset=${assetId}`);
    await page.getByRole('heading', { name: 'Exposures' }).waitFor();
    const rows = page.getByRole('table', { name: 'Exposures' }).locator('tbody tr');
    await rows.first().waitFor();
    const before = await rows.count();
    assert.ok(before >= 2);
    await rows.nth(0).getByRole('checkbox').check();
    await rows.nth(1).getByRole('checkbox').check();
    await page.getByLabel('New status').selectOption('mitigated');
    await page.getByLabel('Note').fill('WAF rule in place');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('2 exposures set to Mitigated.').waitFor();
    await page.getByLabel('Status').selectOption('mitigated');
    await page.waitForFunction(
      () => document.querySelectorAll('table[aria-label="Exposures"] tbody tr').length === 2,
    );
    await shot('queue');
  });

  test('EPSS, the severity borrowed from an alias and the due-date rule show in the queue', async () => {
    const root = systemActor((await server.ctx.orgs.root())!);
    const { items } = await server.ctx.exposures.list(root, { asset: assetId, limit: 100 });
    const target = items.find((e) => e.aliases.some((a) => a.startsWith('CVE-')))!;
    const cve = target.aliases.find((a) => a.startsWith('CVE-'))!;
    // A GHSA with a CVSS vector naming the same CVE, and an EPSS file scoring it.
    const ghsa = {
      schema_version: '1.6.0',
      id: 'GHSA-cons-olea-lias',
      modified: '2024-01-02T00:00:00Z',
      aliases: [cve],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      affected: [{ package: { ecosystem: 'npm', name: 'not-deployed' }, versions: ['1.0.0'] }],
    };
    await server.ctx.advisories.importOsvUpload(root, Buffer.from(JSON.stringify(ghsa)), false);
    await server.ctx.advisories.importEpss(
      root,
      `#model_version:v2025.03.14,score_date:2025-06-01T00:00:00+0000\ncve,epss,percentile\n${cve},0.42000,0.97000\n`,
    );
    await page.goto(`${server.url}/exposures?view=list&asset=${assetId}`);
    const table = page.getByRole('table', { name: 'Exposures' });
    await table.getByRole('columnheader', { name: /EPSS/ }).waitFor();
    const first = table.locator('tbody tr', { hasText: '42.0%' });
    await first.waitFor();
    await first.getByText('CVSS of alias GHSA-cons-olea-lias').waitFor();
    await first
      .getByText(/^Critical 7 d critical criticality ×0\.5( critical infrastructure ×0\.5)? = \d+ d$/)
      .waitFor();
    assert.match((await first.getByTitle(/^Due-date rule:/).getAttribute('title')) ?? '', /Critical 7 d/);
    await shot('ranking');
  });

  test('exploitation shown by threat intelligence shows in the queue, named by its source', async () => {
    const root = systemActor((await server.ctx.orgs.root())!);
    const { items } = await server.ctx.exposures.list(root, { asset: assetId, limit: 100 });
    // The least urgent exposure with a CVE: the mark must lift it to the top of the queue.
    const target = items
      .filter((e) => e.status === 'open' && !e.kev && e.aliases.some((a) => a.startsWith('CVE-')))
      .at(-1)!;
    assert.notEqual(items[0]!.id, target.id);
    const cve = target.aliases.find((a) => a.startsWith('CVE-'))!;
    const source = 'vulnerability--6a0e7f7c-4f6b-4c1e-9a51-3d1c2b7f0e11';
    await db.transaction((tx) => server.ctx.exposures.markExploited(tx, [cve], source, null));
    await page.goto(`${server.url}/exposures?view=list&asset=${assetId}`);
    const table = page.getByRole('table', { name: 'Exposures' });
    const badge = table.getByText('Exploited (intel)').first();
    await badge.waitFor();
    assert.match((await badge.getAttribute('title')) ?? '', new RegExp(`${cve} by ${source}`));
    // Ranked in KEV's tier: the first row of the queue, above the EPSS 97th percentile's Critical.
    const first = table.locator('tbody tr').first();
    await first.getByText('Exploited (intel)').waitFor();
    await first.getByRole('link', { name: target.advisory }).waitFor();
    await shot('exploited-intel');
  });

  test('an advisory shows its affected packages and the affected assets', async () => {
    const { items } = await server.ctx.exposures.list(systemActor((await server.ctx.orgs.root())!), {
      asset: assetId,
      limit: 1,
    });
    const advisory = items[0]!.advisory;
    await page.goto(`${server.url}/advisories`);
    await page.getByLabel('Search advisories').fill(advisory);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: advisory }).click();
    await page.getByRole('heading', { name: advisory }).waitFor();
    await page
      .getByRole('table', { name: 'Affected assets' })
      .getByRole('link', { name: 'scada-gateway' })
      .first()
      .waitFor();
    await shot('advisory');
  });

  test('the queue grouped by asset and component, the counts at the top, and the remediation view', async () => {
    await page.goto(`${server.url}/exposures`);
    await page.getByRole('heading', { name: 'Exposures' }).waitFor();
    const counts = page.getByRole('region', { name: 'Exposure counts' });
    await counts.getByText(/known exploited/).waitFor();
    const groups = page.getByRole('table', { name: 'Exposure groups' });
    await groups.locator('tbody tr').first().waitFor();
    const toggle = groups.getByRole('button', { name: /^Show the \d+ advisor/ }).first();
    await toggle.click();
    await groups.getByRole('list').first().getByRole('link').first().waitFor();
    assert.equal(await groups.getByRole('button', { expanded: true }).count(), 1);
    await shot('grouped');
    await page.getByRole('link', { name: 'Remediation' }).click();
    await page.getByText(/upgrades? closes? \d+ of \d+ unfixed exposures/).waitFor();
    const upgrades = page.getByRole('table', { name: 'Upgrades', exact: true });
    await upgrades.locator('tbody tr').first().waitFor();
    assert.ok((await upgrades.locator('tbody tr').count()) > 0);
    await shot('remediation');
    assert.deepEqual(pageErrors, []);
  });

  test("a sector regulator's viewer sees the asset but is offered no writes", async () => {
    await page.getByRole('button', { name: /Sign out/ }).click();
    await signIn('viewer');
    await page.getByRole('link', { name: 'scada-gateway' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Import SBOM' }).count(), 0);
    await page.goto(`${server.url}/exposures?view=list`);
    await page.getByRole('table', { name: 'Exposures' }).locator('tbody tr').first().waitFor();
    assert.equal(await page.getByRole('checkbox').count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});
