/**
 * Hysteresis for learned schedules: when re-learning would drop a daily/weekly/monthly
 * schedule only because the job skipped some runs, the schedule is kept. Pure: no I/O, the
 * clock (`now`) is a parameter. docs/review.md ("Learned schedules", "Keeping a schedule
 * through a gap") explains the rule for users.
 *
 * Why: `inferSchedule` judges the share of days with a run. A daily job that stops reporting
 * for a few days and then reports again has a hole in that share, so it is re-learned as
 * 'none', 'irregular' or a weekly subset — and missed-run detection stops for it, exactly when
 * it matters. (Silence at the end of the history is already handled there: its window is
 * anchored on the newest run.)
 *
 * Rule (`keepOrReplace`):
 *  - no previous schedule, or a previous 'none'/'irregular' one → the fresh one;
 *  - a fresh daily/weekly/monthly schedule of the previous kind and days → the fresh one (its
 *    window may have moved, e.g. a job moved from 22:00 to 01:00);
 *  - otherwise the previous schedule is KEPT (with the fresh `sampleCount`) when the job's
 *    recent runs still follow it: of its last 10 run starts in the inference's look-back, at
 *    least 3 are *in step* and at most 1 is *out of step* — or at most 2 unless the fresh
 *    schedule is daily/weekly/monthly and has all 10 in step (a new pattern that fits better).
 *    A run is in step when it starts inside one of the schedule's slots (`learnedSlots`, with
 *    the DEFAULT_EARLY_MS early tolerance of missed-run detection) and that slot is the same
 *    as, or the next expected slot after, the slot of the nearest older in-step run of those
 *    10 (the oldest one only needs a slot). So a gap in the reports — a row of missed slots,
 *    however long — costs one, and so does a run outside the windows;
 *  - otherwise the fresh one.
 *
 * Being "in a slot" alone is not enough: a daily job that now runs on Mondays only, or on
 * weekdays only, still starts inside daily slots — but skips slots again and again. Ten runs
 * rather than five, because five consecutive weekday runs hold at most one weekend: a job
 * changed from daily to Mon–Fri would keep its daily schedule (and a missed run every weekend)
 * forever. With ten, two weekends are out of step and the fresh Mon–Fri fits them all, so it
 * replaces the daily one once `inferSchedule` learns it (until then the weekend slots are
 * reported as missed: the job did not run as learned). A fresh weekly subset that only reflects
 * missed days (one missed Tuesday drops Tuesday from a young job's pattern) does not have all
 * ten in step when there is a second gap, and with one gap the previous schedule is kept anyway.
 */
import { DEFAULT_EARLY_MS, learnedSlots } from './expected-slots.js';
import { INFERENCE, type LearnedSchedule } from './schedule-inference.js';
import { DAY_MS } from './zoned-time.js';

export const CONTINUITY = {
  /** The newest this many run starts are compared with the previous schedule... */
  recentRuns: 10,
  /** ...at least this many of them must be in step... */
  minInStep: INFERENCE.minRuns,
  /** ...and at most this many out of step when the fresh schedule fits all of them... */
  maxOutOfStep: 1,
  /** ...or this many when it does not (or is 'none'/'irregular'). */
  maxOutOfStepUnlessFreshFits: 2,
} as const;

const SCHEDULABLE = new Set(['daily', 'weekly', 'monthly']);

/**
 * The schedule to store: `previous` (the stored one, null when none) when the job only skipped
 * runs, otherwise `fresh` (what `inferSchedule` learned now from `startTimes`, epoch ms, in
 * `timezone`). See the rule above.
 */
export function keepOrReplace(
  previous: LearnedSchedule | null,
  fresh: LearnedSchedule,
  startTimes: number[],
  timezone: string,
  now: number,
): LearnedSchedule {
  if (!previous || !SCHEDULABLE.has(previous.kind)) return fresh;
  const freshPattern = SCHEDULABLE.has(fresh.kind);
  if (freshPattern && fresh.kind === previous.kind && sameDays(fresh.days, previous.days)) return fresh;
  const { runs, outOfStep } = recentSteps(previous, startTimes, timezone, now);
  const freshFits = freshPattern && recentSteps(fresh, startTimes, timezone, now).outOfStep === 0;
  const allowed = freshFits ? CONTINUITY.maxOutOfStep : CONTINUITY.maxOutOfStepUnlessFreshFits;
  const keep = outOfStep <= allowed && runs - outOfStep >= CONTINUITY.minInStep;
  return keep ? { ...previous, sampleCount: fresh.sampleCount } : fresh;
}

/**
 * The newest `CONTINUITY.recentRuns` runs of `startTimes` (in the inference's look-back up to
 * `now`): how many there are, and how many of them are out of step with `schedule` (see above).
 */
export function recentSteps(
  schedule: LearnedSchedule,
  startTimes: number[],
  timezone: string,
  now: number,
): { runs: number; outOfStep: number } {
  const since = now - INFERENCE.lookbackDays * DAY_MS;
  const recent = [...new Set(startTimes.filter((t) => Number.isFinite(t) && t <= now && t > since))]
    .sort((a, b) => a - b)
    .slice(-CONTINUITY.recentRuns);
  const oldest = recent[0];
  const newest = recent[recent.length - 1];
  if (oldest === undefined || newest === undefined) return { runs: 0, outOfStep: 0 };
  // Every slot a recent run can start in ([start − early, end)), oldest first, none left out between.
  const slots = learnedSlots(schedule, timezone, oldest, newest + DEFAULT_EARLY_MS + 1);
  let outOfStep = 0;
  let lastSlot: number | null = null;
  for (const t of recent) {
    const slot = slots.findIndex((s) => s.start - DEFAULT_EARLY_MS <= t && t < s.end);
    if (slot < 0 || (lastSlot !== null && slot - lastSlot > 1)) outOfStep += 1;
    if (slot >= 0) lastSlot = slot;
  }
  return { runs: recent.length, outOfStep };
}

function sameDays(a: readonly number[], b: readonly number[]): boolean {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
