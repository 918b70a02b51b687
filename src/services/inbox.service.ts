import type { ReportObject } from '../core/mail-report.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import type { MailMeta } from '../db/repositories/mail.repository.js';
import type { JobRow, RunRow } from '../db/schema.js';
import { parseRaw } from '../adapters/mail-parsers/registry.js';
import { canSeeCustomer, customerScope, requireAccess, type Actor } from './access.js';
import type { JobService } from './job.service.js';
import { sanitizeMailHtml } from './mail-html.js';
import { LinkLostError, normaliseJobName, parseColumns, requireInbox, type MailService } from './mail.service.js';
import { runDto } from './run.service.js';
import { audit, type ServiceDeps } from './service-deps.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const STATUS_WORDS =
  /\b(?:success(?:ful(?:ly)?)?|succeeded|warnings?|failed|failures?|errors?|ok|completed|complete|partial(?:ly)?|skipped|critical)\b/gi;

/**
 * A monitored job remembers the subject of its first report with the parts that change from
 * one report to the next replaced by `*`: status words and tags ("[Success]", "failed"), dates,
 * times and standalone numbers (object counts). Words glued to digits ("SQL01") stay. It is
 * shown to people and exported; matching uses sender, software and job name, never the subject.
 */
export function subjectPattern(subject: string): string {
  return subject
    .replace(/\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?Z?)?/g, '*')
    .replace(/\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b/g, '*')
    .replace(/\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?\b/g, '*')
    .replace(STATUS_WORDS, '*')
    .replace(/(?<![\w.])\d+(?:[.,]\d+)?(?![\w])/g, '*')
    .replace(/\*(?:[\s,./:-]*\*)+/g, '*')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A job name people can use in URLs and the CLI (no slashes or control characters, ≤ 200). */
function jobNameFrom(parsed: string, fallback: string): string {
  const cleaned = parsed
    .replace(/[\u0000-\u001f]/g, ' ')
    .replace(/[/\\]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 190);
  return cleaned || fallback;
}

export function inboxItemDto(m: MailMeta) {
  return {
    id: m.id,
    from: m.from_address,
    subject: m.subject,
    receivedAt: iso(m.received_at),
    software: m.software,
    type: m.backup_type,
    jobName: m.job_name,
    status: m.status,
    parsed: m.parser !== null && m.parse_error === null,
    parser: m.parser,
    parseError: m.parse_error,
    deleted: m.deleted_at !== null,
    archivedJobId: null as number | null,
  };
}
export type InboxItem = ReturnType<typeof inboxItemDto>;

export interface InboxQuery {
  page?: number | undefined;
  pageSize?: number | undefined;
  q?: string | undefined;
  deleted?: boolean | undefined;
}

/**
 * The Inbox: report e-mails no monitored job claims yet. Approving one creates the job (for the
 * chosen customer) from what the parser found; from then on that product's reports for that
 * job become runs on arrival. Re-parse, soft delete and restore complete the workflow.
 */
export class InboxService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly s: { mail: MailService; jobs: JobService },
  ) {}

  async list(actor: Actor, q: InboxQuery) {
    requireInbox(actor, q.deleted ? 'admin' : 'read');
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 50;
    if (!Number.isInteger(page) || page < 1) throw new ValidationError('page: must be a whole number from 1');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500)
      throw new ValidationError('pageSize: must be between 1 and 500');
    const { items, total } = await this.deps.repos.mail.inbox({
      q: q.q?.trim() || undefined,
      deleted: q.deleted ?? false,
      page,
      pageSize,
    });
    return { items: items.map(inboxItemDto), total, page, pageSize };
  }

  /**
   * A message the caller may see: Inbox messages (linked to nobody) need access to every
   * customer; a linked message follows its job's customer. Others are "not found" — checked
   * before the role, so a refusal never tells a customer-scoped user that a message exists.
   */
  private async visible(actor: Actor, id: number): Promise<MailMeta> {
    const m = Number.isSafeInteger(id) ? await this.deps.repos.mail.get(id) : undefined;
    const ok = m && (m.customer_id === null ? actor.allCustomers : canSeeCustomer(actor, m.customer_id));
    if (!m || !ok) throw new NotFoundError(`message ${id} not found`);
    requireAccess(actor, 'read', m.customer_id, 'message');
    return m;
  }

  async get(actor: Actor, id: number) {
    const m = await this.visible(actor, id);
    const job = m.job_id !== null ? await this.deps.repos.jobs.get(m.job_id) : undefined;
    return {
      ...inboxItemDto(m),
      archivedJobId: job && job.archived_at !== null ? job.id : null,
      to: m.to_address,
      objects: JSON.parse(m.objects) as ReportObject[],
      details: m.details ? (JSON.parse(m.details) as Record<string, string | number>) : null,
      startedAt: iso(m.started_at),
      endedAt: iso(m.ended_at),
      bodyHtml: sanitizeMailHtml(m.body_html),
      bodyText: m.body_text,
      jobId: m.job_id,
      runId: m.run_id,
      customerId: m.customer_id,
      importSource: m.import_source,
      importedAt: iso(m.imported_at),
      size: m.size,
    };
  }

  async eml(actor: Actor, id: number): Promise<{ filename: string; raw: Buffer }> {
    const m = await this.visible(actor, id);
    const raw = (await this.deps.repos.mail.raw(m.id)) ?? Buffer.alloc(0);
    return { filename: `${m.id}.eml`, raw };
  }

  async approve(actor: Actor, id: number, customerId: number) {
    const m = await this.visible(actor, id);
    requireInbox(actor, 'write');
    const repos = this.deps.repos;
    if (m.deleted_at !== null) throw new ConflictError(`message ${id} is deleted; restore it first`);
    if (m.job_id !== null) throw new ConflictError(`message ${id} is already linked to job ${m.job_id}`);
    if (m.parser === null || m.parse_error !== null || m.job_name === null || m.software === null)
      throw new ConflictError(`message ${id} was not parsed (${m.parse_error ?? 'no report'}); it cannot be approved`);
    const customer = await repos.customers.get(customerId);
    if (!customer || !canSeeCustomer(actor, customer.id)) throw new NotFoundError(`customer ${customerId} not found`);
    requireAccess(actor, 'write', customer.id, 'job');
    if (customer.active !== 1) throw new ValidationError(`customer '${customer.name}' is inactive`);

    // A job that already claims this report (approved meanwhile, or the message arrived before
    // it existed): link to it rather than create a twin that would never receive anything.
    const existing = await this.s.mail.matchingJob(repos, { from: m.from_address, ...m });
    if (existing && existing.customer_id !== customer.id)
      throw new ConflictError(
        `reports of this job already belong to job '${existing.name}' (#${existing.id}) of another customer`,
      );

    const now = this.deps.clock();
    let created = false;
    const first = await (async () => {
      try {
        return await repos.transaction(async (tx) => {
          let job = existing;
          if (!job) {
            const base = jobNameFrom(m.job_name!, `${m.software} report`);
            let name = base;
            for (let i = 2; (await tx.jobs.byName(name, null, customer.id)).length; i++) name = `${base} (${i})`;
            job = await tx.jobs.insert({
              customer_id: customer.id,
              kind: 'monitored',
              name,
              description: '',
              enabled: 1,
              archived_at: null,
              deleted_at: null,
              // Learned from the reports later (issue 5); until then the job fires nothing itself.
              schedule: JSON.stringify({ type: 'manual' }),
              next_fire_at: null,
              config: JSON.stringify({ feed: 'email', subjectPattern: subjectPattern(m.subject), jobName: m.job_name }),
              created_at: now,
              updated_at: now,
              software: m.software,
              backup_type: m.backup_type,
              match_sender: m.from_address,
              match_job_name: normaliseJobName(m.job_name!),
              ping_token: null,
            });
            created = true;
          }
          return this.s.mail.linkInTx(tx, m, job);
        });
      } catch (err) {
        if (err instanceof LinkLostError)
          throw new ConflictError(`message ${id} was linked or deleted by somebody else meanwhile`);
        throw err;
      }
    })();
    const job = first.job;
    const more = await this.linkMatching(job, (c) => c.id !== m.id);
    await this.s.mail.afterRuns([first, ...more]);
    if (created) {
      const dto = await this.s.jobs.dto(job);
      await audit(this.deps, actor, {
        action: 'create',
        entity: 'job',
        entityId: job.id,
        customerId: job.customer_id,
        after: dto,
      });
    }
    await audit(this.deps, actor, {
      action: 'approve',
      entity: 'mail',
      entityId: m.id,
      customerId: job.customer_id,
      after: { jobId: job.id, runId: first.run.id, linked: 1 + more.length, created },
    });
    const run = await repos.runs.get(first.run.id);
    return {
      job: await this.s.jobs.dto((await repos.jobs.get(job.id)) ?? job),
      run: runDto(run!),
      linked: 1 + more.length,
    };
  }

  /** Links every Inbox message that now belongs to `job` (each in its own transaction). */
  private async linkMatching(job: JobRow, keep: (m: MailMeta) => boolean) {
    const repos = this.deps.repos;
    const linked: { run: RunRow; job: JobRow }[] = [];
    for (const c of await repos.mail.inboxByJobName(job.match_job_name ?? '')) {
      if (!keep(c)) continue;
      const owner = await this.s.mail.matchingJob(repos, { from: c.from_address, ...c });
      if (owner?.id !== job.id) continue;
      try {
        linked.push(await repos.transaction((tx) => this.s.mail.linkInTx(tx, c, job)));
      } catch (err) {
        if (!(err instanceof LinkLostError)) throw err;
      }
    }
    return linked;
  }

  /** Runs the parsers again over every Inbox message and links those that now match a job. */
  async reparse(actor: Actor): Promise<{ reparsed: number; linked: number }> {
    requireInbox(actor, 'write');
    const repos = this.deps.repos;
    let reparsed = 0;
    const linked: { run: RunRow; job: JobRow }[] = [];
    for (const id of await repos.mail.inboxIds()) {
      const raw = await repos.mail.raw(id);
      // Placeholders of messages too large to download have nothing to parse.
      if (!raw || raw.length === 0) continue;
      const parsed = await parseRaw(raw, { maxBytes: this.s.mail.maxBytes });
      const cols = parseColumns(parsed.report, parsed.error, this.deps.clock());
      await repos.mail.updateParse(id, cols);
      reparsed++;
      const m = await repos.mail.get(id);
      if (!m || m.job_id !== null || m.deleted_at !== null) continue;
      const job = await this.s.mail.matchingJob(repos, { from: m.from_address, ...m });
      if (!job) continue;
      try {
        linked.push(await repos.transaction((tx) => this.s.mail.linkInTx(tx, m, job)));
      } catch (err) {
        if (!(err instanceof LinkLostError)) throw err;
      }
    }
    await this.s.mail.afterRuns(linked);
    await audit(this.deps, actor, {
      action: 'reparse',
      entity: 'mail',
      entityId: null,
      customerId: null,
      after: { reparsed, linked: linked.length },
    });
    return { reparsed, linked: linked.length };
  }

  /** Soft delete of an Inbox message (idempotent). Linked messages go with their job. */
  async delete(actor: Actor, id: number): Promise<void> {
    const m = await this.visible(actor, id);
    requireInbox(actor, 'write');
    if (m.job_id !== null)
      throw new ConflictError(`message ${id} is a run of job ${m.job_id}; delete or archive the job instead`);
    if (m.deleted_at !== null) return;
    await this.deps.repos.mail.setDeleted(id, this.deps.clock(), actor.userId);
    await audit(this.deps, actor, {
      action: 'delete',
      entity: 'mail',
      entityId: id,
      customerId: null,
      before: inboxItemDto(m),
    });
  }

  async restore(actor: Actor, id: number) {
    const m = await this.visible(actor, id);
    requireInbox(actor, 'admin');
    if (m.deleted_at !== null) {
      await this.deps.repos.mail.setDeleted(id, null, null);
      await audit(this.deps, actor, { action: 'restore', entity: 'mail', entityId: id, customerId: null });
    }
    return inboxItemDto((await this.deps.repos.mail.get(id))!);
  }

  /** Active customers for the approve dialog's autocomplete. */
  async searchCustomers(actor: Actor, q: string) {
    requireAccess(actor, 'read', undefined, 'customers');
    return { items: await this.deps.repos.mail.searchCustomers(q.trim(), 20, customerScope(actor)) };
  }
}
