// Threat intelligence across domains, through the real HTTP stack on both databases: STIX objects
// that show a CVE exploited in the wild mark the exposures of that CVE (exposures'
// markExploitedByIntelligence: for every organization when the intelligence is CLEAR or GREEN,
// else only the publisher's; a matcher hit only for the sighting organization); incidents link indicators and sightings (POST/GET/DELETE
// /api/v1/intel/links) and a link never reveals an incident or a target the reader may not see.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type OrgRef, TLP2_IDS } from '../../src/access/index.ts';
import type { AppContext } from '../../src/app/context.ts';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { exploitedByIntelligence } from '../../src/exposures/index.ts';
import { systemActor } from '../../src/orgs/index.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests.
type Json = Record<string, any>;

async function api(s: TestServer, token: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${s.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : {}) as Json };
}

const now = () => new Date().toISOString();
const sdo = (type: string, extra: Json): Json => {
  const t = now();
  return { type, spec_version: '2.1', id: `${type}--${randomUUID()}`, created: t, modified: t, ...extra };
};
const cveRef = (id: string) => ({ external_references: [{ source_name: 'cve', external_id: id }] });
const cve = () => `CVE-2031-${String(10_000 + Math.floor(Math.random() * 89_999))}`;

for (const kind of testDatabaseKinds()) {
  describe(`intel across domains on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let ctx: AppContext;
    const orgs: Record<string, OrgRef> = {};
    const tokens: Record<string, string> = {};

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      ctx = s.ctx;
      const root = (await ctx.orgs.orgRef((await ctx.orgs.root())!.id))!;
      const admin = systemActor(root);
      const tag = randomUUID().slice(0, 6);
      for (const name of ['author', 'other']) {
        const o = await ctx.orgs.createOrg(admin, {
          name: `${name} ${tag}`,
          kind: 'operator',
          parent: root.id,
          region: 'BW-L',
          sector: 'energy',
        });
        orgs[name] = (await ctx.orgs.orgRef(o.id))!;
        tokens[name] = await s.token(o.id, 'admin');
        tokens[`${name}Viewer`] = await s.token(o.id, 'viewer');
      }
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    const bundle = async (token: string, objects: Json[]) => {
      const r = await api(s, token, 'POST', '/api/v1/intel/bundles', {
        bundle: { type: 'bundle', id: `bundle--${randomUUID()}`, objects },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.failure, 0, JSON.stringify(r.body.outcomes));
      return r.body;
    };
    const marks = async (org: string, id: string) =>
      (await exploitedByIntelligence(tdb.db, org, [id])).get(id) ?? [];

    test('a vulnerability object marked exploited marks its CVE for every organization when GREEN, for its publisher only when AMBER', async () => {
      const green = cve();
      const amber = cve();
      const quiet = cve();
      const v1 = sdo('vulnerability', {
        name: green,
        labels: ['exploited-in-the-wild'],
        object_marking_refs: [TLP2_IDS.green],
      });
      const v2 = sdo('vulnerability', {
        name: 'a flaw',
        ...cveRef(amber),
        x_exploited_in_the_wild: true,
        object_marking_refs: [TLP2_IDS.amber],
      });
      const v3 = sdo('vulnerability', { name: quiet, object_marking_refs: [TLP2_IDS.green] });
      await bundle(tokens.author!, [v1, v2, v3]);
      for (const org of [orgs.author!, orgs.other!]) {
        const m = await marks(org.id, green);
        assert.equal(m.length, 1);
        assert.equal(m[0]!.source, v1.id);
        assert.equal(m[0]!.org, null);
      }
      assert.equal((await marks(orgs.author!.id, amber)).length, 1);
      assert.equal(
        (await marks(orgs.other!.id, amber)).length,
        0,
        'AMBER intelligence never marks another organization',
      );
      assert.equal(
        (await marks(orgs.author!.id, quiet)).length,
        0,
        'a vulnerability not said exploited marks nothing',
      );
    });

    test('a sighting of a vulnerability, or of an indicator that indicates one, marks the CVE', async () => {
      const a = cve();
      const b = cve();
      const vulnA = sdo('vulnerability', { name: a, object_marking_refs: [TLP2_IDS.green] });
      const vulnB = sdo('vulnerability', { name: b, object_marking_refs: [TLP2_IDS.green] });
      const ind = sdo('indicator', {
        name: 'exploit traffic',
        pattern: "[ipv4-addr:value = '198.51.100.66']",
        pattern_type: 'stix',
        valid_from: now(),
        object_marking_refs: [TLP2_IDS.green],
      });
      const rel = sdo('relationship', {
        relationship_type: 'indicates',
        source_ref: ind.id,
        target_ref: vulnB.id,
        object_marking_refs: [TLP2_IDS.green],
      });
      // The vulnerabilities and the relationship are stored first: the sightings find them in the store.
      await bundle(tokens.author!, [vulnA, vulnB, ind, rel]);
      assert.equal((await marks(orgs.other!.id, a)).length, 0);
      const sightA = sdo('sighting', { sighting_of_ref: vulnA.id, object_marking_refs: [TLP2_IDS.green] });
      const sightB = sdo('sighting', { sighting_of_ref: ind.id, object_marking_refs: [TLP2_IDS.green] });
      await bundle(tokens.other!, [sightA, sightB]);
      assert.deepEqual(
        (await marks(orgs.author!.id, a)).map((m) => m.source),
        [sightA.id],
      );
      assert.deepEqual(
        (await marks(orgs.author!.id, b)).map((m) => m.source),
        [sightB.id],
      );
    });

    test("a matcher hit on an indicator naming a CVE marks the sighting organization's own exposures of it", async () => {
      const id = cve();
      const ind = sdo('indicator', {
        name: 'exploit server',
        pattern: "[ipv4-addr:value = '198.51.100.77']",
        pattern_type: 'stix',
        valid_from: now(),
        ...cveRef(id),
        object_marking_refs: [TLP2_IDS.green],
      });
      await bundle(tokens.author!, [ind]);
      assert.equal((await marks(orgs.other!.id, id)).length, 0);
      const m = await api(s, tokens.other!, 'POST', '/api/v1/intel/match', {
        observables: [{ type: 'ipv4-addr', value: '198.51.100.77' }],
      });
      assert.equal(m.status, 200, JSON.stringify(m.body));
      assert.equal(m.body.hits.length, 1);
      const got = await marks(orgs.other!.id, id);
      assert.deepEqual(
        got.map((x) => [x.source, x.org]),
        [[ind.id, orgs.other!.id]],
      );
      assert.equal((await marks(orgs.author!.id, id)).length, 0, 'only the sighting organization is marked');
    });

    test('an import warns, per indicator, of a pattern the matcher cannot compile (a public suffix)', async () => {
      const wide = sdo('indicator', {
        pattern: "[domain-name:value LIKE '%.github.io']",
        pattern_type: 'stix',
        valid_from: now(),
        object_marking_refs: [TLP2_IDS.green],
      });
      const fine = sdo('indicator', {
        pattern: "[domain-name:value LIKE '%.evil-zone.example']",
        pattern_type: 'stix',
        valid_from: now(),
        object_marking_refs: [TLP2_IDS.green],
      });
      const r = await bundle(tokens.author!, [wide, fine, { ...wide, id: `indicator--${randomUUID()}` }]);
      assert.equal(r.warnings.length, 2, JSON.stringify(r.warnings));
      assert.ok(r.warnings[0].startsWith(`${wide.id}: `));
      assert.match(r.warnings[0], /public suffix github\.io/);
      assert.ok(!r.warnings.some((w: string) => w.startsWith(fine.id)));
    });

    test('an incident links indicators and sightings; the link shows only to who sees both; 404, 403 and 422 where due', async () => {
      const filed = await api(s, tokens.author!, 'POST', '/api/v1/incidents', {
        title: 'Phishing wave',
        category: 'enisa:intrusions',
        grade: 'relatively-major',
        awareAt: new Date(Date.now() - 600_000).toISOString(),
      });
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      const incident = filed.body.id as string;
      const green = sdo('indicator', {
        name: 'phishing domain',
        pattern: "[domain-name:value = 'login-bank.example']",
        pattern_type: 'stix',
        valid_from: now(),
        object_marking_refs: [TLP2_IDS.green],
      });
      const strict = sdo('indicator', {
        name: 'strict one',
        pattern: "[domain-name:value = 'strict-bank.example']",
        pattern_type: 'stix',
        valid_from: now(),
        object_marking_refs: [TLP2_IDS['amber+strict']],
      });
      await bundle(tokens.author!, [green, strict]);
      // A matcher sighting of the GREEN indicator by the author organization.
      const m = await api(s, tokens.author!, 'POST', '/api/v1/intel/match', {
        observables: [{ type: 'domain-name', value: 'login-bank.example' }],
      });
      assert.equal(m.status, 200, JSON.stringify(m.body));
      const sightings = await api(s, tokens.author!, 'GET', `/api/v1/intel/sightings?indicator=${green.id}`);
      const sighting = sightings.body.items[0].id as string;

      const link = await api(s, tokens.author!, 'POST', '/api/v1/intel/links', {
        incident,
        target: green.id,
        note: 'seen in the mails',
      });
      assert.equal(link.status, 201, JSON.stringify(link.body));
      assert.equal(link.body.kind, 'indicator');
      assert.equal(link.body.name, 'phishing domain');
      const linkS = await api(s, tokens.author!, 'POST', '/api/v1/intel/links', {
        incident,
        target: sighting,
      });
      assert.equal(linkS.status, 201, JSON.stringify(linkS.body));
      assert.equal(linkS.body.kind, 'sighting');
      assert.equal(linkS.body.indicator, green.id);
      const linkStrict = await api(s, tokens.author!, 'POST', '/api/v1/intel/links', {
        incident,
        target: strict.id,
      });
      assert.equal(linkStrict.status, 201);
      assert.equal(
        (await api(s, tokens.author!, 'POST', '/api/v1/intel/links', { incident, target: green.id })).status,
        409,
      );
      const listed = await api(s, tokens.authorViewer!, 'GET', `/api/v1/intel/links?incident=${incident}`);
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.body.items.map((l: Json) => l.target).sort(),
        [green.id, sighting, strict.id].sort(),
      );
      const byTarget = await api(s, tokens.author!, 'GET', `/api/v1/intel/links?target=${green.id}`);
      assert.deepEqual(
        byTarget.body.items.map((l: Json) => [l.incident, l.incidentTitle]),
        [[incident, 'Phishing wave']],
      );

      // Another organization: the incident is not found; by target, nothing shows.
      const other = await api(s, tokens.other!, 'GET', `/api/v1/intel/links?incident=${incident}`);
      assert.equal(other.status, 404);
      const otherByTarget = await api(s, tokens.other!, 'GET', `/api/v1/intel/links?target=${green.id}`);
      assert.deepEqual(otherByTarget.body.items, []);
      assert.equal(
        (await api(s, tokens.other!, 'POST', '/api/v1/intel/links', { incident, target: green.id })).status,
        404,
      );
      assert.equal(
        (await api(s, tokens.other!, 'DELETE', `/api/v1/intel/links/${link.body.id}`)).status,
        404,
      );
      // The other organization cannot link its own incident to the author's AMBER+STRICT indicator.
      const otherIncident = await api(s, tokens.other!, 'POST', '/api/v1/incidents', {
        title: 'Elsewhere',
        category: 'enisa:intrusions',
        grade: 'relatively-major',
        awareAt: new Date(Date.now() - 600_000).toISOString(),
      });
      const refused = await api(s, tokens.other!, 'POST', '/api/v1/intel/links', {
        incident: otherIncident.body.id,
        target: strict.id,
      });
      assert.equal(refused.status, 422);
      assert.equal(refused.body.errors?.[0]?.pointer, '/target');
      // A viewer sees but may not change.
      assert.equal(
        (await api(s, tokens.authorViewer!, 'POST', '/api/v1/intel/links', { incident, target: green.id }))
          .status,
        403,
      );
      assert.equal(
        (await api(s, tokens.authorViewer!, 'DELETE', `/api/v1/intel/links/${link.body.id}`)).status,
        403,
      );
      // Removal, committed like the link itself.
      assert.equal(
        (await api(s, tokens.author!, 'DELETE', `/api/v1/intel/links/${link.body.id}`)).status,
        204,
      );
      const after = await api(s, tokens.author!, 'GET', `/api/v1/intel/links?incident=${incident}`);
      assert.deepEqual(after.body.items.map((l: Json) => l.target).sort(), [sighting, strict.id].sort());
      const committed = await tdb.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ledger_commitments WHERE record_kind = 'intel.incident-link' AND record_id = $1`,
        [link.body.id],
      );
      assert.equal(committed.rows[0]!.n, 2);
      // Malformed input is a precise problem, never a 5xx.
      const bad = await api(s, tokens.author!, 'POST', '/api/v1/intel/links', {
        incident: 'nope',
        target: '',
      });
      assert.equal(bad.status, 400);
      assert.equal((await api(s, tokens.author!, 'GET', '/api/v1/intel/links')).status, 400);
    });
  });
}
