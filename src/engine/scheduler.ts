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

  private async arm(): Promise<void> {
    if (this.stopped) return;
    const earliest = await this.deps.repos.jobs.earliestFire();
    if (this.stopped) return;
    const delay = earliest === null ? MAX_SLEEP_MS : Math.max(0, Math.min(MAX_SLEEP_MS, earliest - this.deps.clock()));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      try {
        for (;;) {
          const due = await this.deps.repos.jobs.due(this.deps.clock(), BATCH);
          if (!due.length) break;
          for (const job of due) await this.fire(job);
          if (due.length < BATCH) break;
        }
      } catch (err) {
        this.deps.log('error', `scheduler: ${(err as Error).message}`);
      } finally {
        this.ticking = null;
      }
      await this.arm().catch((err: Error) => this.deps.log('error', `scheduler: ${err.message}`));
    })();
    return this.ticking;
  }

  private async fire(job: JobRow): Promise<void> {
    const { repos, clock } = this.deps;
    const now = clock();
    const firedAt = job.next_fire_at!;
    const task = job.kind === 'system' ? ((JSON.parse(job.config) as { task?: string }).task ?? null) : null;
    const schedule = effectiveSchedule(JSON.parse(job.schedule) as Schedule, task);
    const enabled = job.enabled === 1 && job.archived_at === null && job.deleted_at === null;
    // The next fire is computed from now, not from the missed one: a server that was down for
    // a day catches up with one run, not with every fire it slept through.
    const next = enabled ? (nextFireAfter(schedule, new Date(now))?.getTime() ?? null) : null;
    if (!(await repos.jobs.claimFire(job.id, firedAt, next))) return;
    if (!enabled) return;
    const settings = await this.deps.settings.current();
    const lateMs = now - firedAt;
    if (lateMs > settings.catchUpWindowSeconds * 1000) {
      await repos.jobs.addEvent(
        job.id,
        now,
        'warn',
        `fire of ${new Date(firedAt).toISOString()} was missed while no scheduler ran; outside the catch-up window (${settings.catchUpWindowSeconds}s), not run`,
      );
      return;
    }
    try {
      await this.runs.enqueue({
        job,
        operation: job.kind === 'system' ? 'system' : 'backup',
        trigger: lateMs > 60_000 ? 'catch_up' : 'schedule',
        scheduledFor: firedAt,
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
