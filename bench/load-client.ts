// The load generator the HTTP benchmarks share: a child process (this file, forked) that sends a
// list of requests to the server over loopback from N concurrent clients, each a keep-alive
// connection of node:http (an Agent with keepAlive; no fetch, whose per-request cost in undici is
// several times the server's for a bare route). Real clients are not in the server's process: here
// they are not either, though on the same machine (and the same two cores), so the server's
// process pays only for serving — `serverCpuMs` is that process's CPU time (process.cpuUsage, all
// its threads, PGlite included; PostgreSQL's own backends are other processes) during the run.
//
// Each run answers requests/s over the whole run, latency quantiles per request (from writing it to
// the last byte of its answer) and the count of each status. Without `rate` each client sends its
// next request as soon as its answer arrives (the most the server answers; with 64 clients the
// median latency is then 64 / throughput by Little's law). With `rate` the requests are due at
// that many per second from the start, still from at most `clients` connections, and a request's
// latency counts from when it was due, so a server that falls behind pays for the wait too
// (no coordinated omission): the figure for "p99 at N requests/s".
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export interface LoadRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  /** Milliseconds, per request. */
  p50: number;
  p99: number;
  statuses: Record<number, number>;
  /** CPU time of the server's process during the run, in ms per request. */
  serverCpuMs: number;
  /**
   * CPU time of the PostgreSQL backends serving the benchmark's database during the run, in ms per
   * request (given `database`; NaN on PGlite, whose work is in serverCpuMs).
   */
  databaseCpuMs: number;
  /**
   * CPU time of the load client's own process (the 64 clients) during the run, in ms per request:
   * on this machine the clients share the server's cores, so their cost bounds what both can reach.
   */
  clientCpuMs: number;
}

/** What the load client needs to count the database's CPU time: the benchmark's database. */
export interface BackendSource {
  readonly dialect: 'pglite' | 'postgres';
  query(sql: string): Promise<{ rows: Record<string, unknown>[] }>;
}

/** utime + stime of one process in ms (/proc, clock ticks of 10 ms), 0 when it is gone. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** The CPU time so far of each backend connected to the benchmark's database (PostgreSQL on this machine). */
async function backendCpu(db: BackendSource | undefined): Promise<Map<number, number> | undefined> {
  if (db?.dialect !== 'postgres') return undefined;
  const { rows } = await db.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  return new Map(rows.map((r) => [Number(r.pid), processCpuMs(Number(r.pid))]));
}

interface Job {
  url: string;
  clients: number;
  requests: LoadRequest[];
  /** Send requests[i % requests.length] this many times (one request repeated: the bare route). */
  count: number;
  /** Requests per second, paced; none: as fast as the clients get answers. */
  rate?: number;
}

interface ChildAnswer {
  seconds: number;
  /** The child's CPU time during the run, ms (process.cpuUsage). */
  cpuMs: number;
  latencies: number[];
  statuses: Record<number, number>;
  error?: string;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
    : Number.NaN;

/** The parent's side: one child process, reused for every run of a benchmark. */
export class LoadClient {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<LoadClient> {
    const child = fork(fileURLToPath(import.meta.url), ['--load-child'], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the load client exited (${code})`)));
    });
    return new LoadClient(child);
  }

  /** Sends `count` requests (default: each of `requests` once) from `clients` concurrent keep-alive connections. */
  async run(
    url: string,
    requests: LoadRequest[],
    opts: { clients?: number; count?: number; rate?: number; database?: BackendSource } = {},
  ): Promise<LoadResult> {
    const job: Job = {
      url,
      clients: opts.clients ?? 64,
      requests,
      count: opts.count ?? requests.length,
      rate: opts.rate,
    };
    const backends0 = await backendCpu(opts.database);
    const cpu0 = process.cpuUsage();
    const answer = await new Promise<ChildAnswer>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the load client exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (m) => {
        this.child.off('exit', onExit);
        resolve(m as ChildAnswer);
      });
      this.child.send(job);
    });
    const cpu = process.cpuUsage(cpu0);
    const backends1 = await backendCpu(opts.database);
    let databaseMs = Number.NaN;
    if (backends0 && backends1) {
      databaseMs = 0;
      for (const [pid, ms] of backends1) databaseMs += ms - (backends0.get(pid) ?? 0);
    }
    if (answer.error) throw new Error(`load client: ${answer.error}`);
    const sorted = answer.latencies.sort((a, b) => a - b);
    return {
      requests: job.count,
      seconds: answer.seconds,
      perSecond: job.count / answer.seconds,
      p50: quantile(sorted, 0.5),
      p99: quantile(sorted, 0.99),
      statuses: answer.statuses,
      serverCpuMs: (cpu.user + cpu.system) / 1000 / job.count,
      databaseCpuMs: databaseMs / job.count,
      clientCpuMs: answer.cpuMs / job.count,
    };
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.disconnect();
    await exited;
  }
}

/** One request on a keep-alive agent: its status once the whole answer is read. */
function send(agent: http.Agent, base: URL, r: LoadRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...r.headers };
    if (r.body !== undefined) headers['content-length'] = Buffer.byteLength(r.body);
    const req = http.request(
      { agent, host: base.hostname, port: base.port, method: r.method, path: r.path, headers },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

async function runJob(job: Job): Promise<ChildAnswer> {
  const base = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.clients });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: job.clients }, async () => {
      for (;;) {
        const i = next++;
        if (i >= job.count) return;
        let t = performance.now();
        if (job.rate) {
          const due = t0 + (i * 1000) / job.rate;
          if (due > t) await new Promise((r) => setTimeout(r, due - t));
          t = due;
        }
        const status = await send(agent, base, job.requests[i % job.requests.length]!);
        latencies.push(performance.now() - t);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return { seconds, cpuMs: (cpu.user + cpu.system) / 1000, latencies, statuses };
}

if (process.argv.includes('--load-child') && process.send) {
  process.on('message', (job: Job) => {
    runJob(job).then(
      (a) => process.send!(a),
      (e: unknown) =>
        process.send!({
          seconds: 0,
          cpuMs: 0,
          latencies: [],
          statuses: {},
          error: String(e),
        } satisfies ChildAnswer),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send('ready');
}
