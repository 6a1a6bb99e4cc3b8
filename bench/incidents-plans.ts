// The query plans of the incident queues (issue 10, the queue goal): generates the benchmark's
// federation and N incidents (default 200,000, the bench's size) on PostgreSQL (TEST_DATABASE_URL,
// required), then runs a province's overdue queue and the centre's open-major view through
// IncidentService.list and prints EXPLAIN (ANALYZE, BUFFERS) of every statement the list sends.
// Run: node --import tsx bench/incidents-plans.ts [N]. Not part of `npm run bench`. PLANS_SETUP, if
// set, is SQL run after the generation (to try an index or VACUUM before reading the plans).
import type { Actor } from '../src/access/index.ts';
import { startTestServer } from '../src/app/testing.ts';
import { systemActor } from '../src/orgs/index.ts';
import { openDatabase } from '../src/platform/db/index.ts';
import type { Database } from '../src/platform/db/types.ts';
import { createScratchDatabase } from '../src/platform/testing.ts';
import { generateFederation, generateIncidents } from './incidents.bench.ts';

/** The database, every SELECT explained (once run plainly, then explained) while `explaining` is set. */
function explaining(db: Database, on: { value: boolean }, out: string[]): Database {
  return new Proxy(db, {
    get(target, p) {
      if (p === 'query')
        return async (sql: string, params?: readonly unknown[]) => {
          const r = await target.query(sql, params);
          if (on.value && /^\s*(SELECT|WITH)/i.test(sql)) {
            const plan = await target.query<{ 'QUERY PLAN': string }>(
              `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
              params,
            );
            out.push(
              `${sql.replace(/\s+/g, ' ').trim()}\n${plan.rows.map((x) => x['QUERY PLAN']).join('\n')}`,
            );
          }
          return r;
        };
      const v = Reflect.get(target, p);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 200_000);
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('Set TEST_DATABASE_URL: the plans are PostgreSQL’s.');
  const scratch = await createScratchDatabase(url);
  const raw = await openDatabase({ url: scratch.url });
  const on = { value: false };
  const plans: string[] = [];
  const db = explaining(raw, on, plans);
  const s = await startTestServer(db);
  try {
    const root = (await s.ctx.orgs.root())!;
    const gen = await generateFederation(raw, root);
    s.ctx.orgs.invalidate();
    await generateIncidents(raw, gen.operators, n);
    if (process.env.PLANS_SETUP)
      for (const stmt of process.env.PLANS_SETUP.split(';').filter((x) => x.trim())) await raw.query(stmt);
    const p = gen.provinces[7]!;
    const centre: Actor = { ...systemActor(root), local: undefined, id: 'bench', roles: ['analyst'] };
    const province: Actor = { ...centre, org: (await s.ctx.orgs.orgRef(p.id))! };
    const views: [string, Actor, Parameters<typeof s.ctx.incidents.list>[1]][] = [
      ["a province's overdue queue", province, { overdue: true, limit: 100 }],
      ["the centre's open-major view", centre, { grade: 'major,particularly-major', open: true, limit: 100 }],
    ];
    for (const [name, actor, q] of views) {
      await s.ctx.incidents.list(actor, q); // warm: caches, the regime catalogue
      on.value = true;
      const t0 = performance.now();
      const r = await s.ctx.incidents.list(actor, q);
      on.value = false;
      console.log(
        `\n# ${name}: ${r.items.length} of ${r.total} (${n.toLocaleString('en-US')} incidents; ${Math.round(performance.now() - t0)} ms with the EXPLAINs)`,
      );
      for (const plan of plans.splice(0)) console.log(`\n${plan}`);
    }
  } finally {
    await s.close();
    await raw.close();
    await scratch.drop();
  }
}

await main();
