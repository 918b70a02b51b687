/**
 * The `schedule_learning` system task: learns monitored jobs' schedules from their reports,
 * then records a `missed` run for every expected slot that passed without a run — for learned
 * schedules (monitored jobs) and configured cron/weekly schedules (managed backup jobs) — and
 * notifies it like a failure. docs/review.md "Missed runs" describes the rules. A job that only
 * skipped some reports keeps its stored schedule (`keepOrReplace`, core/schedule-continuity.ts).
 *
 * Exactly once: a slot is a missed run identified by (job, slot start); the unique index
 * runs_missed_slot refuses a second one whichever server or pass tries, and only the pass that
 * inserted it notifies. `learned_schedules.checked_until` remembers how far detection looked,
 * so each pass only examines slots that ended since.
 */
import { statusLabel } from '../../core/run-status.js';
import type { Schedule } from '../../core/domain.js';
import { configuredSlots, DEFAULT_EARLY_MS, learnedSlots, missedSlots, type Slot } from '../../core/expected-slots.js';
import { keepOrReplace } from '../../core/schedule-continuity.js';
import { inferSchedule, INFERENCE, type LearnedSchedule } from '../../core/schedule-inference.js';
import { localTime } from '../../core/zoned-time.js';
import type { ScheduledJobRow } from '../../db/repositories/learned-schedule.repository.js';
import type { Repositories } from '../../db/repositories/repositories.js';
import { managedGraceMs, REPORT_GRACE_MS } from '../../services/daily-jobs.service.js';
import type { Notifier } from '../notifier.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** On the first pass, managed jobs are checked this far back (never before the job existed). */
export const FIRST_LOOKBACK_MS = 7 * DAY;
/** The scheduler may queue a fire a moment before its minute on a server whose clock runs ahead. */
const MANAGED_EARLY_MS = 60_000;
const SCHEDULABLE = new Set(['daily', 'weekly', 'monthly']);

export interface ScheduleLearningDeps {
  repos: Repositories;
  clock: () => number;
  settings: { current(): Promise<{ timezone: string }> };
  notifier: Pick<Notifier, 'notifyJob'>;
}

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface ScheduleLearningResult {
  learned: number;
  changed: number;
  missed: number;
  /** Jobs that could not be processed (each logged); the task run ends as a warning. */
  errors: number;
}

const hhmm = (t: number, tz: string) => {
  const m = localTime(t, tz).minute;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

export async function learnSchedulesAndDetectMissed(
  deps: ScheduleLearningDeps,
  log: Log,
): Promise<ScheduleLearningResult> {
  const { repos } = deps;
  const now = deps.clock();
  const instanceTz = (await deps.settings.current()).timezone;
  const result: ScheduleLearningResult = { learned: 0, changed: 0, missed: 0, errors: 0 };

  // Archived and disabled jobs are not checked, but their mark moves on with the others, so
  // unarchiving or re-enabling a job does not report the time it was off.
  const monitored = await repos.learnedSchedules.activeJobs({ kinds: ['monitored'], includeArchived: true });
  for (const job of monitored) {
    try {
      await learnAndCheck(deps, job, job.customer_timezone ?? instanceTz, now, result, log);
    } catch (err) {
      result.errors++;
      log('warn', `job '${job.name}': ${(err as Error).message}`);
    }
  }
  const managed = await repos.learnedSchedules.activeJobs({ kinds: ['backup'], includeArchived: true });
  for (const job of managed) {
    try {
      await checkManaged(deps, job, instanceTz, now, result, log);
    } catch (err) {
      result.errors++;
      log('warn', `job '${job.name}': ${(err as Error).message}`);
    }
  }
  log(
    'info',
    `${result.learned} schedule(s) learned (${result.changed} changed), ${result.missed} missed run(s) recorded`,
  );
  return result;
}

async function learnAndCheck(
  deps: ScheduleLearningDeps,
  job: ScheduledJobRow,
  tz: string,
  now: number,
  result: ScheduleLearningResult,
  log: Log,
): Promise<void> {
  const repo = deps.repos.learnedSchedules;
  if (job.archived_at !== null) return repo.advanceCheckedUntil(job.id, now - REPORT_GRACE_MS);
  const starts = await repo.reportStarts(job.id, now - INFERENCE.lookbackDays * DAY);
  const previous = await repo.get(job.id);
  const before = previous ? parseLearned(previous.schedule) : null;
  // A job that only skipped some reports keeps its schedule (and its missed-run detection).
  const learned = keepOrReplace(before, inferSchedule(starts, tz, now), starts, tz, now);
  await repo.upsert({
    job_id: job.id,
    kind: learned.kind,
    schedule: JSON.stringify(learned),
    timezone: tz,
    sample_count: learned.sampleCount,
    learned_at: now,
    // Detection starts when a job is first looked at: slots before that are history, not news.
    ...(previous ? {} : { checked_until: now - REPORT_GRACE_MS }),
  });
  result.learned++;
  if (before?.text !== learned.text) {
    result.changed++;
    log('info', `job '${job.name}': ${before ? `${before.text} → ` : ''}${learned.text}`);
  }
  if (!previous || previous.checked_until === null) return;
  // Reports of a window are awaited REPORT_GRACE_MS after it closed.
  const horizon = now - REPORT_GRACE_MS;
  const from = previous.checked_until;
  if (horizon <= from) return;
  if (job.enabled === 1 && SCHEDULABLE.has(learned.kind)) {
    const slots = learnedSlots(learned, tz, from, horizon).filter((s) => s.end > from);
    await recordMissed(deps, job, slots, horizon, DEFAULT_EARLY_MS, 'report', tz, result, log);
  }
  await repo.advanceCheckedUntil(job.id, horizon);
}

/** The stored LearnedSchedule JSON, or null when it is unreadable (then the fresh one is taken). */
function parseLearned(json: string): LearnedSchedule | null {
  try {
    const s = JSON.parse(json) as LearnedSchedule | null;
    return s && typeof s === 'object' && Array.isArray(s.days) ? s : null;
  } catch {
    return null;
  }
}

async function checkManaged(
  deps: ScheduleLearningDeps,
  job: ScheduledJobRow,
  instanceTz: string,
  now: number,
  result: ScheduleLearningResult,
  log: Log,
): Promise<void> {
  const schedule = JSON.parse(job.schedule) as Schedule;
  if (schedule.type !== 'cron' && schedule.type !== 'weekly') return;
  const repo = deps.repos.learnedSchedules;
  const row = await repo.get(job.id);
  // An edit (a new schedule, re-enabling) restarts detection: slots of before the edit are not news.
  const from = Math.max(row?.checked_until ?? now - FIRST_LOOKBACK_MS, job.created_at, job.updated_at);
  if (!row)
    await repo.upsert({
      job_id: job.id,
      kind: 'none',
      schedule: JSON.stringify({ kind: 'none', days: [], window: null, medianMinute: null, sampleCount: 0, text: '' }),
      timezone: schedule.timezone || instanceTz,
      sample_count: 0,
      learned_at: now,
      checked_until: null,
    });
  if (job.enabled === 1 && job.archived_at === null && now > from) {
    const slots = configuredSlots(schedule, from, now, managedGraceMs(job)).filter(
      (s) => s.end > from && s.start >= job.created_at,
    );
    await recordMissed(deps, job, slots, now, MANAGED_EARLY_MS, 'backup', schedule.timezone || instanceTz, result, log);
  }
  await repo.advanceCheckedUntil(job.id, now);
}

async function recordMissed(
  deps: ScheduleLearningDeps,
  job: ScheduledJobRow,
  slots: Slot[],
  horizon: number,
  earlyMs: number,
  operation: 'report' | 'backup',
  tz: string,
  result: ScheduleLearningResult,
  log: Log,
): Promise<void> {
  if (!slots.length) return;
  const repos = deps.repos;
  const first = Math.min(...slots.map((s) => s.start));
  const starts = await repos.learnedSchedules.runStarts(job.id, first - earlyMs, horizon);
  for (const slot of missedSlots(slots, starts, horizon, earlyMs)) {
    const what = operation === 'report' ? 'No report received' : 'No backup run started';
    const error = `${what} between ${hhmm(slot.start, tz)} and ${hhmm(slot.end, tz)}`;
    const run = await repos.learnedSchedules.insertMissed({
      job_id: job.id,
      customer_id: job.customer_id,
      operation,
      status: 'missed',
      trigger: 'missed',
      params: '{}',
      scheduled_for: slot.start,
      queued_at: slot.end,
      started_at: null,
      finished_at: slot.end,
      steps: '[]',
      bytes_read: 0,
      bytes_written: 0,
      error,
      requested_by: null,
    });
    if (!run) continue; // another pass or server recorded this slot already
    result.missed++;
    log('warn', `job '${job.name}' (${job.customer_name}): missed — ${error}`);
    await deps.notifier
      .notifyJob(
        job.id,
        {
          event: 'run.finished',
          status: 'missed',
          title: `${statusLabel('missed')}: ${job.name} (${job.customer_name})`,
          text: [`Job '${job.name}' did not run as expected.`, `Reason: ${error}`, `Run #${run.id}`].join('\n'),
          data: {
            job: job.name,
            jobId: job.id,
            customer: job.customer_name,
            runId: run.id,
            operation,
            trigger: 'missed',
            status: 'missed',
            error,
            expectedFrom: new Date(slot.start).toISOString(),
            expectedUntil: new Date(slot.end).toISOString(),
          },
        },
        (level, m) => void repos.runs.appendLogs([{ run_id: run.id, at: deps.clock(), level, message: m }]),
      )
      .catch(() => undefined);
  }
}
