/**
 * The REST API's answer shapes that both clients read, the CLI (src/cli/api.types.ts) and the
 * web UI (web/src/api/types.ts, through the alias '@core'): one declaration of the wire format
 * (docs/api-contract.md; /api/openapi.json is the reference), as the server's DTO builders
 * return it (runDto, JobService.dto, backupDto, customerDto...). Pure types: no server module,
 * nothing that runs.
 */
import type { JobKind, RetentionPolicy, Role, RunStatus, Schedule } from './domain.js';
import type { JobStatus } from './run-status.js';

/** GET /api/auth/me (id is null for an actor that is no stored user, e.g. a system token). */
export interface User {
  id: number | null;
  username: string;
  role: Role;
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

export interface RunStep {
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
  steps: RunStep[];
  bytesRead: number;
  bytesWritten: number;
  rate: number;
  error: string | null;
  backupIds: number[];
  /** A cancel was asked for and the run has not ended yet. */
  cancelRequested: boolean;
}

export interface Job {
  id: number;
  kind: JobKind;
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
  destinations: { id: number; name: string; kind: string; retention: RetentionPolicy }[];
  compression: { algorithm: string; level?: number } | null;
  encryptionProfile: { id: number; name: string } | null;
  timeoutSeconds: number | null;
  /** Backup jobs: the smallest plausible dump (bytes, and compressed/raw ratio); null otherwise. */
  sizeCheck: { minBytes: number; minRatio: number } | null;
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

/** Sources, destinations, channels: secret fields are never returned, only flagged. */
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

export interface LogLine {
  id: number;
  at: string;
  level: string;
  message: string;
}

export type MailImportOutcome = 'linked' | 'inbox' | 'duplicate' | 'rejected';

/** POST /api/mail/import: what became of one uploaded .eml file. */
export interface MailImportResult {
  file: string;
  outcome: MailImportOutcome;
  mailId: number | null;
  jobId: number | null;
  runId: number | null;
  error: string | null;
}

/** One entry of GET /api/monitored-jobs/export (`customer` = customer name). */
export interface MonitoredJobEntry {
  customer: string;
  name: string;
  feed: 'email' | 'heartbeat';
  software: string | null;
  type: string | null;
  sender: string | null;
  jobName: string | null;
  subjectPattern: string | null;
  archived: boolean;
}
