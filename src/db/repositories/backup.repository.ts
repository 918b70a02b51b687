import type { Kysely } from 'kysely';
import type { BackupRow, Database, NewBackup } from '../schema.js';

export type BackupWithNames = BackupRow & { job_name: string; destination_name: string; destination_kind: string };

export class BackupRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private base() {
    return this.db
      .selectFrom('backups')
      .innerJoin('jobs', 'jobs.id', 'backups.job_id')
      .innerJoin('destinations', 'destinations.id', 'backups.destination_id')
      .selectAll('backups')
      .select([
        'jobs.name as job_name',
        'destinations.name as destination_name',
        'destinations.kind as destination_kind',
      ])
      .where('backups.deleted_at', 'is', null);
  }

  get(id: number): Promise<BackupWithNames | undefined> {
    return this.base().where('backups.id', '=', id).executeTakeFirst();
  }

  list(f: {
    scope: readonly number[] | null;
    jobId?: number | undefined;
    destinationId?: number | undefined;
    limit?: number;
  }): Promise<BackupWithNames[]> {
    let q = this.base();
    if (f.scope) q = q.where('backups.customer_id', 'in', f.scope.length ? [...f.scope] : [-1]);
    if (f.jobId !== undefined) q = q.where('backups.job_id', '=', f.jobId);
    if (f.destinationId !== undefined) q = q.where('backups.destination_id', '=', f.destinationId);
    return q
      .orderBy('backups.created_at', 'desc')
      .orderBy('backups.id', 'desc')
      .limit(f.limit ?? 1000)
      .execute();
  }

  forRetention(jobId: number, destinationId: number): Promise<BackupRow[]> {
    return this.db
      .selectFrom('backups')
      .selectAll()
      .where('job_id', '=', jobId)
      .where('destination_id', '=', destinationId)
      .where('deleted_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute();
  }

  async insert(row: NewBackup): Promise<BackupRow> {
    return this.db.insertInto('backups').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(
    id: number,
    patch: { pinned?: number; verified_at?: number | null; deleted_at?: number | null },
  ): Promise<void> {
    await this.db.updateTable('backups').set(patch).where('id', '=', id).execute();
  }

  idsForRun(runId: number): Promise<number[]> {
    return this.db
      .selectFrom('backups')
      .select('id')
      .where('run_id', '=', runId)
      .execute()
      .then((r) => r.map((x) => x.id));
  }

  /** Sum of bytes stored per customer, for metrics. */
  async totalSize(): Promise<number> {
    const r = await this.db
      .selectFrom('backups')
      .select((eb) => eb.fn.sum<number>('size').as('s'))
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(r?.s ?? 0);
  }
}
