/**
 * Table types for Kysely. The same schema runs on SQLite and PostgreSQL, so columns use the
 * common denominator: times are epoch milliseconds (integers), booleans are 0/1 integers and
 * structured values are JSON text. That keeps query results identical on both dialects.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Id = Generated<number>;
/** Epoch milliseconds. */
type Millis = number;
type Bool = number;
type Json = string;

export interface CustomersTable {
  id: Id;
  name: string;
  slug: string;
  active: Bool;
  timezone: string | null;
  created_at: Millis;
}

export interface UsersTable {
  id: Id;
  username: string;
  password_hash: string | null;
  role: string;
  /** 1 = the role applies to every customer; 0 = only to those in user_customers. */
  all_customers: Bool;
  disabled: Bool;
  created_at: Millis;
}

export interface UserCustomersTable {
  user_id: number;
  customer_id: number;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  created_at: Millis;
  expires_at: Millis;
}

export interface ApiTokensTable {
  id: Id;
  user_id: number;
  name: string;
  token_hash: string;
  /** Narrower than the user's role when set (e.g. a read-only token). */
  role: string | null;
  created_at: Millis;
  expires_at: Millis | null;
  last_used_at: Millis | null;
}

export interface SetupTokensTable {
  token_hash: string;
  user_id: number;
  expires_at: Millis;
}

/** Sources, destinations and notification channels share one shape: kind + config + secrets. */
export interface ConfiguredTable {
  id: Id;
  customer_id: number;
  name: string;
  kind: string;
  /** Non-secret settings as JSON. */
  config: Json;
  /** Secret settings sealed with the master key (SecretBox), or null. */
  secrets: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface EncryptionProfilesTable {
  id: Id;
  customer_id: number;
  name: string;
  key_id: string;
  /** The 32-byte profile key sealed with the master key. */
  key_sealed: string;
  created_at: Millis;
}

export interface JobsTable {
  id: Id;
  customer_id: number;
  kind: string;
  name: string;
  description: string;
  enabled: Bool;
  archived_at: Millis | null;
  deleted_at: Millis | null;
  /** Schedule union (core/domain.ts) as JSON. */
  schedule: Json;
  /** Next fire claimed by compare-and-set (engine/scheduler.ts); null when not scheduled. */
  next_fire_at: Millis | null;
  /** Kind-specific settings as JSON (backup: source, compression, encryption, timeout...). */
  config: Json;
  created_at: Millis;
  updated_at: Millis;
}

export interface JobDestinationsTable {
  job_id: number;
  destination_id: number;
  position: number;
  retention: Json;
}

export interface JobNotificationsTable {
  job_id: number;
  channel_id: number;
  condition: string;
}

export interface JobEventsTable {
  id: Id;
  job_id: number;
  at: Millis;
  level: string;
  message: string;
}

export interface RunsTable {
  id: Id;
  job_id: number;
  customer_id: number;
  /** backup | restore | verify | system ... what the runner does with it. */
  operation: string;
  status: string;
  trigger: string;
  /** Operation parameters (restore target, backup id...) as JSON. */
  params: Json;
  scheduled_for: Millis | null;
  queued_at: Millis;
  started_at: Millis | null;
  finished_at: Millis | null;
  step: string | null;
  /** Steps with their timings, as JSON array. */
  steps: Json;
  bytes_read: number;
  bytes_written: number;
  error: string | null;
  /** Which server/worker claimed it (engine node id). */
  node_id: string | null;
  heartbeat_at: Millis | null;
  cancel_requested_at: Millis | null;
  requested_by: number | null;
}

export interface RunLogsTable {
  id: Id;
  run_id: number;
  at: Millis;
  level: string;
  message: string;
}

export interface BackupsTable {
  id: Id;
  run_id: number;
  job_id: number;
  customer_id: number;
  destination_id: number;
  /** Path of the artifact relative to the destination root. */
  object_key: string;
  size: number;
  raw_size: number;
  sha256: string;
  compression: string;
  encrypted: Bool;
  key_id: string | null;
  extension: string;
  created_at: Millis;
  pinned: Bool;
  verified_at: Millis | null;
  deleted_at: Millis | null;
  metadata: Json;
}

export interface SettingsTable {
  key: string;
  value: Json;
}

export interface NodesTable {
  id: string;
  started_at: Millis;
  heartbeat_at: Millis;
  hostname: string;
  pid: number;
}

export interface AuditLogTable {
  id: Id;
  at: Millis;
  user_id: number | null;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  customer_id: number | null;
  before: Json | null;
  after: Json | null;
}

export interface Database {
  customers: CustomersTable;
  users: UsersTable;
  user_customers: UserCustomersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  setup_tokens: SetupTokensTable;
  sources: ConfiguredTable;
  destinations: ConfiguredTable;
  notification_channels: ConfiguredTable;
  encryption_profiles: EncryptionProfilesTable;
  jobs: JobsTable;
  job_destinations: JobDestinationsTable;
  job_notifications: JobNotificationsTable;
  job_events: JobEventsTable;
  runs: RunsTable;
  run_logs: RunLogsTable;
  backups: BackupsTable;
  settings: SettingsTable;
  nodes: NodesTable;
  audit_log: AuditLogTable;
}

export type CustomerRow = Selectable<CustomersTable>;
export type UserRow = Selectable<UsersTable>;
export type ConfiguredRow = Selectable<ConfiguredTable>;
export type EncryptionProfileRow = Selectable<EncryptionProfilesTable>;
export type JobRow = Selectable<JobsTable>;
export type NewJob = Insertable<JobsTable>;
export type JobUpdate = Updateable<JobsTable>;
export type RunRow = Selectable<RunsTable>;
export type NewRun = Insertable<RunsTable>;
export type RunUpdate = Updateable<RunsTable>;
export type RunLogRow = Selectable<RunLogsTable>;
export type BackupRow = Selectable<BackupsTable>;
export type NewBackup = Insertable<BackupsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type JsonText = ColumnType<string, string, string>;
