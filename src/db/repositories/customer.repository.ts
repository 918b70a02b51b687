import type { Kysely } from 'kysely';
import type { CustomerRow, Database } from '../schema.js';

export class CustomerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(scope: readonly number[] | null): Promise<CustomerRow[]> {
    let q = this.db.selectFrom('customers').selectAll().orderBy('name');
    if (scope) q = q.where('id', 'in', scope.length ? [...scope] : [-1]);
    return q.execute();
  }

  get(id: number): Promise<CustomerRow | undefined> {
    return this.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByNameOrSlug(ref: string): Promise<CustomerRow | undefined> {
    return this.db
      .selectFrom('customers')
      .selectAll()
      .where((eb) => eb.or([eb('name', '=', ref), eb('slug', '=', ref)]))
      .executeTakeFirst();
  }

  async insert(row: { name: string; slug: string; timezone?: string | null; now: number }): Promise<CustomerRow> {
    const r = await this.db
      .insertInto('customers')
      .values({ name: row.name, slug: row.slug, active: 1, timezone: row.timezone ?? null, created_at: row.now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return r;
  }

  async update(
    id: number,
    patch: { name?: string; slug?: string; active?: number; timezone?: string | null },
  ): Promise<void> {
    await this.db.updateTable('customers').set(patch).where('id', '=', id).execute();
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Live (not deleted) jobs per customer and kind, archived ones included. */
  async jobCounts(): Promise<{ customer_id: number; kind: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['customer_id', 'kind', (eb) => eb.fn.countAll<number>().as('n')])
      .where('deleted_at', 'is', null)
      .groupBy(['customer_id', 'kind'])
      .execute();
    return rows.map((r) => ({ customer_id: Number(r.customer_id), kind: r.kind, n: Number(r.n) }));
  }
}
