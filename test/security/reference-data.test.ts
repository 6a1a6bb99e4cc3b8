// Issue 8, through the real HTTP stack on PGlite and PostgreSQL: federation-wide writes of
// reference data without scope (#1), self-widening visibility through organization kinds (#4),
// and the smaller findings of #13 on SBOMs, advisory links and zip errors. Each test makes its
// own organizations and packages; the server grants publish-reference to sector regulators'
// analysts as well as the defaults, so that two sources can meet.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { makeZip } from '../fixtures/osv/make-zip.ts';
import { call, type Res, unique } from './support.ts';

const region = (parent = 'BW') => `${parent}-H${randomBytes(3).toString('hex').toUpperCase()}`;

function assertProblem(r: Res, status: number, detail?: RegExp) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  assert.match(r.type, /^application\/problem\+json/);
  if (detail) assert.match(String(r.body.detail), detail);
}

/** An OSV entry affecting every version of one npm package. */
function osv(id: string, pkg: string, extra: Record<string, unknown> = {}) {
  return {
    schema_version: '1.6.0',
    id,
    modified: new Date().toISOString(),
    summary: `genuine advisory ${id}`,
    affected: [
      {
        package: { ecosystem: 'npm', name: pkg },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
      },
    ],
    ...extra,
  };
}

/** A CycloneDX SBOM whose subject depends on one npm package. */
function sbom(pkg: string, extra: Record<string, unknown> = {}) {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    metadata: { component: { type: 'application', name: 'app', 'bom-ref': 'app' } },
    components: [
      { type: 'library', name: pkg, version: '1.0.0', purl: `pkg:npm/${pkg}@1.0.0`, 'bom-ref': pkg },
    ],
    dependencies: [{ ref: 'app', dependsOn: [pkg] }],
    ...extra,
  };
}

for (const kind of testDatabaseKinds()) {
  describe(`security: reference data and organization scope on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let centreId: string;
    let centreAdmin: string;

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db, {
        BULWARK_REFERENCE_PUBLISHERS:
          'coordination-centre:admin,coordination-centre:analyst,sector-regulator:analyst',
      });
      centreId = s.orgId('National Cyber Security Coordination Centre');
      centreAdmin = await s.token(centreId, 'admin');
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    const org = async (body: Record<string, unknown>, token = centreAdmin) => {
      const r = await call(s.url, 'POST', '/api/v1/orgs', {
        token,
        body: { name: unique('H5 test '), parent: centreId, ...body },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return String(r.body.id);
    };
    const upload = (token: string, doc: unknown, query = '') =>
      call(s.url, 'POST', `/api/v1/advisories${query}`, { token, body: doc });
    const detail = async (id: string) =>
      (await call(s.url, 'GET', `/api/v1/advisories/${id}`, { token: centreAdmin })).body;
    /** An operator with one asset running `pkg`. */
    const operator = async (sector: string, where: string, pkg: string) => {
      const id = await org({ kind: 'operator', sector, region: where });
      const token = await s.token(id, 'analyst');
      const r = await call(s.url, 'POST', '/api/v1/sboms?asset=app&criticality=high', {
        token,
        raw: JSON.stringify(sbom(pkg)),
        type: 'application/vnd.cyclonedx+json',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return { id, token };
    };

    test('#1 only publish-reference holders write advisories and the KEV catalogue', async () => {
      const pkg = unique('h5-withdraw-');
      const city = await org({ kind: 'regional-authority', region: region() });
      const reporter = await s.token(city, 'reporter');
      const cityAdmin = await s.token(city, 'admin');
      const centreViewer = await s.token(centreId, 'viewer');
      const centreAnalyst = await s.token(centreId, 'analyst');
      const id = unique('H5-W-');
      assert.equal((await upload(centreAnalyst, osv(id, pkg))).status, 200);
      const op = await operator('water', region(), pkg);
      const open = async () =>
        (
          (await call(s.url, 'GET', `/api/v1/exposures?limit=10`, { token: op.token })).body.items as {
            advisory: string;
            status: string;
          }[]
        ).filter((e) => e.advisory === id && e.status === 'open').length;
      assert.equal(await open(), 1);

      const withdrawn = osv(id, pkg, { withdrawn: new Date().toISOString(), summary: 'withdrawn' });
      for (const token of [reporter, cityAdmin, centreViewer]) {
        assertProblem(await upload(token, withdrawn), 403, /publish-reference/);
        assertProblem(
          await call(s.url, 'POST', '/api/v1/kev', { token, raw: '{}', type: 'application/json' }),
          403,
          /publish-reference/,
        );
      }
      assert.equal(await open(), 1, 'the exposure outside the reporter’s view is untouched');
      assert.equal((await detail(id)).withdrawn, null);
    });

    test('#1 an advisory belongs to its source: another cannot overwrite or withdraw it; the centre may take over', async () => {
      const pkg = unique('h5-owned-');
      const centreAnalyst = await s.token(centreId, 'analyst');
      const regulator = await org({ kind: 'sector-regulator', sector: 'energy', region: 'BW' });
      const regAnalyst = await s.token(regulator, 'analyst');
      const id = unique('H5-O-');
      const genuine = osv(id, pkg);
      assert.equal((await upload(centreAnalyst, genuine)).body.created, 1);

      const later = new Date(Date.now() + 60_000).toISOString();
      const forged = osv(id, pkg, { modified: later, summary: 'forged', withdrawn: later });
      const one = await upload(regAnalyst, forged);
      assertProblem(one, 409, /another source/);
      assert.equal(one.body.type, 'https://bulwark.example/problems/advisory-source');
      const batch = await upload(regAnalyst, [forged]);
      assert.equal(batch.status, 200);
      assert.deepEqual(
        (batch.body.failed as { kind: string }[]).map((f) => f.kind),
        ['other-source'],
      );
      let d = await detail(id);
      assert.equal(d.summary, `genuine advisory ${id}`);
      assert.equal(d.withdrawn, null);
      assert.deepEqual(d.source, { org: centreId, feed: 'osv' });
      const [v1] = d.versions as Record<string, unknown>[];
      assert.equal(v1!.org, centreId);
      assert.equal(v1!.channel, 'api');
      assert.equal(v1!.feed, 'osv');
      assert.deepEqual(Object.keys(v1!.suppliedBy as object).sort(), ['id', 'kind']);
      // The genuine source still updates its advisory.
      assert.equal((await upload(centreAnalyst, osv(id, pkg, { summary: 'update' }))).body.updated, 1);

      // The regulator's own advisory: the centre's analyst cannot overwrite it, its admin takes it over.
      const own = unique('H5-R-');
      assert.equal((await upload(regAnalyst, osv(own, pkg))).body.created, 1);
      assertProblem(await upload(centreAnalyst, osv(own, pkg, { summary: 'centre' })), 409);
      assertProblem(await upload(regAnalyst, osv(id, pkg), '?takeOver=true'), 403);
      const taken = await upload(centreAdmin, osv(own, pkg, { summary: 'taken over' }), '?takeOver=true');
      assert.equal(taken.status, 200, JSON.stringify(taken.body));
      d = await detail(own);
      assert.equal(d.summary, 'taken over');
      assert.deepEqual(d.source, { org: centreId, feed: 'osv' });
      assert.equal((d.versions as { takenOverFrom: string }[])[0]!.takenOverFrom, `${regulator}/osv`);
      // The regulator sees who supplied its own version, not the centre's token.
      const asReg = (await call(s.url, 'GET', `/api/v1/advisories/${own}`, { token: regAnalyst })).body;
      const [latest, first] = asReg.versions as { suppliedBy: unknown }[];
      assert.equal(latest!.suppliedBy, null);
      assert.notEqual(first!.suppliedBy, null);
    });

    test('#1 a modified time in the future is refused, naming the field', async () => {
      const centreAnalyst = await s.token(centreId, 'analyst');
      const id = unique('H5-F-');
      const future = osv(id, unique('h5-future-'), { modified: '2999-12-31T00:00:00Z' });
      const r = await upload(centreAnalyst, future);
      assertProblem(r, 422);
      assert.deepEqual(
        (r.body.errors as { pointer: string }[]).map((e) => e.pointer),
        ['/modified'],
      );
      const batch = await upload(centreAnalyst, [future]);
      assert.equal((batch.body.failed as { kind: string }[])[0]!.kind, 'future-time');
      assertProblem(await call(s.url, 'GET', `/api/v1/advisories/${id}`, { token: centreAdmin }), 404);
      // Within the clock-skew allowance is fine.
      const soon = new Date(Date.now() + 60_000).toISOString();
      assert.equal(
        (await upload(centreAnalyst, osv(id, unique('h5-soon-'), { modified: soon }))).body.created,
        1,
      );
    });

    test('#1 import answers count only the exposures the caller sees', async () => {
      const pkg = unique('h5-count-');
      const where = region();
      const regulator = await org({ kind: 'sector-regulator', sector: 'energy', region: where });
      const regAnalyst = await s.token(regulator, 'analyst');
      await operator('energy', where, pkg); // visible to the regulator
      await operator('finance', where, pkg); // not visible
      await operator('energy', region(), pkg); // outside its region: not visible
      const r = await upload(regAnalyst, osv(unique('H5-C-'), pkg));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.exposures, { opened: 1, reopened: 0, resolved: 0, updated: 0 });
      const all = await upload(await s.token(centreId, 'analyst'), osv(unique('H5-C-'), pkg));
      assert.equal((all.body.exposures as { opened: number }).opened, 3);
    });

    test('#4 creating an organization never widens the creator’s view', async () => {
      const where = region();
      const city = await org({ kind: 'regional-authority', region: where });
      const cityAdmin = await s.token(city, 'admin');
      const regulatorBody = { kind: 'sector-regulator', sector: 'energy', region: where, parent: city };
      const refused = await call(s.url, 'POST', '/api/v1/orgs', {
        token: cityAdmin,
        body: { name: unique('H5 widen '), ...regulatorBody },
      });
      assertProblem(refused, 403, /coordination centre/);
      // Kinds that see only their own subtree are fine.
      await org({ kind: 'operator', sector: 'energy', region: where, parent: city }, cityAdmin);

      // A regulator the centre placed below the city: the city reads it but may not act for it.
      const regulator = await org(regulatorBody);
      assert.equal((await call(s.url, 'GET', `/api/v1/orgs/${regulator}`, { token: cityAdmin })).status, 200);
      assertProblem(
        await call(s.url, 'POST', '/api/v1/tokens', {
          token: cityAdmin,
          body: { name: 'widen', role: 'admin', org: regulator },
        }),
        403,
      );
      assertProblem(
        await call(s.url, 'POST', '/api/v1/users', {
          token: cityAdmin,
          body: {
            username: unique('h5.widen.'),
            name: 'Widen',
            org: regulator,
            roles: ['admin'],
            password: 'a long enough password',
          },
        }),
        403,
      );
      assertProblem(
        await call(s.url, 'PATCH', `/api/v1/orgs/${regulator}`, {
          token: cityAdmin,
          body: { name: 'renamed' },
        }),
        403,
      );
      // A regulator may create a regulator of its own sector inside its jurisdiction, not of another.
      const regAdmin = await s.token(regulator, 'admin');
      await org(
        { kind: 'sector-regulator', sector: 'energy', region: `${where}-X`, parent: regulator },
        regAdmin,
      );
      assertProblem(
        await call(s.url, 'POST', '/api/v1/orgs', {
          token: regAdmin,
          body: {
            name: unique('H5 '),
            kind: 'sector-regulator',
            sector: 'finance',
            region: where,
            parent: regulator,
          },
        }),
        403,
      );
    });

    test('#13 a "__proto__" bom-ref keeps its edges and licence names keep control characters apart', async () => {
      const op = await org({ kind: 'operator', sector: 'water', region: region() });
      const token = await s.token(op, 'analyst');
      const doc = {
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        version: 1,
        metadata: { component: { type: 'application', name: 'app', 'bom-ref': 'app' } },
        components: [
          {
            type: 'library',
            name: 'proto',
            version: '1.0.0',
            'bom-ref': '__proto__',
            licenses: [{ license: { name: 'Odd\u001fLicence' } }],
          },
          { type: 'library', name: 'leaf', version: '1.0.0', 'bom-ref': 'leaf' },
        ],
        dependencies: [
          { ref: 'app', dependsOn: ['__proto__'] },
          { ref: '__proto__', dependsOn: ['leaf'] },
        ],
      };
      const r = await call(s.url, 'POST', '/api/v1/sboms?asset=proto&criticality=low', {
        token,
        raw: JSON.stringify(doc),
        type: 'application/vnd.cyclonedx+json',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const asset = (r.body.asset as { id: string }).id;
      const d = (await call(s.url, 'GET', `/api/v1/assets/${asset}/sbom`, { token })).body as {
        components: { ref: string; relation: string; licenses: string[] }[];
        dependencies: { edges: Record<string, string[]>; transitive: string[] };
      };
      assert.ok(Object.hasOwn(d.dependencies.edges, '__proto__'), JSON.stringify(d.dependencies));
      assert.deepEqual(Object.getOwnPropertyDescriptor(d.dependencies.edges, '__proto__')?.value, ['leaf']);
      assert.deepEqual(d.dependencies.transitive, ['leaf']);
      assert.equal(d.components.find((c) => c.ref === 'leaf')!.relation, 'transitive');
      assert.deepEqual(d.components.find((c) => c.ref === '__proto__')!.licenses, ['Odd\u001fLicence']);
    });

    test('#13 advisory links are http or https only; zip errors name the entry, not the server path', async () => {
      const id = unique('H5-L-');
      const doc = osv(id, unique('h5-links-'), {
        references: [
          { type: 'WEB', url: 'javascript:alert(1)' },
          { type: 'WEB', url: 'data:text/html,<script>alert(1)</script>' },
          { type: 'WEB', url: 'file:///etc/passwd' },
          { type: 'ADVISORY', url: 'https://example.org/advisory' },
          { type: 'WEB', url: 'http://example.org/' },
        ],
      });
      assert.equal((await upload(centreAdmin, doc)).status, 200);
      assert.deepEqual(
        ((await detail(id)).references as { url: string }[]).map((x) => x.url),
        ['https://example.org/advisory', 'http://example.org/'],
      );

      const zip = async (entries: { name: string; data: string }[]) => {
        const r = await fetch(`${s.url}/api/v1/advisories`, {
          method: 'POST',
          headers: { authorization: `Bearer ${centreAdmin}`, 'content-type': 'application/zip' },
          body: new Uint8Array(makeZip(entries)),
        });
        return { status: r.status, body: (await r.json()) as Record<string, unknown> };
      };
      const broken = await zip([{ name: 'osv/BROKEN.json', data: '{"id": ' }]);
      assert.equal(broken.status, 200, JSON.stringify(broken.body));
      const failed = broken.body.failed as { source: string }[];
      assert.equal(failed[0]!.source, 'upload.zip!osv/BROKEN.json');
      const traversal = await zip([{ name: '../evil.json', data: '{}' }]);
      assert.ok(traversal.status >= 400 && traversal.status < 500, JSON.stringify(traversal.body));
      const text = JSON.stringify(traversal.body);
      assert.match(text, /upload\.zip/);
      assert.ok(!text.includes(tmpdir()), `the answer shows a server path: ${text}`);
      assert.ok(!text.includes('bulwark-osv-'), text);
    });
  });
}
