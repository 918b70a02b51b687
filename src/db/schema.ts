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
  /** Backup software and type as shown in lists ("Veeam Backup & Replication", "Backup Job"). */
  software: string | null;
  backup_type: string | null;
  /** Monitored e-mail jobs: lower-cased sender address and job name a report must carry. */
  match_sender: string | null;
  match_job_name: string | null;
  /** Monitored heartbeat jobs: the secret in /ping/<token>. */
  ping_token: string | null;
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
  /** Reported objects (ReportObject[] of core/mail-report.ts) as JSON; '[]' by default. */
  objects: ColumnType<string, string | undefined, string>;
  /** The e-mail this run was recorded from (mail_messages.id). */
  mail_id: number | null;
  /** `success` when an override treats this run as success; null = same as status. */
  effective_status: string | null;
  override_id: number | null;
  reviewed_at: Millis | null;
  reviewed_by: number | null;
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

export interface MailMessagesTable {
  id: Id;
  /** The Message-ID header ('' when absent); with content_hash the identity of a message. */
  message_id: string;
  /** SHA-256 (hex) of the raw message. */
  content_hash: string;
  raw: Buffer;
  size: number;
  from_address: string;
  to_address: string;
  subject: string;
  received_at: Millis;
  imported_at: Millis;
  /** 'upload', 'smtp', 'imap:<importer id>', 'graph:<importer id>', 'heartbeat'... */
  import_source: string;
  /** Name of the parser that matched, or null (unparsed). */
  parser: string | null;
  software: string | null;
  backup_type: string | null;
  job_name: string | null;
  /** success | warning | failed | null */
  status: string | null;
  objects: ColumnType<string, string | undefined, string>;
  /** Other facts the parser found (sizes, durations...) as JSON, or null. */
  details: Json | null;
  started_at: Millis | null;
  ended_at: Millis | null;
  /** Why the message could not be parsed (malformed, no parser matched, too large...). */
  parse_error: string | null;
  parsed_at: Millis | null;
  body_text: string;
  body_html: string | null;
  /** Set once linked to a monitored job (then it is not in the Inbox). */
  job_id: number | null;
  run_id: number | null;
  customer_id: number | null;
  deleted_at: Millis | null;
  deleted_by: number | null;
}

export interface MailImportersTable {
  id: Id;
  name: string;
  /** imap | graph | smtp */
  kind: string;
  enabled: Bool;
  config: Json;
  secrets: string | null;
  interval_minutes: number;
  last_import_at: Millis | null;
  last_error: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface OverridesTable {
  id: Id;
  /** Global overrides: optional criteria. Object-level overrides: job_id (and object_name). */
  customer_id: number | null;
  job_id: number | null;
  object_name: string | null;
  software: string | null;
  backup_type: string | null;
  job_name_pattern: string | null;
  /** JSON array of 'warning' | 'failed'. */
  statuses: Json;
  /** contains | exact | starts_with | ends_with */
  error_match: string;
  error_text: string;
  treat_as_success: Bool;
  valid_from: Millis | null;
  valid_until: Millis | null;
  comment: string;
  created_by: number | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface RemarksTable {
  id: Id;
  customer_id: number;
  job_id: number;
  run_id: number | null;
  text: string;
  start_date: Millis;
  resolved_at: Millis | null;
  created_by: number | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface TicketsTable {
  id: Id;
  code: string;
  description: string;
  active_from: Millis | null;
  start_date: Millis;
  resolved_at: Millis | null;
  run_id: number | null;
  created_by: number | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface TicketScopesTable {
  ticket_id: number;
  /** job | customer | object */
  kind: string;
  customer_id: number;
  job_id: number | null;
  object_name: string | null;
}

export interface LearnedSchedulesTable {
  job_id: number;
  /** daily | weekly | monthly | irregular | none */
  kind: string;
  /** LearnedSchedule (core/schedule-inference.ts) as JSON. */
  schedule: Json;
  timezone: string;
  sample_count: number;
  learned_at: Millis;
  /** Missed-run detection has examined every slot ending before this instant. */
  checked_until: Millis | null;
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
  mail_messages: MailMessagesTable;
  mail_importers: MailImportersTable;
  overrides: OverridesTable;
  remarks: RemarksTable;
  tickets: TicketsTable;
  ticket_scopes: TicketScopesTable;
  learned_schedules: LearnedSchedulesTable;
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
export type MailMessageRow = Selectable<MailMessagesTable>;
export type NewMailMessage = Insertable<MailMessagesTable>;
export type MailImporterRow = Selectable<MailImportersTable>;
export type OverrideRow = Selectable<OverridesTable>;
export type RemarkRow = Selectable<RemarksTable>;
export type TicketRow = Selectable<TicketsTable>;
export type TicketScopeRow = Selectable<TicketScopesTable>;
export type LearnedScheduleRow = Selectable<LearnedSchedulesTable>;
export type JsonText = ColumnType<string, string, string>;
