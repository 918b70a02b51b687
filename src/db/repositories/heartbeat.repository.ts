import type { Kysely } from 'kysely';
import type { Database, JobRow } from '../schema.js';

/** Lookups of the heartbeat feed: which live monitored job a /ping/<token> belongs to. */
export class HeartbeatRepository {
  constructor(private readonly db: Kysely<Database>) {}

  jobByToken(token: string): Promise<JobRow | undefined> {
    return this.db
      .selectFrom('jobs')
      .selectAll()
      .where('ping_token', '=', token)
      .where('kind', '=', 'monitored')
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }
}
