/**
 * Learned schedules: what a monitored job's run history says about when it runs.
 * Pure: no I/O, the clock (`now`) is a parameter. docs/review.md ("Learned schedules")
 * explains the rules for users; the thresholds are the INFERENCE constants below.
 *
 * All reasoning happens in local time of the job's (customer's) time zone, so a job at
 * 02:30 stays "02:30" across DST changes (a run shifted to 03:30 by a spring-forward gap
 * is one late sample, which the median ignores).
 *
 * Steps:
 *  1. History: distinct run starts in (now − 124 days, now], at most the newest 200.
 *     Fewer than 3 runs, or runs on fewer than 3 local dates → 'none'.
 *  2. Time of day: local start minutes are clustered on the 24-hour circle (a gap of more
 *     than 90 minutes between neighbouring start times separates clusters; no such gap at
 *     all, e.g. hourly runs → 'irregular'). The *current* cluster is the one holding most of
 *     the last 5 runs (ties: the one of the newest run; fewer than 2 → 'irregular'). Only its
 *     runs are learned from, so a job moved from 22:00 to 01:00 is learned at 01:00 as soon
 *     as 3 of its last 5 runs were there, and one-off manual runs are ignored.
 *  3. Window: minutes are unwrapped from the cluster's first minute (so 23:55 and 00:05
 *     are 10 minutes apart) and their median taken — a circular median. Tolerance =
 *     max(15 min, 2 × MAD, 90th-percentile deviation), capped at 3 h; a MAD above 60 min
 *     means start times are too scattered → 'irregular'. Window = median ± tolerance,
 *     widened outward to whole 5 minutes; it wraps past midnight when from > to.
 *  4. Slot day: each run belongs to the local day of (start − (median − 12 h)), i.e. the
 *     day whose median time is nearest; a 23:55 job that once starts at 00:05 still ran
 *     "for" the previous day. When more than half of the slot days of the 42 days up to the
 *     newest run have two or more runs (any cluster) → 'irregular': several runs a day are
 *     not learned.
 *  5. Days, on the current cluster's slot days, first match wins:
 *     - monthly, over the whole history: each day of month with runs in ≥ 2 months and on
 *       ≥ 60 % of its occurrences (months lacking that day do not count) is selected; 1–10
 *       selected days with at most 20 % of run days outside them → 'monthly';
 *     - daily/weekly, over the 42 days up to the newest run (not up to `now`: a job that
 *       stops reporting keeps its schedule, so its missed runs keep being detected): if they
 *       span fewer than 14 days, 'daily' when ≥ 80 % of the days in the span have a run;
 *       otherwise each ISO weekday with a run on ≥ 70 % of its occurrences in the span is
 *       selected (every other week is not enough), and when at most 20 % of run days fall
 *       outside the selection: all 7 → 'daily', else 'weekly';
 *     - otherwise 'none' while the history spans fewer than 45 days (still learning),
 *       then 'irregular'.
 */
import { describeDays, formatMinuteOfDay, joinWords } from './schedule.js';
import { dayOfMonthOfDay, DAY_MS, isoWeekdayOfDay, localTime, MINUTE_MS, MINUTES_PER_DAY } from './zoned-time.js';
import type { LocalTime } from './zoned-time.js';

export type LearnedKind = 'daily' | 'weekly' | 'monthly' | 'irregular' | 'none';

export interface LearnedSchedule {
  kind: LearnedKind;
  /** weekly: ISO weekdays 1=Mon..7=Sun; monthly: days of month 1..31; daily: [] */
  days: number[];
  /** Expected start window in local minutes after midnight; may wrap past midnight (from > to). null for irregular/none. */
  window: { from: number; to: number } | null;
  /** Median local start minute. */
  medianMinute: number | null;
  /** Runs the schedule was learned from (daily/weekly/monthly), or runs looked at (irregular/none). */
  sampleCount: number;
  /** Human text: "Daily 01:50–02:40", "Weekly Mon, Wed, Fri 22:00–22:45", "Monthly on the 1st and 15th 03:00–03:30", "Irregular", "No schedule learned". */
  text: string;
}

/** The thresholds of the inference (documented in docs/review.md). */
export const INFERENCE = {
  /** Only runs started in the last `lookbackDays` days count (enough for three runs on any day of month)... */
  lookbackDays: 124,
  /** ...and at most the newest `maxRuns` of them. */
  maxRuns: 200,
  /** Daily and weekly patterns are judged on the `patternDays` days up to the newest run, so they keep updating. */
  patternDays: 42,
  /** Fewer runs, or runs on fewer local dates, learn nothing. */
  minRuns: 3,
  minDays: 3,
  /** The current time-of-day cluster is the one holding most of the last `recentRuns` runs. */
  recentRuns: 5,
  /** A gap larger than this between neighbouring start minutes separates clusters. */
  clusterGapMinutes: 90,
  minToleranceMinutes: 15,
  maxToleranceMinutes: 180,
  /** Median absolute deviation above which start times are called irregular. */
  maxMadMinutes: 60,
  /** Within the first two weeks, share of days with a run needed to call a job daily. */
  dailyMinCoverage: 0.8,
  /** Weekday patterns need this many days of history. */
  weeklyMinSpanDays: 14,
  /** A weekday is selected when it has a run on this share of its occurrences (every other week is not enough). */
  weekdayMinRatio: 0.7,
  /** A day of month is selected when it has a run on this share of its occurrences (and in 2 months at least). */
  monthDayMinRatio: 0.6,
  /** At most this share of run days may fall outside the selected days. */
  maxOffPattern: 0.2,
  /** More selected days of month than this is not a monthly schedule. */
  maxMonthDays: 10,
  /** Until the history spans this many days, an unrecognised pattern is 'none' rather than 'irregular'. */
  learningSpanDays: 45,
} as const;

export const NO_SCHEDULE_TEXT = 'No schedule learned';
export const IRREGULAR_TEXT = 'Irregular';

const WEEKDAY_LABELS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

interface Run {
  local: LocalTime;
  cluster: number;
}

/**
 * Learns the schedule of a job from its run start times (epoch ms, any order, duplicates
 * ignored; report times work too) in `timezone` (IANA name; RangeError when unknown).
 * Runs after `now` are ignored.
 */
export function inferSchedule(startTimes: number[], timezone: string, now: number): LearnedSchedule {
  const since = now - INFERENCE.lookbackDays * DAY_MS;
  const times = [...new Set(startTimes.filter((t) => Number.isFinite(t) && t <= now && t > since))]
    .sort((a, b) => a - b)
    .slice(-INFERENCE.maxRuns);
  const locals = times.map((t) => localTime(t, timezone));
  if (locals.length < INFERENCE.minRuns || new Set(locals.map((l) => l.day)).size < INFERENCE.minDays) {
    return none(locals.length);
  }

  // 2. Time-of-day clusters and the current one.
  const starts = clusterStarts(locals.map((l) => l.minute));
  if (starts.length === 0) return irregular(locals.length);
  const runs: Run[] = locals.map((local) => ({ local, cluster: clusterOf(local.minute, starts) }));
  const current = currentCluster(runs.slice(-INFERENCE.recentRuns));
  if (current === null) return irregular(runs.length);
  const learned = runs.filter((r) => r.cluster === current);

  // 3. Window (circular statistics: minutes unwrapped from the cluster's start).
  const unwrapped = learned.map((r) => unwrap(r.local.minute, current)).sort((a, b) => a - b);
  const center = median(unwrapped);
  const deviations = unwrapped.map((u) => Math.abs(u - center)).sort((a, b) => a - b);
  const mad = median(deviations);
  if (mad > INFERENCE.maxMadMinutes) return irregular(runs.length);
  const p90 = deviations[Math.ceil(0.9 * deviations.length) - 1] ?? 0;
  const tolerance = Math.min(INFERENCE.maxToleranceMinutes, Math.max(INFERENCE.minToleranceMinutes, 2 * mad, p90));
  const medianMinute = mod(Math.round(center), MINUTES_PER_DAY);
  const window = {
    from: mod(Math.floor((center - tolerance) / 5) * 5, MINUTES_PER_DAY),
    to: mod(Math.ceil((center + tolerance) / 5) * 5, MINUTES_PER_DAY),
  };

  // 4. Slot days.
  const slotDay = (wall: number): number => Math.floor((wall - (medianMinute - 720) * MINUTE_MS) / DAY_MS);
  // Anchored on the newest run, not on `now`: a job that stops reporting keeps its schedule
  // (and gets missed runs) instead of drifting to 'irregular' as its runs age.
  const recentFrom = slotDay(locals[locals.length - 1]?.wall ?? 0) - INFERENCE.patternDays;
  const perDay = new Map<number, number>();
  for (const r of runs) {
    const day = slotDay(r.local.wall);
    if (day > recentFrom) perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const busyDays = [...perDay.values()].filter((n) => n >= 2).length;
  if (busyDays * 2 > perDay.size) return irregular(runs.length);

  // 5. Days.
  const days = [...new Set(learned.map((r) => slotDay(r.local.wall)))].sort((a, b) => a - b);
  if (learned.length < INFERENCE.minRuns || days.length < INFERENCE.minDays) return none(runs.length);
  const base = { window, medianMinute, sampleCount: learned.length };
  const windowText = `${formatMinuteOfDay(window.from)}–${formatMinuteOfDay(window.to)}`;

  // Monthly first: its test (the same few days of month, in 2+ months) fails on daily and
  // weekly histories, while runs on the 1st and 15th can fall on one weekday for weeks.
  const monthDays = monthDayPattern(days);
  if (monthDays) {
    const list = joinWords(monthDays.map(ordinal));
    return { kind: 'monthly', days: monthDays, ...base, text: `Monthly on the ${list} ${windowText}` };
  }
  const weekdays = weekdayPattern(days.filter((d) => d > recentFrom));
  if (weekdays?.length === 7) return { kind: 'daily', days: [], ...base, text: `Daily ${windowText}` };
  if (weekdays) {
    return { kind: 'weekly', days: weekdays, ...base, text: `Weekly ${weekdayText(weekdays)} ${windowText}` };
  }
  const span = (days[days.length - 1] ?? 0) - (days[0] ?? 0) + 1;
  return span < INFERENCE.learningSpanDays ? none(runs.length) : irregular(runs.length);
}

function none(sampleCount: number): LearnedSchedule {
  return { kind: 'none', days: [], window: null, medianMinute: null, sampleCount, text: NO_SCHEDULE_TEXT };
}

function irregular(sampleCount: number): LearnedSchedule {
  return { kind: 'irregular', days: [], window: null, medianMinute: null, sampleCount, text: IRREGULAR_TEXT };
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}

/** Middle value of a sorted list (mean of the two middle ones for an even count). */
function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid] ?? 0;
  return ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * First minutes of the clusters of `minutes` on the 24-hour circle, ascending: a cluster
 * starts after every gap of more than clusterGapMinutes. Empty when there is no such gap.
 */
function clusterStarts(minutes: readonly number[]): number[] {
  const unique = [...new Set(minutes)].sort((a, b) => a - b);
  const starts: number[] = [];
  unique.forEach((m, i) => {
    const previous = unique[(i - 1 + unique.length) % unique.length] ?? m;
    const gap = mod(m - previous, MINUTES_PER_DAY) || MINUTES_PER_DAY;
    if (gap > INFERENCE.clusterGapMinutes) starts.push(m);
  });
  return starts;
}

/** The start of the cluster holding `minute`: the last start at or before it, wrapping round midnight. */
function clusterOf(minute: number, starts: readonly number[]): number {
  let found = starts[starts.length - 1] ?? 0;
  for (const s of starts) if (s <= minute) found = s;
  return found;
}

/** Minutes after the cluster's start, plus the start: monotonic within the cluster even across midnight. */
function unwrap(minute: number, clusterStart: number): number {
  return minute >= clusterStart ? minute : minute + MINUTES_PER_DAY;
}

/** The cluster holding most of `recent` (oldest first); ties go to the newest run's; null below 2 runs. */
function currentCluster(recent: readonly Run[]): number | null {
  const counts = new Map<number, number>();
  for (const r of recent) counts.set(r.cluster, (counts.get(r.cluster) ?? 0) + 1);
  let best: number | null = null;
  let bestCount = 0;
  for (let i = recent.length - 1; i >= 0; i -= 1) {
    const cluster = recent[i]?.cluster ?? 0;
    const count = counts.get(cluster) ?? 0;
    if (count > bestCount) {
      best = cluster;
      bestCount = count;
    }
  }
  return bestCount >= 2 ? best : null;
}

/** Selected ISO weekdays (all 7 = daily) of recent slot days, or null when they show no weekday pattern. */
function weekdayPattern(days: readonly number[]): number[] | null {
  if (days.length < INFERENCE.minDays) return null;
  const first = days[0] ?? 0;
  const span = (days[days.length - 1] ?? 0) - first + 1;
  if (span < INFERENCE.weeklyMinSpanDays) {
    return days.length / span >= INFERENCE.dailyMinCoverage ? [1, 2, 3, 4, 5, 6, 7] : null;
  }
  const occurrences = new Array<number>(8).fill(0);
  const hits = new Array<number>(8).fill(0);
  for (let d = first; d < first + span; d += 1) increment(occurrences, isoWeekdayOfDay(d));
  for (const d of days) increment(hits, isoWeekdayOfDay(d));
  return selectPattern(days, isoWeekdayOfDay, occurrences, hits, INFERENCE.weekdayMinRatio, 7);
}

/** Selected days of month of the slot days, or null when they show no monthly pattern. */
function monthDayPattern(days: readonly number[]): number[] | null {
  const first = days[0] ?? 0;
  const last = days[days.length - 1] ?? 0;
  const occurrences = new Array<number>(32).fill(0);
  const hits = new Array<number>(32).fill(0);
  for (let d = first; d <= last; d += 1) increment(occurrences, dayOfMonthOfDay(d));
  for (const d of days) increment(hits, dayOfMonthOfDay(d));
  return selectPattern(days, dayOfMonthOfDay, occurrences, hits, INFERENCE.monthDayMinRatio, INFERENCE.maxMonthDays, 2);
}

function increment(counts: number[], key: number): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * Keys (weekday or day of month) with runs on ≥ minRatio of their occurrences (and at least
 * `minHits` runs), when 1..maxKeys are selected and at most maxOffPattern of run days fall outside.
 */
function selectPattern(
  days: readonly number[],
  keyOf: (day: number) => number,
  occurrences: readonly number[],
  hits: readonly number[],
  minRatio: number,
  maxKeys: number,
  minHits = 1,
): number[] | null {
  const selected: number[] = [];
  hits.forEach((h, key) => {
    const occ = occurrences[key] ?? 0;
    if (occ > 0 && h >= minHits && h / occ >= minRatio) selected.push(key);
  });
  if (selected.length === 0 || selected.length > maxKeys) return null;
  const outside = days.filter((d) => !selected.includes(keyOf(d))).length;
  return outside / days.length <= INFERENCE.maxOffPattern ? selected : null;
}

/** [1, 3, 5] → "Mon, Wed, Fri"; [1..5] → "Mon–Fri"; [6] → "Sat". */
function weekdayText(isoDays: readonly number[]): string {
  if (isoDays.length === 1) return WEEKDAY_LABELS[(isoDays[0] ?? 1) - 1] ?? '';
  return describeDays(isoDays.map((d) => d - 1));
}

/** 1 → "1st", 2 → "2nd", 11 → "11th", 22 → "22nd". */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
