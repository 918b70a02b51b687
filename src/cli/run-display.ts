import cliProgress from 'cli-progress';
import type { LogLine, Progress, Run } from './api.types.js';
import type { RunObserver } from './run-follower.js';
import { formatBytes, formatDuration, formatTimestamp } from './output.format.js';

export interface RunDisplay extends RunObserver {
  /** Stops any live output; call before printing the final line. */
  stop(): void;
}

export interface DisplayOptions {
  /** Live bar (a terminal) or periodic lines (a pipe, a CI log). */
  tty: boolean;
  /** False for `--no-progress`: log lines only. */
  progress: boolean;
  /** Seconds between progress lines when not on a terminal. */
  lineIntervalMs?: number;
  write?: (text: string) => void;
}

export function formatLogLine(line: LogLine): string {
  return `${formatTimestamp(line.at)} ${line.level.toUpperCase().padEnd(5)} ${line.message}`;
}

export function formatProgressLine(progress: Progress): string {
  return (
    `[${progress.step ?? 'starting'}] read ${formatBytes(progress.bytesRead)}, written ${formatBytes(progress.bytesWritten)}, ` +
    `${formatBytes(progress.rate)}/s, ${formatDuration(progress.elapsedMs)} elapsed`
  );
}

/** "run #12 success in 1m 05s (1.2 GiB read, 400 MiB written)" plus the error, if any. */
export function formatFinalLine(run: Run): string {
  const sizes =
    run.bytesRead || run.bytesWritten
      ? ` (${formatBytes(run.bytesRead ?? 0)} read, ${formatBytes(run.bytesWritten ?? 0)} written)`
      : '';
  const error = run.error ? `: ${run.error}` : '';
  return `${run.operation} run #${run.id} of ${run.jobName}: ${run.statusLabel ?? run.status} in ${formatDuration(run.durationMs)}${sizes}${error}`;
}

export function createRunDisplay(options: DisplayOptions): RunDisplay {
  return options.tty && options.progress ? barDisplay() : lineDisplay(options);
}

/** Log lines, and on a pipe a progress line every few seconds so CI logs show signs of life. */
function lineDisplay(options: DisplayOptions): RunDisplay {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const interval = options.lineIntervalMs ?? 5000;
  let lastProgressAt = 0;
  let lastStep: string | null = null;
  const stepChanged = (step: string | null, status: string): void => {
    if (step === lastStep || !step || status !== 'running') return;
    lastStep = step;
    write(`step: ${step}\n`);
  };
  return {
    snapshot: (run) => {
      write(`${run.operation} run #${run.id} of ${run.jobName}: ${run.status}\n`);
      stepChanged(run.step, run.status);
    },
    status: (run) => stepChanged(run.step, run.status),
    log: (line) => write(`${formatLogLine(line)}\n`),
    progress: (progress) => {
      // Nothing moved yet (queued, initializing): a line of zeros says nothing.
      if (!options.progress || !progress.bytesRead) return;
      const now = Date.now();
      if (now - lastProgressAt < interval) return;
      lastProgressAt = now;
      write(`${formatProgressLine(progress)}\n`);
    },
    stop: () => undefined,
  };
}

/** One live line: a bar over the pipeline's steps, then bytes, rate and a ticking clock. */
function barDisplay(): RunDisplay {
  const state = {
    status: 'queued',
    step: '',
    done: 0,
    total: 1,
    bytesRead: 0,
    bytesWritten: 0,
    rate: 0,
    startedAt: undefined as number | undefined,
  };
  const multibar = new cliProgress.MultiBar({
    // Most important first: a narrow terminal cuts the end of the line.
    format: (_options, params) => {
      const width = 12;
      const filled = Math.round((params.value / Math.max(params.total, 1)) * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const elapsed = state.startedAt === undefined ? '-' : formatDuration(Date.now() - state.startedAt);
      const step = state.status === 'running' ? state.step || 'starting' : state.status;
      return (
        `${bar} ${step} ${state.done}/${state.total} ${elapsed} | read ${formatBytes(state.bytesRead)} | ` +
        `written ${formatBytes(state.bytesWritten)} | ${formatBytes(state.rate)}/s`
      );
    },
    hideCursor: true,
    clearOnComplete: true,
    linewrap: true,
    fps: 4,
  });
  const bar = multibar.create(1, 0);
  let stopped = false;
  const fromRun = (run: Run): void => {
    state.status = run.status;
    state.step = run.step ?? state.step;
    if (run.steps.length > 0) {
      state.total = run.steps.length;
      state.done = run.steps.filter((step) => step.status !== 'pending' && step.status !== 'running').length;
    }
    if (run.startedAt) state.startedAt = Date.parse(run.startedAt);
    state.bytesRead = run.bytesRead ?? state.bytesRead;
    state.bytesWritten = run.bytesWritten ?? state.bytesWritten;
    state.rate = run.rate ?? state.rate;
    bar.setTotal(state.total);
    bar.update(state.done);
  };
  return {
    snapshot: fromRun,
    status: fromRun,
    log: (line) => multibar.log(`${formatLogLine(line)}\n`),
    progress: (progress) => {
      // Fields are null before the first byte moves; keep what is known.
      state.step = progress.step ?? state.step;
      state.bytesRead = progress.bytesRead ?? state.bytesRead;
      state.bytesWritten = progress.bytesWritten ?? state.bytesWritten;
      state.rate = progress.rate ?? state.rate;
      if (progress.elapsedMs != null) state.startedAt ??= Date.now() - progress.elapsedMs;
      bar.update(state.done);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      // Log lines wait in a buffer for the next frame; a run that ends between two frames
      // would lose them, so draw once more before stopping.
      if (multibar.isActive) multibar.update();
      multibar.stop();
    },
  };
}
