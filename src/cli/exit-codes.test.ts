import { describe, expect, it } from 'vitest';
import { RUN_STATUSES } from '../core/domain.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_WARNING, exitCodeForRunStatus, isTerminalStatus } from './exit-codes.js';

describe('exitCodeForRunStatus', () => {
  it('is 0 only on success, 2 on warning and 1 for every other status', () => {
    const codes = Object.fromEntries(RUN_STATUSES.map((status) => [status, exitCodeForRunStatus(status)]));
    expect(codes).toEqual({
      queued: EXIT_FAILURE,
      running: EXIT_FAILURE,
      success: EXIT_OK,
      warning: EXIT_WARNING,
      failed: EXIT_FAILURE,
      timed_out: EXIT_FAILURE,
      cancelled: EXIT_FAILURE,
      missed: EXIT_FAILURE,
    });
  });

  it('treats an unknown status as a failure', () => expect(exitCodeForRunStatus('exploded')).toBe(1));
});

describe('isTerminalStatus', () => {
  it('knows which statuses end a run', () => {
    expect(RUN_STATUSES.filter(isTerminalStatus)).toEqual([
      'success',
      'warning',
      'failed',
      'timed_out',
      'cancelled',
      'missed',
    ]);
  });
});
