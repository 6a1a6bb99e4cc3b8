// The TLP clause of the access rule as a matrix: each level against each kind of reader (the
// author's organization, a subordinate, the parent, the root, a sector regulator, a shared-with
// organization and its subordinate, a stranger, a named user, no one at all).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Actor, OrgRef } from './policy.ts';
import { canSeeMarked, type Marked, strictestTlp, TLP_LEVELS, tlpOfMarking, TLP2_IDS } from './tlp.ts';

const org = (
  id: string,
  path: string,
  kind: OrgRef['kind'],
  region: string,
  sector: string | null = null,
): OrgRef => ({ id, path, kind, region, sector });
const root = org('r', '/r/', 'coordination-centre', 'BW');
const region = org('g', '/r/g/', 'regional-authority', 'BW-N');
const author = org('a', '/r/g/a/', 'regional-authority', 'BW-N');
const child = org('c', '/r/g/a/c/', 'operator', 'BW-N', 'energy');
const regulator = org('e', '/r/e/', 'sector-regulator', 'BW', 'energy');
const partner = org('p', '/r/p/', 'regional-authority', 'BW-S');
const partnerChild = org('q', '/r/p/q/', 'operator', 'BW-S', 'water');
const stranger = org('s', '/r/s/', 'operator', 'BW-S', 'water');
const actor = (o: OrgRef, userId: string | null = null): Actor => ({
  subject: 'user',
  id: 'x',
  userId,
  name: 'x',
  org: o,
  roles: ['viewer'],
});

const readers: [string, Actor | null][] = [
  ['author', actor(author)],
  ['author user', actor(author, 'u-author')],
  ['child', actor(child)],
  ['region (parent)', actor(region)],
  ['root', actor(root)],
  ['regulator', actor(regulator)],
  ['partner', actor(partner)],
  ['partner child', actor(partnerChild)],
  ['stranger', actor(stranger)],
  ['named user', actor(stranger, 'u-named')],
  ['anonymous', null],
];

// Expected visibility: rows are readers in the order above, columns clear, green, amber, amber+strict, red.
const EXPECTED: Record<string, string> = {
  author: 'YYYYN',
  'author user': 'YYYYY',
  child: 'YYYNN',
  'region (parent)': 'YYYNN',
  root: 'YYYNN',
  regulator: 'YYNNN',
  partner: 'YYYYN',
  'partner child': 'YYYNN',
  stranger: 'YYNNN',
  'named user': 'YYNNY',
  anonymous: 'YNNNN',
};

test('the TLP matrix', () => {
  for (const [name, reader] of readers) {
    const row = TLP_LEVELS.map((tlp) => {
      const m: Marked = {
        tlp,
        org: author,
        authorUser: 'u-author',
        shareOrgs: [partner],
        namedUsers: ['u-named'],
      };
      return canSeeMarked(reader, m) ? 'Y' : 'N';
    }).join('');
    assert.equal(row, EXPECTED[name], `${name} (clear, green, amber, amber+strict, red)`);
  }
});

test('TLP 1.0 ids map to 2.0 levels and the strictest marking wins', () => {
  assert.equal(tlpOfMarking('marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9'), 'clear');
  assert.equal(tlpOfMarking(TLP2_IDS['amber+strict']), 'amber+strict');
  assert.equal(tlpOfMarking('marking-definition--00000000-0000-4000-8000-000000000000'), undefined);
  assert.equal(strictestTlp(['green', 'red', 'amber'], 'clear'), 'red');
  assert.equal(strictestTlp([], 'amber'), 'amber');
});
