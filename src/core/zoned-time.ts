/**
 * Calendar arithmetic in an IANA time zone, for code that reasons in local days and minutes
 * (learned schedules, expected slots, Daily Jobs). Pure: no clock, no I/O.
 *
 * Offsets come from `wallClock` in schedule.ts (Intl, cached per zone and hour), so there is
 * one source of zone data. Local dates are represented as *epoch days*: the number of days
 * from 1970-01-01 to the local calendar date (negative before), which makes "next day" and
 * "same weekday" plain integer arithmetic.
 *
 * Going from a wall-clock reading back to an instant can be ambiguous around DST changes;
 * `wallToInstant` takes the same `disambiguation` options as Temporal.ZonedDateTime:
 *   - 'compatible' (default): a time in a fall-back overlap resolves to its first occurrence,
 *     a time in a spring-forward gap is shifted forward by the gap (02:30 → 03:30 CEST), like
 *     JavaScript's Date and the scheduler (schedule.ts);
 *   - 'earlier': first occurrence; in a gap, shifted *backward* by the gap (02:30 → 01:30 CET);
 *   - 'later': second occurrence; in a gap, shifted forward.
 * Opening a window with 'earlier' and closing it with 'later' gives the widest interval that
 * covers every way software may interpret the wall times around a change.
 */
import { wallClock } from './schedule.js';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const MINUTES_PER_DAY = 1440;

export type Disambiguation = 'compatible' | 'earlier' | 'later';

/** A local reading of an instant. */
export interface LocalTime {
  /** Epoch day of the local date (days since 1970-01-01). */
  day: number;
  /** Minutes after local midnight, 0–1439. */
  minute: number;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  isoWeekday: number;
  year: number;
  /** 1–12. */
  month: number;
  /** 1–31. */
  dayOfMonth: number;
  /** Local wall-clock reading as milliseconds of a UTC date. */
  wall: number;
}

/** UTC offset (ms, east positive) in effect at `instant` in `timezone`. Throws RangeError for an unknown zone. */
export function offsetAt(instant: number, timezone: string): number {
  return wallClock(new Date(instant), timezone).getTime() - instant;
}

/** The wall-clock reading of `instant` in `timezone`, as milliseconds of a UTC date. */
export function wallOf(instant: number, timezone: string): number {
  return instant + offsetAt(instant, timezone);
}

export function localTime(instant: number, timezone: string): LocalTime {
  const wall = wallOf(instant, timezone);
  const day = Math.floor(wall / DAY_MS);
  const date = new Date(day * DAY_MS);
  return {
    day,
    minute: Math.floor((wall - day * DAY_MS) / MINUTE_MS),
    isoWeekday: isoWeekdayOfDay(day),
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    dayOfMonth: date.getUTCDate(),
    wall,
  };
}

/** ISO weekday (1 = Monday … 7 = Sunday) of an epoch day. 1970-01-01 was a Thursday. */
export function isoWeekdayOfDay(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** Day of month (1–31) of an epoch day. */
export function dayOfMonthOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCDate();
}

/** 'YYYY-MM-DD' → epoch day. Throws RangeError for anything that is not a real calendar date. */
export function dayOfDate(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match) {
    const [year, month, dayOfMonth] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const ms = Date.UTC(year, month - 1, dayOfMonth);
    const check = new Date(ms);
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === dayOfMonth) {
      return ms / DAY_MS;
    }
  }
  throw new RangeError(`'${date}' is not a date (YYYY-MM-DD)`);
}

/** Epoch day → 'YYYY-MM-DD'. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The instant a wall-clock reading (`wall`, milliseconds of a UTC date) denotes in `timezone`,
 * resolving DST ambiguity as described at the top of this file.
 */
export function wallToInstant(wall: number, timezone: string, disambiguation: Disambiguation = 'compatible'): number {
  // Offsets a day either side bracket any single transition near `wall` (as in schedule.ts).
  const before = offsetAt(wall - DAY_MS, timezone);
  const after = offsetAt(wall + DAY_MS, timezone);
  const candidates = [...new Set([wall - before, wall - after])].sort((a, b) => a - b);
  const valid = candidates.filter((t) => wallOf(t, timezone) === wall);
  const earliest = candidates[0] ?? wall - before;
  const latest = candidates[candidates.length - 1] ?? earliest;
  if (valid.length > 0) {
    return disambiguation === 'later' ? (valid[valid.length - 1] ?? latest) : (valid[0] ?? earliest);
  }
  // In a gap the offset grows, so the later candidate (wall - before) is the forward shift.
  return disambiguation === 'earlier' ? earliest : latest;
}

/** The instant of local `minute` (may be negative or ≥ 1440) on epoch day `day` in `timezone`. */
export function localToInstant(
  day: number,
  minute: number,
  timezone: string,
  disambiguation: Disambiguation = 'compatible',
): number {
  return wallToInstant(day * DAY_MS + minute * MINUTE_MS, timezone, disambiguation);
}
