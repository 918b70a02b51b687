import type { MailInput, ParsedReport, ReportParser, ReportStatus } from '../../../core/mail-report.js';

/**
 * QNAP Hybrid Backup Sync (HBS 3) job results, as sent by the QTS/QuTS Notification Center:
 * a subject such as "[Info][Hybrid Backup Sync] Notification from your device: NAS01" and a body
 * of "Label: value" lines (NAS name, severity, date/time, app, category, message). The message
 * carries the event, e.g. `[Hybrid Backup Sync] Finished Backup job: "Daily".`
 *
 * The Notification Center localises both labels and messages, and QNAP publishes no fixed
 * wording, so this parser reads them by meaning: label synonyms in English, German, French and
 * Italian, and status words in the same languages. Start notices ("Started Sync job") are
 * recognised but are not results, so parsing them fails with a clear reason.
 */

const TAG = /\[\s*Hybrid Backup Sync\s*\]/i;

const LABELS: Readonly<Record<string, readonly string[]>> = {
  nas: [
    'nas name',
    'nas-name',
    'server name',
    'device name',
    'gerätename',
    'nom du nas',
    'nom de l’appareil',
    'nome nas',
  ],
  severity: ['severity', 'level', 'schweregrad', 'stufe', 'ebene', 'gravité', 'niveau', 'gravità', 'livello'],
  time: ['date/time', 'datum/uhrzeit', 'datum/zeit', 'date/heure', 'data/ora'],
  app: [
    'app name',
    'application',
    'app-name',
    'anwendung',
    'nom de l’app',
    "nom de l'app",
    "nom de l'application",
    'nome app',
  ],
  category: ['category', 'kategorie', 'catégorie', 'categoria'],
  message: ['message', 'nachricht', 'meldung', 'content', 'inhalt', 'contenu', 'messaggio'],
};

const FAILED_WORDS =
  /fail|error|abort|not completed|could not|unable|fehlgeschlagen|fehler|nicht abgeschlossen|konnte nicht|abgebrochen|échec|échoué|erreur|impossible|interrompu|errore|non riuscit|non completat|interrott/i;
const WARNING_WORDS = /warning|warnung|avertissement|avviso|avvertiment/i;
const SUCCESS_WORDS = /finish|complet|succe|abgeschlossen|erfolgreich|beendet|fertig|termin|réussi|riuscit|completat/i;
const START_WORDS = /\bstart|gestartet|démarr|lancé|avviat|iniziat/i;

/** "Label: value" lines (also "Label : value" with the French non-breaking space) by label. */
function fields(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([^:\t]{2,40}?)\s*:\s+(\S.*)$/.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    const label = m[1].trim().toLowerCase().replace(/'/g, '’');
    if (!map.has(label)) map.set(label, m[2].trim());
  }
  return map;
}

function field(map: Map<string, string>, key: keyof typeof LABELS): string | undefined {
  for (const label of LABELS[key] ?? []) {
    const value = map.get(label.replace(/'/g, '’'));
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The HBS event line: the Message field, else the first line carrying the [Hybrid Backup Sync] tag. */
function eventMessage(mail: MailInput, map: Map<string, string>): string | null {
  const fromField = field(map, 'message');
  if (fromField && TAG.test(fromField)) return fromField;
  const line = mail.text.split(/\r?\n/).find((l) => TAG.test(l) && l.trim() !== mail.subject.trim());
  if (line) return line.replace(/^[^[]*(?=\[)/, '').trim();
  return fromField ?? null;
}

const QUOTED = /["“„«‹]\s*([^"“”„«»‹›]+?)\s*["”“»›]/;

function jobNameOf(event: string): string | null {
  const quoted = QUOTED.exec(event)?.[1];
  if (quoted) return quoted.trim();
  // Unquoted: "... Backup job: Daily." — whatever follows the colon after "job"/"Auftrag"/"tâche".
  const after = /(?:job|auftrag|tâche|attività|processo)\s*:\s*(.+?)\.?\s*$/i.exec(event)?.[1];
  return after?.trim() || null;
}

/**
 * QNAP shows "2024/05/15 22:00:00" (or the admin's chosen "15.05.2024 22:00:00") with no zone;
 * read as UTC, as documented. Anything else is null.
 */
function parseNasTime(value: string | undefined): number | null {
  const v = (value ?? '').trim();
  let m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (m) return utc(m[1], m[2], m[3], m[4], m[5], m[6]);
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (m) return utc(m[3], m[2], m[1], m[4], m[5], m[6]);
  return null;
}

function utc(y?: string, mo?: string, d?: string, h?: string, mi?: string, s?: string): number | null {
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s ?? 0));
  return Number.isFinite(ms) ? ms : null;
}

function severityStatus(severity: string | undefined): ReportStatus | null {
  const s = (severity ?? '').toLowerCase();
  if (/error|fehler|erreur|errore|critical|kritisch|critique/.test(s)) return 'failed';
  if (WARNING_WORDS.test(s)) return 'warning';
  return null;
}

function parse(mail: MailInput): Omit<ParsedReport, 'parser'> {
  const map = fields(mail.text);
  const event = eventMessage(mail, map);
  if (!event) throw new Error('no Hybrid Backup Sync event message found');
  const jobName = jobNameOf(event);
  if (!jobName) throw new Error(`no job name in the event message "${event}"`);

  // Judge the wording without the tag and the job name: "Hybrid Backup Sync" contains both
  // "Backup" and "Sync", and a job may well be called "Sauvegarde comptabilité".
  const wording = event.replace(TAG, ' ').replace(jobName, ' ');
  const bySeverity = severityStatus(field(map, 'severity'));
  let status: ReportStatus;
  if (FAILED_WORDS.test(wording)) status = 'failed';
  else if (WARNING_WORDS.test(wording)) status = 'warning';
  else if (SUCCESS_WORDS.test(wording)) status = bySeverity ?? 'success';
  else if (START_WORDS.test(wording)) throw new Error(`a job start notice, not a result ("${event}")`);
  else if (bySeverity) status = bySeverity;
  else throw new Error(`unrecognised job outcome in "${event}"`);

  const type = /\bsync|synchroni|\bsynchro/i.test(wording)
    ? 'Sync Job'
    : /restore|wiederherstell|restaur|ripristin/i.test(wording)
      ? 'Restore Job'
      : 'Backup Job';

  const details: Record<string, string | number> = {};
  const put = (key: string, value: string | undefined) => {
    if (value) details[key] = value;
  };
  put('nas', field(map, 'nas') ?? /:\s*([^\s:]+)\s*$/.exec(mail.subject)?.[1]);
  put('severity', field(map, 'severity'));
  put('category', field(map, 'category'));
  put('event', event);

  // What the event says after the job name ("Error: destination unreachable.") is the reason.
  const afterName = event.slice(event.indexOf(jobName) + jobName.length).replace(/^["”“»›\s.:]+/, '');
  const reason = afterName.trim() || null;

  return {
    software: 'QNAP Hybrid Backup Sync',
    type,
    jobName,
    status,
    objects: [],
    // The notification is sent when the job ends; it carries no start time.
    startedAt: null,
    endedAt: parseNasTime(field(map, 'time')),
    details,
    message: status === 'success' ? null : (reason ?? event),
  };
}

export const hbsParser: ReportParser = {
  name: 'qnap-hbs',
  software: 'QNAP Hybrid Backup Sync',
  types: ['Backup Job', 'Sync Job', 'Restore Job'],
  criteria: 'subject or body carries the "[Hybrid Backup Sync]" tag of a QNAP Notification Center message',
  matches: (mail) => TAG.test(mail.subject) || TAG.test(mail.text),
  parse,
};
