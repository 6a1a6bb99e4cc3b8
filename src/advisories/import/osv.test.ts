import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { makeZip } from '../../../test/fixtures/osv/make-zip.ts';
import { ImportError, readFileWithLimit } from '../../formats/index.ts';
import {
  MAX_COMPRESSION_RATIO,
  MAX_OSV_FILE_BYTES,
  MAX_ZIP_ENTRIES,
  newestVersions,
  OSV_LIMITS,
  parseOsv,
  readOsv,
} from './osv.ts';

const GO_DIR = new URL('../../../../shared/data/osv-go', import.meta.url).pathname;
const FIXTURE = new URL('../../../test/fixtures/osv/GO-2022-0493.json', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'bulwark-osv-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function writeZip(name: string, zip: Buffer): string {
  const p = join(tmp, name);
  writeFileSync(p, zip);
  return p;
}

async function refusedArchive(path: string, limits = {}): Promise<ImportError> {
  try {
    await readOsv(path, limits);
  } catch (err) {
    assert.ok(err instanceof ImportError, `expected ImportError, got ${String(err)}`);
    assert.equal(err.kind, 'archive');
    return err;
  }
  assert.fail('the archive was not refused');
}

const minimal = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, modified: '2024-01-01T00:00:00Z', ...extra });

describe('OSV: real Go vulnerability database', () => {
  test('all 4,291 files in shared/data/osv-go convert with zero errors', async () => {
    const files = readdirSync(GO_DIR).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 4291);
    const r = await readOsv(GO_DIR);
    assert.deepEqual(r.errors, []);
    assert.equal(r.advisories.length, 4291);
    assert.equal(new Set(r.advisories.map((a) => a.advisory.id)).size, 4291);
    // Every range event round-trips: compare counts with the raw files.
    let rawEvents = 0;
    let events = 0;
    for (const f of files) {
      const raw = JSON.parse(readFileSync(join(GO_DIR, f), 'utf8')) as {
        affected: { ranges: { events: unknown[] }[] }[];
      };
      for (const a of raw.affected) for (const rg of a.ranges) rawEvents += rg.events.length;
    }
    for (const { advisory } of r.advisories)
      for (const a of advisory.affected) for (const rg of a.ranges) events += rg.events.length;
    assert.equal(events, rawEvents);
    assert.equal(r.advisories.filter((a) => a.advisory.withdrawn).length, 17);
  });

  test('the same database as a zip archive (as OSV publishes all.zip) converts identically', async () => {
    const files = readdirSync(GO_DIR).filter((f) => f.endsWith('.json'));
    const zip = makeZip(files.map((f) => ({ name: f, data: readFileSync(join(GO_DIR, f)) })));
    const r = await readOsv(writeZip('all.zip', zip));
    assert.deepEqual(r.errors, []);
    assert.equal(r.advisories.length, 4291);
    assert.ok(r.advisories[0].source.endsWith('all.zip!GO-2020-0001.json'));
  });

  test('GO-2022-0493 converts field by field', () => {
    const a = parseOsv(readFileSync(FIXTURE));
    assert.equal(a.id, 'GO-2022-0493');
    assert.equal(a.schemaVersion, '1.3.1');
    assert.equal(a.published, '2022-07-15T23:30:12Z');
    assert.deepEqual(a.aliases, ['CVE-2022-29526', 'GHSA-p782-xgp4-8hr8']);
    assert.equal(a.affected.length, 2);
    assert.deepEqual(a.affected[0].package, { ecosystem: 'Go', name: 'stdlib', normalizedName: 'stdlib' });
    assert.deepEqual(a.affected[0].ranges[0], {
      type: 'SEMVER',
      events: [
        { kind: 'introduced', version: '0' },
        { kind: 'fixed', version: '1.17.10' },
        { kind: 'introduced', version: '1.18.0-0' },
        { kind: 'fixed', version: '1.18.2' },
      ],
    });
    assert.equal(a.affected[1].package?.name, 'golang.org/x/sys');
    assert.deepEqual(a.affected[1].ecosystemSpecific, {
      imports: [{ path: 'golang.org/x/sys/unix', symbols: ['Faccessat'] }],
    });
    assert.deepEqual(a.databaseSpecific, {
      url: 'https://pkg.go.dev/vuln/GO-2022-0493',
      review_status: 'REVIEWED',
    });
  });
});

describe('OSV: fields beyond the Go data', () => {
  test('severity vectors are scored; an unscorable vector is a warning, not a failure', () => {
    const a = parseOsv(
      minimal('GHSA-aaaa-bbbb-cccc', {
        severity: [
          { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
          { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L' },
        ],
        affected: [
          {
            package: {
              ecosystem: 'pypi',
              name: 'Django_REST.framework',
              purl: 'pkg:pypi/django-rest-framework',
            },
            ranges: [
              { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { last_affected: '3.11.0' }] },
              {
                type: 'GIT',
                repo: 'https://github.com/encode/django-rest-framework',
                events: [{ introduced: 'abc123' }, { limit: 'def456' }],
              },
            ],
            versions: ['3.10.0', '3.11.0'],
          },
        ],
        withdrawn: '2024-02-01T00:00:00Z',
      }),
    );
    assert.equal(a.severity[0].cvss?.score, 9.8);
    assert.equal(a.severity[0].cvss?.rating, 'Critical');
    assert.equal(a.severity[1].cvss, undefined);
    assert.match(
      a.warnings[0],
      /severity: Invalid CVSS vector .*base metrics AT, PR, UI, VC, VI, VA, SC, SI, SA missing/,
    );
    // The ecosystem gets OSV's spelling and the name its PEP 503 key.
    assert.deepEqual(a.affected[0].package, {
      ecosystem: 'PyPI',
      name: 'Django_REST.framework',
      normalizedName: 'django-rest-framework',
      purl: 'pkg:pypi/django-rest-framework',
    });
    assert.deepEqual(a.affected[0].ranges[0].events, [
      { kind: 'introduced', version: '0' },
      { kind: 'last_affected', version: '3.11.0' },
    ]);
    assert.equal(a.affected[0].ranges[1].repo, 'https://github.com/encode/django-rest-framework');
    assert.deepEqual(a.affected[0].versions, ['3.10.0', '3.11.0']);
    assert.equal(a.withdrawn, '2024-02-01T00:00:00Z');
  });
});

describe('OSV: broken input', () => {
  const schemaCases: [string, Record<string, unknown>, string, RegExp][] = [
    ['missing id', { modified: '2024-01-01T00:00:00Z' }, '', /missing required property "id"/],
    ['bad modified timestamp', { id: 'X-1', modified: 'yesterday' }, '/modified', /date-time/],
    [
      'event with two kinds',
      {
        id: 'X-1',
        modified: '2024-01-01T00:00:00Z',
        affected: [
          {
            package: { ecosystem: 'Go', name: 'm' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1.0.0' }] }],
          },
        ],
      },
      '/affected/0/ranges/0/events/0',
      /must NOT have more than 1 properties/,
    ],
    [
      'range without introduced',
      {
        id: 'X-1',
        modified: '2024-01-01T00:00:00Z',
        affected: [
          {
            package: { ecosystem: 'Go', name: 'm' },
            ranges: [{ type: 'SEMVER', events: [{ fixed: '1.0.0' }] }],
          },
        ],
      },
      '/affected/0/ranges/0/events',
      /must contain at least 1 valid item/,
    ],
    [
      'unknown range type',
      {
        id: 'X-1',
        modified: '2024-01-01T00:00:00Z',
        affected: [
          {
            package: { ecosystem: 'Go', name: 'm' },
            ranges: [{ type: 'CALVER', events: [{ introduced: '0' }] }],
          },
        ],
      },
      '/affected/0/ranges/0/type',
      /allowed values/,
    ],
    [
      'GIT range without repo',
      {
        id: 'X-1',
        modified: '2024-01-01T00:00:00Z',
        affected: [{ ranges: [{ type: 'GIT', events: [{ introduced: 'abc' }] }] }],
      },
      '/affected/0/ranges/0',
      /missing required property "repo"/,
    ],
    [
      'package without name',
      { id: 'X-1', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'Go' } }] },
      '/affected/0/package',
      /"name"/,
    ],
    [
      'aliases not strings',
      { id: 'X-1', modified: '2024-01-01T00:00:00Z', aliases: [42] },
      '/aliases/0',
      /must be string/,
    ],
  ];
  for (const [what, doc, pointer, detail] of schemaCases) {
    test(`schema violation is refused with a pointer: ${what}`, () => {
      try {
        parseOsv(JSON.stringify(doc));
        assert.fail('accepted');
      } catch (err) {
        assert.ok(err instanceof ImportError);
        assert.equal(err.kind, 'schema');
        const hit = err.schemaErrors.find((e) => e.pointer === pointer && detail.test(e.detail));
        assert.ok(hit, `no error at ${pointer} matching ${detail}: ${JSON.stringify(err.schemaErrors)}`);
      }
    });
  }

  test('invalid JSON and invalid UTF-8 are malformed-json', () => {
    assert.throws(
      () => parseOsv('{"id": "X-1",'),
      (e: unknown) =>
        e instanceof ImportError && e.kind === 'malformed-json' && /not valid JSON/.test(e.message),
    );
    assert.throws(
      () => parseOsv(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])),
      (e: unknown) => e instanceof ImportError && e.kind === 'malformed-json' && /UTF-8/.test(e.message),
    );
  });

  test('deeply nested opaque fields are refused, not a stack overflow', () => {
    const deep = `{"id":"X-1","modified":"2024-01-01T00:00:00Z","database_specific":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    assert.throws(
      () => parseOsv(deep),
      (e: unknown) => e instanceof ImportError && /nests deeper than 128 levels/.test(e.message),
    );
  });

  test('a 100 MB input is refused by the size limit before parsing', () => {
    const big = new Uint8Array(100 * 1024 * 1024).fill(0x20);
    assert.ok(big.length > MAX_OSV_FILE_BYTES);
    assert.throws(
      () => parseOsv(big),
      (e: unknown) =>
        e instanceof ImportError && e.kind === 'too-large' && e.message.includes(String(MAX_OSV_FILE_BYTES)),
    );
  });

  test('a directory: broken files are reported by name, the rest still convert, a 100 MB file is not read', async () => {
    const dir = join(tmp, 'dir');
    mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'GOOD-1.json'), minimal('GOOD-1'));
    writeFileSync(join(dir, 'nested', 'deeper', 'GOOD-2.json'), minimal('GOOD-2'));
    writeFileSync(join(dir, 'nested', 'BROKEN.json'), '{ not json');
    writeFileSync(join(dir, 'SCHEMA.json'), JSON.stringify({ id: 'NO-MODIFIED' }));
    writeFileSync(join(dir, 'README.md'), '# not an advisory');
    writeFileSync(join(dir, 'HUGE.json'), '');
    truncateSync(join(dir, 'HUGE.json'), 100 * 1024 * 1024); // sparse: 100 MB without writing it
    symlinkSync(join(dir, 'GOOD-1.json'), join(dir, 'LINK.json'));
    const r = await readOsv(dir);
    assert.deepEqual(r.advisories.map((a) => a.advisory.id).sort(), ['GOOD-1', 'GOOD-2']);
    const bySource = new Map(r.errors.map((e) => [e.source.slice(dir.length + 1), e]));
    assert.deepEqual([...bySource.keys()].sort(), [
      'HUGE.json',
      'LINK.json',
      'SCHEMA.json',
      'nested/BROKEN.json',
    ]);
    assert.equal(bySource.get('nested/BROKEN.json')?.kind, 'malformed-json');
    assert.equal(bySource.get('SCHEMA.json')?.kind, 'schema');
    assert.deepEqual(bySource.get('SCHEMA.json')?.schemaErrors, [
      { pointer: '', detail: 'missing required property "modified"' },
    ]);
    assert.equal(bySource.get('HUGE.json')?.kind, 'too-large');
    assert.match(bySource.get('LINK.json')?.message ?? '', /symbolic link/);
  });

  test('readFileWithLimit refuses a 100 MB file before reading it', async () => {
    const p = join(tmp, 'huge.bin');
    writeFileSync(p, '');
    truncateSync(p, 100 * 1024 * 1024);
    await assert.rejects(
      readFileWithLimit(p, MAX_OSV_FILE_BYTES),
      (e: unknown) => e instanceof ImportError && e.kind === 'too-large',
    );
    writeFileSync(p, 'small');
    assert.equal((await readFileWithLimit(p, 10)).toString(), 'small');
    await assert.rejects(
      readFileWithLimit(tmp, 10),
      (e: unknown) => e instanceof ImportError && e.kind === 'io',
    );
  });

  test('a missing path is an io error', async () => {
    await assert.rejects(
      readOsv(join(tmp, 'nope')),
      (e: unknown) => e instanceof ImportError && e.kind === 'io',
    );
  });
});

describe('OSV: hostile zip archives', () => {
  test('a zip bomb (5 MiB of zeros in one entry, ratio about 1000:1) is refused', async () => {
    const zip = makeZip([
      { name: 'GOOD-1.json', data: minimal('GOOD-1') },
      { name: 'BOMB.json', data: Buffer.alloc(5 * 1024 * 1024, 0x20) },
    ]);
    assert.ok(zip.length < 64 * 1024);
    const err = await refusedArchive(writeZip('bomb.zip', zip));
    assert.match(err.message, /BOMB\.json.*compression ratio of \d+:1 \(limit 100:1\), a zip bomb/);
    assert.equal(MAX_COMPRESSION_RATIO, 100);
  });

  test('an entry larger than the per-file limit is reported, the rest convert', async () => {
    // Random hex barely compresses, so this is not a bomb, just too big.
    const big = Buffer.from(
      Array.from({ length: 600_000 }, () => Math.floor(Math.random() * 16).toString(16)).join(''),
    );
    const zip = makeZip([
      { name: 'GOOD-1.json', data: minimal('GOOD-1') },
      { name: 'BIG.json', data: big },
    ]);
    const r = await readOsv(writeZip('big.zip', zip), { maxFileBytes: 500_000 });
    assert.deepEqual(
      r.advisories.map((a) => a.advisory.id),
      ['GOOD-1'],
    );
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0].kind, 'too-large');
    assert.ok(r.errors[0].source.endsWith('big.zip!BIG.json'));
  });

  test('the total uncompressed size is limited across entries', async () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({
      name: `A-${i}.json`,
      data: minimal(`A-${i}`, { details: 'x'.repeat(1000) }),
    }));
    const err = await refusedArchive(writeZip('total.zip', makeZip(entries)), { maxZipTotalBytes: 10_000 });
    assert.match(err.message, /decompress to more than 10000 bytes/);
  });

  test('an archive declaring too many entries is refused before any entry is read', async () => {
    const entries = Array.from({ length: 1001 }, (_, i) => ({
      name: `E-${i}.json`,
      data: minimal(`E-${i}`),
      method: 'store' as const,
    }));
    const err = await refusedArchive(writeZip('many.zip', makeZip(entries)), { maxZipEntries: 1000 });
    assert.match(err.message, /declares 1001 entries; the limit is 1000/);
    // The default limit is far above the largest real OSV archive and exported for callers.
    assert.equal(OSV_LIMITS.maxZipEntries, MAX_ZIP_ENTRIES);
  });

  for (const [name, why] of [
    ['../x.json', /invalid relative path|escapes the archive/],
    ['advisories/../../x.json', /invalid relative path|escapes the archive/],
    ['/etc/x.json', /absolute path/],
    ['C:/x.json', /absolute path/],
    ['..\\x.json', /invalid characters|backslash/],
  ] as const) {
    test(`path traversal entry ${JSON.stringify(name)} refuses the whole archive`, async () => {
      const zip = makeZip([
        { name: 'GOOD-1.json', data: minimal('GOOD-1') },
        { name, data: minimal('EVIL-1') },
      ]);
      const err = await refusedArchive(writeZip('traversal.zip', zip));
      assert.match(err.message, why);
      assert.match(err.message, /Nothing from it was imported/);
    });
  }

  test('an entry that inflates to more than its header declares is refused', async () => {
    const zip = makeZip([
      { name: 'LIAR.json', data: Buffer.alloc(2 * 1024 * 1024, 0x20), declaredSize: 100 },
    ]);
    const err = await refusedArchive(writeZip('liar.zip', zip));
    assert.match(err.message, /LIAR\.json|too many bytes|decompresses to more/);
  });

  test('a symlink entry refuses the whole archive', async () => {
    const zip = makeZip([
      { name: 'GOOD-1.json', data: minimal('GOOD-1') },
      { name: 'LINK.json', data: '/etc/passwd', method: 'store', unixMode: 0o120777 },
    ]);
    const err = await refusedArchive(writeZip('symlink.zip', zip));
    assert.match(err.message, /LINK\.json" is a symbolic link/);
  });

  test('a truncated archive is refused, not a crash', async () => {
    const zip = makeZip([{ name: 'GOOD-1.json', data: minimal('GOOD-1') }]);
    const err = await refusedArchive(writeZip('truncated.zip', zip.subarray(0, zip.length - 10)));
    assert.match(err.message, /not a readable zip archive/);
  });

  test('broken entries inside a sound archive are reported with archive!entry names', async () => {
    const zip = makeZip([
      { name: 'osv/GOOD-1.json', data: minimal('GOOD-1') },
      { name: 'osv/BROKEN.json', data: '[1,2' },
      { name: 'osv/', data: '', method: 'store' },
      { name: 'osv/NOTES.txt', data: 'not json, skipped' },
    ]);
    const path = writeZip('mixed.zip', zip);
    const r = await readOsv(path);
    assert.deepEqual(
      r.advisories.map((a) => a.source),
      [`${path}!osv/GOOD-1.json`],
    );
    assert.deepEqual(
      r.errors.map((e) => [e.source, e.kind]),
      [[`${path}!osv/BROKEN.json`, 'malformed-json']],
    );
  });
});

describe('OSV: the newest version of each id (newestVersions)', () => {
  const entry = (source: string, id: string, modified: string, extra: Record<string, unknown> = {}) => ({
    source,
    advisory: parseOsv(JSON.stringify({ id, modified, ...extra })),
  });

  test('keeps the newest of each id, the first of equals, in input order', () => {
    const kept = newestVersions([
      entry('a1', 'A', '2024-01-01T00:00:00Z'),
      entry('b1', 'B', '2024-03-01T00:00:00Z'),
      entry('a2', 'A', '2024-02-01T00:00:00Z'),
      entry('b2', 'B', '2024-01-01T00:00:00Z'),
      entry('a3', 'A', '2024-02-01T00:00:00Z'),
      entry('c1', 'C', '2024-01-01T00:00:00Z'),
    ]);
    assert.deepEqual(
      kept.map((e) => e.source),
      ['b1', 'a2', 'c1'],
    );
  });

  test('entries dated after the limit are all kept and displace no other version', () => {
    const kept = newestVersions(
      [
        entry('a1', 'A', '2024-01-01T00:00:00Z'),
        entry('a-future', 'A', '2030-01-01T00:00:00Z'),
        entry('a-published', 'A', '2024-05-01T00:00:00Z', { published: '2031-01-01T00:00:00Z' }),
        entry('a2', 'A', '2024-02-01T00:00:00Z'),
      ],
      Date.parse('2025-01-01T00:00:00Z'),
    );
    assert.deepEqual(
      kept.map((e) => e.source),
      ['a-future', 'a-published', 'a2'],
    );
  });
});
