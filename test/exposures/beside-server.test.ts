// EPSS and KEV imported by the command line beside a running server on the embedded database
// (issue 14): the command runs inside the server (its control socket), so the server's answers
// show the new scores, the KEV flag and the KEV due-date rule at once, without a rematch.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli, type ServerProcess, startServer } from '../support/processes.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests.
type Json = Record<string, any>;

describe('EPSS and KEV from the command line beside a running server', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-exp-beside-'));
  const files = mkdtempSync(join(tmpdir(), 'bulwark-exp-beside-files-'));
  let server: ServerProcess | undefined;
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  });

  test('the server shows a CLI import of EPSS and KEV at once', async () => {
    server = await startServer(['--data', dir], { BULWARK_DEMO: 'true' });
    const t = await runCli(['token', 'create', '--role', 'admin', '--data', dir]);
    assert.equal(t.code, 0, t.err);
    const token = t.out.trim().split('\n').at(-1)!;
    const exposures = async (): Promise<Json[]> => {
      const r = await fetch(`${server!.url}/api/v1/exposures?limit=100`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(r.status, 200);
      return ((await r.json()) as Json).items;
    };
    // The demo's exposures (Go advisories with CVE aliases); pick two not in KEV.
    let list: Json[] = [];
    for (let i = 0; i < 100 && list.length === 0; i++) {
      list = (await exposures()).filter((e) => !e.kev && e.aliases.some((a: string) => a.startsWith('CVE-')));
      if (list.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(list.length >= 2, 'the demo has exposures with CVE aliases');
    const [a, b] = [list[0]!, list.find((e) => e.advisory !== list[0]!.advisory)!];
    const cveA = a.aliases.find((x: string) => x.startsWith('CVE-'));
    const cveB = b.aliases.find((x: string) => x.startsWith('CVE-'));
    assert.equal(a.epss, null);

    writeFileSync(
      join(files, 'epss.csv'),
      `#model_version:v2025.03.14,score_date:2025-06-01T00:00:00+0000\ncve,epss,percentile\n${cveA},0.50000,0.96000\n`,
    );
    const epss = await runCli(['import', 'epss', join(files, 'epss.csv'), '--data', dir]);
    assert.equal(epss.code, 0, epss.err);
    const afterEpss = (await exposures()).find((e) => e.id === a.id)!;
    assert.deepEqual(afterEpss.epss, { cve: cveA, score: 0.5, percentile: 0.96, date: '2025-06-01' });

    const kev = {
      title: 'beside',
      catalogVersion: '2099.01.01',
      dateReleased: '2099-01-01T00:00:00.000Z',
      count: 1,
      vulnerabilities: [
        {
          cveID: cveB,
          vendorProject: 'demo',
          product: b.package,
          vulnerabilityName: 'demo flaw',
          dateAdded: '2099-01-01',
          shortDescription: 'a flaw',
          requiredAction: 'upgrade',
          dueDate: '2099-01-22',
          knownRansomwareCampaignUse: 'Unknown',
          notes: '',
          cwes: [],
        },
      ],
    };
    writeFileSync(join(files, 'kev.json'), JSON.stringify(kev));
    const k = await runCli(['import', 'kev', join(files, 'kev.json'), '--data', dir]);
    assert.equal(k.code, 0, k.err);
    const afterKev = (await exposures()).find((e) => e.id === b.id)!;
    assert.equal(afterKev.kev, true);
    assert.equal(afterKev.dueRule, 'KEV: the catalogue entry’s due date');
    assert.equal(afterKev.due, '2099-01-22');
  });
});
