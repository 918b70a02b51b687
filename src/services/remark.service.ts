import { NotFoundError, ValidationError } from '../core/errors.js';
import type { RemarkWithUser } from '../db/repositories/remark.repository.js';
import type { JobRow } from '../db/schema.js';
import { canSeeCustomer, customerScope, requireAccess, type Actor } from './access.js';
import { remarkDto } from './review.dto.js';
import { audit, type ServiceDeps } from './service-deps.js';

/** A date field: ISO text, or null where clearing is allowed; undefined = not given. */
export function parseDate(v: unknown, field: string): number | null | undefined {
  if (v === undefined) return undefined;
  if (v === null || v === '') return null;
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) throw new ValidationError(`${field}: '${String(v)}' is not a date`);
  return t;
}

export function requiredText(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || !v.trim()) throw new ValidationError(`${field}: must not be empty`);
  if (v.length > max) throw new ValidationError(`${field}: at most ${max} characters`);
  return v.trim();
}

export interface RemarkInput {
  jobId?: number | undefined;
  runId?: number | null | undefined;
  text?: string | undefined;
  startDate?: string | null | undefined;
  resolvedAt?: string | null | undefined;
}

/** Remarks: notes on a job (optionally about one run); open until resolved. They never review anything. */
export class RemarkService {
  constructor(private readonly deps: ServiceDeps) {}

  private async visibleJob(actor: Actor, jobId: number): Promise<JobRow> {
    const job = await this.deps.repos.jobs.get(jobId);
    if (!job || !canSeeCustomer(actor, job.customer_id)) throw new NotFoundError(`jobId: job ${jobId} not found`);
    return job;
  }

  private async find(actor: Actor, id: number): Promise<RemarkWithUser> {
    const row = await this.deps.repos.remarks.get(id);
    if (!row || !canSeeCustomer(actor, row.customer_id)) throw new NotFoundError(`remark ${id} not found`);
    return row;
  }

  async list(actor: Actor, q: { jobId?: number | undefined; open?: boolean | undefined }) {
    requireAccess(actor, 'read', undefined, 'remarks');
    if (q.jobId !== undefined) await this.visibleJob(actor, q.jobId);
    const rows = await this.deps.repos.remarks.list({ scope: customerScope(actor), jobId: q.jobId, open: q.open });
    return { items: rows.map(remarkDto), total: rows.length };
  }

  async get(actor: Actor, id: number) {
    const row = await this.find(actor, id);
    requireAccess(actor, 'read', row.customer_id, 'remark');
    return remarkDto(row);
  }

  async create(actor: Actor, input: RemarkInput) {
    if (input.jobId === undefined) throw new ValidationError('jobId: is required');
    const job = await this.visibleJob(actor, input.jobId);
    requireAccess(actor, 'write', job.customer_id, 'remark');
    const text = requiredText(input.text, 'text', 10_000);
    const runId = input.runId ?? null;
    if (runId !== null) {
      const run = await this.deps.repos.runs.get(runId);
      if (!run || run.job_id !== job.id) throw new ValidationError(`runId: run ${runId} is not a run of job ${job.id}`);
    }
    const now = this.deps.clock();
    const id = await this.deps.repos.remarks.insert({
      customer_id: job.customer_id,
      job_id: job.id,
      run_id: runId,
      text,
      start_date: parseDate(input.startDate, 'startDate') ?? now,
      resolved_at: null,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    });
    const dto = await this.get(actor, id);
    await audit(this.deps, actor, {
      action: 'create',
      entity: 'remark',
      entityId: id,
      customerId: job.customer_id,
      after: dto,
    });
    return dto;
  }

  async update(actor: Actor, id: number, input: RemarkInput) {
    const row = await this.find(actor, id);
    requireAccess(actor, 'write', row.customer_id, 'remark');
    const before = remarkDto(row);
    const startDate = parseDate(input.startDate, 'startDate');
    if (startDate === null) throw new ValidationError('startDate: cannot be cleared');
    const resolvedAt = parseDate(input.resolvedAt, 'resolvedAt');
    await this.deps.repos.remarks.update(id, {
      ...(input.text !== undefined ? { text: requiredText(input.text, 'text', 10_000) } : {}),
      ...(startDate !== undefined ? { start_date: startDate } : {}),
      ...(resolvedAt !== undefined ? { resolved_at: resolvedAt } : {}),
      updated_at: this.deps.clock(),
    });
    const after = await this.get(actor, id);
    await audit(this.deps, actor, {
      action: 'update',
      entity: 'remark',
      entityId: id,
      customerId: row.customer_id,
      before,
      after,
    });
    return after;
  }

  async delete(actor: Actor, id: number): Promise<void> {
    const row = await this.find(actor, id);
    requireAccess(actor, 'write', row.customer_id, 'remark');
    await this.deps.repos.remarks.delete(id);
    await audit(this.deps, actor, {
      action: 'delete',
      entity: 'remark',
      entityId: id,
      customerId: row.customer_id,
      before: remarkDto(row),
    });
  }
}
