import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectName } from '../database.js';

/**
 * Review workflow indexes. A job's history page (GET /api/runs?jobId=, newest first) reads
 * (job_id, id) in order and stops after a page, however many runs the job has (a heartbeat job
 * collects 100,000 a year); without it the database sorts all of the job's runs per request.
 */
export function reviewMigration(dialect: DialectName) {
  void dialect;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`create index runs_job_id on runs (job_id, id)`.execute(db);
    },
  };
}
