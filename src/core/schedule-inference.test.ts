import { describe, expect, it } from 'vitest';
import type { LearnedSchedule } from './schedule-inference.js';
import { inferSchedule, ordinal } from './schedule-inference.js';
import { dayOfDate, isoWeekdayOfDay, dayOfMonthOfDay, localTime, localToInstant } from './zoned-time.js';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const UTC = 'UTC';
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------
// History generator: one run per selected local day at a local time, with seeded jitter.

/** Deterministic PRNG (mulberry32), so "random" histories are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface DayInfo {
  /** Epoch day. */
  day: number;
  /** 0-based index from the first generated day. */
  index: number;
  isoWeekday: number;
  dayOfMonth: number;
}

interface Spec {
  tz?: string;
  /** First local date. */
  from: string;
  /** How many local dates to walk. */
  days: number;
  /** Local start time "HH:MM" (or per day; null skips the day). */
  at: string | ((d: DayInfo) => string | null);
  /** Which days have a run (default all). */
  on?: (d: DayInfo) => boolean;
  /** Uniform jitter of ± this many minutes. */
  jitter?: number;
  seed?: number;
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** Run starts (epoch ms) of a generated history; DST gaps shift forward like cron does. */
function history(spec: Spec): number[] {
  const tz = spec.tz ?? UTC;
  const random = prng(spec.seed ?? 1);
  const first = dayOfDate(spec.from);
  const out: number[] = [];
  for (let index = 0; index < spec.days; index += 1) {
    const day = first + index;
    const info: DayInfo = { day, index, isoWeekday: isoWeekdayOfDay(day), dayOfMonth: dayOfMonthOfDay(day) };
    const jitter = Math.round((random() * 2 - 1) * (spec.jitter ?? 0));
    if (spec.on && !spec.on(info)) continue;
    const at = typeof spec.at === 'string' ? spec.at : spec.at(info);
    if (at === null) continue;
    out.push(localToInstant(day, minutesOf(at) + jitter, tz));
  }
  return out;
}

/** Noon (local) of the day after `date` + `days` − 1: "just after the history". */
const after = (from: string, days: number, tz = UTC): number => localToInstant(dayOfDate(from) + days, 12 * 60, tz);

const weekdays =
  (...isoDays: number[]) =>
  (d: DayInfo) =>
    isoDays.includes(d.isoWeekday);

const hhmm = (minute: number | null): string =>
  minute === null
    ? 'null'
    : `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** Whether local minute m lies in the (possibly wrapping) window. */
const inWindow = (m: number, w: { from: number; to: number }): boolean =>
  w.from <= w.to ? m >= w.from && m <= w.to : m >= w.from || m <= w.to;

// ---------------------------------------------------------------------------------------

interface Case {
  name: string;
  runs: number[];
  tz?: string;
  now: number;
  expected: Partial<LearnedSchedule>;
}

const FROM = '2026-01-05'; // a Monday

const cases: Case[] = [
  {
    name: 'daily at 02:00 exactly',
    runs: history({ from: FROM, days: 30, at: '02:00' }),
    now: after(FROM, 30),
    expected: { kind: 'daily', days: [], medianMinute: 120, window: { from: 105, to: 135 }, text: 'Daily 01:45–02:15' },
  },
  {
    name: 'daily learned from 3 runs on 3 days',
    runs: history({ from: FROM, days: 3, at: '02:00' }),
    now: after(FROM, 3),
    expected: { kind: 'daily', sampleCount: 3, text: 'Daily 01:45–02:15' },
  },
  {
    name: 'daily with one missed day in five',
    runs: history({ from: FROM, days: 5, at: '04:10', on: (d) => d.index !== 2 }),
    now: after(FROM, 5),
    expected: { kind: 'daily', text: 'Daily 03:55–04:25' },
  },
  {
    name: 'weekdays only (Mon–Fri) over 4 weeks',
    runs: history({ from: FROM, days: 28, at: '22:00', on: weekdays(1, 2, 3, 4, 5) }),
    now: after(FROM, 28),
    expected: { kind: 'weekly', days: [1, 2, 3, 4, 5], medianMinute: 1320, text: 'Weekly Mon–Fri 21:45–22:15' },
  },
  {
    name: 'Mon/Wed/Fri over 3 weeks',
    runs: history({ from: FROM, days: 21, at: '22:00', on: weekdays(1, 3, 5) }),
    now: after(FROM, 21),
    expected: { kind: 'weekly', days: [1, 3, 5], text: 'Weekly Mon, Wed, Fri 21:45–22:15' },
  },
  {
    name: 'every Saturday for 3 weeks',
    runs: history({ from: FROM, days: 21, at: '06:00', on: weekdays(6) }),
    now: after(FROM, 21),
    expected: { kind: 'weekly', days: [6], text: 'Weekly Sat 05:45–06:15' },
  },
  {
    name: 'daily except Sunday',
    runs: history({ from: FROM, days: 35, at: '01:00', on: (d) => d.isoWeekday !== 7 }),
    now: after(FROM, 35),
    expected: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6], text: 'Weekly Mon–Sat 00:45–01:15' },
  },
  {
    name: 'weekdays job with one extra Saturday run over 6 weeks stays Mon–Fri',
    runs: history({ from: FROM, days: 42, at: '22:00', on: (d) => d.isoWeekday <= 5 || d.index === 12 }),
    now: after(FROM, 42),
    expected: { kind: 'weekly', days: [1, 2, 3, 4, 5] },
  },
  {
    name: 'monthly on the 1st and 15th over 3 months',
    runs: history({ from: '2026-01-01', days: 90, at: '03:00', on: (d) => [1, 15].includes(d.dayOfMonth) }),
    now: after('2026-01-01', 90),
    expected: { kind: 'monthly', days: [1, 15], sampleCount: 6, text: 'Monthly on the 1st and 15th 02:45–03:15' },
  },
  {
    name: 'monthly on the 1st and 15th when they all fall on Sundays (Feb–Mar 2026)',
    runs: history({ from: '2026-01-01', days: 74, at: '03:00', on: (d) => [1, 15].includes(d.dayOfMonth) }),
    now: Date.parse('2026-03-15T12:00:00Z'),
    expected: { kind: 'monthly', days: [1, 15] },
  },
  {
    name: 'every other Monday is not weekly',
    runs: history({ from: FROM, days: 70, at: '04:00', on: (d) => d.isoWeekday === 1 && d.index % 14 === 0 }),
    now: after(FROM, 70),
    expected: { kind: 'irregular' },
  },
  {
    name: 'every Monday with one week missed in six is still weekly',
    runs: history({ from: FROM, days: 42, at: '04:00', on: (d) => d.isoWeekday === 1 && d.index !== 14 }),
    now: after(FROM, 42),
    expected: { kind: 'weekly', days: [1], text: 'Weekly Mon 03:45–04:15' },
  },
  {
    name: 'a job that stopped reporting 30 days ago keeps its schedule',
    runs: history({ from: FROM, days: 30, at: '02:00', on: weekdays(1, 2, 3, 4, 5) }),
    now: after(FROM, 60),
    expected: { kind: 'weekly', days: [1, 2, 3, 4, 5] },
  },
  {
    name: 'monthly on the 1st over 3 months',
    runs: history({ from: '2026-01-01', days: 65, at: '23:00', on: (d) => d.dayOfMonth === 1 }),
    now: after('2026-01-01', 65),
    expected: { kind: 'monthly', days: [1], text: 'Monthly on the 1st 22:45–23:15' },
  },
  {
    name: 'monthly on the 31st (months without one do not count against it)',
    runs: history({ from: '2026-03-01', days: 160, at: '05:00', on: (d) => d.dayOfMonth === 31 }),
    now: Date.parse('2026-08-01T00:00:00Z'), // runs on 31 Mar, 31 May, 31 Jul
    expected: { kind: 'monthly', days: [31], text: 'Monthly on the 31st 04:45–05:15' },
  },
  {
    name: 'monthly 1st and 15th after only 5 weeks: still learning',
    runs: history({ from: '2026-01-01', days: 35, at: '03:00', on: (d) => [1, 15].includes(d.dayOfMonth) }),
    now: after('2026-01-01', 35),
    expected: { kind: 'none', text: 'No schedule learned' },
  },
  {
    name: 'no runs',
    runs: [],
    now: after(FROM, 1),
    expected: { kind: 'none', days: [], window: null, medianMinute: null, sampleCount: 0, text: 'No schedule learned' },
  },
  {
    name: 'two runs',
    runs: history({ from: FROM, days: 2, at: '02:00' }),
    now: after(FROM, 2),
    expected: { kind: 'none', sampleCount: 2, text: 'No schedule learned' },
  },
  {
    name: 'three runs on two days',
    runs: [...history({ from: FROM, days: 2, at: '02:00' }), Date.parse('2026-01-06T09:00:00Z')],
    now: after(FROM, 2),
    expected: { kind: 'none', sampleCount: 3 },
  },
  {
    name: 'Mon/Wed/Fri for one week only: still learning',
    runs: history({ from: FROM, days: 7, at: '22:00', on: weekdays(1, 3, 5) }),
    now: after(FROM, 7),
    expected: { kind: 'none' },
  },
  {
    name: 'weekdays job in its first week looks daily (5 of 5 days)',
    runs: history({ from: FROM, days: 5, at: '22:00' }),
    now: after(FROM, 5),
    expected: { kind: 'daily' },
  },
  {
    name: 'weekdays job after its first weekend: still learning (6 runs in 8 days)',
    runs: history({ from: FROM, days: 8, at: '22:00', on: weekdays(1, 2, 3, 4, 5) }),
    now: after(FROM, 8),
    expected: { kind: 'none' },
  },
  {
    name: 'weekdays job after two weeks: weekly',
    runs: history({ from: FROM, days: 15, at: '22:00', on: weekdays(1, 2, 3, 4, 5) }),
    now: after(FROM, 15),
    expected: { kind: 'weekly', days: [1, 2, 3, 4, 5], sampleCount: 11 },
  },
  {
    name: 'runs older than 124 days are forgotten',
    runs: history({ from: '2025-06-01', days: 30, at: '02:00' }),
    now: after(FROM, 1),
    expected: { kind: 'none', sampleCount: 0 },
  },
  {
    name: 'runs after now are ignored',
    runs: history({ from: FROM, days: 30, at: '02:00' }),
    now: localToInstant(dayOfDate(FROM) + 2, 60, UTC), // 01:00 on the third day
    expected: { kind: 'none', sampleCount: 2 },
  },
  {
    name: 'random days and times over 60 days: irregular',
    runs: (() => {
      const random = prng(7);
      return history({
        from: FROM,
        days: 60,
        at: () => hhmm(Math.floor(random() * 1440)),
        on: () => random() < 0.5,
      });
    })(),
    now: after(FROM, 60),
    expected: { kind: 'irregular', window: null, medianMinute: null, text: 'Irregular' },
  },
  {
    name: 'fixed time on random days over 60 days: irregular',
    runs: (() => {
      const random = prng(11);
      return history({ from: FROM, days: 60, at: '02:00', on: () => random() < 0.4 });
    })(),
    now: after(FROM, 60),
    expected: { kind: 'irregular' },
  },
  {
    name: 'hourly: irregular',
    runs: Array.from({ length: 24 * 10 }, (_, i) => Date.parse('2026-01-05T00:00:00Z') + i * 3_600_000),
    now: after(FROM, 10),
    expected: { kind: 'irregular' },
  },
  {
    name: 'every 2 hours: irregular',
    runs: Array.from({ length: 12 * 10 }, (_, i) => Date.parse('2026-01-05T00:00:00Z') + i * 7_200_000),
    now: after(FROM, 10),
    expected: { kind: 'irregular' },
  },
  {
    name: 'twice a day (02:00 and 14:00): irregular',
    runs: [...history({ from: FROM, days: 20, at: '02:00' }), ...history({ from: FROM, days: 20, at: '14:00' })],
    now: after(FROM, 20),
    expected: { kind: 'irregular' },
  },
  {
    name: 'twice a day close together (02:00 and 02:40): irregular',
    runs: [...history({ from: FROM, days: 20, at: '02:00' }), ...history({ from: FROM, days: 20, at: '02:40' })],
    now: after(FROM, 20),
    expected: { kind: 'irregular' },
  },
  {
    name: 'daily with start times scattered over ±3 h: irregular',
    runs: history({ from: FROM, days: 30, at: '12:00', jitter: 180, seed: 5 }),
    now: after(FROM, 30),
    expected: { kind: 'irregular' },
  },
  {
    name: 'daily with a few manual runs in the afternoon: the nightly time is learned',
    runs: [
      ...history({ from: FROM, days: 30, at: '02:00' }),
      ...[3, 11, 20].map((d) => Date.parse('2026-01-05T15:00:00Z') + d * DAY),
    ],
    now: after(FROM, 30),
    expected: { kind: 'daily', medianMinute: 120, sampleCount: 30, text: 'Daily 01:45–02:15' },
  },
  {
    name: 'a daily job that became weekdays-only 5 weeks ago',
    runs: [
      ...history({ from: '2025-11-10', days: 56, at: '22:00' }),
      ...history({ from: FROM, days: 35, at: '22:00', on: weekdays(1, 2, 3, 4, 5) }),
    ],
    now: after(FROM, 35),
    expected: { kind: 'weekly', days: [1, 2, 3, 4, 5] },
  },
];

describe('inferSchedule', () => {
  it.each(cases)('$name', ({ runs, tz, now, expected }) => {
    expect(inferSchedule(runs, tz ?? UTC, now)).toMatchObject(expected);
  });

  it('does not depend on the order of runs or on duplicates', () => {
    const runs = history({ from: FROM, days: 21, at: '22:00', on: weekdays(1, 3, 5), jitter: 10 });
    const now = after(FROM, 21);
    const expected = inferSchedule(runs, UTC, now);
    const shuffled = [...runs].reverse().concat(runs.slice(0, 4));
    expect(inferSchedule(shuffled, UTC, now)).toEqual(expected);
  });

  it('ignores values that are not times', () => {
    const runs = history({ from: FROM, days: 5, at: '02:00' });
    expect(inferSchedule([...runs, NaN, Infinity], UTC, after(FROM, 5))).toMatchObject({
      kind: 'daily',
      sampleCount: 5,
    });
  });

  it('throws for an unknown time zone', () => {
    expect(() => inferSchedule(history({ from: FROM, days: 5, at: '02:00' }), 'Nowhere/City', after(FROM, 5))).toThrow(
      RangeError,
    );
  });
});

describe('inferSchedule: jitter', () => {
  it.each([1, 2, 3, 4, 5])('daily 02:15 ± 10 min (seed %i): window holds every run and stays tight', (seed) => {
    const runs = history({ tz: BERLIN, from: FROM, days: 40, at: '02:15', jitter: 10, seed });
    const learned = inferSchedule(runs, BERLIN, after(FROM, 40, BERLIN));
    expect(learned.kind).toBe('daily');
    expect(Math.abs((learned.medianMinute ?? 0) - 135)).toBeLessThanOrEqual(4);
    const window = learned.window ?? { from: 0, to: 0 };
    for (const t of runs) expect(inWindow(localTime(t, BERLIN).minute, window)).toBe(true);
    expect(window.to - window.from).toBeLessThanOrEqual(50);
    expect(learned.text).toBe(`Daily ${hhmm(window.from)}–${hhmm(window.to)}`);
  });

  it('Mon/Wed/Fri 22:00 ± 10 min', () => {
    const runs = history({ from: FROM, days: 28, at: '22:00', on: weekdays(1, 3, 5), jitter: 10, seed: 3 });
    const learned = inferSchedule(runs, UTC, after(FROM, 28));
    expect(learned).toMatchObject({ kind: 'weekly', days: [1, 3, 5] });
    expect(learned.text).toMatch(/^Weekly Mon, Wed, Fri 21:[45]\d–22:[01]\d$/);
  });
});

describe('inferSchedule: windows across midnight', () => {
  it.each([
    ['23:55', 1, 1435],
    ['00:05', 2, 5],
    ['23:59', 3, 1439],
  ])('daily at %s ± 10 min (seed %i)', (at, seed, centre) => {
    const runs = history({ from: FROM, days: 30, at, jitter: 10, seed });
    const learned = inferSchedule(runs, UTC, after(FROM, 30));
    expect(learned.kind).toBe('daily');
    const window = learned.window ?? { from: 0, to: 0 };
    expect(window.from).toBeGreaterThan(window.to); // wraps
    const distance = Math.min(
      Math.abs((learned.medianMinute ?? 0) - centre),
      1440 - Math.abs((learned.medianMinute ?? 0) - centre),
    );
    expect(distance).toBeLessThanOrEqual(4);
    for (const t of runs) expect(inWindow(localTime(t, UTC).minute, window)).toBe(true);
  });

  it('learns the exact 23:50–00:20 window', () => {
    // Slot minutes relative to midnight: mostly 00:05, sometimes 23:50 the evening before or 00:20.
    const offsets = [-10, 5, 5, 20, 5];
    const first = dayOfDate(FROM);
    const runs = Array.from({ length: 20 }, (_, i) => localToInstant(first + i, offsets[i % 5] ?? 0, UTC));
    const learned = inferSchedule(runs, UTC, after(FROM, 20));
    expect(learned).toMatchObject({
      kind: 'daily',
      medianMinute: 5,
      window: { from: 1430, to: 20 },
      text: 'Daily 23:50–00:20',
      sampleCount: 20,
    });
  });

  it('a weekdays job around midnight keeps its weekdays', () => {
    // Mon–Fri "23:55" slots; about half the runs start just after midnight of the next day.
    const runs = history({ from: FROM, days: 35, at: '23:55', jitter: 10, seed: 9, on: weekdays(1, 2, 3, 4, 5) });
    const learned = inferSchedule(runs, UTC, after(FROM, 35));
    expect(learned).toMatchObject({ kind: 'weekly', days: [1, 2, 3, 4, 5] });
  });
});

describe('inferSchedule: DST', () => {
  it.each<[string, string, string, string]>([
    // zone, first date, local time, expected text
    [BERLIN, '2026-03-16', '02:30', 'Daily 02:15–02:45'], // spring forward on 29 Mar: 02:30 runs at 03:30
    [BERLIN, '2026-10-12', '02:30', 'Daily 02:15–02:45'], // fall back on 25 Oct: 02:30 happens twice
    [BERLIN, '2026-03-16', '23:30', 'Daily 23:15–23:45'],
    [NEW_YORK, '2026-02-23', '02:30', 'Daily 02:15–02:45'], // spring forward on 8 Mar
    [NEW_YORK, '2026-10-19', '01:30', 'Daily 01:15–01:45'], // fall back on 1 Nov
  ])('%s from %s, daily at %s across the change', (tz, from, at, text) => {
    const runs = history({ tz, from, days: 28, at });
    const learned = inferSchedule(runs, tz, after(from, 28, tz));
    expect(learned).toMatchObject({ kind: 'daily', medianMinute: minutesOf(at), text });
  });

  it('the same instants read in UTC drift by an hour, in the zone they do not', () => {
    const runs = history({ tz: BERLIN, from: '2026-03-16', days: 28, at: '02:30' });
    const utcMinutes = new Set(runs.map((t) => localTime(t, UTC).minute));
    expect([...utcMinutes].sort()).toEqual([30, 90]); // 01:30Z (CET and the gap day's 03:30 CEST), 00:30Z (CEST)
    expect(inferSchedule(runs, BERLIN, after('2026-03-16', 28, BERLIN)).medianMinute).toBe(150);
  });

  it('Mon–Fri at 22:00 New York through the November change', () => {
    const runs = history({ tz: NEW_YORK, from: '2026-10-19', days: 28, at: '22:00', on: weekdays(1, 2, 3, 4, 5) });
    expect(inferSchedule(runs, NEW_YORK, after('2026-10-19', 28, NEW_YORK))).toMatchObject({
      kind: 'weekly',
      days: [1, 2, 3, 4, 5],
      medianMinute: 1320,
    });
  });
});

describe('inferSchedule: a job that moved from 22:00 to 01:00', () => {
  // 30 days at 22:00 ± 10, then n nights at 01:00 ± 10 (the first one the night after the last 22:00).
  const moved = (n: number): { runs: number[]; now: number } => {
    const old = history({ from: FROM, days: 30, at: '22:00', jitter: 10, seed: 4 });
    const fresh = history({ from: '2026-02-04', days: n, at: '01:00', jitter: 10, seed: 8 });
    return { runs: [...old, ...fresh], now: localToInstant(dayOfDate('2026-02-04') + n - 1, 9 * 60, UTC) };
  };

  it.each([
    [0, 1320],
    [1, 1320],
    [2, 1320],
  ])('after %i runs at the new time it still expects 22:00', (n, median) => {
    const { runs, now } = moved(n);
    const learned = inferSchedule(runs, UTC, now);
    expect(learned.kind).toBe('daily');
    expect(Math.abs((learned.medianMinute ?? 0) - median)).toBeLessThanOrEqual(5);
  });

  it.each([3, 4, 10])('after %i runs at the new time it expects 01:00', (n) => {
    const { runs, now } = moved(n);
    const learned = inferSchedule(runs, UTC, now);
    expect(learned.kind).toBe('daily');
    expect(learned.sampleCount).toBe(n);
    expect(Math.abs((learned.medianMinute ?? 0) - 60)).toBeLessThanOrEqual(5);
    expect(learned.text).toMatch(/^Daily 00:[45]\d–01:[01]\d$/);
  });
});

describe('ordinal', () => {
  it.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [15, '15th'],
    [21, '21st'],
    [22, '22nd'],
    [23, '23rd'],
    [30, '30th'],
    [31, '31st'],
  ])('%i → %s', (n, text) => {
    expect(ordinal(n)).toBe(text);
  });
});
