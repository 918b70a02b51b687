import type { MailInput, ReportParser, ReportStatus } from '../../../core/mail-report.js';
import { labelledLines, pick } from '../common/html-tables.js';
import { htmlToTidyText } from '../common/html-text.js';
import { parseDateTime, statusFromWord } from '../common/report-values.js';

/**
 * Windows Server Backup results mailed by a scheduled task that triggers on the
 * Microsoft-Windows-Backup event log and sends the event as text. Format followed: the common
 * script body `Get-WinEvent -LogName Microsoft-Windows-Backup -MaxEvents 1 | Format-List
 * TimeCreated, ProviderName, Id, LevelDisplayName, MachineName, Message`, i.e. "Name : value"
 * lines whose long values wrap onto indented lines. Property names stay English on localised
 * Windows; the level and message are localised (German and French messages are recognised).
 *
 * The message carries the start time in UTC ("started at '2024-01-15T20:00:12.534000000Z'").
 * TimeCreated is local time without a zone; to keep start and end on the same clock it is read
 * with the offset of the mail's Date header (the same server sent it), and as UTC when the header
 * has none.
 */

const SUCCESS =
  /finished successfully|completed successfully|erfolgreich abgeschlossen|termin[ée]e? avec succès|réussi/i;
const FAILED = /\bfailed\b|fehlgeschlagen|a échoué|\bcancell?ed\b|abgebrochen|annul[ée]/i;
const WARNING = /\bwarnings?\b|warnung|skipped|übersprungen|avertissement/i;
/** Event IDs of the backup log whose meaning does not depend on the message language. */
const EVENT_STATUS: Readonly<Record<string, ReportStatus>> = {
  '4': 'success',
  '14': 'success',
  '5': 'failed',
  '8': 'failed',
  '9': 'failed',
  '17': 'failed',
  '19': 'failed',
  '20': 'failed',
  '22': 'failed',
  '49': 'failed',
  '50': 'failed',
  '517': 'failed',
  '521': 'failed',
  '546': 'failed',
  '561': 'failed',
};

function eventStatus(message: string, id: string | null, level: string | null): ReportStatus | null {
  if (FAILED.test(message)) return 'failed';
  if (WARNING.test(message)) return 'warning';
  if (SUCCESS.test(message)) return 'success';
  return (id ? EVENT_STATUS[id] : undefined) ?? statusFromWord(level);
}

/** Minutes east of UTC from a "Mon, 15 Jan 2024 21:42:35 +0100" Date header, or null. */
function dateHeaderOffset(mail: MailInput): number | null {
  const m = /([+-])(\d{2})(\d{2})\s*(?:\([^)]*\))?\s*$/.exec(mail.headers['date'] ?? '');
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

export const wsbEventParser: ReportParser = {
  name: 'windows-server-backup-event',
  software: 'Windows Server Backup',
  types: [],
  criteria:
    'Body is a Format-List of a Microsoft-Windows-Backup event ("ProviderName : Microsoft-Windows-Backup", "Id : 4")',
  matches(mail: MailInput): boolean {
    const text = mail.text || (mail.html ? htmlToTidyText(mail.html) : '');
    return (
      /Microsoft-Windows-Backup/.test(text) &&
      /^[ \t]*Id[ \t]*:[ \t]*\d+[ \t]*$/m.test(text) &&
      /^[ \t]*Message[ \t]*:/m.test(text)
    );
  },
  parse(mail: MailInput) {
    const text = mail.text || (mail.html ? htmlToTidyText(mail.html) : '');
    const values = labelledLines(text);
    const message = (pick(values, 'message') ?? '').replace(/[\u200e\u200f]/g, '');
    const id = pick(values, 'id');
    const level = pick(values, 'leveldisplayname', 'level');
    const status = eventStatus(message, id, level);
    if (!status) throw new Error(`Windows Server Backup event ${id ?? '?'} with an unknown outcome`);

    const machine = pick(values, 'machinename');
    const server = machine?.split('.')[0]?.toUpperCase() ?? /\bon\s+([A-Za-z0-9-]+)/.exec(mail.subject)?.[1];
    if (!server) throw new Error('Windows Server Backup event without a machine name');

    const started = /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)/.exec(message)?.[1] ?? null;
    const created = parseDateTime(pick(values, 'timecreated'));
    const offset = dateHeaderOffset(mail);
    const details: Record<string, string | number> = {};
    if (id) details['eventId'] = Number(id);
    if (level) details['level'] = level;
    if (machine) details['machine'] = machine;
    const code = /(0x[0-9a-f]{8})/i.exec(message)?.[1];
    if (code) details['errorCode'] = code;

    return {
      software: 'Windows Server Backup',
      type: null,
      jobName: server,
      status,
      objects: [],
      startedAt: parseDateTime(started),
      endedAt: created === null ? null : created - (offset ?? 0) * 60_000,
      details,
      message: status === 'success' ? null : message || null,
    };
  },
};
