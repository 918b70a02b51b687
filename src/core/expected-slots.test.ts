import { describe, expect, it } from 'vitest';
import type { Schedule } from './domain.js';
import type { Slot } from './expected-slots.js';
import { configuredSlots, dayBounds, learnedSlots, missedSlots } from './expected-slots.js';
import type { LearnedSchedule } from './schedule-inference.js';
import { inferSchedule } from './schedule-inference.js';
import { dayOfDate, localToInstant } from './zoned-time.js';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const UTC = 'UTC';
const HOUR = 3_600_000;
const MIN = 60_000;
// 2026 DST changes: Berlin 29 Mar 01:00Z (+1→+2) and 25 Oct 01:00Z (+2→+1);
// New York 8 Mar 07:00Z (-5→-4) and 1 Nov 06:00Z (-4→-5).

const t = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString().replace(':00.000Z', 'Z');
const show = (slots: Slot[]): string[] => slots.map((s) => `${iso(s.start)}/${iso(s.end)}`);

const learned = (
  kind: LearnedSchedule['kind'],
  days: number[],
  from: number,
  to: number,
  medianMinute: number,
): LearnedSchedule => ({ kind, days, window: { from, to }, medianMinute, sampleCount: 10, text: '' });

describe('dayBounds', () => {
  it.each<[string, string, string, number]>([
    ['2026-03-29', BERLIN, '2026-03-28T23:00Z', 23],
    ['2026-03-28', BERLIN, '2026-03-27T23:00Z', 24],
    ['2026-03-30', BERLIN, '2026-03-29T22:00Z', 24],
    ['2026-10-25', BERLIN, '2026-10-24T22:00Z', 25],
    ['2026-06-01', BERLIN, '2026-05-31T22:00Z', 24],
    ['2026-03-08', NEW_YORK, '2026-03-08T05:00Z', 23],
    ['2026-11-01', NEW_YORK, '2026-11-01T04:00Z', 25],
    ['2026-02-28', UTC, '2026-02-28T00:00Z', 24],
    ['2028-02-29', 'Asia/Kolkata', '2028-02-28T18:30Z', 24],
    // Midnight itself skipped: Santiago springs forward 00:00 → 01:00 on 6 Sep 2026.
    ['2026-09-06', 'America/Santiago', '2026-09-06T04:00Z', 23],
  ])('%s in %s starts %s and lasts %i h', (date, tz, start, hours) => {
    const bounds = dayBounds(date, tz);
    expect(iso(bounds.start)).toBe(start);
    expect((bounds.end - bounds.start) / HOUR).toBe(hours);
  });

  it.each([
    ['2026-02-30', UTC],
    ['26-03-29', UTC],
    ['2026-03-29', 'Nowhere/City'],
  ])('refuses %s in %s', (date, tz) => {
    expect(() => dayBounds(date, tz)).toThrow(RangeError);
  });
});

describe('learnedSlots', () => {
  const week = (from: string, tz: string): [number, number] => [
    dayBounds(from, tz).start,
    dayBounds(new Date(t(`${from}T00:00:00Z`) + 7 * 24 * HOUR).toISOString().slice(0, 10), tz).start,
  ];

  it('daily 02:15–02:45 in Berlin through the spring-forward week', () => {
    const [from, to] = week('2026-03-26', BERLIN);
    expect(show(learnedSlots(learned('daily', [], 135, 165, 150), BERLIN, from, to))).toEqual([
      '2026-03-26T01:15Z/2026-03-26T01:45Z',
      '2026-03-27T01:15Z/2026-03-27T01:45Z',
      '2026-03-28T01:15Z/2026-03-28T01:45Z',
      // 02:15 does not exist: opened an hour early (01:15 CET), closed late (03:45 CEST).
      '2026-03-29T00:15Z/2026-03-29T01:45Z',
      '2026-03-30T00:15Z/2026-03-30T00:45Z',
      '2026-03-31T00:15Z/2026-03-31T00:45Z',
      '2026-04-01T00:15Z/2026-04-01T00:45Z',
    ]);
  });

  it('daily 02:15–02:45 in Berlin through the fall-back week covers both 02:30s', () => {
    const [from, to] = week('2026-10-24', BERLIN);
    const slots = show(learnedSlots(learned('daily', [], 135, 165, 150), BERLIN, from, to));
    expect(slots.slice(0, 3)).toEqual([
      '2026-10-24T00:15Z/2026-10-24T00:45Z',
      '2026-10-25T00:15Z/2026-10-25T01:45Z', // 02:15 CEST to 02:45 CET
      '2026-10-26T01:15Z/2026-10-26T01:45Z',
    ]);
    expect(slots).toHaveLength(7);
  });

  it('daily 01:15–01:45 in New York on the fall-back day', () => {
    const { start, end } = dayBounds('2026-11-01', NEW_YORK);
    expect(show(learnedSlots(learned('daily', [], 75, 105, 90), NEW_YORK, start, end))).toEqual([
      '2026-11-01T05:15Z/2026-11-01T06:45Z',
    ]);
  });

  it('weekly Mon/Wed/Fri over two weeks', () => {
    const slots = learnedSlots(
      learned('weekly', [1, 3, 5], 1305, 1335, 1320),
      UTC,
      t('2026-01-05T00:00Z'),
      t('2026-01-19T00:00Z'),
    );
    expect(show(slots)).toEqual([
      '2026-01-05T21:45Z/2026-01-05T22:15Z',
      '2026-01-07T21:45Z/2026-01-07T22:15Z',
      '2026-01-09T21:45Z/2026-01-09T22:15Z',
      '2026-01-12T21:45Z/2026-01-12T22:15Z',
      '2026-01-14T21:45Z/2026-01-14T22:15Z',
      '2026-01-16T21:45Z/2026-01-16T22:15Z',
    ]);
  });

  it('monthly on the 31st and 30th skips months without those days', () => {
    const slots = learnedSlots(
      learned('monthly', [30, 31], 165, 195, 180),
      UTC,
      t('2026-01-01T00:00Z'),
      t('2026-05-01T00:00Z'),
    );
    expect(slots.map((s) => iso(s.start).slice(0, 10))).toEqual([
      '2026-01-30',
      '2026-01-31',
      '2026-03-30',
      '2026-03-31',
      '2026-04-30',
    ]);
  });

  it.each<[string, number, string[]]>([
    // The same instants either way; a wrapping window belongs to the day of its median.
    ['median 00:05', 5, ['2026-01-04T23:50Z/2026-01-05T00:20Z', '2026-01-05T23:50Z/2026-01-06T00:20Z']],
    ['median 23:55', 1435, ['2026-01-04T23:50Z/2026-01-05T00:20Z', '2026-01-05T23:50Z/2026-01-06T00:20Z']],
  ])('window 23:50–00:20 with %s, range 5 Jan 00:00 to 6 Jan 00:10', (_, median, expected) => {
    const s = learned('daily', [], 1430, 20, median);
    expect(show(learnedSlots(s, UTC, t('2026-01-05T00:00Z'), t('2026-01-06T00:10Z')))).toEqual(expected);
  });

  it('returns slots that intersect the range, not only those inside it', () => {
    const s = learned('daily', [], 105, 135, 120);
    expect(show(learnedSlots(s, UTC, t('2026-01-05T02:00Z'), t('2026-01-05T02:01Z')))).toEqual([
      '2026-01-05T01:45Z/2026-01-05T02:15Z',
    ]);
    expect(learnedSlots(s, UTC, t('2026-01-05T02:15Z'), t('2026-01-06T01:45Z'))).toEqual([]);
  });

  it.each<LearnedSchedule>([
    { kind: 'irregular', days: [], window: null, medianMinute: null, sampleCount: 30, text: 'Irregular' },
    { kind: 'none', days: [], window: null, medianMinute: null, sampleCount: 0, text: 'No schedule learned' },
  ])('$kind has no slots', (s) => {
    expect(learnedSlots(s, UTC, t('2026-01-01T00:00Z'), t('2026-02-01T00:00Z'))).toEqual([]);
  });

  it('an empty or reversed range has no slots', () => {
    const s = learned('daily', [], 105, 135, 120);
    expect(learnedSlots(s, UTC, t('2026-01-05T00:00Z'), t('2026-01-05T00:00Z'))).toEqual([]);
    expect(learnedSlots(s, UTC, t('2026-01-06T00:00Z'), t('2026-01-05T00:00Z'))).toEqual([]);
  });
});

describe('configuredSlots', () => {
  const cron = (expression: string, timezone = BERLIN): Schedule => ({ type: 'cron', expression, timezone });

  it('cron 02:30 daily in Berlin through the spring-forward day', () => {
    const slots = configuredSlots(cron('30 2 * * *'), t('2026-03-28T00:00Z'), t('2026-03-31T00:00Z'), HOUR);
    expect(show(slots)).toEqual([
      '2026-03-28T01:30Z/2026-03-28T02:30Z',
      '2026-03-29T01:30Z/2026-03-29T02:30Z', // 02:30 → 03:30 CEST
      '2026-03-30T00:30Z/2026-03-30T01:30Z',
    ]);
  });

  it('cron 02:30 daily in Berlin fires once on the fall-back day', () => {
    const { start, end } = dayBounds('2026-10-25', BERLIN);
    expect(show(configuredSlots(cron('30 2 * * *'), start, end, 30 * MIN))).toEqual([
      '2026-10-25T00:30Z/2026-10-25T01:00Z',
    ]);
  });

  it('weekly Mon and Thu at 06:00 in New York', () => {
    const schedule: Schedule = { type: 'weekly', days: ['mon', 'thu'], times: ['06:00'], timezone: NEW_YORK };
    expect(show(configuredSlots(schedule, t('2026-03-02T00:00Z'), t('2026-03-13T00:00Z'), 2 * HOUR))).toEqual([
      '2026-03-02T11:00Z/2026-03-02T13:00Z',
      '2026-03-05T11:00Z/2026-03-05T13:00Z',
      '2026-03-09T10:00Z/2026-03-09T12:00Z', // after the 8 March change
      '2026-03-12T10:00Z/2026-03-12T12:00Z',
    ]);
  });

  it('interval every 6 hours, with a slot that started before the range', () => {
    const schedule: Schedule = { type: 'interval', everySeconds: 6 * 3600 };
    expect(show(configuredSlots(schedule, t('2026-01-05T01:00Z'), t('2026-01-06T00:00Z'), 2 * HOUR))).toEqual([
      '2026-01-05T00:00Z/2026-01-05T02:00Z',
      '2026-01-05T06:00Z/2026-01-05T08:00Z',
      '2026-01-05T12:00Z/2026-01-05T14:00Z',
      '2026-01-05T18:00Z/2026-01-05T20:00Z',
    ]);
  });

  it('a fire at `to` is not in the range; one at `from` is', () => {
    const schedule: Schedule = { type: 'interval', everySeconds: 3600 };
    const slots = configuredSlots(schedule, t('2026-01-05T00:00Z'), t('2026-01-05T03:00Z'), 0);
    expect(slots.map((s) => iso(s.start))).toEqual(['2026-01-05T00:00Z', '2026-01-05T01:00Z', '2026-01-05T02:00Z']);
  });

  it('every minute for a day gives 1440 slots', () => {
    const { start, end } = dayBounds('2026-01-05', UTC);
    expect(configuredSlots(cron('* * * * *', UTC), start, end, MIN)).toHaveLength(1440);
  });

  it.each<Schedule>([{ type: 'manual' }, { type: 'automatic' }])('$type has no slots', (schedule) => {
    expect(configuredSlots(schedule, t('2026-01-01T00:00Z'), t('2026-02-01T00:00Z'), HOUR)).toEqual([]);
  });

  it('refuses a negative grace', () => {
    expect(() => configuredSlots(cron('0 2 * * *'), 0, HOUR, -1)).toThrow(RangeError);
  });
});

describe('missedSlots', () => {
  const slot: Slot = { jobId: 7, start: t('2026-01-05T02:00Z'), end: t('2026-01-05T03:00Z') };
  const now = t('2026-01-05T12:00Z');

  it.each<[string, number[], number, number | undefined, boolean]>([
    ['no run at all', [], now, undefined, true],
    ['a run inside the window', [t('2026-01-05T02:10Z')], now, undefined, false],
    ['a run at the window start', [slot.start], now, undefined, false],
    ['a run one ms before the end', [slot.end - 1], now, undefined, false],
    ['a run exactly at the end (end is exclusive)', [slot.end], now, undefined, true],
    ['a run after the window', [t('2026-01-05T05:00Z')], now, undefined, true],
    ['a run 2 h early (default earlyMs)', [slot.start - 2 * HOUR], now, undefined, false],
    ['a run 2 h + 1 ms early', [slot.start - 2 * HOUR - 1], now, undefined, true],
    ['a run 30 min early with earlyMs 0', [slot.start - 30 * MIN], now, 0, true],
    ['a run 30 min early with earlyMs 1 h', [slot.start - 30 * MIN], now, HOUR, false],
    ['the window has not ended yet', [], slot.end - 1, undefined, false],
    ['the window ends exactly now', [], slot.end, undefined, true],
    [
      'runs in any order, one of them inside',
      [t('2026-01-05T09:00Z'), t('2026-01-04T02:00Z'), t('2026-01-05T02:59Z')],
      now,
      undefined,
      false,
    ],
    ['a previous day run does not count', [t('2026-01-04T02:30Z')], now, undefined, true],
  ])('%s', (_, runs, at, earlyMs, missed) => {
    expect(missedSlots([slot], runs, at, earlyMs)).toEqual(missed ? [slot] : []);
  });

  it('is deterministic: keeps the input order and does not touch its inputs', () => {
    const slots: Slot[] = [
      { start: t('2026-01-07T02:00Z'), end: t('2026-01-07T03:00Z') },
      { start: t('2026-01-05T02:00Z'), end: t('2026-01-05T03:00Z') },
      { start: t('2026-01-06T02:00Z'), end: t('2026-01-06T03:00Z') },
    ];
    const runs = [t('2026-01-06T02:20Z'), t('2026-01-01T00:00Z')];
    const before = JSON.stringify([slots, runs]);
    const first = missedSlots(slots, runs, t('2026-01-08T00:00Z'));
    expect(first.map((s) => iso(s.start))).toEqual(['2026-01-07T02:00Z', '2026-01-05T02:00Z']);
    expect(missedSlots(slots, runs, t('2026-01-08T00:00Z'))).toEqual(first);
    expect(JSON.stringify([slots, runs])).toBe(before);
  });
});

describe('learn, expect, detect: a DST week end to end', () => {
  it.each<[string, string, string]>([
    [BERLIN, '2026-03-02', '2026-03-29'],
    [BERLIN, '2026-10-01', '2026-10-25'],
    [NEW_YORK, '2026-02-10', '2026-03-08'],
    [NEW_YORK, '2026-10-05', '2026-11-01'],
  ])('%s: daily 02:30 job, the run of %s… is missing on %s', (tz, from, missingDate) => {
    const first = dayOfDate(from);
    const missingDay = dayOfDate(missingDate);
    const days = missingDay - first + 4;
    const runs: number[] = [];
    for (let d = first; d < first + days; d += 1) {
      if (d !== missingDay) runs.push(localToInstant(d, 150 + ((d * 7) % 11) - 5, tz));
    }
    const now = localToInstant(first + days, 0, tz); // midnight after the last run
    const schedule = inferSchedule(runs, tz, now);
    expect(schedule).toMatchObject({ kind: 'daily', medianMinute: 150 });

    // The DST day and the days around it: every slot but the missing day's is covered.
    const range = { from: localToInstant(missingDay - 2, 0, tz), to: now };
    const slots = learnedSlots(schedule, tz, range.from, range.to);
    expect(slots).toHaveLength(6);
    const missed = missedSlots(slots, runs, now);
    expect(missed).toHaveLength(1);
    const bounds = dayBounds(missingDate, tz);
    expect(missed[0]?.start).toBeGreaterThanOrEqual(bounds.start);
    expect(missed[0]?.end).toBeLessThanOrEqual(bounds.end);
  });
});
