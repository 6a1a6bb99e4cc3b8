// The remediation advice on hand-made ranges (a fix on another branch, a second advisory that
// covers the first fix, no fix at all, Go's `v`) and on real entries of the Go database.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileAffected } from '../formats/versions/index.ts';
import { type OpenAdvisory, planUpgrade } from './remediation.ts';

type Ev = { kind: 'introduced' | 'fixed' | 'last_affected' | 'limit'; version: string };

function advisory(id: string, ecosystem: string, ranges: Ev[][], versions: string[] = []): OpenAdvisory {
  const r = ranges.map((events) => ({ type: 'ECOSYSTEM', events }));
  return {
    id,
    entries: [
      {
        matcher: compileAffected({ package: { ecosystem, name: 'p' }, ranges: r, versions }),
        input: { advisory: id, ecosystem, ranges: r, versions },
      },
    ],
  };
}

const I = (version: string): Ev => ({ kind: 'introduced', version });
const F = (version: string): Ev => ({ kind: 'fixed', version });
const L = (version: string): Ev => ({ kind: 'last_affected', version });

test('the lowest version that clears every open advisory, across branches', () => {
  const a = advisory('A', 'npm', [
    [I('0'), F('1.2.3')],
    [I('1.3.0'), F('1.3.1')],
  ]);
  const b = advisory('B', 'npm', [[I('0'), F('1.3.0')]]);
  const plan = planUpgrade('npm', '1.2.0', [a, b]);
  assert.equal(plan.fixedIn, '1.3.1');
  assert.deepEqual(plan.clears, ['A', 'B']);
  assert.deepEqual(plan.unfixed, []);
  // One advisory alone: its own branch fix.
  assert.equal(planUpgrade('npm', '1.2.0', [a]).fixedIn, '1.2.3');
  assert.equal(planUpgrade('npm', '1.3.0', [a]).fixedIn, '1.3.1');
});

test('versions compare in the ecosystem order, not as text', () => {
  const a = advisory('A', 'PyPI', [
    [I('0'), F('2.10.0')],
    [I('0'), F('2.9.1')],
  ]);
  assert.equal(planUpgrade('PyPI', '2.9.0', [a]).fixedIn, '2.10.0');
  const m = advisory('M', 'Maven', [[I('0'), F('1.0.10')]]);
  assert.equal(planUpgrade('Maven', '1.0.9', [m]).fixedIn, '1.0.10');
});

test('no fix: said so, with the best partial upgrade and the advisories nothing clears', () => {
  const a = advisory('A', 'npm', [[I('0'), F('2.0.0')]]);
  const open = advisory('OPEN', 'npm', [[I('0')]]);
  const last = advisory('LAST', 'npm', [[I('0'), L('3.0.0')]]);
  const plan = planUpgrade('npm', '1.0.0', [a, open, last]);
  assert.equal(plan.fixedIn, null);
  assert.deepEqual(plan.partial, { version: '2.0.0', clears: ['A'] });
  assert.deepEqual(plan.unfixed.sort(), ['LAST', 'OPEN']);
  assert.equal(planUpgrade('npm', '1.0.0', [open]).partial, null);
});

test('a fix below the running version is no fix', () => {
  const a = advisory('A', 'npm', [[I('0'), F('1.0.0')], [I('2.0.0')]]);
  assert.equal(planUpgrade('npm', '2.1.0', [a]).fixedIn, null);
});

test('Go: the Go database names fixes without the v that module versions carry', () => {
  const raw = JSON.parse(readFileSync('../shared/data/osv-go/GO-2020-0001.json', 'utf8'));
  const aff = raw.affected[0];
  const ranges = aff.ranges.map((r: { type: string; events: Record<string, string>[] }) => ({
    type: r.type,
    events: r.events.map((e) => {
      const [kind, version] = Object.entries(e)[0]!;
      return { kind, version } as Ev;
    }),
  }));
  const entry = {
    matcher: compileAffected({ package: { ecosystem: 'Go', name: aff.package.name }, ranges }),
    input: { advisory: raw.id, ecosystem: 'Go', ranges, versions: [] },
  };
  const fixed = ranges[0].events.find((e: Ev) => e.kind === 'fixed').version;
  const plan = planUpgrade('Go', 'v1.0.0', [{ id: raw.id, entries: [entry] }]);
  assert.equal(plan.fixedIn, `v${fixed}`);
});
