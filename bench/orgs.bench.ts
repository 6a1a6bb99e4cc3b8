// Issue 2's figure: authenticated GET /api/v1/orgs at 64 concurrent connections, beside the bare
// /api/v1/ping route of the same server in the same run. Goal: at least 50 % of the bare route.
// The load generator runs in a child process so it does not share the server's event loop.
import { spawn } from 'node:child_process';
import { startTestServer } from '../src/app/testing.ts';
import { openDatabase } from '../src/platform/db/index.ts';
import { printFigures } from './report.ts';

const DURATION = process.env.BENCH_QUICK ? 3 : 10;

function load(
  url: string,
  headers: Record<string, string>,
): Promise<{ rps: number; p99: number; errors: number }> {
  const script = `
    const autocannon = require('autocannon');
    autocannon({ url: process.argv[1], connections: 64, duration: ${DURATION}, headers: JSON.parse(process.argv[2]) }, (err, r) => {
      if (err) { console.error(err); process.exit(1); }
      console.log(JSON.stringify({ rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx }));
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, url, JSON.stringify(headers)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`autocannon exited ${code}`)),
    );
  });
}

export async function run(): Promise<void> {
  const db = await openDatabase({});
  const server = await startTestServer(db);
  try {
    const token = await server.token(server.orgId('National Cyber Security Coordination Centre'), 'viewer');
    await load(`${server.url}/api/v1/ping`, {}); // warm-up
    const bare = await load(`${server.url}/api/v1/ping`, {});
    const authed = await load(`${server.url}/api/v1/orgs`, { authorization: `Bearer ${token}` });
    if (authed.errors > 0 || bare.errors > 0)
      console.log(`! errors during load: bare ${bare.errors}, authenticated ${authed.errors}`);
    const ratio = authed.rps / bare.rps;
    printFigures([
      {
        name: 'authenticated GET /api/v1/orgs (24 orgs, PGlite), 64 connections',
        value: authed.rps,
        unit: 'req/s',
        baseline: { name: 'bare GET /api/v1/ping, same server', value: bare.rps },
        goal: '>= 50 % of the bare route',
        met: ratio >= 0.5,
      },
      {
        name: 'p99 latency, authenticated',
        value: authed.p99,
        unit: 'ms',
        baseline: { name: 'bare', value: bare.p99 },
      },
    ]);
  } finally {
    await server.close();
  }
}
