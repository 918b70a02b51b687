import type { MailInput, ParsedReport, ReportParser, ReportStatus } from '../../../core/mail-report.js';

/**
 * The fallback for scripts and products we have no parser for: a status tag in the subject.
 * "[Success] Nightly rsync", "Nightly rsync [Failed]", "Success: Nightly rsync". The rest of the
 * subject is the job name unless the body has a "Job: <name>" line. Runs last, so a product
 * parser (Veeam also writes "[Success] …") always gets the first look.
 */

const TAGS: Readonly<Record<string, ReportStatus>> = {
  success: 'success',
  successful: 'success',
  succeeded: 'success',
  ok: 'success',
  warning: 'warning',
  warnings: 'warning',
  failed: 'failed',
  failure: 'failed',
  error: 'failed',
};

const WORDS = Object.keys(TAGS).join('|');
/** Forwarding and reply prefixes in the languages our users write in. */
const REPLY_PREFIX = /^(?:(?:re|fw|fwd|aw|wg|tr|réf|sv|vs)\s*:\s*)+/i;
const LEADING_TAG = new RegExp(`^\\[\\s*(${WORDS})\\s*\\]\\s*[-:–—]?\\s*(.*)$`, 'i');
const TRAILING_TAG = new RegExp(`^(.*?)\\s*[-:–—]?\\s*\\[\\s*(${WORDS})\\s*\\]$`, 'i');
// The bare "Word: job" form is a convention only for these words; "Error: …" and "OK: …" start
// too many mails that are not backup reports (bounces, monitoring chatter).
const PREFIX_WORD = /^(success|successful|succeeded|warning|failed|failure)\s*:\s+(.+)$/i;

interface Tagged {
  status: ReportStatus;
  rest: string;
}

function readSubject(subject: string): Tagged | null {
  const s = subject.trim().replace(REPLY_PREFIX, '').trim();
  const lead = LEADING_TAG.exec(s);
  if (lead?.[1]) return { status: TAGS[lead[1].toLowerCase()] ?? 'failed', rest: lead[2] ?? '' };
  const trail = TRAILING_TAG.exec(s);
  if (trail?.[2]) return { status: TAGS[trail[2].toLowerCase()] ?? 'failed', rest: trail[1] ?? '' };
  const prefix = PREFIX_WORD.exec(s);
  if (prefix?.[1]) return { status: TAGS[prefix[1].toLowerCase()] ?? 'failed', rest: prefix[2] ?? '' };
  return null;
}

function cleanName(rest: string): string {
  return rest
    .trim()
    .replace(/^[-:–—\s]+|[-:–—\s]+$/g, '')
    .trim();
}

function parse(mail: MailInput): Omit<ParsedReport, 'parser'> {
  const tagged = readSubject(mail.subject);
  if (!tagged) throw new Error('the subject has no status tag');
  // A "Job:" line in the body names the job better than a subject the sender may decorate.
  const fromBody = /^[ \t]*Job(?:[ \t]+name)?[ \t]*:[ \t]*(\S.*?)[ \t]*$/im.exec(mail.text)?.[1];
  const jobName = cleanName(fromBody ?? tagged.rest);
  if (!jobName) throw new Error('the subject has a status tag but no job name');
  return {
    software: 'Generic',
    type: null,
    jobName,
    status: tagged.status,
    objects: [],
    // A free-form report carries no times we could trust; the mail service uses the received time.
    startedAt: null,
    endedAt: null,
    message: null,
  };
}

export const statusTagParser: ReportParser = {
  name: 'generic-status-tag',
  software: 'Generic',
  types: [],
  criteria:
    'subject starts or ends with a status tag ([Success], [OK], [Succeeded], [Warning], [Failed], [Error], ' +
    '[Failure]) or starts with "Success:", "Succeeded:", "Warning:", "Failed:" or "Failure:"; job name = rest of the subject, or the body\'s "Job:" line',
  matches: (mail) => readSubject(mail.subject) !== null,
  parse,
};
