// Issue 8 #7, uploads that stalled or exhausted the server: on both databases, an SBOM over the
// component limit and an archive over the entry limit answer 413 problems naming the limit and
// store nothing; a large SBOM under the limit is imported while /healthz keeps answering, and its
// answer is a summary (the first 100 warnings and their count), not the stored document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_ZIP_ENTRIES } from '../../src/advisories/import/index.ts';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { MAX_SBOM_COMPONENTS } from '../../src/assets/sbom/index.ts';
import { systemActor } from '../../src/orgs/index.ts';
import { AppError } from '../../src/platform/errors.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { makeZip } from '../fixtures/osv/make-zip.ts';
import { DEFAULT_OSV_GO_DIR, generateSyntheticCycloneDx } from '../support/synthetic-sbom.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests.
type Json = Record<string, any>;

async function post(s: TestServer, token: string, path: string, body: Buffer, type: string) {
  const r = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: new Uint8Array(body),
  });
  const text = await r.text();
  return {
    status: r.status,
    type: r.headers.get('content-type'),
    bytes: text.length,
    body: JSON.parse(text) as Json,
  };
}

async function get(s: TestServer, token: string, path: string): Promise<Json> {
  const r = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, path);
  return (await r.json()) as Json;
}

const minimalOsv = (id: string) =>
  JSON.stringify({
    id,
    modified: '2024-01-01T00:00:00Z',
    affected: [{ package: { ecosystem: 'Go', name: 'x/y' } }],
  });

for (const kind of testDatabaseKinds()) {
  describe(`upload limits on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let centre: string;
    let grid: string;

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      centre = await s.token(s.orgId('National Cyber Security Coordination Centre'), 'analyst');
      grid = await s.token(s.orgId('Northport Power Grid'), 'analyst');
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('an SBOM over the component limit answers 413 naming the limit and stores nothing', async () => {
      const doc = Buffer.from(JSON.stringify(generateSyntheticCycloneDx(MAX_SBOM_COMPONENTS + 1, 3)));
      const r = await post(s, grid, '/api/v1/sboms?asset=over-the-limit', doc, 'application/json');
      assert.equal(r.status, 413, JSON.stringify(r.body).slice(0, 300));
      assert.match(r.type ?? '', /^application\/problem\+json/);
      assert.equal(r.body.limitName, 'sbom-components');
      assert.equal(r.body.limit, MAX_SBOM_COMPONENTS);
      assert.match(
        r.body.detail,
        new RegExp(`${MAX_SBOM_COMPONENTS + 1} components; the limit is ${MAX_SBOM_COMPONENTS}`),
      );
      const assets = await get(s, grid, '/api/v1/assets?q=over-the-limit');
      assert.equal(assets.total, 0, 'neither the asset nor its SBOM is stored');
    });

    test('an archive over the entry limit answers 413 naming the limit and stores nothing', async () => {
      const before = (await get(s, centre, '/api/v1/advisories?limit=1')).total;
      const zip = makeZip(
        Array.from({ length: MAX_ZIP_ENTRIES + 1 }, (_, i) => ({
          name: `LIMIT-${i}.json`,
          data: minimalOsv(`LIMIT-${i}`),
          method: 'store' as const,
        })),
      );
      const r = await post(s, centre, '/api/v1/advisories', zip, 'application/zip');
      assert.equal(r.status, 413, JSON.stringify(r.body).slice(0, 300));
      assert.match(r.type ?? '', /^application\/problem\+json/);
      assert.equal(r.body.limitName, 'archive-entries');
      assert.equal(r.body.limit, MAX_ZIP_ENTRIES);
      assert.match(r.body.detail, new RegExp(`the limit is ${MAX_ZIP_ENTRIES}`));
      assert.doesNotMatch(r.body.detail, /\/tmp|bulwark-osv-/, 'no server path in the problem');
      assert.equal((await get(s, centre, '/api/v1/advisories?limit=1')).total, before);
    });

    test('an archive that inflates past the limit is refused with the limit named (service, small limit)', async () => {
      const root = (await s.ctx.orgs.root())!;
      const before = (await get(s, centre, '/api/v1/advisories?limit=1')).total;
      const { mkdtempSync, writeFileSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const file = join(mkdtempSync(join(tmpdir(), 'bulwark-h6-')), 'big.zip');
      writeFileSync(
        file,
        makeZip(
          Array.from({ length: 20 }, (_, i) => ({ name: `BIG-${i}.json`, data: minimalOsv(`BIG-${i}`) })),
        ),
      );
      await assert.rejects(
        s.ctx.advisories.importOsvPaths(systemActor(root), [file], { maxZipTotalBytes: 1000 }),
        (err: unknown) =>
          err instanceof AppError &&
          err.status === 413 &&
          err.extensions['limitName'] === 'archive-inflated-bytes' &&
          err.extensions['limit'] === 1000,
      );
      assert.equal((await get(s, centre, '/api/v1/advisories?limit=1')).total, before);
    });

    test('a large SBOM under the limit is imported while /healthz answers; the answer is a summary', async () => {
      const root = (await s.ctx.orgs.root())!;
      await s.ctx.advisories.importOsvPaths(systemActor(root), [DEFAULT_OSV_GO_DIR]);
      const doc = generateSyntheticCycloneDx(10_000, 5) as unknown as { components: Json[] };
      // 300 components without a usable purl: 300 warnings, of which the answer shows 100.
      for (const c of doc.components.slice(0, 300)) c['purl'] = 'not-a-purl';
      const body = Buffer.from(JSON.stringify(doc));
      let done = false;
      const uploading = post(s, grid, '/api/v1/sboms?asset=large-allowed', body, 'application/json').finally(
        () => {
          done = true;
        },
      );
      const answered: number[] = [];
      while (!done) {
        const r = await fetch(`${s.url}/healthz`);
        await r.arrayBuffer();
        if (!done) answered.push(r.status);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const r = await uploading;
      assert.equal(r.status, 201, JSON.stringify(r.body).slice(0, 300));
      assert.ok(answered.length > 0, '/healthz answered while the upload was in flight');
      assert.ok(
        answered.every((st) => st === 200),
        `/healthz answered ${answered.join(',')}`,
      );
      assert.equal(r.body.sbom.componentCount, 10_000);
      assert.ok(r.body.exposures.opened > 0);
      assert.equal(r.body.warningCount, 300);
      assert.equal(r.body.sbom.warnings.length, 100);
      assert.ok(r.bytes < 64 * 1024, `the answer is ${r.bytes} bytes`);
      const detail = await get(s, grid, `/api/v1/sboms/${r.body.sbom.id}`);
      assert.equal(detail.components.length, 10_000);
      assert.equal(detail.sbom.warnings.length, 300, 'the stored SBOM keeps every warning');
    });
  });
}
