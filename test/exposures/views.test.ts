// Issue 14's exposure views through the real HTTP stack on both databases: remediation advice
// (per component and per asset, "no fix" said so), the queue grouped by asset and component with
// cursor paging that visits every group once, and the counts at the top. The suite imports the
// Go advisories the demo ships and makes organizations of its own.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { systemActor } from '../../src/orgs/index.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';

const CSAF_VEX_EXAMPLES = new URL('../../../shared/data/csaf/examples/csaf_vex', import.meta.url).pathname;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests.
type Json = Record<string, any>;

async function get(s: TestServer, token: string, path: string): Promise<{ status: number; body: Json }> {
  const r = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as Json };
}

function cyclonedx(components: [string, string][]): string {
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    components: components.map(([name, version]) => ({
      type: 'library',
      name,
      version,
      purl: `pkg:golang/${name}@${version}`,
    })),
  });
}

for (const kind of testDatabaseKinds()) {
  describe(`exposure views (remediation, groups, counts) on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let token: string;
    let otherToken: string;
    let shop: string;
    let api: string;

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      const root = (await s.ctx.orgs.root())!;
      const admin = systemActor(root);
      const org = await s.ctx.orgs.createOrg(admin, {
        name: 'Views operator',
        kind: 'operator',
        parent: root.id,
        region: 'BW-V',
        sector: 'retail',
      });
      const other = await s.ctx.orgs.createOrg(admin, {
        name: 'Views bystander',
        kind: 'operator',
        parent: root.id,
        region: 'BW-W',
        sector: 'retail',
      });
      // The Go advisories the demo ships (CC-BY-4.0, golang/vulndb), imported by the centre.
      const centre = await s.token(root.id, 'admin');
      const imported = await fetch(`${s.url}/api/v1/advisories`, {
        method: 'POST',
        headers: { authorization: `Bearer ${centre}`, 'content-type': 'application/json' },
        body: readFileSync(new URL('../../src/exposures/demo/advisories.json', import.meta.url)),
      });
      assert.equal(imported.status, 200, await imported.text());
      token = await s.token(org.id, 'analyst');
      otherToken = await s.token(other.id, 'analyst');
      const write = async (name: string, comps: [string, string][]) => {
        const r = await fetch(`${s.url}/api/v1/sboms?asset=${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: cyclonedx(comps),
        });
        const text = await r.text();
        assert.ok(r.status === 200 || r.status === 201, text);
        return (JSON.parse(text) as Json).asset.id as string;
      };
      shop = await write('Shop', [
        ['github.com/gin-gonic/gin', 'v1.5.0'],
        ['golang.org/x/text', 'v0.3.2'],
        ['github.com/dgrijalva/jwt-go', 'v3.2.0+incompatible'],
      ]);
      api = await write('Api', [
        ['github.com/gin-gonic/gin', 'v1.5.0'],
        ['gopkg.in/yaml.v2', 'v2.2.2'],
      ]);
    });

    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('remediation: the lowest fixing version per component, the exposures it closes, no fix said so', async () => {
      const r = await get(s, token, '/api/v1/exposures/remediation');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const gin = r.body.components.find((c: Json) => c.package === 'github.com/gin-gonic/gin');
      // GO-2020-0001 (fixed 1.6.0), GO-2021-0052 (1.7.7), GO-2023-1737 (1.9.1): only v1.9.1 clears all three.
      assert.equal(gin.fixedIn, 'v1.9.1');
      assert.equal(gin.closes, 6, 'three advisories on two assets');
      assert.deepEqual(gin.assets.map((a: Json) => a.name).sort(), ['Api', 'Shop']);
      const yaml = r.body.components.find((c: Json) => c.package === 'gopkg.in/yaml.v2');
      assert.equal(yaml.fixedIn, 'v2.2.8');
      const jwt = r.body.components.find((c: Json) => c.package === 'github.com/dgrijalva/jwt-go');
      assert.equal(jwt.fixedIn, null);
      assert.deepEqual(jwt.unfixed, ['GO-2020-0017']);
      assert.equal(jwt.closes, 0);
      const shopView = r.body.assets.find((a: Json) => a.asset === shop);
      assert.equal(shopView.assetName, 'Shop');
      assert.ok(shopView.upgrades.length === 3);
      assert.equal(r.body.totals.noFix, 1);
      assert.equal(r.body.totals.closes, r.body.totals.exposures - 1);
      // Per asset.
      const one = await get(s, token, `/api/v1/exposures/remediation?asset=${api}`);
      assert.deepEqual(
        one.body.assets.map((a: Json) => a.assetName),
        ['Api'],
      );
      // Another organization sees none of it.
      const other = await get(s, otherToken, '/api/v1/exposures/remediation');
      assert.equal(other.body.totals.exposures, 0);
    });

    test('groups: by asset and component, advisories folded, a cursor that visits each group once', async () => {
      const seen: Json[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = `/api/v1/exposures/groups?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const r = await get(s, token, q);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.total, 5);
        seen.push(...r.body.items);
        cursor = r.body.next;
        pages++;
      } while (cursor && pages < 10);
      assert.equal(seen.length, 5);
      assert.equal(new Set(seen.map((g) => `${g.asset} ${g.package}`)).size, 5);
      const gin = seen.find((g) => g.asset === shop && g.package === 'github.com/gin-gonic/gin')!;
      assert.equal(gin.count, 3);
      assert.deepEqual(gin.exposures.map((e: Json) => e.advisory).sort(), [
        'GO-2020-0001',
        'GO-2021-0052',
        'GO-2023-1737',
      ]);
      // In order: the most urgent group first.
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1]!.priority >= seen[i]!.priority);
      // Offset paging of the flat list still works for existing clients.
      const flat = await get(s, token, '/api/v1/exposures?limit=2&offset=2');
      assert.equal(flat.status, 200);
      assert.equal(flat.body.items.length, 2);
      const bad = await get(s, token, '/api/v1/exposures/groups?cursor=bm9wZQ');
      assert.equal(bad.status, 422);
    });

    test('VEX: OpenVEX not_affected moves the exposures, with the statement as evidence; hostile files refused', async () => {
      const post = async (doc: unknown) => {
        const r = await fetch(`${s.url}/api/v1/vex`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(doc),
        });
        return { status: r.status, body: (await r.json()) as Json };
      };
      const openvex = (statement: Json) => ({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://example.org/vex/views-1',
        author: 'Views operator PSIRT',
        timestamp: '2025-01-01T00:00:00Z',
        version: 1,
        statements: [statement],
      });
      const bad = await post(
        openvex({
          vulnerability: { name: 'CVE-2020-28483' },
          products: [{ '@id': 'pkg:golang/github.com/gin-gonic/gin@v1.5.0' }],
          status: 'not_affected',
        }),
      );
      assert.equal(bad.status, 422);
      assert.equal(bad.body.errors[0].pointer, '/statements/0');
      const schema = await post(openvex({ vulnerability: { name: 'X' }, products: [], status: 'maybe' }));
      assert.equal(schema.status, 422);
      assert.ok(schema.body.errors.length > 0);
      const ok = await post(
        openvex({
          vulnerability: { name: 'CVE-2020-28483' },
          products: [{ '@id': 'pkg:golang/github.com/gin-gonic/gin@v1.5.0' }],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
          impact_statement: 'We never call Context.ClientIP behind a proxy.',
        }),
      );
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.notAffected, 2, 'GO-2021-0052 (alias CVE-2020-28483) on Shop and Api');
      const g = await get(s, token, `/api/v1/exposures/groups?asset=${shop}&status=not_affected`);
      const e = g.body.items[0].exposures[0];
      assert.equal(e.advisory, 'GO-2021-0052');
      assert.equal(e.status, 'not_affected');
      assert.equal(e.vex.justification, 'vulnerable_code_not_in_execute_path');
      assert.equal(e.vex.author, 'Views operator PSIRT');
      // Another organization's statement touches nothing of ours.
      const r = await fetch(`${s.url}/api/v1/vex`, {
        method: 'POST',
        headers: { authorization: `Bearer ${otherToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(
          openvex({
            vulnerability: { name: 'GO-2020-0001' },
            products: [{ '@id': 'pkg:golang/github.com/gin-gonic/gin' }],
            status: 'not_affected',
            justification: 'component_not_present',
          }),
        ),
      });
      assert.equal(((await r.json()) as Json).notAffected, 0);
    });

    test("VEX: the CSAF specification's VEX example (a product named without a purl) is kept as a statement and listed as matched to no component", async () => {
      const before = await get(s, token, '/api/v1/exposures/counts');
      const r = await fetch(`${s.url}/api/v1/vex`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: readFileSync(join(CSAF_VEX_EXAMPLES, '2022-evd-uc-01-na-001.json')),
      });
      const body = (await r.json()) as Json;
      assert.equal(r.status, 200, JSON.stringify(body));
      assert.equal(body.format, 'csaf');
      assert.equal(body.statements, 1);
      assert.deepEqual(body.byStatus, { not_affected: 1 });
      assert.deepEqual(body.unreadableProducts, ['Example Company ABC 4.2 (CSAFPID-0001)']);
      assert.equal(body.notAffected, 0);
      const after = await get(s, token, '/api/v1/exposures/counts');
      assert.deepEqual(after.body, before.body, 'a statement about no component of ours changes no exposure');
    });

    test('VEX: a CycloneDX VEX is held to the CycloneDX JSON schema, refused 422 naming the JSON path, nothing changed', async () => {
      const before = await get(s, token, '/api/v1/exposures/counts');
      const cdx = (analysis: Json) => ({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        version: 1,
        components: [
          {
            type: 'library',
            'bom-ref': 'gin',
            name: 'github.com/gin-gonic/gin',
            version: 'v1.5.0',
            purl: 'pkg:golang/github.com/gin-gonic/gin@v1.5.0',
          },
        ],
        vulnerabilities: [{ id: 'GO-2020-0001', analysis, affects: [{ ref: 'gin' }] }],
      });
      const r = await fetch(`${s.url}/api/v1/vex`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        // Not a CycloneDX justification: the converter would have passed it through.
        body: JSON.stringify(cdx({ state: 'not_affected', justification: 'because we say so' })),
      });
      const body = (await r.json()) as Json;
      assert.equal(r.status, 422, JSON.stringify(body));
      assert.match(r.headers.get('content-type') ?? '', /problem\+json/);
      assert.match(body.detail, /CycloneDX 1\.6 schema/);
      assert.ok(
        (body.errors as Json[]).some((e) => e.pointer === '/vulnerabilities/0/analysis/justification'),
        JSON.stringify(body.errors),
      );
      const after = await get(s, token, '/api/v1/exposures/counts');
      assert.deepEqual(after.body, before.body, 'a refused document changes nothing');
    });

    test('counts by status, severity and KEV', async () => {
      const r = await get(s, token, '/api/v1/exposures/counts');
      assert.equal(r.status, 200);
      assert.equal(r.body.total, 13);
      assert.equal(r.body.byStatus.open, 11);
      assert.equal(r.body.byStatus.not_affected, 2);
      assert.equal(
        Object.values(r.body.bySeverity as Record<string, number>).reduce((a, b) => a + b, 0),
        13,
      );
      assert.equal(r.body.kev, 0);
      const none = await get(s, otherToken, '/api/v1/exposures/counts');
      assert.equal(none.body.total, 0);
    });
  });
}
