// Issue 11's benchmark. (1) The indicator matcher: lookups per second on one core for a mixed
// stream (IPs, domains, URLs, hashes, phone numbers, 10 % of them hits) against 1 million
// and 10 million indicators (10 % CIDRs, 10 % domain suffixes, the rest exact values; 10 million in
// a child process with a larger heap, when the machine has the memory); beside the floor: the same
// stream looked up in a bare Set of the exact values per type, in the same run, alternating batch by
// batch. The stream is generated before anything is timed and kept as JSON request bodies; each
// consumer parses its own copy untimed, so every lookup gets a fresh string as the API does. Also
// timed: the same stream through the API's normalization of each observable first. Memory per indicator: the whole index from the heap and
// array-buffer growth after a forced GC; exact indicators alone in a child started with
// --expose-gc, at several sizes, as the slope of bytes over count, beside a bare Set of the same
// values measured the same way. (2) TAXII ingest: objects per second
// posted in 1,000-object envelopes over HTTP until the status is complete, on PGlite and (when
// TEST_DATABASE_URL is set) PostgreSQL, and paging the collection back.
// BENCH_QUICK=1 runs 200,000 indicators and 5,000 posted objects.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { freemem, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TLP2_IDS } from '../src/access/index.ts';
import { startTestServer } from '../src/app/testing.ts';
import { IndicatorMatcher, normalizeObservable, type Observable } from '../src/intel/index.ts';
import { openDatabase } from '../src/platform/db/index.ts';
import type { Database, Queryable, Tx } from '../src/platform/db/types.ts';
import { createScratchDatabase } from '../src/platform/testing.ts';
import { type Figure, printFigures } from './report.ts';
import { seededRandom as rng } from '../src/platform/random.ts';

const QUICK = Boolean(process.env.BENCH_QUICK);
const SIZES = QUICK ? [200_000] : [1_000_000, 10_000_000];
/** Sizes past the default heap run in a child with a larger one, when the machine has the memory. */
const CHILD_FROM = 5_000_000;
const CHILD_HEAP_MB = 12_288;
const STREAM = QUICK ? 200_000 : 1_000_000;
/** Objects posted (BENCH_INTEL_OBJECTS overrides); BENCH_INTEL_PRELOAD indicators stored beforehand. */
const INGEST = Number(process.env.BENCH_INTEL_OBJECTS) || (QUICK ? 5_000 : 50_000);
const PRELOAD = Number(process.env.BENCH_INTEL_PRELOAD) || 0;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const used = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const hex = (r: () => number, n: number) => {
  let s = '';
  while (s.length < n)
    s += Math.floor(r() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return s.slice(0, n);
};
const ip = (i: number) => `${(i >>> 24) & 255 || 1}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;

type Kind = 'ip' | 'domain' | 'url' | 'hash' | 'phone';
const KINDS: Kind[] = ['ip', 'domain', 'url', 'hash', 'phone'];

/** 64 hex digits that depend only on i: values are regenerated instead of kept (10M of them). */
function hashOf(i: number): string {
  const r = rng(i * 2654435761 + 1);
  return hex(r, 64);
}

/** The canonical value of the i-th exact indicator of a kind (what a hit in the stream observes). */
function exactValue(kind: Kind, i: number): Observable {
  switch (kind) {
    case 'ip':
      return { type: 'ipv4-addr', value: ip(0x20000000 + i * 7) };
    case 'domain':
      return { type: 'domain-name', value: `host${i}.bad${i % 9973}.example` };
    case 'url':
      return { type: 'url', value: `http://phish${i % 50021}.example/login/${i}` };
    case 'hash':
      return { type: 'file', value: hashOf(i) };
    case 'phone':
      return {
        type: 'x-bulwark-phone-number',
        value: `+1202${String(5_000_000 + (i % 4_999_999)).padStart(7, '0')}`,
      };
  }
}

function patternOf(o: Observable): string {
  return o.type === 'file' ? `[file:hashes.'SHA-256' = '${o.value}']` : `[${o.type}:value = '${o.value}']`;
}

/** Sizes of the memory measurement (exact indicators): the figure is the slope across them. */
const MEMORY_SIZES = QUICK ? [25_000, 50_000, 100_000] : [100_000, 250_000, 500_000];

/** Least-squares slope of bytes over count: what one more entry costs, fixed overheads excluded. */
function slope(points: readonly { n: number; bytes: number }[]): number {
  const mx = points.reduce((a, p) => a + p.n, 0) / points.length;
  const my = points.reduce((a, p) => a + p.bytes, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.n - mx) * (p.bytes - my);
    den += (p.n - mx) ** 2;
  }
  return num / den;
}

/**
 * Run in a child started with --expose-gc (nothing else lives in it): for each size, the heap and
 * array-buffer growth of a matcher of that many exact indicators, and of the floor, a bare Set of the
 * same values as tagged strings (`type|value`), each measured between full collections and dropped
 * before the next. Inputs are generated one at a time, so only the structure measured stays alive.
 */
function measureMemory(): { matcher: { n: number; bytes: number }[]; set: { n: number; bytes: number }[] } {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('the memory child needs --expose-gc');
  const settled = () => {
    collect();
    collect();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const matcher: { n: number; bytes: number }[] = [];
  const set: { n: number; bytes: number }[] = [];
  // normalizePhone's table of remembered answers (8 MiB, once per process) is allocated at the first
  // phone number: before the first measurement, or the first size would carry it alone.
  normalizeObservable('x-bulwark-phone-number', '+12025550123');
  for (const n of MEMORY_SIZES) {
    let before = settled();
    let m: IndicatorMatcher | undefined = new IndicatorMatcher();
    for (let i = 0; i < n; i++)
      m.put({
        id: `indicator--${randomUUID()}`,
        pattern: patternOf(exactValue(KINDS[i % 5]!, i)),
        validFrom: 0,
        validUntil: null,
        revoked: false,
        marking: 0,
      });
    matcher.push({ n, bytes: settled() - before });
    if (m.size !== n) throw new Error('exact matcher lost indicators');
    m = undefined;
    before = settled();
    let floor: Set<string> | undefined = new Set<string>();
    for (let i = 0; i < n; i++) {
      const o = exactValue(KINDS[i % 5]!, i);
      // A flat string, as the matcher's own keys are (a concatenation would stay a rope).
      floor.add(Buffer.from(`${o.type}|${o.value}`).toString());
    }
    set.push({ n, bytes: settled() - before });
    if (floor.size !== n) throw new Error('floor lost values');
    floor = undefined;
  }
  return { matcher, set };
}

/** Bytes per exact indicator (and per Set entry, the floor) from the memory child's slope. */
function memoryFigures(): Figure[] {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', new URL(import.meta.url).pathname, '--memory-child'],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const line = (child.stdout ?? '').split('\n').find((l) => l.startsWith('MEMORY '));
  if (child.status !== 0 || !line) throw new Error(`the memory child failed (status ${child.status})`);
  const { matcher, set } = JSON.parse(line.slice('MEMORY '.length)) as ReturnType<typeof measureMemory>;
  const per = (xs: { n: number; bytes: number }[]) =>
    xs.map((x) => `${x.n.toLocaleString('en-US')}: ${Math.round(x.bytes / x.n)}`).join(', ');
  console.log(`memory child, bytes per entry by size: matcher ${per(matcher)}; bare Set ${per(set)}`);
  const bytes = slope(matcher);
  const floor = slope(set);
  return [
    {
      name: `memory per exact indicator (slope over ${MEMORY_SIZES.map((n) => n.toLocaleString('en-US')).join(' / ')} exact indicators, id and key included, in a child with --expose-gc)`,
      value: bytes,
      unit: 'bytes',
      baseline: { name: 'bare Set of the same values as strings, same sizes', value: floor },
      goal: '< 200 bytes per exact indicator',
      // A slope that is not positive measured nothing: no verdict then.
      met: bytes > 0 ? bytes < 200 : undefined,
    },
  ];
}

/** The i-th indicator's pattern of an index of n: 10 % CIDRs, 10 % domain suffixes, the rest exact. */
function patternAt(i: number): string {
  const slot = i % 10;
  if (slot === 0) return `[ipv4-addr:value = '${ip(0x40000000 + i * 256)}/24']`;
  if (slot === 1) return `[domain-name:value LIKE '%.zone${i}.example']`;
  return patternOf(exactValue(KINDS[i % 5]!, i));
}

/** Rounds over the pre-generated stream (each round parses it afresh: no string keeps a hash cached). */
const ROUNDS = 2;

async function matcherFigures(n: number): Promise<Figure[]> {
  const r = rng(n);
  // Nothing but the index is kept while it is built: patterns and values are regenerated from i.
  // The process's table of remembered phone answers (8 MiB) is not the index's: allocated first.
  normalizeObservable('x-bulwark-phone-number', '+12025550123');
  const before = used();
  const m = new IndicatorMatcher();
  const t0 = performance.now();
  for (let i = 0; i < n; i++)
    m.put({
      id: `indicator--${randomUUID()}`,
      pattern: patternAt(i),
      validFrom: 0,
      validUntil: null,
      revoked: false,
      marking: 0,
    });
  const buildMs = performance.now() - t0;
  const bytes = used() - before;
  // The floor: the exact values in a bare Set per observable type, looked up by the value as it
  // arrives (no key built per lookup).
  const floor = new Map<string, Set<string>>();
  for (let i = 0; i < n; i++)
    if (i % 10 >= 2) {
      const o = exactValue(KINDS[i % 5]!, i);
      let set = floor.get(o.type);
      if (!set) {
        set = new Set();
        floor.set(o.type, set);
      }
      set.add(o.value);
    }
  const exactAt = () => {
    let i = Math.floor(r() * n);
    if (i % 10 < 2) i += 2;
    if (i >= n) i -= 10;
    return exactValue(KINDS[i % 5]!, i);
  };

  // A mixed stream: 10 % exact hits, 2 % CIDR hits, 2 % suffix hits, the rest misses of every kind.
  // Generated before anything is timed and kept as request bodies (JSON text, 1,000 observables
  // each); every consumer parses its own copy of a body outside the timed part, so each lookup
  // gets a fresh string as the API does from its request body, with no hash cached by an earlier
  // lookup, and no consumer pays for making the test values.
  const bodies: string[] = [];
  let batch: Observable[] = [];
  for (let i = 0; i < STREAM; i++) {
    const dice = r();
    if (dice < 0.1) batch.push(exactAt());
    else if (dice < 0.12)
      batch.push({ type: 'ipv4-addr', value: ip(0x40000000 + Math.floor(r() * (n / 10)) * 2560 + 7) });
    else if (dice < 0.14)
      batch.push({ type: 'domain-name', value: `www.zone${Math.floor(r() * (n / 10)) * 10 + 1}.example` });
    else batch.push(exactValue(KINDS[i % 5]!, n + i));
    if (batch.length === 1000 || i === STREAM - 1) {
      bodies.push(JSON.stringify({ observables: batch }));
      batch = [];
    }
  }
  const parse = (body: string) => (JSON.parse(body) as { observables: Observable[] }).observables;
  // Matcher and floor alternate batch by batch, so a change in the machine's load hits both alike.
  let hits = 0;
  let floorHits = 0;
  let apiHits = 0;
  let matchMs = 0;
  let floorMs = 0;
  let apiMs = 0;
  // CPU time of the process too (microseconds): on a shared machine the wall clock also counts the
  // time the process waited for a core, which says nothing about the work per lookup.
  let matchCpu = 0;
  let floorCpu = 0;
  let apiCpu = 0;
  const cpuNow = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  for (let round = 0; round < ROUNDS; round++)
    for (const body of bodies) {
      const forFloor = parse(body);
      const forMatcher = parse(body);
      const forApi = parse(body);
      let c = cpuNow();
      let t = performance.now();
      for (const o of forFloor) if (floor.get(o.type)?.has(o.value)) floorHits++;
      floorMs += performance.now() - t;
      floorCpu += cpuNow() - c;
      c = cpuNow();
      t = performance.now();
      hits += m.match(forMatcher).length;
      matchMs += performance.now() - t;
      matchCpu += cpuNow() - c;
      // What POST /api/v1/intel/match does per observable before the matcher: its canonical form.
      c = cpuNow();
      t = performance.now();
      const canonical: Observable[] = [];
      for (const o of forApi) {
        const value = normalizeObservable(o.type, o.value);
        if (value !== undefined) canonical.push({ type: o.type, value });
      }
      apiHits += m.match(canonical).length;
      apiMs += performance.now() - t;
      apiCpu += cpuNow() - c;
    }
  if (apiHits !== hits) throw new Error(`hits differ after normalization: ${apiHits} against ${hits}`);
  // Where the API path's extra time goes: normalization per observable type, on fresh copies.
  const byType = new Map<string, { n: number; ms: number }>();
  for (const body of bodies.slice(0, 200)) {
    const obs = parse(body);
    for (const type of new Set(obs.map((o) => o.type))) {
      const ofType = obs.filter((o) => o.type === type);
      const t = performance.now();
      for (const o of ofType) normalizeObservable(o.type, o.value);
      const e = byType.get(type) ?? { n: 0, ms: 0 };
      e.n += ofType.length;
      e.ms += performance.now() - t;
      byType.set(type, e);
    }
  }
  // The phone numbers above were seen by the timed passes (normalizePhone remembers the answers
  // for E.164 texts): the cost of numbers seen for the first time, on a range the stream never uses.
  {
    const fresh = Array.from(
      { length: 5000 },
      (_, i) => JSON.parse(`"+1303${5_000_000 + i * 97}"`) as string,
    );
    const t = performance.now();
    for (const v of fresh) normalizeObservable('x-bulwark-phone-number', v);
    byType.set('x-bulwark-phone-number first seen', { n: fresh.length, ms: performance.now() - t });
  }

  const label = n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`;
  const lookups = STREAM * ROUNDS;
  console.log(
    `matcher at ${label} indicators: built in ${(buildMs / 1000).toFixed(1)} s; ${(hits / ROUNDS).toLocaleString('en-US')} hits (exact floor ${(floorHits / ROUNDS).toLocaleString('en-US')}) in ${STREAM.toLocaleString('en-US')} lookups, ${ROUNDS} rounds; normalization ns per observable: ${[
      ...byType,
    ]
      .map(([t, e]) => `${t} ${Math.round((e.ms * 1e6) / e.n)}`)
      .join(', ')}`,
  );
  const rate = lookups / (matchMs / 1000);
  const floorRate = lookups / (floorMs / 1000);
  const apiRate = lookups / (apiMs / 1000);
  if (m.size !== n) throw new Error('matcher lost indicators');
  const goal = '≥ 2,000,000 lookups/s at 10M, within 3x of the floor';
  const judged = (x: number) => (n >= 10_000_000 ? x >= 2_000_000 && floorRate / x <= 3 : undefined);
  return [
    {
      name: `lookups/s at ${label} indicators (mixed stream of canonical values, batches of 1,000, one core)`,
      value: rate,
      unit: 'lookups/s',
      baseline: { name: 'bare Set of the exact values per type', value: floorRate },
      goal,
      met: judged(rate),
    },
    {
      name: `lookups/s at ${label} indicators with the API's normalization of each observable first`,
      value: apiRate,
      unit: 'lookups/s',
      baseline: { name: 'bare Set of the exact values per type', value: floorRate },
      goal,
      met: judged(apiRate),
    },
    {
      name: `lookups per CPU-second at ${label} indicators (process CPU time: the waits for a core left out)`,
      value: lookups / (matchCpu / 1e6),
      unit: 'lookups/s',
      baseline: { name: 'bare Set of the exact values per type', value: lookups / (floorCpu / 1e6) },
    },
    {
      name: `lookups per CPU-second at ${label} indicators with the API's normalization first`,
      value: lookups / (apiCpu / 1e6),
      unit: 'lookups/s',
      baseline: { name: 'bare Set of the exact values per type', value: lookups / (floorCpu / 1e6) },
    },
    { name: `memory per indicator at ${label} (whole index)`, value: bytes / n, unit: 'bytes' },
  ];
}

/** Statements by their first words, counted and timed at the driver (the ingest's round trips). */
class StatementCounter {
  readonly byKey = new Map<string, { n: number; ms: number }>();
  on = false;
  private count(sql: string, ms: number): void {
    if (!this.on) return;
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 48);
    const e = this.byKey.get(key) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += ms;
    this.byKey.set(key, e);
  }
  private timed<T extends Queryable>(q: T): T['query'] {
    return (async (sql: string, params?: readonly unknown[]) => {
      const t = performance.now();
      try {
        return await q.query(sql, params);
      } finally {
        this.count(sql, performance.now() - t);
      }
    }) as T['query'];
  }
  /** The same database, every statement (in or out of a transaction) counted. */
  wrap(db: Database): Database {
    const query = this.timed(db);
    return new Proxy(db, {
      get: (target, prop, receiver) => {
        if (prop === 'query') return query;
        if (prop === 'transaction')
          return <T>(fn: (tx: Tx) => Promise<T>) =>
            target.transaction((tx) =>
              fn(new Proxy(tx, { get: (t, p) => (p === 'query' ? this.timed(t) : Reflect.get(t, p)) })),
            );
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  }
}

/** CPU ms (user + system) of the PostgreSQL backends serving a database, read from /proc (a local server only). */
async function backendCpuMs(db: Queryable): Promise<number | undefined> {
  const r = await db.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
  );
  let ticks = 0;
  let read = 0;
  for (const { pid } of r.rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
      read++;
    } catch {
      // A backend that ended since (a pool connection closed when idle), or a server elsewhere.
    }
  }
  return read > 0 ? ticks * 10 : undefined; // USER_HZ is 100 on Linux
}

async function ingestFigures(name: string, url: string | undefined): Promise<Figure[]> {
  const scratch = url ? await createScratchDatabase(url) : undefined;
  const raw = await openDatabase(scratch ? { url: scratch.url } : {});
  const statements = new StatementCounter();
  const db = statements.wrap(raw);
  const s = await startTestServer(db);
  try {
    const root = (await s.ctx.orgs.root())!;
    if (PRELOAD > 0) {
      // A store that already holds indicators: costs that grow with it show up.
      await raw.query(
        `INSERT INTO intel_indicators (stix_id, version, pattern, pattern_type, valid_from, org_id, tlp)
         SELECT 'indicator--' || md5(g::text)::uuid, '2026-01-01T00:00:00.000Z',
                '[ipv4-addr:value = ''10.' || (g >> 16) % 256 || '.' || (g >> 8) % 256 || '.' || g % 256 || ''']', 'stix', now(), $1, 1
           FROM generate_series(1, $2::int) g`,
        [root.id, PRELOAD],
      );
      await s.ctx.intel.engine.rebuild();
      console.log(`preloaded ${PRELOAD.toLocaleString('en-US')} indicators on ${name}`);
    }
    const token = await s.token(root.id, 'analyst');
    const col = (await s.ctx.intel.collectionOf(root.id)).id;
    const headers = { authorization: `Bearer ${token}`, accept: 'application/taxii+json;version=2.1' };
    const statuses: { id: string; count: number }[] = [];
    const pg0 = name === 'PostgreSQL' ? await backendCpuMs(raw) : undefined;
    const cpu0 = process.cpuUsage();
    statements.on = true;
    // The measured window on the monotonic clock a --cpu-prof profile's timestamps use (microseconds).
    const window0 = process.hrtime.bigint() / 1000n;
    const t0 = performance.now();
    for (let i = 0; i < INGEST; i += 1000) {
      const now = new Date().toISOString();
      const objects = Array.from({ length: Math.min(1000, INGEST - i) }, (_, k) => ({
        type: 'indicator',
        spec_version: '2.1',
        id: `indicator--${randomUUID()}`,
        created: now,
        modified: now,
        pattern: `[ipv4-addr:value = '${ip(0x30000000 + i + k)}']`,
        pattern_type: 'stix',
        valid_from: now,
        object_marking_refs: [TLP2_IDS.green],
      }));
      const r = await fetch(`${s.url}/taxii2/default/collections/${col}/objects/`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/taxii+json;version=2.1' },
        body: JSON.stringify({ objects }),
      });
      const st = (await r.json()) as { id: string; status: string };
      if (r.status !== 202)
        throw new Error(`ingest refused: ${r.status} ${JSON.stringify(st).slice(0, 300)}`);
      statuses.push({ id: st.id, count: objects.length });
    }
    // Until every status is complete (the envelopes are ingested off the request path).
    for (const { id, count } of statuses) {
      for (;;) {
        const r = await fetch(`${s.url}/taxii2/default/status/${id}/`, { headers });
        const st = (await r.json()) as { status: string; success_count: number };
        if (st.status === 'complete') {
          if (st.success_count !== count)
            throw new Error(`ingest failed: ${JSON.stringify(st).slice(0, 300)}`);
          break;
        }
        // As a client would poll: often enough to see completion, not so often that the reads compete.
        await new Promise((done) => setTimeout(done, 50));
      }
    }
    const ingestS = (performance.now() - t0) / 1000;
    statements.on = false;
    if (process.env.BENCH_INTEL_WINDOW)
      console.log(`PROFILE_WINDOW ${window0} ${process.hrtime.bigint() / 1000n}`);
    const cpu = process.cpuUsage(cpu0);
    const pg1 = pg0 === undefined ? undefined : await backendCpuMs(raw);
    const per1000 = (ms: number) => (ms * 1000) / INGEST;
    const nodeMs = per1000((cpu.user + cpu.system) / 1000);
    const pgMs = pg0 === undefined || pg1 === undefined ? undefined : per1000(pg1 - pg0);
    console.log(
      `${name} ingest CPU per 1,000 objects: Node (server and posting client) ${nodeMs.toFixed(0)} ms` +
        (pgMs === undefined ? '' : `, PostgreSQL backends ${pgMs.toFixed(0)} ms`) +
        `; statements per envelope (count, driver ms):`,
    );
    const envelopes = Math.ceil(INGEST / 1000);
    for (const [k, v] of [...statements.byKey].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14))
      console.log(
        `  ${(v.n / envelopes).toFixed(1).padStart(6)} ${(v.ms / envelopes).toFixed(1).padStart(7)} ms  ${k}`,
      );
    // Statistics as autovacuum would gather them after such a load on PostgreSQL (the test server
    // here runs with autovacuum off; PGlite has none: see docs/intel.md).
    await raw.query('ANALYZE intel_objects');
    const t1 = performance.now();
    let paged = 0;
    let next: string | undefined;
    do {
      const r = await fetch(
        `${s.url}/taxii2/default/collections/${col}/objects/?limit=1000${next ? `&next=${next}` : ''}`,
        { headers },
      );
      const env = (await r.json()) as { objects?: unknown[]; next?: string };
      paged += env.objects?.length ?? 0;
      next = env.next;
    } while (next);
    const pageS = (performance.now() - t1) / 1000;
    if (paged !== INGEST) throw new Error(`paged ${paged} of ${INGEST}`);
    return [
      {
        name: `TAXII ingest on ${name} (${INGEST.toLocaleString('en-US')} objects, 1,000 per envelope, with ledger commitments)`,
        value: INGEST / ingestS,
        unit: 'objects/s',
        goal: name === 'PostgreSQL' ? '≥ 10,000 objects/s on PostgreSQL' : undefined,
        met: name === 'PostgreSQL' ? INGEST / ingestS >= 10_000 : undefined,
      },
      { name: `TAXII paging on ${name} (limit 1,000)`, value: paged / pageS, unit: 'objects/s' },
      {
        name: `TAXII ingest CPU on ${name} per 1,000 objects (Node${pgMs === undefined ? '' : ' + PostgreSQL backends'})`,
        value: nodeMs + (pgMs ?? 0),
        unit: 'ms',
      },
    ];
  } finally {
    await s.close();
    await raw.close().catch(() => undefined);
    await scratch?.drop();
  }
}

/**
 * A size whose index outgrows the default heap runs in a child process with a larger one, when the
 * machine has the memory (10M: about 2 GB of index, 1 GB of floor); else it is reported skipped.
 */
function matcherInChild(n: number): Figure[] {
  const needBytes = n * 600;
  if (totalmem() < needBytes * 2 || freemem() < needBytes) {
    console.log(
      `- matcher at ${n.toLocaleString('en-US')} indicators: skipped (needs about ${(needBytes / 1e9).toFixed(0)} GB free; ${(freemem() / 1e9).toFixed(1)} GB free of ${(totalmem() / 1e9).toFixed(1)} GB)`,
    );
    return [];
  }
  const child = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${CHILD_HEAP_MB}`,
      '--import',
      'tsx',
      new URL(import.meta.url).pathname,
      '--matcher-child',
      String(n),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const out = child.stdout ?? '';
  for (const line of out.split('\n')) if (line && !line.startsWith('FIGURES ')) console.log(line);
  const last = out.split('\n').find((l) => l.startsWith('FIGURES '));
  if (child.status !== 0 || !last)
    throw new Error(`matcher at ${n} failed in its child (status ${child.status})`);
  return JSON.parse(last.slice('FIGURES '.length)) as Figure[];
}

// The child of matcherInChild: one size, the figures as one JSON line.
if (process.argv[2] === '--matcher-child') {
  const figures = await matcherFigures(Number(process.argv[3]));
  console.log(`FIGURES ${JSON.stringify(figures)}`);
  process.exit(0);
}

// The child of memoryFigures: the measurements as one JSON line.
if (process.argv[2] === '--memory-child') {
  console.log(`MEMORY ${JSON.stringify(measureMemory())}`);
  process.exit(0);
}

export async function run(): Promise<void> {
  // BENCH_INTEL_PART=matcher or ingest runs one half; memory or lookups one part of the matcher's.
  const part = process.env.BENCH_INTEL_PART;
  const figures: Figure[] = [];
  if (part !== 'ingest') {
    if (part !== 'lookups') figures.push(...memoryFigures());
    if (part !== 'memory')
      for (const n of SIZES) {
        if (n < CHILD_FROM) figures.push(...(await matcherFigures(n)));
        else figures.push(...matcherInChild(n));
      }
    printFigures(figures);
  }
  if (part === 'matcher' || part === 'memory' || part === 'lookups') return;
  const ingest: Figure[] = [];
  // BENCH_INTEL_DB=postgres or pglite runs the ingest on that database only.
  const only = process.env.BENCH_INTEL_DB;
  if (only !== 'postgres') ingest.push(...(await ingestFigures('PGlite', undefined)));
  if (only === 'pglite') console.log('- TAXII ingest on PostgreSQL: skipped (BENCH_INTEL_DB=pglite)');
  else if (process.env.TEST_DATABASE_URL)
    ingest.push(...(await ingestFigures('PostgreSQL', process.env.TEST_DATABASE_URL)));
  else console.log('- TAXII ingest on PostgreSQL: skipped (set TEST_DATABASE_URL)');
  printFigures(ingest);
  console.log(
    '- goals (issue 11): ≥ 2M lookups/s on one core at 10M indicators within 3x of the bare Map floor; < 200 bytes per exact indicator; TAXII ingest ≥ 10,000 objects/s on PostgreSQL; paging through 1M objects',
  );
}
