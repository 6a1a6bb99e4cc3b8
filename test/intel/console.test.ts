// The threat intelligence pages of the console in real headless Chromium (Debian's chromium,
// driven by playwright-core) on an in-memory PGlite seeded with the demo federation: the centre's
// analyst searches the demo indicators, opens one (markings, versions, life cycle, relationships),
// links it to an incident and follows the link to the incident's page (both panels checked by
// axe-core), pastes a log excerpt into the match tester and sees the planted observable hit and the others
// not, then reads the collections. Screenshots land in test-results/intel-*.png.
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

describe('threat intelligence console in Chromium', { skip: browserSkip() }, () => {
  let db: Database;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  // Every page state the suite looks at is also checked by axe-core (WCAG 2 A and AA).
  const shot = async (name: string) => {
    await saveScreenshot(page, `intel-${name}`);
    await expectAccessible(page, `intel ${name}`);
  };

  before(async () => {
    // First: it builds the console that the server, started next, serves.
    browser = await launchBrowser();
    db = await openDatabase({});
    server = await startTestServer(db, {}, { demoRecords: true });
    page = await openPage(browser, { viewport: { width: 1280, height: 900 }, errors });
    await page.goto(`${server.url}/intel`);
    // The machine may be busy (the suite runs beside others): give the first page time.
    await page.getByLabel('Username').waitFor({ timeout: 60_000 });
    const creds = server.creds.find((c) => c.username === 'analyst');
    assert.ok(creds);
    await page.getByLabel('Username').fill(creds.username);
    await page.getByLabel('Password').fill(creds.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  test('search lists the demo indicators with their TLP markings', async () => {
    await page.getByRole('heading', { name: 'Threat intelligence' }).waitFor();
    const table = page.getByRole('table', { name: 'Intelligence objects' });
    await table.getByText('Botnet command-and-control range (demo)').waitFor();
    await table.getByText('Fraud call centre number (demo)').waitFor();
    assert.ok((await table.textContent())?.includes('TLP:AMBER'));
    await page.getByLabel('Text').fill('phishing');
    await page.getByRole('button', { name: 'Search' }).click();
    await table.getByText('Phishing domain imitating the savings bank (demo)').waitFor();
    await page.waitForFunction(
      () => !document.body.textContent?.includes('Botnet command-and-control range (demo)'),
    );
    await shot('search');
  });

  test('an indicator page shows markings, versions and a live life cycle', async () => {
    await page.getByRole('link', { name: 'Phishing domain imitating the savings bank (demo)' }).click();
    await page.getByRole('heading', { name: 'Phishing domain imitating the savings bank (demo)' }).waitFor();
    await page.getByText('TLP:GREEN').first().waitFor();
    // The effective marking and the object's own markings, each said once.
    const markings = page.getByRole('region', { name: 'Markings' });
    assert.deepEqual(await markings.locator('dt').allTextContents(), ['Effective', 'On the object']);
    assert.deepEqual(
      (await markings.locator('dd').allTextContents()).map((t) => t.trim()),
      ['TLP:GREEN', 'TLP:GREEN'],
    );
    await page.getByText('matching').waitFor();
    assert.equal(await page.getByRole('list', { name: 'Versions' }).getByRole('listitem').count(), 1);
    await shot('object');
  });

  test('an indicator links to an incident, and the incident page shows the linked indicator', async () => {
    // Still on the phishing indicator's page. The incident: one of the demo's the analyst may see.
    const root = (await server.ctx.orgs.root())!;
    const token = await server.token(root.id, 'analyst');
    const list = (await (
      await fetch(`${server.url}/api/v1/incidents`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { items: { id: string; title: string; org: string }[] };
    const incident = list.items.find((i) => i.org === root.id) ?? list.items[0];
    assert.ok(incident, 'the demo federation has an incident the analyst sees');
    const incidents = page.getByRole('region', { name: 'Incidents' });
    await incidents.getByText('No incident you may see links it.').waitFor();
    await shot('object-links-empty');
    // A wrong id is refused with a problem shown beside the form, and nothing is linked.
    await incidents
      .getByRole('textbox', { name: 'Incident id' })
      .fill('00000000-0000-4000-8000-000000000000');
    await incidents.getByRole('button', { name: 'Link to incident' }).click();
    await incidents.getByRole('alert').waitFor();
    await shot('object-links-refused');
    await incidents.getByRole('textbox', { name: 'Incident id' }).fill(incident.id);
    await incidents.getByRole('button', { name: 'Link to incident' }).click();
    const linked = incidents.getByRole('list', { name: 'Linked incidents' });
    await linked.getByRole('link', { name: incident.title }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[role="alert"]'));
    await shot('object-links');
    await linked.getByRole('link', { name: incident.title }).click();
    await page.getByRole('heading', { name: incident.title }).first().waitFor();
    const intel = page.getByRole('list', { name: 'Linked intelligence' });
    await intel.getByRole('link', { name: 'Phishing domain imitating the savings bank (demo)' }).waitFor();
    assert.ok((await intel.textContent())?.includes('TLP:GREEN'));
    await shot('incident-links');
    await intel.getByRole('link', { name: 'Phishing domain imitating the savings bank (demo)' }).click();
    await page.getByRole('heading', { name: 'Phishing domain imitating the savings bank (demo)' }).waitFor();
    // The link can be removed from the object page; the incident's page then shows none.
    await page.getByRole('button', { name: `Remove the link to ${incident.title}` }).click();
    await incidents.getByText('No incident you may see links it.').waitFor();
    assert.equal(await incidents.getByRole('list', { name: 'Linked incidents' }).count(), 0);
    await page.goBack();
    await page.getByRole('heading', { name: incident.title }).first().waitFor();
    await page.getByText('No linked indicators or sightings.').waitFor();
    await page.goForward();
    await page.getByRole('heading', { name: 'Phishing domain imitating the savings bank (demo)' }).waitFor();
  });

  test('the match tester finds the planted observables and nothing else', async () => {
    await page.getByRole('link', { name: 'Match tester' }).click();
    await page
      .getByRole('textbox', { name: 'Log excerpt' })
      .fill(
        [
          'Oct 3 10:14:07 fw01 DENY tcp 10.20.1.7:51544 -> 203.0.113.45:443',
          'proxy: GET https://login.northport-savings-login.example/verify from 10.20.1.9',
          'benign: 198.51.100.20 www.example.org',
        ].join('\n'),
      );
    await page.getByRole('button', { name: 'Match' }).click();
    const hits = page.getByRole('table', { name: 'Hits' });
    await hits.getByText('ipv4-addr:203.0.113.45').waitFor();
    await hits.getByText('domain-name:login.northport-savings-login.example').waitFor();
    const rows = await hits.getByRole('row').count();
    assert.equal(rows, 3, 'a header and two hits');
    assert.ok(!(await hits.textContent())?.includes('198.51.100.20'));
    await page.getByRole('list', { name: 'Observables' }).getByText('198.51.100.20').waitFor();
    await shot('match');
  });

  test("the incident page checks the incident's indicators against intelligence and links a hit", async () => {
    const root = (await server.ctx.orgs.root())!;
    const token = await server.token(root.id, 'analyst');
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const list = (await (await fetch(`${server.url}/api/v1/incidents`, { headers: auth })).json()) as {
      items: { id: string; title: string; org: string }[];
    };
    const incident = list.items.find((i) => i.org === root.id) ?? list.items[0];
    assert.ok(incident);
    const patched = await fetch(`${server.url}/api/v1/incidents/${incident.id}`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({
        indicators:
          'beacon to 203.0.113.45:443; lure https://login.northport-savings-login.example/verify; benign 198.51.100.20',
      }),
    });
    assert.equal(patched.status, 200, await patched.text());
    await page.goto(`${server.url}/incidents/${incident.id}`);
    await page.getByRole('heading', { name: incident.title }).first().waitFor();
    await page.getByRole('button', { name: "Check the incident's indicators against intelligence" }).click();
    const hits = page.getByRole('list', { name: 'Intelligence hits' });
    await hits.getByText('203.0.113.45').waitFor();
    await hits.getByText('login.northport-savings-login.example').first().waitFor();
    assert.ok(!(await hits.textContent())?.includes('198.51.100.20'), 'a benign address is no hit');
    await shot('incident-check');
    await hits
      .getByRole('button', { name: 'Link to this incident: Botnet command-and-control range (demo)' })
      .click();
    const linked = page.getByRole('list', { name: 'Linked intelligence' });
    await linked.getByRole('link', { name: 'Botnet command-and-control range (demo)' }).waitFor();
    await hits.getByText('linked').first().waitFor();
    await shot('incident-check-linked');
    // Back to the intelligence section for the next test.
    await page.goto(`${server.url}/intel`);
    await page.getByRole('heading', { name: 'Threat intelligence' }).waitFor();
  });

  test('collections list the community and the organization’s own', async () => {
    await page.getByRole('link', { name: 'Collections and feeds' }).click();
    const table = page.getByRole('table', { name: 'Collections' });
    await table.getByText('Federation community').waitFor();
    assert.ok((await table.textContent())?.includes('organization'));
    await shot('collections');
    assert.deepEqual(errors, []);
  });
});
