import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.js';
import { initialMigration } from './migrations/0001-initial.js';
import { monitoringReviewMigration } from './migrations/0002-monitoring-review.js';
import { reviewMigration } from './migrations/0003-review-index.js';

/** Applies every pending migration; safe to call on each start and from `keepwatch migrate`. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const provider: MigrationProvider = {
    getMigrations: async (): Promise<Record<string, Migration>> => ({
      '0001-initial': initialMigration(db.dialect),
      '0002-monitoring-review': monitoringReviewMigration(db.dialect),
      '0003-review-index': reviewMigration(db.dialect),
    }),
  };
  const migrator = new Migrator({
    db: db.kysely,
    provider,
    migrationTableName: 'kw_migrations',
    migrationLockTableName: 'kw_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
