import type { CompressionSettings, NotifyCondition, RetentionPolicy } from '../core/domain.js';

/** Settings of a `backup` job, stored as JSON in jobs.config. */
export interface BackupJobConfig {
  sourceId: number;
  compression: CompressionSettings;
  encryptionProfileId: number | null;
  timeoutSeconds: number;
  /**
   * The "implausibly small dump" rule: fail when the raw dump is below `minBytes`, or below
   * `minRatio` × the median raw size of the last successful runs (0 turns the ratio off).
   */
  sizeCheck: { minBytes: number; minRatio: number };
  /** Optional override of the source's database (e.g. one of several on a server). */
  database?: string | undefined;
}

/** Settings of a `system` job. */
export interface SystemJobConfig {
  task: string;
}

/** What API clients and YAML send for a job; references may be ids or names. */
export interface JobInput {
  name?: string;
  kind?: string;
  /** Monitored jobs: 'heartbeat' (created through the API) or 'email' (created by approval). */
  feed?: string;
  description?: string;
  customer?: number | string | null;
  customerId?: number | null;
  enabled?: boolean;
  schedule?: unknown;
  source?: number | string;
  sourceId?: number;
  database?: string | null;
  destinations?: { destination?: number | string; destinationId?: number; retention?: unknown }[];
  compression?: unknown;
  encryptionProfile?: number | string | null;
  encryptionProfileId?: number | null;
  timeout?: string | number;
  timeoutSeconds?: number;
  notifications?: { channel?: number | string; channelId?: number; condition?: string; when?: string }[];
  sizeCheck?: { minBytes?: number; minRatio?: number };
  /** Monitored heartbeat jobs: how long a started run may wait for its success/fail ping (60 s–7 days). */
  maxRunSeconds?: number;
  /**
   * The match criteria of a monitored job. They come from the approved report and cannot be
   * edited: PATCH accepts them only to refuse them with a message that says so.
   */
  software?: unknown;
  backupType?: unknown;
  type?: unknown;
  jobName?: unknown;
  sender?: unknown;
  subjectPattern?: unknown;
}

/** Fields only monitored jobs know about (refused on backup jobs). */
export const MONITORED_ONLY_FIELDS = [
  'maxRunSeconds',
  'software',
  'backupType',
  'type',
  'jobName',
  'sender',
  'subjectPattern',
] as const;

export interface ResolvedDestination {
  destinationId: number;
  retention: RetentionPolicy;
}

export interface ResolvedNotification {
  channelId: number;
  condition: NotifyCondition;
}

export const DEFAULT_TIMEOUT_SECONDS = 6 * 3600;
export const DEFAULT_SIZE_CHECK = { minBytes: 1, minRatio: 0.1 };
