// Where a filing's time goes (issue 10, the filing goal): files incidents through the real HTTP
// stack on PostgreSQL (TEST_DATABASE_URL) or PGlite, first one at a time and then by 64 concurrent
// reporters, and counts every SQL statement a filing sends (inside and outside its transaction)
// with the time spent in each kind. Run: node --import tsx bench/incidents-profile.ts [N].
// Not part of `npm run bench`: a profile to decide what to change, not a figure with a goal.
import type { Database, Tx } from '../src/platform/db/types.ts';
import { startTestServer } from '../src/app/testing.ts';
import { openDatabase } from '../src/platform/db/index.ts';
import { createScratchDatabase } from '../src/platform/testing.ts';
import { makeFederation } from '../test/incidents/support.ts';

interface Tally {
  n: number;
  ms: number;
}

/** The database, every statement counted and timed by its first words. */
function counting(db: Database, tally: Map<string, Tally>): Database {
  const key = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 60);
  const timed = async <T>(sql: string, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      const t = tally.get(key(sql)) ?? { n: 0, ms: 0 };
      t.n++;
      t.ms += performance.now() - t0;
      tally.set(key(sql), t);
    }
  };
  const wrapTx = (tx: Tx): Tx =>
    new Proxy(tx, {
      get(target, p) {
        if (p === 'query')
          return (sql: string, params?: readonly unknown[]) => timed(sql, () => target.query(sql, params));
        const v = Reflect.get(target, p);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  return new Proxy(db, {
    get(target, p) {
      if (p === 'query')
        return (sql: string, params?: readonly unknown[]) => timed(sql, () => target.query(sql, params));
      if (p === 'transaction')
        return <T>(fn: (tx: Tx) => Promise<T>) =>
          timed('(transaction, whole)', () => target.transaction((tx) => fn(wrapTx(tx))));
      const v = Reflect.get(target, p);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 200);
  const url = process.env.TEST_DATABASE_URL;
  const scratch = url ? await createScratchDatabase(url) : undefined;
  const raw = await openDatabase(scratch ? { url: scratch.url } : {});
  const tally = new Map<string, Tally>();
  const db = counting(raw, tally);
  const s = await startTestServer(db);
  try {
    const fed = await makeFederation(s, 'BW-PF');
    const token = await fed.token(fed.operator, 'reporter');
    const file = async (i: number) => {
      const t0 = performance.now();
      const r = await fetch(`${s.url}/api/v1/incidents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          title: `profile ${i}`,
          category: 'enisa:malicious-code',
          grade: (['relatively-major', 'major', 'particularly-major'] as const)[Math.abs(i) % 3],
          awareAt: new Date().toISOString(),
        }),
      });
      const text = await r.text();
      if (r.status !== 201) throw new Error(`filing answered ${r.status}: ${text}`);
      return performance.now() - t0;
    };
    await file(-1); // warm: caches, the regime catalogue, prepared plans
    const report = (label: string, count: number, wall: number, lat: number[]) => {
      lat.sort((a, b) => a - b);
      console.log(
        `${label}: ${count} filings in ${Math.round(wall)} ms: ${(count / (wall / 1000)).toFixed(1)}/s, median ${lat[Math.floor(lat.length / 2)]!.toFixed(1)} ms, p99 ${lat[Math.floor(lat.length * 0.99)]!.toFixed(1)} ms`,
      );
      const rows = [...tally.entries()].sort((a, b) => b[1].ms - a[1].ms);
      let statements = 0;
      for (const [, t] of rows) statements += t.n;
      console.log(
        `  ${(statements / count).toFixed(1)} statements a filing (transactions counted once more):`,
      );
      for (const [k, t] of rows.slice(0, 14))
        console.log(
          `  ${(t.n / count).toFixed(2).padStart(5)}× ${(t.ms / t.n).toFixed(2).padStart(7)} ms  ${k}`,
        );
      tally.clear();
    };
    tally.clear();
    let t0 = performance.now();
    const serial: number[] = [];
    for (let i = 0; i < n; i++) serial.push(await file(i));
    report('one at a time', n, performance.now() - t0, serial);
    t0 = performance.now();
    const concurrent: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < n * 2) concurrent.push(await file(next++));
      }),
    );
    report('64 concurrent', n * 2, performance.now() - t0, concurrent);
  } finally {
    await s.close();
    await raw.close();
    await scratch?.drop();
  }
}

await main();
