import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, NewRun, RunLogRow, RunRow, RunUpdate } from '../schema.js';
import { runCountCacheFor } from './run-count-cache.js';

export interface RunListFilter {
  scope: readonly number[] | null;
  jobId?: number | undefined;
  status?: readonly string[] | undefined;
  operation?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  page: number;
  pageSize: number;
  /** Column to sort by; default: newest first (by id). */
  sort?: RunSortKey | undefined;
  order?: 'asc' | 'desc' | undefined;
  /** "Now" for the duration of runs still going (default Date.now()). */
  now?: number | undefined;
}

export const RUN_SORT_KEYS = ['queuedAt', 'startedAt', 'finishedAt', 'status', 'job', 'duration'] as const;
export type RunSortKey = (typeof RUN_SORT_KEYS)[number];

/** Status order for sorting: lifecycle first, then outcomes from good to bad (desc = worst first). */
const STATUS_RANK = ['queued', 'running', 'success', 'warning', 'cancelled', 'missed', 'timed_out', 'failed'];

function sortExpression(key: RunSortKey, now: number): RawBuilder<unknown> {
  switch (key) {
    case 'queuedAt':
      return sql`runs.queued_at`;
    case 'startedAt':
      return sql`runs.started_at`;
    case 'finishedAt':
      return sql`runs.finished_at`;
    case 'job':
      return sql`lower(jobs.name)`;
    case 'duration':
      return sql`(coalesce(runs.finished_at, ${now}) - runs.started_at)`;
    case 'status':
      return sql`(case runs.status ${sql.join(
        STATUS_RANK.map((s, i) => sql`when ${s} then ${sql.lit(i)}`),
        sql` `,
      )} else ${sql.lit(STATUS_RANK.length)} end)`;
  }
}

/** A run with its job's name and, when reviewed, the reviewer's username (null when unknown). */
export type RunWithJob = RunRow & { job_name: string; reviewed_by_name?: string | null };

export class RunRepository {
  constructor(private readonly db: Kysely<Database>) {}

  get(id: number): Promise<RunWithJob | undefined> {
    return this.db
      .selectFrom('runs')
      .innerJoin('jobs', 'jobs.id', 'runs.job_id')
      .leftJoin('users as reviewer', 'reviewer.id', 'runs.reviewed_by')
      .selectAll('runs')
      .select(['jobs.name as job_name', 'reviewer.username as reviewed_by_name'])
      .where('runs.id', '=', id)
      .executeTakeFirst();
  }

  async list(f: RunListFilter): Promise<{ items: RunWithJob[]; total: number }> {
    let q = this.db.selectFrom('runs').innerJoin('jobs', 'jobs.id', 'runs.job_id');
    if (f.scope) q = q.where('runs.customer_id', 'in', f.scope.length ? [...f.scope] : [-1]);
    if (f.jobId !== undefined) q = q.where('runs.job_id', '=', f.jobId);
    if (f.status?.length) q = q.where('runs.status', 'in', [...f.status]);
    if (f.operation) q = q.where('runs.operation', '=', f.operation);
    if (f.from !== undefined) q = q.where('runs.queued_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('runs.queued_at', '<', f.to);
    const order = f.order ?? 'desc';
    let sorted = q
      .leftJoin('users as reviewer', 'reviewer.id', 'runs.reviewed_by')
      .selectAll('runs')
      .select(['jobs.name as job_name', 'reviewer.username as reviewed_by_name']);
    if (f.sort) {
      // Empty values (not started, not finished) go last in both directions and on both
      // dialects (SQLite puts NULLs first, PostgreSQL last); the id breaks ties.
      const expr = sortExpression(f.sort, f.now ?? Date.now());
      sorted = sorted.orderBy(sql`(${expr} is null)`).orderBy(expr, order);
    }
    const [items, count] = await Promise.all([
      sorted
        .orderBy('runs.id', order)
        .limit(f.pageSize)
        .offset((f.page - 1) * f.pageSize)
        .execute(),
      this.count(f),
    ]);
    return { items, total: count };
  }

  /**
   * The total of a list: every filter is on runs, so the count needs no join (a join over a
   * million-run history costs more than the page itself; runs.job_id always names a job row).
   */
  private async count(f: RunListFilter): Promise<number> {
    let q = this.db.selectFrom('runs');
    if (f.scope) q = q.where('customer_id', 'in', f.scope.length ? [...f.scope] : [-1]);
    if (f.jobId !== undefined) q = q.where('job_id', '=', f.jobId);
    if (f.status?.length) q = q.where('status', 'in', [...f.status]);
    if (f.operation) q = q.where('operation', '=', f.operation);
    if (f.from !== undefined) q = q.where('queued_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('queued_at', '<', f.to);
    const count = async (above: number) => {
      const r = await q
        .where('id', '>', above)
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('id').as('m')])
        .executeTakeFirstOrThrow();
      return { count: Number(r.n), maxId: Number(r.m ?? above) };
    };
    // Large totals are cached and topped up with newer runs (run-count-cache.ts).
    const key = JSON.stringify([f.scope, f.jobId, f.status, f.operation, f.from, f.to]);
    return runCountCacheFor(this.db).total(key, () => count(0), count);
  }

  insert(row: NewRun): Promise<RunRow> {
    return this.db.insertInto('runs').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(id: number, patch: RunUpdate): Promise<void> {
    await this.db.updateTable('runs').set(patch).where('id', '=', id).execute();
  }

  /** Updates only while the run is still in `fromStatus`; returns whether it changed. */
  async transition(id: number, fromStatus: readonly string[], patch: RunUpdate): Promise<boolean> {
    const r = await this.db
      .updateTable('runs')
      .set(patch)
      .where('id', '=', id)
      .where('status', 'in', [...fromStatus])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  activeForJob(jobId: number) {
    return this.db
      .selectFrom('runs')
      .selectAll()
      .where('job_id', '=', jobId)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
  }

  queued(limit: number) {
    return this.db
      .selectFrom('runs')
      .selectAll()
      .where('status', '=', 'queued')
      .orderBy('queued_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  running() {
    return this.db.selectFrom('runs').selectAll().where('status', '=', 'running').execute();
  }

  async countByStatus(): Promise<{ status: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('runs')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
  }

  recentForJob(jobId: number, limit: number, operation?: string) {
    let q = this.db.selectFrom('runs').selectAll().where('job_id', '=', jobId);
    if (operation) q = q.where('operation', '=', operation);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }

  async appendLogs(rows: { run_id: number; at: number; level: string; message: string }[]): Promise<void> {
    if (rows.length) await this.db.insertInto('run_logs').values(rows).execute();
  }

  logs(runId: number, afterId: number, limit: number): Promise<RunLogRow[]> {
    return this.db
      .selectFrom('run_logs')
      .selectAll()
      .where('run_id', '=', runId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
  }
}
