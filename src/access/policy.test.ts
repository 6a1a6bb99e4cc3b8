// The access-control matrix: every role × organization relation × operation, with the expected
// answer written out by hand from the rules in DESIGN.md (not computed from the code under test).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Actor,
  can,
  canPublishReference,
  type Operation,
  type OrgRef,
  referencePublishers,
  relationOf,
  ROLES,
  type Role,
  seesScopeOf,
} from './policy.ts';

// A small federation: centre ▸ province ▸ city ▸ operators; a national energy regulator.
const centre: OrgRef = { id: 'c', path: '/c/', kind: 'coordination-centre', sector: null, region: 'BW' };
const north: OrgRef = { id: 'n', path: '/c/n/', kind: 'regional-authority', sector: null, region: 'BW-N' };
const south: OrgRef = { id: 's', path: '/c/s/', kind: 'regional-authority', sector: null, region: 'BW-S' };
const city: OrgRef = {
  id: 'nc',
  path: '/c/n/nc/',
  kind: 'regional-authority',
  sector: null,
  region: 'BW-N-01',
};
const grid: OrgRef = { id: 'g', path: '/c/n/nc/g/', kind: 'operator', sector: 'energy', region: 'BW-N-01' };
const bank: OrgRef = { id: 'b', path: '/c/n/nc/b/', kind: 'operator', sector: 'finance', region: 'BW-N-01' };
const southGrid: OrgRef = { id: 'sg', path: '/c/s/sg/', kind: 'operator', sector: 'energy', region: 'BW-S' };
const energyReg: OrgRef = {
  id: 'er',
  path: '/c/er/',
  kind: 'sector-regulator',
  sector: 'energy',
  region: 'BW',
};
const northEnergyReg: OrgRef = {
  id: 'ner',
  path: '/c/n/ner/',
  kind: 'sector-regulator',
  sector: 'energy',
  region: 'BW-N',
};

const actor = (org: OrgRef, role: Role): Actor => ({
  subject: 'user',
  id: 'u',
  userId: 'u',
  name: 'u',
  org,
  roles: [role],
});

type Relation =
  | 'own'
  | 'descendant'
  | 'ancestor'
  | 'sibling'
  | 'other-sector'
  | 'sector-operator'
  | 'sector-outside-jurisdiction';

// Pairs (actor's org, target) that exhibit each relation.
const PAIRS: Record<Relation, [OrgRef, OrgRef]> = {
  own: [north, north],
  descendant: [north, grid],
  ancestor: [city, north],
  sibling: [north, south],
  'other-sector': [energyReg, bank],
  'sector-operator': [energyReg, southGrid],
  'sector-outside-jurisdiction': [northEnergyReg, southGrid],
};

// Expected answers. R = read, W = write, A = administer, U = audit.
const VISIBLE: Record<Relation, boolean> = {
  own: true,
  descendant: true,
  ancestor: false,
  sibling: false,
  'other-sector': false,
  'sector-operator': true,
  'sector-outside-jurisdiction': false,
};

function expected(role: Role, rel: Relation, op: Operation): boolean {
  if (!VISIBLE[rel]) return false;
  const regulatorView = rel === 'sector-operator';
  switch (op) {
    case 'read':
      return true;
    case 'audit':
      return role === 'admin' || role === 'auditor';
    case 'write':
      if (regulatorView) return false;
      if (role === 'reporter') return rel === 'own';
      return role === 'admin' || role === 'analyst' || role === 'responder';
    case 'administer':
      return role === 'admin' && !regulatorView;
  }
}

describe('access-control matrix', () => {
  const ops: Operation[] = ['read', 'write', 'administer', 'audit'];
  for (const [rel, [from, to]] of Object.entries(PAIRS) as [Relation, [OrgRef, OrgRef]][]) {
    for (const role of ROLES) {
      for (const op of ops) {
        const want = expected(role, rel, op);
        test(`${role} ${op} on ${rel}: ${want ? 'allow' : 'deny'}`, () => {
          assert.equal(can(actor(from, role), op, to), want);
        });
      }
    }
  }
});

describe('relationOf', () => {
  test('the coordination centre sees everything below it and nothing is above it', () => {
    for (const o of [north, south, city, grid, bank, southGrid, energyReg, northEnergyReg]) {
      assert.equal(relationOf(centre, o), 'descendant');
      assert.equal(relationOf(o, centre), 'none');
    }
  });
  test('a regional authority never sees a sector it does not regulate', () => {
    assert.equal(relationOf(north, southGrid), 'none');
  });
  test('a regulator sees operators of its sector but not other regulators or authorities', () => {
    assert.equal(relationOf(energyReg, grid), 'sector');
    assert.equal(relationOf(energyReg, northEnergyReg), 'none');
    assert.equal(relationOf(energyReg, north), 'none');
  });
  test('a region prefix must end at a dash: BW-N does not cover BW-NE', () => {
    const ne: OrgRef = { id: 'ne', path: '/c/ne/op/', kind: 'operator', sector: 'energy', region: 'BW-NE' };
    assert.equal(relationOf(northEnergyReg, ne), 'none');
  });
  test('a token or user with several roles gets the union of their grants', () => {
    const a: Actor = { ...actor(north, 'viewer'), roles: ['viewer', 'reporter'] };
    assert.equal(can(a, 'write', north), true);
    assert.equal(can(a, 'write', grid), false);
  });
});

describe('administering never widens the view (issue 8 #4)', () => {
  // A regulator the centre placed below the city: the city sees it (descendant) but not its sector view.
  const cityEnergyReg: OrgRef = {
    id: 'cer',
    path: '/c/n/nc/cer/',
    kind: 'sector-regulator',
    sector: 'energy',
    region: 'BW-N-01',
  };
  test('a city reads a regulator below it but may not administer it; the centre and its own admin may', () => {
    assert.equal(can(actor(city, 'admin'), 'read', cityEnergyReg), true);
    assert.equal(can(actor(city, 'admin'), 'administer', cityEnergyReg), false);
    assert.equal(can(actor(north, 'admin'), 'administer', cityEnergyReg), false);
    assert.equal(can(actor(centre, 'admin'), 'administer', cityEnergyReg), true);
    assert.equal(can(actor(cityEnergyReg, 'admin'), 'administer', cityEnergyReg), true);
  });
  test('a regulator covers a regulator of its sector inside its jurisdiction, nothing wider', () => {
    const below = (sector: string, region: string): OrgRef => ({
      id: 'x',
      path: '/c/n/ner/x/',
      kind: 'sector-regulator',
      sector,
      region,
    });
    assert.equal(seesScopeOf(northEnergyReg, below('energy', 'BW-N-01')), true);
    assert.equal(seesScopeOf(northEnergyReg, below('finance', 'BW-N-01')), false);
    assert.equal(seesScopeOf(northEnergyReg, below('energy', 'BW')), false);
    assert.equal(seesScopeOf(centre, below('finance', 'BW')), true);
    assert.equal(seesScopeOf(north, grid), true, 'kinds without a sector view are covered by the subtree');
  });
});

describe('publish-reference (issue 8 #1)', () => {
  const grants = referencePublishers({ referencePublishers: undefined });
  test('by default the centre’s administrators and analysts, nobody else', () => {
    for (const role of ROLES)
      assert.equal(canPublishReference(actor(centre, role), grants), role === 'admin' || role === 'analyst');
    for (const org of [north, city, energyReg, grid])
      for (const role of ROLES) assert.equal(canPublishReference(actor(org, role), grants), false);
  });
  test('the local administrator always may; configured pairs are checked, naming the variable', () => {
    assert.equal(canPublishReference({ ...actor(centre, 'viewer'), local: true }, []), true);
    const wider = referencePublishers({ referencePublishers: ['sector-regulator:analyst'] });
    assert.equal(canPublishReference(actor(energyReg, 'analyst'), wider), true);
    assert.equal(canPublishReference(actor(centre, 'admin'), wider), false);
    assert.throws(
      () => referencePublishers({ referencePublishers: ['regulator:admin'] }),
      /BULWARK_REFERENCE_PUBLISHERS: 'regulator:admin' is not kind:role/,
    );
  });
});
