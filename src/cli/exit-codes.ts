/**
 * Exit codes are part of the CLI's contract: scripts and cron wrappers branch on them.
 * A warning run produced a usable backup, so it gets its own code rather than "failed".
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_WARNING = 2;

const TERMINAL_STATUSES = new Set(['success', 'warning', 'failed', 'timed_out', 'cancelled', 'missed']);

export function isTerminalStatus(status: string): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** The exit code for a finished run: 0 only on success, 2 on warning, 1 for everything else. */
export function exitCodeForRunStatus(status: string): number {
  if (status === 'success') return EXIT_OK;
  if (status === 'warning') return EXIT_WARNING;
  return EXIT_FAILURE;
}
