import { randomBytes } from 'node:crypto';
import { ValidationError } from '../core/errors.js';
import type { CustomerRow, JobRow } from '../db/schema.js';
import { canSeeCustomer, customerScope, requireAccess, type Actor } from './access.js';
import type { MonitoredJobEntry } from '../core/api-types.js';
import { normaliseJobName, normaliseSender } from './mail.service.js';
import { checkName } from './resource.service.js';
import { audit, type ServiceDeps } from './service-deps.js';

export const MONITORED_EXPORT_FORMAT = 'keepwatch-monitored-jobs/1';

export interface MonitoredJobDocument {
  format: string;
  jobs: MonitoredJobEntry[];
}

function entryOf(job: JobRow, customer: string): MonitoredJobEntry {
  const config = JSON.parse(job.config) as { feed?: string; subjectPattern?: string; jobName?: string };
  return {
    customer,
    name: job.name,
    feed: config.feed === 'heartbeat' ? 'heartbeat' : 'email',
    software: job.software,
    type: job.backup_type,
    sender: job.match_sender,
    jobName: config.jobName ?? job.match_job_name,
    subjectPattern: config.subjectPattern ?? null,
    archived: job.archived_at !== null,
  };
}

const optString = (v: unknown): v is string | null | undefined =>
  v === undefined || v === null || typeof v === 'string';

/**
 * Export and import of monitored jobs (what an approval creates), to move a setup to another
 * installation or keep it in version control. Import is all or nothing and idempotent: a job
 * that already exists with the same name and the same matching criteria counts as unchanged.
 */
export class MonitoredJobService {
  constructor(private readonly deps: ServiceDeps) {}

  async export(actor: Actor, customerId?: number): Promise<MonitoredJobDocument> {
    requireAccess(actor, 'read', customerId, 'monitored jobs');
    const repos = this.deps.repos;
    const scope = customerId !== undefined ? [customerId] : customerScope(actor);
    const customers = new Map((await repos.customers.list(null)).map((c) => [c.id, c.name]));
    const jobs = (await repos.mail.monitoredJobs(scope)).filter((j) => canSeeCustomer(actor, j.customer_id));
    return { format: MONITORED_EXPORT_FORMAT, jobs: jobs.map((j) => entryOf(j, customers.get(j.customer_id) ?? '?')) };
  }

  async import(
    actor: Actor,
    doc: unknown,
  ): Promise<{ created: number; unchanged: number; errors: { index: number; message: string }[] }> {
    requireAccess(actor, 'write', undefined, 'monitored jobs');
    const d = doc as Partial<MonitoredJobDocument> | null;
    if (!d || typeof d !== 'object' || d.format !== MONITORED_EXPORT_FORMAT || !Array.isArray(d.jobs))
      throw new ValidationError(`the document must be {format: '${MONITORED_EXPORT_FORMAT}', jobs: [...]}`);
    const repos = this.deps.repos;
    const errors: { index: number; message: string }[] = [];
    const customers = await repos.customers.list(customerScope(actor));
    const byName = new Map<string, CustomerRow>(customers.map((c) => [c.name.toLowerCase(), c]));
    const plan: { entry: MonitoredJobEntry; customer: CustomerRow; name: string }[] = [];
    let unchanged = 0;
    const seen = new Set<string>();

    for (const [index, raw] of d.jobs.entries()) {
      const fail = (message: string) => errors.push({ index, message });
      const e = raw as Partial<MonitoredJobEntry> | null;
      if (!e || typeof e !== 'object') {
        fail('must be an object');
        continue;
      }
      const feed = e.feed ?? 'email';
      if (feed !== 'email' && feed !== 'heartbeat') {
        fail(`feed must be 'email' or 'heartbeat'`);
        continue;
      }
      if (typeof e.customer !== 'string' || !e.customer) {
        fail('customer (the customer name) is required');
        continue;
      }
      if (![e.software, e.type, e.sender, e.jobName, e.subjectPattern].every(optString)) {
        fail('software, type, sender, jobName and subjectPattern must be strings or null');
        continue;
      }
      const customer = byName.get(e.customer.toLowerCase());
      if (!customer) {
        fail(`customer '${e.customer}' not found`);
        continue;
      }
      if (!canSeeCustomer(actor, customer.id)) {
        fail(`customer '${e.customer}' not found`);
        continue;
      }
      let name: string;
      try {
        name = checkName(e.name, 'job');
      } catch (err) {
        fail((err as Error).message);
        continue;
      }
      if (feed === 'email' && (!e.software || !e.sender || !e.jobName)) {
        fail('an e-mail job needs software, sender and jobName');
        continue;
      }
      const key = `${customer.id}\n${name}`;
      if (seen.has(key)) {
        fail(`job '${name}' of customer '${customer.name}' is listed twice`);
        continue;
      }
      seen.add(key);
      const entry: MonitoredJobEntry = {
        customer: customer.name,
        name,
        feed,
        software: e.software ?? null,
        type: e.type ?? null,
        sender: e.sender ? normaliseSender(e.sender) : null,
        jobName: e.jobName?.trim() ?? null,
        subjectPattern: e.subjectPattern ?? null,
        archived: e.archived === true,
      };
      const existing = (await repos.jobs.byName(name, null, customer.id))[0];
      if (existing) {
        const same =
          existing.kind === 'monitored' &&
          (JSON.parse(existing.config) as { feed?: string }).feed === feed &&
          existing.software === entry.software &&
          existing.backup_type === entry.type &&
          existing.match_sender === entry.sender &&
          existing.match_job_name === (entry.jobName === null ? null : normaliseJobName(entry.jobName));
        if (same) unchanged++;
        else fail(`job '${name}' already exists for customer '${customer.name}' with other settings`);
        continue;
      }
      requireAccess(actor, 'write', customer.id, 'job');
      plan.push({ entry, customer, name });
    }
    if (errors.length) return { created: 0, unchanged: 0, errors };

    const now = this.deps.clock();
    const created = await repos.transaction(async (tx) => {
      const rows: JobRow[] = [];
      for (const { entry, customer, name } of plan)
        rows.push(
          await tx.jobs.insert({
            customer_id: customer.id,
            kind: 'monitored',
            name,
            description: '',
            enabled: 1,
            archived_at: entry.archived ? now : null,
            deleted_at: null,
            schedule: JSON.stringify({ type: 'manual' }),
            next_fire_at: null,
            config: JSON.stringify(
              entry.feed === 'email'
                ? { feed: 'email', subjectPattern: entry.subjectPattern, jobName: entry.jobName }
                : { feed: 'heartbeat' },
            ),
            created_at: now,
            updated_at: now,
            software: entry.software,
            backup_type: entry.type,
            match_sender: entry.feed === 'email' ? entry.sender : null,
            match_job_name: entry.feed === 'email' && entry.jobName ? normaliseJobName(entry.jobName) : null,
            // A ping URL is a secret of one installation: an imported heartbeat job gets a new one.
            ping_token: entry.feed === 'heartbeat' ? randomBytes(24).toString('base64url') : null,
          }),
        );
      return rows;
    });
    for (const job of created)
      await audit(this.deps, actor, {
        action: 'import',
        entity: 'job',
        entityId: job.id,
        customerId: job.customer_id,
        after: entryOf(job, plan.find((p) => p.name === job.name && p.customer.id === job.customer_id)!.customer.name),
      });
    return { created: created.length, unchanged, errors: [] };
  }
}
