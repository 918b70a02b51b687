/**
 * What a report e-mail says, independent of the product that sent it. Parsers
 * (adapters/mail-parsers) turn a decoded message into a ParsedReport; the mail service matches
 * it to a monitored job and records it as a run. Plain data, no behaviour.
 */

export const REPORT_STATUSES = ['success', 'warning', 'failed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** One protected thing a report lists (a VM, a disk, a share, a task...). */
export interface ReportObject {
  name: string;
  /** What kind of object ("VM", "Disk", "Folder", "Task"...), null when the report does not say. */
  type: string | null;
  status: ReportStatus | null;
  /** The report's own words for this object (error or warning text), null when none. */
  message: string | null;
}

/** A decoded message as parsers see it (no I/O, no MIME left to undo). */
export interface MailInput {
  /** Sender address, lower-cased ("veeam@example.com"). */
  from: string;
  /** Display name of the sender, '' when none. */
  fromName: string;
  to: string;
  subject: string;
  /** Plain-text body; when the message only has HTML, a text rendering of it. */
  text: string;
  /** HTML body, or null when the message has none. */
  html: string | null;
  /** Date header in epoch ms, or null. */
  date: number | null;
  /** Header names lower-cased; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** Names of attachments (some products attach the report). */
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

export interface ParsedReport {
  /** Name of the parser that produced it (stable identifier, e.g. "veeam-br"). */
  parser: string;
  /** Backup software as users know it ("Veeam Backup & Replication"). */
  software: string;
  /** Backup type within that software ("Backup Job", "Backup Copy Job"...), null when the product has one kind. */
  type: string | null;
  jobName: string;
  status: ReportStatus;
  objects: ReportObject[];
  startedAt: number | null;
  endedAt: number | null;
  /** Other facts worth keeping: sizes in bytes, durations, the report's summary line... */
  details?: Record<string, string | number>;
  /** The report's overall error or warning text, if any (used by overrides). */
  message?: string | null;
}

/**
 * One product's recogniser. `matches` must be cheap (sender, subject, a marker in the body);
 * `parse` may throw a ParseError-like Error when the message is recognised but unreadable.
 */
export interface ReportParser {
  name: string;
  software: string;
  /** Backup types this parser can report. */
  types: string[];
  /** Human-readable match criteria for the Parsers page ("subject starts with [Success]..."). */
  criteria: string;
  matches(mail: MailInput): boolean;
  parse(mail: MailInput): Omit<ParsedReport, 'parser'>;
}
