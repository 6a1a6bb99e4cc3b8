// Test support: the Go reference fixtures (test/ledger/fixtures.json, written by
// test/ledger/reference/main.go) and the entries they were computed over.
import { readFileSync } from 'node:fs';

/** Must match entry() in test/ledger/reference/main.go. */
export function fixtureEntry(i: number): Buffer {
  return Buffer.from(`bulwark fixture entry ${i}${'.'.repeat(i % 13)}`, 'utf8');
}

export interface Fixtures {
  leafCount: number;
  leafHashes: string[];
  roots: Record<string, string>;
  inclusion: { index: number; size: number; proof: string[] }[];
  consistency: { size1: number; size2: number; proof: string[] }[];
  storedHashIndex: { level: number; n: number; index: number }[];
  storedHashCount: Record<string, number>;
  tiles: Record<
    string,
    { path: string; level: number; n: number; width: number; sha256: string; data?: string }[]
  >;
  paths: { level: number; n: number; width: number; path: string }[];
  hashFromTile: { storedIndex: number; path: string; hash: string }[];
  entryBundles: { path: string; start: number; end: number; sha256: string; data?: string }[];
  verdicts: {
    columns: string[];
    whats: string[];
    rows: [string, number, number, number, number, number, number, number, number][];
  };
  notes: {
    skey1: string;
    vkey1: string;
    skey2: string;
    vkey2: string;
    checkpoint: string;
    signed1: string;
    signedExt: string;
    signed12: string;
    open: { name: string; note: string; ok: boolean; error?: string; verifiedSigs: number }[];
    cosignature: { vkey: string; timestamp: number; line: string };
  };
}

export const fixturesPath = new URL('../../test/ledger/fixtures.json', import.meta.url).pathname;

export function loadFixtures(): Fixtures {
  return JSON.parse(readFileSync(fixturesPath, 'utf8')) as Fixtures;
}

export const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
