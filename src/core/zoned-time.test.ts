import { describe, expect, it } from 'vitest';
import type { Disambiguation } from './zoned-time.js';
import {
  dateOfDay,
  dayOfDate,
  dayOfMonthOfDay,
  isoWeekdayOfDay,
  localTime,
  localToInstant,
  offsetAt,
  wallToInstant,
} from './zoned-time.js';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
// 2026 DST changes: Berlin 29 Mar 01:00Z (+1→+2) and 25 Oct 01:00Z (+2→+1);
// New York 8 Mar 07:00Z (-5→-4) and 1 Nov 06:00Z (-4→-5).

const iso = (t: number): string => new Date(t).toISOString().replace(':00.000Z', 'Z');
const wall = (text: string): number => Date.parse(`${text}Z`);

describe('dates', () => {
  it.each([
    ['1970-01-01', 0, 4],
    ['2026-03-29', 20541, 7],
    ['2026-03-30', 20542, 1],
    ['1969-12-31', -1, 3],
    ['2028-02-29', 21243, 2],
  ])('%s is epoch day %i, ISO weekday %i', (date, day, weekday) => {
    expect(dayOfDate(date)).toBe(day);
    expect(dateOfDay(day)).toBe(date);
    expect(isoWeekdayOfDay(day)).toBe(weekday);
    expect(dayOfMonthOfDay(day)).toBe(Number(date.slice(8)));
  });

  it.each(['2026-02-30', '2026-3-1', '2026-13-01', '', '2026-03-29T00:00'])('refuses %j', (date) => {
    expect(() => dayOfDate(date)).toThrow(RangeError);
  });
});

describe('localTime and offsets', () => {
  it.each<[string, string, Partial<ReturnType<typeof localTime>>]>([
    ['2026-03-29T00:59:00Z', BERLIN, { minute: 119, isoWeekday: 7, dayOfMonth: 29, month: 3, year: 2026 }],
    ['2026-03-29T01:00:00Z', BERLIN, { minute: 180 }],
    ['2026-10-25T00:30:00Z', BERLIN, { minute: 150 }],
    ['2026-10-25T01:30:00Z', BERLIN, { minute: 150 }],
    ['2026-01-01T04:59:00Z', NEW_YORK, { minute: 1439, dayOfMonth: 31, month: 12, year: 2025 }],
    ['2026-07-01T12:00:00Z', 'UTC', { minute: 720, isoWeekday: 3 }],
  ])('%s in %s', (instant, tz, expected) => {
    expect(localTime(Date.parse(instant), tz)).toMatchObject(expected);
  });

  it('reads offsets either side of a change', () => {
    expect(offsetAt(Date.parse('2026-03-29T00:59:00Z'), BERLIN)).toBe(3_600_000);
    expect(offsetAt(Date.parse('2026-03-29T01:00:00Z'), BERLIN)).toBe(7_200_000);
    expect(offsetAt(Date.parse('2026-11-01T06:00:00Z'), NEW_YORK)).toBe(-5 * 3_600_000);
  });

  it('throws for an unknown zone', () => {
    expect(() => localTime(0, 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('wallToInstant', () => {
  it.each<[string, string, Disambiguation, string]>([
    // Plain times: every mode agrees.
    ['2026-06-01T02:30', BERLIN, 'compatible', '2026-06-01T00:30Z'],
    ['2026-06-01T02:30', BERLIN, 'earlier', '2026-06-01T00:30Z'],
    ['2026-06-01T02:30', BERLIN, 'later', '2026-06-01T00:30Z'],
    // Spring-forward gap (02:00–03:00 does not exist).
    ['2026-03-29T02:30', BERLIN, 'compatible', '2026-03-29T01:30Z'],
    ['2026-03-29T02:30', BERLIN, 'later', '2026-03-29T01:30Z'],
    ['2026-03-29T02:30', BERLIN, 'earlier', '2026-03-29T00:30Z'],
    ['2026-03-29T03:00', BERLIN, 'earlier', '2026-03-29T01:00Z'],
    // Fall-back overlap (02:00–03:00 happens twice).
    ['2026-10-25T02:30', BERLIN, 'compatible', '2026-10-25T00:30Z'],
    ['2026-10-25T02:30', BERLIN, 'earlier', '2026-10-25T00:30Z'],
    ['2026-10-25T02:30', BERLIN, 'later', '2026-10-25T01:30Z'],
    ['2026-03-08T02:30', NEW_YORK, 'compatible', '2026-03-08T07:30Z'],
    ['2026-03-08T02:30', NEW_YORK, 'earlier', '2026-03-08T06:30Z'],
    ['2026-11-01T01:30', NEW_YORK, 'compatible', '2026-11-01T05:30Z'],
    ['2026-11-01T01:30', NEW_YORK, 'later', '2026-11-01T06:30Z'],
  ])('%s %s %s → %s', (local, tz, mode, expected) => {
    expect(iso(wallToInstant(wall(local), tz, mode))).toBe(expected);
  });

  it('accepts minutes outside the day', () => {
    const day = dayOfDate('2026-06-01');
    expect(iso(localToInstant(day, -10, BERLIN))).toBe('2026-05-31T21:50Z');
    expect(iso(localToInstant(day, 1440 + 20, BERLIN))).toBe('2026-06-01T22:20Z');
  });
});
