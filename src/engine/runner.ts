import { statusLabel } from '../core/run-status.js';
import { formatBytes, formatDuration } from '../core/duration.js';
import type { RunStatus } from '../core/domain.js';
import type { JobRow, RunRow } from '../db/schema.js';
import type { EngineDeps } from './engine-deps.js';
import { backupOperation } from './operations/backup.operation.js';
import { RunFailure, type Operation, type OperationOutcome } from './operations/operation.js';
import { restoreOperation } from './operations/restore.operation.js';
import { systemOperation } from './operations/system.operation.js';
import { verifyOperation } from './operations/verify.operation.js';
import { RunContext } from './run-context.js';
import type { BackupJobConfig } from '../services/job.types.js';
import { applyOverridesToRuns } from '../services/override-apply.js';

const OPERATIONS: Record<string, Operation> = {
  backup: backupOperation,
  restore: restoreOperation,
  verify: verifyOperation,
  system: systemOperation,
};

const DEFAULT_TIMEOUTS_S: Record<string, number> = { restore: 24 * 3600, verify: 24 * 3600, system: 3600 };

/**
 * Executes one run by id: claims it (queued → running, compare-and-set, so two dispatchers
 * can never run the same run), drives its operation, and records the outcome. It knows nothing
 * about how the run id reached it: the in-process dispatcher today, a BullMQ worker or an
 * agent tomorrow.
 */
export class Runner {
  private readonly active = new Map<number, RunContext>();

  constructor(private readonly deps: EngineDeps) {
    deps.events.on('cancel', ({ runId }) => this.active.get(runId)?.stop('cancelled'));
  }

  get activeCount(): number {
    return this.active.size;
  }

  activeRunIds(): number[] {
    return [...this.active.keys()];
  }

  async execute(runId: number): Promise<void> {
    const { repos, clock, nodeId } = this.deps;
    const now = clock();
    const claimed = await repos.runs.transition(runId, ['queued'], {
      status: 'running',
      started_at: now,
      node_id: nodeId,
      heartbeat_at: now,
    });
    if (!claimed) return;
    const run = (await repos.runs.get(runId))!;
    this.deps.events.emit('status', { runId, status: 'running' });
    const job = (await repos.jobs.get(run.job_id)) ?? (await this.deletedJobFor(run));
    const op = OPERATIONS[run.operation];
    const ctx = new RunContext(run, repos, this.deps.events, clock, op?.steps ?? []);
    this.active.set(runId, ctx);
    ctx.start();
    let outcome: OperationOutcome | null = null;
    let error: Error | null = null;
    const timeoutS =
      run.operation === 'backup' && job
        ? (JSON.parse(job.config) as BackupJobConfig).timeoutSeconds
        : (DEFAULT_TIMEOUTS_S[run.operation] ?? 3600);
    const timer = setTimeout(() => ctx.stop('timed_out'), timeoutS * 1000);
    try {
      if (!job) throw new RunFailure(`job ${run.job_id} no longer exists`);
      if (!op) throw new RunFailure(`unknown operation '${run.operation}'`);
      ctx.log('info', `${run.operation} of '${job.name}' started (${run.trigger}) on ${nodeId}`);
      outcome = await op.execute(ctx, job, this.deps);
    } catch (err) {
      error = err as Error;
    } finally {
      clearTimeout(timer);
    }
    await this.finish(ctx, run, job ?? null, outcome, error, timeoutS);
  }

  private async finish(
    ctx: RunContext,
    run: RunRow,
    job: JobRow | null,
    outcome: OperationOutcome | null,
    error: Error | null,
    timeoutS: number,
  ): Promise<void> {
    const { repos, clock, events, metrics } = this.deps;
    let status: RunStatus;
    let message: string | null = null;
    if (ctx.stopReason === 'cancelled') {
      status = 'cancelled';
      message = 'cancelled while running';
    } else if (ctx.stopReason === 'timed_out') {
      status = 'timed_out';
      message = `timed out after ${formatDuration(timeoutS)}`;
    } else if (ctx.stopReason === 'shutdown') {
      status = 'failed';
      message = 'interrupted: the server shut down during the run';
    } else if (error) {
      status = 'failed';
      message = error.message || String(error);
    } else {
      status = outcome!.status;
      message = outcome!.message ?? null;
    }
    if (status === 'success' || status === 'warning') ctx.finishStep('done');
    else ctx.finishStep('failed');
    ctx.skipRemaining();
    if (message) ctx.log(status === 'warning' ? 'warn' : status === 'success' ? 'info' : 'error', message);
    const finishedAt = clock();
    const duration = finishedAt - ctx.startedAt;
    ctx.log(
      'info',
      `${statusLabel(status)} after ${formatDuration(Math.round(duration / 1000))}: ${formatBytes(ctx.bytesRead)} read, ${formatBytes(ctx.bytesWritten)} written`,
    );
    await ctx.close();
    await repos.runs.update(run.id, {
      status,
      finished_at: finishedAt,
      error: message,
      steps: ctx.stepsJson(),
      step: null,
      bytes_read: ctx.bytesRead,
      bytes_written: ctx.bytesWritten,
      heartbeat_at: finishedAt,
      // A maintenance task that went well needs nobody's attention: it is reviewed as it ends,
      // so Run Checks shows only the system runs that failed or warned (every 15 minutes of
      // schedule learning would otherwise keep the page from ever being empty).
      ...(run.operation === 'system' && status === 'success' ? { reviewed_at: finishedAt } : {}),
    });
    // Overrides apply to every recorded run; a rule problem must not lose the run's outcome.
    let effective: string = status;
    if (status === 'warning' || status === 'failed') {
      const changed = await applyOverridesToRuns(repos, [run.id], finishedAt).catch((err: Error) => {
        this.deps.log('warn', `overrides for run ${run.id}: ${err.message}`);
        return 0;
      });
      if (changed) effective = (await repos.runs.get(run.id))?.effective_status ?? status;
    }
    this.active.delete(run.id);
    events.emit('status', { runId: run.id, status });
    metrics.runsFinished.inc({ status, operation: run.operation, kind: job?.kind ?? 'unknown' });
    metrics.runDuration.observe({ operation: run.operation, status }, duration / 1000);
    if (run.operation === 'backup') metrics.bytesWritten.inc({ operation: run.operation }, ctx.bytesWritten);

    if (job && (run.operation === 'backup' || run.operation === 'system' || run.operation === 'restore')) {
      const customer = await repos.customers.get(job.customer_id);
      const verb = run.operation === 'restore' ? 'restore' : 'backup';
      await this.deps.notifier
        .notifyJob(
          job.id,
          {
            event: 'run.finished',
            // Notifications follow the effective status: a failure an override accepts is not news.
            status: effective,
            title: `${statusLabel(effective as RunStatus)}${effective !== status ? ` (override; was ${status})` : ''}: ${job.name}${customer ? ` (${customer.name})` : ''}`,
            text: [
              `${verb} of job '${job.name}' ended: ${statusLabel(status)}`,
              message ? `Reason: ${message}` : null,
              `Run #${run.id}, ${formatDuration(Math.round(duration / 1000))}, ${formatBytes(ctx.bytesRead)} read, ${formatBytes(ctx.bytesWritten)} written`,
            ]
              .filter(Boolean)
              .join('\n'),
            data: {
              job: job.name,
              jobId: job.id,
              customer: customer?.name ?? null,
              runId: run.id,
              operation: run.operation,
              trigger: run.trigger,
              status,
              error: message,
              durationMs: duration,
              bytesRead: ctx.bytesRead,
              bytesWritten: ctx.bytesWritten,
              ...(outcome?.facts ?? {}),
            },
          },
          // Delivery results go to the run log after the run ended; the table is append-only.
          (level, m) =>
            // Delivery can end after shutdown; a log line lost then must not become an unhandled rejection.
            void repos.runs.appendLogs([{ run_id: run.id, at: clock(), level, message: m }]).catch(() => undefined),
        )
        .catch(() => undefined);
    }
  }

  /**
   * Deleting a job keeps its backups, and they stay verifiable and restorable: those runs still
   * need the job row (name, customer). A backup run of a deleted job, though, must not happen.
   */
  private async deletedJobFor(run: RunRow): Promise<JobRow | undefined> {
    if (run.operation !== 'restore' && run.operation !== 'verify') return undefined;
    return this.deps.repos.db.kysely.selectFrom('jobs').selectAll().where('id', '=', run.job_id).executeTakeFirst();
  }

  /** Stops every local run; they end as failed ("interrupted"), the queue stays as it is. */
  async shutdown(): Promise<void> {
    for (const ctx of this.active.values()) ctx.stop('shutdown');
    const deadline = Date.now() + 10_000;
    while (this.active.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }
}
