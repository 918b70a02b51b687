import type { Repositories } from '../db/repositories/repositories.js';
import type { RunRow } from '../db/schema.js';
import type { RunEvents } from '../services/run-events.js';
import type { StepRecord } from '../services/run.service.js';

export type StopReason = 'cancelled' | 'timed_out' | 'shutdown';

const FLUSH_MS = 500;
const HEARTBEAT_MS = 2000;

/**
 * Everything an operation needs while it runs: a signal that aborts on cancel/timeout/shutdown,
 * step bookkeeping, progress counters and an append-only log. Progress and log lines are
 * batched to the database every half second and pushed to the event bus for live views, so a
 * fast dump does not turn into thousands of row updates.
 */
export class RunContext {
  readonly controller = new AbortController();
  stopReason: StopReason | null = null;
  bytesRead = 0;
  bytesWritten = 0;
  step: string | null = null;
  private readonly steps: StepRecord[];
  private pendingLogs: { run_id: number; at: number; level: string; message: string }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastHeartbeat = 0;
  private flushing: Promise<void> = Promise.resolve();
  readonly startedAt: number;

  constructor(
    readonly run: RunRow,
    private readonly repos: Repositories,
    private readonly events: RunEvents,
    private readonly clock: () => number,
    stepNames: readonly string[],
  ) {
    this.startedAt = clock();
    this.steps = stepNames.map((name) => ({ name, status: 'pending', startedAt: null, finishedAt: null }));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get runId(): number {
    return this.run.id;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  stop(reason: StopReason): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.controller.abort(
      new Error(
        reason === 'timed_out' ? 'run timed out' : reason === 'cancelled' ? 'run cancelled' : 'server shutting down',
      ),
    );
  }

  log = (level: 'info' | 'warn' | 'error', message: string): void => {
    const at = this.clock();
    this.pendingLogs.push({ run_id: this.run.id, at, level, message });
    this.events.emit('log', { runId: this.run.id, id: null, at, level, message });
  };

  beginStep(name: string): void {
    this.finishStep('done');
    const s = this.steps.find((x) => x.name === name);
    if (s) {
      s.status = 'running';
      s.startedAt = this.clock();
    }
    this.step = name;
    this.log('info', `step: ${name}`);
    this.emitProgress();
  }

  /** Marks the current step, and any never started, when the run ends. */
  finishStep(status: 'done' | 'failed' | 'skipped'): void {
    const s = this.steps.find((x) => x.status === 'running');
    if (s) {
      s.status = status;
      s.finishedAt = this.clock();
    }
  }

  skipRemaining(): void {
    for (const s of this.steps) if (s.status === 'pending') s.status = 'skipped';
  }

  addRead(n: number): void {
    this.bytesRead += n;
  }

  addWritten(n: number): void {
    this.bytesWritten += n;
  }

  private emitProgress(): void {
    const elapsedMs = this.clock() - this.startedAt;
    this.events.emit('progress', {
      runId: this.run.id,
      step: this.step,
      bytesRead: this.bytesRead,
      bytesWritten: this.bytesWritten,
      rate: elapsedMs > 0 ? Math.round((this.bytesRead * 1000) / elapsedMs) : 0,
      elapsedMs,
    });
  }

  /** Writes progress, steps and buffered log lines; also the heartbeat other nodes rely on. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const logs = this.pendingLogs;
      this.pendingLogs = [];
      const now = this.clock();
      try {
        await this.repos.runs.appendLogs(logs);
        await this.repos.runs.update(this.run.id, {
          step: this.step,
          steps: JSON.stringify(this.steps),
          bytes_read: this.bytesRead,
          bytes_written: this.bytesWritten,
          ...(now - this.lastHeartbeat >= HEARTBEAT_MS ? { heartbeat_at: now } : {}),
        });
        if (now - this.lastHeartbeat >= HEARTBEAT_MS) {
          this.lastHeartbeat = now;
          // Another process may have asked for cancellation (API node ≠ worker node).
          const row = await this.repos.runs.get(this.run.id);
          if (row?.cancel_requested_at) this.stop('cancelled');
        }
      } catch {
        // A failed progress write must not fail the backup; the lines are retried next time.
        this.pendingLogs = logs.concat(this.pendingLogs);
      }
      this.emitProgress();
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  stepsJson(): string {
    return JSON.stringify(this.steps);
  }
}
