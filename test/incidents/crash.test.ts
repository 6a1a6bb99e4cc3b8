// kill -9 while reports arrive (issue 10, "done when"): reporters file incidents and their
// statutory reports concurrently through the API of a real `bulwark serve` child process; the
// server is killed with SIGKILL mid-stream and restarted on the same database. Every incident and
// every report answered 201 must then be there, the report with the content it was filed with and
// its obligation satisfied. Runs on PGlite (embedded data directory) and on PostgreSQL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createContext } from '../../src/app/context.ts';
import { seedDemoIfEmpty, systemActor } from '../../src/orgs/index.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import { testDatabaseKinds } from '../../src/platform/testing.ts';
import { type ServerProcess, startServer } from '../support/processes.ts';

/** Concurrent reporters. */
const REPORTERS = 8;
/** The server is killed once this many reports were acknowledged. */
const MIN_ACKNOWLEDGED = 12;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests.
type Json = Record<string, any>;

/** One exchange; undefined when the connection failed before a whole answer arrived. */
async function send(
  url: string,
  token: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; body: Json } | undefined> {
  try {
    const res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
  } catch {
    return undefined;
  }
}

const content = (n: string) => ({
  summary: `pumps down ${n}`,
  impact: 'one plant',
  assessment: 'contained',
  systems: 'SCADA',
  measures: 'isolated',
  contact: `duty officer ${n}`,
});

for (const kind of testDatabaseKinds()) {
  describe(`incident crash test on ${kind.name}`, { skip: kind.skip, timeout: 600_000 }, () => {
    test('kill -9 while reports arrive: no acknowledged incident or report is lost', async (t) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-incident-crash-'));
      const scratch = kind.name === 'postgres' ? await kind.open() : undefined;
      const env: Record<string, string> = {
        ...(scratch ? { DATABASE_URL: scratch.url! } : {}),
        BULWARK_DEMO: 'false',
        LOG_LEVEL: 'warn',
      };
      let server: ServerProcess | undefined;
      try {
        // The federation and a token of an operator, made before the server runs (an embedded
        // data directory has one owner at a time).
        const db = scratch?.db ?? (await openDatabase({ dataDir }));
        const config = loadConfig(
          { NODE_ENV: 'test', ...(scratch ? { DATABASE_URL: scratch.url! } : {}) },
          { dataDir },
        );
        const ctx = await createContext(config, { db });
        await seedDemoIfEmpty(db, ctx.orgs, dataDir, () => undefined);
        const rootOrg = (await ctx.orgs.root())!;
        const operator = await ctx.orgs.createOrg(systemActor(rootOrg), {
          name: 'crash waterworks',
          kind: 'operator',
          parent: rootOrg.id,
          region: 'BW',
          sector: 'water',
          critical: true,
        });
        const { token } = await ctx.auth.createToken(systemActor(rootOrg), {
          name: 'crash reporter',
          org: operator.id,
          role: 'responder',
        });
        await ctx.close();
        if (!scratch) await db.close();

        server = await startServer(['--data', dataDir, '--host', '127.0.0.1'], env, { timeoutMs: 180_000 });
        const s1 = server;
        const incidents: { id: string; title: string }[] = [];
        const reports: { incident: string; id: string; content: Json }[] = [];
        const refused: string[] = [];
        let stop = false;
        let serial = 0;
        const reporter = async () => {
          while (!stop) {
            const n = `${++serial}`;
            const filed = await send(`${s1.url}/api/v1/incidents`, token, 'POST', {
              title: `crash incident ${n}`,
              category: 'enisa:intrusions',
              grade: 'relatively-major',
              awareAt: new Date(Date.now() - 60_000).toISOString(),
            });
            if (!filed) return; // the server is gone
            if (filed.status !== 201) {
              refused.push(`incident ${filed.status} ${JSON.stringify(filed.body)}`);
              continue;
            }
            incidents.push({ id: filed.body.id, title: `crash incident ${n}` });
            const c = content(n);
            const r = await send(`${s1.url}/api/v1/incidents/${filed.body.id}/reports`, token, 'POST', {
              stage: 'initial-cii',
              content: c,
            });
            if (!r) return;
            if (r.status !== 201) refused.push(`report ${r.status} ${JSON.stringify(r.body)}`);
            else reports.push({ incident: filed.body.id, id: r.body.id, content: c });
          }
        };
        const clients = Array.from({ length: REPORTERS }, reporter);
        try {
          const end = Date.now() + 240_000;
          while (reports.length < MIN_ACKNOWLEDGED && Date.now() < end && refused.length === 0)
            await new Promise((r) => setTimeout(r, 20));
          assert.ok(reports.length >= MIN_ACKNOWLEDGED, `only ${reports.length} reports acknowledged`);
        } finally {
          // Killed while the reporters are still sending.
          s1.child.kill('SIGKILL');
          await s1.exited;
          stop = true;
          await Promise.all(clients);
        }
        t.diagnostic(
          `acknowledged before the crash: ${incidents.length} incidents, ${reports.length} reports`,
        );
        assert.deepEqual(refused, [], 'every write made while the server ran succeeded');

        server = await startServer(['--data', dataDir, '--host', '127.0.0.1'], env, { timeoutMs: 180_000 });
        const s2 = server;
        for (const i of incidents) {
          const got = await send(`${s2.url}/api/v1/incidents/${i.id}`, token, 'GET');
          assert.equal(got?.status, 200, `incident ${i.id} lost: ${JSON.stringify(got?.body)}`);
          assert.equal(got!.body.title, i.title);
        }
        for (const r of reports) {
          const list = await send(`${s2.url}/api/v1/incidents/${r.incident}/reports`, token, 'GET');
          assert.equal(list?.status, 200);
          const found = (list!.body.items as Json[]).find((x) => x.id === r.id);
          assert.ok(found, `report ${r.id} of incident ${r.incident} lost`);
          assert.deepEqual(found.content, r.content);
          const inc = await send(`${s2.url}/api/v1/incidents/${r.incident}`, token, 'GET');
          const ob = (inc!.body.obligations as Json[]).find((o) => o.stage === 'initial-cii');
          assert.equal(ob?.report, r.id, 'the obligation is satisfied by the acknowledged report');
          assert.ok(ob?.satisfiedAt);
        }
      } finally {
        if (server && server.child.exitCode === null) {
          server.child.kill('SIGTERM');
          await server.exited;
        }
        await scratch?.dispose();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
