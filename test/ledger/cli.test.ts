// The ledger's command-line tools as an outsider runs them: the RFC 9162 verifiers on stdin, the
// receipt verifier, and a witness cosigning a running server's checkpoints.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { b64, fixtureEntry, loadFixtures } from '../../src/ledger/fixtures.test-util.ts';
import { leafHash } from '../../src/ledger/merkle.ts';

const root = new URL('../../', import.meta.url).pathname;
const fx = loadFixtures();

function cli(args: string[], input?: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(root, 'bin/bulwark'), ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

describe('bulwark ledger verify-inclusion / verify-consistency', () => {
  test('exit 0 on valid proofs, 1 with the reason on invalid ones, 2 on bad input', () => {
    const c = fx.inclusion.find((x) => x.size === 1100 && x.index === 511)!;
    const valid = {
      leafIdx: c.index,
      treeSize: c.size,
      root: fx.roots['1100'],
      leafHash: leafHash(fixtureEntry(c.index)).toString('base64'),
      proof: c.proof,
    };
    // One process per case is slow; check a handful through the real command.
    let r = cli(['ledger', 'verify-inclusion'], JSON.stringify(valid));
    assert.equal(r.status, 0, r.stderr);
    const flipped = b64(c.proof[3]!);
    flipped[0]! ^= 1;
    r = cli(
      ['ledger', 'verify-inclusion'],
      JSON.stringify({
        ...valid,
        proof: [...c.proof.slice(0, 3), flipped.toString('base64'), ...c.proof.slice(4)],
      }),
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /INVALID: inclusion proof does not lead to the root hash/);
    r = cli(['ledger', 'verify-inclusion'], JSON.stringify({ ...valid, proof: c.proof.slice(1) }));
    assert.equal(r.status, 1);
    r = cli(
      ['ledger', 'verify-inclusion'],
      JSON.stringify({ ...valid, leafIdx: 0, treeSize: 1, root: valid.leafHash, proof: null }),
    );
    assert.equal(r.status, 0, r.stderr);
    r = cli(['ledger', 'verify-inclusion'], JSON.stringify({ ...valid, root: 'nope' }));
    assert.equal(r.status, 2);

    const k = fx.consistency.find((x) => x.size1 === 257 && x.size2 === 1100)!;
    const cons = { size1: 257, size2: 1100, root1: fx.roots['257'], root2: fx.roots['1100'], proof: k.proof };
    r = cli(['ledger', 'verify-consistency'], JSON.stringify(cons));
    assert.equal(r.status, 0, r.stderr);
    r = cli(
      ['ledger', 'verify-consistency'],
      JSON.stringify({ ...cons, root1: cons.root2, root2: cons.root1 }),
    );
    assert.equal(r.status, 1);
    r = cli(
      ['ledger', 'verify-consistency'],
      JSON.stringify({ ...cons, size1: 0, root1: 'SWOeVEvITKlZS/DS7tyWnw0ULZmm27m4TKqsrJvAxFs=', proof: [] }),
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /empty tree is invalid/);
  });
});

describe('bulwark ledger witness against a running server', () => {
  test('cosigns consistent checkpoints; the server serves the cosignature', {
    timeout: 180_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-witness-'));
    let child: ChildProcess | undefined;
    try {
      const key = cli(['ledger', 'witness-key', '--name', 'witness.test/w1']);
      assert.equal(key.status, 0, key.stderr);
      const skey = /private key: (\S+)/.exec(key.stdout)![1]!;
      const vkey = /verifier key: (\S+)/.exec(key.stdout)![1]!;
      writeFileSync(join(dir, 'witness.key'), `${skey}\n`);
      child = spawn(
        process.execPath,
        [join(root, 'bin/bulwark'), 'serve', '--data', join(dir, 'db'), '--port', '0'],
        {
          env: {
            ...process.env,
            LOG_LEVEL: 'warn',
            BULWARK_LEDGER_WITNESSES: vkey,
            BULWARK_LEDGER_ORIGIN: 'witness.test/ledger',
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child!.stdout!.on('data', (d) => {
          out += d;
          const m = /serving (http:\/\/\S+?)[\s,]/.exec(out);
          if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
        });
        child!.on('exit', (code) => reject(new Error(`server exited ${code}`)));
      });
      const status = async () =>
        (await (await fetch(`${url}/api/v1/ledger/status`)).json()) as {
          treeSize: number;
          pending: number;
          witnesses: { lastCosignedSize: number | null }[];
        };
      // The demo federation's records get sequenced.
      for (let i = 0; i < 100 && ((await status()).treeSize === 0 || (await status()).pending > 0); i++)
        await new Promise((r) => setTimeout(r, 100));
      const logKey = (await (await fetch(`${url}/ledger/key`)).text()).trim();
      const state = join(dir, 'witness.json');
      const run = async () =>
        new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
          const p = spawn(process.execPath, [
            join(root, 'bin/bulwark'),
            'ledger',
            'witness',
            '--url',
            url,
            '--key',
            logKey,
            '--witness-key',
            join(dir, 'witness.key'),
            '--state',
            state,
          ]);
          let stdout = '';
          let stderr = '';
          p.stdout.on('data', (d) => (stdout += d));
          p.stderr.on('data', (d) => (stderr += d));
          p.on('exit', (code) => resolve({ status: code, stdout, stderr }));
        });
      const first = await run();
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /cosigned witness\.test\/ledger at size \d+ as witness\.test\/w1/);
      const cp = await (await fetch(`${url}/ledger/checkpoint`)).text();
      assert.match(cp, /\n— witness\.test\/w1 /);
      const s = await status();
      assert.equal(s.witnesses[0]!.lastCosignedSize, Number(cp.split('\n')[1]));
      const second = await run();
      assert.equal(second.status, 0, second.stderr);
      assert.match(second.stdout, /consistent with the previous checkpoint/);
      // A state from a forked history makes the witness refuse.
      writeFileSync(
        state,
        JSON.stringify({
          origin: 'witness.test/ledger',
          size: 3,
          root: Buffer.alloc(32).toString('base64'),
          checkpoint: '',
        }),
      );
      const refused = await run();
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /refusing to cosign: checkpoint of size \d+ is NOT consistent/);
    } finally {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child!.on('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
