import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors.js';
import type { CheckGroupRow, CheckJobRow } from '../db/repositories/review.repository.js';
import { TERMINAL_STATUSES } from '../db/repositories/review.repository.js';
import type { RunWithJob } from '../db/repositories/run.repository.js';
import { can, canSeeCustomer, customerScope, requireAccess, type Actor } from './access.js';
import type { OverrideInput, OverrideService } from './override.service.js';
import { remarkDto, ticketDto, type OverrideDto } from './review.dto.js';
import { runDto, type RunService } from './run.service.js';
import { audit, type ServiceDeps } from './service-deps.js';

/** How far back "show reviewed" (admins) reaches: reviewed runs older than this are history. */
const REVIEWED_WINDOW_MS = 7 * 24 * 3600_000;
/** Worst first: the status a job is ranked and badged by. */
const SEVERITY = ['failed', 'timed_out', 'missed', 'warning', 'cancelled', 'success'];
/** Jobs with failed/missed/timed out runs first, then warnings, then the rest. */
const rank = (status: string) =>
  ['failed', 'timed_out', 'missed'].includes(status) ? 0 : status === 'warning' ? 1 : 2;

export interface RunChecksQuery {
  customerId?: number | undefined;
  q?: string | undefined;
  includeReviewed?: boolean | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

/** Run Checks is a working view for those who act on runs; viewers and reporters never reach it. */
export function requireReviewer(actor: Actor): void {
  if (!can(actor, 'write')) throw new ForbiddenError(`your role (${actor.role}) does not allow reviewing runs`);
}

export function jobSummary(j: CheckJobRow) {
  return {
    id: j.id,
    name: j.name,
    kind: j.kind,
    customer: { id: j.customer_id, name: j.customer_name },
    software: j.software,
    backupType: j.backup_type,
  };
}

/** Run Checks: unreviewed runs grouped by job, reviewing (also in bulk), undo, Mark as success. */
export class ReviewService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly s: { runs: RunService; overrides: OverrideService },
  ) {}

  private get repos() {
    return this.deps.repos;
  }

  async list(actor: Actor, q: RunChecksQuery) {
    requireReviewer(actor);
    requireAccess(actor, 'write', q.customerId, 'run checks');
    if (q.includeReviewed && actor.role !== 'admin')
      throw new ForbiddenError('includeReviewed: only admins can show reviewed runs');
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 50;
    if (!Number.isInteger(page) || page < 1) throw new ValidationError('page: must be a whole number from 1');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500)
      throw new ValidationError('pageSize: must be between 1 and 500');
    const now = this.deps.clock();
    const scope = customerScope(actor);
    const text = q.q?.trim() || undefined;
    const groups = await this.repos.review.groups({
      scope,
      customerId: q.customerId,
      q: text,
      reviewedSince: q.includeReviewed ? now - REVIEWED_WINDOW_MS : null,
    });
    const byJob = summarize(groups);
    // Without a name filter the groups already hold every unreviewed run in scope.
    const remaining =
      text === undefined
        ? [...byJob.values()].reduce((n, e) => n + e.unreviewed, 0)
        : await this.repos.review.remaining(scope, q.customerId);
    const entries = [...byJob.values()].sort(
      (a, b) =>
        rank(a.worstStatus) - rank(b.worstStatus) ||
        a.job.customer_name.localeCompare(b.job.customer_name) ||
        a.job.name.localeCompare(b.job.name) ||
        a.job.id - b.job.id,
    );
    const slice = entries.slice((page - 1) * pageSize, page * pageSize);
    const [remarks, tickets] = await Promise.all([
      this.repos.review.openRemarkJobs(slice.map((e) => e.job.id)),
      this.repos.review.openTicketJobs(
        slice.map((e) => e.job),
        now,
      ),
    ]);
    return {
      remaining,
      items: slice.map((e) => ({
        job: jobSummary(e.job),
        unreviewed: e.unreviewed,
        worstStatus: e.worstStatus,
        lastRunAt: new Date(e.lastAt).toISOString(),
        statuses: e.statuses,
        hasOpenRemark: remarks.has(e.job.id),
        hasOpenTicket: tickets.has(e.job.id),
      })),
      total: entries.length,
      page,
      pageSize,
    };
  }

  private async visibleJob(actor: Actor, jobId: number): Promise<CheckJobRow> {
    const [job] = await this.repos.review.jobs([jobId]);
    const live = job ? await this.repos.jobs.get(jobId) : undefined;
    if (!job || !live || !canSeeCustomer(actor, job.customer_id)) throw new NotFoundError(`job ${jobId} not found`);
    return job;
  }

  private async runDtos(rows: RunWithJob[]) {
    return Promise.all(
      rows.map(async (r) => runDto(r, r.operation === 'backup' ? await this.repos.backups.idsForRun(r.id) : [])),
    );
  }

  async job(actor: Actor, jobId: number, includeReviewed = false) {
    requireReviewer(actor);
    const job = await this.visibleJob(actor, jobId);
    requireAccess(actor, 'write', job.customer_id, 'job');
    if (includeReviewed && actor.role !== 'admin')
      throw new ForbiddenError('includeReviewed: only admins can show reviewed runs');
    const rows = await this.repos.review.runsOfJob(jobId, includeReviewed, includeReviewed ? 100 : 500);
    const shown = new Set(rows.map((r) => r.id));
    const [remarks, tickets] = await Promise.all([
      this.repos.remarks.list({ scope: null, jobId }),
      this.repos.tickets.list({ scope: null, open: true, job: { id: job.id, customer_id: job.customer_id } }),
    ]);
    return {
      job: jobSummary(job),
      runs: await this.runDtos(rows),
      // Open remarks, and resolved ones written about a run on the page.
      remarks: remarks
        .filter((r) => r.resolved_at === null || (r.run_id !== null && shown.has(r.run_id)))
        .map(remarkDto),
      tickets: tickets.map(ticketDto),
    };
  }

  async review(actor: Actor, jobIds: number[]) {
    requireReviewer(actor);
    if (!Array.isArray(jobIds) || jobIds.length === 0) throw new ValidationError('jobIds: list at least one job');
    if (jobIds.length > 5000) throw new ValidationError('jobIds: at most 5000 jobs at once');
    const ids = [...new Set(jobIds)];
    const jobs = await this.repos.review.jobs(ids);
    for (const id of ids) {
      const job = jobs.find((j) => j.id === id);
      if (!job || !canSeeCustomer(actor, job.customer_id)) throw new NotFoundError(`jobIds: job ${id} not found`);
      requireAccess(actor, 'write', job.customer_id, 'job');
    }
    const counts = await this.repos.review.review(ids, actor.userId, this.deps.clock());
    for (const job of jobs)
      if (counts.get(job.id))
        await audit(this.deps, actor, {
          action: 'review',
          entity: 'job',
          entityId: job.id,
          customerId: job.customer_id,
          after: { reviewed: counts.get(job.id) },
        });
    return { reviewed: [...counts.values()].reduce((a, b) => a + b, 0) };
  }

  /** Undo a review (admins): the run is back in Run Checks. */
  async unreview(actor: Actor, runId: number) {
    const run = await this.s.runs.find(actor, runId);
    requireReviewer(actor);
    requireAccess(actor, 'admin', run.customer_id, 'run');
    if (run.reviewed_at !== null) {
      await this.repos.review.setReview(runId, null, null);
      await audit(this.deps, actor, {
        action: 'unreview',
        entity: 'run',
        entityId: runId,
        customerId: run.customer_id,
        before: { reviewedAt: new Date(run.reviewed_at).toISOString(), reviewedBy: run.reviewed_by },
      });
    }
    return this.s.runs.get(actor, runId);
  }

  /** The run counts as success and is reviewed; with `override`, a rule for future runs is created first. */
  async markSuccess(actor: Actor, runId: number, input: { override?: OverrideInput | undefined }) {
    const run = await this.s.runs.find(actor, runId);
    requireReviewer(actor);
    requireAccess(actor, 'write', run.customer_id, 'run');
    if (!(TERMINAL_STATUSES as readonly string[]).includes(run.status))
      throw new ConflictError(`run ${runId} has not finished yet (${run.status})`);
    let override: OverrideDto | null = null;
    if (input.override) override = await this.s.overrides.create(actor, input.override);
    await this.repos.review.markSuccess(runId, override?.id ?? null, actor.userId, this.deps.clock());
    await audit(this.deps, actor, {
      action: 'mark_success',
      entity: 'run',
      entityId: runId,
      customerId: run.customer_id,
      before: { status: run.status, effectiveStatus: run.effective_status ?? run.status },
      after: { effectiveStatus: 'success', overrideId: override?.id ?? null },
    });
    return { run: await this.s.runs.get(actor, runId), override };
  }

  /** An override pre-filled from a run: its job (or its one failing object), its status and message. */
  async overrideDraft(actor: Actor, runId: number): Promise<Required<OverrideInput>> {
    const run = await this.s.runs.find(actor, runId);
    requireReviewer(actor);
    requireAccess(actor, 'write', run.customer_id, 'run');
    const objects = JSON.parse(run.objects) as { name: string; status?: string | null; message?: string | null }[];
    const failing = objects.filter((o) => o.status === 'warning' || o.status === 'failed');
    const only = failing.length === 1 ? failing[0]! : null;
    const firstMessage = failing.find((o) => o.message)?.message ?? null;
    return {
      level: only ? 'object' : 'job',
      customerId: run.customer_id,
      jobId: run.job_id,
      objectName: only ? only.name : null,
      software: null,
      backupType: null,
      jobNamePattern: null,
      // Runs that are neither (timed out, missed...) are drafted as failures, the closest rule.
      statuses: [run.status === 'warning' ? 'warning' : 'failed'],
      errorMatch: 'contains',
      errorText: ((only ? (only.message ?? run.error) : (run.error ?? firstMessage)) ?? '').trim(),
      treatAsSuccess: true,
      validFrom: null,
      validUntil: null,
      comment: '',
    };
  }
}

type StatusCounts = Record<(typeof TERMINAL_STATUSES)[number], number>;
interface JobChecks {
  job: CheckJobRow;
  unreviewed: number;
  lastAt: number;
  worstStatus: string;
  statuses: StatusCounts;
}

/** Group rows (job × effective status) → per job: counts, unreviewed, worst status, latest run. */
function summarize(groups: CheckGroupRow[]) {
  const byJob = new Map<number, JobChecks>();
  for (const g of groups) {
    let e = byJob.get(g.job_id);
    if (!e) {
      const statuses = Object.fromEntries(TERMINAL_STATUSES.map((s) => [s, 0])) as StatusCounts;
      e = { job: g.job, unreviewed: 0, lastAt: 0, worstStatus: 'success', statuses };
      byJob.set(g.job_id, e);
    }
    e.unreviewed += g.unreviewed;
    e.lastAt = Math.max(e.lastAt, g.last_at);
    if (g.status in e.statuses) e.statuses[g.status as keyof StatusCounts] += g.n;
    if (SEVERITY.indexOf(g.status) < SEVERITY.indexOf(e.worstStatus)) e.worstStatus = g.status;
  }
  return byJob;
}
