import { describe, expect, it } from 'vitest';
import type { RunStatus } from './domain.js';
import { RUN_STATUSES } from './domain.js';
import { ValidationError } from './errors.js';
import {
  assertTransition,
  canTransition,
  isActive,
  isRunStatus,
  isTerminal,
  jobStatus,
  jobStatusLabel,
  statusLabel,
  worstStatus,
} from './run-status.js';

const ALLOWED: ReadonlyArray<readonly [RunStatus, RunStatus]> = [
  ['queued', 'running'],
  ['queued', 'timed_out'],
  ['queued', 'cancelled'],
  ['running', 'success'],
  ['running', 'warning'],
  ['running', 'failed'],
  ['running', 'timed_out'],
  ['running', 'cancelled'],
];

describe('transitions', () => {
  const all = RUN_STATUSES.flatMap((from) => RUN_STATUSES.map((to) => [from, to] as const));

  it.each(all)('%s → %s matches the SPEC §1 diagram', (from, to) => {
    const expected = ALLOWED.some(([a, b]) => a === from && b === to);
    expect(canTransition(from, to)).toBe(expected);
    if (expected) expect(() => assertTransition(from, to)).not.toThrow();
    else expect(() => assertTransition(from, to)).toThrow(ValidationError);
  });

  it('explains a refused transition', () => {
    expect(() => assertTransition('success', 'running')).toThrow(
      'run status cannot change from success to running (a success run is finished)',
    );
    expect(() => assertTransition('queued', 'success')).toThrow(/allowed: running, timed_out, cancelled/);
  });
});

describe('isTerminal / isActive', () => {
  it.each(RUN_STATUSES)('%s', (status) => {
    const active = status === 'queued' || status === 'running';
    expect(isActive(status)).toBe(active);
    expect(isTerminal(status)).toBe(!active);
  });

  it('recognises status strings', () => {
    expect(isRunStatus('timed_out')).toBe(true);
    expect(isRunStatus('done')).toBe(false);
    expect(isRunStatus(3)).toBe(false);
  });
});

describe('worstStatus', () => {
  it.each<[RunStatus[], RunStatus | null]>([
    [[], null],
    [['success'], 'success'],
    [['success', 'warning'], 'warning'],
    [['warning', 'cancelled'], 'cancelled'],
    [['cancelled', 'missed'], 'missed'],
    [['missed', 'timed_out'], 'timed_out'],
    [['timed_out', 'failed', 'success'], 'failed'],
    [['running', 'success'], 'success'],
    [['queued', 'running'], 'running'],
  ])('%j → %s', (statuses, expected) => {
    expect(worstStatus(statuses)).toBe(expected);
  });
});

describe('statusLabel', () => {
  it.each<[RunStatus, string]>([
    ['queued', 'Pending'],
    ['running', 'In progress'],
    ['success', 'Success'],
    ['warning', 'Warning'],
    ['failed', 'Failed'],
    ['timed_out', 'Timed out'],
    ['cancelled', 'Cancelled'],
    ['missed', 'Missed'],
  ])('%s → %s', (status, label) => {
    expect(statusLabel(status)).toBe(label);
  });
});

describe('jobStatus', () => {
  const base = {
    enabled: true,
    archived: false,
    activeRun: false,
    lastRunStatus: null,
  };
  it.each([
    [{}, 'active'],
    [{ lastRunStatus: 'success' }, 'active'],
    [{ lastRunStatus: 'warning' }, 'active'],
    [{ lastRunStatus: 'cancelled' }, 'active'],
    [{ lastRunStatus: 'failed' }, 'failed'],
    [{ lastRunStatus: 'timed_out' }, 'failed'],
    [{ lastRunStatus: 'missed' }, 'failed'],
    [{ activeRun: true, lastRunStatus: 'failed' }, 'running'],
    [{ enabled: false, lastRunStatus: 'failed' }, 'disabled'],
    [{ enabled: false, activeRun: true }, 'running'],
    [{ archived: true, activeRun: true }, 'archived'],
    [{ archived: true, enabled: false }, 'archived'],
  ] as const)('%j → %s', (overrides, expected) => {
    const status = jobStatus({ ...base, ...overrides });
    expect(status).toBe(expected);
    expect(jobStatusLabel(status)).toMatch(/^[A-Z][a-z]+$/);
  });
});
