/**
 * The run status model of SPEC §1, shared by backup, monitored and system jobs:
 *
 *   queued ──► running ──► success | warning | failed | timed_out | cancelled
 *      └─────────────────► timed_out | cancelled
 *   missed is created directly (a monitored job's expected slot passed with no report).
 */
import type { RunStatus } from './domain.js';
import { RUN_STATUSES } from './domain.js';
import { ValidationError } from './errors.js';

export type JobStatus = 'active' | 'disabled' | 'running' | 'failed' | 'archived';

const TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'timed_out', 'cancelled'],
  running: ['success', 'warning', 'failed', 'timed_out', 'cancelled'],
  success: [],
  warning: [],
  failed: [],
  timed_out: [],
  cancelled: [],
  missed: [],
};

/** Worst first. Active statuses rank below every outcome: they have not failed (yet). */
const SEVERITY: readonly RunStatus[] = [
  'failed',
  'timed_out',
  'missed',
  'cancelled',
  'warning',
  'success',
  'running',
  'queued',
];

const LABELS: Readonly<Record<RunStatus, string>> = {
  queued: 'Pending',
  running: 'In progress',
  success: 'Success',
  warning: 'Warning',
  failed: 'Failed',
  timed_out: 'Timed out',
  cancelled: 'Cancelled',
  missed: 'Missed',
};

// A job whose last run timed out or was missed is as broken as one whose run failed; a
// cancelled run is a person's choice, not a fault of the job.
const FAILING: ReadonlySet<RunStatus> = new Set<RunStatus>(['failed', 'timed_out', 'missed']);

export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && (RUN_STATUSES as readonly string[]).includes(value);
}

/** A terminal run never changes status again. */
export function isTerminal(status: RunStatus): boolean {
  return status !== 'queued' && status !== 'running';
}

/** Queued or running: the job is busy and a schedule fire must not start a second run. */
export function isActive(status: RunStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** Same-status "transitions" are refused so that a double update is noticed, not ignored. */
export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: RunStatus, to: RunStatus): void {
  if (canTransition(from, to)) return;
  const allowed = TRANSITIONS[from];
  const hint =
    allowed.length === 0 ? `a ${statusLabel(from).toLowerCase()} run is finished` : `allowed: ${allowed.join(', ')}`;
  throw new ValidationError(`run status cannot change from ${from} to ${to} (${hint})`, { from, to });
}

/** The worst of several statuses (failed > timed_out > missed > cancelled > warning > success); null if none. */
export function worstStatus(statuses: Iterable<RunStatus>): RunStatus | null {
  let worst: RunStatus | null = null;
  for (const status of statuses) {
    if (worst === null || SEVERITY.indexOf(status) < SEVERITY.indexOf(worst)) worst = status;
  }
  return worst;
}

/** Words for people: "Pending", "In progress", "Timed out". */
export function statusLabel(status: RunStatus): string {
  return LABELS[status];
}

export interface JobStatusInput {
  enabled: boolean;
  archived: boolean;
  /** A run of the job is queued or running. */
  activeRun: boolean;
  lastRunStatus: RunStatus | null | undefined;
}

/**
 * The badge shown for a job (SPEC §2 "Job status"). Precedence: archived, then running
 * (a disabled job can still be run by hand, and that run is what the user wants to see),
 * then disabled (the user turned it off on purpose, so a stale failure is not news), then
 * failed (last finished run failed, timed out or was missed), else active.
 */
export function jobStatus(input: JobStatusInput): JobStatus {
  if (input.archived) return 'archived';
  if (input.activeRun) return 'running';
  if (!input.enabled) return 'disabled';
  if (input.lastRunStatus != null && FAILING.has(input.lastRunStatus)) return 'failed';
  return 'active';
}

const JOB_STATUS_LABELS: Readonly<Record<JobStatus, string>> = {
  active: 'Active',
  disabled: 'Disabled',
  running: 'Running',
  failed: 'Failed',
  archived: 'Archived',
};

export function jobStatusLabel(status: JobStatus): string {
  return JOB_STATUS_LABELS[status];
}
