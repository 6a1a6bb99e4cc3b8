// When Go and the Debian x/mod sources are present, regenerate the reference fixtures and check
// that the committed test/ledger/fixtures.json holds exactly what the reference implementation says.
// Regenerate: GO111MODULE=off GOPATH=/usr/share/gocode go run ./test/ledger/reference > test/ledger/fixtures.json
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../../', import.meta.url).pathname;
const gopath = '/usr/share/gocode';
const haveGo =
  spawnSync('go', ['version']).status === 0 && existsSync(`${gopath}/src/golang.org/x/mod/sumdb/tlog`);

test('fixtures.json is what the Go reference generates', {
  skip: haveGo ? undefined : 'go or golang-golang-x-mod-dev not installed',
  timeout: 120_000,
}, () => {
  const r = spawnSync('go', ['run', './test/ledger/reference'], {
    cwd: root,
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH: gopath,
      GOFLAGS: '',
      GOCACHE: process.env.GOCACHE ?? '/tmp/bulwark-gocache',
    },
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  // Compared as data: the committed file is formatted by biome (npx biome format --write test/ledger/fixtures.json).
  assert.deepEqual(
    JSON.parse(r.stdout),
    JSON.parse(readFileSync(`${root}test/ledger/fixtures.json`, 'utf8')),
  );
});
