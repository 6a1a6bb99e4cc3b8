// Threat intelligence through the real HTTP stack on both databases: the OASIS example bundles
// import and read back intact over TAXII; the TLP matrix (CLEAR, GREEN, AMBER, AMBER+STRICT, RED,
// relationships pointing at hidden objects) for organizations this suite creates, checked over
// TAXII against the access rule's own function; TAXII media types, errors, paging with a shared
// date_added, versions, manifest and status; Basic authentication; the matcher endpoint and its
// sightings; the TAXII client pulling into a second organization; the CLI import and export.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import canonicalize from 'canonicalize';
import {
  type Actor,
  canSeeMarked,
  type OrgRef,
  TLP_LEVELS,
  TLP1_IDS,
  TLP2_IDS,
  type TlpLevel,
} from '../../src/access/index.ts';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { COMMANDS } from '../../src/cli/main.ts';
import { statusWorker } from '../../src/intel/index.ts';
import { systemActor } from '../../src/orgs/index.ts';
import type { AppContext } from '../../src/app/context.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests.
type Json = Record<string, any>;
const TAXII = 'application/taxii+json;version=2.1';
const EXAMPLES = new URL('../../../shared/data/stix2/examples/', import.meta.url).pathname;

async function taxii(
  s: TestServer,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; accept?: string; type?: string; basic?: string } = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers: Record<string, string> = { accept: opts.accept ?? TAXII };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.basic) headers.authorization = `Basic ${Buffer.from(`taxii:${opts.basic}`).toString('base64')}`;
  if (opts.body !== undefined) headers['content-type'] = opts.type ?? TAXII;
  const r = await fetch(`${s.url}${path}`, {
    method,
    headers,
    body:
      opts.body === undefined
        ? undefined
        : typeof opts.body === 'string'
          ? opts.body
          : JSON.stringify(opts.body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? (JSON.parse(text) as Json) : {}, headers: r.headers };
}

/**
 * Posts a TAXII envelope (202 with a status resource, pending or complete) and reads the status
 * until it is complete: the objects are ingested off the request path.
 */
async function postEnvelope(
  s: TestServer,
  path: string,
  opts: { token: string; body: unknown },
): Promise<{ status: number; body: Json; first: Json }> {
  const r = await taxii(s, 'POST', path, opts);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.ok(['pending', 'complete'].includes(r.body.status), JSON.stringify(r.body));
  assert.equal(r.body.total_count, r.body.success_count + r.body.failure_count + r.body.pending_count);
  let st = r;
  for (let i = 0; st.body.status === 'pending'; i++) {
    assert.ok(i < 3000, 'the status resource completes');
    await new Promise((done) => setTimeout(done, 20));
    st = await taxii(s, 'GET', `/taxii2/default/status/${r.body.id}/`, { token: opts.token });
    assert.equal(st.status, 200);
  }
  assert.equal(st.body.pending_count, 0);
  assert.deepEqual(st.body.pendings, []);
  return { status: r.status, body: st.body, first: r.body };
}

/** The actor a bearer token authenticates as (for calls to the service beside the HTTP ones). */
async function actorOf(s: TestServer, token: string): Promise<Actor> {
  const a = await s.ctx.auth.resolveBearer(token);
  assert.ok(a);
  return a;
}

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
function indicator(pattern: string, marking: string[], extra: Json = {}): Json {
  const t = now();
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: t,
    modified: t,
    name: 'test indicator',
    pattern,
    pattern_type: 'stix',
    valid_from: t,
    object_marking_refs: marking,
    ...extra,
  };
}

for (const kind of testDatabaseKinds()) {
  describe(`intel and TAXII on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let ctx: AppContext;
    let root: OrgRef;
    // A little federation of this suite's own: a region with two operators, another operator elsewhere.
    const orgs: Record<string, OrgRef> = {};
    const tokens: Record<string, string> = {};

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      ctx = s.ctx;
      root = (await ctx.orgs.orgRef((await ctx.orgs.root())!.id))!;
      const admin = systemActor(root);
      const tag = randomUUID().slice(0, 6);
      const mk = async (
        name: string,
        parent: string,
        k: 'regional-authority' | 'operator',
        region: string,
      ) => {
        const o = await ctx.orgs.createOrg(admin, {
          name: `${name} ${tag}`,
          kind: k,
          parent,
          region,
          sector: k === 'operator' ? 'energy' : undefined,
        });
        orgs[name] = (await ctx.orgs.orgRef(o.id))!;
        tokens[name] = await s.token(o.id, 'analyst');
      };
      await mk('region', root.id, 'regional-authority', 'BW-T');
      await mk('author', orgs.region!.id, 'operator', 'BW-T');
      await mk('sibling', orgs.region!.id, 'operator', 'BW-T');
      await mk('partner', root.id, 'operator', 'BW-Q');
      await mk('stranger', root.id, 'operator', 'BW-Z');
      tokens.centre = await s.token(root.id, 'analyst');
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('discovery, API root and collections answer in the TAXII media type; can_read/can_write follow the access rule', async () => {
      const d = await taxii(s, 'GET', '/taxii2/', { token: tokens.author });
      assert.equal(d.status, 200);
      assert.match(d.headers.get('content-type')!, /application\/taxii\+json;\s*version=2\.1/);
      assert.ok(String(d.body.default).endsWith('/taxii2/default/'));
      const rootRes = await taxii(s, 'GET', '/taxii2/default/', { token: tokens.author });
      assert.deepEqual(rootRes.body.versions, [TAXII]);
      const cols = await taxii(s, 'GET', '/taxii2/default/collections/', { token: tokens.author });
      const ownCol = await ctx.intel.collectionOf(orgs.author!.id);
      const listed = cols.body.collections.map((c: Json) => c.id);
      assert.ok(listed.includes(ownCol.id));
      assert.ok(listed.includes((await ctx.intel.community()).id));
      // A stranger does not even see the author's collection; the region (its parent) reads it.
      const strangerCols = await taxii(s, 'GET', '/taxii2/default/collections/', { token: tokens.stranger });
      assert.ok(!strangerCols.body.collections.some((c: Json) => c.id === ownCol.id));
      const regionView = await taxii(s, 'GET', `/taxii2/default/collections/${ownCol.id}/`, {
        token: tokens.region,
      });
      assert.equal(regionView.body.can_read, true);
      assert.equal(regionView.body.can_write, true);
      const anon = await taxii(s, 'GET', '/taxii2/default/collections/');
      assert.deepEqual(
        anon.body.collections.map((c: Json) => c.id),
        [(await ctx.intel.community()).id],
      );
      assert.equal(anon.body.collections[0].can_write, false);
    });

    test('406, 415, 413, 422 and 400 where TAXII 2.1 says', async () => {
      const col = (await ctx.intel.community()).id;
      assert.equal(
        (await taxii(s, 'GET', '/taxii2/', { token: tokens.author, accept: 'application/xml' })).status,
        406,
      );
      const r415 = await taxii(s, 'POST', `/taxii2/default/collections/${col}/objects/`, {
        token: tokens.author,
        body: { objects: [] },
        type: 'application/json',
      });
      assert.equal(r415.status, 415);
      assert.match(r415.headers.get('content-type')!, /taxii\+json/);
      const big = JSON.stringify({ objects: [{ pad: 'x'.repeat(21 * 1024 * 1024) }] });
      assert.equal(
        (
          await taxii(s, 'POST', `/taxii2/default/collections/${col}/objects/`, {
            token: tokens.author,
            body: big,
          })
        ).status,
        413,
      );
      assert.equal(
        (
          await taxii(s, 'POST', `/taxii2/default/collections/${col}/objects/`, {
            token: tokens.author,
            body: { nope: 1 },
          })
        ).status,
        422,
      );
      assert.equal(
        (
          await taxii(s, 'GET', `/taxii2/default/collections/${col}/objects/?limit=abc`, {
            token: tokens.author,
          })
        ).status,
        400,
      );
      assert.equal(
        (
          await taxii(s, 'GET', `/taxii2/default/collections/${col}/objects/?added_after=yesterday`, {
            token: tokens.author,
          })
        ).status,
        400,
      );
      assert.equal(
        (await taxii(s, 'POST', `/taxii2/default/collections/${col}/objects/`, { body: { objects: [] } }))
          .status,
        401,
      );
    });

    test('the OASIS example bundles import and read back intact; an invalid object is refused naming the property', async () => {
      const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
      const col = (await ctx.intel.collectionOf(orgs.author!.id)).id;
      // A user-backed writer: an example object marked TLP:RED reaches its author user only.
      const writer: Actor = {
        subject: 'user',
        id: 'w',
        userId: randomUUID(),
        name: 'w',
        org: orgs.author!,
        roles: ['analyst'],
      };
      const tlp2 = (o: Json): Json => {
        if (!Array.isArray(o.object_marking_refs)) return o;
        const refs = o.object_marking_refs.map((r: string) => (TLP1_IDS[r] ? TLP2_IDS[TLP1_IDS[r]!] : r));
        return { ...o, object_marking_refs: refs };
      };
      for (const f of files) {
        const doc = JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8')) as Json;
        const objects: Json[] = doc.type === 'bundle' ? doc.objects : [doc];
        const r = await ctx.intel.ingest(writer, col, objects);
        assert.equal(
          r.failure,
          0,
          `${f}: ${JSON.stringify(r.outcomes.filter((o) => o.status === 'failure'))}`,
        );
        for (const o of objects) {
          const got = await ctx.intel.objects(writer, col, { ids: [o.id], versions: ['all'] });
          // Intact, but for TLP 1.0 marking ids, which leave as their TLP 2.0 ids.
          assert.ok(
            got.objects.some((x) => JSON.stringify(x) === JSON.stringify(tlp2(o))),
            `${f}: ${o.id} reads back intact`,
          );
        }
        // Over TAXII the same objects post again without error (a repeat stores nothing new).
        const again = await postEnvelope(s, `/taxii2/default/collections/${col}/objects/`, {
          token: tokens.author,
          body: { objects },
        });
        assert.equal(again.status, 202, f);
        assert.equal(again.body.status, 'complete');
        assert.equal(again.body.success_count, objects.length);
      }
      // Over TAXII, what the author's token may see reads back byte for byte.
      const c2 = JSON.parse(readFileSync(join(EXAMPLES, 'indicator-for-c2-ip-address.json'), 'utf8')) as Json;
      const got = await taxii(s, 'GET', `/taxii2/default/collections/${col}/objects/${c2.objects[0].id}/`, {
        token: tokens.author,
      });
      assert.equal(JSON.stringify(got.body.objects[0]), JSON.stringify(c2.objects[0]));
      const bad = indicator("[ipv4-addr:value = '1.2.3.4'", [TLP2_IDS.green], {
        x_custom_thing: { kept: true },
      });
      const badTime = {
        ...indicator("[ipv4-addr:value = '1.2.3.4']", [TLP2_IDS.green]),
        valid_from: 'yesterday',
      };
      const good = indicator("[ipv4-addr:value = '198.51.100.9']", [TLP2_IDS.green], {
        x_custom_thing: { kept: true },
      });
      const r = await postEnvelope(s, `/taxii2/default/collections/${col}/objects/`, {
        token: tokens.author,
        body: { objects: [bad, badTime, good] },
      });
      assert.equal(r.body.failure_count, 2);
      assert.match(
        r.body.failures[0].message,
        /\/pattern: invalid STIX pattern: expected '\]'.* at position 29/,
      );
      assert.match(r.body.failures[1].message, /\/valid_from: must match pattern/);
      const st = await taxii(s, 'GET', `/taxii2/default/status/${r.body.id}/`, { token: tokens.author });
      assert.equal(st.body.success_count, 1);
      const back = await taxii(s, 'GET', `/taxii2/default/collections/${col}/objects/${good.id}/`, {
        token: tokens.author,
      });
      assert.deepEqual(back.body.objects[0].x_custom_thing, { kept: true });
    });

    test('TLP matrix: every reader gets exactly what the access rule allows, by object and by relationship', async () => {
      const community = (await ctx.intel.community()).id;
      const group = {
        type: 'marking-definition',
        spec_version: '2.1',
        id: `marking-definition--${randomUUID()}`,
        created: now(),
        name: 'sharing group: author and partner',
        extensions: {
          'extension-definition--7e1f3a5c-9b2d-4e6f-a8c0-1d3e5f7a9b2c': {
            extension_type: 'property-extension',
            organizations: [orgs.partner!.id],
          },
        },
      };
      const byLevel: Record<string, Json> = {};
      for (const level of TLP_LEVELS)
        byLevel[level] = indicator(`[domain-name:value = '${level.replace('+', '-')}.tlp.example']`, [
          TLP2_IDS[level],
        ]);
      const sharedAmber = indicator("[domain-name:value = 'shared-amber.example']", [
        TLP2_IDS.amber,
        group.id,
      ]);
      const sharedStrict = indicator("[domain-name:value = 'shared-strict.example']", [
        TLP2_IDS['amber+strict'],
        group.id,
      ]);
      const tlp1White = indicator("[domain-name:value = 'tlp1-white.example']", [Object.keys(TLP1_IDS)[0]!]);
      const malware = {
        type: 'malware',
        spec_version: '2.1',
        id: `malware--${randomUUID()}`,
        created: now(),
        modified: now(),
        name: 'red malware',
        is_family: true,
        object_marking_refs: [TLP2_IDS.red],
      };
      // A GREEN relationship between a GREEN indicator and a RED malware must not reveal the malware.
      const rel = {
        type: 'relationship',
        spec_version: '2.1',
        id: `relationship--${randomUUID()}`,
        created: now(),
        modified: now(),
        relationship_type: 'indicates',
        source_ref: byLevel.green!.id,
        target_ref: malware.id,
        object_marking_refs: [TLP2_IDS.green],
      };
      const posted = [group, ...Object.values(byLevel), sharedAmber, sharedStrict, tlp1White, malware, rel];
      const r = await postEnvelope(s, `/taxii2/default/collections/${community}/objects/`, {
        token: tokens.author,
        body: { objects: posted },
      });
      assert.equal(r.body.failure_count, 0, JSON.stringify(r.body.failures));

      const author = orgs.author!;
      const marked = (o: Json) => {
        const refs: string[] = o.object_marking_refs ?? [];
        const levels = refs
          .map(
            (x) =>
              Object.entries(TLP2_IDS).find(([, id]) => id === x)?.[0] ?? (TLP1_IDS[x] as string | undefined),
          )
          .filter(Boolean) as TlpLevel[];
        const tlp =
          o.type === 'marking-definition'
            ? 'amber+strict'
            : levels.reduce(
                (a, b) => (TLP_LEVELS.indexOf(b) > TLP_LEVELS.indexOf(a) ? b : a),
                levels[0] ?? 'amber',
              );
        return {
          tlp,
          org: author,
          authorUser: null,
          shareOrgs: refs.includes(group.id) || o.id === group.id ? [orgs.partner!] : [],
          namedUsers: [],
        };
      };
      const readers: [string, string | undefined, Actor | null][] = [
        [
          'author',
          tokens.author,
          { subject: 'token', id: 'x', userId: null, name: 'x', org: orgs.author!, roles: ['analyst'] },
        ],
        [
          'sibling',
          tokens.sibling,
          { subject: 'token', id: 'x', userId: null, name: 'x', org: orgs.sibling!, roles: ['analyst'] },
        ],
        [
          'region',
          tokens.region,
          { subject: 'token', id: 'x', userId: null, name: 'x', org: orgs.region!, roles: ['analyst'] },
        ],
        [
          'centre',
          tokens.centre,
          { subject: 'token', id: 'x', userId: null, name: 'x', org: root, roles: ['analyst'] },
        ],
        [
          'partner',
          tokens.partner,
          { subject: 'token', id: 'x', userId: null, name: 'x', org: orgs.partner!, roles: ['analyst'] },
        ],
        [
          'stranger',
          tokens.stranger,
          { subject: 'token', id: 'x', userId: null, name: 'x', org: orgs.stranger!, roles: ['analyst'] },
        ],
        ['anonymous', undefined, null],
      ];
      const ids = posted.map((o) => o.id);
      for (const [name, token, actor] of readers) {
        const got = new Set<string>();
        let next: string | undefined;
        do {
          const page = await taxii(
            s,
            'GET',
            `/taxii2/default/collections/${community}/objects/?limit=3&match[id]=${ids.join(',')}${next ? `&next=${next}` : ''}`,
            { token },
          );
          assert.equal(page.status, 200, name);
          for (const o of page.body.objects ?? []) got.add(o.id);
          next = page.body.next;
        } while (next);
        const expected = new Set(
          posted
            .filter((o) => canSeeMarked(actor, marked(o)))
            // The relationship shows only to who sees both ends (the RED malware: nobody but its named users).
            .filter(
              (o) =>
                o.type !== 'relationship' ||
                (canSeeMarked(actor, marked(byLevel.green!)) && canSeeMarked(actor, marked(malware))),
            )
            .map((o) => o.id),
        );
        assert.deepEqual([...got].sort(), [...expected].sort(), `reader ${name}`);
      }
      // The matrix in words, for the record.
      const seen = async (token: string | undefined, o: Json) =>
        (await taxii(s, 'GET', `/taxii2/default/collections/${community}/objects/${o.id}/`, { token }))
          .status === 200;
      assert.equal(await seen(undefined, byLevel.clear!), true);
      assert.equal(await seen(undefined, byLevel.green!), false);
      assert.equal(await seen(tokens.stranger, byLevel.green!), true);
      assert.equal(await seen(tokens.stranger, byLevel.amber!), false);
      assert.equal(await seen(tokens.region, byLevel.amber!), true);
      assert.equal(await seen(tokens.partner, sharedAmber), true);
      assert.equal(await seen(tokens.partner, sharedStrict), true);
      assert.equal(
        await seen(tokens.region, sharedStrict),
        false,
        'AMBER+STRICT never reaches the author’s parent',
      );
      assert.equal(await seen(tokens.centre, byLevel['amber+strict']!), false);
      assert.equal(
        await seen(tokens.author, byLevel.red!),
        false,
        'RED: named users only (a token has no user)',
      );
      assert.equal(await seen(tokens.author, rel), false, 'the relationship would reveal the RED malware');
      // TLP 1.0 WHITE is read as CLEAR and exported as the TLP 2.0 CLEAR id.
      const white = await taxii(
        s,
        'GET',
        `/taxii2/default/collections/${community}/objects/${tlp1White.id}/`,
      );
      assert.deepEqual(white.body.objects[0].object_marking_refs, [TLP2_IDS.clear]);
    });

    test('RED reaches the named users: the service-level rule with a user behind the actor', async () => {
      const community = (await ctx.intel.community()).id;
      const userId = randomUUID();
      const group = {
        type: 'marking-definition',
        spec_version: '2.1',
        id: `marking-definition--${randomUUID()}`,
        created: now(),
        extensions: {
          'extension-definition--7e1f3a5c-9b2d-4e6f-a8c0-1d3e5f7a9b2c': {
            extension_type: 'property-extension',
            users: [userId],
          },
        },
      };
      const red = indicator("[domain-name:value = 'red-named.example']", [TLP2_IDS.red, group.id]);
      const writer: Actor = {
        subject: 'user',
        id: 'w',
        userId: randomUUID(),
        name: 'w',
        org: orgs.author!,
        roles: ['analyst'],
      };
      await ctx.intel.ingest(writer, community, [group, red]);
      const named: Actor = {
        subject: 'user',
        id: 'n',
        userId,
        name: 'n',
        org: orgs.stranger!,
        roles: ['viewer'],
      };
      const other: Actor = { ...named, userId: randomUUID() };
      const q = { ids: [red.id] };
      assert.equal((await ctx.intel.objects(named, community, q)).objects.length, 1);
      assert.equal((await ctx.intel.objects(writer, community, q)).objects.length, 1, 'the author user');
      assert.equal((await ctx.intel.objects(other, community, q)).objects.length, 0);
    });

    test('paging never skips or repeats when thousands of objects share one date_added; next is tied to its query', async () => {
      const col = (await ctx.intel.collectionOf(orgs.sibling!.id)).id;
      const objects = Array.from({ length: 2500 }, (_, i) =>
        indicator(`[ipv4-addr:value = '10.9.${i >> 8}.${i & 255}']`, [TLP2_IDS.green]),
      );
      const r = await postEnvelope(s, `/taxii2/default/collections/${col}/objects/`, {
        token: tokens.sibling,
        body: { objects },
      });
      assert.equal(r.body.success_count, 2500);
      // Make them all share one date_added, the case that breaks timestamp-only cursors.
      await tdb.db.query(
        `UPDATE intel_objects SET date_added = '2025-05-05T05:05:05.555Z' WHERE collection_id = $1`,
        [col],
      );
      const seen: string[] = [];
      let next: string | undefined;
      let pages = 0;
      do {
        const page = await taxii(
          s,
          'GET',
          `/taxii2/default/collections/${col}/objects/?limit=333${next ? `&next=${next}` : ''}`,
          { token: tokens.sibling },
        );
        assert.equal(page.headers.get('x-taxii-date-added-first'), '2025-05-05T05:05:05.555000Z');
        assert.equal(page.headers.get('x-taxii-date-added-last'), '2025-05-05T05:05:05.555000Z');
        seen.push(...page.body.objects.map((o: Json) => o.id));
        next = page.body.next;
        pages++;
        if (pages === 1) {
          const misuse = await taxii(
            s,
            'GET',
            `/taxii2/default/collections/${col}/objects/?limit=333&match[type]=malware&next=${next}`,
            { token: tokens.sibling },
          );
          assert.equal(misuse.status, 400);
        }
      } while (next);
      assert.equal(pages, 8);
      assert.equal(seen.length, 2500);
      assert.equal(new Set(seen).size, 2500);
      const manifest = await taxii(s, 'GET', `/taxii2/default/collections/${col}/manifest/?limit=5`, {
        token: tokens.sibling,
      });
      assert.equal(manifest.body.objects.length, 5);
      assert.equal(manifest.body.more, true);
      // Versions of one object, and match[version].
      const first = objects[0]!;
      const v2 = { ...first, modified: new Date(Date.now() + 1000).toISOString(), name: 'second version' };
      await postEnvelope(s, `/taxii2/default/collections/${col}/objects/`, {
        token: tokens.sibling,
        body: { objects: [v2] },
      });
      const versions = await taxii(
        s,
        'GET',
        `/taxii2/default/collections/${col}/objects/${first.id}/versions/`,
        { token: tokens.sibling },
      );
      assert.deepEqual(versions.body.versions, [first.modified, v2.modified]);
      const latest = await taxii(s, 'GET', `/taxii2/default/collections/${col}/objects/${first.id}/`, {
        token: tokens.sibling,
      });
      assert.equal(latest.body.objects[0].name, 'second version');
      const firstOnly = await taxii(
        s,
        'GET',
        `/taxii2/default/collections/${col}/objects/${first.id}/?match[version]=first`,
        { token: tokens.sibling },
      );
      assert.equal(firstOnly.body.objects[0].name, 'test indicator');
    });

    test('HTTP Basic with the token as password; the access log records reads and exports', async () => {
      const col = (await ctx.intel.collectionOf(orgs.partner!.id)).id;
      const r = await taxii(s, 'GET', `/taxii2/default/collections/${col}/objects/`, {
        basic: tokens.partner,
      });
      assert.equal(r.status, 200);
      const bad = await taxii(s, 'GET', `/taxii2/default/collections/${col}/objects/`, { basic: 'bwk_nope' });
      assert.equal(bad.status, 401);
      const adminToken = await s.token(orgs.partner!.id, 'admin');
      const exp = await api(s, adminToken, 'GET', `/api/v1/intel/collections/${col}/export`);
      assert.equal(exp.status, 200);
      assert.equal(exp.body.type, 'bundle');
      const log = await api(s, adminToken, 'GET', '/api/v1/intel/access-log');
      const actions = log.body.items.filter((e: Json) => e.collectionId === col).map((e: Json) => e.action);
      assert.ok(actions.includes('pull'));
      assert.ok(actions.includes('export'));
    });

    test('the matcher finds every observable planted in a log and nothing else; hits become sightings; revoked and expired indicators stop matching', async () => {
      const col = (await ctx.intel.collectionOf(orgs.author!.id)).id;
      const planted = [
        indicator("[ipv4-addr:value = '192.0.2.77']", [TLP2_IDS.green]),
        indicator("[ipv4-addr:value ISSUBSET '198.18.0.0/15']", [TLP2_IDS.green]),
        indicator("[domain-name:value LIKE '%.bad-cdn.example']", [TLP2_IDS.green]),
        indicator("[url:value = 'http://phish.example/login?u=1']", [TLP2_IDS.green]),
        indicator("[email-addr:value = 'ceo@spoof.example']", [TLP2_IDS.green]),
        indicator("[file:hashes.MD5 = '44d88612fea8a8f36de82e1278abb02f']", [TLP2_IDS.green]),
        indicator("[x-bulwark-phone-number:value = '+8613800138000']", [TLP2_IDS.green]),
        indicator("[ipv6-addr:value = '2001:db8::bad']", [TLP2_IDS.green]),
      ];
      const expired = indicator("[ipv4-addr:value = '192.0.2.88']", [TLP2_IDS.green], {
        valid_from: '2020-01-01T00:00:00Z',
        valid_until: '2020-02-01T00:00:00Z',
      });
      const revokedLater = indicator("[ipv4-addr:value = '192.0.2.99']", [TLP2_IDS.green]);
      const hidden = indicator("[ipv4-addr:value = '192.0.2.111']", [TLP2_IDS['amber+strict']]);
      const r = await postEnvelope(s, `/taxii2/default/collections/${col}/objects/`, {
        token: tokens.author,
        body: { objects: [...planted, expired, revokedLater, hidden] },
      });
      assert.equal(r.body.failure_count, 0, JSON.stringify(r.body.failures));
      const rev = await api(s, tokens.author, 'POST', `/api/v1/intel/objects/${revokedLater.id}/revoke`);
      assert.equal(rev.status, 200);
      const log = [
        'Jan 1 00:00:01 fw DENY 10.0.0.5 -> 192.0.2.77:443',
        'Jan 1 00:00:02 fw DENY 10.0.0.5 -> 198.19.4.4:53 and 192.0.2.88 and 192.0.2.99 and 192.0.2.111',
        'proxy GET http://phish.example/login?u=1#top from 10.0.0.9; host cdn1.bad-cdn.example ok; also bad-cdn.example',
        'mail from CEO@Spoof.Example attachment md5 44D88612FEA8A8F36DE82E1278ABB02F',
        'sms from +86 138 0013 8000; v6 peer 2001:DB8:0:0:0:0:0:BAD; benign 203.0.113.200 good.example',
      ].join('\n');
      const m = await api(s, tokens.stranger, 'POST', '/api/v1/intel/match', { text: log });
      assert.equal(m.status, 200, JSON.stringify(m.body));
      const hitIds = new Set(m.body.hits.map((h: Json) => h.indicator));
      assert.deepEqual([...hitIds].sort(), planted.map((p) => p.id).sort());
      const hitValues = m.body.hits.map((h: Json) => `${h.observable.type}:${h.observable.value}`).sort();
      assert.deepEqual(hitValues, [
        'domain-name:cdn1.bad-cdn.example',
        'email-addr:ceo@spoof.example',
        'file:44d88612fea8a8f36de82e1278abb02f',
        'ipv4-addr:192.0.2.77',
        'ipv4-addr:198.19.4.4',
        'ipv6-addr:2001:db8::bad',
        'url:http://phish.example/login?u=1',
        'x-bulwark-phone-number:+8613800138000',
      ]);
      // The author sees the stranger's sightings of its indicators.
      const sightings = await api(
        s,
        tokens.author,
        'GET',
        `/api/v1/intel/sightings?indicator=${planted[0]!.id}`,
      );
      assert.equal(sightings.body.items.length, 1);
      assert.equal(sightings.body.items[0].org, orgs.stranger!.id);
      assert.equal(sightings.body.items[0].count, 1);
      // Given observables, with a rejected one.
      const given = await api(s, tokens.stranger, 'POST', '/api/v1/intel/match', {
        observables: [
          { type: 'ipv4-addr', value: '192.0.2.77' },
          { type: 'ipv4-addr', value: 'nope' },
        ],
      });
      assert.equal(given.body.hits.length, 1);
      assert.equal(given.body.rejected[0].index, 1);
      const again = await api(s, tokens.author, 'GET', `/api/v1/intel/sightings?indicator=${planted[0]!.id}`);
      assert.equal(again.body.items[0].count, 2);
      const tooMany = await api(s, tokens.stranger, 'POST', '/api/v1/intel/match', {
        observables: Array.from({ length: 10_001 }, () => ({ type: 'ipv4-addr', value: '1.1.1.1' })),
      });
      assert.equal(tooMany.status, 400);
    });

    test('a TAXII post answers 202 pending at once; a worker completes it, also after a restart; a refused envelope completes as failures', async () => {
      const col = (await ctx.intel.collectionOf(orgs.author!.id)).id;
      const objects = [
        indicator("[ipv4-addr:value = '203.0.113.201']", [TLP2_IDS.green]),
        indicator("[ipv4-addr:value = '203.0.113.202'", [TLP2_IDS.green]),
      ];
      const r = await postEnvelope(s, `/taxii2/default/collections/${col}/objects/`, {
        token: tokens.author!,
        body: { objects },
      });
      assert.equal(r.first.status, 'pending');
      assert.equal(r.first.pending_count, 2);
      assert.deepEqual(
        r.first.pendings.map((p: Json) => p.id),
        objects.map((o) => o.id),
      );
      assert.equal(r.body.success_count, 1);
      assert.equal(r.body.failure_count, 1);
      assert.equal(r.body.failures[0].id, objects[1]!.id);

      // With the status worker stopped (the process stopped), a post stays pending with its envelope…
      const worker = ctx.workers.find((w) => w.name === 'intel-status')!;
      await worker.stop();
      try {
        const actor = await actorOf(s, tokens.author!);
        const queued = await ctx.intel.submit(actor, col, [
          indicator("[ipv4-addr:value = '203.0.113.203']", [TLP2_IDS.green]),
        ]);
        // …also one a process claimed and died holding (its lease ran out).
        const dead = await ctx.intel.submit(actor, col, [
          indicator("[ipv4-addr:value = '203.0.113.204']", [TLP2_IDS.green]),
        ]);
        await tdb.db.query(
          `UPDATE intel_status SET claimed_until = now() - interval '1 second', attempts = 1 WHERE id = $1`,
          [dead.id],
        );
        // …and one posted through another process: its envelope is only in the status resource.
        const elsewhere = randomUUID();
        const foreign = indicator("[ipv4-addr:value = '203.0.113.206']", [TLP2_IDS.green]);
        await tdb.db.query(
          `INSERT INTO intel_status (id, org_id, collection_id, status, total_count, success_count, failure_count,
                                     pending_count, pendings, envelope, actor)
           VALUES ($1, $2, $3, 'pending', 1, 0, 0, 1, $4, $5, $6)`,
          [
            elsewhere,
            actor.org.id,
            col,
            JSON.stringify([{ id: foreign.id, version: foreign.modified }]),
            JSON.stringify([foreign]),
            JSON.stringify({ ...actor, org: undefined, orgId: actor.org.id }),
          ],
        );
        // An envelope whose poster may no longer write is completed with every object failed.
        const refused = await ctx.intel.submit(actor, col, [
          indicator("[ipv4-addr:value = '203.0.113.205']", [TLP2_IDS.green]),
        ]);
        await tdb.db.query(
          `UPDATE intel_status SET actor = jsonb_set(actor, '{roles}', '["viewer"]') WHERE id = $1`,
          [refused.id],
        );
        assert.equal((await ctx.intel.status(actor, queued.id)).status, 'pending');
        // …and the next start ingests what waits.
        const next = statusWorker(ctx.intel);
        await next.start();
        try {
          for (const id of [queued.id, dead.id, elsewhere, refused.id]) {
            let st = await ctx.intel.status(actor, id);
            for (let i = 0; st.status === 'pending'; i++) {
              assert.ok(i < 3000, 'the status completes');
              await new Promise((done) => setTimeout(done, 20));
              st = await ctx.intel.status(actor, id);
            }
            if (id === refused.id) {
              assert.equal(st.failureCount, 1);
              assert.match(st.failures[0]!.message, /may not write/);
            } else assert.equal(st.successCount, 1, JSON.stringify(st));
          }
        } finally {
          await next.stop();
        }
      } finally {
        await worker.start();
      }
      // Another organization's status resource is not found.
      const other = await taxii(s, 'GET', `/taxii2/default/status/${r.body.id}/`, { token: tokens.stranger });
      assert.equal(other.status, 404);
    });

    test('a posted envelope is committed to the ledger once, listing every version it stored with the SHA-256 of its JSON; a repost commits nothing', async () => {
      const col = (await ctx.intel.collectionOf(orgs.author!.id)).id;
      const objects = [
        indicator("[ipv4-addr:value = '203.0.113.211']", [TLP2_IDS.green]),
        indicator("[domain-name:value = 'envelope.example']", [TLP2_IDS.amber]),
        indicator("[ipv4-addr:value = '203.0.113.212'", [TLP2_IDS.green]),
      ];
      const path = `/taxii2/default/collections/${col}/objects/`;
      const r = await postEnvelope(s, path, { token: tokens.author!, body: { objects } });
      assert.equal(r.body.success_count, 2);
      const committed = async (kind: string, ids: string[]) =>
        (
          await tdb.db.query<{ id: string; org: string; salt: Uint8Array; metadata: Uint8Array }>(
            `SELECT record_id AS id, org_id::text AS org, salt, metadata FROM ledger_commitments
              WHERE record_kind = $1 AND record_id = ANY($2::text[])`,
            [kind, ids],
          )
        ).rows;
      const [entry, ...more] = await committed('intel.envelope', [r.body.id]);
      assert.ok(entry, 'one intel.envelope commitment, its id the status id');
      assert.equal(more.length, 0);
      assert.equal(entry.org, orgs.author!.id);
      assert.equal(
        (
          await committed(
            'intel.object',
            objects.map((o) => String(o.id)),
          )
        ).length,
        0,
      );
      // The record, rebuilt from what TAXII serves, gives the committed digest.
      const stored: Json[] = [];
      for (const o of objects.slice(0, 2)) {
        const got = await taxii(s, 'GET', `${path}${o.id}/`, { token: tokens.author! });
        const seq = await tdb.db.query<{ seq: string; envelope: string }>(
          'SELECT seq::text AS seq, envelope::text AS envelope FROM intel_objects WHERE stix_id = $1',
          [o.id],
        );
        assert.equal(seq.rows[0]!.envelope, r.body.id);
        const body = JSON.stringify(got.body.objects[0]);
        stored.push({
          id: o.id,
          version: o.modified,
          seq: Number(seq.rows[0]!.seq),
          sha256: createHash('sha256').update(body).digest('base64'),
        });
      }
      const record = canonicalize({ collection: col, objects: stored })!;
      const digest = createHash('sha256').update(entry.salt).update(record, 'utf8').digest('base64');
      const metadata = JSON.parse(Buffer.from(entry.metadata).toString('utf8'));
      assert.equal(metadata.kind, 'intel.envelope');
      assert.equal(metadata.commitment, digest);
      // The same objects again: a success that stores and commits nothing.
      const again = await postEnvelope(s, path, {
        token: tokens.author!,
        body: { objects: objects.slice(0, 2) },
      });
      assert.equal(again.body.success_count, 2);
      assert.equal((await committed('intel.envelope', [again.body.id])).length, 0);
    });

    test('a TAXII client pulls a collection into a second organization with a persisted cursor and an outcome log', async () => {
      const community = (await ctx.intel.community()).id;
      const fresh = [
        indicator("[domain-name:value = 'pull-green.example']", [TLP2_IDS.green]),
        indicator("[domain-name:value = 'pull-strict.example']", [TLP2_IDS['amber+strict']]),
      ];
      await postEnvelope(s, `/taxii2/default/collections/${community}/objects/`, {
        token: tokens.author,
        body: { objects: fresh },
      });
      const feed = await api(s, tokens.stranger, 'POST', '/api/v1/intel/feeds', {
        name: 'community mirror',
        direction: 'pull',
        apiRoot: `${s.url}/taxii2/default/`,
        collection: community,
        token: tokens.stranger,
      });
      assert.equal(feed.status, 201, JSON.stringify(feed.body));
      // The remote credential is kept sealed and never served.
      assert.equal(feed.body.hasToken, true);
      assert.ok(!JSON.stringify(feed.body).includes(tokens.stranger!));
      const listed = await api(s, tokens.stranger, 'GET', '/api/v1/intel/feeds');
      assert.ok(!JSON.stringify(listed.body).includes(tokens.stranger!));
      const stored = await tdb.db.query<{ token: string | null; sealed: Uint8Array | null }>(
        'SELECT token, token_sealed AS sealed FROM intel_feeds WHERE id = $1',
        [feed.body.id],
      );
      assert.equal(stored.rows[0]!.token, null);
      const sealed = Buffer.from(stored.rows[0]!.sealed!);
      assert.ok(sealed.length > 48, `sealed: ${sealed.length} bytes`);
      assert.ok(!sealed.includes(Buffer.from(tokens.stranger!)), 'the database holds no clear token');
      const run = await api(s, tokens.stranger, 'POST', `/api/v1/intel/feeds/${feed.body.id}/run`);
      assert.equal(run.status, 200, JSON.stringify(run.body));
      // The feed worker may have run the new feed first (it is due at once): either run pulled it.
      const state = (await api(s, tokens.stranger, 'GET', '/api/v1/intel/feeds')).body.items.find(
        (x: Json) => x.id === feed.body.id,
      );
      assert.ok(state.cursor, JSON.stringify(state));
      const mine = (await ctx.intel.collectionOf(orgs.stranger!.id)).id;
      const local = await taxii(
        s,
        'GET',
        `/taxii2/default/collections/${mine}/objects/?match[id]=${fresh.map((f) => f.id).join(',')}`,
        { token: tokens.stranger },
      );
      assert.deepEqual(
        local.body.objects.map((o: Json) => o.id),
        [fresh[0]!.id],
        'AMBER+STRICT of another organization never arrives',
      );
      const second = await api(s, tokens.stranger, 'POST', `/api/v1/intel/feeds/${feed.body.id}/run`);
      assert.equal(second.body.pulled, 0, 'the cursor resumes after the last object');
      const log = await api(s, tokens.stranger, 'GET', `/api/v1/intel/feeds/${feed.body.id}/log`);
      assert.ok(
        log.body.items.some((e: Json) => e.objectId === fresh[0]!.id && e.outcome === 'success'),
        JSON.stringify(log.body),
      );
    });

    test('bin/bulwark import stix and export stix', async () => {
      const file = join(tmpdir(), `bundle-${randomUUID()}.json`);
      writeFileSync(file, readFileSync(join(EXAMPLES, 'infrastructure.json')));
      const out: string[] = [];
      const io = {
        out: (t: string) => void out.push(t),
        err: (t: string) => void out.push(t),
        path: (p: string) => p,
        stdin: async () => '',
        open: async () => ctx,
      };
      assert.equal(await COMMANDS['import stix']!.run([file, '--org', orgs.partner!.id], io), 0);
      assert.match(out.join(''), /10 of 10 objects accepted/);
      const col = (await ctx.intel.collectionOf(orgs.partner!.id)).id;
      out.length = 0;
      assert.equal(await COMMANDS['export stix']!.run(['--collection', col], io), 0);
      const bundle = JSON.parse(out.join('')) as Json;
      const original = JSON.parse(readFileSync(file, 'utf8')) as Json;
      for (const o of original.objects)
        assert.ok(
          bundle.objects.some((x: Json) => JSON.stringify(x) === JSON.stringify(o)),
          o.id,
        );
    });

    test('bin/bulwark import stix takes a lone STIX object or an array of objects, and refuses what is neither', async () => {
      const out: string[] = [];
      const io = {
        out: (t: string) => void out.push(t),
        err: (t: string) => void out.push(t),
        path: (p: string) => p,
        stdin: async () => '',
        open: async () => ctx,
      };
      const write = (doc: unknown) => {
        const file = join(tmpdir(), `stix-${randomUUID()}.json`);
        writeFileSync(file, JSON.stringify(doc));
        return file;
      };
      const lone = indicator("[ipv4-addr:value = '198.51.100.77']", [TLP2_IDS.green]);
      assert.equal(
        await COMMANDS['import stix']!.run([write(lone), '--org', orgs.partner!.id], io),
        0,
        out.join(''),
      );
      assert.match(out.join(''), /1 of 1 objects accepted, 0 refused/);
      const pair = [
        indicator("[domain-name:value = 'lone-array.example']", [TLP2_IDS.green]),
        indicator("[ipv4-addr:value = '198.51.100.78']", [TLP2_IDS.green]),
      ];
      out.length = 0;
      assert.equal(
        await COMMANDS['import stix']!.run([write(pair), '--org', orgs.partner!.id], io),
        0,
        out.join(''),
      );
      assert.match(out.join(''), /2 of 2 objects accepted, 0 refused/);
      const col = (await ctx.intel.collectionOf(orgs.partner!.id)).id;
      out.length = 0;
      assert.equal(await COMMANDS['export stix']!.run(['--collection', col], io), 0);
      const exported = (JSON.parse(out.join('')) as Json).objects as Json[];
      for (const o of [lone, ...pair])
        assert.ok(
          exported.some((x) => JSON.stringify(x) === JSON.stringify(o)),
          `${o.id} reads back intact`,
        );
      // A lone object is validated like any object of a bundle: its error names the property.
      out.length = 0;
      const broken = {
        ...indicator("[ipv4-addr:value = '198.51.100.79']", [TLP2_IDS.green]),
        pattern: "[ipv4-addr:value = '1",
      };
      assert.equal(await COMMANDS['import stix']!.run([write(broken), '--org', orgs.partner!.id], io), 1);
      assert.match(out.join(''), /0 of 1 objects accepted, 1 refused/);
      assert.match(out.join(''), /\/pattern: invalid STIX pattern/);
      // Neither a bundle, an object with a type, nor an array: refused before anything is stored.
      await assert.rejects(
        COMMANDS['import stix']!.run([write({ objects: [lone] }), '--org', orgs.partner!.id], io),
        (err: Json) => err.status === 422 && JSON.stringify(err).includes('/type'),
      );
    });
  });
}
