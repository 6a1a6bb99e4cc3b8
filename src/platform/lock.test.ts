// The data-directory lock: exclusive, naming its owner, taken over only from a process that is gone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireDataDirLock, DataDirBusyError, LOCK_FILE, ownerLiveness, readLock } from './lock.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'bulwark-lock-'));

/** The pid of a process that has exited (and so cannot own anything). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

test('a second taker is refused, naming the owner; release frees the directory', () => {
  const d = dir();
  const lock = acquireDataDirLock(d, 'serve');
  const info = JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8'));
  assert.equal(info.pid, process.pid);
  assert.equal(info.host, hostname());
  assert.equal(info.command, 'serve');
  assert.ok(Date.parse(info.startedAt) > 0);
  assert.throws(
    () => acquireDataDirLock(d, 'import osv'),
    (err: unknown) =>
      err instanceof DataDirBusyError &&
      err.owner.pid === process.pid &&
      /in use by `bulwark serve` \(pid \d+ on /.test(err.message),
  );
  lock.release();
  assert.equal(readLock(d), undefined);
  acquireDataDirLock(d, 'migrate').release();
});

test('the lock file is private to its user', () => {
  const d = dir();
  const lock = acquireDataDirLock(d, 'serve');
  lock.advertise({ socket: '/tmp/x.sock', secret: 's3cret' });
  assert.equal(statSync(join(d, LOCK_FILE)).mode & 0o077, 0);
  assert.equal(readLock(d)?.control?.secret, 's3cret');
  lock.release();
});

test('a lock whose process is gone is taken over, and says whose it was', () => {
  const d = dir();
  const pid = deadPid();
  writeFileSync(
    join(d, LOCK_FILE),
    JSON.stringify({ pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', command: 'serve' }),
  );
  assert.equal(ownerLiveness(readLock(d)!), 'dead');
  const lock = acquireDataDirLock(d, 'serve');
  assert.equal(lock.tookOverFrom?.pid, pid);
  assert.equal(readLock(d)?.pid, process.pid);
  lock.release();
});

test('a live pid that is another process (reused pid) does not hold the lock', () => {
  const d = dir();
  // A running process (our parent) recorded with another kernel start time: the pid was reused.
  writeFileSync(
    join(d, LOCK_FILE),
    JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: 'x', procStart: '1', command: 'serve' }),
  );
  assert.equal(ownerLiveness(readLock(d)!), 'dead');
  acquireDataDirLock(d, 'serve').release();
});

test('a lock cut short by a crash (unreadable) is taken over; one on another host is not', () => {
  const d = dir();
  writeFileSync(join(d, LOCK_FILE), '{"pid":');
  // Just written: it may be a lock being written right now.
  assert.throws(() => acquireDataDirLock(d, 'serve'), DataDirBusyError);
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(d, LOCK_FILE), old, old);
  acquireDataDirLock(d, 'serve').release();
  writeFileSync(
    join(d, LOCK_FILE),
    JSON.stringify({ pid: 1, host: 'elsewhere.example', startedAt: 'x', command: 'serve' }),
  );
  assert.throws(
    () => acquireDataDirLock(d, 'serve'),
    (err: unknown) =>
      err instanceof DataDirBusyError && err.liveness === 'unknown' && /cannot be checked/.test(err.message),
  );
});

test('release leaves a lock that is no longer ours alone', () => {
  const d = dir();
  const lock = acquireDataDirLock(d, 'serve');
  const other = { pid: 12345, host: 'elsewhere.example', startedAt: 'y', command: 'serve' };
  writeFileSync(join(d, LOCK_FILE), JSON.stringify(other));
  lock.release();
  assert.deepEqual(readLock(d), other);
});
