import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Repositories } from '../db/repositories/repositories.js';

/** Prometheus metrics of one Keepwatch process (own registry, so tests can run several apps). */
export class Metrics {
  readonly registry = new Registry();
  readonly runsFinished: Counter<'status' | 'operation' | 'kind'>;
  readonly bytesWritten: Counter<'operation'>;
  readonly runDuration: Histogram<'operation' | 'status'>;

  constructor(repos: Repositories) {
    collectDefaultMetrics({ register: this.registry, prefix: 'keepwatch_process_' });
    this.runsFinished = new Counter({
      name: 'keepwatch_runs_finished_total',
      help: 'Runs finished by this process, by final status',
      labelNames: ['status', 'operation', 'kind'],
      registers: [this.registry],
    });
    this.bytesWritten = new Counter({
      name: 'keepwatch_bytes_written_total',
      help: 'Bytes written to destinations by this process (after compression and encryption, per destination copy counted once)',
      labelNames: ['operation'],
      registers: [this.registry],
    });
    this.runDuration = new Histogram({
      name: 'keepwatch_run_duration_seconds',
      help: 'Duration of finished runs',
      labelNames: ['operation', 'status'],
      buckets: [1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 21600],
      registers: [this.registry],
    });
    // Read from the database at scrape time, so every server reports the installation's truth.
    new Gauge({
      name: 'keepwatch_runs',
      help: 'Runs in the database by status (all time)',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { status, n } of await repos.runs.countByStatus()) this.set({ status }, n);
      },
    });
    new Gauge({
      name: 'keepwatch_queue_depth',
      help: 'Runs waiting to start (status queued)',
      registers: [this.registry],
      async collect() {
        const rows = await repos.runs.countByStatus();
        this.set(rows.find((r) => r.status === 'queued')?.n ?? 0);
      },
    });
    new Gauge({
      name: 'keepwatch_runs_running',
      help: 'Runs executing now',
      registers: [this.registry],
      async collect() {
        const rows = await repos.runs.countByStatus();
        this.set(rows.find((r) => r.status === 'running')?.n ?? 0);
      },
    });
    new Gauge({
      name: 'keepwatch_backup_stored_bytes',
      help: 'Bytes of stored backups (not deleted)',
      registers: [this.registry],
      async collect() {
        this.set(await repos.backups.totalSize());
      },
    });
  }
}
