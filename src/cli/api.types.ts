/**
 * The API's response shapes as the CLI reads them (docs/api-contract.md). Hand-typed on
 * purpose: the CLI depends on the wire format, never on server modules.
 */
export interface Ref {
  id: number;
  name: string;
  kind?: string;
}

export interface User {
  id: number;
  username: string;
  role: string;
  allCustomers?: boolean;
  customerIds?: number[];
}

export interface Customer {
  id: number;
  name: string;
  slug: string;
}

export interface RunStep {
  name: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Run {
  id: number;
  jobId: number;
  jobName: string;
  customerId: number;
  operation: string;
  status: string;
  statusLabel?: string;
  trigger: string;
  queuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  step: string | null;
  steps: RunStep[];
  bytesRead: number | null;
  bytesWritten: number | null;
  rate: number | null;
  error: string | null;
  backupIds: number[];
}

export interface Job {
  id: number;
  kind: string;
  name: string;
  description: string | null;
  customer: Customer;
  enabled: boolean;
  archived: boolean;
  status: string;
  schedule: unknown;
  scheduleText: string;
  nextRunAt: string | null;
  lastRun: Run | null;
  source: Ref | null;
  destinations: (Ref & { retention?: unknown })[];
  compression: { algorithm: string; level?: number | null };
  encryptionProfile: Ref | null;
  timeoutSeconds: number | null;
  notifications: { channel: Ref; condition: string }[];
  createdAt: string;
  updatedAt: string;
}

export interface Backup {
  id: number;
  runId: number;
  jobId: number;
  jobName: string;
  customerId: number;
  destination: Ref;
  key: string;
  size: number;
  rawSize: number | null;
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
  name: string;
  customerId: number;
  kind: string;
  config: Record<string, unknown>;
  hasSecret?: Record<string, boolean>;
}

export interface EncryptionProfile {
  id: number;
  name: string;
  customerId?: number | null;
  keyId?: string;
  createdAt?: string;
}

export interface LogLine {
  id: number;
  at: string;
  level: string;
  message: string;
}

export interface Progress {
  step: string | null;
  bytesRead: number | null;
  bytesWritten: number | null;
  rate: number | null;
  elapsedMs: number | null;
}

export interface ConfigChange {
  kind: string;
  name: string;
  action: string;
}
