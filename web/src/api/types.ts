/** Shapes of the Keepwatch API answers (docs/api-contract.md; /api/openapi.json is the reference). */
import type { Customer, Job, MonitoredJobEntry, Run } from '@core/api-types';
import type { OverrideLevel, OverrideRule } from '@core/override-match';

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

// The answers the CLI reads too are declared once, in the server's pure core (src/core/api-types.ts).
export type * from '@core/api-types';
export type { RunStep as Step } from '@core/api-types';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

// ---- E-mail report monitoring (issue 4; docs/api-contract.md "E-mail report monitoring") ----

export type ReportStatus = 'success' | 'warning' | 'failed';

/** One protected thing a report lists (a VM, a disk, a task...). */
export interface MailObject {
  name: string;
  type: string | null;
  status: ReportStatus | null;
  message: string | null;
}

/** GET /api/inbox: an imported report e-mail that matches no approved job (yet). */
export interface InboxItem {
  id: number;
  from: string;
  subject: string;
  receivedAt: string;
  software: string | null;
  type: string | null;
  jobName: string | null;
  status: ReportStatus | null;
  parsed: boolean;
  parser: string | null;
  parseError: string | null;
  deleted: boolean;
  archivedJobId: number | null;
}

/** GET /api/mail/:id: bodyHtml is sanitised by the server (and still shown only in a sandbox). */
export interface MailDetail extends InboxItem {
  to: string;
  objects: MailObject[];
  details: Record<string, string | number> | null;
  startedAt: string | null;
  endedAt: string | null;
  bodyHtml: string | null;
  bodyText: string | null;
  jobId: number | null;
  runId: number | null;
  customerId: number | null;
}

/** GET /api/parsers (read-only; order = match order, first match wins). */
export interface MailParserInfo {
  order: number;
  name: string;
  software: string;
  types: string[];
  criteria: string;
  enabled: boolean;
}

/** POST /api/inbox/:id/approve. */
export interface ApproveResult {
  job: Job;
  run: Run;
  linked: number;
}

export interface JobCounts {
  backup: number;
  monitored: number;
  system: number;
  total: number;
}

/** GET /api/customers items with their job counts (issue 4). */
export type CustomerWithCounts = Customer & { jobCounts?: JobCounts };

/** POST /api/customers/import (all or nothing). */
export interface CustomerImportResult {
  created: number;
  updated: number;
  errors: { line: number; message: string }[];
}

/** GET /api/monitored-jobs/export; the body of POST /api/monitored-jobs/import. */
export interface MonitoredJobsDocument {
  format: 'keepwatch-monitored-jobs/1';
  jobs: MonitoredJobEntry[];
}

/** POST /api/monitored-jobs/import (all or nothing: with errors nothing is created). */
export interface MonitoredJobsImportResult {
  created: number;
  unchanged: number;
  errors: { index: number; message: string }[];
}

/** How a monitored job is fed and recognised (null for other kinds). */
export interface JobMonitor {
  feed: 'email' | 'heartbeat';
  sender: string | null;
  jobName: string | null;
  subjectPattern: string | null;
  /** Only for admins and operators, else null. */
  pingUrl: string | null;
  /** Heartbeat jobs: seconds a started run waits for its success/fail ping (null for e-mail jobs). */
  maxRunSeconds?: number | null;
}

export interface JobLearnedSchedule {
  kind: 'daily' | 'weekly' | 'monthly' | 'irregular' | 'none';
  text: string;
  days: number[];
  window: { from: string; to: string } | null;
  sampleCount: number;
  learnedAt: string | null;
}

/** A Job with the fields monitored jobs add (optional: older servers and other kinds omit them). */
export type MonitoredJob = Job & {
  software?: string | null;
  backupType?: string | null;
  monitor?: JobMonitor | null;
  learnedSchedule?: JobLearnedSchedule | null;
};

/** A Run with the fields reported runs add (issue 4/5; optional until every server sends them). */
export type ReportedRun = Run & {
  mailId?: number | null;
  objects?: MailObject[];
  effectiveStatus?: RunStatus;
  overridden?: boolean;
};

export type MailImporterKind = 'imap' | 'graph' | 'smtp';

/** GET /api/mail-importers; secrets are write-only (hasSecret says whether one is stored). */
export interface MailImporter {
  id: number;
  name: string;
  kind: MailImporterKind;
  enabled: boolean;
  intervalMinutes: 5 | 15 | 30 | 60;
  config: Record<string, unknown>;
  hasSecret: Record<string, boolean>;
  lastImportAt: string | null;
  lastError: string | null;
}

// ---- Review workflow (issue 5; docs/api-contract.md "Review workflow") ----

/** Who did something; username is null for a user since deleted. */
export interface UserRef {
  id: number;
  username: string | null;
}

/** A run as Run Checks shows it: the review state and the override that changed its status. */
export type CheckedRun = ReportedRun & {
  overrideId?: number | null;
  reviewedAt?: string | null;
  reviewedBy?: UserRef | null;
};

/** The job fields the review answers carry (Run Checks, Daily Jobs). */
export interface ReviewJobSummary {
  id: number;
  name: string;
  kind: Job['kind'];
  customer: { id: number; name: string };
  software: string | null;
  backupType: string | null;
}

/** GET /api/run-checks: one job with unreviewed runs. */
export interface RunCheckJob {
  job: ReviewJobSummary;
  unreviewed: number;
  worstStatus: RunStatus;
  lastRunAt: string;
  statuses: Partial<Record<RunStatus, number>>;
  hasOpenRemark: boolean;
  hasOpenTicket: boolean;
}

export type RunChecksAnswer = Page<RunCheckJob> & { remaining: number };

export interface Remark {
  id: number;
  jobId: number;
  runId: number | null;
  customerId: number;
  text: string;
  startDate: string | null;
  resolvedAt: string | null;
  createdBy: UserRef | null;
  createdAt: string;
}

export type TicketScope =
  | { kind: 'job'; jobId: number; customerId?: number }
  | { kind: 'customer'; customerId: number }
  | { kind: 'object'; jobId: number; objectName: string; customerId?: number };

export interface Ticket {
  id: number;
  code: string;
  description: string;
  activeFrom: string | null;
  startDate: string | null;
  resolvedAt: string | null;
  runId: number | null;
  scopes: TicketScope[];
  createdBy: UserRef | null;
  createdAt: string;
}

/** GET /api/run-checks/jobs/:jobId. */
export interface RunCheckJobDetail {
  job: ReviewJobSummary;
  runs: CheckedRun[];
  remarks: Remark[];
  tickets: Ticket[];
}

export type { OverrideLevel } from '@core/override-match';
export type OverrideStatus = OverrideRule['statuses'][number];
export type ErrorMatch = OverrideRule['errorMatch'];

/** What POST /api/overrides, PATCH and "Mark as success" accept (GET /api/runs/:id/override-draft answers it). */
export interface OverrideInput {
  level?: OverrideLevel;
  customerId?: number | null;
  jobId?: number | null;
  objectName?: string | null;
  software?: string | null;
  backupType?: string | null;
  jobNamePattern?: string | null;
  statuses?: OverrideStatus[];
  errorMatch?: ErrorMatch;
  errorText?: string;
  treatAsSuccess?: boolean;
  validFrom?: string | null;
  validUntil?: string | null;
  comment?: string;
}

/** The matcher's rule (src/core/override-match.ts) as the API shows it: dates as ISO text. */
export interface Override extends Omit<OverrideRule, 'validFrom' | 'validUntil'> {
  level: OverrideLevel;
  validFrom: string | null;
  validUntil: string | null;
  comment: string;
  createdBy: UserRef | null;
  createdAt: string;
  updatedAt: string;
}

/** POST /api/runs/:id/mark-success. */
export interface MarkSuccessResult {
  run: CheckedRun;
  override: Override | null;
}

export type DailyStatus = 'success' | 'warning' | 'failed' | 'missed' | 'expected';

/** GET /api/daily-jobs items: one job expected on the date. */
export interface DailyJob {
  job: ReviewJobSummary;
  scheduleText: string;
  slots: { from: string; to: string }[];
  lastRun: CheckedRun | null;
  status: DailyStatus;
  overridden: boolean;
  reviewed: boolean;
  hasOpenRemark: boolean;
  hasOpenTicket: boolean;
}

export interface DailyJobsAnswer {
  date: string;
  timezone: string;
  items: DailyJob[];
}

/** Jobs carry the remark (💬) and ticket (🎫) indicators since issue 5. */
export type JobWithIndicators = Job & { hasOpenRemark?: boolean; hasOpenTicket?: boolean };
