/** Shapes of the Keepwatch API answers (docs/api-contract.md; /api/openapi.json is the reference). */
export type RunStatus = 'queued' | 'running' | 'success' | 'warning' | 'failed' | 'timed_out' | 'cancelled' | 'missed';
export type JobStatus = 'active' | 'disabled' | 'running' | 'failed' | 'archived';

export type Schedule =
  | { type: 'manual' }
  | { type: 'cron'; expression: string; timezone: string }
  | { type: 'weekly'; days: string[]; times: string[]; timezone: string }
  | { type: 'interval'; everySeconds: number }
  | { type: 'automatic' };

export type Retention =
  | { type: 'none' }
  | { type: 'keep_last'; count: number }
  | { type: 'gfs'; daily: number; weekly: number; monthly: number; yearly: number };

export interface User {
  id: number | null;
  username: string;
  role: 'admin' | 'operator' | 'reporter' | 'viewer';
  allCustomers: boolean;
  customerIds: number[];
}

export interface Customer {
  id: number;
  name: string;
  slug: string;
  active: boolean;
  timezone: string | null;
}

export interface Step {
  name: string;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Run {
  id: number;
  jobId: number;
  jobName: string | null;
  customerId: number;
  operation: 'backup' | 'restore' | 'verify' | 'system';
  status: RunStatus;
  statusLabel: string;
  trigger: string;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  step: string | null;
  steps: Step[];
  bytesRead: number;
  bytesWritten: number;
  rate: number;
  error: string | null;
  backupIds: number[];
}

export interface Job {
  id: number;
  kind: 'backup' | 'monitored' | 'system';
  name: string;
  description: string;
  customer: { id: number; name: string; slug: string };
  enabled: boolean;
  archived: boolean;
  status: JobStatus;
  activeRunId: number | null;
  schedule: Schedule;
  scheduleText: string;
  nextRunAt: string | null;
  lastRun: Run | null;
  source: { id: number; name: string; kind: string } | null;
  database: string | null;
  destinations: { id: number; name: string; kind: string; retention: Retention }[];
  compression: { algorithm: string; level?: number } | null;
  encryptionProfile: { id: number; name: string } | null;
  timeoutSeconds: number | null;
  notifications: { channel: { id: number; name: string; kind: string }; condition: string }[];
  createdAt: string;
  updatedAt: string;
}

export interface Backup {
  id: number;
  runId: number;
  jobId: number;
  jobName: string;
  customerId: number;
  destination: { id: number; name: string; kind: string };
  key: string;
  size: number;
  rawSize: number;
  sha256: string;
  compression: string;
  encrypted: boolean;
  keyId: string | null;
  createdAt: string;
  pinned: boolean;
  verifiedAt: string | null;
}

export interface Resource {
  id: number;
  customerId: number;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  secretFields: string[];
  hasSecret: Record<string, boolean>;
}

export interface EncryptionProfile {
  id: number;
  customerId: number;
  name: string;
  keyId: string;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface LogLine {
  id: number;
  at: string;
  level: string;
  message: string;
}
