/**
 * The vocabulary shared by every layer: kinds of jobs, run statuses, compression,
 * schedules and retention policies. Plain data, no behaviour.
 */

export const JOB_KINDS = ['backup', 'monitored', 'system'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const RUN_STATUSES = [
  'queued',
  'running',
  'success',
  'warning',
  'failed',
  'timed_out',
  'cancelled',
  'missed',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RUN_TRIGGERS = [
  'schedule',
  'manual',
  'api',
  'retry',
  'site',
  'catch_up',
  'system',
  // Runs recorded rather than executed: a report e-mail, a heartbeat ping, a slot that passed without either.
  'email',
  'heartbeat',
  'missed',
] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const COMPRESSIONS = ['none', 'gzip', 'brotli', 'zstd'] as const;
export type CompressionAlgorithm = (typeof COMPRESSIONS)[number];

export interface CompressionSettings {
  algorithm: CompressionAlgorithm;
  /** gzip 1–9 (default 6), brotli 0–11 (default 5), zstd 1–19 (default 3); ignored for none. */
  level?: number;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When a job runs. Time zones are IANA names ("Europe/Paris"); default is the instance zone. */
export type Schedule =
  | { type: 'manual' }
  | { type: 'cron'; expression: string; timezone: string }
  | { type: 'weekly'; days: Weekday[]; times: string[]; timezone: string }
  | { type: 'interval'; everySeconds: number }
  | { type: 'automatic' };

/** Per-destination retention. GFS counts are how many of each bucket to keep (0 = none). */
export type RetentionPolicy =
  | { type: 'none' }
  | { type: 'keep_last'; count: number }
  | { type: 'gfs'; daily: number; weekly: number; monthly: number; yearly: number };

export const NOTIFY_CONDITIONS = ['always', 'success', 'failure', 'warning', 'changed', 'missed'] as const;
export type NotifyCondition = (typeof NOTIFY_CONDITIONS)[number];

export const ROLES = ['admin', 'operator', 'reporter', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Dump and upload happen in one streamed pass; "upload" is the commit (fsync + rename, multipart completion). */
export const PIPELINE_STEPS = ['initialize', 'dump', 'upload', 'verify', 'complete', 'retention'] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];
