// Incident queue and filing benchmark (issue 10), on PGlite and (with TEST_DATABASE_URL) PostgreSQL:
//  1. with INCIDENTS incidents across a generated federation (30 provinces × 10 cities × 20
//     operators, 8 sectors with their regulators): a province's overdue queue and the centre's
//     open-major view through IncidentService.list (the access rule, the filter, the deadline
//     order, the capped total, the obligations of the page), median and p99, beside a bare indexed
//     SELECT of the same rows by primary key;
//  2. filing end to end over HTTP (validation, access, obligations, the write, the ledger
//     commitment, events) by 64 concurrent reporters: reports/s and p99, beside the bare route
//     (GET /api/v1/ping) sent the same way in the same run and a bare one-row INSERT transaction at
//     the same concurrency. The reporters run in a child process (bench/load-client.ts: keep-alive
//     node:http connections over loopback, on the same machine and cores but not in the server's
//     process or event loop, as real reporters are not); the server process's CPU time per filing
//     is given beside them.
// Goals: queue p99 under 50 ms on PostgreSQL; filing p99 under 100 ms at 500 reports/s.
// BENCH_INCIDENTS sets the size (default 200,000; the issue asks for 1,000,000, which takes the
// generation of ~1 GB on PGlite: run BENCH_INCIDENTS=1000000 where there is time and memory);
// BENCH_QUICK=1 uses 20,000 and fewer filings.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { startTestServer, type TestServer } from '../src/app/testing.ts';
import type { Actor } from '../src/access/index.ts';
import { systemActor } from '../src/orgs/index.ts';
import { openDatabase } from '../src/platform/db/index.ts';
import type { Database } from '../src/platform/db/types.ts';
import { createScratchDatabase } from '../src/platform/testing.ts';
import { LoadClient, type LoadRequest } from './load-client.ts';
import { type Figure, percentile, printFigures } from './report.ts';

const QUICK = Boolean(process.env.BENCH_QUICK);
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? (QUICK ? 20_000 : 200_000));
const QUERY_RUNS = QUICK ? 30 : 100;
const REPORTERS = 64;
const FILINGS = QUICK ? 640 : 3200;
const SECTORS = ['energy', 'finance', 'telecom', 'transport', 'water', 'health', 'government', 'food'];

interface Generated {
  provinces: { id: string; path: string; region: string }[];
  operators: { id: string; region: string; sector: string }[];
}

/** The federation, written straight to the organizations table (a benchmark fixture, not a domain write). */
export async function generateFederation(
  db: Database,
  root: { id: string; path: string },
): Promise<Generated> {
  const rows: unknown[][] = [];
  const provinces: Generated['provinces'] = [];
  const operators: Generated['operators'] = [];
  for (let p = 0; p < 30; p++) {
    const pid = randomUUID();
    const region = `BW-P${p}`;
    const ppath = `${root.path}${pid}/`;
    provinces.push({ id: pid, path: ppath, region });
    rows.push([pid, root.id, ppath, `Province ${p}`, 'regional-authority', region, null, false]);
    for (let c = 0; c < 10; c++) {
      const cid = randomUUID();
      const cregion = `${region}-C${c}`;
      const cpath = `${ppath}${cid}/`;
      rows.push([cid, pid, cpath, `City ${p}.${c}`, 'regional-authority', cregion, null, false]);
      for (let o = 0; o < 20; o++) {
        const oid = randomUUID();
        const sector = SECTORS[(p + c + o) % SECTORS.length]!;
        operators.push({ id: oid, region: cregion, sector });
        rows.push([
          oid,
          cid,
          `${cpath}${oid}/`,
          `Operator ${p}.${c}.${o}`,
          'operator',
          cregion,
          sector,
          o % 3 === 0,
        ]);
      }
    }
  }
  for (const s of SECTORS) {
    const id = randomUUID();
    rows.push([id, root.id, `${root.path}${id}/`, `Regulator ${s}`, 'sector-regulator', 'BW', s, false]);
  }
  for (let i = 0; i < rows.length; i += 1000) {
    const part = rows.slice(i, i + 1000);
    await db.query(
      `INSERT INTO organizations (id, parent_id, path, name, kind, region, sector, critical)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[])`,
      [0, 1, 2, 3, 4, 5, 6, 7].map((k) => part.map((r) => r[k])),
    );
  }
  return { provinces, operators };
}

/** Incidents spread over the operators: random grades and statuses, deadlines from a week ago to a week ahead. */
export async function generateIncidents(db: Database, ops: Generated['operators'], n: number): Promise<void> {
  const CHUNK = 50_000;
  for (let start = 0; start < n; start += CHUNK) {
    const count = Math.min(CHUNK, n - start);
    await db.query(
      `INSERT INTO incidents (id, org_id, region, sector, title, category, grade, status, regime, entity_type, time_zone,
         exercise, aware_at, next_due, created_by, created_at, updated_at)
       SELECT gen_random_uuid(), ($1::uuid[])[k], ($2::text[])[k], ($3::text[])[k], 'generated ' || g, 'gbt:malware',
         (ARRAY['general','relatively-major','major','particularly-major'])[1 + (g * 7 % 4)],
         (ARRAY['reported','triaged','responding','recovered','closed','closed'])[1 + (g * 13 % 6)],
         'cn-2025', 'other', 'UTC', g % 50 = 0, now() - interval '1 day',
         CASE WHEN g % 5 = 0 THEN NULL ELSE now() + ((g::bigint * 7919 % 20160) - 10080) * interval '1 minute' END,
         'bench', now() - (g % 1000) * interval '1 minute', now()
       FROM generate_series($4::int, $5::int) g, LATERAL (SELECT 1 + (g * 31 % $6::int) AS k) x`,
      [
        ops.map((o) => o.id),
        ops.map((o) => o.region),
        ops.map((o) => o.sector),
        start + 1,
        start + count,
        ops.length,
      ],
    );
  }
  // VACUUM as autovacuum would soon after such a load: the visibility map lets the queues' index-only scans skip the table.
  await db.query('VACUUM ANALYZE incidents');
  await db.query('ANALYZE organizations');
}

async function time(fn: () => Promise<unknown>, runs: number): Promise<number[]> {
  await fn(); // warm
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

async function queueFigures(kind: string, s: TestServer, db: Database, gen: Generated): Promise<Figure[]> {
  const root = systemActor((await s.ctx.orgs.root())!);
  const p = gen.provinces[7]!;
  const province: Actor = {
    ...root,
    local: undefined,
    id: 'bench',
    org: (await s.ctx.orgs.orgRef(p.id))!,
    roles: ['analyst'],
  };
  const centre: Actor = { ...root, local: undefined, id: 'bench', roles: ['analyst'] };
  const figures: Figure[] = [];
  const views: [string, Actor, Parameters<typeof s.ctx.incidents.list>[1]][] = [
    ["a province's overdue queue", province, { overdue: true, limit: 100 }],
    ["the centre's open-major view", centre, { grade: 'major,particularly-major', open: true, limit: 100 }],
  ];
  for (const [name, actor, q] of views) {
    const first = await s.ctx.incidents.list(actor, q);
    const ids = first.items.map((i) => i.id);
    const service = await time(() => s.ctx.incidents.list(actor, q), QUERY_RUNS);
    const bare = await time(
      () => db.query('SELECT * FROM incidents WHERE id = ANY($1::uuid[]) ORDER BY next_due', [ids]),
      QUERY_RUNS,
    );
    const label = `${name} (${first.items.length} of ${first.total}${first.total === 10_000 ? '+' : ''}), ${kind}`;
    figures.push(
      {
        name: `${label}, median`,
        value: percentile(service, 50),
        unit: 'ms',
        baseline: { name: 'bare SELECT of the same rows by id', value: percentile(bare, 50) },
      },
      {
        name: `${label}, p99`,
        value: percentile(service, 99),
        unit: 'ms',
        baseline: { name: 'bare SELECT of the same rows by id', value: percentile(bare, 99) },
        goal: kind === 'PostgreSQL' ? 'p99 < 50 ms on PostgreSQL' : undefined,
        met: kind === 'PostgreSQL' ? percentile(service, 99) < 50 : undefined,
      },
    );
  }
  return figures;
}

async function run64(
  total: number,
  fn: (i: number) => Promise<void>,
): Promise<{ perSecond: number; p99: number; median: number }> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: REPORTERS }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const t = performance.now();
        await fn(i);
        lat.push(performance.now() - t);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { perSecond: total / secs, p99: percentile(lat, 99), median: percentile(lat, 50) };
}

/** Waits until the ledger has sequenced every pending entry and the metric cells are rebuilt. */
async function settle(s: TestServer): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await s.ctx.ledger.status()).pending === 0) break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  await s.ctx.metrics.cellKeeper.flush();
}

/** The PostgreSQL backends' CPU time per request, where measured. */
const dbCpu = (ms: number) => (Number.isNaN(ms) ? '' : ` + database CPU ${ms.toFixed(2)} ms`);

async function filingFigures(kind: string, s: TestServer, db: Database, gen: Generated): Promise<Figure[]> {
  // One reporter token per operator for the first 64 operators.
  const reporters = await Promise.all(
    gen.operators.slice(0, REPORTERS).map((o) => s.token(o.id, 'reporter')),
  );
  const body = (i: number) =>
    JSON.stringify({
      title: `bench filing ${i}`,
      category: 'enisa:malicious-code',
      grade: (['relatively-major', 'major', 'particularly-major'] as const)[i % 3],
      awareAt: new Date().toISOString(),
      impact: { peopleAffected: i },
    });
  const load = await LoadClient.start();
  let filing: Awaited<ReturnType<LoadClient['run']>>;
  let ping: typeof filing;
  let paced: typeof filing;
  try {
    ping = await load.run(s.url, [{ method: 'GET', path: '/api/v1/ping' }], {
      clients: REPORTERS,
      count: FILINGS * 4,
    });
    const filings: LoadRequest[] = Array.from({ length: FILINGS }, (_, i) => ({
      method: 'POST',
      path: '/api/v1/incidents',
      headers: { authorization: `Bearer ${reporters[i % REPORTERS]}`, 'content-type': 'application/json' },
      body: body(i),
    }));
    filing = await load.run(s.url, filings, { clients: REPORTERS, database: db });
    // The paced run measures 500/s from a steady state: the as-fast-as-answered run's background
    // work (its ledger entries still to sequence, the figures still to rebuild) finishes first.
    await settle(s);
    // The goal's condition: the same filings due at 500 a second from 64 reporters, latency counted
    // from when each was due.
    // BENCH_PACED=0 leaves the paced run out (iterating on a loaded machine, where it takes minutes).
    paced =
      process.env.BENCH_PACED === '0'
        ? { ...filing, perSecond: Number.NaN, p50: Number.NaN, p99: Number.NaN, statuses: { 201: FILINGS } }
        : await load.run(s.url, filings, { clients: REPORTERS, rate: 500, database: db });
  } finally {
    await load.close();
  }
  const failures = 2 * FILINGS - (filing.statuses[201] ?? 0) - (paced.statuses[201] ?? 0);
  if (failures)
    throw new Error(`${failures} filings failed: ${JSON.stringify([filing.statuses, paced.statuses])}`);
  console.log(
    `  ${kind}: filing ${filing.perSecond.toFixed(0)}/s p50 ${filing.p50.toFixed(1)} ms p99 ${filing.p99.toFixed(1)} ms,` +
      ` server CPU ${filing.serverCpuMs.toFixed(2)} ms/filing${dbCpu(filing.databaseCpuMs)} | paced at 500/s: ${paced.perSecond.toFixed(0)}/s` +
      ` p50 ${paced.p50.toFixed(1)} ms p99 ${paced.p99.toFixed(1)} ms, server CPU ${paced.serverCpuMs.toFixed(2)} ms${dbCpu(paced.databaseCpuMs)} | bare route ${ping.perSecond.toFixed(0)} req/s` +
      ` p99 ${ping.p99.toFixed(1)} ms, server CPU ${ping.serverCpuMs.toFixed(2)} ms/req | load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  await db.query('CREATE TABLE IF NOT EXISTS bench_bare_rows (id uuid PRIMARY KEY, n int)');
  const bare = await run64(FILINGS, async (i) => {
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO bench_bare_rows VALUES ($1, $2)', [randomUUID(), i]);
    });
  });
  return [
    {
      name: `filing over HTTP, ${REPORTERS} reporters, ${kind}`,
      value: filing.perSecond,
      unit: 'reports/s',
      baseline: { name: 'bare 1-row INSERT transaction', value: bare.perSecond },
      goal: '500 reports/s',
      met: filing.perSecond >= 500,
    },
    {
      name: `filing over HTTP beside the bare route, ${kind}`,
      value: filing.perSecond,
      unit: 'reports/s',
      baseline: { name: 'GET /api/v1/ping, same clients', value: ping.perSecond },
    },
    {
      name: `filing p99, ${REPORTERS} reporters as fast as answered, ${kind}`,
      value: filing.p99,
      unit: 'ms',
      baseline: { name: 'bare 1-row INSERT transaction', value: bare.p99 },
    },
    {
      name: `filing p99, ${REPORTERS} reporters paced at 500 reports/s (latency from when due), ${kind}`,
      value: paced.p99,
      unit: 'ms',
      baseline: { name: 'GET /api/v1/ping p99, as fast as answered', value: ping.p99 },
      goal: 'p99 < 100 ms at 500 reports/s',
      met: paced.p99 < 100 && paced.perSecond >= 490,
    },
  ];
}

async function measure(kind: string, url?: string): Promise<Figure[]> {
  const scratch = url ? await createScratchDatabase(url) : undefined;
  const db = await openDatabase(scratch ? { url: scratch.url } : {});
  try {
    const s = await startTestServer(db);
    try {
      const root = (await s.ctx.orgs.root())!;
      const t0 = performance.now();
      const gen = await generateFederation(db, root);
      s.ctx.orgs.invalidate();
      await generateIncidents(db, gen.operators, INCIDENTS);
      console.log(
        `  ${kind}: ${gen.operators.length} operators, ${INCIDENTS.toLocaleString('en-US')} incidents generated in ${Math.round((performance.now() - t0) / 1000)} s`,
      );
      return [...(await queueFigures(kind, s, db, gen)), ...(await filingFigures(kind, s, db, gen))];
    } finally {
      await s.close();
    }
  } finally {
    await db.close();
    await scratch?.drop();
  }
}

export async function run(): Promise<void> {
  console.log(
    `incidents: ${INCIDENTS.toLocaleString('en-US')} incidents (the issue asks for 1,000,000: BENCH_INCIDENTS=1000000), ${FILINGS} filings by ${REPORTERS} reporters`,
  );
  // BENCH_INCIDENTS_DB=postgres (or pglite) runs one database only.
  const only = process.env.BENCH_INCIDENTS_DB;
  const figures = only === 'postgres' ? [] : await measure('PGlite');
  if (only === 'pglite') console.log('  PostgreSQL skipped: BENCH_INCIDENTS_DB=pglite');
  else if (process.env.TEST_DATABASE_URL)
    figures.push(...(await measure('PostgreSQL', process.env.TEST_DATABASE_URL)));
  else console.log('  PostgreSQL skipped: set TEST_DATABASE_URL');
  printFigures(figures);
}
