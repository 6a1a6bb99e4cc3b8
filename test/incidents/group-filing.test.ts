// Filing in groups (issue 10, the filing goal), through the real HTTP stack on both databases:
// fifty filings sent at once are written in shared transactions (rows inserted by one transaction
// share its xmin), yet each gets its own answer, its own obligations and timeline, one ledger
// commitment and one `incident.filed` event; a filing refused by validation gets its 422 alone; a
// filing the database refuses inside a group fails alone, leaving nothing of it behind, while the
// others of its group are written one by one and answered 201.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, type Json, makeFederation } from './support.ts';

const GRADES = ['general', 'relatively-major', 'major', 'particularly-major'] as const;

for (const kind of testDatabaseKinds()) {
  describe(`filing in groups on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let f: Federation;
    let op: string;
    const filed: Json[] = [];

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      f = await makeFederation(s, 'BW-GF');
      op = await f.token(f.operator, 'reporter');
      s.ctx.events.subscribe('incident.filed', (e) => void filed.push(e as unknown as Json));
      // The database refuses one title (a stand-in for any failure of one row inside a group).
      await tdb.db.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.title LIKE 'poison%' THEN RAISE EXCEPTION 'poisoned row'; END IF;
          RETURN NEW;
        END $$`);
      await tdb.db.query(
        'CREATE TRIGGER refuse_poison BEFORE INSERT ON incidents FOR EACH ROW EXECUTE FUNCTION refuse_poison()',
      );
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    const body = (i: number, awareAt: string, title = `group filing ${i}`) => ({
      title,
      category: 'enisa:malicious-code',
      grade: GRADES[i % GRADES.length],
      awareAt,
      impact: { peopleAffected: i },
    });

    /** What the store holds of one incident: its obligations, timeline kinds, ledger commitments. */
    const stored = async (id: string) => {
      const obligations = await tdb.db.query<{ stage: string; due: Date | null }>(
        'SELECT stage, due FROM incident_obligations WHERE incident_id = $1 ORDER BY stage',
        [id],
      );
      const events = await tdb.db.query<{ kind: string }>(
        'SELECT kind FROM incident_events WHERE incident_id = $1 ORDER BY id',
        [id],
      );
      const ledger = await tdb.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ledger_commitments WHERE record_kind = 'incident' AND record_id = $1`,
        [id],
      );
      return {
        obligations: obligations.rows.map((o) => ({
          stage: o.stage,
          due: o.due ? new Date(o.due).toISOString() : null,
        })),
        events: events.rows.map((e) => e.kind),
        commitments: ledger.rows[0]!.n,
      };
    };

    test('fifty filings at once: each its own answer, obligations, timeline and ledger commitment', async () => {
      const awareAt = new Date(Date.now() - 10 * 60_000).toISOString();
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => call(s, op, 'POST', '/api/v1/incidents', body(i, awareAt))),
      );
      // What each grade owes, from the preview (the same engine, no write).
      const owed = new Map<string, Json[]>();
      for (const g of GRADES) {
        const p = await call(s, op, 'GET', `/api/v1/incidents/preview?grade=${g}&awareAt=${awareAt}`);
        assert.equal(p.status, 200, JSON.stringify(p.body));
        owed.set(
          g,
          (p.body.obligations as Json[]).map((o) => ({ stage: o.stage, due: o.due })),
        );
      }
      const ids = new Set<string>();
      for (const [i, a] of answers.entries()) {
        assert.equal(a.status, 201, JSON.stringify(a.body));
        assert.equal(a.body.title, `group filing ${i}`);
        assert.equal(a.body.grade, GRADES[i % GRADES.length]);
        assert.equal(a.body.org, f.operator);
        assert.equal(a.body.impact.peopleAffected, i);
        ids.add(a.body.id);
        const expected = owed.get(a.body.grade)!;
        const answered = (a.body.obligations as Json[]).map((o) => ({ stage: o.stage, due: o.due }));
        const byStage = (x: Json, y: Json) => String(x.stage).localeCompare(String(y.stage));
        assert.deepEqual(answered.sort(byStage), [...expected].sort(byStage), `filing ${i}`);
        const st = await stored(a.body.id);
        assert.deepEqual(st.obligations, answered, `stored obligations of filing ${i}`);
        const escalates = a.body.grade === 'major' || a.body.grade === 'particularly-major';
        assert.deepEqual(st.events, escalates ? ['filed', 'escalated'] : ['filed']);
        assert.equal(st.commitments, 1, `one ledger commitment for filing ${i}`);
      }
      assert.equal(ids.size, 50);
      // The relatively-major and higher filings owe something; general ones nothing (cn-2025).
      assert.ok(answers.some((a) => a.body.obligations.length > 0));
      // One event per incident, published after its commit.
      assert.deepEqual(
        filed
          .map((e) => e.data?.incident ?? e.incident)
          .filter((id) => ids.has(id))
          .sort(),
        [...ids].sort(),
      );
      // Written in groups: some transaction wrote several of these incidents.
      const groups = await tdb.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM incidents WHERE id = ANY($1::uuid[]) GROUP BY xmin::text ORDER BY n DESC',
        [[...ids]],
      );
      assert.ok(groups.rows[0]!.n > 1, `largest group ${groups.rows[0]!.n}`);
      // The ledger receipt of one of them, once the sequencer integrated it.
      const one = answers[7]!.body.id;
      let receipt = { status: 0, body: {} as Json, type: null as string | null };
      for (let i = 0; i < 100 && receipt.status !== 200; i++) {
        receipt = await call(s, op, 'GET', `/api/v1/ledger/receipts?kind=incident&id=${one}&version=1`);
        if (receipt.status !== 200) await new Promise((res) => setTimeout(res, 50));
      }
      assert.equal(receipt.status, 200, JSON.stringify(receipt.body));
    });

    test('a refused filing among many: its 422 or its failure is its own, the others are written', async () => {
      const awareAt = new Date(Date.now() - 5 * 60_000).toISOString();
      const future = new Date(Date.now() + 86_400_000).toISOString();
      const before = filed.length;
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          call(
            s,
            op,
            'POST',
            '/api/v1/incidents',
            i === 13
              ? body(i, future, `mixed ${i}`) // refused by validation
              : i === 21 || i === 22
                ? body(i, awareAt, `poison ${i}`) // refused by the database inside a group
                : body(i, awareAt, `mixed ${i}`),
          ),
        ),
      );
      for (const [i, a] of answers.entries()) {
        if (i === 13) {
          assert.equal(a.status, 422);
          assert.match(a.type ?? '', /^application\/problem\+json/);
          assert.deepEqual(
            a.body.errors.map((e: Json) => e.pointer),
            ['/awareAt'],
          );
        } else if (i === 21 || i === 22) {
          assert.equal(a.status, 500, JSON.stringify(a.body));
          assert.match(a.type ?? '', /^application\/problem\+json/);
        } else {
          assert.equal(a.status, 201, `filing ${i}: ${JSON.stringify(a.body)}`);
          assert.equal(a.body.title, `mixed ${i}`);
          const st = await stored(a.body.id);
          assert.equal(st.obligations.length, a.body.obligations.length);
          assert.equal(st.commitments, 1);
          assert.equal(st.events[0], 'filed');
        }
      }
      // Nothing of the refused ones: no incident, hence no obligations, events or commitments.
      const left = await tdb.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM incidents WHERE org_id = $1 AND (title LIKE 'poison%' OR title = 'mixed 13')`,
        [f.operator],
      );
      assert.equal(left.rows[0]!.n, 0);
      const orphans = await tdb.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ledger_commitments c WHERE c.record_kind = 'incident'
           AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id::text = c.record_id)`,
      );
      assert.equal(orphans.rows[0]!.n, 0);
      // Exactly one event per written filing: none from a rolled-back group.
      assert.equal(filed.length - before, 37);
    });
  });
}
