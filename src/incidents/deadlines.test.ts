// Property tests of the deadline engine with a small seeded generator (mulberry32): any anchor
// time, grade changes in any order, daylight-saving changes in the organization's zone. A failure
// prints the seed and the case, so it can be replayed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  applyDelay,
  computeObligations,
  GRADES,
  type Grade,
  mergeObligations,
  nextDue,
  type Obligation,
  RegimeError,
  validateRegime,
} from './deadlines.ts';
import { REGIMES, regimeById } from './regimes.ts';
import { addMonths, formatInZone, instantOf, wallTime } from './zone.ts';
import { seededRandom } from '../platform/random.ts';

const SEED = Number(process.env.PROPERTY_SEED ?? 20251101);
const RUNS = 400;

function gen(seed: number) {
  const r = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[int(0, xs.length - 1)]!;
  return {
    int,
    pick,
    /** Any instant from 1971 to 2099, to the millisecond. */
    instant: () => new Date(int(Date.UTC(1971, 0, 1), Date.UTC(2099, 11, 31))),
  };
}

const ZONES = [
  'UTC',
  'Asia/Shanghai',
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'America/Sao_Paulo',
  'Australia/Sydney',
  'Australia/Lord_Howe', // a half-hour DST shift
  'Asia/Kolkata',
  'Pacific/Chatham',
];

const H = 3_600_000;
const cn = regimeById('cn-2025')!;
const nis2 = regimeById('eu-nis2')!;
const circia = regimeById('us-circia')!;

describe('deadline engine: the shipped regimes', () => {
  const aware = new Date('2025-11-03T06:00:00Z');
  const at = (o: Obligation[], stage: string) => o.find((x) => x.stage === stage);

  test('cn-2025: a CII operator owes 1 hour, and for a major incident the onward report 30 minutes later', () => {
    const o = computeObligations({
      regime: cn,
      entity: 'cii-operator',
      grade: 'major',
      timeZone: 'Asia/Shanghai',
      events: { aware },
    });
    assert.deepEqual(
      o.map((x) => [x.stage, x.due?.toISOString() ?? null, x.recipient]),
      [
        ['initial-cii', '2025-11-03T07:00:00.000Z', 'sector-regulator'],
        ['onward-cii', '2025-11-03T07:30:00.000Z', 'centre'],
        ['summary', null, 'regional-authority'],
      ],
    );
  });

  test('cn-2025: the onward report counts from the initial report once it is filed', () => {
    const filed = new Date('2025-11-03T06:20:00Z');
    const o = computeObligations({
      regime: cn,
      entity: 'cii-operator',
      grade: 'particularly-major',
      timeZone: 'Asia/Shanghai',
      events: { aware },
      submissions: { 'initial-cii': filed },
    });
    assert.equal(at(o, 'initial-cii')?.satisfiedAt?.toISOString(), filed.toISOString());
    assert.equal(at(o, 'onward-cii')?.due?.toISOString(), '2025-11-03T06:50:00.000Z');
  });

  test('cn-2025: a general incident owes nothing; relatively major owes no onward report', () => {
    assert.deepEqual(
      computeObligations({
        regime: cn,
        entity: 'cii-operator',
        grade: 'general',
        timeZone: 'UTC',
        events: { aware },
      }),
      [],
    );
    const o = computeObligations({
      regime: cn,
      entity: 'other',
      grade: 'relatively-major',
      timeZone: 'UTC',
      events: { aware },
    });
    assert.deepEqual(
      o.map((x) => x.stage),
      ['initial', 'summary'],
    );
    assert.equal(at(o, 'initial')?.due?.toISOString(), '2025-11-03T10:00:00.000Z');
  });

  test('cn-2025: central organs owe 2 hours and an onward report 1 hour after', () => {
    const o = computeObligations({
      regime: cn,
      entity: 'central-agency',
      grade: 'major',
      timeZone: 'Asia/Shanghai',
      events: { aware },
    });
    assert.equal(at(o, 'initial-agency')?.due?.toISOString(), '2025-11-03T08:00:00.000Z');
    assert.equal(at(o, 'onward-agency')?.due?.toISOString(), '2025-11-03T09:00:00.000Z');
  });

  test('cn-2025: the summary report is due by the end of the 5th working day after recovery, locally', () => {
    // Friday 2025-11-07 18:00 in Shanghai → the end of Friday 2025-11-14 (Saturday 00:00 +08:00).
    const recovered = new Date('2025-11-07T10:00:00Z');
    const o = computeObligations({
      regime: cn,
      entity: 'other',
      grade: 'major',
      timeZone: 'Asia/Shanghai',
      events: { aware, recovered },
    });
    assert.equal(at(o, 'summary')?.due?.toISOString(), '2025-11-14T16:00:00.000Z');
  });

  test('eu-nis2: 24 h early warning, 72 h notification, final one month after the notification', () => {
    const o = computeObligations({
      regime: nis2,
      entity: 'essential',
      grade: 'major',
      timeZone: 'Europe/Berlin',
      events: { aware: new Date('2025-03-01T09:00:00Z') },
    });
    assert.deepEqual(
      o.map((x) => [x.stage, x.due?.toISOString()]),
      [
        ['early-warning', '2025-03-02T09:00:00.000Z'],
        ['notification', '2025-03-04T09:00:00.000Z'],
        ['intermediate', undefined], // on request only: no deadline until an authority asks
        // 10:00 CET on 4 March → 10:00 CEST on 4 April (summer time began on 30 March).
        ['final', '2025-04-04T08:00:00.000Z'],
      ],
    );
    const trust = computeObligations({
      regime: nis2,
      entity: 'trust-service',
      grade: 'major',
      timeZone: 'Europe/Berlin',
      events: { aware: new Date('2025-03-01T09:00:00Z') },
    });
    assert.deepEqual(
      trust.map((x) => [x.stage, x.due?.toISOString()]),
      [
        ['early-warning', '2025-03-02T09:00:00.000Z'],
        ['notification-trust', '2025-03-02T09:00:00.000Z'],
        ['intermediate', undefined],
        ['final-trust', '2025-04-02T08:00:00.000Z'],
      ],
    );
  });

  test('eu-nis2 intermediate report (art. 23(4)(c)): no deadline until requested, then the request + 72 hours', () => {
    const base = {
      regime: nis2,
      entity: 'important',
      grade: 'relatively-major' as Grade,
      timeZone: 'Europe/Berlin',
      events: { aware: new Date('2025-03-01T09:00:00Z') },
    };
    const before = at(computeObligations(base), 'intermediate')!;
    assert.equal(before.due, null);
    assert.equal(before.requestedAt, null);
    assert.equal(before.recipient, 'centre');
    assert.equal(before.filer, 'operator');
    assert.match(before.anchor, /after a request \(none yet\)/);
    // Across the end of winter time: 72 hours are elapsed time, not wall-clock days.
    const requested = new Date('2025-03-29T15:30:00Z');
    const after = computeObligations({ ...base, requests: { intermediate: requested } });
    assert.equal(at(after, 'intermediate')?.due?.toISOString(), '2025-04-01T15:30:00.000Z');
    assert.equal(at(after, 'intermediate')?.requestedAt?.toISOString(), requested.toISOString());
    assert.match(at(after, 'intermediate')!.anchor, /72 hours after the request/);
    // A request touches no other stage, and a request for a stage not on request changes nothing.
    const other = computeObligations({ ...base, requests: { notification: requested } });
    assert.deepEqual(other, computeObligations(base));
    for (const o of after.filter((x) => x.stage !== 'intermediate'))
      assert.deepEqual(o, at(computeObligations(base), o.stage));
    // Not owed at grade general, so nothing to request.
    assert.equal(
      at(
        computeObligations({ ...base, grade: 'general', requests: { intermediate: requested } }),
        'intermediate',
      ),
      undefined,
    );
  });

  test('a regime may anchor a stage on requested; an unknown event is still refused', () => {
    const stage = nis2.stages.find((s) => s.key === 'intermediate')!;
    assert.deepEqual(stage.anchor, { event: 'requested' });
    assert.match(stage.note ?? '', /23\(4\)\(c\)/);
    assert.throws(
      () =>
        validateRegime({
          ...nis2,
          stages: nis2.stages.map((s) =>
            s.key === 'intermediate' ? { ...s, anchor: { event: 'asked' as never } } : s,
          ),
        }),
      (e: unknown) => e instanceof RegimeError && e.issues.some((i) => i.pointer.endsWith('/anchor/event')),
    );
  });

  test('us-circia: 72 hours, and 24 hours after a ransom payment whatever the grade', () => {
    const o = computeObligations({
      regime: circia,
      entity: 'covered-entity',
      grade: 'general',
      timeZone: 'America/New_York',
      events: { aware, 'ransom-paid': new Date('2025-11-04T12:00:00Z') },
    });
    assert.deepEqual(
      o.map((x) => [x.stage, x.due?.toISOString()]),
      [['ransom-payment', '2025-11-05T12:00:00.000Z']],
    );
  });

  test('a regime that anchors a stage on a later or unknown stage is refused', () => {
    assert.throws(
      () =>
        validateRegime({
          ...cn,
          stages: [{ ...cn.stages[3]!, anchor: { stage: 'initial-cii' } }],
        }),
      RegimeError,
    );
  });
});

describe('deadline engine: properties', () => {
  test('any anchor time: an hour-based stage is due exactly its delay after awareness, in every zone', () => {
    for (let i = 0; i < RUNS; i++) {
      const g = gen(SEED + i);
      const aware = g.instant();
      const zone = g.pick(ZONES);
      const entity = g.pick(cn.entities);
      const grade = g.pick(GRADES);
      const o = computeObligations({ regime: cn, entity, grade, timeZone: zone, events: { aware } });
      const expect = { 'cii-operator': 1, 'central-agency': 2, other: 4 }[entity]!;
      const initial = o.find((x) => x.stage.startsWith('initial'));
      const c = `seed ${SEED + i}: ${aware.toISOString()} ${zone} ${entity} ${grade}`;
      if (grade === 'general') assert.equal(o.length, 0, c);
      else assert.equal(initial!.due!.getTime() - aware.getTime(), expect * H, c);
      // The onward report counts from the initial report's deadline while it is not filed.
      const onward = o.find((x) => x.stage.startsWith('onward'));
      if (grade === 'major' || grade === 'particularly-major')
        assert.equal(
          onward!.due!.getTime() - initial!.due!.getTime(),
          entity === 'cii-operator' ? 30 * 60_000 : H,
          c,
        );
      else assert.equal(onward, undefined, c);
    }
  });

  test('anchored on an earlier report: from its submission when filed, else from its deadline', () => {
    for (let i = 0; i < RUNS; i++) {
      const g = gen(SEED * 3 + i);
      const aware = g.instant();
      const zone = g.pick(ZONES);
      const filed = g.int(0, 1) ? new Date(aware.getTime() + g.int(-H, 10 * H)) : undefined;
      const o = computeObligations({
        regime: nis2,
        entity: 'essential',
        grade: 'major',
        timeZone: zone,
        events: { aware },
        submissions: filed ? { notification: filed } : {},
      });
      const n = o.find((x) => x.stage === 'notification')!;
      const f = o.find((x) => x.stage === 'final')!;
      const from = filed ?? n.due!;
      const c = `seed ${SEED * 3 + i}: ${aware.toISOString()} ${zone} filed ${filed?.toISOString()}`;
      assert.equal(f.due!.getTime(), addMonths(from, 1, zone).getTime(), c);
      assert.ok(f.due!.getTime() > from.getTime(), c);
    }
  });

  test('grade changes in any order: open obligations follow the last grade, filed reports are kept', () => {
    for (let i = 0; i < RUNS; i++) {
      const g = gen(SEED * 7 + i);
      const regime = g.pick(REGIMES);
      const entity = g.pick(regime.entities);
      const zone = g.pick(ZONES);
      const aware = g.instant();
      const events = { aware, recovered: g.int(0, 1) ? new Date(aware.getTime() + g.int(1, 200) * H) : null };
      const submissions: Record<string, Date> = {};
      let obligations: Obligation[] = [];
      let grade: Grade = 'general';
      const steps = g.int(1, 6);
      for (let s = 0; s < steps; s++) {
        grade = g.pick(GRADES);
        const now = computeObligations({ regime, entity, grade, timeZone: zone, events, submissions });
        obligations = mergeObligations(now, obligations);
        // Sometimes a report is filed between two regrades.
        const open = obligations.filter((o) => !o.satisfiedAt && o.due);
        if (open.length > 0 && g.int(0, 2) === 0) {
          const o = g.pick(open);
          submissions[o.stage] = new Date(o.due!.getTime() - g.int(0, H));
          obligations = mergeObligations(
            computeObligations({ regime, entity, grade, timeZone: zone, events, submissions }),
            obligations,
          );
        }
      }
      const direct = computeObligations({ regime, entity, grade, timeZone: zone, events, submissions });
      const c = `seed ${SEED * 7 + i}: ${regime.id} ${entity} ${zone} → ${grade}`;
      const key = (o: Obligation) => `${o.stage} ${o.due?.toISOString()} ${o.satisfiedAt?.toISOString()}`;
      // What is still owed is exactly what the last grade asks …
      assert.deepEqual(
        obligations
          .filter((o) => !o.satisfiedAt)
          .map(key)
          .sort(),
        direct
          .filter((o) => !o.satisfiedAt)
          .map(key)
          .sort(),
        c,
      );
      // … and every report filed on the way is still there, satisfied at its filing time.
      for (const [stage, at] of Object.entries(submissions)) {
        const o = obligations.find((x) => x.stage === stage);
        assert.equal(o?.satisfiedAt?.getTime(), at.getTime(), `${c}: ${stage}`);
      }
      const due = nextDue(obligations);
      const open = obligations.filter((o) => !o.satisfiedAt && o.due).map((o) => o.due!.getTime());
      assert.equal(due?.getTime() ?? null, open.length ? Math.min(...open) : null, c);
    }
  });

  test('daylight saving: a month keeps the wall clock (a skipped hour resolves later), hours stay elapsed', () => {
    for (let i = 0; i < RUNS * 2; i++) {
      const g = gen(SEED * 11 + i);
      const zone = g.pick(ZONES);
      // Aim at the weeks around the transitions: March, April, October, November.
      const year = g.int(1980, 2090);
      const month = g.pick([3, 4, 10, 11, 9]);
      const from = instantOf(
        {
          year,
          month,
          day: g.int(1, 28),
          hour: g.int(0, 23),
          minute: g.pick([0, 15, 30, 45]),
          second: 0,
          millisecond: 0,
        },
        zone,
      );
      const c = `seed ${SEED * 11 + i}: ${formatInZone(from, zone)} ${zone}`;
      const due = applyDelay(from, { months: 1 }, zone);
      const a = wallTime(from, zone);
      const b = wallTime(due, zone);
      assert.equal(b.year * 12 + b.month - (a.year * 12 + a.month), 1, c);
      assert.equal(b.day, a.day, c);
      const wallMinutes = (w: typeof a) => w.hour * 60 + w.minute;
      const shift = wallMinutes(b) - wallMinutes(a);
      // Same wall clock, or later by the skipped interval (at most an hour) when it does not exist.
      assert.ok(shift >= 0 && shift <= 60, `${c}: shifted ${shift} min → ${formatInZone(due, zone)}`);
      if (shift > 0) {
        const exists = wallTime(instantOf({ ...b, hour: a.hour, minute: a.minute }, zone), zone);
        assert.notEqual(wallMinutes(exists), wallMinutes(a), `${c}: wall time exists but moved`);
      }
      // Elapsed hours do not care about the calendar.
      assert.equal(applyDelay(from, { hours: 72 }, zone).getTime() - from.getTime(), 72 * H, c);
    }
  });

  test('deadlines never run backwards: a later anchor never gives an earlier deadline', () => {
    for (let i = 0; i < RUNS; i++) {
      const g = gen(SEED * 13 + i);
      const zone = g.pick(ZONES);
      const delay = g.pick([{ months: 1 }, { days: 1 }, { workingDays: 5 }, { hours: 24 }, { minutes: 30 }]);
      const a = g.instant();
      const b = new Date(a.getTime() + g.int(0, 3 * H));
      const c = `seed ${SEED * 13 + i}: ${a.toISOString()} ${b.toISOString()} ${zone} ${JSON.stringify(delay)}`;
      assert.ok(applyDelay(b, delay, zone).getTime() >= applyDelay(a, delay, zone).getTime(), c);
      assert.ok(applyDelay(a, delay, zone).getTime() > a.getTime(), c);
    }
  });

  test('the wall clock round-trips wherever the local time exists, and overlaps take the earlier instant', () => {
    // Europe/Berlin, 2025-10-26 02:30 happens twice: 00:30Z (CEST) and 01:30Z (CET).
    assert.equal(
      instantOf(
        { year: 2025, month: 10, day: 26, hour: 2, minute: 30, second: 0, millisecond: 0 },
        'Europe/Berlin',
      ).toISOString(),
      '2025-10-26T00:30:00.000Z',
    );
    // 2025-03-30 02:30 does not exist in Berlin: 03:30 CEST.
    assert.equal(
      formatInZone(
        instantOf(
          { year: 2025, month: 3, day: 30, hour: 2, minute: 30, second: 0, millisecond: 0 },
          'Europe/Berlin',
        ),
        'Europe/Berlin',
      ),
      '2025-03-30T03:30:00+02:00',
    );
    for (let i = 0; i < RUNS; i++) {
      const g = gen(SEED * 17 + i);
      const zone = g.pick(ZONES);
      const t = g.instant();
      const w = wallTime(t, zone);
      const back = instantOf(w, zone);
      // Either the same instant, or the earlier of two with that wall time (an hour or less apart).
      assert.ok(
        back.getTime() === t.getTime() ||
          (t.getTime() - back.getTime() > 0 && t.getTime() - back.getTime() <= H),
        `seed ${SEED * 17 + i}: ${t.toISOString()} ${zone}`,
      );
    }
  });
});
