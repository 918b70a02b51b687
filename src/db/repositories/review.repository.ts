import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { RunWithJob } from './run.repository.js';

/** Run statuses that end a run: only those are reviewed. */
export const TERMINAL_STATUSES = ['success', 'warning', 'failed', 'timed_out', 'cancelled', 'missed'] as const;
/** Runs not finished yet; every other status is terminal (RUN_STATUSES in core/domain.ts). */
export const ACTIVE_STATUSES = ['queued', 'running'] as const;
/**
 * Only a job's main operation is reviewed (backup jobs' backups, monitored jobs' reports and
 * missed runs, system jobs' tasks): restores and verifications are asked for by someone who
 * already looks at the result.
 */
export const UNREVIEWED_OPERATIONS = ['restore', 'verify'] as const;

export interface CheckFilter {
  scope: readonly number[] | null;
  customerId?: number | undefined;
  /** Part of the job or customer name, case-insensitive. */
  q?: string | undefined;
  /** Also count runs reviewed after this instant (admins' "show reviewed"); null = unreviewed only. */
  reviewedSince?: number | null | undefined;
}

export interface CheckGroupRow {
  job_id: number;
  job: CheckJobRow;
  /** Effective status (an override's success counts as success). */
  status: string;
  n: number;
  unreviewed: number;
  last_at: number;
}

export interface CheckJobRow {
  id: number;
  name: string;
  kind: string;
  customer_id: number;
  customer_name: string;
  software: string | null;
  backup_type: string | null;
}

const likePattern = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Queries of the review workflow: Run Checks groups, reviewing, and the remark/ticket indicators. */
export class ReviewRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private reviewable() {
    return (
      this.db
        .selectFrom('runs')
        .innerJoin('jobs', 'jobs.id', 'runs.job_id')
        .where('jobs.deleted_at', 'is', null)
        .where('jobs.archived_at', 'is', null)
        // "Not queued or running" rather than the list of terminal statuses: an IN list on status
        // would lead SQLite (no statistics) to the status index over the whole history instead
        // of the small partial index of unreviewed runs.
        .where('runs.status', 'not in', [...ACTIVE_STATUSES])
        .where('runs.operation', 'not in', [...UNREVIEWED_OPERATIONS])
    );
  }

  /**
   * Per job and effective status: how many runs, how many unreviewed, and the latest one's
   * time, with the job's names (one query: the page is sorted by customer and job name).
   */
  async groups(f: CheckFilter): Promise<CheckGroupRow[]> {
    let q = this.reviewable();
    const since = f.reviewedSince;
    q =
      since === null || since === undefined
        ? q.where('runs.reviewed_at', 'is', null)
        : q.where((eb) => eb.or([eb('runs.reviewed_at', 'is', null), eb('runs.reviewed_at', '>=', since)]));
    if (f.scope) q = q.where('runs.customer_id', 'in', f.scope.length ? [...f.scope] : [-1]);
    if (f.customerId !== undefined) q = q.where('runs.customer_id', '=', f.customerId);
    if (f.q) {
      const p = likePattern(f.q);
      q = q
        .innerJoin('customers', 'customers.id', 'jobs.customer_id')
        .where((eb) =>
          eb.or([
            sql<boolean>`lower(jobs.name) like ${p} escape '\\'`,
            sql<boolean>`lower(customers.name) like ${p} escape '\\'`,
          ]),
        );
    }
    const effective = sql<string>`coalesce(runs.effective_status, runs.status)`;
    const grouped = q
      .select([
        'runs.job_id',
        effective.as('status'),
        sql<number>`count(*)`.as('n'),
        sql<number>`sum(case when runs.reviewed_at is null then 1 else 0 end)`.as('unreviewed'),
        sql<number>`max(coalesce(runs.finished_at, runs.queued_at))`.as('last_at'),
      ])
      .groupBy(['runs.job_id', effective]);
    const rows = await this.db
      .selectFrom(grouped.as('g'))
      .innerJoin('jobs', 'jobs.id', 'g.job_id')
      .innerJoin('customers', 'customers.id', 'jobs.customer_id')
      .select([
        'g.job_id',
        'g.status',
        'g.n',
        'g.unreviewed',
        'g.last_at',
        'jobs.name',
        'jobs.kind',
        'jobs.customer_id',
        'customers.name as customer_name',
        'jobs.software',
        'jobs.backup_type',
      ])
      .execute();
    return rows.map((r) => ({
      job_id: r.job_id,
      status: r.status,
      n: Number(r.n),
      unreviewed: Number(r.unreviewed),
      last_at: Number(r.last_at),
      job: {
        id: r.job_id,
        name: r.name,
        kind: r.kind,
        customer_id: r.customer_id,
        customer_name: r.customer_name,
        software: r.software,
        backup_type: r.backup_type,
      },
    }));
  }

  /** Unreviewed runs in Run Checks for the caller's customers (the "goal of the day" counter). */
  async remaining(scope: readonly number[] | null, customerId?: number): Promise<number> {
    let q = this.reviewable().where('runs.reviewed_at', 'is', null);
    if (scope) q = q.where('runs.customer_id', 'in', scope.length ? [...scope] : [-1]);
    if (customerId !== undefined) q = q.where('runs.customer_id', '=', customerId);
    const r = await q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async jobs(ids: readonly number[]): Promise<CheckJobRow[]> {
    if (!ids.length) return [];
    return this.db
      .selectFrom('jobs')
      .innerJoin('customers', 'customers.id', 'jobs.customer_id')
      .select([
        'jobs.id',
        'jobs.name',
        'jobs.kind',
        'jobs.customer_id',
        'customers.name as customer_name',
        'jobs.software',
        'jobs.backup_type',
      ])
      .where('jobs.id', 'in', [...ids])
      .execute();
  }

  /** A job's runs as Run Checks shows them: unreviewed ones (and, for admins, the latest reviewed too). */
  runsOfJob(jobId: number, includeReviewed: boolean, limit = 500): Promise<RunWithJob[]> {
    let q = this.reviewable()
      .leftJoin('users as reviewer', 'reviewer.id', 'runs.reviewed_by')
      .selectAll('runs')
      .select(['jobs.name as job_name', 'reviewer.username as reviewed_by_name'])
      .where('runs.job_id', '=', jobId);
    if (!includeReviewed) q = q.where('runs.reviewed_at', 'is', null);
    return q.orderBy('runs.queued_at', 'desc').orderBy('runs.id', 'desc').limit(limit).execute();
  }

  /** Marks every unreviewed reviewable run of these jobs as reviewed; returns the count per job. */
  async review(jobIds: readonly number[], userId: number | null, now: number): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    if (!jobIds.length) return counts;
    const rows = await this.db
      .updateTable('runs')
      .set({ reviewed_at: now, reviewed_by: userId })
      .where('job_id', 'in', [...jobIds])
      .where('reviewed_at', 'is', null)
      .where('status', 'not in', [...ACTIVE_STATUSES])
      .where('operation', 'not in', [...UNREVIEWED_OPERATIONS])
      .returning('job_id')
      .execute();
    for (const r of rows) counts.set(r.job_id, (counts.get(r.job_id) ?? 0) + 1);
    return counts;
  }

  async setReview(runId: number, reviewedAt: number | null, userId: number | null): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ reviewed_at: reviewedAt, reviewed_by: userId })
      .where('id', '=', runId)
      .execute();
  }

  /** "Mark as success": the run counts as success (manually, or through the rule just created) and is reviewed. */
  async markSuccess(runId: number, overrideId: number | null, userId: number | null, now: number): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ effective_status: 'success', override_id: overrideId, reviewed_at: now, reviewed_by: userId })
      .where('id', '=', runId)
      .execute();
  }

  /** Jobs among `jobIds` with an open (unresolved) remark. */
  async openRemarkJobs(jobIds: readonly number[]): Promise<Set<number>> {
    if (!jobIds.length) return new Set();
    const rows = await this.db
      .selectFrom('remarks')
      .select('job_id')
      .distinct()
      .where('job_id', 'in', [...jobIds])
      .where('resolved_at', 'is', null)
      .execute();
    return new Set(rows.map((r) => r.job_id));
  }

  /**
   * Jobs with an open, active ticket: one whose scope names the job, an object of the job, or
   * the job's customer, that is unresolved and active (no active-from date, or one already past).
   */
  async openTicketJobs(jobs: readonly { id: number; customer_id: number }[], now: number): Promise<Set<number>> {
    const out = new Set<number>();
    if (!jobs.length) return out;
    const jobIds = [...new Set(jobs.map((j) => j.id))];
    const customerIds = [...new Set(jobs.map((j) => j.customer_id))];
    const rows = await this.db
      .selectFrom('ticket_scopes')
      .innerJoin('tickets', 'tickets.id', 'ticket_scopes.ticket_id')
      .select(['ticket_scopes.kind', 'ticket_scopes.job_id', 'ticket_scopes.customer_id'])
      .where('tickets.resolved_at', 'is', null)
      .where((eb) => eb.or([eb('tickets.active_from', 'is', null), eb('tickets.active_from', '<=', now)]))
      .where((eb) =>
        eb.or([
          eb('ticket_scopes.job_id', 'in', jobIds),
          eb.and([eb('ticket_scopes.kind', '=', 'customer'), eb('ticket_scopes.customer_id', 'in', customerIds)]),
        ]),
      )
      .execute();
    const byCustomer = new Set(rows.filter((r) => r.kind === 'customer').map((r) => r.customer_id));
    const byJob = new Set(rows.filter((r) => r.kind !== 'customer').map((r) => r.job_id));
    for (const j of jobs) if (byJob.has(j.id) || byCustomer.has(j.customer_id)) out.add(j.id);
    return out;
  }
}
