import type { Schedule } from '../core/domain.js';
import { ConflictError } from '../core/errors.js';
import { nextFireAfter } from '../core/schedule.js';
import { effectiveSchedule } from '../core/system-tasks.js';
import type { JobRow } from '../db/schema.js';
import type { RunService } from '../services/run.service.js';
import type { EngineDeps } from './engine-deps.js';

/** Re-read the earliest fire at least this often: other processes change jobs too. */
const MAX_SLEEP_MS = 30_000;
const BATCH = 500;
/** After a tick that hit errors (database down...), wait this long instead of retrying at once. */
const ERROR_BACKOFF_MS = 5_000;
/**
 * A fire handled at most this late is on time (timer latency, a busy event loop, a tick of
 * another process): it runs as `schedule` whatever the catch-up window, even a window of 0.
 */
const ON_TIME_MS = 60_000;

/**
 * One timer for the whole installation, armed for the earliest `next_fire_at` among jobs.
 * A fire is owned by whoever wins the compare-and-set on `next_fire_at` (several servers on one
 * PostgreSQL never double-fire), and the database's one-active-run-per-job index turns a fire
 * that lands on a still-running job into a logged skip instead of a second run.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly deps: EngineDeps,
    private readonly runs: RunService,
  ) {}

  start(): void {
    this.stopped = false;
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /** A job's schedule changed: re-arm for the possibly earlier fire. */
  reschedule(): void {
    if (!this.stopped && !this.ticking) void this.arm();
  }

  private async arm(minDelay = 0): Promise<void> {
    if (this.stopped) return;
    const earliest = await this.deps.repos.jobs.earliestFire();
    if (this.stopped) return;
    const delay =
      earliest === null ? MAX_SLEEP_MS : Math.max(minDelay, Math.min(MAX_SLEEP_MS, earliest - this.deps.clock()));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      let failed = false;
      try {
        for (;;) {
          const due = await this.deps.repos.jobs.due(this.deps.clock(), BATCH);
          if (!due.length) break;
          // One job that cannot be fired must not hold back the jobs due after it.
          for (const job of due) {
            try {
              await this.fire(job);
            } catch (err) {
              failed = true;
              this.deps.log('error', `scheduler: job ${job.id} (${job.name}): ${(err as Error).message}`, {
                jobId: job.id,
              });
            }
          }
          if (failed || due.length < BATCH) break;
        }
      } catch (err) {
        failed = true;
        this.deps.log('error', `scheduler: ${(err as Error).message}`);
      } finally {
        this.ticking = null;
      }
      // A failed fire is still due: without a pause the timer would fire again at once, forever.
      await this.arm(failed ? ERROR_BACKOFF_MS : 0).catch((err: Error) =>
        this.deps.log('error', `scheduler: ${err.message}`),
      );
    })();
    return this.ticking;
  }

  private async fire(job: JobRow): Promise<void> {
    const { repos, clock } = this.deps;
    const now = clock();
    const firedAt = job.next_fire_at!;
    const enabled = job.enabled === 1 && job.archived_at === null && job.deleted_at === null;
    let schedule: Schedule;
    let next: number | null;
    try {
      const task = job.kind === 'system' ? ((JSON.parse(job.config) as { task?: string }).task ?? null) : null;
      schedule = effectiveSchedule(JSON.parse(job.schedule) as Schedule, task);
      // The next fire is computed from now, not from the missed one: a server that was down for
      // a day catches up with one run, not with every fire it slept through.
      next = enabled ? (nextFireAfter(schedule, new Date(now))?.getTime() ?? null) : null;
    } catch (err) {
      // A stored schedule that cannot be read would stay due forever: take the job off the
      // schedule (saving the job again puts it back) and say why on the job.
      if (await repos.jobs.claimFire(job.id, firedAt, null)) {
        const msg = `schedule cannot be evaluated (${(err as Error).message}); the job is not scheduled until it is saved again`;
        await repos.jobs.addEvent(job.id, now, 'error', msg);
        this.deps.log('error', `scheduler: job ${job.id} (${job.name}): ${msg}`, { jobId: job.id });
      }
      return;
    }
    if (!(await repos.jobs.claimFire(job.id, firedAt, next))) return;
    if (!enabled) return;
    const settings = await this.deps.settings.current();
    const windowMs = settings.catchUpWindowSeconds * 1000;
    const lateMs = now - firedAt;
    let scheduledFor = firedAt;
    if (lateMs > Math.max(windowMs, ON_TIME_MS)) {
      // `firedAt` is only the oldest fire missed; a later one may still be within the window
      // (a daily job after a 25-hour outage). Fires missed within the window run once.
      const inWindow = nextFireAfter(schedule, new Date(Math.max(firedAt, now - windowMs) - 1))?.getTime() ?? null;
      if (windowMs === 0 || inWindow === null || inWindow > now) {
        await repos.jobs.addEvent(
          job.id,
          now,
          'warn',
          `fire of ${new Date(firedAt).toISOString()} was missed while no scheduler ran; outside the catch-up window (${settings.catchUpWindowSeconds}s), not run`,
        );
        return;
      }
      scheduledFor = inWindow;
    }
    try {
      await this.runs.enqueue({
        job,
        operation: job.kind === 'system' ? 'system' : 'backup',
        trigger: lateMs > ON_TIME_MS ? 'catch_up' : 'schedule',
        scheduledFor,
      });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const activeId = (err.details as { activeRunId?: number } | undefined)?.activeRunId;
      const msg = `scheduled fire of ${new Date(firedAt).toISOString()} skipped: the previous run${activeId ? ` #${activeId}` : ''} is still queued or running`;
      await repos.jobs.addEvent(job.id, now, 'warn', msg);
      this.deps.log('warn', msg, { jobId: job.id });
      await this.deps.notifier
        .notifyJob(
          job.id,
          {
            event: 'run.skipped',
            status: 'warning',
            title: `Skipped: ${job.name}`,
            text: msg,
            data: {
              job: job.name,
              jobId: job.id,
              activeRunId: activeId ?? null,
              scheduledFor: new Date(firedAt).toISOString(),
            },
          },
          (level, m) => this.deps.log(level, m, { jobId: job.id }),
        )
        .catch(() => undefined);
    }
  }
}
