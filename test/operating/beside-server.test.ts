// The embedded database with two real processes, as a newcomer runs them: `bulwark serve` in one
// terminal and commands in another on the same data directory. Commands run inside the server
// (its control socket), their writes are visible to it at once and survive restarts; a second
// owner is refused; a lock left by a killed server is taken over; backup while writing, restore,
// and the move to PostgreSQL keep every record and the same ledger.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { acquireDataDirLock, LOCK_FILE } from '../../src/platform/lock.ts';
import { runCli, type ServerProcess, startServer } from '../support/processes.ts';

const OSV_GO_DIR = new URL('../../../shared/data/osv-go', import.meta.url).pathname;
const SBOM = new URL('../fixtures/sbom/cyclonedx-1.6-go.json', import.meta.url).pathname;

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `bulwark-${name}-`));

async function api(server: ServerProcess, token: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  return { status: res.status, body: body as Record<string, unknown> };
}

/** Clients reading and writing through the API until stopped; every answer is kept. */
function traffic(server: ServerProcess, token: string, parent: string) {
  const statuses: number[] = [];
  const created: string[] = [];
  let stop = false;
  const loop = async (i: number) => {
    for (let n = 0; !stop; n++) {
      const h = await fetch(`${server.url}/healthz`);
      statuses.push(h.status);
      statuses.push((await api(server, token, '/api/v1/advisories?limit=5')).status);
      const w = await api(server, token, '/api/v1/orgs', {
        method: 'POST',
        body: JSON.stringify({
          name: `beside ${i}-${n}`,
          kind: 'operator',
          parent,
          region: 'BW',
          sector: 'energy',
        }),
      });
      statuses.push(w.status);
      if (w.status === 201) created.push(w.body.id as string);
      // A few users' pace, not a load test.
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const clients = [loop(0), loop(1), loop(2)];
  return {
    statuses,
    created,
    async stop() {
      stop = true;
      await Promise.all(clients);
    },
  };
}

const lastLine = (text: string) => text.trim().split('\n').at(-1)!;

describe('the embedded database with the server and the command line side by side', {
  timeout: 600_000,
}, () => {
  const dir = tmp('beside');
  let server: ServerProcess | undefined;
  let token = '';
  let root = '';
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a token and an organization made by the command line work at once and after a restart', async () => {
    server = await startServer(['--data', dir], { BULWARK_DEMO: 'true' });
    const lock = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    assert.equal(lock.pid, server.child.pid);
    assert.equal(lock.command, 'serve');
    assert.ok(lock.control.socket, 'the server advertises its control socket');
    assert.equal(statSync(dir).mode & 0o077, 0, 'the data directory is private');

    const t = await runCli(['token', 'create', '--role', 'admin', '--data', dir]);
    assert.equal(t.code, 0, t.err);
    token = lastLine(t.out);
    assert.match(token, /^bwk_/);
    const orgs = await api(server, token, '/api/v1/orgs');
    assert.equal(orgs.status, 200, 'the server accepts the token at once');
    root = (orgs.body.items as { id: string; parent: string | null }[]).find((o) => o.parent === null)!.id;

    const made = await runCli([
      'org',
      'create',
      '--name',
      'Made beside',
      '--kind',
      'operator',
      '--parent',
      root,
      '--region',
      'BW',
      '--sector',
      'water',
      '--data',
      dir,
    ]);
    assert.equal(made.code, 0, made.err);
    const orgId = lastLine(made.out);
    assert.equal(
      (await api(server, token, `/api/v1/orgs/${orgId}`)).status,
      200,
      'the server sees the organization at once',
    );

    // The same output and exit codes as alone: a usage error is a usage error.
    const bad = await runCli(['token', 'create', '--role', 'emperor', '--data', dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--role must be one of/);

    assert.equal(await server.stop(), 0);
    assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'a clean stop releases the lock');
    server = await startServer(['--data', dir]);
    assert.equal(
      (await api(server, token, `/api/v1/orgs/${orgId}`)).status,
      200,
      'token and organization survive the restart',
    );
  });

  test('a second server on the same directory is refused, naming the owner, and nothing is touched', async () => {
    const before = readFileSync(join(dir, LOCK_FILE), 'utf8');
    const second = await runCli(['serve', '--data', dir, '--port', '0']);
    assert.equal(second.code, 1);
    assert.match(second.err, new RegExp(`in use by \`bulwark serve\` \\(pid ${server!.child.pid} on `));
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), before);
    assert.equal((await fetch(`${server!.url}/healthz`)).status, 200);
  });

  test('a command beside an owner that takes no commands is refused and writes nothing', async () => {
    const other = tmp('owner');
    const lock = acquireDataDirLock(other, 'import osv');
    try {
      const r = await runCli(['org', 'create', '--root', '--name', 'X', '--region', 'X', '--data', other]);
      assert.equal(r.code, 1);
      assert.match(
        r.err,
        /in use by `bulwark import osv` \(pid \d+.*does not take commands from other processes/s,
      );
      assert.match(r.err, /Nothing was changed/);
      assert.equal(JSON.parse(readFileSync(join(other, LOCK_FILE), 'utf8')).pid, process.pid);
    } finally {
      lock.release();
      rmSync(other, { recursive: true, force: true });
    }
  });

  test('the whole Go vulnerability database imported beside the server while clients read and write', async () => {
    const s = server!;
    // The demo federation may ship a few advisories of its own.
    const already = (await api(s, token, '/api/v1/advisories?limit=1')).body.total as number;
    const exposedBefore = (await api(s, token, '/api/v1/exposures?limit=1')).body.total as number;
    const load = traffic(s, token, root);
    const imported = await runCli(['import', 'osv', OSV_GO_DIR, '--data', dir], {}, 540_000);
    await load.stop();
    assert.equal(imported.code, 0, imported.err);
    const created = Number(/created (\d+)/.exec(imported.out)?.[1]);
    assert.ok(created > 4000, imported.out);
    const total = already + created;
    assert.ok(load.statuses.length > 0);
    assert.deepEqual(
      load.statuses.filter((c) => c >= 300),
      [],
      'every read and write during the import was answered with success',
    );
    assert.ok(load.created.length > 0);
    const listed = await api(s, token, '/api/v1/advisories?limit=1');
    assert.equal(listed.body.total, total, 'the server sees every imported advisory at once');

    // The import matched the demo assets too; the SBOM's own exposures come on top of those.
    const exposedAfterImport = (await api(s, token, '/api/v1/exposures?limit=1')).body.total as number;
    assert.ok(exposedAfterImport >= exposedBefore);
    const sbom = await runCli(['import', 'sbom', SBOM, '--asset', 'Gateway beside', '--data', dir]);
    assert.equal(sbom.code, 0, sbom.err);
    const opened = Number(/exposures opened (\d+)/.exec(sbom.out)?.[1]);
    assert.ok(opened > 0, `the SBOM matched the advisories the CLI imported: ${sbom.out}`);
    const exposures = await api(s, token, '/api/v1/exposures?limit=1');
    assert.equal(exposures.body.total, exposedAfterImport + opened);

    const audit = await runCli(['ledger', 'audit', '--local', '--data', dir]);
    assert.equal(audit.code, 0, audit.err);
    assert.match(audit.out, /^ok: /m);

    // kill -9: the lock stays behind; the next server takes it over and has everything.
    s.child.kill('SIGKILL');
    await s.exited;
    assert.ok(existsSync(join(dir, LOCK_FILE)));
    server = await startServer(['--data', dir]);
    assert.match(server.stderr(), /took over the lock of `bulwark serve` \(pid \d+/);
    assert.equal((await api(server, token, '/api/v1/advisories?limit=1')).body.total, total);
    assert.equal(
      (await api(server, token, '/api/v1/exposures?limit=1')).body.total,
      exposedAfterImport + opened,
    );
    for (const id of load.created)
      assert.equal(
        (await api(server, token, `/api/v1/orgs/${id}`)).status,
        200,
        `organization ${id} acknowledged during the import`,
      );
  });

  test('backup while writing, restore, audit, serve; then move to PostgreSQL with the same ledger', async (t) => {
    const s = server!;
    const load = traffic(s, token, root);
    await new Promise((r) => setTimeout(r, 300));
    const before = [...load.created];
    const file = join(tmp('backup'), 'bulwark.tgz');
    const backup = await runCli(['backup', file, '--data', dir]);
    await load.stop();
    assert.equal(backup.code, 0, backup.err);
    const m = /: (\d+) bytes, sha256 ([0-9a-f]{64})/.exec(backup.out);
    assert.ok(m, backup.out);
    assert.equal(statSync(file).size, Number(m[1]));
    assert.equal(statSync(file).mode & 0o077, 0, 'the backup is private');
    assert.equal(
      (await runCli(['backup', file, '--data', dir])).code,
      2,
      'an existing file is not overwritten',
    );

    const restored = tmp('restored');
    const r = await runCli(['restore', file, '--data', restored]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /stored entries match the published entry bundles/);
    assert.match(r.out, /^ok: /m);
    const again = await runCli(['restore', file, '--data', restored]);
    assert.equal(again.code, 2);
    assert.match(again.err, /not an empty directory/);

    const s3 = await startServer(['--data', restored]);
    try {
      for (const id of before) assert.equal((await api(s3, token, `/api/v1/orgs/${id}`)).status, 200);
      const refused = await runCli(['move-to', 'postgres://127.0.0.1:1/none', '--data', restored]);
      assert.equal(refused.code, 1);
      assert.match(refused.err, /moving needs the database to itself/);
    } finally {
      await s3.stop();
    }

    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) {
      if (process.env.CI === 'true')
        assert.fail('CI=true needs TEST_DATABASE_URL for the move to PostgreSQL');
      t.skip('TEST_DATABASE_URL is not set: the move to PostgreSQL is not tried');
      return;
    }
    const name = `bulwark_move_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    try {
      const moved = await runCli(['move-to', url.toString(), '--data', restored]);
      assert.equal(moved.code, 0, moved.err);
      assert.match(moved.out, /row counts match; ledger .* matches/);
      assert.match(moved.out, /DATABASE_URL='postgres:/);
      const notEmpty = await runCli(['move-to', url.toString(), '--data', restored]);
      assert.equal(notEmpty.code, 1);
      assert.match(notEmpty.err, /not empty/);

      // The start line move-to printed: the database URL and, with no secret, the key-encryption key file.
      const kek = /BULWARK_LEDGER_KEK_FILE='([^']+)'/.exec(moved.out)?.[1];
      assert.ok(kek, moved.out);
      const onPg = await startServer([], { DATABASE_URL: url.toString(), BULWARK_LEDGER_KEK_FILE: kek });
      const embedded = await startServer(['--data', restored]);
      try {
        const a = await api(embedded, token, '/api/v1/ledger/status');
        const b = await api(onPg, token, '/api/v1/ledger/status');
        assert.equal(b.status, 200);
        assert.equal(b.body.origin, a.body.origin);
        assert.equal(b.body.verifierKey, a.body.verifierKey);
        assert.equal(b.body.treeSize, a.body.treeSize);
        assert.equal(b.body.root, a.body.root, 'the same ledger root on PostgreSQL');
        for (const id of before) assert.equal((await api(onPg, token, `/api/v1/orgs/${id}`)).status, 200);
        assert.equal(
          (await api(onPg, token, '/api/v1/advisories?limit=1')).body.total,
          (await api(embedded, token, '/api/v1/advisories?limit=1')).body.total,
        );
      } finally {
        await onPg.stop();
        await embedded.stop();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      rmSync(restored, { recursive: true, force: true });
    }
  });
});
