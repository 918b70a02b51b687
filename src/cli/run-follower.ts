import { ApiError, type ApiClient } from './api-client.js';
import type { LogLine, Progress, Run } from './api.types.js';
import { isTerminalStatus } from './exit-codes.js';

export interface RunObserver {
  snapshot?(run: Run): void;
  progress?(progress: Progress): void;
  log?(line: LogLine): void;
  status?(run: Run): void;
}

export interface FollowOptions {
  /** Log lines up to this id were already shown; later ones are shown once each. */
  afterLogId?: number;
  /** Waits between reconnects (injected so tests need not sleep). */
  sleep?: (ms: number) => Promise<void>;
}

const MAX_RECONNECTS = 20;

/**
 * Follows a run to its end over `GET /api/runs/:id/events` and returns the final Run.
 *
 * The stream is a convenience, not the source of truth: lines logged before the stream
 * opened are fetched from the log endpoint (deduplicated by id), and when the connection
 * drops (a proxy timeout, a server restart) the run record decides whether to reconnect or
 * stop, so a follower never reports a run as finished that is not.
 */
export async function followRun(
  client: ApiClient,
  runId: number,
  observer: RunObserver,
  options: FollowOptions = {},
): Promise<Run> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let lastLogId = options.afterLogId ?? 0;
  const showLog = (line: LogLine): void => {
    if (line.id <= lastLogId) return;
    lastLogId = line.id;
    observer.log?.(line);
  };
  const catchUpLogs = async (): Promise<void> => {
    for (;;) {
      const page = await client.get<{ items: LogLine[]; next?: number | null }>(`/api/runs/${runId}/logs`, {
        after: lastLogId,
        limit: 500,
      });
      const before = lastLogId;
      page.items.forEach(showLog);
      if (page.items.length === 0 || lastLogId === before) return;
    }
  };

  for (let failures = 0; ;) {
    try {
      for await (const message of client.events(`/api/runs/${runId}/events`)) {
        failures = 0;
        const data = parseData(message.data);
        switch (message.event) {
          case 'snapshot':
            observer.snapshot?.(data as Run);
            await catchUpLogs();
            break;
          case 'progress':
            observer.progress?.(data as Progress);
            break;
          case 'log':
            showLog(data as LogLine);
            break;
          case 'status':
            observer.status?.(data as Run);
            break;
          case 'end':
            await catchUpLogs();
            return data as Run;
          case 'error':
            // The server hit a problem reading the run; reconnecting may well succeed.
            throw new Error(`the server stopped the event stream: ${String((data as { message?: unknown }).message)}`);
          default:
            break; // Unknown events are for newer clients.
        }
      }
    } catch (error) {
      failures = countFailure(error, failures);
    }
    try {
      const run = await client.get<Run>(`/api/runs/${runId}`);
      if (isTerminalStatus(run.status)) {
        await catchUpLogs();
        return run;
      }
      observer.status?.(run);
    } catch (error) {
      failures = countFailure(error, failures);
    }
    await sleep(Math.min(1000 * (failures + 1), 5000));
  }
}

/** Rethrows what retrying cannot fix; returns the new count of consecutive failures. */
function countFailure(error: unknown, failures: number): number {
  // A 4xx (no such run, no access) will not get better by retrying.
  if (error instanceof ApiError && error.status < 500) throw error;
  if (failures + 1 > MAX_RECONNECTS) throw error;
  return failures + 1;
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return {};
  }
}
