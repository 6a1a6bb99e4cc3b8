// Issue 3's independence claim, checked by a program that shares no code with src/ledger:
// test/ledger/independent_verifier.py, written in Python from RFC 9162 and the C2SP signed-note,
// tlog-checkpoint and tlog-tiles texts alone. A real server on in-memory PGlite accepts some
// hundreds of records; the verifier fetches the key, the checkpoint, every entry bundle and hash
// tile, checks the Ed25519 signature and recomputes the root (from the entries and, separately,
// from the hash tiles). Then single bytes of stored tiles, bundles and the checkpoint are flipped
// in the database and the verifier must refuse the log, naming what differs.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { systemActor } from '../../src/orgs/demo.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import type { Database } from '../../src/platform/db/types.ts';

const verifier = new URL('./independent_verifier.py', import.meta.url).pathname;
const ORGS = 40;
const APPENDS = 620;

function pythonMissing(): string | undefined {
  const r = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (r.status === 0) return undefined;
  const reason = `python3 is not available (${r.error?.message ?? r.stderr.trim()})`;
  if (process.env.CI === 'true')
    throw new Error(`CI=true: the independent verifier is mandatory, but ${reason}`);
  console.log(`skipping the independent verifier: ${reason}`);
  return reason;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the verifier asynchronously: the server answers from this same process. */
function runVerifier(url: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'python3',
      [verifier, url, ...args],
      { timeout: 120_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function commitments(db: Database): Promise<number> {
  const r = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM ledger_commitments');
  return Number(r.rows[0]!.n);
}

async function checkpointText(url: string): Promise<string> {
  const res = await fetch(`${url}/ledger/checkpoint`);
  assert.equal(res.status, 200);
  return res.text();
}

/** Polls until the served checkpoint covers every commitment in the database. */
async function waitCovered(url: string, db: Database): Promise<{ size: number; root: string }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const want = await commitments(db);
    const res = await fetch(`${url}/ledger/checkpoint`);
    if (res.status === 200) {
      const [, size, root] = (await res.text()).split('\n');
      if (Number(size) === want) return { size: want, root: root! };
    }
    if (Date.now() > deadline) throw new Error(`checkpoint does not cover ${want} commitments after 60 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Flips the low bit of one byte of a bytea column; returns an undo. */
async function flipByte(
  db: Database,
  table: string,
  where: string,
  offset: number,
): Promise<() => Promise<void>> {
  const before = await db.query<{ data: Uint8Array }>(`SELECT data FROM ${table} WHERE ${where}`);
  assert.equal(before.rows.length, 1, `one row of ${table} WHERE ${where}`);
  const original = Buffer.from(before.rows[0]!.data);
  assert.ok(offset < original.length, `offset ${offset} inside ${original.length} bytes`);
  const changed = Buffer.from(original);
  changed[offset]! ^= 0x01;
  await db.query(`UPDATE ${table} SET data = $1 WHERE ${where}`, [changed]);
  return async () => {
    await db.query(`UPDATE ${table} SET data = $1 WHERE ${where}`, [original]);
  };
}

const skip = pythonMissing();

describe('an independent Python verifier (RFC 9162 + C2SP only) checks the served ledger', { skip }, () => {
  let db: Database;
  let server: TestServer;
  let covered: { size: number; root: string };

  before(async () => {
    db = await openDatabase({});
    server = await startTestServer(db);
    const root = (await server.ctx.orgs.root())!;
    const actor = systemActor(root);
    // Records through a domain service (organizations, each committed in its own transaction)…
    for (let i = 0; i < ORGS; i++) {
      await server.ctx.orgs.createOrg(actor, {
        name: `Independent check operator ${i}`,
        kind: 'operator',
        parent: root.id,
        region: root.region,
        sector: 'energy',
      });
    }
    // …and many concurrent appends through group commit.
    await Promise.all(
      Array.from({ length: APPENDS }, (_, i) =>
        server.ctx.ledger.append({
          kind: 'report',
          id: `independent-${i}`,
          version: 1,
          org: root.id,
          record: { i, text: 'x'.repeat(i % 97) },
        }),
      ),
    );
    covered = await waitCovered(server.url, db);
    // The tamper cases below rely on this shape: two full tiles and a partial one at level 0.
    assert.ok(
      covered.size >= ORGS + APPENDS && covered.size > 512 && covered.size < 768,
      `size ${covered.size}`,
    );
  });

  after(async () => {
    await server?.close();
    await db?.close();
  });

  test('the signature verifies and the recomputed tree size and root are the checkpoint’s', async () => {
    const stored = await db.query<{ tree_size: string; root: Uint8Array }>(
      'SELECT tree_size::text, root FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1',
    );
    const storedRoot = Buffer.from(stored.rows[0]!.root).toString('base64');
    assert.equal(Number(stored.rows[0]!.tree_size), covered.size);
    assert.equal(storedRoot, covered.root);

    for (const backend of ['cryptography', 'openssl']) {
      const r = await runVerifier(server.url, '--ed25519', backend);
      assert.equal(r.code, 0, `verifier (${backend}) failed:\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /Ed25519 signature by \S+ verified/);
      assert.equal(/^tree_size=(\d+)$/m.exec(r.stdout)?.[1], String(covered.size));
      assert.equal(/^root=(\S+)$/m.exec(r.stdout)?.[1], covered.root);
      console.log(`${backend}: ${r.stdout.trim().split('\n').join(' | ')}`);
    }

    // The key pinned out of band (as a real auditor would) gives the same verdict.
    const key = (await (await fetch(`${server.url}/ledger/key`)).text()).trim();
    const pinned = await runVerifier(server.url, '--key', key);
    assert.equal(pinned.code, 0, pinned.stderr);
    assert.match(pinned.stdout, /\(pinned\)/);
  });

  test('signatures by unknown keys on the checkpoint are ignored, as signed-note requires', async () => {
    const [name, hexId] = (await (await fetch(`${server.url}/ledger/key`)).text()).trim().split('+');
    const otherId = ((Number.parseInt(hexId!, 16) ^ 1) >>> 0).toString(16).padStart(8, '0');
    const lines = [
      // a witness the verifier does not know
      `— witness.example/unknown ${randomBytes(4 + 72).toString('base64')}`,
      // the log's own name with another key id: "share a name but not an ID" is an unknown key
      `— ${name} ${Buffer.concat([Buffer.from(otherId, 'hex'), randomBytes(64)]).toString('base64')}`,
    ];
    for (const [i, line] of lines.entries())
      await db.query('INSERT INTO ledger_cosignatures (tree_size, witness, signature) VALUES ($1, $2, $3)', [
        covered.size,
        `unknown-${i}`,
        line,
      ]);
    try {
      const served = await checkpointText(server.url);
      for (const line of lines) assert.ok(served.includes(line), 'the foreign signature lines are served');
      const r = await runVerifier(server.url);
      assert.equal(r.code, 0, `verifier failed:\n${r.stdout}\n${r.stderr}`);
      assert.equal(/^root=(\S+)$/m.exec(r.stdout)?.[1], covered.root);
    } finally {
      await db.query('DELETE FROM ledger_cosignatures WHERE tree_size = $1', [covered.size]);
    }
  });

  test('a flipped byte in a stored tile, entry bundle or checkpoint makes the verifier fail, naming it', async () => {
    const cases: { what: string; table: string; where: string; offset: number; expect: RegExp[] }[] = [
      {
        what: 'level-0 hash tile 1, hash 1',
        table: 'ledger_tiles',
        where: 'level = 0 AND tile_index = 1',
        offset: 32 + 5,
        expect: [
          /^FAIL: entry 257 in tile\/entries\/001 hashes to [0-9a-f]{64}, but hash 1 of tile\/0\/001 is [0-9a-f]{64}$/m,
          // a full tile enters the root through its hash in the level-1 tile
          /^FAIL: hash 1 of tile\/1\/000\.p\/2 is [0-9a-f]{64}, but full tile\/0\/001 hashes to [0-9a-f]{64}$/m,
        ],
      },
      {
        what: 'level-0 partial hash tile 2, its last hash',
        table: 'ledger_tiles',
        where: 'level = 0 AND tile_index = 2',
        offset: (covered.size - 512 - 1) * 32 + 7,
        expect: [
          /^FAIL: entry \d+ in tile\/entries\/002\.p\/\d+ hashes to [0-9a-f]{64}, but hash \d+ of tile\/0\/002\.p\/\d+ is [0-9a-f]{64}$/m,
          // the rightmost hashes enter the root directly
          /^FAIL: root recomputed from the hash tiles is \S+, the signed checkpoint says \S+$/m,
        ],
      },
      {
        what: 'entry bundle 0, inside entry 0',
        table: 'ledger_entry_bundles',
        where: 'tile_index = 0',
        offset: 10,
        expect: [
          /^FAIL: entry 0 in tile\/entries\/000 hashes to [0-9a-f]{64}, but hash 0 of tile\/0\/000 is [0-9a-f]{64}$/m,
          /^FAIL: root recomputed from the \d+ entries is \S+, the signed checkpoint says \S+$/m,
        ],
      },
      {
        what: 'entry bundle 0, a length prefix',
        table: 'ledger_entry_bundles',
        where: 'tile_index = 0',
        offset: 0,
        expect: [/^FAIL: tile\/entries\/000: /m],
      },
      {
        what: 'level-1 hash tile 0, hash 0',
        table: 'ledger_tiles',
        where: 'level = 1 AND tile_index = 0',
        offset: 31,
        expect: [
          /^FAIL: hash 0 of tile\/1\/000\.p\/\d+ is [0-9a-f]{64}, but full tile\/0\/000 hashes to [0-9a-f]{64}$/m,
        ],
      },
    ];
    for (const c of cases) {
      const undo = await flipByte(db, c.table, c.where, c.offset);
      try {
        const r = await runVerifier(server.url);
        assert.equal(r.code, 1, `${c.what}: expected exit 1, got ${r.code}\n${r.stdout}\n${r.stderr}`);
        for (const re of c.expect) assert.match(r.stderr, re, `${c.what}: stderr was\n${r.stderr}`);
        assert.doesNotMatch(r.stdout, /^root=/m);
        console.log(`${c.what}: ${r.stderr.trim().split('\n')[0]}`);
      } finally {
        await undo();
      }
    }

    // The signed checkpoint itself: one character of the root line changed under the signature.
    const row = await db.query<{ note: string }>('SELECT note FROM ledger_checkpoints WHERE tree_size = $1', [
      covered.size,
    ]);
    const note = row.rows[0]!.note;
    const lines = note.split('\n');
    lines[2] = (lines[2]![0] === 'A' ? 'B' : 'A') + lines[2]!.slice(1);
    await db.query('UPDATE ledger_checkpoints SET note = $1 WHERE tree_size = $2', [
      lines.join('\n'),
      covered.size,
    ]);
    try {
      const r = await runVerifier(server.url);
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, /^FAIL: the Ed25519 signature by \S+ \(key id [0-9a-f]{8}\) does not verify/m);
      console.log(`checkpoint root line: ${r.stderr.trim()}`);
    } finally {
      await db.query('UPDATE ledger_checkpoints SET note = $1 WHERE tree_size = $2', [note, covered.size]);
    }

    // Restored: the log verifies again.
    const again = await runVerifier(server.url);
    assert.equal(again.code, 0, again.stderr);
  });

  test('the log verifies while it grows: partial tiles of a signed size stay served', async () => {
    let writing = true;
    const writer = (async () => {
      for (let round = 0; writing && round < 200; round++) {
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            server.ctx.ledger.append({
              kind: 'report',
              id: `growing-${round}-${i}`,
              version: 1,
              org: 'independent',
              record: { round, i },
            }),
          ),
        );
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const runs: Run[] = [];
    try {
      for (let i = 0; i < 3; i++) runs.push(await runVerifier(server.url));
    } finally {
      writing = false;
      await writer;
    }
    for (const r of runs) {
      assert.equal(r.code, 0, `verifier failed on a growing log:\n${r.stdout}\n${r.stderr}`);
      const size = /^tree_size=(\d+)$/m.exec(r.stdout)![1]!;
      const root = /^root=(\S+)$/m.exec(r.stdout)![1]!;
      const signed = await db.query<{ root: Uint8Array }>(
        'SELECT root FROM ledger_checkpoints WHERE tree_size = $1',
        [size],
      );
      assert.equal(signed.rows.length, 1, `a checkpoint of size ${size} was signed`);
      assert.equal(Buffer.from(signed.rows[0]!.root).toString('base64'), root);
    }
    const sizes = runs.map((r) => Number(/^tree_size=(\d+)$/m.exec(r.stdout)![1]));
    console.log(`sizes verified while growing: ${sizes.join(', ')}`);
    assert.ok(sizes.at(-1)! > covered.size, 'the log grew during the runs');
  });
});
