import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadDestinationAdapter } from '../../adapters/destinations/registry.js';
import type { RetentionPolicy, Schedule } from '../../core/domain.js';
import type { JobRow } from '../../db/schema.js';
import type { EngineDeps } from '../engine-deps.js';
import type { RunContext } from '../run-context.js';
import { RunFailure, type Operation, type OperationOutcome } from './operation.js';
import { mailImportTask } from './mail-import.task.js';
import { applyRetention } from './retention.js';
import { learnSchedulesAndDetectMissed } from './schedule-learning.task.js';

type Task = (ctx: RunContext, deps: EngineDeps) => Promise<OperationOutcome>;

/** Partial uploads younger than this may belong to a run on another node that is still alive. */
const PARTIAL_GRACE_MS = 6 * 3600_000;

const tasks: Record<string, Task> = {
  mail_import: mailImportTask,
  async schedule_learning(ctx, deps) {
    const facts = await learnSchedulesAndDetectMissed(deps, (level, m) => ctx.log(level, m));
    return facts.errors
      ? { status: 'warning', message: `${facts.errors} job(s) could not be checked`, facts: { ...facts } }
      : { status: 'success', facts: { ...facts } };
  },
  async retention_sweep(ctx, deps) {
    let warnings = 0;
    const jobs = await deps.repos.jobs.list({ scope: null, kind: 'backup' });
    for (const job of jobs) {
      // Same rule as the run's own retention step: not after a failed or suspicious last run.
      const last = (await deps.repos.runs.recentForJob(job.id, 5, 'backup')).find(
        (r) => r.status !== 'queued' && r.status !== 'running',
      );
      if (!last || last.status !== 'success') {
        if (last) ctx.log('info', `job '${job.name}': skipped, its last backup run is ${last.status}`);
        continue;
      }
      const schedule = JSON.parse(job.schedule) as Schedule;
      const timezone = 'timezone' in schedule ? schedule.timezone : (await deps.settings.current()).timezone;
      for (const d of await deps.repos.jobs.destinations(job.id)) {
        const { row, config } = await deps.destinations.resolvedConfig(d.destination_id);
        try {
          const dest = await (await loadDestinationAdapter(row.kind)).open(config);
          try {
            await applyRetention({
              deps,
              ctx,
              jobId: job.id,
              destinationId: row.id,
              destName: `${job.name} → ${row.name}`,
              dest,
              policy: JSON.parse(d.retention) as RetentionPolicy,
              timezone,
            });
          } finally {
            await dest.close();
          }
        } catch (err) {
          warnings++;
          ctx.log('warn', `job '${job.name}', destination '${row.name}': ${(err as Error).message}`);
        }
      }
    }
    return warnings
      ? { status: 'warning', message: `${warnings} destination(s) could not be processed` }
      : { status: 'success' };
  },

  async temp_cleanup(ctx, deps) {
    const running = new Set((await deps.repos.runs.running()).map((r) => r.id));
    let removed = 0;
    const tmp = path.join(deps.dataDir, 'tmp');
    for (const name of await readdir(tmp).catch(() => [] as string[])) {
      const m = /^run-(\d+)-/.exec(name);
      if (m && running.has(Number(m[1]))) continue;
      const st = await stat(path.join(tmp, name)).catch(() => null);
      // Without a run id we cannot tell whose it is; only old ones go.
      if (!m && st && deps.clock() - st.mtimeMs < PARTIAL_GRACE_MS) continue;
      await rm(path.join(tmp, name), { recursive: true, force: true });
      removed++;
      ctx.log('info', `removed scratch ${name}`);
    }
    const seen = new Set<number>();
    for (const d of await deps.repos.destinations.list(null)) {
      if (seen.has(d.id)) continue;
      seen.add(d.id);
      try {
        const { config } = await deps.destinations.resolvedConfig(d.id);
        const dest = await (await loadDestinationAdapter(d.kind)).open(config);
        try {
          const n = await dest.cleanupPartials({ olderThanMs: PARTIAL_GRACE_MS, keepRunIds: [...running] });
          if (n) ctx.log('info', `destination '${d.name}': removed ${n} unfinished upload(s)`);
          removed += n;
        } finally {
          await dest.close();
        }
      } catch (err) {
        ctx.log('warn', `destination '${d.name}': ${(err as Error).message}`);
      }
    }
    ctx.log('info', `removed ${removed} leftover(s)`);
    return { status: 'success', facts: { removed } };
  },
};

export const systemOperation: Operation = {
  steps: ['run'],
  async execute(ctx: RunContext, job: JobRow, deps: EngineDeps): Promise<OperationOutcome> {
    const { task } = JSON.parse(job.config) as { task: string };
    const fn = tasks[task];
    if (!fn) throw new RunFailure(`unknown system task '${task}'`);
    ctx.beginStep('run');
    return fn(ctx, deps);
  },
};
