import type { ReportObject } from '../core/mail-report.js';
import { statusLabel } from '../core/run-status.js';
import type { RunStatus } from '../core/domain.js';
import { RUN_STATUSES } from '../core/domain.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import { RUN_SORT_KEYS, type RunSortKey, type RunWithJob } from '../db/repositories/run.repository.js';
import type { JobRow, RunRow } from '../db/schema.js';
import { canSeeCustomer, customerScope, requireAccess, type Actor } from './access.js';
import type { RunEvents } from './run-events.js';
import { audit, type ServiceDeps } from './service-deps.js';

export interface StepRecord {
  name: string;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  startedAt: number | null;
  finishedAt: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}

export function runDto(r: RunWithJob | (RunRow & { job_name?: string }), backupIds: number[] = []) {
  const end = r.finished_at ?? null;
  const elapsed = r.started_at ? (end ?? Date.now()) - r.started_at : null;
  const steps = JSON.parse(r.steps) as StepRecord[];
  return {
    id: r.id,
    jobId: r.job_id,
    jobName: r.job_name ?? null,
    customerId: r.customer_id,
    operation: r.operation,
    status: r.status,
    statusLabel: statusLabel(r.status as RunStatus),
    trigger: r.trigger,
    params: JSON.parse(r.params) as Record<string, unknown>,
    scheduledFor: iso(r.scheduled_for),
    queuedAt: iso(r.queued_at),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    durationMs: elapsed,
    step: r.step,
    steps: steps.map((s) => ({ ...s, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) })),
    bytesRead: r.bytes_read,
    bytesWritten: r.bytes_written,
    rate: elapsed && elapsed > 0 ? Math.round((r.bytes_read * 1000) / elapsed) : 0,
    error: r.error,
    cancelRequested: r.cancel_requested_at !== null,
    backupIds,
    objects: JSON.parse(r.objects) as ReportObject[],
    mailId: r.mail_id,
    effectiveStatus: r.effective_status ?? r.status,
    overridden: r.effective_status !== null && r.effective_status !== r.status,
    overrideId: r.override_id,
    reviewedAt: iso(r.reviewed_at),
    reviewedBy:
      r.reviewed_by === null
        ? null
        : { id: r.reviewed_by, username: ('reviewed_by_name' in r ? r.reviewed_by_name : null) ?? null },
  };
}
export type RunDto = ReturnType<typeof runDto>;

export class RunService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly events: RunEvents,
  ) {}

  /**
   * Queues a run. The database refuses a second queued/running run of the same job (unique
   * partial index), which is what makes concurrent schedulers and double clicks safe.
   */
  async enqueue(opts: {
    job: JobRow;
    operation: 'backup' | 'restore' | 'verify' | 'system';
    trigger: string;
    params?: Record<string, unknown>;
    requestedBy?: number | null;
    scheduledFor?: number | null;
  }): Promise<RunRow> {
    const now = this.deps.clock();
    try {
      const run = await this.deps.repos.runs.insert({
        job_id: opts.job.id,
        customer_id: opts.job.customer_id,
        operation: opts.operation,
        status: 'queued',
        trigger: opts.trigger,
        params: JSON.stringify(opts.params ?? {}),
        scheduled_for: opts.scheduledFor ?? null,
        queued_at: now,
        steps: '[]',
        bytes_read: 0,
        bytes_written: 0,
        requested_by: opts.requestedBy ?? null,
      });
      this.events.emit('queued', { runId: run.id });
      return run;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const active = await this.deps.repos.runs.activeForJob(opts.job.id);
      throw new ConflictError(
        `job '${opts.job.name}' already has a ${active?.status ?? 'queued or running'} run${active ? ` (#${active.id})` : ''}; a job never runs twice at once`,
        { activeRunId: active?.id },
      );
    }
  }

  async find(actor: Actor, id: number): Promise<RunWithJob> {
    const run = Number.isInteger(id) ? await this.deps.repos.runs.get(id) : undefined;
    if (!run || !canSeeCustomer(actor, run.customer_id)) throw new NotFoundError(`run ${id} not found`);
    requireAccess(actor, 'read', run.customer_id, 'run');
    return run;
  }

  async get(actor: Actor, id: number) {
    const run = await this.find(actor, id);
    return runDto(run, await this.deps.repos.backups.idsForRun(run.id));
  }

  async list(
    actor: Actor,
    q: {
      jobId?: number | undefined;
      status?: string | undefined;
      operation?: string | undefined;
      from?: string | undefined;
      to?: string | undefined;
      page?: number | undefined;
      pageSize?: number | undefined;
      sort?: string | undefined;
      order?: string | undefined;
    },
  ) {
    requireAccess(actor, 'read', undefined, 'runs');
    if (q.sort !== undefined && !RUN_SORT_KEYS.includes(q.sort as RunSortKey))
      throw new ValidationError(`sort: '${q.sort}' is not a sort key (${RUN_SORT_KEYS.join(', ')})`);
    if (q.order !== undefined && q.order !== 'asc' && q.order !== 'desc')
      throw new ValidationError(`order: '${q.order}' must be asc or desc`);
    const status = q.status
      ? q.status
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
    for (const s of status ?? [])
      if (!RUN_STATUSES.includes(s as RunStatus))
        throw new ValidationError(`status: '${s}' is not a run status (${RUN_STATUSES.join(', ')})`);
    const page = q.page ?? 1;
    const pageSize = Math.min(q.pageSize ?? 50, 500);
    const time = (v: string | undefined, field: string) => {
      if (v === undefined) return undefined;
      const t = Date.parse(v);
      if (Number.isNaN(t)) throw new ValidationError(`${field}: '${v}' is not a date`);
      return t;
    };
    const { items, total } = await this.deps.repos.runs.list({
      scope: customerScope(actor),
      jobId: q.jobId,
      status,
      operation: q.operation,
      from: time(q.from, 'from'),
      to: time(q.to, 'to'),
      page,
      pageSize,
      sort: q.sort as RunSortKey | undefined,
      order: q.order as 'asc' | 'desc' | undefined,
      now: this.deps.clock(),
    });
    return { items: items.map((r) => runDto(r)), total, page, pageSize };
  }

  async logs(actor: Actor, id: number, after = 0, limit = 1000) {
    await this.find(actor, id);
    const rows = await this.deps.repos.runs.logs(id, after, Math.min(limit, 5000));
    return {
      items: rows.map((l) => ({ id: l.id, at: new Date(l.at).toISOString(), level: l.level, message: l.message })),
      next: rows.length ? rows[rows.length - 1]!.id : after,
    };
  }

  /**
   * Queued runs end at once; running ones are asked to stop and end as `cancelled` when they do.
   * An open heartbeat run (operation `report`, after /ping/<token>/start) has no process to ask:
   * it ends at once too.
   */
  async cancel(actor: Actor, id: number) {
    const run = await this.find(actor, id);
    requireAccess(actor, 'run', run.customer_id, 'run');
    const now = this.deps.clock();
    if (run.status === 'queued') {
      if (
        await this.deps.repos.runs.transition(id, ['queued'], {
          status: 'cancelled',
          finished_at: now,
          error: `cancelled by ${actor.username} before it started`,
        })
      ) {
        this.events.emit('status', { runId: id, status: 'cancelled' });
      }
    } else if (run.status === 'running' && run.operation === 'report') {
      if (
        await this.deps.repos.runs.transition(id, ['running'], {
          status: 'cancelled',
          finished_at: now,
          cancel_requested_at: now,
          error: `cancelled by ${actor.username}`,
        })
      ) {
        await this.deps.repos.runs.appendLogs([
          {
            run_id: id,
            at: now,
            level: 'warn',
            message: `cancelled by ${actor.username}; a later ping starts a new run`,
          },
        ]);
        this.events.emit('status', { runId: id, status: 'cancelled' });
      }
    } else if (run.status === 'running') {
      await this.deps.repos.runs.transition(id, ['running'], { cancel_requested_at: now });
      this.events.emit('cancel', { runId: id });
    } else {
      throw new ConflictError(`run ${id} has already finished (${run.status})`);
    }
    await audit(this.deps, actor, { action: 'cancel', entity: 'run', entityId: id, customerId: run.customer_id });
    return this.get(actor, id);
  }
}
