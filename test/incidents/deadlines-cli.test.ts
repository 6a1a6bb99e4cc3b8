// `bulwark deadlines` follows the stored regimes when it is pointed at a database (--data DIR, or
// DATABASE_URL): after an administrator stores version 2 of a regime, the command computes from
// version 2 there, while without a database it still computes from the shipped version 1. On the
// embedded database (PGlite) and, with TEST_DATABASE_URL, on PostgreSQL.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createScratchDatabase } from '../../src/platform/testing.ts';
import { bulwarkSync } from '../support/processes.ts';

const AWARE = '2026-03-02T10:00:00Z';
const HOUR = 3_600_000;

/** The initial NIS2 early warning's deadline as the command prints it, in hours after awareness. */
function earlyWarningHours(args: string[], env: Record<string, string>): number {
  const r = bulwarkSync(
    ['deadlines', '--regime', 'eu-nis2', '--aware', AWARE, '--grade', 'major', '--json', ...args],
    { env },
  );
  assert.equal(r.code, 0, r.err);
  const rows = JSON.parse(r.out) as { stage: string; due: string }[];
  return (new Date(rows[0]!.due).getTime() - new Date(AWARE).getTime()) / HOUR;
}

/** Stores version 2 of eu-nis2 with a 12-hour early warning, through the CLI. */
function storeVersion2(dir: string, args: string[], env: Record<string, string>): void {
  assert.equal(
    bulwarkSync(['org', 'create', '--root', '--name', 'Centre', '--region', 'TS', ...args], { env }).code,
    0,
  );
  const show = bulwarkSync(['incidents', 'regimes', 'show', 'eu-nis2', ...args], { env });
  assert.equal(show.code, 0, show.err);
  const def = JSON.parse(show.out) as { stages: { delay: Record<string, number> }[] };
  def.stages[0]!.delay = { hours: 12 };
  const file = join(dir, 'nis2.json');
  writeFileSync(file, JSON.stringify(def));
  const set = bulwarkSync(['incidents', 'regimes', 'set', file, ...args], { env });
  assert.equal(set.code, 0, set.err);
  assert.match(set.out, /eu-nis2: stored as version 2/);
}

describe('bulwark deadlines and the stored regimes', () => {
  test('embedded database: version 2 with --data, the shipped version 1 without', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-deadlines-cli-'));
    const data = ['--data', join(dir, 'data')];
    const env = { DATABASE_URL: '' };
    assert.equal(earlyWarningHours([], env), 24);
    storeVersion2(dir, data, env);
    assert.equal(earlyWarningHours(data, env), 12);
    assert.equal(earlyWarningHours([], env), 24);
    // A regime the database does not hold is refused with the ones it does.
    const r = bulwarkSync(['deadlines', '--regime', 'xx', '--aware', AWARE, ...data], { env });
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--regime must be one of .*eu-nis2/);
  });

  test('PostgreSQL: version 2 through DATABASE_URL', { skip: !process.env.TEST_DATABASE_URL }, async () => {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'bulwark-deadlines-cli-pg-'));
      const env = { DATABASE_URL: scratch.url };
      storeVersion2(dir, [], env);
      assert.equal(earlyWarningHours([], env), 12);
      assert.equal(earlyWarningHours([], { DATABASE_URL: '' }), 24);
    } finally {
      await scratch.drop();
    }
  });
});
