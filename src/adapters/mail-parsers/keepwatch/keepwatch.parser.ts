import type { MailInput, ParsedReport, ReportObject, ReportParser, ReportStatus } from '../../../core/mail-report.js';

/**
 * Keepwatch's own notification e-mails (adapters/notifiers/smtp/smtp.render.ts), e.g. from
 * another Keepwatch instance, or this one's mails routed back in:
 *
 *   Subject: [Keepwatch] ✔ success: Success: nightly-db (Acme)      (prefix configurable, may be '')
 *   X-Keepwatch-Event: run.finished | run.skipped | test
 *   text:  title / "Status: <status>" / message text / "key: value" facts
 *   html:  the same facts as <tr><td>key</td><td>value</td></tr> rows, HTML-escaped
 *
 * Facts come from the engine (runner.ts: job, jobId, customer, runId, operation, trigger, status,
 * error, durationMs, bytesRead, bytesWritten + backup facts; scheduler.ts for run.skipped).
 */

const ICONS = '✔⚠✖⏱⊘⌛ℹ•';
const KW_STATUSES = 'success|warning|failed|timed_out|cancelled|missed|info';
const SUBJECT = new RegExp(`(?:^|\\s)[${ICONS}] (${KW_STATUSES}): (.+)$`, 'u');

const STATUS_MAP: Readonly<Record<string, ReportStatus>> = {
  success: 'success',
  warning: 'warning',
  failed: 'failed',
  timed_out: 'failed',
  // A cancelled or missed run did not protect anything: for monitoring that is a failure.
  cancelled: 'failed',
  missed: 'failed',
};

const OPERATION_TYPES: Readonly<Record<string, string>> = {
  backup: 'Backup',
  restore: 'Restore',
  verify: 'Verify',
  system: 'System task',
};

const HTML_UNESCAPES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

function unescapeHtml(value: string): string {
  return value.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => HTML_UNESCAPES[e] ?? e);
}

/** Facts from the HTML table: values are escaped there, so they can hold any character safely. */
function factsFromHtml(html: string): Map<string, string> {
  const facts = new Map<string, string>();
  for (const m of html.matchAll(/<tr><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><\/tr>/g)) {
    if (m[1] !== undefined && m[2] !== undefined) facts.set(unescapeHtml(m[1]), unescapeHtml(m[2]));
  }
  return facts;
}

/**
 * The text body: title, "Status: x", blank, the message text, then (after a blank line) the
 * "key: value" facts starting with "job: ". Fact lines that are not "key: value" continue the
 * previous value (a multi-line error).
 */
function textParts(text: string): { message: string; facts: Map<string, string> } {
  const facts = new Map<string, string>();
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const statusAt = lines.findIndex((l) => /^Status: \S+$/.test(l));
  let start = lines.length;
  for (let i = lines.length - 1; i > 0; i--) {
    if (/^job: /.test(lines[i] ?? '') && lines[i - 1] === '') {
      start = i;
      break;
    }
  }
  const message = lines
    .slice(statusAt + 1, start)
    .join('\n')
    .trim();
  let lastKey: string | null = null;
  for (const line of lines.slice(start)) {
    const m = /^([A-Za-z][A-Za-z0-9_]*): (.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) {
      lastKey = m[1];
      facts.set(lastKey, m[2]);
    } else if (lastKey && line !== '') {
      facts.set(lastKey, `${facts.get(lastKey) ?? ''}\n${line}`);
    }
  }
  return { message, facts };
}

function numberFact(facts: Map<string, string>, key: string): number | null {
  const v = facts.get(key);
  if (v === undefined || !/^-?\d+(?:\.\d+)?$/.test(v)) return null;
  return Number(v);
}

/**
 * "stored on 'a', 'b'; failed on 'c' (reason), 'd' (reason)" (backup.operation.ts) → the
 * destinations that failed, with their reasons. Reasons may contain parentheses.
 */
function failedDestinations(message: string): { name: string; reason: string }[] {
  const at = message.indexOf('failed on ');
  if (at < 0) return [];
  const out: { name: string; reason: string }[] = [];
  let i = at + 'failed on '.length;
  while (i < message.length) {
    const m = /^\s*,?\s*'([^']*)' \(/.exec(message.slice(i));
    if (!m) break;
    i += m[0].length;
    let depth = 1;
    let j = i;
    for (; j < message.length && depth > 0; j++) {
      if (message[j] === '(') depth++;
      else if (message[j] === ')') depth--;
    }
    out.push({ name: m[1] ?? '', reason: message.slice(i, depth === 0 ? j - 1 : j) });
    i = j;
  }
  return out;
}

function destinationObjects(facts: Map<string, string>, message: string | null): ReportObject[] {
  const objects: ReportObject[] = [];
  const stored = facts.get('destinations');
  if (stored) {
    try {
      const names: unknown = JSON.parse(stored);
      if (Array.isArray(names)) {
        for (const name of names) {
          if (typeof name === 'string') objects.push({ name, type: 'Destination', status: 'success', message: null });
        }
      }
    } catch {
      // Not the JSON array the engine writes; leave the objects out rather than guess.
    }
  }
  for (const d of failedDestinations(message ?? '')) {
    objects.push({ name: d.name, type: 'Destination', status: 'failed', message: d.reason });
  }
  return objects;
}

function eventOf(mail: MailInput, title: string): string {
  const header = mail.headers['x-keepwatch-event']?.split(',')[0]?.trim();
  if (header) return header;
  if (title.startsWith('Test from Keepwatch')) return 'test';
  if (title.startsWith('Skipped: ')) return 'run.skipped';
  return 'run.finished';
}

function parse(mail: MailInput): Omit<ParsedReport, 'parser'> {
  const subject = SUBJECT.exec(mail.subject.trim());
  const kwStatus = subject?.[1] ?? /^Status: (\S+)$/m.exec(mail.text)?.[1] ?? '';
  const title = subject?.[2] ?? '';
  const event = eventOf(mail, title);
  if (event === 'test') throw new Error('a Keepwatch test notification, not a run report');

  const body = textParts(mail.text);
  const facts = mail.html ? factsFromHtml(mail.html) : new Map<string, string>();
  if (!facts.has('job')) for (const [k, v] of body.facts) facts.set(k, v);
  const jobName = facts.get('job') ?? (event === 'run.skipped' ? title.replace(/^Skipped: /, '') : null);
  if (!jobName) throw new Error('the facts list has no job');

  const details: Record<string, string | number> = { event, keepwatchStatus: kwStatus };
  for (const [key, value] of facts) {
    if (key === 'job' || key === 'error' || key === 'status') continue;
    const n = numberFact(facts, key);
    details[key] = n ?? value;
  }

  if (event === 'run.skipped') {
    const scheduled = Date.parse(facts.get('scheduledFor') ?? '');
    return {
      software: 'Keepwatch',
      type: 'Backup',
      jobName,
      status: 'warning',
      objects: [],
      startedAt: Number.isFinite(scheduled) ? scheduled : null,
      endedAt: null,
      details,
      message: body.message || null,
    };
  }

  const status = STATUS_MAP[facts.get('status') ?? kwStatus];
  if (!status) throw new Error(`unknown Keepwatch status '${facts.get('status') ?? kwStatus}'`);
  const operation = facts.get('operation') ?? 'backup';
  const error = facts.get('error') ?? /^Reason: (.*)$/m.exec(mail.text)?.[1] ?? null;
  // The engine sends the mail the moment the run ends, so the Date header is the end time.
  const endedAt = mail.date;
  const durationMs = numberFact(facts, 'durationMs');

  return {
    software: 'Keepwatch',
    type: OPERATION_TYPES[operation] ?? operation,
    jobName,
    status,
    objects: destinationObjects(facts, error),
    startedAt: endedAt !== null && durationMs !== null ? endedAt - durationMs : null,
    endedAt,
    details,
    message: status === 'success' ? null : error,
  };
}

export const keepwatchParser: ReportParser = {
  name: 'keepwatch',
  software: 'Keepwatch',
  types: ['Backup', 'Restore', 'System task'],
  criteria: 'an X-Keepwatch-Event header, or a Keepwatch notification subject ("✔ success: …") with a "Status:" line',
  matches: (mail) =>
    mail.headers['x-keepwatch-event'] !== undefined ||
    (SUBJECT.test(mail.subject.trim()) &&
      /^Status: (?:success|warning|failed|timed_out|cancelled|missed|info)$/m.test(mail.text)),
  parse,
};
