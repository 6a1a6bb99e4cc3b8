// Writes test/fixtures/versions/<ecosystem>.json from the reference implementations on this machine.
// Run: node --import tsx test/versions/reference/generate.ts [ECOSYSTEM...]
// The fixtures are committed; tests always check against them and, where the reference tool is
// installed, also against a fresh random sample (see versions.reference.test.ts).

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { type Case, REFERENCES, referenceCases } from './samples.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const FIXTURES = `${ROOT}test/fixtures/versions/`;
const SEED = 20261123;
const COUNT = 600;

export function fixtureFile(ecosystem: string): string {
  return `${FIXTURES}${ecosystem.toLowerCase().replace(/ /g, '-')}.json`;
}

function main(): void {
  mkdirSync(FIXTURES, { recursive: true });
  const wanted = process.argv.slice(2);
  for (const ecosystem of wanted.length ? wanted : Object.keys(REFERENCES)) {
    const cases: Case[] | null = referenceCases(ecosystem, SEED, COUNT);
    if (!cases) {
      console.error(`${ecosystem}: reference not available, fixture left as it is`);
      continue;
    }
    const doc = {
      ecosystem,
      reference: REFERENCES[ecosystem]!.name,
      seed: SEED,
      generated: new Date().toISOString().slice(0, 10),
      cases,
    };
    writeFileSync(fixtureFile(ecosystem), JSON.stringify(doc));
    // The fixtures live under the formatter's eyes: store them in its layout (one case a line).
    spawnSync(ROOT + 'node_modules/.bin/biome', ['format', '--write', fixtureFile(ecosystem)], {
      stdio: 'ignore',
    });
    console.log(`${ecosystem}: ${cases.length} cases`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) main();
