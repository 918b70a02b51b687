import { describe, expect, it } from 'vitest';
import { keepOrReplace, recentSteps } from './schedule-continuity.js';
import { inferSchedule, type LearnedSchedule } from './schedule-inference.js';
import { dayOfDate, isoWeekdayOfDay, localToInstant } from './zoned-time.js';

const UTC = 'UTC';
const BERLIN = 'Europe/Berlin';
const DAY = 86_400_000;
/** A Monday: day offsets below count from it. */
const D0 = dayOfDate('2026-01-05');

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const onWeekdays = (days: number[], ...iso: number[]): number[] =>
  days.filter((d) => iso.includes(isoWeekdayOfDay(D0 + d)));
/** Run starts at local "HH:MM" (± `jitter` minutes, alternating) on the given day offsets. */
const runsAt = (days: number[], hhmm: string, tz = UTC, jitter = 0): number[] => {
  const [h, m] = hhmm.split(':').map(Number);
  return days.map((d, i) => localToInstant(D0 + d, (h ?? 0) * 60 + (m ?? 0) + (i % 2 ? jitter : -jitter), tz));
};
/** Local noon of day offset d. */
const noon = (d: number, tz = UTC): number => localToInstant(D0 + d, 12 * 60, tz);

interface Case {
  name: string;
  tz?: string;
  /** History until the previous schedule was learned, and when. */
  before: number[];
  learnedAt: number;
  /** Runs reported since, and when the schedule is re-learned. */
  since: number[];
  now: number;
  previousText: string;
  /** What inferSchedule alone learns now (the bug this guards against, or a real change). */
  freshText: string;
  /** 'kept': the previous schedule stays; 'fresh': the new one is taken. */
  outcome: 'kept' | 'fresh';
}

const cases: Case[] = [
  {
    name: 'daily job with a 6-day gap in the middle, then 2 new runs: still daily',
    before: runsAt(range(0, 14), '02:00'),
    learnedAt: noon(13),
    since: runsAt([20, 21], '02:00'),
    now: noon(21),
    previousText: 'Daily 01:45–02:15',
    freshText: 'No schedule learned',
    outcome: 'kept',
  },
  {
    name: 'weekdays job that missed a week: still weekly Mon–Fri',
    before: runsAt(onWeekdays(range(0, 15), 1, 2, 3, 4, 5), '22:00'),
    learnedAt: noon(15),
    since: runsAt([23, 24, 25], '22:00'),
    now: noon(26),
    previousText: 'Weekly Mon–Fri 21:45–22:15',
    freshText: 'Weekly Mon, Wed–Fri 21:45–22:15',
    outcome: 'kept',
  },
  {
    name: 'daily job (Berlin, with jitter) silent for a week across the DST change: still daily',
    tz: BERLIN,
    before: runsAt(range(70, 84), '02:15', BERLIN, 7),
    learnedAt: noon(83, BERLIN),
    since: runsAt([91, 92, 93], '02:15', BERLIN, 7),
    now: noon(93, BERLIN),
    previousText: 'Daily 02:00–02:30',
    freshText: 'No schedule learned',
    outcome: 'kept',
  },
  {
    name: 'young daily job that missed one day (alone: a weekly subset): still daily',
    before: runsAt(range(0, 12), '02:00'),
    learnedAt: noon(12),
    since: runsAt(range(13, 17), '02:00'),
    now: noon(16),
    previousText: 'Daily 01:45–02:15',
    freshText: 'Weekly Mon–Fri, Sun 01:45–02:15',
    outcome: 'kept',
  },
  {
    name: 'daily job with a 6-day gap and one more missed day (alone: a weekly subset): still daily',
    before: runsAt(range(0, 14), '02:00'),
    learnedAt: noon(13),
    since: runsAt([20, 21, 23, 24, 25, 26], '02:00'),
    now: noon(26),
    previousText: 'Daily 01:45–02:15',
    freshText: 'Weekly Mon, Wed–Sun 01:45–02:15',
    outcome: 'kept',
  },
  {
    name: 'job moved from 22:00 to 01:00, 4 runs at the new time: the new window',
    before: runsAt(range(0, 30), '22:00'),
    learnedAt: noon(29),
    since: runsAt(range(31, 35), '01:00'),
    now: noon(34),
    previousText: 'Daily 21:45–22:15',
    freshText: 'Daily 00:45–01:15',
    outcome: 'fresh',
  },
  {
    name: 'cadence really changed: daily, then only Mondays for 5 weeks → replaced',
    before: runsAt(range(0, 60), '02:00'),
    learnedAt: noon(59),
    since: runsAt(onWeekdays(range(60, 95), 1), '02:00'),
    now: noon(92),
    previousText: 'Daily 01:45–02:15',
    freshText: 'Irregular',
    outcome: 'fresh',
  },
  {
    name: 'cadence really changed: daily, then Mon–Fri for 3 weeks → replaced',
    before: runsAt(range(0, 60), '02:00'),
    learnedAt: noon(59),
    since: runsAt(onWeekdays(range(60, 80), 1, 2, 3, 4, 5), '02:00'),
    now: noon(79),
    previousText: 'Daily 01:45–02:15',
    freshText: 'Weekly Mon–Fri 01:45–02:15',
    outcome: 'fresh',
  },
  {
    name: 'daily job with a 6-day gap, 2 new runs, another missed day, 1 run: still daily',
    before: runsAt(range(0, 14), '02:00'),
    learnedAt: noon(13),
    since: runsAt([20, 21, 23], '02:00'),
    now: noon(23),
    previousText: 'Daily 01:45–02:15',
    freshText: 'No schedule learned',
    outcome: 'kept',
  },
  {
    name: 'three gaps among the last 10 runs → replaced',
    before: runsAt(range(0, 14), '02:00'),
    learnedAt: noon(13),
    since: runsAt([17, 18, 22, 23, 27, 28], '02:00'),
    now: noon(28),
    previousText: 'Daily 01:45–02:15',
    freshText: 'No schedule learned',
    outcome: 'fresh',
  },
];

describe('keepOrReplace', () => {
  it.each(cases)('$name', (c) => {
    const tz = c.tz ?? UTC;
    const previous = inferSchedule(c.before, tz, c.learnedAt);
    const starts = [...c.before, ...c.since];
    const fresh = inferSchedule(starts, tz, c.now);
    expect(previous.text).toBe(c.previousText);
    expect(fresh.text).toBe(c.freshText);
    const result = keepOrReplace(previous, fresh, starts, tz, c.now);
    if (c.outcome === 'kept') {
      expect(result).toEqual({ ...previous, sampleCount: fresh.sampleCount });
    } else {
      expect(result).toBe(fresh);
    }
  });

  it('takes the new window of a moved job even if the fresh schedule were not daily', () => {
    // The runs at 01:00 do not fall into the old 21:45–22:15 slots (even 2 h early): not kept.
    const before = runsAt(range(0, 30), '22:00');
    const previous = inferSchedule(before, UTC, noon(29));
    const starts = [...before, ...runsAt(range(31, 35), '01:00')];
    expect(recentSteps(previous, starts, UTC, noon(34))).toEqual({ runs: 10, outOfStep: 4 });
    const irregular: LearnedSchedule = { ...previous, kind: 'irregular', window: null, medianMinute: null };
    expect(keepOrReplace(previous, irregular, starts, UTC, noon(34))).toBe(irregular);
  });

  it('takes the fresh schedule without a previous daily/weekly/monthly one', () => {
    const starts = runsAt(range(0, 14), '02:00');
    const fresh = inferSchedule(starts, UTC, noon(13));
    expect(keepOrReplace(null, fresh, starts, UTC, noon(13))).toBe(fresh);
    const none = inferSchedule(starts.slice(0, 2), UTC, noon(13));
    expect(keepOrReplace(none, fresh, starts, UTC, noon(13))).toBe(fresh);
  });

  it('takes the fresh schedule of the same kind and days, and a real change of weekdays', () => {
    const starts = runsAt(range(0, 30), '02:00', UTC, 10);
    const previous = inferSchedule(runsAt(range(0, 30), '02:00'), UTC, noon(29));
    const fresh = inferSchedule(starts, UTC, noon(29));
    expect(fresh.window).not.toEqual(previous.window);
    expect(keepOrReplace(previous, fresh, starts, UTC, noon(29))).toBe(fresh);

    // Weekly Mon–Fri → Mon, Wed, Fri: the Tue/Thu slots are skipped over and over.
    const weekly = inferSchedule(runsAt(onWeekdays(range(0, 28), 1, 2, 3, 4, 5), '22:00'), UTC, noon(27));
    const changed = [
      ...runsAt(onWeekdays(range(0, 28), 1, 2, 3, 4, 5), '22:00'),
      ...runsAt(onWeekdays(range(28, 56), 1, 3, 5), '22:00'),
    ];
    const mwf = inferSchedule(changed, UTC, noon(55));
    expect(mwf.text).toBe('Weekly Mon, Wed, Fri 21:45–22:15');
    expect(keepOrReplace(weekly, mwf, changed, UTC, noon(55))).toBe(mwf);
  });

  it('keeps a monthly schedule through one missed month, not through two', () => {
    const days = range(0, 250).filter((d) => [1, 15].includes(new Date((D0 + d) * DAY).getUTCDate()));
    const at = (i: number): number => noon((days[i] ?? 0) + 1);
    const before = runsAt(days.slice(0, 6), '03:00');
    const previous = inferSchedule(before, UTC, at(5));
    expect(previous.text).toBe('Monthly on the 1st and 15th 02:45–03:15');
    // The 1st and 15th of the next month pass without a report, then the job reports again.
    const starts = [...before, ...runsAt(days.slice(8, 9), '03:00')];
    expect(recentSteps(previous, starts, UTC, at(8))).toMatchObject({ outOfStep: 1 });
    const irregular: LearnedSchedule = { ...previous, kind: 'irregular', window: null, medianMinute: null };
    expect(keepOrReplace(previous, irregular, starts, UTC, at(8))).toMatchObject({ kind: 'monthly', days: [1, 15] });
    // Two more missed months: 3 runs in the last 124 days, 2 of them after a gap.
    const often = [...starts, ...runsAt([days[11] ?? 0, days[14] ?? 0], '03:00')];
    expect(recentSteps(previous, often, UTC, at(14))).toEqual({ runs: 3, outOfStep: 2 });
    expect(keepOrReplace(previous, irregular, often, UTC, at(14))).toBe(irregular);
  });

  it('does not keep a schedule on fewer than 3 recent runs, nor on runs off its windows', () => {
    const before = runsAt(range(0, 14), '02:00');
    const previous = inferSchedule(before, UTC, noon(13));
    // 124 days later the history has aged out.
    const late = noon(13 + 125);
    const aged = inferSchedule(before, UTC, late);
    expect(keepOrReplace(previous, aged, before, UTC, late)).toBe(aged);
    expect(recentSteps(previous, before, UTC, late)).toEqual({ runs: 0, outOfStep: 0 });
    // Afternoon runs are not in the 01:45–02:15 slots: three are too many.
    const afternoon = [...before, ...runsAt(range(20, 23), '15:00')];
    expect(recentSteps(previous, afternoon, UTC, noon(23))).toEqual({ runs: 10, outOfStep: 3 });
    const fresh = inferSchedule(afternoon, UTC, noon(23));
    expect(keepOrReplace(previous, fresh, afternoon, UTC, noon(23))).toBe(fresh);
    // One afternoon (manual) run among daily ones is tolerated.
    const manual = [...before, ...runsAt([13], '15:00')];
    expect(recentSteps(previous, manual, UTC, noon(14))).toEqual({ runs: 10, outOfStep: 1 });
  });
});
