/**
 * Hands queued runs to something that executes them. The run row is the single source of
 * truth; a dispatcher only moves run ids. Implementations: `LocalDispatcher` (in-process
 * workers, the embedded default). A BullMQ implementation pushes the id on 'queued' to Redis
 * and its `keepwatch worker` processes call the same `Runner.execute(runId)`.
 */
export interface Dispatcher {
  start(): void;
  /** Something was queued or a slot freed up: look for work now. */
  wake(): void;
  /** Stops taking work; running runs are interrupted by the runner's shutdown. */
  stop(): Promise<void>;
}
