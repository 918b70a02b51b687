import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../schema.js';

export interface UserWithScope extends UserRow {
  customerIds: number[];
}

/** Users with their customer scope, sessions, API tokens and one-time setup tokens. */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async withScope(user: UserRow | undefined): Promise<UserWithScope | undefined> {
    if (!user) return undefined;
    const rows = await this.db
      .selectFrom('user_customers')
      .select('customer_id')
      .where('user_id', '=', user.id)
      .execute();
    return { ...user, customerIds: rows.map((r) => r.customer_id) };
  }

  async get(id: number): Promise<UserWithScope | undefined> {
    return this.withScope(await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst());
  }

  async byUsername(username: string): Promise<UserWithScope | undefined> {
    return this.withScope(
      await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst(),
    );
  }

  list(): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().orderBy('username').execute();
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async insert(u: {
    username: string;
    passwordHash: string | null;
    role: string;
    allCustomers: boolean;
    customerIds: number[];
    now: number;
  }): Promise<UserWithScope> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('users')
        .values({
          username: u.username,
          password_hash: u.passwordHash,
          role: u.role,
          all_customers: u.allCustomers ? 1 : 0,
          disabled: 0,
          created_at: u.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (u.customerIds.length) {
        await tx
          .insertInto('user_customers')
          .values(u.customerIds.map((customer_id) => ({ user_id: row.id, customer_id })))
          .execute();
      }
      return { ...row, customerIds: u.customerIds };
    });
  }

  async setPassword(userId: number, hash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
  }

  async insertSession(tokenHash: string, userId: number, now: number, expiresAt: number): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ token_hash: tokenHash, user_id: userId, created_at: now, expires_at: expiresAt })
      .execute();
  }

  sessionByHash(tokenHash: string) {
    return this.db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteExpiredSessions(now: number): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  }

  async insertToken(t: {
    userId: number;
    name: string;
    tokenHash: string;
    role: string | null;
    now: number;
    expiresAt: number | null;
  }) {
    return this.db
      .insertInto('api_tokens')
      .values({
        user_id: t.userId,
        name: t.name,
        token_hash: t.tokenHash,
        role: t.role,
        created_at: t.now,
        expires_at: t.expiresAt,
        last_used_at: null,
      })
      .returning(['id', 'name', 'created_at', 'expires_at', 'role'])
      .executeTakeFirstOrThrow();
  }

  tokenByHash(tokenHash: string) {
    return this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  tokensOf(userId: number) {
    return this.db
      .selectFrom('api_tokens')
      .select(['id', 'name', 'role', 'created_at', 'expires_at', 'last_used_at'])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
  }

  async touchToken(id: number, now: number): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
  }

  async deleteToken(id: number, userId: number): Promise<number> {
    const r = await this.db
      .deleteFrom('api_tokens')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async insertSetupToken(tokenHash: string, userId: number, expiresAt: number): Promise<void> {
    await this.db.deleteFrom('setup_tokens').where('user_id', '=', userId).execute();
    await this.db
      .insertInto('setup_tokens')
      .values({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt })
      .execute();
  }

  /** Consumes a setup token atomically: it works once. */
  async takeSetupToken(tokenHash: string, now: number): Promise<number | undefined> {
    const row = await this.db
      .deleteFrom('setup_tokens')
      .where('token_hash', '=', tokenHash)
      .returning(['user_id', 'expires_at'])
      .executeTakeFirst();
    if (!row || row.expires_at < now) return undefined;
    return row.user_id;
  }
}
