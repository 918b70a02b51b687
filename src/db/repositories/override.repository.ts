import { sql, type Kysely } from 'kysely';
import type { Insertable, Updateable } from 'kysely';
import type { Database, OverrideRow, OverridesTable } from '../schema.js';

export interface OverrideListFilter {
  /** Customer ids the caller sees (null = all); global rules without a customer are always listed. */
  scope: readonly number[] | null;
  jobId?: number | undefined;
  customerId?: number | undefined;
}

/** What override application needs of a run, read in one query with the job's facts. */
export interface RunForOverride {
  id: number;
  job_id: number;
  customer_id: number;
  status: string;
  error: string | null;
  objects: string;
  queued_at: number;
  started_at: number | null;
  finished_at: number | null;
  effective_status: string | null;
  override_id: number | null;
  job_name: string;
  software: string | null;
  backup_type: string | null;
}

export type OverrideWithUser = OverrideRow & { created_by_name: string | null };

export class OverrideRepository {
  constructor(private readonly db: Kysely<Database>) {}

  all(): Promise<OverrideRow[]> {
    return this.db.selectFrom('overrides').selectAll().orderBy('id').execute();
  }

  private withUser() {
    return this.db
      .selectFrom('overrides')
      .leftJoin('users', 'users.id', 'overrides.created_by')
      .selectAll('overrides')
      .select('users.username as created_by_name');
  }

  get(id: number): Promise<OverrideWithUser | undefined> {
    return this.withUser().where('overrides.id', '=', id).executeTakeFirst();
  }

  list(f: OverrideListFilter): Promise<OverrideWithUser[]> {
    let q = this.withUser();
    if (f.scope) {
      const scope = f.scope.length ? [...f.scope] : [-1];
      q = q.where((eb) => eb.or([eb('overrides.customer_id', 'is', null), eb('overrides.customer_id', 'in', scope)]));
    }
    if (f.jobId !== undefined) q = q.where('overrides.job_id', '=', f.jobId);
    if (f.customerId !== undefined) q = q.where('overrides.customer_id', '=', f.customerId);
    return q.orderBy('overrides.id').execute();
  }

  insert(row: Insertable<OverridesTable>): Promise<OverrideRow> {
    return this.db.insertInto('overrides').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(id: number, patch: Updateable<OverridesTable>): Promise<void> {
    await this.db.updateTable('overrides').set(patch).where('id', '=', id).execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('overrides').where('id', '=', id).execute();
  }

  /**
   * Changes whenever a rule is added, removed or edited (updated_at moves), so a cached rule
   * set can be reused across calls and across servers sharing one database.
   */
  async fingerprint(): Promise<string> {
    const r = await this.db
      .selectFrom('overrides')
      .select([
        sql<number>`count(*)`.as('n'),
        sql<number | null>`max(id)`.as('max_id'),
        sql<number | null>`max(updated_at)`.as('max_updated'),
      ])
      .executeTakeFirstOrThrow();
    return `${Number(r.n)}:${r.max_id ?? 0}:${r.max_updated ?? 0}`;
  }

  /** The runs (with their job's facts) that override application looks at. */
  runsForOverride(runIds: readonly number[]): Promise<RunForOverride[]> {
    if (!runIds.length) return Promise.resolve([]);
    return this.db
      .selectFrom('runs')
      .innerJoin('jobs', 'jobs.id', 'runs.job_id')
      .select([
        'runs.id',
        'runs.job_id',
        'runs.customer_id',
        'runs.status',
        'runs.error',
        'runs.objects',
        'runs.queued_at',
        'runs.started_at',
        'runs.finished_at',
        'runs.effective_status',
        'runs.override_id',
        'jobs.name as job_name',
        'jobs.software',
        'jobs.backup_type',
      ])
      .where('runs.id', 'in', [...runIds])
      .execute();
  }

  async setRunOverride(runId: number, effectiveStatus: string | null, overrideId: number | null): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ effective_status: effectiveStatus, override_id: overrideId })
      .where('id', '=', runId)
      .execute();
  }

  /** Unreviewed terminal warning/failed runs, or runs a rule changed, of live jobs in scope: what re-evaluation looks at. */
  async unreviewedCandidateIds(scope: readonly number[] | null): Promise<number[]> {
    let q = this.db
      .selectFrom('runs')
      .innerJoin('jobs', 'jobs.id', 'runs.job_id')
      .select('runs.id')
      .where('runs.reviewed_at', 'is', null)
      .where('jobs.deleted_at', 'is', null)
      .where((eb) => eb.or([eb('runs.status', 'in', ['warning', 'failed']), eb('runs.override_id', 'is not', null)]));
    if (scope) q = q.where('runs.customer_id', 'in', scope.length ? [...scope] : [-1]);
    return (await q.execute()).map((r) => r.id);
  }
}
