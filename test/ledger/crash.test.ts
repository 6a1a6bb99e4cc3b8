// Durability under kill -9: clients write records through the API of a real `bulwark serve`
// child process while the ledger sequences them; the server is killed with SIGKILL mid-stream and
// restarted. Every acknowledged record must then have its entry in the log, every checkpoint
// published before the crash must be consistent with the new one, and the whole tree must
// recompute from the public tiles. Runs on PGlite (a data directory) and on PostgreSQL.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createContext } from '../../src/app/context.ts';
import { auditLog, httpLogSource } from '../../src/ledger/audit.ts';
import { openCheckpoint } from '../../src/ledger/checkpoint.ts';
import { verifyConsistency } from '../../src/ledger/merkle.ts';
import { parseVerifierKey } from '../../src/ledger/note.ts';
import { verifyReceipt } from '../../src/ledger/receipt.ts';
import { seedDemoIfEmpty, systemActor } from '../../src/orgs/demo.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import { testDatabaseKinds } from '../../src/platform/testing.ts';

const root = new URL('../../', import.meta.url).pathname;
const ORIGIN = 'crash.test/ledger';
const WRITERS = 16;
const WRITE_MS = 2500;

interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

function startServer(env: Record<string, string>, dataDir: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    [join(root, 'bin/bulwark'), 'serve', '--data', dataDir, '--port', '0'],
    {
      env: {
        ...process.env,
        ...env,
        BULWARK_DEMO: 'false',
        LOG_LEVEL: 'warn',
        BULWARK_LEDGER_ORIGIN: ORIGIN,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 60_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /serving (http:\/\/\S+?)[\s,]/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!.replace('localhost', '127.0.0.1'), exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code} before listening: ${err}`));
    });
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`ledger crash test on ${kind.name}`, { skip: kind.skip, timeout: 240_000 }, () => {
    test('kill -9 while clients write: nothing acknowledged is lost, history stays consistent', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-crash-'));
      const scratch = kind.name === 'postgres' ? await kind.open() : undefined;
      const env: Record<string, string> = scratch ? { DATABASE_URL: scratch.url! } : {};
      let server: Server | undefined;
      try {
        // Seed the federation and an admin token before the server runs (PGlite is single-process).
        const db = scratch?.db ?? (await openDatabase({ dataDir }));
        const config = loadConfig({ NODE_ENV: 'test', ...env }, { dataDir });
        const ctx = await createContext(config, { db });
        await seedDemoIfEmpty(db, ctx.orgs, dataDir, () => undefined);
        const rootOrg = (await ctx.orgs.root())!;
        const { token } = await ctx.auth.createToken(systemActor(rootOrg), {
          name: 'crash',
          org: rootOrg.id,
          role: 'admin',
        });
        await ctx.close();
        if (!scratch) await db.close();
        const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

        server = await startServer(env, dataDir);
        const s1 = server;
        const key = parseVerifierKey((await (await fetch(`${s1.url}/ledger/key`)).text()).trim());

        const acknowledged: string[] = [];
        const checkpoints = new Map<number, string>();
        let stop = false;
        const writer = async (w: number) => {
          for (let i = 0; !stop; i++) {
            try {
              const res = await fetch(`${s1.url}/api/v1/orgs`, {
                method: 'POST',
                headers: auth,
                body: JSON.stringify({
                  name: `crash ${w}-${i}`,
                  kind: 'operator',
                  parent: rootOrg.id,
                  region: 'BW',
                  sector: 'energy',
                }),
              });
              if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
              else if (!stop) assert.fail(`write answered ${res.status}: ${await res.text()}`);
            } catch {
              return; // the server is gone: this write was not acknowledged
            }
          }
        };
        const poller = async () => {
          while (!stop) {
            try {
              const note = await (await fetch(`${s1.url}/ledger/checkpoint`)).text();
              checkpoints.set(openCheckpoint(note, key).checkpoint.size, note);
            } catch {
              return;
            }
            await new Promise((r) => setTimeout(r, 20));
          }
        };
        const clients = [...Array.from({ length: WRITERS }, (_, w) => writer(w)), poller()];
        await new Promise((r) => setTimeout(r, WRITE_MS));
        s1.child.kill('SIGKILL');
        await s1.exited;
        stop = true;
        await Promise.all(clients);
        assert.ok(acknowledged.length > 50, `only ${acknowledged.length} writes were acknowledged`);
        assert.ok(checkpoints.size > 3, `only ${checkpoints.size} checkpoints were seen`);

        // Restart on the same database; the sequencer integrates what was committed but not sequenced.
        server = await startServer(env, dataDir);
        const s2 = server;
        const status = await waitFor('the sequencer to catch up', async () => {
          const st = (await (await fetch(`${s2.url}/api/v1/ledger/status`)).json()) as {
            pending: number;
            treeSize: number;
          };
          return st.pending === 0 ? st : undefined;
        });
        const latest = openCheckpoint(
          await (await fetch(`${s2.url}/ledger/checkpoint`)).text(),
          key,
        ).checkpoint;
        assert.ok(
          latest.size >= acknowledged.length,
          `tree size ${latest.size} < ${acknowledged.length} acknowledged`,
        );
        assert.ok(latest.size >= status.treeSize);

        // Every acknowledged record has a receipt that verifies offline.
        for (const id of acknowledged) {
          const res = await fetch(`${s2.url}/api/v1/ledger/receipts?kind=organization&id=${id}`, {
            headers: auth,
          });
          assert.equal(res.status, 200, `receipt for acknowledged org ${id}: ${res.status}`);
          const r = (await res.json()) as { receipt: string };
          const v = verifyReceipt(r.receipt, key);
          assert.equal(JSON.parse(v.entry!.toString('utf8')).id, id);
        }

        // Every checkpoint seen before the crash is consistent with the new one.
        for (const [size, note] of checkpoints) {
          const before = openCheckpoint(note, key).checkpoint;
          assert.ok(before.size <= latest.size);
          if (size === 0) continue;
          const p = (await (
            await fetch(`${s2.url}/api/v1/ledger/proofs/consistency?from=${size}&to=${latest.size}`)
          ).json()) as {
            proof: string[];
          };
          verifyConsistency(
            size,
            latest.size,
            before.root,
            latest.root,
            p.proof.map((h) => Buffer.from(h, 'base64')),
          );
        }

        // And an outside auditor recomputes the whole tree from the public tiles.
        const report = await auditLog(httpLogSource(s2.url), key, { full: true });
        assert.equal(report.recomputed, latest.size);
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
