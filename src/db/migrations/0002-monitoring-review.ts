import type { CreateTableBuilder, Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectName } from '../database.js';

/**
 * E-mail report monitoring (mail messages, importers, monitored-job matching, heartbeats) and
 * the review workflow (review state and overrides on runs, remarks, tickets, learned schedules).
 */
export function monitoringReviewMigration(dialect: DialectName) {
  const id = <T extends string>(t: CreateTableBuilder<T, never>) =>
    dialect === 'postgres'
      ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // ── jobs: what a monitored job matches (normalised lower-case) and its heartbeat token
      for (const [name, type] of [
        ['software', 'text'],
        ['backup_type', 'text'],
        ['match_sender', 'text'],
        ['match_job_name', 'text'],
        ['ping_token', 'text'],
      ] as const) {
        await db.schema.alterTable('jobs').addColumn(name, type).execute();
      }
      await sql`create unique index jobs_ping_token_uq on jobs (ping_token) where ping_token is not null`.execute(db);
      await sql`create index jobs_match on jobs (match_job_name) where kind = 'monitored' and deleted_at is null`.execute(
        db,
      );

      // ── runs: reported objects, the e-mail behind a report, overrides and review state
      await db.schema
        .alterTable('runs')
        .addColumn('objects', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
      await db.schema.alterTable('runs').addColumn('mail_id', big).execute();
      await db.schema.alterTable('runs').addColumn('effective_status', 'text').execute();
      await db.schema.alterTable('runs').addColumn('override_id', big).execute();
      await db.schema.alterTable('runs').addColumn('reviewed_at', big).execute();
      await db.schema.alterTable('runs').addColumn('reviewed_by', big).execute();
      // Run Checks reads only unreviewed runs: a partial index keeps that cheap with millions of runs.
      await sql`create index runs_unreviewed on runs (job_id, id) where reviewed_at is null`.execute(db);
      // A missed slot is recorded once, even when two servers run the detection at the same time.
      await sql`create unique index runs_missed_slot on runs (job_id, scheduled_for) where status = 'missed'`.execute(
        db,
      );
      await db.schema.createIndex('runs_job_finished').on('runs').columns(['job_id', 'finished_at']).execute();

      // ── imported report e-mails (the Inbox is the unlinked, undeleted ones)
      await id(db.schema.createTable('mail_messages'))
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('raw', bytes, (c) => c.notNull())
        .addColumn('size', big, (c) => c.notNull())
        .addColumn('from_address', 'text', (c) => c.notNull())
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('received_at', big, (c) => c.notNull())
        .addColumn('imported_at', big, (c) => c.notNull())
        .addColumn('import_source', 'text', (c) => c.notNull())
        .addColumn('parser', 'text')
        .addColumn('software', 'text')
        .addColumn('backup_type', 'text')
        .addColumn('job_name', 'text')
        .addColumn('status', 'text')
        .addColumn('objects', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('details', 'text')
        .addColumn('started_at', big)
        .addColumn('ended_at', big)
        .addColumn('parse_error', 'text')
        .addColumn('parsed_at', big)
        .addColumn('body_text', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('body_html', 'text')
        .addColumn('job_id', big)
        .addColumn('run_id', big)
        .addColumn('customer_id', big)
        .addColumn('deleted_at', big)
        .addColumn('deleted_by', big)
        .execute();
      await db.schema
        .createIndex('mail_messages_identity_uq')
        .unique()
        .on('mail_messages')
        .columns(['message_id', 'content_hash'])
        .execute();
      await sql`create index mail_messages_inbox on mail_messages (received_at, id) where job_id is null`.execute(db);
      await db.schema.createIndex('mail_messages_job').on('mail_messages').columns(['job_id', 'received_at']).execute();

      // ── where mail comes from: IMAP / Graph mailboxes and the SMTP receiver
      await id(db.schema.createTable('mail_importers'))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('secrets', 'text')
        .addColumn('interval_minutes', 'integer', (c) => c.notNull().defaultTo(15))
        .addColumn('last_import_at', big)
        .addColumn('last_error', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .execute();

      // ── overrides: treat matching warnings/failures as success
      await id(db.schema.createTable('overrides'))
        .addColumn('customer_id', big)
        .addColumn('job_id', big)
        .addColumn('object_name', 'text')
        .addColumn('software', 'text')
        .addColumn('backup_type', 'text')
        .addColumn('job_name_pattern', 'text')
        .addColumn('statuses', 'text', (c) => c.notNull())
        .addColumn('error_match', 'text', (c) => c.notNull().defaultTo('contains'))
        .addColumn('error_text', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('treat_as_success', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('valid_from', big)
        .addColumn('valid_until', big)
        .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_by', big)
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .execute();

      // ── remarks and tickets
      await id(db.schema.createTable('remarks'))
        .addColumn('customer_id', big, (c) => c.notNull())
        .addColumn('job_id', big, (c) => c.notNull())
        .addColumn('run_id', big)
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('start_date', big, (c) => c.notNull())
        .addColumn('resolved_at', big)
        .addColumn('created_by', big)
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('remarks_job').on('remarks').columns(['job_id', 'resolved_at']).execute();

      await id(db.schema.createTable('tickets'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('active_from', big)
        .addColumn('start_date', big, (c) => c.notNull())
        .addColumn('resolved_at', big)
        .addColumn('run_id', big)
        .addColumn('created_by', big)
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('ticket_scopes')
        .addColumn('ticket_id', big, (c) => c.notNull().references('tickets.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('customer_id', big, (c) => c.notNull())
        .addColumn('job_id', big)
        .addColumn('object_name', 'text')
        .execute();
      await db.schema.createIndex('ticket_scopes_ticket').on('ticket_scopes').column('ticket_id').execute();
      await db.schema.createIndex('ticket_scopes_job').on('ticket_scopes').column('job_id').execute();
      await db.schema.createIndex('ticket_scopes_customer').on('ticket_scopes').column('customer_id').execute();

      // ── learned schedules of monitored jobs, and how far missed-run detection has looked
      await db.schema
        .createTable('learned_schedules')
        .addColumn('job_id', big, (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('schedule', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('sample_count', 'integer', (c) => c.notNull())
        .addColumn('learned_at', big, (c) => c.notNull())
        .addColumn('checked_until', big)
        .execute();
    },
  };
}
