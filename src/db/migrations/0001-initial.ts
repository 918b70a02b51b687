import type { CreateTableBuilder, Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectName } from '../database.js';

/**
 * The first schema. One migration set for both dialects: the only difference is how an
 * auto-increment primary key is spelled, which `id()` hides.
 */
export function initialMigration(dialect: DialectName) {
  const id = <T extends string>(t: CreateTableBuilder<T, never>) =>
    dialect === 'postgres'
      ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  const big = dialect === 'postgres' ? 'bigint' : 'integer';

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await id(db.schema.createTable('customers'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('timezone', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('customers_name_uq').unique().on('customers').column('name').execute();

      await id(db.schema.createTable('users'))
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text')
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('all_customers', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', big, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('user_customers')
        .addColumn('user_id', big, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('customer_id', big, (c) => c.notNull().references('customers.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('user_customers_pk', ['user_id', 'customer_id'])
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', big, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('expires_at', big, (c) => c.notNull())
        .execute();

      await id(db.schema.createTable('api_tokens'))
        .addColumn('user_id', big, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('expires_at', big)
        .addColumn('last_used_at', big)
        .execute();

      await db.schema
        .createTable('setup_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', big, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('expires_at', big, (c) => c.notNull())
        .execute();

      for (const table of ['sources', 'destinations', 'notification_channels']) {
        await id(db.schema.createTable(table))
          .addColumn('customer_id', big, (c) => c.notNull().references('customers.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('config', 'text', (c) => c.notNull())
          .addColumn('secrets', 'text')
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('updated_at', big, (c) => c.notNull())
          .execute();
        await db.schema.createIndex(`${table}_name_uq`).unique().on(table).columns(['customer_id', 'name']).execute();
      }

      await id(db.schema.createTable('encryption_profiles'))
        .addColumn('customer_id', big, (c) => c.notNull().references('customers.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('key_sealed', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('encryption_profiles_name_uq')
        .unique()
        .on('encryption_profiles')
        .columns(['customer_id', 'name'])
        .execute();
      await db.schema.createIndex('encryption_profiles_key_id').on('encryption_profiles').column('key_id').execute();

      await id(db.schema.createTable('jobs'))
        .addColumn('customer_id', big, (c) => c.notNull().references('customers.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('archived_at', big)
        .addColumn('deleted_at', big)
        .addColumn('schedule', 'text', (c) => c.notNull())
        .addColumn('next_fire_at', big)
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .execute();
      // Names are unique among live jobs of a customer; deleted jobs keep their name for history.
      await sql`create unique index jobs_name_uq on jobs (customer_id, name) where deleted_at is null`.execute(db);
      await sql`create index jobs_next_fire on jobs (next_fire_at) where next_fire_at is not null`.execute(db);

      await db.schema
        .createTable('job_destinations')
        .addColumn('job_id', big, (c) => c.notNull().references('jobs.id').onDelete('cascade'))
        .addColumn('destination_id', big, (c) => c.notNull().references('destinations.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('retention', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('job_destinations_pk', ['job_id', 'destination_id'])
        .execute();

      await db.schema
        .createTable('job_notifications')
        .addColumn('job_id', big, (c) => c.notNull().references('jobs.id').onDelete('cascade'))
        .addColumn('channel_id', big, (c) => c.notNull().references('notification_channels.id'))
        .addColumn('condition', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('job_notifications_pk', ['job_id', 'channel_id', 'condition'])
        .execute();

      await id(db.schema.createTable('job_events'))
        .addColumn('job_id', big, (c) => c.notNull().references('jobs.id').onDelete('cascade'))
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('job_events_job').on('job_events').columns(['job_id', 'id']).execute();

      await id(db.schema.createTable('runs'))
        .addColumn('job_id', big, (c) => c.notNull().references('jobs.id'))
        .addColumn('customer_id', big, (c) => c.notNull().references('customers.id'))
        .addColumn('operation', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('scheduled_for', big)
        .addColumn('queued_at', big, (c) => c.notNull())
        .addColumn('started_at', big)
        .addColumn('finished_at', big)
        .addColumn('step', 'text')
        .addColumn('steps', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('bytes_read', big, (c) => c.notNull().defaultTo(0))
        .addColumn('bytes_written', big, (c) => c.notNull().defaultTo(0))
        .addColumn('error', 'text')
        .addColumn('node_id', 'text')
        .addColumn('heartbeat_at', big)
        .addColumn('cancel_requested_at', big)
        .addColumn('requested_by', big)
        .execute();
      // "Never two runs of the same job at once", enforced by the database itself so that
      // several server processes racing on one fire cannot both insert an active run.
      await sql`create unique index runs_one_active_per_job on runs (job_id) where status in ('queued', 'running')`.execute(
        db,
      );
      await db.schema.createIndex('runs_job_queued').on('runs').columns(['job_id', 'queued_at']).execute();
      await db.schema.createIndex('runs_status_queued').on('runs').columns(['status', 'queued_at']).execute();
      await db.schema.createIndex('runs_customer_queued').on('runs').columns(['customer_id', 'queued_at']).execute();

      await id(db.schema.createTable('run_logs'))
        .addColumn('run_id', big, (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('run_logs_run').on('run_logs').columns(['run_id', 'id']).execute();

      await id(db.schema.createTable('backups'))
        .addColumn('run_id', big, (c) => c.notNull().references('runs.id'))
        .addColumn('job_id', big, (c) => c.notNull().references('jobs.id'))
        .addColumn('customer_id', big, (c) => c.notNull().references('customers.id'))
        .addColumn('destination_id', big, (c) => c.notNull().references('destinations.id'))
        .addColumn('object_key', 'text', (c) => c.notNull())
        .addColumn('size', big, (c) => c.notNull())
        .addColumn('raw_size', big, (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('compression', 'text', (c) => c.notNull())
        .addColumn('encrypted', 'integer', (c) => c.notNull())
        .addColumn('key_id', 'text')
        .addColumn('extension', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('verified_at', big)
        .addColumn('deleted_at', big)
        .addColumn('metadata', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('backups_job_created').on('backups').columns(['job_id', 'created_at']).execute();
      await db.schema.createIndex('backups_dest').on('backups').columns(['destination_id', 'created_at']).execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('nodes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('started_at', big, (c) => c.notNull())
        .addColumn('heartbeat_at', big, (c) => c.notNull())
        .addColumn('hostname', 'text', (c) => c.notNull())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .execute();

      await id(db.schema.createTable('audit_log'))
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('user_id', big)
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text')
        .addColumn('customer_id', big)
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
    },
  };
}
