import type { AuthService } from '../services/auth.service.js';
import type { BackupService } from '../services/backup.service.js';
import type { ConfigService } from '../services/config.service.js';
import type { CustomerService } from '../services/customer.service.js';
import type { DashboardService } from '../services/dashboard.service.js';
import type { EncryptionProfileService } from '../services/encryption-profile.service.js';
import type { HeartbeatService } from '../services/heartbeat.service.js';
import type { JobService } from '../services/job.service.js';
import type { MailImporterService } from '../services/mail-importer.service.js';
import type { InboxService } from '../services/inbox.service.js';
import type { MailService } from '../services/mail.service.js';
import type { MonitoredJobService } from '../services/monitored-job.service.js';
import type { ParserService } from '../services/parser.service.js';
import type { ResourceService } from '../services/resource.service.js';
import type { RunEvents } from '../services/run-events.js';
import type { RunService } from '../services/run.service.js';
import type { SettingsService } from '../services/settings.service.js';
import type { AuditService } from '../services/audit.service.js';
import type { DailyJobsService } from '../services/daily-jobs.service.js';
import type { OverrideService } from '../services/override.service.js';
import type { RemarkService } from '../services/remark.service.js';
import type { ReviewService } from '../services/review.service.js';
import type { TicketService } from '../services/ticket.service.js';
import type { Actor } from '../services/access.js';

/** The use cases the HTTP layer may call; routes never reach the database or adapters directly. */
export interface ApiServices {
  auth: AuthService;
  customers: CustomerService;
  sources: ResourceService;
  destinations: ResourceService;
  channels: ResourceService;
  profiles: EncryptionProfileService;
  jobs: JobService;
  runs: RunService;
  dashboard: DashboardService;
  backups: BackupService;
  config: ConfigService;
  settings: SettingsService;
  audit: AuditService;
  events: RunEvents;
  /** E-mail report ingest (uploads and mail importers). */
  mail: MailService;
  /** The Inbox of unmatched report e-mails: approve, re-parse, delete, restore. */
  inbox: InboxService;
  /** Export and import of monitored jobs. */
  monitoredJobs: MonitoredJobService;
  /** IMAP / Graph mailboxes and the SMTP receiver. */
  mailImporters: MailImporterService;
  /** /ping/<token> of heartbeat-fed monitored jobs. */
  heartbeats: HeartbeatService;
  parsers: ParserService;
  /** Review workflow: Run Checks, overrides, remarks, tickets, Daily Jobs. */
  review: ReviewService;
  overrides: OverrideService;
  remarks: RemarkService;
  tickets: TicketService;
  dailyJobs: DailyJobsService;
  /** Test-only hooks such as the source "test connection" and channel "send test". */
  testSource(actor: Actor, ref: number | string): Promise<{ ok: boolean; message: string; serverVersion?: string }>;
  testChannel(actor: Actor, ref: number | string): Promise<{ ok: boolean; message: string }>;
  health(): Promise<{ ok: boolean; checks: Record<string, string> }>;
  metrics(): Promise<{ contentType: string; body: string }>;
}
