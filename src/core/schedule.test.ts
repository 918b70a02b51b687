import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import type { Schedule } from './domain.js';
import { ValidationError } from './errors.js';
import {
  describeSchedule,
  firesBetween,
  nextFireAfter,
  normaliseTimezone,
  validateSchedule,
  wallClock,
} from './schedule.js';

const PARIS = 'Europe/Paris';
const NEW_YORK = 'America/New_York';
// 2026 DST changes: Paris 29 Mar 01:00Z (+1→+2) and 25 Oct 01:00Z (+2→+1);
// New York 8 Mar 07:00Z (-5→-4) and 1 Nov 06:00Z (-4→-5).

const cron = (expression: string, timezone = PARIS): Schedule => ({
  type: 'cron',
  expression,
  timezone,
});
const weekly = (days: string[], times: string[], timezone = PARIS): Schedule =>
  validateSchedule({ type: 'weekly', days, times, timezone }, 'UTC');
const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString().replace(':00.000Z', 'Z'));
const between = (s: Schedule, from: string, to: string): string[] => iso(firesBetween(s, new Date(from), new Date(to)));

describe('validateSchedule', () => {
  it.each<[unknown, Schedule]>([
    [{ type: 'manual' }, { type: 'manual' }],
    [{ type: 'automatic' }, { type: 'automatic' }],
    [
      { type: 'cron', expression: '  0   2 * * * ' },
      { type: 'cron', expression: '0 2 * * *', timezone: 'UTC' },
    ],
    [
      { type: 'cron', expression: '@DAILY', timezone: 'europe/paris' },
      { type: 'cron', expression: '@daily', timezone: PARIS },
    ],
    [
      { type: 'cron', expression: '0 0 * * MON#1', timezone: NEW_YORK },
      { type: 'cron', expression: '0 0 * * MON#1', timezone: NEW_YORK },
    ],
    [
      {
        type: 'weekly',
        days: ['fri', 'Monday', 'wed', 'mon'],
        times: ['18:00', '6:00', '06:00'],
        timezone: PARIS,
      },
      {
        type: 'weekly',
        days: ['mon', 'wed', 'fri'],
        times: ['06:00', '18:00'],
        timezone: PARIS,
      },
    ],
    [
      { type: 'interval', everySeconds: 900 },
      { type: 'interval', everySeconds: 900 },
    ],
    [
      { type: 'interval', everySeconds: '1h30m' },
      { type: 'interval', everySeconds: 5_400 },
    ],
  ])('%j', (input, expected) => {
    expect(validateSchedule(input, 'UTC')).toEqual(expected);
  });

  it('keeps a valid zone link as written instead of ICU legacy names', () => {
    expect(normaliseTimezone('Asia/Kolkata', 'tz')).toBe('Asia/Kolkata');
    expect(normaliseTimezone('utc', 'tz')).toBe('UTC');
  });

  it.each<[unknown, string]>([
    [null, 'schedule must be an object with a type (manual, cron, weekly, interval, automatic)'],
    [{ type: 'hourly' }, "schedule.type: 'hourly' is not a schedule type"],
    [
      { type: 'cron', expression: '61 * * * *' },
      "schedule.expression: '61 * * * *' is not a valid cron expression: minute must be 0–59",
    ],
    [{ type: 'cron', expression: '0 24 * * *' }, 'hour must be 0–23'],
    [{ type: 'cron', expression: '0 0 0 * *' }, 'day of month must be 1–31'],
    [{ type: 'cron', expression: '0 0 1 13 *' }, 'month must be 1–12'],
    [{ type: 'cron', expression: '0 0 * * 8' }, 'day of week must be 0–7'],
    [{ type: 'cron', expression: '0 0 * * mon#6' }, "'#' must be followed by 1–5"],
    [{ type: 'cron', expression: 'x * * * *' }, "minute 'x' contains characters cron does not allow"],
    [{ type: 'cron', expression: '* * *' }, 'expected 5 fields (minute hour day-of-month month day-of-week), found 3'],
    [{ type: 'cron', expression: '0 0 2 * * *' }, 'seconds are not supported'],
    [{ type: 'cron', expression: '? * * * *' }, "'?' is not supported"],
    [{ type: 'cron', expression: '@reboot' }, 'unknown nickname'],
    [{ type: 'cron', expression: '0 0 31 2 *' }, "'0 0 31 2 *' is not a valid cron expression: it never fires"],
    [{ type: 'cron' }, 'schedule.expression: a cron expression is required'],
    [
      { type: 'cron', expression: '* * * * *', timezone: 'Europe/Pariss' },
      "schedule.timezone: 'Europe/Pariss' is not a known time zone",
    ],
    [{ type: 'cron', expression: '* * * * *', timeZone: PARIS }, 'schedule.timeZone: not a field of a cron schedule'],
    [{ type: 'weekly', days: [], times: ['02:00'] }, 'schedule.days must list at least one day'],
    [{ type: 'weekly', days: ['mon', 'moon'], times: ['02:00'] }, "schedule.days[1]: 'moon' is not a day"],
    [{ type: 'weekly', days: ['mon'], times: [] }, 'schedule.times must list at least one time (HH:MM)'],
    [{ type: 'weekly', days: ['mon'], times: ['02:00', '25:00'] }, "schedule.times[1]: '25:00' is not a time (HH:MM)"],
    [{ type: 'weekly', days: ['mon'], times: ['2pm'] }, "schedule.times[0]: '2pm' is not a time (HH:MM)"],
    [{ type: 'interval', everySeconds: 59 }, 'schedule.everySeconds: must be between 60 seconds and 366 days'],
    [{ type: 'interval', everySeconds: 90.5 }, 'schedule.everySeconds: 90.5 is not a whole'],
    [{ type: 'interval' }, 'schedule.everySeconds: required'],
  ])('rejects %j', (input, message) => {
    expect(() => validateSchedule(input, 'UTC')).toThrow(ValidationError);
    expect(() => validateSchedule(input, 'UTC')).toThrow(message);
  });

  it('names the field of a bad default zone', () => {
    expect(() => validateSchedule({ type: 'weekly', days: ['mon'], times: ['02:00'] }, 'Mars/Olympus')).toThrow(
      "schedule.timezone: 'Mars/Olympus' is not a known time zone",
    );
  });
});

describe('nextFireAfter', () => {
  it.each<[Schedule, string, string | null]>([
    [{ type: 'manual' }, '2026-01-01T00:00:00Z', null],
    [{ type: 'automatic' }, '2026-01-01T00:00:00Z', null],
    // Intervals are aligned on the Unix epoch, so every process agrees on the slots.
    [{ type: 'interval', everySeconds: 900 }, '2026-01-01T10:07:13Z', '2026-01-01T10:15:00Z'],
    [{ type: 'interval', everySeconds: 900 }, '2026-01-01T10:15:00Z', '2026-01-01T10:30:00Z'],
    [cron('0 2 * * *'), '2026-01-15T00:00:00Z', '2026-01-15T01:00:00Z'],
    [cron('0 2 * * *'), '2026-01-15T01:00:00Z', '2026-01-16T01:00:00Z'], // strictly after
    [cron('0 2 * * *'), '2026-07-15T00:59:59.999Z', '2026-07-16T00:00:00Z'],
    [cron('0 2 * * *', NEW_YORK), '2026-01-15T00:00:00Z', '2026-01-15T07:00:00Z'],
    [cron('0 0 29 2 *', 'UTC'), '2026-01-01T00:00:00Z', '2028-02-29T00:00:00Z'],
    [cron('0 9 * * mon#1', 'UTC'), '2026-06-02T00:00:00Z', '2026-07-06T09:00:00Z'],
    [cron('0 9 13 * 5', 'UTC'), '2026-06-02T00:00:00Z', '2026-06-05T09:00:00Z'], // dom OR dow, as Vixie cron
    [weekly(['mon'], ['06:00']), '2026-11-20T12:00:00Z', '2026-11-23T05:00:00Z'],
    [weekly(['sun'], ['23:30'], NEW_YORK), '2026-12-31T12:00:00Z', '2027-01-04T04:30:00Z'],
  ])('%j after %s → %s', (schedule, after, expected) => {
    const next = nextFireAfter(schedule, new Date(after));
    expect(next === null ? null : next.toISOString()).toBe(expected === null ? null : new Date(expected).toISOString());
  });

  it('rejects an invalid date', () => {
    expect(() => nextFireAfter(cron('* * * * *'), new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('DST: spring forward fires once, shifted forward by the gap', () => {
  it.each<[string, Schedule, string, string, string[]]>([
    [
      'weekly 02:30 Paris',
      weekly(['sat', 'sun', 'mon'], ['02:30']),
      '2026-03-28T00:00:00Z',
      '2026-03-31T00:00:00Z',
      ['2026-03-28T01:30Z', '2026-03-29T01:30Z' /* 03:30 CEST */, '2026-03-30T00:30Z'],
    ],
    [
      'cron 30 2 Paris',
      cron('30 2 * * *'),
      '2026-03-28T00:00:00Z',
      '2026-03-31T00:00:00Z',
      ['2026-03-28T01:30Z', '2026-03-29T01:30Z', '2026-03-30T00:30Z'],
    ],
    [
      'cron 30 2 New York',
      cron('30 2 * * *', NEW_YORK),
      '2026-03-07T00:00:00Z',
      '2026-03-10T00:00:00Z',
      ['2026-03-07T07:30Z', '2026-03-08T07:30Z' /* 03:30 EDT */, '2026-03-09T06:30Z'],
    ],
    [
      'weekly 02:00 + 02:30 + 03:00 stay distinct where they can',
      weekly(['sun'], ['02:00', '02:30', '03:00']),
      '2026-03-28T00:00:00Z',
      '2026-03-30T00:00:00Z',
      ['2026-03-29T01:00Z' /* 03:00, shared by 02:00 and 03:00 */, '2026-03-29T01:30Z'],
    ],
    [
      'every 30 minutes has no duplicate and no hole',
      cron('*/30 * * * *'),
      '2026-03-29T00:00:00Z',
      '2026-03-29T02:00:00Z',
      ['2026-03-29T00:30Z', '2026-03-29T01:00Z', '2026-03-29T01:30Z', '2026-03-29T02:00Z'],
    ],
  ])('%s', (_name, schedule, from, to, expected) => {
    expect(between(schedule, from, to)).toEqual(expected);
  });
});

describe('DST: fall back fires once at the first occurrence, except every-hour crons', () => {
  it.each<[string, Schedule, string, string, string[]]>([
    [
      'weekly 02:30 Paris',
      weekly(['sat', 'sun', 'mon'], ['02:30']),
      '2026-10-24T00:00:00Z',
      '2026-10-27T00:00:00Z',
      ['2026-10-24T00:30Z', '2026-10-25T00:30Z' /* 02:30 CEST */, '2026-10-26T01:30Z'],
    ],
    [
      'cron 30 2 Paris (croner alone picks the second occurrence)',
      cron('30 2 * * *'),
      '2026-10-24T00:00:00Z',
      '2026-10-27T00:00:00Z',
      ['2026-10-24T00:30Z', '2026-10-25T00:30Z', '2026-10-26T01:30Z'],
    ],
    [
      'cron 30 1 New York',
      cron('30 1 * * *', NEW_YORK),
      '2026-10-31T00:00:00Z',
      '2026-11-03T00:00:00Z',
      ['2026-10-31T05:30Z', '2026-11-01T05:30Z' /* 01:30 EDT */, '2026-11-02T06:30Z'],
    ],
    [
      'every 30 minutes runs through the repeated hour',
      cron('*/30 * * * *'),
      '2026-10-24T23:45:00Z',
      '2026-10-25T02:00:00Z',
      ['2026-10-25T00:00Z', '2026-10-25T00:30Z', '2026-10-25T01:00Z', '2026-10-25T01:30Z', '2026-10-25T02:00Z'],
    ],
    [
      'a restricted-hours cron fires once',
      cron('0,30 1-3 * * *'),
      '2026-10-24T22:00:00Z',
      '2026-10-25T03:00:00Z',
      [
        '2026-10-24T23:00Z',
        '2026-10-24T23:30Z',
        '2026-10-25T00:00Z',
        '2026-10-25T00:30Z',
        '2026-10-25T02:00Z',
        '2026-10-25T02:30Z',
      ],
    ],
  ])('%s', (_name, schedule, from, to, expected) => {
    expect(between(schedule, from, to)).toEqual(expected);
  });

  it('croner 9 on its own skips instants of the repeated hour (why we do not use its zone support)', () => {
    const c = new Cron('*/30 * * * *', { timezone: PARIS, paused: true });
    expect(c.nextRun(new Date('2026-10-25T00:00:00Z'))?.toISOString()).toBe('2026-10-25T01:30:00.000Z');
    expect(nextFireAfter(cron('*/30 * * * *'), new Date('2026-10-25T00:00:00Z'))?.toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });

  it('does not fire again at the second occurrence when asked from inside the repeated hour', () => {
    const after = new Date('2026-10-25T00:45:00Z'); // 02:45 CEST, 02:30 comes again at 01:30Z
    expect(nextFireAfter(cron('30 2 * * *'), after)?.toISOString()).toBe('2026-10-26T01:30:00.000Z');
    expect(nextFireAfter(cron('0 * * * *'), after)?.toISOString()).toBe('2026-10-25T01:00:00.000Z');
  });
});

describe('DST invariants over 2026', () => {
  const zones = [PARIS, NEW_YORK, 'Australia/Lord_Howe' /* 30-minute shift */, 'UTC'];

  it.each(zones)('a daily 02:30 fires exactly once on every local day in %s', (tz) => {
    const fires = firesBetween(
      cron('30 2 * * *', tz),
      new Date('2026-01-01T12:00:00Z'),
      new Date('2027-01-01T12:00:00Z'),
    );
    const days = fires.map((f) => wallClock(f, tz).toISOString().slice(0, 10));
    expect(new Set(days).size).toBe(days.length);
    expect(days.length).toBeGreaterThanOrEqual(365);
  });

  it.each([
    ['2026-03-29', 23],
    ['2026-10-25', 25],
    ['2026-07-01', 24],
  ])('an hourly cron fires once per real hour in Paris on %s (%d)', (day, count) => {
    const from = new Date(new Date(`${day}T00:00:00Z`).getTime() - 6 * 3_600_000);
    const fires = firesBetween(cron('0 * * * *'), from, new Date(from.getTime() + 30 * 3_600_000)).filter(
      (f) => wallClock(f, PARIS).toISOString().slice(0, 10) === day,
    );
    expect(fires).toHaveLength(count);
  });

  // nextFireAfter must agree with the chained list from any starting point, including
  // inside gaps and repeated hours.
  it.each<[string, Schedule, string]>([
    ['every 15 min, Paris fall', cron('*/15 * * * *'), '2026-10-24T22:00:00Z'],
    ['every 15 min, Paris spring', cron('*/15 * * * *'), '2026-03-28T22:00:00Z'],
    ['02:00/02:30/03:00 NY fall', weekly(['sun'], ['01:00', '01:30', '02:00'], NEW_YORK), '2026-10-31T22:00:00Z'],
    ['02:00/02:30/03:00 NY spring', weekly(['sun'], ['02:00', '02:30', '03:00'], NEW_YORK), '2026-03-07T22:00:00Z'],
    ['hourly at :45, Lord Howe fall', cron('45 * * * *', 'Australia/Lord_Howe'), '2026-04-04T10:00:00Z'],
    [
      'every 10 min, St Johns fall (change at :30 UTC)',
      cron('*/10 * * * *', 'America/St_Johns'),
      '2026-10-31T22:00:00Z',
    ],
    ['every 10 min, St Johns spring', cron('*/10 * * * *', 'America/St_Johns'), '2026-03-07T22:00:00Z'],
  ])('%s: consistent from every 5-minute starting point', (_name, schedule, start) => {
    const from = new Date(start);
    const to = new Date(from.getTime() + 12 * 3_600_000);
    const all = firesBetween(schedule, from, new Date(to.getTime() + 8 * 86_400_000)).map((d) => d.getTime());
    for (let t = from.getTime(); t < to.getTime(); t += 5 * 60_000) {
      const expected = all.find((f) => f > t);
      expect(nextFireAfter(schedule, new Date(t))?.getTime(), new Date(t).toISOString()).toBe(expected);
    }
    expect([...all].sort((a, b) => a - b)).toEqual(all);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('wallClock', () => {
  it.each([PARIS, NEW_YORK, 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'])(
    'matches Intl around the 2026 changes in %s (cached offsets)',
    (tz) => {
      const intl = new Intl.DateTimeFormat('sv-SE', {
        timeZone: tz,
        dateStyle: 'short',
        timeStyle: 'medium',
      });
      const changeWeekends = ['03-07', '03-28', '04-04', '10-03', '10-24', '10-31'];
      for (const start of changeWeekends.map((d) => Date.parse(`2026-${d}T00:00:00Z`))) {
        for (let t = start; t < start + 3 * 86_400_000; t += 7.5 * 60_000) {
          const wall = wallClock(new Date(t), tz).toISOString().slice(0, 19).replace('T', ' ');
          if (wall !== intl.format(t)) expect(wall, new Date(t).toISOString()).toBe(intl.format(t));
        }
      }
    },
  );
});

describe('firesBetween', () => {
  it('returns fires in (from, to], oldest first', () => {
    expect(between(cron('0 * * * *', 'UTC'), '2026-01-01T00:00:00Z', '2026-01-01T03:00:00Z')).toEqual([
      '2026-01-01T01:00Z',
      '2026-01-01T02:00Z',
      '2026-01-01T03:00Z',
    ]);
  });

  it('stops at the limit', () => {
    const fires = firesBetween(
      cron('* * * * *', 'UTC'),
      new Date('2026-01-01T00:00:00Z'),
      new Date('2026-02-01T00:00:00Z'),
      5,
    );
    expect(iso(fires)).toEqual([
      '2026-01-01T00:01Z',
      '2026-01-01T00:02Z',
      '2026-01-01T00:03Z',
      '2026-01-01T00:04Z',
      '2026-01-01T00:05Z',
    ]);
    expect(firesBetween(cron('* * * * *', 'UTC'), new Date('2026-01-01'), new Date('2026-01-02'))).toHaveLength(1000);
  });

  it('is empty for manual schedules and reversed ranges', () => {
    expect(firesBetween({ type: 'manual' }, new Date('2026-01-01'), new Date('2026-02-01'))).toEqual([]);
    expect(firesBetween(cron('* * * * *'), new Date('2026-02-01'), new Date('2026-01-01'))).toEqual([]);
  });

  it('lists interval fires', () => {
    expect(between({ type: 'interval', everySeconds: 3_600 }, '2026-01-01T00:30:00Z', '2026-01-01T02:30:00Z')).toEqual([
      '2026-01-01T01:00Z',
      '2026-01-01T02:00Z',
    ]);
  });
});

describe('describeSchedule', () => {
  it.each<[Schedule, string]>([
    [{ type: 'manual' }, 'Manual'],
    [{ type: 'automatic' }, 'Automatic'],
    [{ type: 'interval', everySeconds: 900 }, 'Every 15 minutes'],
    [{ type: 'interval', everySeconds: 60 }, 'Every minute'],
    [{ type: 'interval', everySeconds: 7_200 }, 'Every 2 hours'],
    [{ type: 'interval', everySeconds: 86_400 }, 'Every day'],
    [{ type: 'interval', everySeconds: 90 }, 'Every 90 seconds'],
    [weekly(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], ['02:00']), 'Every day at 02:00 (Europe/Paris)'],
    [weekly(['fri', 'mon', 'wed'], ['18:00', '06:00']), 'Mon, Wed, Fri at 06:00 and 18:00 (Europe/Paris)'],
    [weekly(['mon', 'tue', 'wed', 'thu', 'fri'], ['22:00']), 'Mon–Fri at 22:00 (Europe/Paris)'],
    [weekly(['sat', 'sun'], ['01:00', '09:00', '17:00']), 'Sat, Sun at 01:00, 09:00 and 17:00 (Europe/Paris)'],
    [weekly(['tue'], ['04:15'], NEW_YORK), 'Every Tuesday at 04:15 (America/New_York)'],
    [cron('0 2 * * *'), 'Every day at 02:00 (Europe/Paris)'],
    [cron('@daily', 'UTC'), 'Every day at 00:00 (UTC)'],
    [cron('15 * * * *', 'UTC'), 'Every hour at :15 (UTC)'],
    [cron('@hourly', 'UTC'), 'Every hour at :00 (UTC)'],
    [cron('30 3 * * 1', 'UTC'), 'Every Monday at 03:30 (UTC)'],
    [cron('30 3 * * sun', 'UTC'), 'Every Sunday at 03:30 (UTC)'],
    [cron('0 6,18 * * 1-5', PARIS), 'Mon–Fri at 06:00 and 18:00 (Europe/Paris)'],
    [cron('0 2 1 * *', 'UTC'), 'At 02:00 on day 1 of the month (UTC)'],
    [cron('@yearly', 'UTC'), 'Every year on 1 January at 00:00 (UTC)'],
    [cron('*/5 * * * *', 'UTC'), 'Every 5 minutes (UTC)'],
    [cron('* * * * *', 'UTC'), 'Every minute (UTC)'],
    [cron('0 */6 * * *', 'UTC'), 'Every 6 hours at :00 (UTC)'],
    [cron('0 */6 * * 1-5', 'UTC'), 'Cron 0 */6 * * 1-5 (UTC)'],
    [cron('0 9 * * 5L', 'UTC'), 'Cron 0 9 * * 5L (UTC)'],
    [cron('*/10 9-17 * * *', 'UTC'), 'Cron */10 9-17 * * * (UTC)'],
  ])('%j → %s', (schedule, expected) => {
    expect(describeSchedule(schedule)).toBe(expected);
  });
});
