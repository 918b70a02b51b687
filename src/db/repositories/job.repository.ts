import { sql, type Kysely } from 'kysely';
import type { Database, JobRow, NewJob, JobUpdate } from '../schema.js';

export interface JobDestinationRow {
  job_id: number;
  destination_id: number;
  position: number;
  retention: string;
}

export interface JobNotificationRow {
  job_id: number;
  channel_id: number;
  condition: string;
}

export interface JobListFilter {
  scope: readonly number[] | null;
  kind?: string | undefined;
  customerId?: number | undefined;
  q?: string | undefined;
  archived?: boolean | undefined;
}

/** A job row plus what list views need about its runs, computed in the same query. */
export interface JobListRow extends JobRow {
  last_run_id: number | null;
  active_run_id: number | null;
}

export class JobRepository {
  constructor(private readonly db: Kysely<Database>) {}

  get(id: number): Promise<JobRow | undefined> {
    return this.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  /** Live (not deleted) jobs with this name, limited to the caller's customers. */
  byName(name: string, scope: readonly number[] | null, customerId?: number): Promise<JobRow[]> {
    let q = this.db.selectFrom('jobs').selectAll().where('name', '=', name).where('deleted_at', 'is', null);
    if (scope) q = q.where('customer_id', 'in', scope.length ? [...scope] : [-1]);
    if (customerId !== undefined) q = q.where('customer_id', '=', customerId);
    return q.orderBy('id').execute();
  }

  async list(f: JobListFilter): Promise<JobListRow[]> {
    let q = this.db
      .selectFrom('jobs')
      .selectAll('jobs')
      .select((eb) => [
        eb
          .selectFrom('runs')
          .select('runs.id')
          .whereRef('runs.job_id', '=', 'jobs.id')
          .where('runs.status', 'not in', ['queued', 'running'])
          .orderBy('runs.id', 'desc')
          .limit(1)
          .as('last_run_id'),
        eb
          .selectFrom('runs')
          .select('runs.id')
          .whereRef('runs.job_id', '=', 'jobs.id')
          .where('runs.status', 'in', ['queued', 'running'])
          .limit(1)
          .as('active_run_id'),
      ])
      .where('jobs.deleted_at', 'is', null);
    if (f.scope) q = q.where('jobs.customer_id', 'in', f.scope.length ? [...f.scope] : [-1]);
    if (f.kind) q = q.where('jobs.kind', '=', f.kind);
    if (f.customerId !== undefined) q = q.where('jobs.customer_id', '=', f.customerId);
    if (f.archived !== undefined) q = q.where('jobs.archived_at', f.archived ? 'is not' : 'is', null);
    if (f.q) {
      // A literal substring: escape the LIKE wildcards. SQLite has no default escape character
      // (PostgreSQL's is the backslash), so name it explicitly for both.
      const pattern = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where(sql<boolean>`lower(jobs.name) like ${pattern} escape '\\'`);
    }
    const rows = await q.orderBy('jobs.name').orderBy('jobs.id').execute();
    return rows as JobListRow[];
  }

  insert(row: NewJob): Promise<JobRow> {
    return this.db.insertInto('jobs').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(id: number, patch: JobUpdate): Promise<void> {
    await this.db.updateTable('jobs').set(patch).where('id', '=', id).execute();
  }

  destinations(jobId: number): Promise<JobDestinationRow[]> {
    return this.db.selectFrom('job_destinations').selectAll().where('job_id', '=', jobId).orderBy('position').execute();
  }

  notifications(jobId: number): Promise<JobNotificationRow[]> {
    return this.db.selectFrom('job_notifications').selectAll().where('job_id', '=', jobId).execute();
  }

  async replaceDestinations(jobId: number, rows: Omit<JobDestinationRow, 'job_id'>[]): Promise<void> {
    await this.db.deleteFrom('job_destinations').where('job_id', '=', jobId).execute();
    if (rows.length)
      await this.db
        .insertInto('job_destinations')
        .values(rows.map((r) => ({ ...r, job_id: jobId })))
        .execute();
  }

  async replaceNotifications(jobId: number, rows: Omit<JobNotificationRow, 'job_id'>[]): Promise<void> {
    await this.db.deleteFrom('job_notifications').where('job_id', '=', jobId).execute();
    if (rows.length)
      await this.db
        .insertInto('job_notifications')
        .values(rows.map((r) => ({ ...r, job_id: jobId })))
        .execute();
  }

  /** Jobs that reference a resource, to refuse deleting a source/destination/channel in use. */
  async usingResource(
    kind: 'source' | 'destination' | 'channel' | 'encryption_profile',
    id: number,
  ): Promise<string[]> {
    if (kind === 'destination') {
      const r = await this.db
        .selectFrom('job_destinations')
        .innerJoin('jobs', 'jobs.id', 'job_destinations.job_id')
        .select('jobs.name')
        .where('job_destinations.destination_id', '=', id)
        .where('jobs.deleted_at', 'is', null)
        .execute();
      return r.map((x) => x.name);
    }
    if (kind === 'channel') {
      const r = await this.db
        .selectFrom('job_notifications')
        .innerJoin('jobs', 'jobs.id', 'job_notifications.job_id')
        .select('jobs.name')
        .where('job_notifications.channel_id', '=', id)
        .where('jobs.deleted_at', 'is', null)
        .execute();
      return [...new Set(r.map((x) => x.name))];
    }
    const field = kind === 'source' ? 'sourceId' : 'encryptionProfileId';
    const rows = await this.db
      .selectFrom('jobs')
      .select(['name', 'config'])
      .where('deleted_at', 'is', null)
      .where('kind', '=', 'backup')
      .execute();
    return rows.filter((r) => (JSON.parse(r.config) as Record<string, unknown>)[field] === id).map((r) => r.name);
  }

  async addEvent(jobId: number, at: number, level: string, message: string): Promise<void> {
    await this.db.insertInto('job_events').values({ job_id: jobId, at, level, message }).execute();
  }

  events(jobId: number, limit = 100) {
    return this.db
      .selectFrom('job_events')
      .select(['id', 'at', 'level', 'message'])
      .where('job_id', '=', jobId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  /** The earliest scheduled fire among enabled jobs, to arm the scheduler's single timer. */
  async earliestFire(): Promise<number | null> {
    const r = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.min('next_fire_at').as('t'))
      .where('next_fire_at', 'is not', null)
      .executeTakeFirst();
    return r?.t == null ? null : Number(r.t);
  }

  due(now: number, limit: number) {
    return this.db
      .selectFrom('jobs')
      .selectAll()
      .where('next_fire_at', 'is not', null)
      .where('next_fire_at', '<=', now)
      .orderBy('next_fire_at')
      .limit(limit)
      .execute();
  }

  /**
   * Compare-and-set on next_fire_at: only the process whose update changes the row owns the
   * fire. Two schedulers reading the same due job both try; exactly one sees 1 updated row.
   */
  async claimFire(jobId: number, expected: number, next: number | null): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set({ next_fire_at: next })
      .where('id', '=', jobId)
      .where('next_fire_at', '=', expected)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
