import { createHash } from 'node:crypto';
import { messageIdentity } from '../adapters/mail-parsers/decode.js';
import { parseRaw } from '../adapters/mail-parsers/registry.js';
import type { MailInput, ParsedReport, ReportObject } from '../core/mail-report.js';
import type { MailMeta, MailParseColumns } from '../db/repositories/mail.repository.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { JobRow, RunRow } from '../db/schema.js';
import { applyOverridesToRuns } from './override-apply.js';
import type { RunEvents } from './run-events.js';
import { isUniqueViolation } from './run.service.js';
import { audit, type ServiceDeps } from './service-deps.js';
import { ForbiddenError } from '../core/errors.js';
import { requireAccess, type Actor, type Permission } from './access.js';
import { parseResultOf, type ParseResult } from './mail-report.dto.js';

export const DEFAULT_MAIL_MAX_BYTES = 25 * 1024 * 1024;

/** What happened to one imported message (also the per-file answer of `POST /api/mail/import`). */
export interface IngestResult {
  outcome: 'linked' | 'inbox' | 'duplicate' | 'rejected';
  mailId: number | null;
  jobId: number | null;
  runId: number | null;
  error: string | null;
}

export interface IngestSource {
  /** 'upload', 'smtp', 'imap:<importer id>', 'graph:<importer id>'... */
  importSource: string;
  /** When the mailbox received it (epoch ms); default: the Date header, else now. */
  receivedAt?: number | null;
}

export interface TooLargeMeta {
  importSource: string;
  size: number;
  receivedAt?: number | null;
  /** What the mailbox could tell without downloading the message (all optional). */
  messageId?: string | null;
  from?: string | null;
  to?: string | null;
  subject?: string | null;
}

export interface MailServiceOptions {
  events: RunEvents;
  /** Largest message stored (bytes); default KEEPWATCH_MAIL_MAX_BYTES or 25 MiB. */
  maxBytes?: number;
  /** Called after a report became a run (the composition root sends the job's notifications). */
  onReportRun?: (run: RunRow, job: JobRow) => void;
}

/** PostgreSQL text cannot hold NUL (SQLite could): both dialects store the same, NUL-free text. */
const noNul = (s: string): string => (s.includes('\u0000') ? s.replace(/\u0000/g, '') : s);

/** The parse-result columns of a message, from the parser's answer. */
export function parseColumns(report: ParsedReport | null, error: string | null, now: number): MailParseColumns {
  if (!report)
    return {
      parser: null,
      software: null,
      backup_type: null,
      job_name: null,
      status: null,
      objects: '[]',
      details: null,
      started_at: null,
      ended_at: null,
      parse_error: noNul(error ?? 'no parser recognises this message'),
      parsed_at: now,
    };
  // The report's overall message is kept with the other facts: re-linking an Inbox message
  // later (approval, re-parse) turns it into the run's error without parsing again.
  const details: Record<string, string | number> = { ...(report.details ?? {}) };
  if (report.message) details.message = report.message;
  return {
    parser: noNul(report.parser),
    software: noNul(report.software),
    backup_type: report.type === null ? null : noNul(report.type),
    job_name: noNul(report.jobName),
    status: report.status,
    objects: JSON.stringify(report.objects ?? []),
    details: Object.keys(details).length ? JSON.stringify(details) : null,
    started_at: finite(report.startedAt),
    ended_at: finite(report.endedAt),
    parse_error: null,
    parsed_at: now,
  };
}

const finite = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) ? Math.round(n) : null);

/** Job names compare trimmed and case-insensitively (stored that way in jobs.match_job_name). */
export const normaliseJobName = (name: string) => name.trim().toLowerCase();
export const normaliseSender = (from: string) => from.trim().toLowerCase();

/** Postgres text cannot hold NUL; SQLite would, but both dialects must store the same thing. */
const clean = (s: string | null | undefined, max = 2000): string => (s ?? '').replace(/\u0000/g, '').slice(0, max);
const cleanBody = (s: string | null | undefined): string => (s ?? '').replace(/\u0000/g, '');

/**
 * Inbox messages belong to no customer yet, so only users with access to every customer see
 * them (viewers and reporters read; admins and operators act).
 */
export function requireInbox(actor: Actor, permission: Permission): void {
  if (!actor.allCustomers) throw new ForbiddenError('only users with access to all customers use the Inbox');
  requireAccess(actor, permission, undefined, 'the Inbox');
}

/** One uploaded file: its name and the .eml bytes in base64. */
export interface UploadedFile {
  name: string;
  content: string;
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** The bytes of an uploaded file, or why there are none. */
function decodeUpload(f: UploadedFile): Buffer | string {
  if (typeof f.content !== 'string' || !BASE64.test(f.content)) return 'content is not base64';
  const raw = Buffer.from(f.content, 'base64');
  return raw.length ? raw : 'the file is empty';
}

/** The message was linked or deleted by another request while this one tried to link it. */
export class LinkLostError extends Error {
  constructor(readonly mailId: number) {
    super(`message ${mailId} was linked or deleted meanwhile`);
  }
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Ingest of report e-mails: store every message once (Message-ID + content hash), parse it, and
 * record it as a run of the monitored job it matches — or leave it in the Inbox for approval.
 * Called by uploads (API), the mail importers (IMAP, Graph, SMTP) and the benchmark.
 */
export class MailService {
  readonly maxBytes: number;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly opts: MailServiceOptions,
  ) {
    const env = Number(process.env.KEEPWATCH_MAIL_MAX_BYTES);
    this.maxBytes = opts.maxBytes ?? (Number.isInteger(env) && env > 0 ? env : DEFAULT_MAIL_MAX_BYTES);
  }

  /** `POST /api/mail/import`: every file is ingested in turn; one bad file never stops the others. */
  async importFiles(actor: Actor, files: UploadedFile[]): Promise<{ results: (IngestResult & { file: string })[] }> {
    requireInbox(actor, 'write');
    const results: (IngestResult & { file: string })[] = [];
    for (const f of files) {
      const raw = decodeUpload(f);
      const r =
        typeof raw === 'string'
          ? { outcome: 'rejected' as const, mailId: null, jobId: null, runId: null, error: raw }
          : await this.ingest(raw, { importSource: 'upload' });
      results.push({ file: f.name, ...r });
    }
    const count = (o: IngestResult['outcome']) => results.filter((r) => r.outcome === o).length;
    await audit(this.deps, actor, {
      action: 'import',
      entity: 'mail',
      entityId: null,
      customerId: null,
      after: {
        files: results.length,
        linked: count('linked'),
        inbox: count('inbox'),
        duplicate: count('duplicate'),
        rejected: count('rejected'),
        mailIds: results.map((r) => r.mailId).filter((id) => id !== null),
      },
    });
    return { results };
  }

  /** `POST /api/mail/parse`: what the parsers make of each file; nothing is stored. */
  async parseFiles(actor: Actor, files: UploadedFile[]): Promise<{ results: ParseResult[] }> {
    requireAccess(actor, 'read', undefined, 'mail');
    const results: ParseResult[] = [];
    for (const f of files) {
      const raw = decodeUpload(f);
      if (typeof raw === 'string') {
        results.push(parseResultOf(f.name, null, raw));
        continue;
      }
      const parsed = await parseRaw(raw, { maxBytes: this.maxBytes });
      results.push(parseResultOf(f.name, parsed.report, parsed.mail ? null : (parsed.error ?? 'unreadable message')));
    }
    return { results };
  }

  /**
   * Stores, parses and matches one message. Never throws: whatever goes wrong is an outcome
   * with a reason, so an importer can carry on with the next message.
   */
  async ingest(raw: Buffer, source: IngestSource): Promise<IngestResult> {
    try {
      return await this.ingestOne(raw, source);
    } catch (err) {
      return { outcome: 'rejected', mailId: null, jobId: null, runId: null, error: describe(err) };
    }
  }

  /**
   * A message the mailbox reports as over the size limit: stored as an unparsed placeholder
   * (no body) so it shows in the Inbox with the reason instead of vanishing.
   */
  async ingestTooLarge(meta: TooLargeMeta): Promise<IngestResult> {
    try {
      const now = this.deps.clock();
      const reason = `message is ${meta.size} bytes, over the limit of ${this.maxBytes} bytes; it was not downloaded`;
      const messageId = clean(meta.messageId, 500);
      // Without the bytes the identity is what the mailbox said about the message.
      const contentHash = `too-large:${sha256(JSON.stringify([meta.importSource, meta.size, meta.receivedAt ?? null, messageId, meta.subject ?? '']))}`;
      return await this.store({
        raw: Buffer.alloc(0),
        messageId,
        contentHash,
        size: meta.size,
        mail: null,
        from: normaliseSender(clean(meta.from, 320)),
        to: clean(meta.to),
        subject: clean(meta.subject, 998),
        receivedAt: meta.receivedAt ?? now,
        importSource: meta.importSource,
        report: null,
        error: reason,
      });
    } catch (err) {
      return { outcome: 'rejected', mailId: null, jobId: null, runId: null, error: describe(err) };
    }
  }

  private async ingestOne(raw: Buffer, source: IngestSource): Promise<IngestResult> {
    const rejected = (error: string): IngestResult => ({
      outcome: 'rejected',
      mailId: null,
      jobId: null,
      runId: null,
      error,
    });
    if (!Buffer.isBuffer(raw) || raw.length === 0) return rejected('the message is empty');
    if (raw.length > this.maxBytes) {
      // An upload can simply be refused; a mailbox message would be fetched again and again,
      // so it is kept as a placeholder that says why it was not parsed.
      if (source.importSource === 'upload')
        return rejected(`message is ${raw.length} bytes, over the limit of ${this.maxBytes} bytes`);
      return this.ingestTooLarge({
        importSource: source.importSource,
        size: raw.length,
        receivedAt: source.receivedAt ?? null,
      });
    }
    const parsed = await parseRaw(raw, { maxBytes: this.maxBytes }).catch((err: unknown) => ({
      mail: null,
      report: null,
      parser: null,
      error: `unreadable message: ${describe(err)}`,
    }));
    let identity: { messageId: string; contentHash: string };
    try {
      identity = parsed.mail ? messageIdentity(raw, parsed.mail) : { messageId: '', contentHash: sha256(raw) };
    } catch {
      identity = { messageId: '', contentHash: sha256(raw) };
    }
    const mail = parsed.mail;
    return this.store({
      raw,
      // Bounded: PostgreSQL refuses index entries over ~2.7 KB; the content hash keeps identities apart.
      messageId: clean(identity.messageId, 500),
      contentHash: identity.contentHash,
      size: raw.length,
      mail,
      from: normaliseSender(clean(mail?.from, 320)),
      to: clean(mail?.to),
      subject: clean(mail?.subject, 998),
      receivedAt: finite(source.receivedAt) ?? finite(mail?.date) ?? this.deps.clock(),
      importSource: source.importSource,
      report: parsed.report,
      error: parsed.report ? null : (parsed.error ?? (mail ? null : 'the file is not a readable e-mail message')),
    });
  }

  private async store(m: {
    raw: Buffer;
    messageId: string;
    contentHash: string;
    size: number;
    mail: MailInput | null;
    from: string;
    to: string;
    subject: string;
    receivedAt: number;
    importSource: string;
    report: ParsedReport | null;
    error: string | null;
  }): Promise<IngestResult> {
    const repos = this.deps.repos;
    const duplicate = (row: Pick<MailMeta, 'id' | 'job_id' | 'run_id'>): IngestResult => ({
      outcome: 'duplicate',
      mailId: row.id,
      jobId: row.job_id,
      runId: row.run_id,
      error: null,
    });
    const now = this.deps.clock();
    const cols = parseColumns(m.report, m.error, now);
    let r: { id: number | null; link: { run: RunRow; job: JobRow } | null };
    try {
      r = await repos.transaction(async (tx) => {
        const id = await tx.mail.insertIfNew({
          message_id: m.messageId,
          content_hash: m.contentHash,
          raw: m.raw,
          size: m.size,
          from_address: m.from,
          to_address: m.to,
          subject: m.subject,
          received_at: m.receivedAt,
          imported_at: now,
          import_source: m.importSource,
          ...cols,
          body_text: cleanBody(m.mail?.text),
          body_html: m.mail?.html != null ? cleanBody(m.mail.html) : null,
          job_id: null,
          run_id: null,
          customer_id: null,
          deleted_at: null,
          deleted_by: null,
        });
        if (id === null) return { id, link: null };
        const job = await this.matchingJob(tx, { from: m.from, ...cols });
        const link = job ? await this.linkInTx(tx, { id, received_at: m.receivedAt, ...cols }, job) : null;
        return { id, link };
      });
    } catch (err) {
      // ON CONFLICT covers duplicates; a unique violation can still surface from a driver or an
      // older SQLite, and means the same thing.
      if (!isUniqueViolation(err)) throw err;
      r = { id: null, link: null };
    }
    if (r.id === null) {
      const row = await repos.mail.idByIdentity(m.messageId, m.contentHash);
      if (!row) throw new Error('the message was stored and removed again meanwhile; import it again');
      return duplicate(row);
    }
    const mailId = r.id;
    const linked = r.link;
    if (linked) await this.afterRuns([linked]);
    return {
      outcome: linked ? 'linked' : 'inbox',
      mailId,
      jobId: linked?.job.id ?? null,
      runId: linked?.run.id ?? null,
      error: linked ? null : cols.parse_error,
    };
  }

  /**
   * The monitored e-mail job a parsed message belongs to: same sender, software and job name
   * (trimmed, case-insensitive), and the same type when the parser reports one. Several
   * matches: the oldest job wins. Archived jobs count (their reports stay out of the Inbox).
   */
  async matchingJob(
    repos: Repositories,
    m: {
      from: string;
      parser: string | null;
      software: string | null;
      job_name: string | null;
      backup_type: string | null;
    },
  ): Promise<JobRow | undefined> {
    if (!m.parser || !m.software || m.job_name == null || !m.from) return undefined;
    const jobs = await repos.mail.matchingJobs({
      sender: normaliseSender(m.from),
      software: m.software,
      jobName: normaliseJobName(m.job_name),
      type: m.backup_type,
    });
    return jobs[0];
  }

  /**
   * Records a parsed message as a finished run of `job` and links the message to it. Must run
   * inside a transaction (`tx`); throws LinkLostError when the message was linked or deleted
   * meanwhile (the transaction then rolls back).
   */
  async linkInTx(
    tx: Repositories,
    mail: Pick<MailMeta, 'id' | 'received_at' | 'status' | 'started_at' | 'ended_at' | 'objects' | 'details'>,
    job: JobRow,
  ): Promise<{ run: RunRow; job: JobRow }> {
    const status = mail.status ?? 'failed';
    const objects = JSON.parse(mail.objects) as ReportObject[];
    const details = mail.details ? (JSON.parse(mail.details) as Record<string, unknown>) : {};
    let error: string | null = null;
    if (status !== 'success') {
      const firstBad = objects.find((o) => o.status && o.status !== 'success' && o.message);
      const text =
        typeof details.message === 'string' && details.message ? details.message : (firstBad?.message ?? null);
      error = text === null ? null : noNul(text);
    }
    const started = mail.started_at ?? mail.received_at;
    const finished = Math.max(mail.ended_at ?? mail.received_at, started);
    const run = await tx.runs.insert({
      job_id: job.id,
      customer_id: job.customer_id,
      operation: 'report',
      status,
      trigger: 'email',
      params: '{}',
      scheduled_for: null,
      queued_at: started,
      started_at: started,
      finished_at: finished,
      step: null,
      steps: '[]',
      bytes_read: 0,
      bytes_written: 0,
      error,
      node_id: null,
      heartbeat_at: null,
      cancel_requested_at: null,
      requested_by: null,
      objects: mail.objects,
      mail_id: mail.id,
    });
    // Somebody linked or deleted the message first: throwing rolls this run back, theirs stays.
    if (!(await tx.mail.link(mail.id, { jobId: job.id, runId: run.id, customerId: job.customer_id })))
      throw new LinkLostError(mail.id);
    return { run, job };
  }

  /** After the transaction: overrides, live views, notifications. Failures here never undo the run. */
  async afterRuns(linked: { run: RunRow; job: JobRow }[]): Promise<void> {
    if (!linked.length) return;
    const now = this.deps.clock();
    // Overrides only ever turn warnings and failures into successes, so only those are checked.
    // A failing evaluation leaves the run as reported; `POST /api/overrides/apply` redoes it.
    const candidates = linked.filter((l) => l.run.status === 'warning' || l.run.status === 'failed');
    if (candidates.length)
      await applyOverridesToRuns(
        this.deps.repos,
        candidates.map((l) => l.run.id),
        now,
      ).catch(() => undefined);
    for (const { run, job } of linked) {
      // Notifications follow the effective status: a failure an override accepts is not news.
      const fresh = candidates.some((c) => c.run.id === run.id)
        ? ((await this.deps.repos.runs.get(run.id)) ?? run)
        : run;
      this.opts.events.emit('status', { runId: run.id, status: run.status });
      this.opts.onReportRun?.(fresh, job);
    }
  }
}
