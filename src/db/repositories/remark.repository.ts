import type { Insertable, Kysely, Updateable } from 'kysely';
import type { Database, RemarkRow, RemarksTable } from '../schema.js';

export interface RemarkListFilter {
  scope: readonly number[] | null;
  jobId?: number | undefined;
  /** true: unresolved only; false: resolved only. */
  open?: boolean | undefined;
}

export type RemarkWithUser = RemarkRow & { created_by_name: string | null };

export class RemarkRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private base() {
    return this.db
      .selectFrom('remarks')
      .leftJoin('users', 'users.id', 'remarks.created_by')
      .selectAll('remarks')
      .select('users.username as created_by_name');
  }

  get(id: number): Promise<RemarkWithUser | undefined> {
    return this.base().where('remarks.id', '=', id).executeTakeFirst();
  }

  list(f: RemarkListFilter): Promise<RemarkWithUser[]> {
    let q = this.base();
    if (f.scope) q = q.where('remarks.customer_id', 'in', f.scope.length ? [...f.scope] : [-1]);
    if (f.jobId !== undefined) q = q.where('remarks.job_id', '=', f.jobId);
    if (f.open !== undefined) q = q.where('remarks.resolved_at', f.open ? 'is' : 'is not', null);
    return q.orderBy('remarks.start_date', 'desc').orderBy('remarks.id', 'desc').limit(1000).execute();
  }

  async insert(row: Insertable<RemarksTable>): Promise<number> {
    const r = await this.db.insertInto('remarks').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async update(id: number, patch: Updateable<RemarksTable>): Promise<void> {
    await this.db.updateTable('remarks').set(patch).where('id', '=', id).execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('remarks').where('id', '=', id).execute();
  }
}
