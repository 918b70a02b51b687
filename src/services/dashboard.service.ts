import { RUN_STATUSES, type RunStatus, type Schedule } from '../core/domain.js';
import { describeSchedule, wallClock } from '../core/schedule.js';
import { effectiveSchedule } from '../core/system-tasks.js';
import { DashboardRepository } from '../db/repositories/dashboard.repository.js';
import { customerScope, requireAccess, type Actor } from './access.js';
import { runDto } from './run.service.js';
import type { ServiceDeps } from './service-deps.js';
import type { SettingsService } from './settings.service.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const DASHBOARD_DAYS = 14;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const zeroCounts = () => Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>;

/**
 * The instant a local calendar day starts in `timezone`. `y`, `m` (0-based) and `d` may
 * overflow (Date.UTC normalises them). Two offset probes cover a DST change near midnight.
 */
export function localDayStart(y: number, m: number, d: number, timezone: string): number {
  const wall = Date.UTC(y, m, d);
  let t = wall;
  for (let i = 0; i < 2; i++) t = wall - (wallClock(new Date(t), timezone).getTime() - t);
  return t;
}

/** Day starts of the last `n` local days (oldest first), today included, plus tomorrow's start. */
export function dayBounds(now: number, timezone: string, n: number): { bounds: number[]; dates: string[] } {
  const today = wallClock(new Date(now), timezone);
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();
  const d = today.getUTCDate();
  const bounds: number[] = [];
  const dates: string[] = [];
  for (let i = n - 1; i >= -1; i--) {
    bounds.push(localDayStart(y, m, d - i, timezone));
    if (i >= 0) dates.push(new Date(Date.UTC(y, m, d - i)).toISOString().slice(0, 10));
  }
  return { bounds, dates };
}

/** Dashboard figures: status counts, failing jobs, running runs, next fires and daily series. */
export class DashboardService {
  private readonly repo: DashboardRepository;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly settings: SettingsService,
  ) {
    this.repo = new DashboardRepository(deps.repos.db.kysely);
  }

  async get(actor: Actor, q: { customerId?: number | undefined } = {}) {
    requireAccess(actor, 'read', q.customerId, 'customer');
    const scope = { customers: q.customerId !== undefined ? [q.customerId] : customerScope(actor) };
    const now = this.deps.clock();
    const { timezone } = await this.settings.current();
    const { bounds, dates } = dayBounds(now, timezone, DASHBOARD_DAYS);
    const [counts, perDay, active, failing, next] = await Promise.all([
      this.repo.statusCounts(scope, now - DAY, now - 7 * DAY),
      this.repo.perDay(scope, bounds),
      this.repo.active(scope, 50),
      this.repo.failingJobs(scope, 50),
      this.repo.nextRuns(scope, 10),
    ]);

    const last24h = zeroCounts();
    const last7d = zeroCounts();
    for (const c of counts) {
      if (!(c.status in last24h)) continue;
      last24h[c.status as RunStatus] = c.n24;
      last7d[c.status as RunStatus] = c.n7;
    }

    const days = dates.map((date) => ({ date, runs: zeroCounts(), total: 0, bytesWritten: 0, bytesRead: 0 }));
    for (const r of perDay) {
      const day = days[r.day];
      if (!day) continue;
      if (r.status in day.runs) day.runs[r.status as RunStatus] += r.runs;
      day.total += r.runs;
      day.bytesWritten += r.bytesWritten;
      day.bytesRead += r.bytesRead;
    }

    const lastRuns = await Promise.all(failing.map((j) => this.deps.repos.runs.get(j.last_run_id)));
    const failingJobs = failing.map((j, i) => ({
      id: j.id,
      name: j.name,
      kind: j.kind,
      customerId: j.customer_id,
      lastRun: lastRuns[i] ? runDto(lastRuns[i]) : null,
    }));

    const nextRuns = next.map((j) => {
      const schedule = JSON.parse(j.schedule) as Schedule;
      const task = j.kind === 'system' ? ((JSON.parse(j.config) as { task?: string }).task ?? null) : null;
      return {
        jobId: j.id,
        jobName: j.name,
        kind: j.kind,
        customerId: j.customer_id,
        at: iso(j.next_fire_at),
        scheduleText: describeSchedule(effectiveSchedule(schedule, task)),
      };
    });

    return {
      generatedAt: iso(now),
      timezone,
      customerId: q.customerId ?? null,
      counts: { last24h, last7d },
      failingJobs,
      running: active.map((r) => runDto(r)),
      nextRuns,
      days,
    };
  }
}
