import type { Kysely } from 'kysely';
import type { Database, MailImporterRow } from '../schema.js';

export interface MailImporterPatch {
  name?: string;
  enabled?: number;
  config?: string;
  secrets?: string | null;
  interval_minutes?: number;
}

/** Where report e-mails come from: IMAP and Graph mailboxes and the SMTP receiver. */
export class MailImporterRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(): Promise<MailImporterRow[]> {
    return this.db.selectFrom('mail_importers').selectAll().orderBy('name').orderBy('id').execute();
  }

  get(id: number): Promise<MailImporterRow | undefined> {
    return this.db.selectFrom('mail_importers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byName(name: string): Promise<MailImporterRow | undefined> {
    return this.db.selectFrom('mail_importers').selectAll().where('name', '=', name).executeTakeFirst();
  }

  enabledOfKind(kinds: readonly string[]): Promise<MailImporterRow[]> {
    return this.db
      .selectFrom('mail_importers')
      .selectAll()
      .where('enabled', '=', 1)
      .where('kind', 'in', [...kinds])
      .orderBy('id')
      .execute();
  }

  insert(row: {
    name: string;
    kind: string;
    enabled: number;
    config: string;
    secrets: string | null;
    intervalMinutes: number;
    now: number;
  }): Promise<MailImporterRow> {
    return this.db
      .insertInto('mail_importers')
      .values({
        name: row.name,
        kind: row.kind,
        enabled: row.enabled,
        config: row.config,
        secrets: row.secrets,
        interval_minutes: row.intervalMinutes,
        last_import_at: null,
        last_error: null,
        created_at: row.now,
        updated_at: row.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async update(id: number, patch: MailImporterPatch, now: number): Promise<void> {
    await this.db
      .updateTable('mail_importers')
      .set({ ...patch, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** The outcome of a poll (or of a message the SMTP receiver took); not a configuration change. */
  async recordResult(id: number, at: number | null, error: string | null): Promise<void> {
    await this.db
      .updateTable('mail_importers')
      .set(at === null ? { last_error: error } : { last_import_at: at, last_error: error })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('mail_importers').where('id', '=', id).execute();
  }
}
