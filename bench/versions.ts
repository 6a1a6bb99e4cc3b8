// Micro benchmark of the version layer: per ecosystem, how fast versions parse into keys, how fast
// parsed keys compare (what a matcher with precompiled bounds does), and how fast the one-shot
// compareVersions runs (parse both sides every time, what a naive matcher does). Also OSV
// evaluation over the whole Go vulnerability database. Run: node --import tsx bench/versions.ts

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AffectedMatcher,
  compareVersions,
  compileAffected,
  findVersionOrder,
  type OsvAffected,
  ParsedVersion,
} from '../src/formats/versions/index.ts';
import { GENERATORS, OSV_GO_DIR, realGoVersions, samplePairs } from '../test/versions/reference/samples.ts';

export interface VersionBenchRow {
  ecosystem: string;
  pairs: number;
  /** Versions parsed into keys per second. */
  parsePerSec: number;
  /** Comparisons of pre-parsed keys per second. */
  comparePerSec: number;
  /** compareVersions(ecosystem, a, b) calls per second (parsing both sides each time). */
  oneShotPerSec: number;
}

export interface VersionBenchResult {
  rows: VersionBenchRow[];
  /** isAffected calls per second against compiled Go advisories (one compiled entry per call). */
  osvGoEvaluationsPerSec: number;
  /** matches() calls per second with one pre-parsed version against every compiled Go entry. */
  sharedParseEvaluationsPerSec: number;
  osvGoEntries: number;
}

let sink = 0;

/** Runs fn repeatedly for at least minMs and returns operations per second (ops = opsPerRun per call). */
function rate(opsPerRun: number, fn: () => void, minMs: number): number {
  fn(); // warm up
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    runs++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return Math.round((runs * opsPerRun) / (elapsed / 1000));
}

export function benchVersions(opts: { pairs?: number; minMs?: number } = {}): VersionBenchResult {
  const count = opts.pairs ?? 2000;
  const minMs = opts.minMs ?? 300;
  const rows: VersionBenchRow[] = [];
  for (const ecosystem of Object.keys(GENERATORS)) {
    const order = findVersionOrder(ecosystem)!;
    const valid = (v: string) => {
      try {
        order.parse(v);
        return true;
      } catch {
        return false;
      }
    };
    const pairs = samplePairs(ecosystem, 42, count, valid);
    const flat = pairs.flat();
    const keys = pairs.map(([a, b]) => [order.parse(a), order.parse(b)] as const);
    const parsePerSec = rate(
      flat.length,
      () => {
        for (const v of flat) if (order.parse(v) === null) sink++;
      },
      minMs,
    );
    const comparePerSec = rate(
      keys.length,
      () => {
        for (const [a, b] of keys) sink += order.compare(a, b);
      },
      minMs,
    );
    const oneShotPerSec = rate(
      pairs.length,
      () => {
        for (const [a, b] of pairs) sink += compareVersions(ecosystem, a, b);
      },
      minMs,
    );
    rows.push({ ecosystem, pairs: pairs.length, parsePerSec, comparePerSec, oneShotPerSec });
  }

  const matchers: AffectedMatcher[] = [];
  for (const f of readdirSync(OSV_GO_DIR)) {
    if (!f.endsWith('.json')) continue;
    const doc = JSON.parse(readFileSync(join(OSV_GO_DIR, f), 'utf8')) as { affected?: OsvAffected[] };
    for (const a of doc.affected ?? []) matchers.push(compileAffected(a));
  }
  const versions = realGoVersions();
  const osvGoEvaluationsPerSec = rate(
    matchers.length,
    () => {
      for (let i = 0; i < matchers.length; i++)
        if (matchers[i]!.isAffected(versions[i % versions.length]!)) sink++;
    },
    minMs,
  );
  // One component version checked against every matcher, parsed once (what the exposure index does).
  const one = new ParsedVersion('1.20.0');
  const sharedParseEvaluationsPerSec = rate(
    matchers.length,
    () => {
      for (let i = 0; i < matchers.length; i++) if (matchers[i]!.matches(one)) sink++;
    },
    minMs,
  );
  if (sink === 0.5) console.log(sink); // keep results observable so nothing is optimized away
  return { rows, osvGoEvaluationsPerSec, sharedParseEvaluationsPerSec, osvGoEntries: matchers.length };
}

/** Human-readable table of a benchVersions result. */
export function formatVersionBench(r: VersionBenchResult): string {
  const fmt = (n: number) => (n / 1e6).toFixed(2).padStart(8) + ' M/s';
  const lines = [
    `${'ecosystem'.padEnd(10)} ${'parse'.padStart(12)} ${'compare keys'.padStart(12)} ${'one-shot'.padStart(12)}`,
  ];
  for (const row of r.rows) {
    lines.push(
      `${row.ecosystem.padEnd(10)} ${fmt(row.parsePerSec)} ${fmt(row.comparePerSec)} ${fmt(row.oneShotPerSec)}`,
    );
  }
  lines.push(
    `OSV Go isAffected (parse version + evaluate, ${r.osvGoEntries} entries): ${fmt(r.osvGoEvaluationsPerSec)}`,
  );
  lines.push(
    `OSV Go matches (version parsed once, ${r.osvGoEntries} entries):    ${fmt(r.sharedParseEvaluationsPerSec)}`,
  );
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('bench/versions.ts')) console.log(formatVersionBench(benchVersions()));
