import { EventEmitter } from 'node:events';

export interface RunProgressEvent {
  runId: number;
  step: string | null;
  bytesRead: number;
  bytesWritten: number;
  rate: number;
  elapsedMs: number;
}

export interface RunLogEvent {
  runId: number;
  id: number | null;
  at: number;
  level: string;
  message: string;
}

export interface RunEventMap {
  progress: [RunProgressEvent];
  log: [RunLogEvent];
  /** The run row changed status (queued → running → terminal). */
  status: [{ runId: number; status: string }];
  /** Somebody asked to cancel a running run. */
  cancel: [{ runId: number }];
  /** A run was queued; dispatchers wake up. */
  queued: [{ runId: number }];
}

/**
 * The one in-process event bus for live run updates. Listeners are SSE streams, the
 * dispatcher and the metrics. The database stays the source of truth: a listener that misses
 * events (another process ran the run) catches up by reading the run and its log table.
 */
export class RunEvents extends EventEmitter<RunEventMap> {
  constructor() {
    super();
    // One SSE stream per watching client; hundreds are normal.
    this.setMaxListeners(0);
  }
}
