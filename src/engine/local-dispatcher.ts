import type { Repositories } from '../db/repositories/repositories.js';
import type { Dispatcher } from './dispatcher.js';
import type { Runner } from './runner.js';

const POLL_MS = 2000;

/**
 * In-process dispatcher: at most `maxConcurrent()` runs at once, oldest queued first. It also
 * polls, because runs can be queued by another process (an API-only node, a scheduler
 * elsewhere) whose events never reach this one.
 */
export class LocalDispatcher implements Dispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly starting = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;
  private again = false;
  private stopped = true;

  constructor(
    private readonly repos: Repositories,
    private readonly runner: Runner,
    private readonly maxConcurrent: () => Promise<number>,
    private readonly onError: (err: Error) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump()
      .catch((err: Error) => this.onError(err))
      .finally(() => {
        this.pumping = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async pump(): Promise<void> {
    const max = await this.maxConcurrent();
    const free = max - this.inFlight.size;
    if (free <= 0) return;
    const queued = await this.repos.runs.queued(free + this.starting.size);
    for (const run of queued) {
      if (this.stopped || this.inFlight.size >= max) break;
      if (this.starting.has(run.id)) continue;
      this.starting.add(run.id);
      const p: Promise<void> = this.runner
        .execute(run.id)
        .catch((err: Error) => this.onError(err))
        .finally(() => {
          this.starting.delete(run.id);
          this.inFlight.delete(p);
          this.wake();
        });
      this.inFlight.add(p);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Waits for runs in flight (used by tests and graceful shutdown after the runner stopped them). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
