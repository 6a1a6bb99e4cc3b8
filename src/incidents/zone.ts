// Calendar arithmetic in an IANA time zone, without a library: deadlines are instants in UTC, but
// "one month after" or "five working days after" is counted on the organization's own calendar,
// and every deadline is shown on its wall clock. Offsets come from Intl (the ICU data of Node).
// A wall time that does not exist (the hour skipped when clocks go forward) resolves later, one
// that exists twice (the hour repeated when they go back) resolves to the earlier instant: the
// 'compatible' disambiguation of Temporal and RFC 5545.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Node knows the IANA zone name. */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** A wall-clock reading: what a clock on the wall of the zone shows. */
export interface WallTime {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 0 Sunday … 6 Saturday */
  weekday: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function wallTime(instant: Date, timeZone: string): WallTime {
  const w: WallTime = {
    year: 0,
    month: 0,
    day: 0,
    hour: 0,
    minute: 0,
    second: 0,
    millisecond: ((instant.getTime() % 1000) + 1000) % 1000,
    weekday: -1,
  };
  // One pass over the parts (the deadline engine and every presented deadline come here).
  for (const p of formatter(timeZone).formatToParts(instant)) {
    switch (p.type) {
      case 'year':
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
      case 'second':
        w[p.type] = Number(p.value);
        break;
      case 'weekday':
        w.weekday = WEEKDAYS.indexOf(p.value);
        break;
    }
  }
  return w;
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
export function offsetAt(instant: number, timeZone: string): number {
  const w = wallTime(new Date(instant), timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
  return asUtc - instant;
}

function wallAsUtc(w: Omit<WallTime, 'weekday'>): number {
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const d = new Date(Date.UTC(2000, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond));
  d.setUTCFullYear(w.year);
  return d.getTime();
}

/** The instant a wall-clock reading in the zone denotes (gaps resolve later, overlaps earlier). */
export function instantOf(w: Omit<WallTime, 'weekday'>, timeZone: string): Date {
  const local = wallAsUtc(w);
  const DAY = 86_400_000;
  const before = offsetAt(local - DAY, timeZone);
  const after = offsetAt(local + DAY, timeZone);
  const candidates = [...new Set([before, after])]
    .map((off) => local - off)
    .filter((t) => offsetAt(t, timeZone) === local - t)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return new Date(candidates[0]!);
  // In a gap: the wall time read with the offset in force before the transition, which lands
  // after it (02:30 on a spring-forward night in Berlin is 03:30 CEST).
  return new Date(local - before);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/**
 * `months` calendar months later on the zone's calendar, at the same wall-clock time. When that day
 * does not exist (31 January + 1 month) the period ends with the last day of the month, at its end
 * (Regulation (EEC, Euratom) No 1182/71, art. 3(2)(c)) — the first instant of the next month — so a
 * later anchor never gives an earlier deadline, as clamping to the last day's same hour would.
 */
export function addMonths(instant: Date, months: number, timeZone: string): Date {
  const w = wallTime(instant, timeZone);
  const total = w.year * 12 + (w.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  if (w.day <= daysInMonth(year, month)) return instantOf({ ...w, year, month }, timeZone);
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  return instantOf({ ...next, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}

/** `days` calendar days later at the same wall-clock time. */
export function addDays(instant: Date, days: number, timeZone: string): Date {
  const w = wallTime(instant, timeZone);
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day + days);
  return instantOf(
    { ...w, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() },
    timeZone,
  );
}

/**
 * `days` working days (Monday to Friday on the zone's calendar) after the anchor's day: the period
 * ends at the end of the last of them (the first instant of the next day), whatever the hour of
 * the anchor, so an anchor on Saturday morning is not due before one on Friday night.
 */
export function addWorkingDays(instant: Date, days: number, timeZone: string): Date {
  const w = wallTime(instant, timeZone);
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) left--;
  }
  d.setUTCDate(d.getUTCDate() + 1);
  return instantOf(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: 0,
      minute: 0,
      second: 0,
      millisecond: 0,
    },
    timeZone,
  );
}

/** The instant as an ISO 8601 local date-time with the zone's offset: 2025-11-03T14:00:00+08:00. */
export function formatInZone(instant: Date, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  // The offset from the same reading (offsetAt would format the instant a second time).
  const off = Math.round((wallAsUtc(w) - instant.getTime()) / 60_000);
  const sign = off < 0 ? '-' : '+';
  const p = (n: number, l = 2) => String(Math.abs(n)).padStart(l, '0');
  return (
    `${w.year < 0 ? '-' : ''}${p(w.year, 4)}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}:${p(w.second)}` +
    `${sign}${p(Math.trunc(off / 60))}:${p(off % 60)}`
  );
}
