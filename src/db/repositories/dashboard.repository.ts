import { sql, type Kysely } from 'kysely';
import type { Database, JobRow } from '../schema.js';
import type { RunWithJob } from './run.repository.js';

/** Statuses that make a job "Failed" when they end its last finished run (core/run-status.ts). */
const FAILING = ['failed', 'timed_out', 'missed'];
const ACTIVE = ['queued', 'running'];

export interface DashboardScope {
  /** Customer ids to limit to, or null for every customer. */
  customers: readonly number[] | null;
}

/**
 * The dashboard's aggregate reads. Each is one grouped query that runs the same on SQLite and
 * PostgreSQL: times are epoch milliseconds, and day buckets are computed from boundaries the
 * caller passes (local midnights in the instance time zone), not with dialect date functions.
 */
export class DashboardRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private inScope(customers: readonly number[] | null) {
    return customers ? (customers.length ? [...customers] : [-1]) : null;
  }

  /** Run counts by status since `since7d`, with the part since `since24h` alongside. */
  async statusCounts(
    s: DashboardScope,
    since24h: number,
    since7d: number,
  ): Promise<{ status: string; n24: number; n7: number }[]> {
    let q = this.db
      .selectFrom('runs')
      .select([
        'runs.status',
        sql<number>`sum(case when runs.queued_at >= ${since24h} then 1 else 0 end)`.as('n24'),
        (eb) => eb.fn.countAll<number>().as('n7'),
      ])
      .where('runs.queued_at', '>=', since7d);
    const scope = this.inScope(s.customers);
    if (scope) q = q.where('runs.customer_id', 'in', scope);
    const rows = await q.groupBy('runs.status').execute();
    return rows.map((r) => ({ status: r.status, n24: Number(r.n24), n7: Number(r.n7) }));
  }

  /**
   * Runs per day and status, and bytes of backup runs per day. `bounds` are ascending day
   * starts plus the end of the last day (n + 1 values); a row's `day` is its index.
   */
  async perDay(
    s: DashboardScope,
    bounds: readonly number[],
  ): Promise<{ day: number; status: string; runs: number; bytesWritten: number; bytesRead: number }[]> {
    const days = bounds.length - 1;
    // Newest day first, so the first matching boundary is the run's day.
    const cases = [];
    for (let i = days - 1; i >= 1; i--) cases.push(sql`when runs.queued_at >= ${bounds[i]!} then ${sql.lit(i)}`);
    const dayExpr = cases.length ? sql<number>`case ${sql.join(cases, sql` `)} else 0 end` : sql<number>`0`;
    let inner = this.db
      .selectFrom('runs')
      .select([
        dayExpr.as('day'),
        'runs.status',
        sql<number>`case when runs.operation = 'backup' then runs.bytes_written else 0 end`.as('written'),
        sql<number>`case when runs.operation = 'backup' then runs.bytes_read else 0 end`.as('read'),
      ])
      .where('runs.queued_at', '>=', bounds[0]!)
      .where('runs.queued_at', '<', bounds[days]!);
    const scope = this.inScope(s.customers);
    if (scope) inner = inner.where('runs.customer_id', 'in', scope);
    // Grouping over a derived table: PostgreSQL cannot match a parameterised CASE in GROUP BY
    // with the same CASE in the select list.
    const rows = await this.db
      .selectFrom(inner.as('d'))
      .select([
        'd.day',
        'd.status',
        (eb) => eb.fn.countAll<number>().as('runs'),
        (eb) => eb.fn.sum<number>('d.written').as('bytesWritten'),
        (eb) => eb.fn.sum<number>('d.read').as('bytesRead'),
      ])
      .groupBy(['d.day', 'd.status'])
      .execute();
    return rows.map((r) => ({
      day: Number(r.day),
      status: r.status,
      runs: Number(r.runs),
      bytesWritten: Number(r.bytesWritten ?? 0),
      bytesRead: Number(r.bytesRead ?? 0),
    }));
  }

  /** Queued and running runs, oldest first. */
  active(s: DashboardScope, limit: number): Promise<RunWithJob[]> {
    let q = this.db
      .selectFrom('runs')
      .innerJoin('jobs', 'jobs.id', 'runs.job_id')
      .selectAll('runs')
      .select('jobs.name as job_name')
      .where('runs.status', 'in', ACTIVE);
    const scope = this.inScope(s.customers);
    if (scope) q = q.where('runs.customer_id', 'in', scope);
    return q.orderBy('runs.id').limit(limit).execute();
  }

  /**
   * Jobs shown as Failed: live, enabled, not archived, nothing queued or running, and their
   * last finished run failed, timed out or was missed. Returns the job and that run's id.
   */
  async failingJobs(s: DashboardScope, limit: number): Promise<(JobRow & { last_run_id: number })[]> {
    const lastFinished = this.db
      .selectFrom('runs')
      .select(['runs.job_id', (eb) => eb.fn.max('runs.id').as('last_run_id')])
      .where('runs.status', 'not in', ACTIVE)
      .groupBy('runs.job_id')
      .as('lf');
    let q = this.db
      .selectFrom('jobs')
      .innerJoin(lastFinished, 'lf.job_id', 'jobs.id')
      .innerJoin('runs as last', 'last.id', 'lf.last_run_id')
      .selectAll('jobs')
      .select('lf.last_run_id')
      .where('jobs.deleted_at', 'is', null)
      .where('jobs.archived_at', 'is', null)
      .where('jobs.enabled', '=', 1)
      .where('last.status', 'in', FAILING)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('runs as a').select('a.id').whereRef('a.job_id', '=', 'jobs.id').where('a.status', 'in', ACTIVE),
          ),
        ),
      );
    const scope = this.inScope(s.customers);
    if (scope) q = q.where('jobs.customer_id', 'in', scope);
    const rows = await q.orderBy('lf.last_run_id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ ...r, last_run_id: Number(r.last_run_id) }));
  }

  /** The next scheduled fires of enabled, live jobs. */
  nextRuns(s: DashboardScope, limit: number): Promise<JobRow[]> {
    let q = this.db
      .selectFrom('jobs')
      .selectAll()
      .where('next_fire_at', 'is not', null)
      .where('deleted_at', 'is', null)
      .where('archived_at', 'is', null)
      .where('enabled', '=', 1);
    const scope = this.inScope(s.customers);
    if (scope) q = q.where('customer_id', 'in', scope);
    return q.orderBy('next_fire_at').orderBy('id').limit(limit).execute();
  }
}
