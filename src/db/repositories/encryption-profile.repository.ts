import type { Kysely } from 'kysely';
import type { Database, EncryptionProfileRow } from '../schema.js';

export class EncryptionProfileRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(scope: readonly number[] | null): Promise<EncryptionProfileRow[]> {
    let q = this.db.selectFrom('encryption_profiles').selectAll().orderBy('name');
    if (scope) q = q.where('customer_id', 'in', scope.length ? [...scope] : [-1]);
    return q.execute();
  }

  get(id: number): Promise<EncryptionProfileRow | undefined> {
    return this.db.selectFrom('encryption_profiles').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byName(customerId: number, name: string): Promise<EncryptionProfileRow | undefined> {
    return this.db
      .selectFrom('encryption_profiles')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  byKeyId(keyId: string): Promise<EncryptionProfileRow[]> {
    return this.db.selectFrom('encryption_profiles').selectAll().where('key_id', '=', keyId).execute();
  }

  insert(r: {
    customerId: number;
    name: string;
    keyId: string;
    keySealed: string;
    now: number;
  }): Promise<EncryptionProfileRow> {
    return this.db
      .insertInto('encryption_profiles')
      .values({ customer_id: r.customerId, name: r.name, key_id: r.keyId, key_sealed: r.keySealed, created_at: r.now })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('encryption_profiles').where('id', '=', id).execute();
  }
}
