import type { MailInput, ParsedReport, ReportObject, ReportParser, ReportStatus } from '../../../core/mail-report.js';

/**
 * Duplicati's send-mail module with its defaults: subject "Duplicati %OPERATIONNAME% report for
 * %backup-name%", body "%RESULT%". The result is a dump of the operation's result object, one
 * "Key: value" per line, nested results indented:
 *
 *   ParsedResult: Warning
 *   EndTime: 15.07.2024 02:01:14 (1721001674)     ← the date is in the server's locale
 *   Warnings: [
 *       2024-07-15 02:00:05 +02 - [Warning-…-FileAccessError]: Failed to process path: …
 *   ]
 *
 * When the operation throws, the body is instead "Failed: <message>", "Details: <exception>"
 * and "Log data:". Times come from the epoch seconds in parentheses; without them, the
 * localised date is read as UTC (see docs/parsers.md).
 */

const SUBJECT =
  /\bDuplicati\b(?:\s+(?<result>Success|Warning|Error|Fatal|Unknown)\s*:)?(?:\s+(?<op>\w+))?\s+report for\s+(?<name>.+?)\s*$/i;

function topLevel(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    // Nested results (DeleteResults, BackendStatistics...) are indented; only the top level counts.
    const m = /^([A-Za-z][A-Za-z0-9]*):[ \t]*(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined && !map.has(m[1])) map.set(m[1], m[2].trim());
  }
  return map;
}

/** The entries of a top-level list such as "Warnings: [ … ]", one per log-line entry. */
function listEntries(text: string, key: string): string[] {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((l) => l.startsWith(`${key}: [`));
  if (at < 0 || (lines[at] ?? '').trim().endsWith('[]')) return [];
  const entries: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (/^\]/.test(line)) break;
    // Each entry starts with its timestamp; continuation lines (stack traces) are left out.
    if (/^\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.test(line)) entries.push(line.trim().replace(/,$/, ''));
  }
  return entries;
}

/** "2024-07-15 02:00:05 +02 - [Warning-X-Y]: text" → "text". */
function entryText(entry: string): string {
  const m = /\]:\s*(.*)$/.exec(entry);
  return (m?.[1] ?? entry).trim();
}

const LOG_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2}):?(\d{2})?\b/;

/** Log-line times carry their UTC offset ("+02"), so these are real instants. */
function logTime(line: string): number | null {
  const m = LOG_TIME.exec(line.trim());
  if (!m) return null;
  const local = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const offset = (Number(m[8]) * 60 + Number(m[9] ?? 0)) * (m[7] === '-' ? -1 : 1);
  const ms = local - offset * 60_000;
  return Number.isFinite(ms) ? ms : null;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * "7/15/2024 2:01:14 AM (1721008874)" → the epoch in parentheses. Without it: US dates with
 * AM/PM are month-first, other slashed dates (fr-FR, en-GB) day-first, dotted dates (de-DE)
 * day-first, ISO dates as written; all read as UTC. Anything else is null.
 */
export function duplicatiTime(value: string | undefined): number | null {
  const v = (value ?? '').trim();
  const epoch = /\((\d{9,11})\)\s*$/.exec(v);
  if (epoch) return Number(epoch[1]) * 1000;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})$/.exec(v);
  if (m) return utc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})\s*([AP]M)$/i.exec(v);
  if (m) {
    const hour = (+m[4]! % 12) + (m[7]!.toUpperCase() === 'PM' ? 12 : 0);
    return utc(+m[3]!, +m[1]!, +m[2]!, hour, +m[5]!, +m[6]!);
  }
  m = /^(\d{1,2})[./](\d{1,2})[./](\d{4}) (\d{1,2}):(\d{2}):(\d{2})$/.exec(v);
  if (m) return utc(+m[3]!, +m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  return null;
}

/** "00:01:12.3456789" or "1.02:03:04.5" (.NET TimeSpan) → seconds. */
function timeSpan(value: string | undefined): number | null {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec((value ?? '').trim());
  if (!m) return null;
  const seconds = Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return Math.round(seconds * 1000) / 1000;
}

const RESULT_STATUS: Readonly<Record<string, ReportStatus>> = {
  success: 'success',
  warning: 'warning',
  error: 'failed',
  fatal: 'failed',
};

function fileObjects(entries: string[], status: ReportStatus): ReportObject[] {
  const objects: ReportObject[] = [];
  for (const entry of entries) {
    const text = entryText(entry);
    const path = /\bpath:\s*(.+?)\s*$/i.exec(text)?.[1];
    if (path) objects.push({ name: path, type: 'File', status, message: text });
  }
  return objects;
}

function parse(mail: MailInput): Omit<ParsedReport, 'parser'> {
  const subject = SUBJECT.exec(mail.subject.trim());
  const jobName = subject?.groups?.name?.trim();
  if (!jobName) {
    throw new Error("no backup name: use the default subject 'Duplicati %OPERATIONNAME% report for %backup-name%'");
  }
  const text = mail.text;
  const top = topLevel(text);
  const operation = top.get('MainOperation') || subject?.groups?.op || 'Backup';

  const details: Record<string, string | number> = {};
  const num = (key: string, from: string) => {
    const v = top.get(from);
    if (v !== undefined && /^\d+$/.test(v)) details[key] = Number(v);
  };

  const failedLine = top.get('Failed');
  if (failedLine !== undefined && !top.has('ParsedResult')) {
    // The operation threw before producing a result object: no counters, only the log.
    const logStart = text.search(/^Log data:/m);
    const times = (logStart >= 0 ? text.slice(logStart) : '')
      .split(/\r?\n/)
      .map(logTime)
      .filter((t): t is number => t !== null);
    const version = top.get('Version');
    if (version) details.version = version;
    return {
      software: 'Duplicati',
      type: operation,
      jobName,
      status: 'failed',
      objects: [],
      startedAt: times.length ? Math.min(...times) : null,
      endedAt: times.length ? Math.max(...times) : null,
      details,
      message: failedLine || 'the operation failed',
    };
  }

  const parsedResult = (top.get('ParsedResult') ?? subject?.groups?.result ?? '').toLowerCase();
  const status = RESULT_STATUS[parsedResult];
  if (!status) throw new Error(`unknown or missing ParsedResult '${top.get('ParsedResult') ?? ''}'`);

  const warnings = listEntries(text, 'Warnings');
  const errors = listEntries(text, 'Errors');
  num('examinedFiles', 'ExaminedFiles');
  num('addedFiles', 'AddedFiles');
  num('modifiedFiles', 'ModifiedFiles');
  num('deletedFiles', 'DeletedFiles');
  num('filesWithError', 'FilesWithError');
  num('sizeOfExaminedFiles', 'SizeOfExaminedFiles');
  num('sizeOfAddedFiles', 'SizeOfAddedFiles');
  num('sizeOfModifiedFiles', 'SizeOfModifiedFiles');
  const uploaded = /^\s+BytesUploaded:\s*(\d+)\s*$/m.exec(text)?.[1];
  if (uploaded) details.bytesUploaded = Number(uploaded);
  const duration = timeSpan(top.get('Duration'));
  if (duration !== null) details.durationSeconds = duration;
  const version = top.get('Version');
  if (version) details.version = version;
  if (warnings.length) details.warnings = warnings.length;
  if (errors.length) details.errors = errors.length;

  const first = errors[0] ?? warnings[0];
  return {
    software: 'Duplicati',
    type: operation,
    jobName,
    status,
    objects: [...fileObjects(errors, 'failed'), ...fileObjects(warnings, 'warning')],
    startedAt: duplicatiTime(top.get('BeginTime')),
    endedAt: duplicatiTime(top.get('EndTime')),
    details,
    message: first ? entryText(first) : null,
  };
}

export const duplicatiParser: ReportParser = {
  name: 'duplicati',
  software: 'Duplicati',
  types: ['Backup'],
  criteria:
    "subject 'Duplicati <operation> report for <backup name>' (the send-mail default), body is the result dump " +
    "with 'ParsedResult:' or a 'Failed:' error report",
  matches: (mail) =>
    SUBJECT.test(mail.subject.trim()) &&
    (/^ParsedResult: \w+\s*$/m.test(mail.text) ||
      /^Failed: /m.test(mail.text) ||
      /^MainOperation: \w+/m.test(mail.text)),
  parse,
};
