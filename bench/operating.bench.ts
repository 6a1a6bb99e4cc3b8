// Issue 7's figures: the embedded database with the server and the command line side by side.
// - a command run through the server's control socket beside a command that opens the directory
//   itself (the server stopped), both as a user runs them: a new `bin/bulwark` process each time;
// - /healthz while the command line imports OSV advisories into the running server, beside
//   /healthz of the idle server (goal from issue 8: p99 under 100 ms);
// - backup (size, time) beside `tar -czf` of the stopped directory; restore; move to PostgreSQL.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runCli, startServer } from '../test/support/processes.ts';
import { percentile, printFigures } from './report.ts';

const QUICK = !!process.env.BENCH_QUICK;
const OSV_GO = new URL('../../shared/data/osv-go', import.meta.url).pathname;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

async function healthz(url: string, until: () => boolean): Promise<number[]> {
  const times: number[] = [];
  while (!until()) {
    const t0 = performance.now();
    await fetch(`${url}/healthz`);
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  return times.sort((a, b) => a - b);
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-op-'));
  const work = mkdtempSync(join(tmpdir(), 'bulwark-bench-op-work-'));
  const osv = join(work, 'osv');
  mkdirSync(osv);
  const files = readdirSync(OSV_GO).filter((f) => f.endsWith('.json'));
  for (const f of QUICK ? files.slice(0, 1000) : files) copyFileSync(join(OSV_GO, f), join(osv, f));
  const runs = QUICK ? 5 : 15;
  try {
    const server = await startServer(['--data', dir], { BULWARK_DEMO: 'true' });
    const beside: number[] = [];
    for (let i = 0; i < runs; i++) {
      const [r, ms] = await timed(() => runCli(['token', 'create', '--role', 'viewer', '--data', dir]));
      if (r.code !== 0) throw new Error(r.err);
      beside.push(ms);
    }

    // /healthz idle, then during an import run by the command line inside the server.
    let stop = false;
    setTimeout(() => (stop = true), 3000);
    const idle = await healthz(server.url, () => stop);
    let imported = false;
    const during = healthz(server.url, () => imported);
    const [imp, importMs] = await timed(() => runCli(['import', 'osv', osv, '--data', dir], {}, 900_000));
    imported = true;
    const busy = await during;
    if (imp.code !== 0) throw new Error(imp.err);

    const backupFile = join(work, 'backup.tgz');
    const [bk, backupMs] = await timed(() => runCli(['backup', backupFile, '--data', dir]));
    if (bk.code !== 0) throw new Error(bk.err);
    await server.stop();

    const alone: number[] = [];
    for (let i = 0; i < runs; i++) {
      const [r, ms] = await timed(() => runCli(['token', 'create', '--role', 'viewer', '--data', dir]));
      if (r.code !== 0) throw new Error(r.err);
      alone.push(ms);
    }
    const [, tarMs] = await timed(async () =>
      spawnSync('tar', ['-czf', join(work, 'plain.tgz'), '-C', dir, '.'], { stdio: 'ignore' }),
    );
    const restored = join(work, 'restored');
    const [rs, restoreMs] = await timed(() => runCli(['restore', backupFile, '--data', restored]));
    if (rs.code !== 0) throw new Error(rs.err);

    let moveMs = Number.NaN;
    let rows = 0;
    const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const admin = new pg.Client({ connectionString: adminUrl });
    const name = `bulwark_bench_move_${process.pid}`;
    try {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const [mv, ms] = await timed(() => runCli(['move-to', url.toString(), '--data', restored]));
      if (mv.code !== 0) throw new Error(mv.err);
      moveMs = ms;
      rows = Number(/(\d+) rows; row counts match/.exec(mv.out)?.[1] ?? 0);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } catch (err) {
      console.log(`- move-to PostgreSQL not measured: ${(err as Error).message}`);
    } finally {
      await admin.end().catch(() => undefined);
    }

    const med = (xs: number[]) =>
      percentile(
        [...xs].sort((a, b) => a - b),
        50,
      );
    const size = statSync(backupFile).size;
    printFigures([
      {
        name: '`token create` beside the running server (through its control socket), median wall time',
        value: med(beside),
        unit: 'ms',
        baseline: {
          name: 'the same command opening the directory itself, server stopped',
          value: med(alone),
        },
      },
      {
        name: `/healthz p99 while the CLI imports ${QUICK ? 1000 : files.length} OSV files into the server`,
        value: percentile(busy, 99),
        unit: 'ms',
        baseline: { name: 'idle server p99', value: percentile(idle, 99) },
        goal: 'under 100 ms (issue 8)',
        met: percentile(busy, 99) < 100,
      },
      { name: '/healthz max during the import', value: busy.at(-1) ?? Number.NaN, unit: 'ms' },
      {
        name: `import osv through the server (${QUICK ? 1000 : files.length} files)`,
        value: importMs,
        unit: 'ms',
      },
      {
        name: `backup through the running server (${(size / 1e6).toFixed(1)} MB)`,
        value: backupMs,
        unit: 'ms',
        baseline: { name: 'tar -czf of the stopped directory', value: tarMs },
      },
      { name: 'restore into an empty directory, with the full ledger audit', value: restoreMs, unit: 'ms' },
      { name: `move-to PostgreSQL (${rows} rows, verified)`, value: moveMs, unit: 'ms' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}
