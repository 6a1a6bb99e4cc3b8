import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { prepareDataDir } from './index.ts';

const mode = (p: string) => statSync(p).mode & 0o777;

test("a data directory others could enter is made this user's only, and the notice says how many entries changed", () => {
  const root = mkdtempSync(join(tmpdir(), 'bulwark-datadir-'));
  try {
    const dir = join(root, 'data');
    mkdirSync(join(dir, 'base'), { recursive: true });
    writeFileSync(join(dir, 'base', 'f'), 'x');
    chmodSync(join(dir, 'base', 'f'), 0o644);
    chmodSync(join(dir, 'base'), 0o755);
    chmodSync(dir, 0o755);
    const notices: string[] = [];
    prepareDataDir(dir, (m) => notices.push(m));
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(join(dir, 'base')), 0o700);
    assert.equal(mode(join(dir, 'base', 'f')), 0o600);
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /3 files and folders are now this user's only/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('files the engine made 0644 inside a private directory are tightened without a notice', () => {
  const root = mkdtempSync(join(tmpdir(), 'bulwark-datadir-'));
  try {
    const dir = join(root, 'data');
    mkdirSync(join(dir, 'global'), { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    writeFileSync(join(dir, 'global', 'pg_internal.init'), 'x');
    chmodSync(join(dir, 'global', 'pg_internal.init'), 0o644);
    const notices: string[] = [];
    prepareDataDir(dir, (m) => notices.push(m));
    assert.equal(mode(join(dir, 'global', 'pg_internal.init')), 0o600);
    assert.deepEqual(notices, []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a new directory is created 0700', () => {
  const root = mkdtempSync(join(tmpdir(), 'bulwark-datadir-'));
  try {
    const dir = join(root, 'a', 'data');
    prepareDataDir(dir, () => assert.fail('nothing to say about a new directory'));
    assert.equal(mode(dir), 0o700);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
