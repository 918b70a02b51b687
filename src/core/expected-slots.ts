/**
 * Expected runs as time windows ("slots"), for Daily Jobs and missed-run detection.
 * Pure: no I/O, the clock (`now`) is a parameter. docs/review.md describes the rules.
 *
 * Both slot generators return every slot that *intersects* [from, to) (slot.end > from and
 * slot.start < to), oldest first, so a slot crossing `from` or `to` is returned by both
 * neighbouring ranges: identify a slot by (jobId, start) when recording missed runs, and
 * filter on `start` when a slot must be listed under exactly one day.
 */
import type { Schedule } from './domain.js';
import { nextFireAfter } from './schedule.js';
import type { LearnedSchedule } from './schedule-inference.js';
import {
  dayOfDate,
  dayOfMonthOfDay,
  isoWeekdayOfDay,
  localTime,
  localToInstant,
  MINUTES_PER_DAY,
} from './zoned-time.js';

export interface Slot {
  jobId?: number;
  /** Epoch ms; the window in which a run is expected is [start, end). */
  start: number;
  end: number;
}

/** Runs may start this long before a slot and still count for it (missedSlots default). */
export const DEFAULT_EARLY_MS = 2 * 3_600_000;

/** A guard against runaway ranges (e.g. an every-minute schedule over years). */
export const MAX_SLOTS = 100_000;

/**
 * Windows of a learned schedule that intersect [from, to). Daily: one per local day; weekly:
 * on its ISO weekdays; monthly: on its days of month (a day a month lacks, such as the 31st
 * in April, has no slot). The slot of local day D runs from D + median − (median − window.from)
 * to D + median + (window.to − median), so a window that wraps midnight (23:50–00:20) belongs
 * to the day of its median. Around DST changes the start is resolved 'earlier' and the end
 * 'later' (zoned-time.ts): on the spring-forward day a 02:15–02:45 window becomes 01:15 CET–
 * 03:45 CEST, on the fall-back day it covers both occurrences of 02:15–02:45.
 * Irregular and none learn no slots.
 */
export function learnedSlots(s: LearnedSchedule, timezone: string, from: number, to: number): Slot[] {
  if (!s.window || s.medianMinute === null || !(to > from)) return [];
  if (s.kind !== 'daily' && s.kind !== 'weekly' && s.kind !== 'monthly') return [];
  const kind = s.kind;
  const median = s.medianMinute;
  const before = mod(median - s.window.from, MINUTES_PER_DAY);
  const after = mod(s.window.to - median, MINUTES_PER_DAY);
  const days = new Set(s.days);
  const expected = (day: number): boolean =>
    kind === 'daily' ||
    (kind === 'weekly' && days.has(isoWeekdayOfDay(day))) ||
    (kind === 'monthly' && days.has(dayOfMonthOfDay(day)));
  const slots: Slot[] = [];
  // A window reaches at most a day either side of its day (tolerance ≤ 3 h, DST ≤ a few hours).
  const lastDay = localTime(to, timezone).day + 1;
  for (let day = localTime(from, timezone).day - 1; day <= lastDay; day += 1) {
    if (!expected(day)) continue;
    const start = localToInstant(day, median - before, timezone, 'earlier');
    const end = localToInstant(day, median + after, timezone, 'later');
    if (end > from && start < to) slots.push({ start, end });
    if (slots.length > MAX_SLOTS) throw new RangeError(`learnedSlots: more than ${MAX_SLOTS} slots`);
  }
  return slots;
}

/**
 * Expected windows of a configured schedule (cron, weekly, interval) that intersect [from, to):
 * each fire time t (schedule.ts `nextFireAfter`, with its DST rules) gives [t, t + graceMs).
 * Manual and automatic schedules have no slots. RangeError when graceMs < 0 or the range
 * holds more than MAX_SLOTS fires.
 */
export function configuredSlots(schedule: Schedule, from: number, to: number, graceMs: number): Slot[] {
  if (!(graceMs >= 0)) throw new RangeError('configuredSlots: graceMs must be ≥ 0');
  if (!(to > from) || schedule.type === 'manual' || schedule.type === 'automatic') return [];
  const slots: Slot[] = [];
  // Fires from from − grace on are the ones whose window can still reach past `from`.
  let cursor = new Date(from - graceMs - 1);
  for (;;) {
    const next = nextFireAfter(schedule, cursor);
    if (next === null || next.getTime() >= to) break;
    const t = next.getTime();
    if (t + graceMs > from || (graceMs === 0 && t >= from)) slots.push({ start: t, end: t + graceMs });
    if (slots.length > MAX_SLOTS) throw new RangeError(`configuredSlots: more than ${MAX_SLOTS} slots`);
    cursor = next;
  }
  return slots;
}

/**
 * Start and end (epoch ms) of the calendar day `date` ('YYYY-MM-DD') in `timezone`: local
 * midnight to the next local midnight, so DST days last 23 or 25 hours. A midnight skipped by
 * a DST change starts the day at the change. RangeError for a malformed date or unknown zone.
 */
export function dayBounds(date: string, timezone: string): { start: number; end: number } {
  const day = dayOfDate(date);
  return { start: localToInstant(day, 0, timezone), end: localToInstant(day + 1, 0, timezone) };
}

/**
 * Slots whose window ended at or before `now` and have no run with a start inside
 * [slot.start − earlyMs, slot.end): the missed ones, in input order. Pass one job's slots and
 * runs. A run may satisfy several slots (keep earlyMs below the schedule's period for
 * frequent schedules). Slots still open at `now` are never missed yet.
 */
export function missedSlots(
  slots: Slot[],
  runStarts: number[],
  now: number,
  earlyMs: number = DEFAULT_EARLY_MS,
): Slot[] {
  const runs = runStarts.filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
  return slots.filter((slot) => {
    if (slot.end > now) return false;
    const first = lowerBound(runs, slot.start - earlyMs);
    return !(first < runs.length && (runs[first] ?? Infinity) < slot.end);
  });
}

/** Index of the first element ≥ value in an ascending list. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? Infinity) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}
