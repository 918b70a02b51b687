import { NotFoundError, ValidationError } from '../core/errors.js';
import type { NewTicketScope, TicketWithScopes } from '../db/repositories/ticket.repository.js';
import { canSeeCustomer, customerScope, requireAccess, type Actor } from './access.js';
import { parseDate, requiredText } from './remark.service.js';
import { ticketDto } from './review.dto.js';
import { audit, type ServiceDeps } from './service-deps.js';

export interface TicketScopeInput {
  kind?: string;
  jobId?: number | undefined;
  customerId?: number | undefined;
  objectName?: string | undefined;
}

export interface TicketInput {
  code?: string | undefined;
  description?: string | undefined;
  activeFrom?: string | null | undefined;
  startDate?: string | null | undefined;
  resolvedAt?: string | null | undefined;
  runId?: number | null | undefined;
  scopes?: TicketScopeInput[] | undefined;
}

/**
 * Tickets: an external reference (PSA ticket number) about jobs, objects or whole customers.
 * A ticket belongs to the customers of its scopes: it is visible, and changeable, only by
 * someone who sees every one of them.
 */
export class TicketService {
  constructor(private readonly deps: ServiceDeps) {}

  private async find(actor: Actor, id: number): Promise<TicketWithScopes> {
    const t = await this.deps.repos.tickets.get(id);
    if (!t || !t.scopes.every((s) => canSeeCustomer(actor, s.customer_id)))
      throw new NotFoundError(`ticket ${id} not found`);
    return t;
  }

  private requireWrite(actor: Actor, scopes: readonly { customer_id: number }[]) {
    requireAccess(actor, 'write', undefined, 'ticket');
    for (const s of scopes) requireAccess(actor, 'write', s.customer_id, 'ticket');
  }

  async list(
    actor: Actor,
    q: { open?: boolean | undefined; jobId?: number | undefined; customerId?: number | undefined },
  ) {
    requireAccess(actor, 'read', q.customerId, 'tickets');
    let job: { id: number; customer_id: number } | undefined;
    if (q.jobId !== undefined) {
      const row = await this.deps.repos.jobs.get(q.jobId);
      if (!row || !canSeeCustomer(actor, row.customer_id)) throw new NotFoundError(`jobId: job ${q.jobId} not found`);
      job = row;
    }
    const rows = await this.deps.repos.tickets.list({
      scope: customerScope(actor),
      open: q.open,
      job,
      customerId: q.customerId,
    });
    return { items: rows.map(ticketDto), total: rows.length };
  }

  async get(actor: Actor, id: number) {
    const t = await this.find(actor, id);
    requireAccess(actor, 'read', undefined, 'ticket');
    return ticketDto(t);
  }

  /** Scopes as stored: each with its customer, checked to exist and to be visible. */
  private async resolveScopes(actor: Actor, scopes: TicketScopeInput[]): Promise<NewTicketScope[]> {
    if (!Array.isArray(scopes)) throw new ValidationError('scopes: must be a list');
    if (scopes.length > 500) throw new ValidationError('scopes: at most 500');
    const out: NewTicketScope[] = [];
    for (const [i, s] of scopes.entries()) {
      const field = `scopes[${i}]`;
      if (s.kind === 'customer') {
        if (s.customerId === undefined) throw new ValidationError(`${field}.customerId: is required`);
        const c = await this.deps.repos.customers.get(s.customerId);
        if (!c || !canSeeCustomer(actor, c.id))
          throw new NotFoundError(`${field}.customerId: customer ${s.customerId} not found`);
        out.push({ kind: 'customer', customer_id: c.id, job_id: null, object_name: null });
      } else if (s.kind === 'job' || s.kind === 'object') {
        if (s.jobId === undefined) throw new ValidationError(`${field}.jobId: is required`);
        const job = await this.deps.repos.jobs.get(s.jobId);
        if (!job || !canSeeCustomer(actor, job.customer_id))
          throw new NotFoundError(`${field}.jobId: job ${s.jobId} not found`);
        const objectName = s.kind === 'object' ? requiredText(s.objectName, `${field}.objectName`, 500) : null;
        out.push({ kind: s.kind, customer_id: job.customer_id, job_id: job.id, object_name: objectName });
      } else {
        throw new ValidationError(`${field}.kind: '${String(s.kind)}' must be job, customer or object`);
      }
    }
    return out;
  }

  async create(actor: Actor, input: TicketInput) {
    requireAccess(actor, 'write', undefined, 'ticket');
    const code = requiredText(input.code, 'code', 200);
    const description = (input.description ?? '').trim();
    if (description.length > 10_000) throw new ValidationError('description: at most 10000 characters');
    const runId = input.runId ?? null;
    let scopes = await this.resolveScopes(actor, input.scopes ?? []);
    if (runId !== null) {
      const run = await this.deps.repos.runs.get(runId);
      if (!run || !canSeeCustomer(actor, run.customer_id)) throw new NotFoundError(`runId: run ${runId} not found`);
      // Created from Run Checks without scopes: the ticket is about the run's job.
      if (!scopes.length)
        scopes = [{ kind: 'job', customer_id: run.customer_id, job_id: run.job_id, object_name: null }];
    }
    if (!scopes.length) throw new ValidationError('scopes: name at least one job, customer or object');
    this.requireWrite(actor, scopes);
    const now = this.deps.clock();
    const id = await this.deps.repos.transaction((tx) =>
      tx.tickets.insert(
        {
          code,
          description,
          active_from: parseDate(input.activeFrom, 'activeFrom') ?? null,
          start_date: parseDate(input.startDate, 'startDate') ?? now,
          resolved_at: null,
          run_id: runId,
          created_by: actor.userId,
          created_at: now,
          updated_at: now,
        },
        scopes,
      ),
    );
    const dto = await this.get(actor, id);
    await audit(this.deps, actor, {
      action: 'create',
      entity: 'ticket',
      entityId: id,
      customerId: scopes.length === 1 ? scopes[0]!.customer_id : null,
      after: dto,
    });
    return dto;
  }

  async update(actor: Actor, id: number, input: TicketInput) {
    const t = await this.find(actor, id);
    this.requireWrite(actor, t.scopes);
    const before = ticketDto(t);
    const scopes = input.scopes !== undefined ? await this.resolveScopes(actor, input.scopes) : undefined;
    if (scopes && !scopes.length) throw new ValidationError('scopes: name at least one job, customer or object');
    if (scopes) this.requireWrite(actor, scopes);
    const startDate = parseDate(input.startDate, 'startDate');
    if (startDate === null) throw new ValidationError('startDate: cannot be cleared');
    const activeFrom = parseDate(input.activeFrom, 'activeFrom');
    const resolvedAt = parseDate(input.resolvedAt, 'resolvedAt');
    if (input.description !== undefined && input.description.length > 10_000)
      throw new ValidationError('description: at most 10000 characters');
    await this.deps.repos.transaction(async (tx) => {
      await tx.tickets.update(id, {
        ...(input.code !== undefined ? { code: requiredText(input.code, 'code', 200) } : {}),
        ...(input.description !== undefined ? { description: input.description.trim() } : {}),
        ...(activeFrom !== undefined ? { active_from: activeFrom } : {}),
        ...(startDate !== undefined ? { start_date: startDate } : {}),
        ...(resolvedAt !== undefined ? { resolved_at: resolvedAt } : {}),
        updated_at: this.deps.clock(),
      });
      if (scopes) await tx.tickets.replaceScopes(id, scopes);
    });
    const after = await this.get(actor, id);
    await audit(this.deps, actor, {
      action: 'update',
      entity: 'ticket',
      entityId: id,
      customerId: null,
      before,
      after,
    });
    return after;
  }

  async delete(actor: Actor, id: number): Promise<void> {
    const t = await this.find(actor, id);
    this.requireWrite(actor, t.scopes);
    await this.deps.repos.transaction((tx) => tx.tickets.delete(id));
    await audit(this.deps, actor, {
      action: 'delete',
      entity: 'ticket',
      entityId: id,
      customerId: null,
      before: ticketDto(t),
    });
  }
}
