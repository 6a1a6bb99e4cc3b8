// bin/bulwark as a newcomer uses it: a fresh data directory, org/user/token commands, JSON lines,
// clear usage errors; and `serve` shutting down gracefully with requests in flight.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BIN, bulwarkSync } from '../support/processes.ts';

const bulwark = (args: string[], env: Record<string, string> = {}) => bulwarkSync(args, { env });

describe('bin/bulwark', () => {
  const data = mkdtempSync(join(tmpdir(), 'bulwark-cli-'));

  test('org, user and token commands on an embedded database', () => {
    assert.equal(
      bulwark(['org', 'list', '--data', data]).code,
      1,
      'empty database is explained, not crashed on',
    );
    const root = bulwark([
      'org',
      'create',
      '--root',
      '--name',
      'Test Centre',
      '--region',
      'TS',
      '--data',
      data,
    ]);
    assert.equal(root.code, 0, root.err);
    const rootId = root.out.trim();
    const child = bulwark([
      'org',
      'create',
      '--name',
      'Test Op',
      '--kind',
      'operator',
      '--parent',
      rootId,
      '--region',
      'TS-A',
      '--sector',
      'energy',
      '--critical',
      '--json',
      '--data',
      data,
    ]);
    assert.equal(child.code, 0, child.err);
    const op = JSON.parse(child.out) as { id: string; parent: string; critical: boolean };
    assert.equal(op.parent, rootId);
    assert.equal(op.critical, true);

    const list = bulwark(['org', 'list', '--json', '--data', data]);
    assert.equal(list.code, 0, list.err);
    const lines = list.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 2);
    for (const l of lines) for (const k of ['id', 'name', 'kind', 'parent']) assert.ok(k in l, k);

    const user = bulwark([
      'user',
      'create',
      '--username',
      'op.admin',
      '--name',
      'Op Admin',
      '--org',
      op.id,
      '--role',
      'admin',
      '--data',
      data,
    ]);
    assert.equal(user.code, 0, user.err);
    assert.match(user.out, /password: \S{12,}/);

    const tok = bulwark(['token', 'create', '--role', 'analyst', '--org', op.id, '--data', data]);
    assert.equal(tok.code, 0, tok.err);
    assert.match(tok.out.trim().split('\n').at(-1)!, /^bwk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    const rootTok = bulwark(['token', 'create', '--role', 'viewer', '--data', data]);
    assert.match(rootTok.out, new RegExp(`for org ${rootId}`));
  });

  test('usage errors are clear and exit 2', () => {
    const r = bulwark(['token', 'create', '--role', 'emperor', '--data', data]);
    assert.equal(r.code, 2);
    assert.match(r.err, /--role must be one of admin, analyst/);
    const u = bulwark(['org', 'list', '--bogus']);
    assert.equal(u.code, 2);
    assert.match(u.err, /Unknown option '--bogus'/);
    const n = bulwark(['frobnicate']);
    assert.equal(n.code, 2);
    assert.match(n.err, /unknown command: frobnicate/);
    const bad = bulwark([
      'org',
      'create',
      '--name',
      'X',
      '--kind',
      'operator',
      '--parent',
      'nope',
      '--region',
      'TS',
      '--data',
      data,
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /parent organization does not exist|parent/);
  });

  test('serve seeds the demo federation, answers, and finishes in-flight requests on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-serve-'));
    const child = spawn(BIN, ['serve', '--data', dir, '--port', '0'], {
      env: { ...process.env, LOG_LEVEL: 'debug', PORT: '' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 180_000);
      child.stdout.on('data', () => {
        const m = /serving (http:\/\/localhost:\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
    });
    assert.match(out, /Demo federation created/);
    const creds = readFileSync(join(dir, 'demo-credentials.txt'), 'utf8');
    assert.match(creds, /admin\s+\S+\s+\(admin/);
    const password = /admin\s+(\S+)/.exec(creds)![1]!;
    const signIn = await fetch(`${url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    assert.equal(signIn.status, 200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Sign-ins in flight when the signal arrives (each spends tens of milliseconds in scrypt): the
    // signal is sent once the server has logged that it is handling them. Those must get their
    // full answer before the process exits 0; connections it had not started reading may be
    // refused (503 or reset), never answered half.
    const body = JSON.stringify({ username: 'admin', password });
    const port = Number(new URL(url).port);
    const handling = new Promise<void>((resolve) => {
      child.stdout.on('data', () => {
        if ((out.match(/"url":"\/api\/v1\/session"/g) ?? []).length >= 2) resolve();
      });
    });
    const answers = Array.from({ length: 4 }, async () => {
      const sock = connect(port, '127.0.0.1');
      sock.on('error', () => undefined);
      await new Promise((resolve) => sock.once('connect', resolve));
      let answer = '';
      sock.on('data', (d) => (answer += d));
      const closed = new Promise((resolve) => sock.once('close', resolve));
      sock.write(
        `POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      await closed;
      return answer;
    });
    await handling;
    child.kill('SIGTERM');
    const got = await Promise.all(answers);
    const ok = got.filter((a) => /^HTTP\/1\.1 200 /.test(a));
    assert.ok(
      ok.length >= 2,
      `requests being handled at SIGTERM were answered: ${JSON.stringify(got.map((a) => a.slice(0, 15)))}`,
    );
    for (const a of ok) assert.match(a, /"csrfToken"/);
    for (const a of got) assert.ok(a === '' || /^HTTP\/1\.1 (200|503) /.test(a), a.slice(0, 100));
    // New connections after shutdown began are refused or answered 503, never left hanging.
    const late = await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 'refused',
    );
    assert.ok(late === 503 || late === 'refused', String(late));
    assert.equal(await exited, 0);
  });
});
