// Metrics benchmark (issue 13), on PGlite and (with TEST_DATABASE_URL) PostgreSQL: with INCIDENTS
// incidents and as many open exposures across 30 provinces (5 operators each), a province's region
// page through MetricsService.regionPage (read from the roll-up cells under the access rule, plus
// indicators and roll-up), median and p99, beside a direct GROUP BY over the base tables for the
// same province (incidents, exposures, reports and unfiled overdue obligations); the time of a full reconcile (every cell rebuilt from the base tables); and the
// staleness of a figure after a write: an incident filed through the incidents service, until the
// cells the region page reads count it (its event rebuilds the operator's cells), one write at a time (normal
// load) and at the end of a burst of concurrent writes (worst here).
// Goals (issue 13): a region page under 100 ms p99 on PostgreSQL; figures at most 60 s behind
// writes, at most 1 s under normal load. BENCH_QUICK=1 uses 20,000 of each; the scale
// (1,000,000 exposures and incidents, 100,000 public reports) is BENCH_METRICS=1000000. Public
// reports (N / 10) are filled too, and the staleness of their cells after one is filed (an event).
// Every incident owes statutory reports (obligations, some filed in time, some late, some not filed
// and overdue), so the report and obligation cells are measured too.
// BENCH_METRICS_DB=postgres (or pglite) runs one database only.
import { randomUUID } from 'node:crypto';
import { startTestServer } from '../src/app/testing.ts';
import { systemActor } from '../src/orgs/index.ts';
import { openDatabase } from '../src/platform/db/index.ts';
import type { Database } from '../src/platform/db/types.ts';
import { createScratchDatabase } from '../src/platform/testing.ts';
import { type Figure, percentile, printFigures } from './report.ts';

const QUICK = Boolean(process.env.BENCH_QUICK);
const N = Number(process.env.BENCH_METRICS ?? (QUICK ? 20_000 : 200_000));
const RUNS = QUICK ? 30 : 100;
const GRADES = ['general', 'relatively-major', 'major', 'particularly-major'];
const SECTORS = ['energy', 'finance', 'telecom', 'water', 'health'];

export async function fill(
  db: Database,
  root: { id: string; path: string },
): Promise<{ id: string; region: string; sector: string }[]> {
  const orgs: { id: string; region: string; sector: string }[] = [];
  const rows: unknown[][] = [];
  for (let p = 0; p < 30; p++) {
    const pid = randomUUID();
    const ppath = `${root.path}${pid}/`;
    rows.push([pid, root.id, ppath, `Province ${p}`, 'regional-authority', `BW-P${p}`, null]);
    for (let o = 0; o < 5; o++) {
      const oid = randomUUID();
      const sector = SECTORS[o]!;
      orgs.push({ id: oid, region: `BW-P${p}`, sector });
      rows.push([oid, pid, `${ppath}${oid}/`, `Operator ${p}.${o}`, 'operator', `BW-P${p}`, sector]);
    }
  }
  await db.query(
    `INSERT INTO organizations (id, parent_id, path, name, kind, region, sector)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
    [0, 1, 2, 3, 4, 5, 6].map((k) => rows.map((r) => r[k])),
  );
  await db.query(`INSERT INTO advisories (id, modified, doc) VALUES ('BENCH-1', now(), '{}')`);
  const assets = orgs.map((o) => ({ ...o, id: randomUUID() }));
  await db.query(
    `INSERT INTO assets (id, org_id, name, kind, criticality, region, sector)
     SELECT a, o, 'asset', 'server', 'critical', r, s FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) AS t(a, o, r, s)`,
    [assets.map((a) => a.id), orgs.map((o) => o.id), orgs.map((o) => o.region), orgs.map((o) => o.sector)],
  );
  // Set-based: each table is filled by INSERT … SELECT over generate_series in slices of
  // FILL_SLICE rows (one statement each; the organizations and assets are passed once per slice as
  // arrays, row k takes organization k mod 150 and asset k mod 150), not row arrays built in Node.
  const orgIds = orgs.map((o) => o.id);
  const assetIds = assets.map((a) => a.id);
  const FILL_SLICE = 100_000;
  for (let i = 0; i < N; i += FILL_SLICE) {
    const to = Math.min(N, i + FILL_SLICE) - 1;
    await db.query(
      `INSERT INTO incidents (id, org_id, region, sector, title, category, grade, status, regime, entity_type, time_zone,
         aware_at, created_by, created_at, next_due)
       SELECT md5('bench-incident-' || k)::uuid, o.id, o.region, o.sector, 'bench', 'enisa:intrusions', ($4::text[])[k % 4 + 1], 'reported',
         'cn-2025', 'operator', 'UTC', now() - ((k % 330) || ' days')::interval - interval '1 hour', 'bench',
         now() - ((k % 330) || ' days')::interval,
         CASE WHEN (k % 330) % 7 = 0 THEN now() - interval '1 hour' END
       FROM generate_series($1::int, $2::int) AS k
       JOIN organizations o ON o.id = ($3::uuid[])[k % ${orgs.length} + 1]`,
      [i, to, orgIds, GRADES],
    );
    // Statutory-report obligations of the same incidents (the obligation cells' cost): every incident
    // owes its initial report (4 h from awareness), one in three its summary (7 days); of each stage
    // 70 % (initial) or 80 % (summary) filed in time, 20 % or 10 % filed late, 10 % not filed (overdue
    // once the deadline passed). A filing time still in the future is not filed yet.
    await db.query(
      `WITH src AS (
         SELECT k, i.id AS incident_id, i.org_id, i.aware_at AS t0
         FROM generate_series($1::int, $2::int) AS k JOIN incidents i ON i.id = md5('bench-incident-' || k)::uuid
       ), owed AS (
         SELECT src.*, s.stage, s.title, s.recipient, t0 + s.limit_ AS due,
           CASE WHEN k % 10 < s.on_time THEN t0 + s.limit_ / 2
                WHEN k % 10 < s.filed THEN t0 + s.limit_ + ((k % 72 + 1) || ' hours')::interval END AS filing
         FROM src CROSS JOIN (VALUES
           ('initial', 'Initial report', 'provincial-authority', interval '4 hours', 7, 9),
           ('summary', 'Summary report', 'regional-authority', interval '7 days', 8, 9)
         ) AS s(stage, title, recipient, limit_, on_time, filed)
         WHERE s.stage = 'initial' OR k % 3 = 0
       ), decided AS (
         SELECT owed.*, CASE WHEN filing <= now() THEN filing END AS filed_at,
           md5('bench-report-' || stage || '-' || k)::uuid AS report_id
         FROM owed
       ), filed AS (
         INSERT INTO incident_reports (id, incident_id, stage, content, filed_by, filed_by_name, filed_by_org, filed_at, due, entry_seq)
         SELECT report_id, incident_id, stage, '{}'::jsonb, 'bench', 'bench', org_id, filed_at, due, 0
         FROM decided WHERE filed_at IS NOT NULL
       )
       INSERT INTO incident_obligations (incident_id, stage, title, due, recipient, filer, satisfied_at, report_id)
       SELECT incident_id, stage, title, due, recipient, 'operator', filed_at, CASE WHEN filed_at IS NOT NULL THEN report_id END
       FROM decided`,
      [i, to],
    );
    await db.query(
      `INSERT INTO exposures (id, org_id, asset_id, advisory_id, region, sector, ecosystem, package, normalized_name, version,
         status, severity_rating, kev, priority, due)
       SELECT gen_random_uuid(), a.org_id, a.id, 'BENCH-1', a.region, a.sector, 'npm', 'p', 'p', k::text, 'open',
         CASE WHEN k % 3 = 0 THEN 'Critical' ELSE 'Medium' END, k % 10 = 0, 50, current_date - (k % 20)
       FROM generate_series($1::int, $2::int) AS k
       JOIN assets a ON a.id = ($3::uuid[])[k % ${assets.length} + 1]`,
      [i, to, assetIds],
    );
  }
  // Public reports (a tenth of N: the 100,000 beside 1,000,000), across the provinces and 11 months.
  if (N >= 10)
    await db.query(
      `INSERT INTO public_reports (id, org_id, category, region, status, receipt_hash, reporter_key, fingerprint, created_at)
       SELECT gen_random_uuid(), $1, 'fraud.impersonation-bank', 'BW-P' || (k % 30),
         CASE WHEN k % 4 = 0 THEN 'received' ELSE 'confirmed' END, sha256(('bench-' || k)::bytea),
         sha256(('reporter-' || (k % 997))::bytea), sha256(('fp-' || k)::bytea), now() - ((k % 330) || ' days')::interval
       FROM generate_series(0, $2::int - 1) AS k`,
      [root.id, Math.floor(N / 10)],
    );
  return orgs;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(label: string, db: Database): Promise<Figure[]> {
  const s = await startTestServer(db);
  try {
    const root = (await s.ctx.orgs.root())!;
    const t0 = performance.now();
    const orgs = await fill(db, root);
    console.log(
      `# ${label}: ${N} incidents and ${N} exposures in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const owed = (
      await db.query<{ owed: number; in_time: number; late: number; overdue: number }>(
        `SELECT count(*)::int AS owed,
           count(*) FILTER (WHERE satisfied_at <= due)::int AS in_time,
           count(*) FILTER (WHERE satisfied_at > due)::int AS late,
           count(*) FILTER (WHERE satisfied_at IS NULL AND due < now())::int AS overdue
         FROM incident_obligations`,
      )
    ).rows[0]!;
    console.log(
      `# ${label}: ${owed.owed} obligations: ${owed.in_time} filed in time, ${owed.late} late, ${owed.overdue} not filed and overdue`,
    );
    await s.ctx.orgs.listOrgs(systemActor(root)); // the directory sees the new organizations
    const actor = systemActor(root);
    // The rows were written with SQL, past the services: no events; a reconcile builds the cells.
    const r0 = performance.now();
    await s.ctx.metrics.cellKeeper.reconcile();
    const reconcileMs = performance.now() - r0;
    const page: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const region = `BW-P${i % 30}`;
      let t = performance.now();
      await s.ctx.metrics.regionPage(actor, region);
      page.push(performance.now() - t);
      t = performance.now();
      await db.query(
        `SELECT grade, to_char(created_at, 'YYYY-MM'), count(*) FROM incidents WHERE region = $1 AND NOT exercise GROUP BY 1, 2`,
        [region],
      );
      await db.query(
        `SELECT sector, count(*) FILTER (WHERE severity_rating IN ('Critical', 'High')), count(*) FILTER (WHERE kev AND due < current_date)
         FROM exposures WHERE region = $1 AND status IN ('open', 'acknowledged') GROUP BY 1`,
        [region],
      );
      await db.query(
        `SELECT r.stage, count(*), count(*) FILTER (WHERE r.filed_at <= r.due)
         FROM incident_reports r JOIN incidents i ON i.id = r.incident_id WHERE i.region = $1 AND NOT i.exercise GROUP BY 1`,
        [region],
      );
      await db.query(
        `SELECT o.stage, count(*) FROM incident_obligations o JOIN incidents i ON i.id = o.incident_id
         WHERE i.region = $1 AND NOT i.exercise AND o.satisfied_at IS NULL AND o.due < now() GROUP BY 1`,
        [region],
      );
      direct.push(performance.now() - t);
    }
    page.sort((a, b) => a - b);
    direct.sort((a, b) => a - b);
    const p99 = percentile(page, 99);

    // Staleness: file through the service (its event after commit), poll the region page until it counts it.
    const operatorActor = async (k: number) => ({
      ...actor,
      local: undefined,
      roles: ['analyst' as const],
      org: (await s.ctx.orgs.orgRef(orgs[k]!.id))!,
    });
    // What a region page reads for its incident count: the cells (polled cheaply every 5 ms).
    const incidentsOf = async (region: string) =>
      Number(
        (
          await db.query<{ n: number | null }>(
            'SELECT coalesce(sum(incidents), 0)::int AS n FROM metric_incident_cells WHERE region = $1',
            [region],
          )
        ).rows[0]!.n,
      );
    const file = (a: Awaited<ReturnType<typeof operatorActor>>) =>
      s.ctx.incidents.file(a, {
        title: 'bench',
        category: 'enisa:intrusions',
        grade: 'general',
        awareAt: new Date(Date.now() - 60_000).toISOString(),
        impact: {},
      } as Parameters<typeof s.ctx.incidents.file>[1]);
    const waitFor = async (region: string, want: number, limitMs = 120_000) => {
      const t = performance.now();
      while ((await incidentsOf(region)) < want && performance.now() - t < limitMs) await sleep(5);
      return performance.now();
    };
    const normal: number[] = [];
    for (let k = 0; k < (QUICK ? 5 : 10); k++) {
      const a = await operatorActor(k * 5);
      const before = await incidentsOf(a.org.region);
      await file(a);
      const written = performance.now();
      normal.push((await waitFor(a.org.region, before + 1)) - written);
    }
    normal.sort((a, b) => a - b);
    // During a full reconcile (the worker runs one every 5 minutes): a write filed while it reads.
    const during: number[] = [];
    for (let k = 0; k < 3; k++) {
      const a = await operatorActor(k * 5 + 1);
      const before = await incidentsOf(a.org.region);
      const rec = s.ctx.metrics.cellKeeper.reconcile();
      await sleep(reconcileMs / 4);
      await file(a);
      const written = performance.now();
      during.push((await waitFor(a.org.region, before + 1)) - written);
      await rec;
    }
    during.sort((a, b) => a - b);
    // A burst: BURST incidents filed at once across 30 operators, until the last province counts them all.
    const BURST = QUICK ? 60 : 300;
    const actors = await Promise.all(Array.from({ length: 30 }, (_, k) => operatorActor(k * 5)));
    const before = await Promise.all(actors.map((a) => incidentsOf(a.org.region)));
    await Promise.all(Array.from({ length: BURST }, (_, k) => file(actors[k % 30]!)));
    const written = performance.now();
    let burstMs = 0;
    for (const [k, a] of actors.entries())
      burstMs = Math.max(burstMs, (await waitFor(a.org.region, before[k]! + BURST / 30)) - written);
    // A public report: filed through the portal's service (its event after commit), until its cell counts it.
    const publicOf = async (region: string) =>
      Number(
        (
          await db.query<{ n: number }>(
            'SELECT coalesce(sum(reports), 0)::int AS n FROM metric_public_cells WHERE region = $1',
            [region],
          )
        ).rows[0]!.n,
      );
    const publicStale: number[] = [];
    for (let k = 0; k < (QUICK ? 5 : 10); k++) {
      const region = `BW-P${k}`;
      const had = await publicOf(region);
      await s.ctx.publicReports.file(
        {
          category: 'fraud.impersonation-bank',
          contactMethod: 'sms',
          region,
          narrative: `bench report ${k}`,
          observables: [{ type: 'phone', value: `+86 138 0000 ${String(1000 + k)}` }],
          reporterToken: `bench-reporter-${String(k).padStart(16, '0')}`,
          pow: { challenge: { parameters: {}, signature: '' }, solution: { counter: 0, derivedKey: '' } },
        } as Parameters<typeof s.ctx.publicReports.file>[0],
        { address: `192.0.2.${k + 1}` },
        { skipPow: true },
      );
      const t = performance.now();
      while ((await publicOf(region)) < had + 1 && performance.now() - t < 120_000) await sleep(5);
      publicStale.push(performance.now() - t);
    }
    publicStale.sort((a, b) => a - b);
    return [
      {
        name: `${label} region page median`,
        value: percentile(page, 50),
        unit: 'ms',
        baseline: { name: 'direct GROUP BY', value: percentile(direct, 50) },
      },
      {
        name: `${label} region page p99`,
        value: p99,
        unit: 'ms',
        baseline: { name: 'direct GROUP BY', value: percentile(direct, 99) },
        goal: '< 100 ms p99 on PostgreSQL',
        met: label === 'postgres' ? p99 < 100 : undefined,
      },
      {
        name: `${label} full reconcile (every cell rebuilt)`,
        value: reconcileMs,
        unit: 'ms',
        baseline: { name: 'one direct GROUP BY, median', value: percentile(direct, 50) },
      },
      {
        name: `${label} staleness after a write, max of ${normal.length} (one at a time)`,
        value: normal.at(-1)! / 1000,
        unit: 's',
        baseline: { name: 'median', value: percentile(normal, 50) / 1000 },
        goal: '≤ 1 s under normal load',
        met: normal.at(-1)! <= 1000,
      },
      {
        name: `${label} staleness after a write filed during a full reconcile, max of ${during.length}`,
        value: during.at(-1)! / 1000,
        unit: 's',
        baseline: { name: 'the full reconcile', value: reconcileMs / 1000 },
        goal: '≤ 1 s under normal load',
        met: during.at(-1)! <= 1000,
      },
      {
        name: `${label} staleness after a burst of ${BURST} concurrent writes`,
        value: burstMs / 1000,
        unit: 's',
        goal: '≤ 60 s at worst',
        met: burstMs <= 60_000,
      },
      {
        name: `${label} public report staleness, max of ${publicStale.length} (its event, one cell recounted)`,
        value: publicStale.at(-1)! / 1000,
        unit: 's',
        baseline: { name: 'median', value: percentile(publicStale, 50) / 1000 },
        goal: '≤ 1 s under normal load',
        met: publicStale.at(-1)! <= 1000,
      },
    ];
  } finally {
    await s.close();
  }
}

export async function run(): Promise<void> {
  const figures: Figure[] = [];
  // BENCH_METRICS_DB=postgres skips PGlite (the million rows take long to fill there).
  const only = process.env.BENCH_METRICS_DB;
  if (only !== 'postgres') {
    const lite = await openDatabase({});
    try {
      figures.push(...(await measure('pglite', lite)));
    } finally {
      await lite.close();
    }
  }
  if (process.env.TEST_DATABASE_URL && only !== 'pglite') {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL);
    const pgdb = await openDatabase({ url: scratch.url });
    try {
      figures.push(...(await measure('postgres', pgdb)));
    } finally {
      await pgdb.close();
      await scratch.drop();
    }
  } else console.log('# TEST_DATABASE_URL not set: PostgreSQL figures skipped');
  printFigures(figures);
}
