import type { Kysely } from 'kysely';
import type { ConfiguredRow, Database } from '../schema.js';

export type ResourceTable = 'sources' | 'destinations' | 'notification_channels';

/**
 * Sources, destinations and notification channels share one shape (kind + JSON config + sealed
 * secrets), so one repository serves the three tables.
 */
export class ResourceRepository {
  constructor(
    private readonly db: Kysely<Database>,
    readonly table: ResourceTable,
  ) {}

  // Kysely cannot type a query over a union of table names; the three tables are identical.
  private get t(): 'sources' {
    return this.table as 'sources';
  }

  list(scope: readonly number[] | null, customerId?: number): Promise<ConfiguredRow[]> {
    let q = this.db.selectFrom(this.t).selectAll().orderBy('name').orderBy('id');
    if (scope) q = q.where('customer_id', 'in', scope.length ? [...scope] : [-1]);
    if (customerId !== undefined) q = q.where('customer_id', '=', customerId);
    return q.execute();
  }

  get(id: number): Promise<ConfiguredRow | undefined> {
    return this.db.selectFrom(this.t).selectAll().where('id', '=', id).executeTakeFirst();
  }

  byName(customerId: number, name: string): Promise<ConfiguredRow | undefined> {
    return this.db
      .selectFrom(this.t)
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  byNameAnyCustomer(name: string, scope: readonly number[] | null): Promise<ConfiguredRow[]> {
    let q = this.db.selectFrom(this.t).selectAll().where('name', '=', name);
    if (scope) q = q.where('customer_id', 'in', scope.length ? [...scope] : [-1]);
    return q.execute();
  }

  insert(row: {
    customerId: number;
    name: string;
    kind: string;
    config: string;
    secrets: string | null;
    now: number;
  }): Promise<ConfiguredRow> {
    return this.db
      .insertInto(this.t)
      .values({
        customer_id: row.customerId,
        name: row.name,
        kind: row.kind,
        config: row.config,
        secrets: row.secrets,
        created_at: row.now,
        updated_at: row.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async update(
    id: number,
    patch: { name?: string; config?: string; secrets?: string | null; now: number },
  ): Promise<void> {
    const { now, ...rest } = patch;
    await this.db
      .updateTable(this.t)
      .set({ ...rest, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom(this.t).where('id', '=', id).execute();
  }
}
