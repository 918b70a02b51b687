import { formatDuration } from '../core/duration.js';
import { NotFoundError } from '../core/errors.js';
import type { JobRow, RunRow } from '../db/schema.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { RunEvents } from './run-events.js';
import { isUniqueViolation } from './run.service.js';
import type { ServiceDeps } from './service-deps.js';

export type PingKind = 'success' | 'start' | 'fail';

/** Body kept as the run's log (larger bodies are cut, never refused: a failing script must be heard). */
export const PING_BODY_MAX_BYTES = 100 * 1024;
const MAX_LOG_LINES = 2000;

/** How long a started heartbeat run waits for its success/fail ping unless the job says otherwise. */
export const DEFAULT_MAX_RUN_SECONDS = 24 * 3600;
/** The range of a job's `maxRunSeconds`: one minute to seven days. */
export const MAX_RUN_SECONDS_MIN = 60;
export const MAX_RUN_SECONDS_MAX = 7 * 86400;

/** A heartbeat job's limit on an open run, in seconds (config `maxRunSeconds`, else 24 h). */
export function maxRunSecondsOf(job: Pick<JobRow, 'config'>): number {
  const v = (JSON.parse(job.config) as { maxRunSeconds?: unknown }).maxRunSeconds;
  return typeof v === 'number' && Number.isInteger(v) && v >= MAX_RUN_SECONDS_MIN && v <= MAX_RUN_SECONDS_MAX
    ? v
    : DEFAULT_MAX_RUN_SECONDS;
}

/**
 * Fails `run` when it is an open heartbeat run (a /start without its success or fail ping)
 * older than its job's limit. It ends at the moment the limit passed, not when this noticed it,
 * so the outcome is the same whether the next ping or the recovery sweep gets there first.
 * Returns whether this call failed it (false when it is not overdue or was finished meanwhile).
 */
export async function expireIfOverdue(tx: Repositories, run: RunRow, job: JobRow, now: number): Promise<boolean> {
  if (run.status !== 'running' || run.operation !== 'report' || run.trigger !== 'heartbeat') return false;
  const limit = maxRunSecondsOf(job);
  const deadline = (run.started_at ?? run.queued_at) + limit * 1000;
  if (now < deadline) return false;
  const within = formatDuration(limit);
  const ok = await tx.runs.transition(run.id, ['running'], {
    status: 'failed',
    finished_at: deadline,
    error: `no completion ping within ${within}`,
  });
  if (ok)
    await tx.runs.appendLogs([
      {
        run_id: run.id,
        at: now,
        level: 'error',
        message: `no success or failure ping arrived within ${within} of the start (the job's maxRunSeconds); the run failed`,
      },
    ]);
  return ok;
}

export interface HeartbeatServiceOptions {
  events: RunEvents;
  /** Called when a ping finished a run (the composition root sends the job's notifications). */
  onReportRun?: (run: RunRow, job: JobRow) => void;
}

/**
 * Heartbeat-fed monitored jobs: scripts call /ping/<token>[/start|/fail]. The token is the
 * secret (no sign-in). A start opens a `running` run; success or fail completes it, or records
 * a finished run on its own. The runs table allows one queued/running run per job, which is
 * what makes concurrent pings of one job safe.
 */
export class HeartbeatService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly opts: HeartbeatServiceOptions,
  ) {}

  async ping(token: string, kind: PingKind, body?: string | Buffer | null): Promise<{ runId: number }> {
    const repos = this.deps.repos;
    // Tokens are UUIDs; anything else is not worth a query.
    const job = token.length <= 100 ? await repos.heartbeats.jobByToken(token) : undefined;
    if (!job) throw new NotFoundError('not found');
    const lines = logLines(body);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.record(job, kind, lines);
      } catch (err) {
        // Another ping of the same job won the race for the one active run: look again.
        if (!isUniqueViolation(err) || attempt >= 2) throw err;
      }
    }
  }

  /**
   * Fails every open heartbeat run past its job's limit; the recovery sweep calls this (a ping
   * checks its own job's open run itself). Returns the ids of the runs it failed.
   */
  async expireOverdue(): Promise<number[]> {
    const repos = this.deps.repos;
    const now = this.deps.clock();
    const open = (await repos.runs.running()).filter((r) => r.operation === 'report' && r.trigger === 'heartbeat');
    const failed: number[] = [];
    for (const run of open) {
      const job = await repos.jobs.get(run.job_id);
      if (!job) continue;
      const done = await repos.transaction(async (tx) =>
        (await expireIfOverdue(tx, run, job, now)) ? tx.runs.get(run.id) : undefined,
      );
      if (!done) continue;
      this.opts.events.emit('status', { runId: done.id, status: done.status });
      this.opts.onReportRun?.(done, job);
      failed.push(done.id);
    }
    return failed;
  }

  private async record(job: JobRow, kind: PingKind, lines: string[]): Promise<{ runId: number }> {
    const now = this.deps.clock();
    const { run, finished, expired } = await this.deps.repos.transaction(async (tx) => {
      let active = await tx.runs.activeForJob(job.id);
      // An open run past the job's limit failed before this ping: it is not the one this ping ends.
      let expired: RunRow | undefined;
      if (active && (await expireIfOverdue(tx, active, job, now))) {
        expired = await tx.runs.get(active.id);
        active = undefined;
      }
      const result = await this.apply(tx, job, kind, lines, active, now);
      return { ...result, expired };
    });
    if (expired) {
      this.opts.events.emit('status', { runId: expired.id, status: expired.status });
      this.opts.onReportRun?.(expired, job);
    }
    this.opts.events.emit('status', { runId: run.id, status: run.status });
    if (finished) {
      if (finished.id !== run.id) this.opts.events.emit('status', { runId: finished.id, status: finished.status });
      this.opts.onReportRun?.(finished, job);
    }
    return { runId: run.id };
  }

  private async apply(
    tx: Repositories,
    job: JobRow,
    kind: PingKind,
    lines: string[],
    active: RunRow | undefined,
    now: number,
  ): Promise<{ run: RunRow; finished: RunRow | undefined }> {
    if (kind === 'start') {
      // A new start while one is open: the open one never reported how it ended.
      if (active)
        await finishRun(tx, active.id, 'failed', now, 'no success or failure ping arrived before the next start');
      const r = await insertRun(tx, job, 'running', now, null);
      await appendLog(tx, r.id, now, 'info', 'start ping received', lines);
      return { run: r, finished: active ? await tx.runs.get(active.id) : undefined };
    }
    const status = kind === 'fail' ? 'failed' : 'success';
    const error = kind === 'fail' ? 'the job reported a failure (heartbeat /fail ping)' : null;
    if (active) {
      await finishRun(tx, active.id, status, now, error);
      await appendLog(tx, active.id, now, kind === 'fail' ? 'error' : 'info', `${kind} ping received`, lines);
      const done = (await tx.runs.get(active.id))!;
      return { run: done, finished: done };
    }
    const r = await insertRun(tx, job, status, now, error);
    await appendLog(tx, r.id, now, kind === 'fail' ? 'error' : 'info', `${kind} ping received`, lines);
    return { run: r, finished: r };
  }
}

async function insertRun(
  tx: Repositories,
  job: JobRow,
  status: 'running' | 'success' | 'failed',
  now: number,
  error: string | null,
): Promise<RunRow> {
  return tx.runs.insert({
    job_id: job.id,
    customer_id: job.customer_id,
    operation: 'report',
    status,
    trigger: 'heartbeat',
    params: '{}',
    scheduled_for: null,
    queued_at: now,
    started_at: now,
    finished_at: status === 'running' ? null : now,
    steps: '[]',
    bytes_read: 0,
    bytes_written: 0,
    error,
    requested_by: null,
  });
}

async function finishRun(tx: Repositories, runId: number, status: string, now: number, error: string | null) {
  await tx.runs.transition(runId, ['running', 'queued'], { status, finished_at: now, error });
}

async function appendLog(tx: Repositories, runId: number, at: number, level: string, first: string, lines: string[]) {
  await tx.runs.appendLogs([first, ...lines].map((message) => ({ run_id: runId, at, level, message })));
}

/** The request body as log lines: at most 100 KB of text, NULs removed, trailing blank lines dropped. */
export function logLines(body: string | Buffer | null | undefined): string[] {
  if (body === null || body === undefined) return [];
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const cut = buf.length > PING_BODY_MAX_BYTES;
  const text = buf
    .subarray(0, PING_BODY_MAX_BYTES)
    .toString('utf8')
    .replace(/\u0000/g, '');
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  const kept = lines.slice(0, MAX_LOG_LINES);
  if (cut || lines.length > MAX_LOG_LINES)
    kept.push(`[body truncated: only the first ${kept.length} lines / ${PING_BODY_MAX_BYTES / 1024} KB are kept]`);
  return kept;
}
