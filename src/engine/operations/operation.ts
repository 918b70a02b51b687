import type { RunContext } from '../run-context.js';
import type { EngineDeps } from '../engine-deps.js';
import type { JobRow } from '../../db/schema.js';

/** How an operation ended when it did not throw. */
export interface OperationOutcome {
  status: 'success' | 'warning';
  /** Summary line stored as the run's message when not a clean success. */
  message?: string;
  backupIds?: number[];
  /** Facts for notifications (sizes, keys...). */
  facts?: Record<string, unknown>;
}

/** A failure the operation diagnosed itself (as opposed to a crash): becomes status `failed`. */
export class RunFailure extends Error {}

export interface Operation {
  readonly steps: readonly string[];
  execute(ctx: RunContext, job: JobRow, deps: EngineDeps): Promise<OperationOutcome>;
}
