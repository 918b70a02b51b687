import { sql, type Kysely } from 'kysely';
import type { Database, JobRow, LearnedScheduleRow, NewRun, RunRow } from '../schema.js';
import type { RunWithJob } from './run.repository.js';

export interface ScheduledJobRow extends JobRow {
  customer_name: string;
  customer_timezone: string | null;
}

/** Learned schedules, the run times they are learned from, and missed-run bookkeeping. */
export class LearnedScheduleRepository {
  constructor(private readonly db: Kysely<Database>) {}

  get(jobId: number): Promise<LearnedScheduleRow | undefined> {
    return this.db.selectFrom('learned_schedules').selectAll().where('job_id', '=', jobId).executeTakeFirst();
  }

  forJobs(jobIds: readonly number[]): Promise<LearnedScheduleRow[]> {
    if (!jobIds.length) return Promise.resolve([]);
    return this.db
      .selectFrom('learned_schedules')
      .selectAll()
      .where('job_id', 'in', [...jobIds])
      .execute();
  }

  /** Live jobs of these kinds (unarchived unless asked) with their customer's name and time zone. */
  activeJobs(opts: {
    kinds: readonly string[];
    scope?: readonly number[] | null;
    customerId?: number | undefined;
    enabledOnly?: boolean;
    includeArchived?: boolean;
  }): Promise<ScheduledJobRow[]> {
    let q = this.db
      .selectFrom('jobs')
      .innerJoin('customers', 'customers.id', 'jobs.customer_id')
      .selectAll('jobs')
      .select(['customers.name as customer_name', 'customers.timezone as customer_timezone'])
      .where('jobs.deleted_at', 'is', null)
      .where('jobs.kind', 'in', [...opts.kinds]);
    if (!opts.includeArchived) q = q.where('jobs.archived_at', 'is', null);
    if (opts.enabledOnly) q = q.where('jobs.enabled', '=', 1);
    if (opts.scope) q = q.where('jobs.customer_id', 'in', opts.scope.length ? [...opts.scope] : [-1]);
    if (opts.customerId !== undefined) q = q.where('jobs.customer_id', '=', opts.customerId);
    return q.orderBy('jobs.id').execute();
  }

  /** Start times of a monitored job's reported runs since `since` (synthetic missed runs excluded). */
  async reportStarts(jobId: number, since: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('runs')
      .select(sql<number>`coalesce(started_at, finished_at, queued_at)`.as('t'))
      .where('job_id', '=', jobId)
      .where('status', 'not in', ['missed', 'queued', 'running'])
      .where('operation', 'not in', ['restore', 'verify'])
      .where('finished_at', '>=', since)
      .execute();
    return rows.map((r) => Number(r.t)).sort((a, b) => a - b);
  }

  /**
   * Runs of these jobs that could fill a slot in [from, to): their start (or queue time for
   * runs that never started), missed ones included so a recorded miss is seen as such.
   */
  runsBetween(jobIds: readonly number[], from: number, to: number) {
    if (!jobIds.length) return Promise.resolve([] as RunWithJob[]);
    return this.db
      .selectFrom('runs')
      .innerJoin('jobs', 'jobs.id', 'runs.job_id')
      .leftJoin('users as reviewer', 'reviewer.id', 'runs.reviewed_by')
      .selectAll('runs')
      .select(['jobs.name as job_name', 'reviewer.username as reviewed_by_name'])
      .where('runs.job_id', 'in', [...jobIds])
      .where('runs.operation', 'not in', ['restore', 'verify'])
      .where('runs.queued_at', '>=', from)
      .where('runs.queued_at', '<', to)
      .execute();
  }

  /** Start times (queued or reported start) of a job's runs in [from, to), missed runs excluded. */
  async runStarts(jobId: number, from: number, to: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('runs')
      .select(['queued_at', 'started_at'])
      .where('job_id', '=', jobId)
      .where('status', '!=', 'missed')
      .where('operation', 'not in', ['restore', 'verify'])
      .where((eb) =>
        eb.or([
          eb.and([eb('queued_at', '>=', from), eb('queued_at', '<', to)]),
          eb.and([eb('started_at', '>=', from), eb('started_at', '<', to)]),
        ]),
      )
      .execute();
    // A report's start is when the backup ran; a managed run's queue time is when it was fired.
    return rows.flatMap((r) => (r.started_at !== null ? [r.queued_at, r.started_at] : [r.queued_at]));
  }

  /** Creates or refreshes a learned schedule; `checkedUntil` undefined keeps the stored value. */
  async upsert(row: Omit<LearnedScheduleRow, 'checked_until'> & { checked_until?: number | null }): Promise<void> {
    const { checked_until, ...rest } = row;
    await this.db
      .insertInto('learned_schedules')
      .values({ ...rest, checked_until: checked_until ?? null })
      .onConflict((oc) =>
        oc.column('job_id').doUpdateSet({
          kind: rest.kind,
          schedule: rest.schedule,
          timezone: rest.timezone,
          sample_count: rest.sample_count,
          learned_at: rest.learned_at,
          ...(checked_until !== undefined ? { checked_until } : {}),
        }),
      )
      .execute();
  }

  /** Moves the missed-run detection mark forward only (two servers may both run the task). */
  async advanceCheckedUntil(jobId: number, until: number): Promise<void> {
    await this.db
      .updateTable('learned_schedules')
      .set({ checked_until: until })
      .where('job_id', '=', jobId)
      .where((eb) => eb.or([eb('checked_until', 'is', null), eb('checked_until', '<', until)]))
      .execute();
  }

  /**
   * Records a missed slot once: the unique index runs_missed_slot refuses a second missed run
   * of the job for the same slot, whichever process tries. Returns the new run, or undefined
   * when it already existed.
   */
  async insertMissed(row: NewRun): Promise<RunRow | undefined> {
    try {
      return await this.db
        .insertInto('runs')
        .values(row)
        // The predicate must be literal text: neither database matches a partial index to a bound parameter.
        .onConflict((oc) =>
          oc
            .columns(['job_id', 'scheduled_for'])
            .where(sql<boolean>`status = 'missed'`)
            .doNothing(),
        )
        .returningAll()
        .executeTakeFirst();
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e.code === '23505' || /UNIQUE constraint failed/.test(e.message ?? '')) return undefined;
      throw err;
    }
  }
}
