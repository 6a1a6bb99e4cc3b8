// Durability under kill -9: clients make every kind of write through the API of a real
// `bulwark serve` child process (organizations, users, API tokens, SBOM imports, OSV imports,
// exposure status changes) while the ledger sequences them; the server is killed with SIGKILL
// mid-stream and restarted. Every acknowledged write must then be readable through the API in the
// state it was acknowledged with and have its entry in the log, every checkpoint published before
// the crash must be consistent with the new one, the whole tree must recompute from the public
// tiles, and `bulwark ledger audit --local` (run beside the restarted server: on PGlite through its
// control socket, on PostgreSQL with DATABASE_URL) must pass. Runs on PGlite and on PostgreSQL.
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import canonicalize from 'canonicalize';
import { createContext } from '../../src/app/context.ts';
import { auditLog, httpLogSource } from '../../src/ledger/audit.ts';
import { openCheckpoint } from '../../src/ledger/checkpoint.ts';
import { verifyConsistency } from '../../src/ledger/merkle.ts';
import { parseVerifierKey } from '../../src/ledger/note.ts';
import { verifyReceipt } from '../../src/ledger/receipt.ts';
import { seedDemoIfEmpty, systemActor } from '../../src/orgs/demo.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import { testDatabaseKinds } from '../../src/platform/testing.ts';
import { runCli, type ServerProcess, startServer } from '../support/processes.ts';

const root = new URL('../../', import.meta.url).pathname;
const ORIGIN = 'crash.test/ledger';
/** Concurrent writers of each kind. */
const WRITERS_PER_KIND = 3;
/** The server is killed once every kind has at least this many acknowledged writes. */
const MIN_ACKNOWLEDGED = 8;
/** Assets whose exposures the status writers change (each opens one exposure per setup advisory). */
const EXPOSURE_ASSETS = 4;
/** The statuses a person may set through PATCH /api/v1/exposures/{id} (the OpenAPI summary lists them). */
const MANUAL_STATUSES = ['acknowledged', 'mitigated', 'accepted_risk', 'false_positive', 'open'] as const;

const GO_SBOM = JSON.parse(readFileSync(join(root, 'test/fixtures/sbom/cyclonedx-1.6-go.json'), 'utf8'));
const NPM_SBOM = readFileSync(join(root, 'test/fixtures/sbom/cyclonedx-1.4-npm.json'));
const GO_OSV = JSON.parse(readFileSync(join(root, 'test/fixtures/osv/GO-2022-0493.json'), 'utf8'));

/** An OSV entry of its own id that affects every version of an npm package (and what GO-2022-0493 affects). */
function osvEntry(id: string, npmPackage: string): unknown {
  return {
    ...GO_OSV,
    id,
    modified: new Date().toISOString(),
    aliases: [],
    summary: `crash test advisory ${id}`,
    affected: [
      ...GO_OSV.affected,
      {
        package: { ecosystem: 'npm', name: npmPackage },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
      },
    ],
  };
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests.
type Json = Record<string, any>;

/** The server's log lines about the requests of these problem answers. */
function logOf(server: ServerProcess, answers: string[]): string {
  const ids = answers.flatMap((a) => [...a.matchAll(/"requestId":"([^"]+)"/g)].map((m) => m[1]!));
  return server
    .output()
    .split('\n')
    .filter((line) => ids.some((id) => line.includes(id)))
    .join('\n');
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs fn over items, at most `width` at a time. */
async function inParallel<T>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

interface Answer {
  status: number;
  body: Json;
}

/** One HTTP exchange; undefined when the connection failed before a whole answer arrived. */
async function send(
  url: string,
  token: string,
  method: string,
  body?: string | Buffer,
  contentType = 'application/json',
): Promise<Answer | undefined> {
  try {
    const res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': contentType }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : new Uint8Array(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
  } catch {
    return undefined;
  }
}

/** A GET that must succeed. */
async function get(base: string, token: string, path: string): Promise<Json> {
  const a = await send(`${base}${path}`, token, 'GET');
  assert.ok(a, `GET ${path}: no answer`);
  assert.equal(a.status, 200, `GET ${path}: ${a.status} ${JSON.stringify(a.body)}`);
  return a.body;
}

/** Every item of a paged list (limit/offset). */
async function listAll(base: string, token: string, path: string, limit: number): Promise<Json[]> {
  const items: Json[] = [];
  for (let offset = 0; ; offset += limit) {
    const sep = path.includes('?') ? '&' : '?';
    const page = (await get(base, token, `${path}${sep}limit=${limit}&offset=${offset}`)).items as Json[];
    items.push(...page);
    if (page.length < limit) return items;
  }
}

// What identifies each acknowledged write, and the state it was acknowledged with.
interface AckOrg {
  id: string;
  name: string;
}
interface AckUser {
  id: string;
  username: string;
}
interface AckToken {
  id: string;
  token: string;
  name: string;
}
interface AckSbom {
  id: string;
  asset: string;
  seq: number;
  sha256: string;
  /** The import created the asset (committed as an `asset` record). */
  createdAsset: boolean;
}
interface AckAdvisory {
  id: string;
  version: number;
  opened: number;
}
interface AckExposure {
  id: string;
  status: string;
  note: string;
  revision: number;
}

for (const kind of testDatabaseKinds()) {
  describe(`ledger crash test on ${kind.name}`, { skip: kind.skip, timeout: 300_000 }, () => {
    test('kill -9 during every kind of write: nothing acknowledged is lost, history stays consistent', async (t) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-crash-'));
      const scratch = kind.name === 'postgres' ? await kind.open() : undefined;
      const env: Record<string, string> = {
        ...(scratch ? { DATABASE_URL: scratch.url! } : {}),
        BULWARK_DEMO: 'false',
        LOG_LEVEL: 'warn',
        BULWARK_LEDGER_ORIGIN: ORIGIN,
        // The token writers issue far more tokens than the default quota of one organization.
        BULWARK_MAX_TOKENS_PER_ORG: '100000',
      };
      let server: ServerProcess | undefined;
      try {
        // Seed the federation and an admin token of the coordination centre before the server
        // runs (an embedded data directory has one owner at a time).
        const db = scratch?.db ?? (await openDatabase({ dataDir }));
        const config = loadConfig(
          { NODE_ENV: 'test', ...(scratch ? { DATABASE_URL: scratch.url! } : {}) },
          {
            dataDir,
          },
        );
        const ctx = await createContext(config, { db });
        await seedDemoIfEmpty(db, ctx.orgs, dataDir, () => undefined);
        const rootOrg = (await ctx.orgs.root())!;
        const { token: admin } = await ctx.auth.createToken(systemActor(rootOrg), {
          name: 'crash',
          org: rootOrg.id,
          role: 'admin',
        });
        await ctx.close();
        if (!scratch) await db.close();

        server = await startServer(['--data', dataDir, '--host', '127.0.0.1'], env, { timeoutMs: 180_000 });
        const s1 = server;
        const key = parseVerifierKey((await (await fetch(`${s1.url}/ledger/key`)).text()).trim());
        const api = (path: string) => `${s1.url}/api/v1${path}`;

        // Setup through the API, before the writers start: an operator of its own for users,
        // tokens and assets, and open exposures for the status writers (advisories for three npm
        // packages, then assets with an npm SBOM that has them).
        const op = await send(
          api('/orgs'),
          admin,
          'POST',
          JSON.stringify({
            name: 'crash operator',
            kind: 'operator',
            parent: rootOrg.id,
            region: 'BW',
            sector: 'energy',
          }),
        );
        assert.equal(op?.status, 201, JSON.stringify(op?.body));
        const operator = op!.body.id as string;
        const setupOsv = await send(
          api('/advisories'),
          admin,
          'POST',
          JSON.stringify(['express', 'qs', '@babel/traverse'].map((p, i) => osvEntry(`CRASH-SETUP-${i}`, p))),
        );
        assert.equal(setupOsv?.status, 200, JSON.stringify(setupOsv?.body));
        assert.equal(setupOsv!.body.created, 3, JSON.stringify(setupOsv!.body));
        const exposureIds: string[] = [];
        const exposureAssets: string[] = [];
        for (let k = 0; k < EXPOSURE_ASSETS; k++) {
          const r = await send(
            api(`/sboms?asset=crash-exposures-${k}&org=${operator}`),
            admin,
            'POST',
            NPM_SBOM,
            'application/vnd.cyclonedx+json',
          );
          assert.equal(r?.status, 201, JSON.stringify(r?.body));
          assert.ok(r!.body.exposures.opened > 0, JSON.stringify(r!.body));
          exposureAssets.push(r!.body.asset.id);
          const list = await get(s1.url, admin, `/api/v1/exposures?asset=${r!.body.asset.id}&limit=100`);
          exposureIds.push(...(list.items as Json[]).map((e) => e.id as string));
        }
        assert.ok(exposureIds.length >= WRITERS_PER_KIND, `only ${exposureIds.length} exposures to change`);

        const acked = {
          organization: [] as AckOrg[],
          user: [] as AckUser[],
          token: [] as AckToken[],
          sbom: [] as AckSbom[],
          advisory: [] as AckAdvisory[],
          exposure: [] as AckExposure[],
        };
        type WriteKind = keyof typeof acked;
        /**
         * Answers other than success while the server ran: each fails the test, at its end, so
         * that what was acknowledged is still checked.
         */
        const refused: string[] = [];
        const checkpoints = new Map<number, string>();
        let stop = false;

        /**
         * A writer: `write(i)` makes its i-th write and returns the answer (undefined when the
         * connection broke: not acknowledged) and what to record when it succeeded.
         */
        const writer = async (
          what: WriteKind,
          write: (
            i: number,
          ) => Promise<{ answer: Answer | undefined; ok: number; record: (b: Json) => void }>,
        ) => {
          for (let i = 0; !stop; i++) {
            const { answer, ok, record } = await write(i);
            if (!answer) return; // the server is gone: this write was not acknowledged
            if (answer.status === ok) record(answer.body);
            else refused.push(`${what} write ${i} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          }
        };

        const orgWriter = (w: number) =>
          writer('organization', async (i) => {
            const name = `crash ${w}-${i}`;
            return {
              answer: await send(
                api('/orgs'),
                admin,
                'POST',
                JSON.stringify({
                  name,
                  kind: 'operator',
                  parent: rootOrg.id,
                  region: 'BW',
                  sector: 'energy',
                }),
              ),
              ok: 201,
              record: (b) => acked.organization.push({ id: b.id, name }),
            };
          });

        const userWriter = (w: number) =>
          writer('user', async (i) => {
            const username = `crash-${w}-${i}`;
            return {
              answer: await send(
                api('/users'),
                admin,
                'POST',
                JSON.stringify({
                  username,
                  name: `Crash ${w}-${i}`,
                  org: operator,
                  roles: ['viewer'],
                  password: randomBytes(18).toString('base64url'),
                }),
              ),
              ok: 201,
              record: (b) => acked.user.push({ id: b.id, username }),
            };
          });

        const tokenWriter = (w: number) =>
          writer('token', async (i) => {
            const name = `crash ${w}-${i}`;
            return {
              answer: await send(
                api('/tokens'),
                admin,
                'POST',
                JSON.stringify({ name, org: operator, role: 'viewer', expiresInDays: 1 }),
              ),
              ok: 201,
              record: (b) => acked.token.push({ id: b.meta.id, token: b.token, name }),
            };
          });

        // Every third import creates an asset (a new name); the others add a version to it.
        const sbomWriter = (w: number) => {
          let asset: string | undefined;
          return writer('sbom', async (i) => {
            const doc = Buffer.from(JSON.stringify({ ...GO_SBOM, serialNumber: `urn:uuid:${randomUUID()}` }));
            const sha256 = createHash('sha256').update(doc).digest('hex');
            const createsAsset = i % 3 === 0 || !asset;
            const path = createsAsset
              ? `/sboms?asset=crash-sbom-${w}-${i}&org=${operator}&criticality=low`
              : `/assets/${asset}/sboms`;
            return {
              answer: await send(api(path), admin, 'POST', doc, 'application/vnd.cyclonedx+json'),
              ok: 201,
              record: (b) => {
                asset = b.asset.id;
                acked.sbom.push({
                  id: b.sbom.id,
                  asset: b.asset.id,
                  seq: b.sbom.seq,
                  sha256,
                  createdAsset: createsAsset,
                });
              },
            };
          });
        };

        // Each advisory is new and affects qs, so it opens an exposure on every exposure asset.
        const osvWriter = (w: number) =>
          writer('advisory', async (i) => {
            const id = `CRASH-${w}-${i}`;
            return {
              answer: await send(api('/advisories'), admin, 'POST', JSON.stringify(osvEntry(id, 'qs'))),
              ok: 200,
              record: (b) => {
                if (b.created !== 1) refused.push(`advisory ${id} was not created: ${JSON.stringify(b)}`);
                else acked.advisory.push({ id, version: 1, opened: b.exposures.opened });
              },
            };
          });

        // Each status writer owns its own exposures, so the last acknowledged change of each is known.
        const exposureWriter = (w: number) => {
          const mine = exposureIds.filter((_, k) => k % WRITERS_PER_KIND === w);
          return writer('exposure', async (i) => {
            const id = mine[i % mine.length]!;
            const status = MANUAL_STATUSES[(i + w) % MANUAL_STATUSES.length]!;
            const note = `crash ${w}-${i}`;
            return {
              answer: await send(api(`/exposures/${id}`), admin, 'PATCH', JSON.stringify({ status, note })),
              ok: 200,
              record: (b) => {
                if (b.status !== status || b.note !== note)
                  refused.push(`exposure ${id} answered ${b.status} (${b.note}), not ${status} (${note})`);
                else acked.exposure.push({ id, status, note, revision: b.revision });
              },
            };
          });
        };

        const poller = async () => {
          while (!stop) {
            try {
              const note = await (await fetch(`${s1.url}/ledger/checkpoint`)).text();
              checkpoints.set(openCheckpoint(note, key).checkpoint.size, note);
            } catch {
              return;
            }
            await new Promise((r) => setTimeout(r, 20));
          }
        };

        const writers = [orgWriter, userWriter, tokenWriter, sbomWriter, osvWriter, exposureWriter];
        const clients = [
          ...writers.flatMap((start) => Array.from({ length: WRITERS_PER_KIND }, (_, w) => start(w))),
          poller(),
        ];
        // Kill mid-stream once every kind has been acknowledged a few times (all writers still run).
        const counts = () =>
          Object.entries(acked)
            .map(([k, v]) => `${k} ${v.length}`)
            .join(', ');
        try {
          await waitFor(
            'every kind of write to be acknowledged',
            async () =>
              (Object.values(acked).every((v) => v.length >= MIN_ACKNOWLEDGED) && checkpoints.size > 3) ||
              refused.length >= 10 || // refused again and again: no use waiting
              undefined,
            120_000,
          );
        } catch (err) {
          throw new Error(
            `${(err as Error).message} (acknowledged: ${counts()}; ${checkpoints.size} checkpoints; refused: ${refused.join('; ')})`,
          );
        } finally {
          s1.child.kill('SIGKILL');
          await s1.exited;
          stop = true;
          await Promise.all(clients);
        }
        t.diagnostic(`acknowledged before the crash: ${counts()}; ${checkpoints.size} checkpoints seen`);

        // Restart on the same database; the sequencer integrates what was committed but not sequenced.
        server = await startServer(['--data', dataDir, '--host', '127.0.0.1'], env, { timeoutMs: 180_000 });
        const s2 = server;
        const status = await waitFor('the sequencer to catch up', async () => {
          const st = (await (await fetch(`${s2.url}/api/v1/ledger/status`)).json()) as {
            pending: number;
            treeSize: number;
          };
          return st.pending === 0 ? st : undefined;
        });
        const latest = openCheckpoint(
          await (await fetch(`${s2.url}/ledger/checkpoint`)).text(),
          key,
        ).checkpoint;
        assert.ok(latest.size >= status.treeSize);

        // Every acknowledged write is there, in the state it was acknowledged with.
        await inParallel(acked.organization, 8, async (o) => {
          const got = await get(s2.url, admin, `/api/v1/orgs/${o.id}`);
          assert.equal(got.name, o.name);
        });

        const users = new Map(
          (await listAll(s2.url, admin, `/api/v1/users?org=${operator}`, 200)).map((u) => [u.id, u]),
        );
        for (const u of acked.user) {
          const got = users.get(u.id);
          assert.ok(got, `acknowledged user ${u.username} (${u.id}) is missing`);
          assert.equal(got.username, u.username);
          assert.deepEqual(got.roles, ['viewer']);
          assert.equal(got.disabled, false);
        }

        const tokens = new Map((await listAll(s2.url, admin, '/api/v1/tokens', 100)).map((k) => [k.id, k]));
        await inParallel(acked.token, 8, async (k) => {
          const got = tokens.get(k.id);
          assert.ok(got, `acknowledged token ${k.name} (${k.id}) is missing`);
          assert.equal(got.name, k.name);
          assert.equal(got.org, operator);
          assert.equal(got.role, 'viewer');
          assert.equal(got.revokedAt, null);
          // And the secret still authenticates.
          const a = await send(`${s2.url}/api/v1/orgs/${operator}`, k.token, 'GET');
          assert.equal(a?.status, 200, `acknowledged token ${k.name} no longer authenticates: ${a?.status}`);
        });

        await inParallel(acked.sbom, 8, async (s) => {
          const got = await get(s2.url, admin, `/api/v1/sboms/${s.id}`);
          assert.equal(got.sbom.asset, s.asset);
          assert.equal(got.sbom.seq, s.seq);
          assert.equal(got.sbom.sha256, s.sha256);
          assert.equal(got.components.length, got.sbom.componentCount);
        });
        /** Writes that committed although the crash cut off their answer (allowed, counted). */
        let cutOff = 0;
        // Each asset's current SBOM is its last acknowledged one, or one whose answer the crash cut off.
        const lastSbom = new Map<string, AckSbom>();
        for (const s of acked.sbom) if ((lastSbom.get(s.asset)?.seq ?? 0) < s.seq) lastSbom.set(s.asset, s);
        await inParallel([...lastSbom.values()], 8, async (s) => {
          const asset = await get(s2.url, admin, `/api/v1/assets/${s.asset}`);
          if (asset.currentSbom === s.id) return;
          cutOff++;
          const current = await get(s2.url, admin, `/api/v1/sboms/${asset.currentSbom}`);
          assert.equal(
            current.sbom.seq,
            s.seq + 1,
            `asset ${s.asset}: current SBOM is not the last acknowledged`,
          );
        });

        const advisoryExposures: string[] = [];
        await inParallel(acked.advisory, 8, async (a) => {
          const got = await get(s2.url, admin, `/api/v1/advisories/${a.id}`);
          assert.equal(got.version, a.version);
          assert.equal(got.exposureCount, a.opened, `advisory ${a.id}: exposures opened by its import`);
          advisoryExposures.push(...(got.exposures as Json[]).map((e) => e.id as string));
        });
        assert.ok(
          acked.advisory.every((a) => a.opened === EXPOSURE_ASSETS),
          'each advisory opened one exposure per exposure asset',
        );

        // Per exposure, its last acknowledged change; at most one later change (cut off) may follow.
        const lastChange = new Map<string, AckExposure>();
        for (const e of acked.exposure) lastChange.set(e.id, e);
        await inParallel([...lastChange.values()], 8, async (e) => {
          const got = await get(s2.url, admin, `/api/v1/exposures/${e.id}`);
          if (got.revision === e.revision) {
            assert.equal(got.status, e.status, `exposure ${e.id}: status`);
            assert.equal(got.note, e.note, `exposure ${e.id}: note`);
          } else {
            assert.equal(got.revision, e.revision + 1, `exposure ${e.id}: revision after the crash`);
            cutOff++;
          }
        });

        // Every acknowledged write has its commitment in the log, with a receipt that verifies offline.
        const committed: { kind: string; id: string; version?: number }[] = [
          ...acked.organization.map((o) => ({ kind: 'organization', id: o.id, version: 1 })),
          ...acked.user.map((u) => ({ kind: 'user', id: u.id, version: 1 })),
          ...acked.sbom.map((s) => ({ kind: 'sbom', id: s.id, version: 1 })),
          ...acked.sbom
            .filter((s) => s.createdAsset)
            .map((s) => ({ kind: 'asset', id: s.asset, version: 1 })),
          ...acked.advisory.map((a) => ({ kind: 'advisory', id: a.id, version: a.version })),
          ...advisoryExposures.map((id) => ({ kind: 'exposure', id, version: 1 })),
          ...acked.exposure.map((e) => ({ kind: 'exposure', id: e.id, version: e.revision })),
        ];
        const hasReceipt = async (c: { kind: string; id: string; version?: number }) => {
          const q = `kind=${c.kind}&id=${encodeURIComponent(c.id)}${c.version ? `&version=${c.version}` : ''}`;
          const r = await get(s2.url, admin, `/api/v1/ledger/receipts?${q}`);
          // The receipt's entry is the opaque public one (issue 8); the metadata it commits to comes
          // beside it, for the record's readers, and must hash with the salt to that entry.
          const leaf = JSON.parse(verifyReceipt(r.receipt, key).entry!.toString('utf8')) as Json;
          const { v: _v, ...metadata } = r.entry as Json;
          const digest = createHash('sha256')
            .update(Buffer.from(r.salt as string, 'base64'))
            .update(canonicalize(metadata)!)
            .digest('base64');
          assert.deepEqual(leaf, { c: digest, v: 2 });
          const entry = r.entry as Json;
          assert.equal(entry.kind, c.kind);
          assert.equal(entry.id, c.id);
          if (c.version) assert.equal(entry.version, c.version);
          assert.ok(r.leafIndex < latest.size);
        };
        await inParallel(committed, 8, hasReceipt);
        t.diagnostic(
          `${committed.length} acknowledged commitments have receipts (tree size ${latest.size}); ` +
            `${cutOff} SBOM or status writes committed though the crash cut off their answer`,
        );
        assert.ok(
          latest.size >= committed.length,
          `tree size ${latest.size} < ${committed.length} acknowledged`,
        );

        // Issuing a token (POST /api/v1/tokens) commits nothing to the ledger today, although
        // docs/ledger.md says every accepted record is committed: kept visible as a todo, not failing.
        await t.test(
          'every acknowledged token has a ledger receipt',
          { todo: 'API tokens are not committed to the ledger' },
          async () => {
            await inParallel(acked.token, 8, (k) => hasReceipt({ kind: 'token', id: k.id, version: 1 }));
          },
        );

        // Every checkpoint seen before the crash is consistent with the new one.
        for (const [size, note] of checkpoints) {
          const before = openCheckpoint(note, key).checkpoint;
          assert.ok(before.size <= latest.size);
          if (size === 0) continue;
          const p = (await (
            await fetch(`${s2.url}/api/v1/ledger/proofs/consistency?from=${size}&to=${latest.size}`)
          ).json()) as {
            proof: string[];
          };
          verifyConsistency(
            size,
            latest.size,
            before.root,
            latest.root,
            p.proof.map((h) => Buffer.from(h, 'base64')),
          );
        }

        // An outside auditor recomputes the whole tree from the public tiles.
        const report = await auditLog(httpLogSource(s2.url), key, { full: true });
        assert.equal(report.recomputed, latest.size);

        // And the operator's local audit passes while the restarted server runs (on PGlite the
        // command runs inside the server, sent over its control socket).
        const audit = await runCli(['ledger', 'audit', '--local', '--data', dataDir], env, 120_000);
        assert.equal(audit.code, 0, `ledger audit --local: ${audit.out} ${audit.err}`);
        const ok = /^ok: (\S+) at size (\d+)$/m.exec(audit.out);
        assert.ok(ok, `ledger audit --local printed no ok line: ${audit.out}`);
        assert.equal(ok[1], ORIGIN);
        assert.ok(Number(ok[2]) >= latest.size);
        assert.match(audit.out, /stored entries match the published entry bundles/);

        assert.deepEqual(
          refused,
          [],
          `every write made while the server ran succeeded; the server's log:\n${logOf(s1, refused)}`,
        );
      } finally {
        if (server && server.child.exitCode === null) {
          server.child.kill('SIGTERM');
          await server.exited;
        }
        await scratch?.dispose();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
