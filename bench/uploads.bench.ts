// Issue 8 #7: uploads at the documented limits must not stall the server. A real server (HTTP,
// embedded PGlite in a data directory, as `bulwark serve` runs) takes
//  1. CycloneDX SBOMs of 10,000 components and at the component limit (MAX_SBOM_COMPONENTS
//     synthetic Go modules from the real Go vulnerability database, about one exposure per
//     component), each on a fresh server with osv-go loaded; the import stages its components in
//     short transactions and makes the SBOM live in a last one, so requests are answered between;
//  2. an OSV zip at the archive entry limit (MAX_ZIP_ENTRIES entries: the osv-go files repeated
//     under new ids), on a fresh server;
// while a separate process asks /healthz every 20 ms and GET /api/v1/assets (a request that needs
// the database) every 100 ms. Each upload's figures are printed beside the same requests with no
// upload running, measured in the same run. Goal: /healthz p99 under 100 ms during the upload.
// BENCH_QUICK=1 uploads a fifth of the limits (one SBOM); BENCH_UPLOADS=sbom or =zip runs one part;
// BENCH_UPLOADS_DB=postgres runs the server on a scratch PostgreSQL database (TEST_DATABASE_URL).
// BENCH_SBOM_COMPONENTS=50000 uploads one SBOM of that size (the limit alone, without QUICK's
// fifth or the full run's 10,000 first).
// Beside the /healthz figures it lists the longest turns of the server's event loop during the
// upload (a 2 ms timer: each late wake-up is a turn that held the loop; far less sensitive to
// the machine's other load than /healthz p99); BENCH_UPLOADS_PROFILE=1 also profiles the upload
// (node:inspector) and names the functions with the most samples inside each of those turns.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { MAX_ZIP_ENTRIES } from '../src/advisories/import/index.ts';
import { startTestServer, type TestServer } from '../src/app/testing.ts';
import { MAX_SBOM_COMPONENTS } from '../src/assets/sbom/index.ts';
import { closeConverters } from '../src/formats/index.ts';
import { systemActor } from '../src/orgs/index.ts';
import { openDatabase } from '../src/platform/db/index.ts';
import { createScratchDatabase } from '../src/platform/testing.ts';
import { makeZip } from '../test/fixtures/osv/make-zip.ts';
import { DEFAULT_OSV_GO_DIR, generateSyntheticCycloneDx } from '../test/support/synthetic-sbom.ts';
import { percentile, printFigures } from './report.ts';

const QUICK = Boolean(process.env.BENCH_QUICK);
const SBOM_SIZES = process.env.BENCH_SBOM_COMPONENTS
  ? [Number(process.env.BENCH_SBOM_COMPONENTS)]
  : QUICK
    ? [MAX_SBOM_COMPONENTS / 5]
    : [10_000, MAX_SBOM_COMPONENTS];
const PROFILE = Boolean(process.env.BENCH_UPLOADS_PROFILE);
/** Turns of the event loop listed per upload, longest first. */
const LONGEST_TURNS = 8;
const PARTS = process.env.BENCH_UPLOADS ?? 'sbom,zip';
const ENTRIES = QUICK ? MAX_ZIP_ENTRIES / 5 : MAX_ZIP_ENTRIES;
const BASELINE_MS = 5000;
/** BENCH_UPLOADS_DB=postgres: a scratch database on TEST_DATABASE_URL instead of embedded PGlite. */
const ON_POSTGRES = process.env.BENCH_UPLOADS_DB === 'postgres';
if (ON_POSTGRES && !process.env.TEST_DATABASE_URL)
  throw new Error(
    'BENCH_UPLOADS_DB=postgres needs TEST_DATABASE_URL (a database it may create scratch databases beside).',
  );

interface Sample {
  at: number;
  ms: number;
  status: number;
}

/** The load: a child process asking both routes until told to stop, then printing every sample. */
function startProbe(url: string, token: string) {
  const script = `
    const [url, token] = process.argv.slice(1);
    const out = { healthz: [], assets: [] };
    let stop = false;
    process.stdin.on('data', () => { stop = true; });
    async function loop(name, path, every, headers) {
      while (!stop) {
        const at = Date.now(), t = performance.now();
        let status = 0;
        try { const r = await fetch(url + path, { headers }); await r.arrayBuffer(); status = r.status; } catch {}
        out[name].push({ at, ms: performance.now() - t, status });
        await new Promise((r) => setTimeout(r, every));
      }
    }
    Promise.all([loop('healthz', '/healthz', 20, {}), loop('assets', '/api/v1/assets?limit=10', 100, { authorization: 'Bearer ' + token })])
      .then(() => { process.stdout.write(JSON.stringify(out)); process.exit(0); });`;
  const child = spawn(process.execPath, ['-e', script, url, token], { stdio: ['pipe', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.on('data', (d) => (text += d));
  return {
    async stop(): Promise<{ healthz: Sample[]; assets: Sample[] }> {
      child.stdin.write('x');
      await new Promise((r) => child.on('exit', r));
      return JSON.parse(text);
    },
  };
}

function stats(samples: Sample[], from: number, to: number) {
  const inWindow = samples.filter((s) => s.at >= from && s.at <= to);
  const ms = inWindow.map((s) => s.ms).sort((a, b) => a - b);
  return {
    n: ms.length,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms[ms.length - 1] ?? Number.NaN,
    failed: inWindow.filter((s) => s.status !== 200).length,
  };
}

/** A turn that held the event loop: [start, end] on the monotonic clock, in microseconds. */
interface Stall {
  from: number;
  to: number;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Records every late wake-up of a 2 ms timer: the loop was held from the expected wake-up until
 * this one. Only stalls over 10 ms are kept; the longest are what /healthz waited behind.
 */
function traceStalls() {
  const PERIOD_US = 2000;
  const stalls: Stall[] = [];
  let last = nowUs();
  const timer = setInterval(() => {
    const now = nowUs();
    if (now - last - PERIOD_US > 10_000) stalls.push({ from: last + PERIOD_US, to: now });
    last = now;
  }, PERIOD_US / 1000);
  return {
    stop(): Stall[] {
      clearInterval(timer);
      return stalls.sort((a, b) => b.to - b.from - (a.to - a.from));
    },
  };
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    parent?: number;
  }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * What one stall was spent on: the share of its samples under each nearest frame of our own code
 * (src/), the leaf function most sampled, and the PGlite statements that ran inside it.
 */
function attribute(profile: CpuProfile | undefined, statements: Statement[], stall: Stall): string {
  const parts: string[] = [];
  if (profile) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parents = new Map<number, number>();
    for (const n of profile.nodes as (CpuProfile['nodes'][number] & { children?: number[] })[])
      for (const c of n.children ?? []) parents.set(c, n.id);
    const name = (id: number) => {
      const f = byId.get(id)!.callFrame;
      const file = f.url.replace(/^.*\/(src|bench|node_modules\/(@[^/]+\/)?[^/]+)\/.*$/, '$1');
      return `${f.functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
    };
    const ours = (id: number) => {
      for (let n: number | undefined = id; n !== undefined; n = parents.get(n)) {
        const f = byId.get(n)!.callFrame;
        if (f.url.includes('/src/'))
          return `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/src\//, 'src/')}`;
      }
      return `(no src frame: ${name(id)})`;
    };
    const bySrc = new Map<string, number>();
    let t = profile.startTime;
    let total = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i]!;
      if (t < stall.from || t > stall.to) continue;
      const id = profile.samples[i]!;
      if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
      const key = ours(id);
      bySrc.set(key, (bySrc.get(key) ?? 0) + 1);
      total++;
    }
    parts.push(
      [...bySrc]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([k, n]) => `${Math.round((100 * n) / Math.max(1, total))}% ${k}`)
        .join('; '),
    );
  }
  const inside = statements.filter((q) => q.at + q.ms * 1000 > stall.from && q.at < stall.to);
  if (inside.length) {
    const longest = inside.reduce((a, b) => (b.ms > a.ms ? b : a));
    parts.push(
      `PGlite statements over 5 ms inside: ${inside.length}, ${Math.round(inside.reduce((n, q) => n + q.ms, 0))} ms, longest ${longest.ms.toFixed(0)} ms: ${longest.sql}`,
    );
  }
  return parts.join(' | ');
}

/** A PGlite statement's synchronous run (WebAssembly on the main thread) of more than 5 ms. */
interface Statement {
  at: number;
  ms: number;
  sql: string;
}

/** Records PGlite statements that held the main thread over 5 ms, with the start of their SQL. */
function traceStatements(): { list: Statement[]; live: number | undefined; stop(): void } {
  const proto = PGlite.prototype as unknown as { execProtocolRawSync(m: Uint8Array): unknown };
  const original = proto.execProtocolRawSync;
  const list: Statement[] = [];
  // The extended protocol sends Parse (the SQL) and Execute in separate messages: name the last Parse.
  let parsed = '';
  const trace = {
    list,
    /** When the import's last transaction began (its first statement makes the SBOM live). */
    live: undefined as number | undefined,
    stop() {
      proto.execProtocolRawSync = original;
    },
  };
  proto.execProtocolRawSync = function (this: unknown, message: Uint8Array) {
    const at = nowUs();
    const text = new TextDecoder()
      .decode(message.subarray(0, 400))
      .replace(/[^\x20-\x7e]+/g, ' ')
      .trim();
    if (message[0] === 0x50 || message[0] === 0x51) parsed = text.slice(0, 90);
    if (trace.live === undefined && /UPDATE sboms AS s SET asset_id/.test(text)) trace.live = at;
    try {
      return original.call(this, message);
    } finally {
      const ms = (nowUs() - at) / 1000;
      if (ms > 5)
        list.push({
          at,
          ms,
          sql: message[0] === 0x50 || message[0] === 0x51 ? parsed : `${text.slice(0, 1)} of ${parsed}`,
        });
    }
  };
  return trace;
}

/** Peak resident memory of this process (server, PGlite and the converter thread) while `fn` runs. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peak: number; before: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const value = await fn();
    return { value, peak: Math.max(peak, process.memoryUsage().rss), before };
  } finally {
    clearInterval(timer);
  }
}

async function upload(s: TestServer, token: string, path: string, type: string, body: Buffer) {
  const t = performance.now();
  const r = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: new Uint8Array(body),
  });
  const text = await r.text();
  return { status: r.status, ms: performance.now() - t, bytes: text.length, body: JSON.parse(text) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Baseline, then the upload, with the probe running throughout; prints the figures side by side. */
async function measure(
  label: string,
  s: TestServer,
  token: string,
  send: () => Promise<Awaited<ReturnType<typeof upload>>>,
  describe: (r: Awaited<ReturnType<typeof upload>>) => string,
): Promise<void> {
  const loadBefore = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const probe = startProbe(s.url, token);
  await sleep(500);
  // The server's own event-loop delay (it runs in this process): what /healthz waits behind.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const b0 = Date.now();
  loop.enable();
  const idleRss = process.memoryUsage().rss;
  await sleep(BASELINE_MS);
  const b1 = Date.now();
  const loopBase = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
  loop.reset();
  const session = PROFILE ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const started = nowUs();
  const tracer = traceStalls();
  const statements = traceStatements();
  const { value: r, peak } = await withPeakRss(send);
  const u1 = Date.now();
  const allStalls = tracer.stop();
  const stalls = allStalls.slice(0, LONGEST_TURNS);
  statements.stop();
  const live = statements.live ?? Number.POSITIVE_INFINITY;
  /** Staging (before the last transaction) or the last transaction and what follows its commit. */
  const phase = (st: Stall) =>
    Number.isFinite(live) ? (st.to < live ? ' (staging)' : ' (last tx/after)') : '';
  loop.disable();
  const profile = session
    ? ((await session.post('Profiler.stop')).profile as unknown as CpuProfile)
    : undefined;
  session?.disconnect();
  if (profile) {
    const file = join(tmpdir(), `bench-uploads-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    writeFileSync(`${file}.stalls.json`, JSON.stringify(stalls));
    console.log(`profile: ${file} (stalls beside it)`);
  }
  const loopDuring = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
  const samples = await probe.stop();
  const base = stats(samples.healthz, b0, b1);
  const during = stats(samples.healthz, b1, u1);
  const baseDb = stats(samples.assets, b0, b1);
  const duringDb = stats(samples.assets, b1, u1);
  console.log(`${label}: ${describe(r)}`);
  console.log(
    `load average before: ${loadBefore}; after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (r.status !== 201 && r.status !== 200)
    console.log(`! upload answered ${r.status}: ${JSON.stringify(r.body)}`);
  console.log(
    `longest turns of the event loop during the upload (ms after its start: length)${profile ? ', with where their samples were in our code' : ''}:`,
  );
  for (const st of stalls)
    console.log(
      `  at ${((st.from - started) / 1000).toFixed(0)} ms${phase(st)}: ${((st.to - st.from) / 1000).toFixed(1)} ms — ${attribute(profile, statements.list, st)}`,
    );
  const longestIn = (from: number, to: number) =>
    allStalls
      .filter((st) => st.to >= from && st.to < to)
      .reduce((m, st) => Math.max(m, (st.to - st.from) / 1000), 0);
  printFigures([
    {
      name: `${label}, upload time`,
      value: r.ms / 1000,
      unit: 's',
    },
    {
      name: `${label}, /healthz p99 during the upload (${during.n} requests, ${during.failed} failed)`,
      value: during.p99,
      unit: 'ms',
      baseline: { name: `no upload, ${base.n} requests`, value: base.p99 },
      goal: '< 100 ms',
      met: during.p99 < 100 && during.failed === 0,
    },
    {
      name: `${label}, /healthz p50 during the upload`,
      value: during.p50,
      unit: 'ms',
      baseline: { name: 'no upload', value: base.p50 },
    },
    {
      name: `${label}, /healthz max during the upload`,
      value: during.max,
      unit: 'ms',
      baseline: { name: 'no upload', value: base.max },
    },
    {
      name: `${label}, longest turn of the event loop during the upload (2 ms timer)`,
      value: stalls[0] ? (stalls[0].to - stalls[0].from) / 1000 : 0,
      unit: 'ms',
    },
    // The phases are told apart by the PGlite statement that makes the SBOM live (PGlite only).
    ...(Number.isFinite(live)
      ? [
          {
            name: `${label}, longest turn while staging`,
            value: longestIn(0, live),
            unit: 'ms',
          },
          {
            name: `${label}, longest turn in the last transaction and after its commit`,
            value: longestIn(live, Number.POSITIVE_INFINITY),
            unit: 'ms',
          },
          {
            name: `${label}, turns over 50 ms during the upload (staging + last transaction and after)`,
            value: allStalls.filter((st) => st.to - st.from > 50_000).length,
            unit: `(${allStalls.filter((st) => st.to - st.from > 50_000 && st.to < live).length} + ${allStalls.filter((st) => st.to - st.from > 50_000 && st.to >= live).length})`,
          },
        ]
      : []),
    {
      name: `${label}, server event-loop delay p99 during the upload (monitorEventLoopDelay, 10 ms resolution)`,
      value: loopDuring.p99,
      unit: 'ms',
      baseline: { name: 'no upload', value: loopBase.p99 },
    },
    {
      name: `${label}, server event-loop delay max during the upload`,
      value: loopDuring.max,
      unit: 'ms',
      baseline: { name: 'no upload', value: loopBase.max },
    },
    {
      name: `${label}, GET /api/v1/assets p99 during the upload (${duringDb.n} requests; needs the database)`,
      value: duringDb.p99,
      unit: 'ms',
      baseline: { name: 'no upload', value: baseDb.p99 },
    },
    {
      name: `${label}, peak RSS of the server process during the upload`,
      value: peak / 1e6,
      unit: 'MB',
      baseline: { name: 'before it', value: idleRss / 1e6 },
    },
  ]);
}

async function server(): Promise<{ s: TestServer; close(): Promise<void> }> {
  if (ON_POSTGRES) {
    const created = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
    const db = await openDatabase({ url: created.url });
    const s = await startTestServer(db);
    return {
      s,
      async close() {
        await s.close();
        await db.close();
        await created.drop();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-uploads-'));
  const db = await openDatabase({ dataDir: dir });
  const s = await startTestServer(db);
  return {
    s,
    async close() {
      await s.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The osv-go entries repeated under new ids up to `count` entries, as one zip. */
function syntheticArchive(count: number): Buffer {
  const files = readdirSync(DEFAULT_OSV_GO_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const docs = files.map((f) => JSON.parse(readFileSync(join(DEFAULT_OSV_GO_DIR, f), 'utf8')));
  const entries = Array.from({ length: count }, (_, i) => {
    const doc = { ...docs[i % docs.length], id: `BENCH-${String(i).padStart(6, '0')}` };
    return { name: `${doc.id}.json`, data: JSON.stringify(doc) };
  });
  return makeZip(entries);
}

export async function run(): Promise<void> {
  console.log(
    `database: ${ON_POSTGRES ? 'PostgreSQL (scratch database)' : 'embedded PGlite in a data directory'}`,
  );
  console.log(
    `limits: ${MAX_SBOM_COMPONENTS.toLocaleString('en-US')} components per SBOM, ${MAX_ZIP_ENTRIES.toLocaleString('en-US')} entries per archive; uploading SBOMs of ${SBOM_SIZES.map((n) => n.toLocaleString('en-US')).join(' and ')} components and ${ENTRIES.toLocaleString('en-US')} entries`,
  );
  // 1. The SBOMs, each on a fresh server with the Go database loaded (so its components open exposures).
  for (const components of PARTS.includes('sbom') ? SBOM_SIZES : []) {
    const { s, close } = await server();
    try {
      const root = (await s.ctx.orgs.root())!;
      await s.ctx.advisories.importOsvPaths(systemActor(root), [DEFAULT_OSV_GO_DIR]);
      await sleep(3000); // the ledger sequencer integrates the advisories' commitments
      const token = await s.token(s.orgId('Northport Power Grid'), 'analyst');
      const doc = Buffer.from(JSON.stringify(generateSyntheticCycloneDx(components, 8)));
      await measure(
        `SBOM, ${components.toLocaleString('en-US')} components (${(doc.length / 1e6).toFixed(1)} MB)`,
        s,
        token,
        () => upload(s, token, '/api/v1/sboms?asset=bench-upload', 'application/vnd.cyclonedx+json', doc),
        (r) =>
          `answered ${r.status} in ${(r.ms / 1000).toFixed(1)} s, ${r.bytes} bytes; exposures opened ${r.body.exposures?.opened}`,
      );
    } finally {
      await close();
    }
  }
  // 2. The archive, on a fresh server.
  if (PARTS.includes('zip')) {
    const { s, close } = await server();
    try {
      const token = await s.token(s.orgId('National Cyber Security Coordination Centre'), 'analyst');
      const zip = syntheticArchive(ENTRIES);
      await measure(
        `OSV zip, ${ENTRIES.toLocaleString('en-US')} entries (${(zip.length / 1e6).toFixed(1)} MB)`,
        s,
        token,
        () => upload(s, token, '/api/v1/advisories', 'application/zip', zip),
        (r) =>
          `answered ${r.status} in ${(r.ms / 1000).toFixed(1)} s, ${r.bytes} bytes; created ${r.body.created}, failed ${r.body.failed?.length}`,
      );
    } finally {
      await close();
    }
  }
  await closeConverters();
}
