import { sql, type Kysely } from 'kysely';
import type { Database, JobRow, MailMessageRow, MailMessagesTable, NewMailMessage } from '../schema.js';

/** A stored message without its raw bytes (lists and matching never need the MIME source). */
export type MailMeta = Omit<MailMessageRow, 'raw'>;

/** The parse result columns, written on ingest and again by re-parse. */
export type MailParseColumns = Pick<
  MailMessagesTable,
  | 'parser'
  | 'software'
  | 'backup_type'
  | 'job_name'
  | 'status'
  | 'details'
  | 'started_at'
  | 'ended_at'
  | 'parse_error'
  | 'parsed_at'
> & { objects: string };

export interface InboxFilter {
  /** Part of the subject, sender or parsed job name (case-insensitive). */
  q?: string | undefined;
  /** true: soft-deleted Inbox messages instead of the live ones. */
  deleted: boolean;
  page: number;
  pageSize: number;
}

/** The criteria a report must meet to become a run of a monitored e-mail job (all normalised). */
export interface MatchKey {
  sender: string;
  software: string;
  /** Trimmed and lower-cased. */
  jobName: string;
  type: string | null;
}

const META_COLUMNS = [
  'id',
  'message_id',
  'content_hash',
  'size',
  'from_address',
  'to_address',
  'subject',
  'received_at',
  'imported_at',
  'import_source',
  'parser',
  'software',
  'backup_type',
  'job_name',
  'status',
  'objects',
  'details',
  'started_at',
  'ended_at',
  'parse_error',
  'parsed_at',
  'body_text',
  'body_html',
  'job_id',
  'run_id',
  'customer_id',
  'deleted_at',
  'deleted_by',
] as const satisfies readonly (keyof MailMeta)[];

/** LIKE pattern for a literal substring; both dialects get the same explicit escape character. */
function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class MailRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts a message unless one with the same identity (Message-ID, content hash) exists:
   * returns the new id, or null for a duplicate. The unique index decides, so two servers
   * importing the same message at once store it once (the second waits for the first, then
   * inserts nothing).
   */
  async insertIfNew(row: NewMailMessage): Promise<number | null> {
    const r = await this.db
      .insertInto('mail_messages')
      .values(row)
      .onConflict((oc) => oc.columns(['message_id', 'content_hash']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return r ? Number(r.id) : null;
  }

  /** The stored message with this identity (only what a duplicate answer needs). */
  async idByIdentity(
    messageId: string,
    contentHash: string,
  ): Promise<Pick<MailMeta, 'id' | 'job_id' | 'run_id'> | undefined> {
    return this.db
      .selectFrom('mail_messages')
      .select(['id', 'job_id', 'run_id'])
      .where('message_id', '=', messageId)
      .where('content_hash', '=', contentHash)
      .executeTakeFirst();
  }

  get(id: number): Promise<MailMeta | undefined> {
    return this.db.selectFrom('mail_messages').select(META_COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  async raw(id: number): Promise<Buffer | undefined> {
    const r = await this.db.selectFrom('mail_messages').select('raw').where('id', '=', id).executeTakeFirst();
    return r ? Buffer.from(r.raw) : undefined;
  }

  async updateParse(id: number, cols: MailParseColumns): Promise<void> {
    // Only while still in the Inbox: a message linked meanwhile keeps the result its run was made from.
    await this.db.updateTable('mail_messages').set(cols).where('id', '=', id).where('job_id', 'is', null).execute();
  }

  /**
   * Links a message to a run of a job, only while it is still in the Inbox (unlinked, not
   * deleted): returns false when another request linked or deleted it first.
   */
  async link(id: number, link: { jobId: number; runId: number; customerId: number }): Promise<boolean> {
    const r = await this.db
      .updateTable('mail_messages')
      .set({ job_id: link.jobId, run_id: link.runId, customer_id: link.customerId })
      .where('id', '=', id)
      .where('job_id', 'is', null)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setDeleted(id: number, deletedAt: number | null, deletedBy: number | null): Promise<void> {
    await this.db
      .updateTable('mail_messages')
      .set({ deleted_at: deletedAt, deleted_by: deletedBy })
      .where('id', '=', id)
      .execute();
  }

  async inbox(f: InboxFilter): Promise<{ items: MailMeta[]; total: number }> {
    let q = this.db
      .selectFrom('mail_messages')
      .where('job_id', 'is', null)
      .where('deleted_at', f.deleted ? 'is not' : 'is', null);
    if (f.q) {
      const p = likePattern(f.q);
      q = q.where(
        sql<boolean>`(lower(subject) like ${p} escape '\\' or lower(from_address) like ${p} escape '\\' or lower(coalesce(job_name, '')) like ${p} escape '\\')`,
      );
    }
    const [items, count] = await Promise.all([
      q
        .select(META_COLUMNS)
        .orderBy('received_at', 'desc')
        .orderBy('id', 'desc')
        .limit(f.pageSize)
        .offset((f.page - 1) * f.pageSize)
        .execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.n) };
  }

  /** Ids of every live Inbox message, oldest first (re-parse walks them in batches). */
  async inboxIds(): Promise<number[]> {
    const rows = await this.db
      .selectFrom('mail_messages')
      .select('id')
      .where('job_id', 'is', null)
      .where('deleted_at', 'is', null)
      .orderBy('received_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => Number(r.id));
  }

  /** Live, parsed Inbox messages that carry this job name (candidates after an approval). */
  inboxByJobName(jobNameLower: string): Promise<MailMeta[]> {
    return this.db
      .selectFrom('mail_messages')
      .select(META_COLUMNS)
      .where('job_id', 'is', null)
      .where('deleted_at', 'is', null)
      .where('parser', 'is not', null)
      .where(sql<boolean>`lower(trim(job_name)) = ${jobNameLower}`)
      .orderBy('received_at')
      .orderBy('id')
      .execute();
  }

  /**
   * Monitored e-mail jobs a report matches, oldest first (the oldest wins). Archived jobs are
   * included on purpose: they keep swallowing their reports so those never reach the Inbox.
   */
  matchingJobs(k: MatchKey): Promise<JobRow[]> {
    // `kind` as a literal: only then may SQLite (and a generic PostgreSQL plan) use the partial
    // index jobs_match (… where kind = 'monitored' and deleted_at is null) instead of a scan.
    let q = this.db
      .selectFrom('jobs')
      .selectAll()
      .where('kind', '=', sql.lit('monitored'))
      .where('deleted_at', 'is', null)
      .where('match_job_name', '=', k.jobName)
      .where('match_sender', '=', k.sender)
      .where('software', '=', k.software);
    if (k.type !== null) q = q.where('backup_type', '=', k.type);
    return q.orderBy('id').execute();
  }

  /** Monitored jobs (e-mail and heartbeat) for export; deleted ones never. */
  monitoredJobs(customerIds: readonly number[] | null): Promise<JobRow[]> {
    let q = this.db.selectFrom('jobs').selectAll().where('kind', '=', 'monitored').where('deleted_at', 'is', null);
    if (customerIds) q = q.where('customer_id', 'in', customerIds.length ? [...customerIds] : [-1]);
    return q.orderBy('customer_id').orderBy('id').execute();
  }

  /** Message ids linked to a job. */
  async idsForJob(jobId: number): Promise<number[]> {
    const rows = await this.db.selectFrom('mail_messages').select('id').where('job_id', '=', jobId).execute();
    return rows.map((r) => Number(r.id));
  }

  /**
   * Removes a monitored job's history: its runs (and their logs), remarks, ticket scopes and
   * learned schedule; its messages go back to the Inbox. Returns the ids of those messages.
   */
  async purgeJobHistory(jobId: number): Promise<number[]> {
    const ids = await this.idsForJob(jobId);
    await this.db
      .updateTable('mail_messages')
      .set({ job_id: null, run_id: null, customer_id: null })
      .where('job_id', '=', jobId)
      .execute();
    await this.db
      .deleteFrom('run_logs')
      .where('run_id', 'in', (eb) => eb.selectFrom('runs').select('id').where('job_id', '=', jobId))
      .execute();
    // Tickets themselves may cover other jobs; only their pointer to a vanished run goes.
    await this.db
      .updateTable('tickets')
      .set({ run_id: null })
      .where('run_id', 'in', (eb) => eb.selectFrom('runs').select('id').where('job_id', '=', jobId))
      .execute();
    await this.db.deleteFrom('runs').where('job_id', '=', jobId).execute();
    await this.db.deleteFrom('remarks').where('job_id', '=', jobId).execute();
    await this.db.deleteFrom('ticket_scopes').where('job_id', '=', jobId).execute();
    await this.db.deleteFrom('learned_schedules').where('job_id', '=', jobId).execute();
    return ids;
  }

  /** Active customers whose name contains `q` (case-insensitive), for the approve dialog. */
  searchCustomers(q: string, limit: number, scope: readonly number[] | null): Promise<{ id: number; name: string }[]> {
    let query = this.db.selectFrom('customers').select(['id', 'name']).where('active', '=', 1);
    if (scope) query = query.where('id', 'in', scope.length ? [...scope] : [-1]);
    if (q) query = query.where(sql<boolean>`lower(name) like ${likePattern(q)} escape '\\'`);
    return query.orderBy('name').orderBy('id').limit(limit).execute();
  }
}
