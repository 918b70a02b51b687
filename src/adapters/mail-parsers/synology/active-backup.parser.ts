import type { MailInput, ReportObject, ReportParser, ReportStatus } from '../../../core/mail-report.js';
import { htmlTables, labelKey, labelledLines, pick } from '../common/html-tables.js';
import { reportBodyText } from '../common/html-text.js';
import { parseDateTime, parseSize, statusFromWord, worstStatus } from '../common/report-values.js';
import { ABB_MARKER, explanationAfter, findTaskSentence, subjectTaskSentence } from './synology-text.js';

/**
 * Synology Active Backup for Business task notifications: the DSM sentence "The backup task
 * <task> on <NAS> has completed / partially completed / failed.", "Task type:", "Start time:",
 * "End time:" lines and a table with one row per protected device (PC, physical server, virtual
 * machine or file server): "Device | Status | Start time | End time | Transferred data | Details".
 * The task type decides the backup type; the table rows are the objects.
 *
 * The mails quoted in public mail-monitoring code (Italian DSM, see fixtures/SOURCES.md) are
 * shorter: subject "<prefix> Active Backup for Business - attività di backup <task> su <NAS>
 * completata", the sentence, "Ora d’inizio:", "Ora di fine:", "Dimensioni trasferite:" and
 * "Elenco dispositivi: PC1, PC2" lines (minutes only, day first), no table and no task type. The
 * device list then gives the objects; without a task type the backup type stays PC/Server backup.
 */

const TYPES: readonly [RegExp, string, string][] = [
  [/virtu|vmware|hyper-v|\bvm\b/i, 'VM backup', 'VM'],
  [/file server|dateiserver|serveur de fichiers|smb|rsync/i, 'File server backup', 'File server'],
  [/pc|physical|physisch|server|serveur|windows|linux|mac/i, 'PC/Server backup', 'Device'],
];

const LABELS = {
  taskType: ['task type', 'workload type', 'aufgabentyp', 'typ', 'type de tâche'],
  start: ['start time', 'startzeit', 'heure de début', 'ora d’inizio', "ora d'inizio", 'ora di inizio', 'ora inizio'],
  end: ['end time', 'endzeit', 'heure de fin', 'ora di fine', 'ora fine'],
  transferred: [
    'transferred size',
    'transferred data',
    'übertragene daten',
    'taille transférée',
    'dimensioni trasferite',
    'dati trasferiti',
  ],
  devices: ['device list', 'devices', 'geräteliste', 'liste des appareils', 'elenco dispositivi', 'dispositivi'],
  reason: ['reason', 'error', 'ursache', 'fehler', 'erreur', 'cause', 'errore', 'motivo'],
} as const;

const STATUS_HEADERS = new Set(['status', 'statut', 'zustand']);

/** The body as lines; Italian DSM mails put non-breaking spaces in labels and values. */
function bodyText(mail: MailInput): string {
  return reportBodyText(mail).replace(/[\u00a0\u202f]/g, ' ');
}

function deviceRows(html: string | null, objectType: string): ReportObject[] {
  if (!html) return [];
  const objects: ReportObject[] = [];
  for (const table of htmlTables(html)) {
    const at = table.findIndex((row) => row.length >= 2 && STATUS_HEADERS.has(labelKey(row[1] ?? '')));
    if (at < 0) continue;
    const columns = (table[at] ?? []).map(labelKey);
    const detailsCol = columns.findIndex((c) => ['details', 'detail', 'détails', 'beschreibung'].includes(c));
    for (const row of table.slice(at + 1)) {
      const name = row[0]?.trim() ?? '';
      if (name === '' || row.length !== columns.length) continue;
      // DSM fills empty detail cells with a dash.
      const details = detailsCol >= 0 ? (row[detailsCol]?.trim() ?? '') : '';
      const message = /^(?:[-–—]*|n\/?a)$/i.test(details) ? null : details;
      objects.push({ name, type: objectType, status: statusFromWord(row[1]), message });
    }
  }
  return objects;
}

/**
 * The value of a "Label: value" line, without continuation lines: the device list is followed by
 * the closing ("Da NAS01"), which labelledLines would append to it.
 */
function singleLine(text: string, labels: readonly string[]): string | null {
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0 && at <= 60 && labels.includes(labelKey(line.slice(0, at)))) return line.slice(at + 1).trim() || null;
  }
  return null;
}

/**
 * Objects from a "Device list: PC1, PC2" line. The line gives no per-device result: a lone device
 * shares the task's, several get none.
 */
function listedDevices(list: string | null, objectType: string, taskStatus: ReportStatus): ReportObject[] {
  const names = (list ?? '')
    .split(/[,;]/)
    .map((n) => n.trim())
    .filter((n) => n !== '' && n.length <= 200);
  return names.map((name) => ({
    name,
    type: objectType,
    status: names.length === 1 ? taskStatus : null,
    message: null,
  }));
}

export const activeBackupParser: ReportParser = {
  name: 'synology-active-backup',
  software: 'Synology Active Backup for Business',
  types: ['PC/Server backup', 'VM backup', 'File server backup'],
  criteria:
    'Mail names "Active Backup for Business" and has the sentence "The backup task <task> on <NAS> has completed/failed" in the body or subject (or the German/French/Italian/Danish DSM wording)',
  matches(mail: MailInput): boolean {
    if (!ABB_MARKER.test(mail.subject) && !ABB_MARKER.test(mail.html ?? mail.text)) return false;
    return findTaskSentence(bodyText(mail)) !== null || subjectTaskSentence(mail.subject) !== null;
  },
  parse(mail: MailInput) {
    const text = bodyText(mail);
    const sentence = findTaskSentence(text) ?? subjectTaskSentence(mail.subject);
    if (!sentence) throw new Error('Active Backup for Business mail without the task sentence');
    const values = labelledLines(text);
    const get = (labels: readonly string[]): string | null => pick(values, ...labels);

    const taskType = get(LABELS.taskType);
    const [, type, objectType] = TYPES.find(([re]) => re.test(taskType ?? '')) ?? [null, 'PC/Server backup', 'Device'];
    const tableRows = deviceRows(mail.html, objectType);
    const objects =
      tableRows.length > 0 ? tableRows : listedDevices(singleLine(text, LABELS.devices), objectType, sentence.status);
    // The sentence is DSM's verdict ("partially completed" is a warning even with a failed device);
    // a device that did not succeed in a task called "completed" still deserves a warning.
    const devices = worstStatus(...objects.map((o) => o.status));
    const status = sentence.status === 'success' && devices && devices !== 'success' ? 'warning' : sentence.status;

    const problems = objects.filter((o) => o.status !== 'success' && o.message).map((o) => `${o.name}: ${o.message}`);
    const message =
      status === 'success'
        ? null
        : problems.length > 0
          ? problems.join('\n')
          : (get(LABELS.reason) ?? explanationAfter(text, sentence));

    const details: Record<string, string | number> = { nas: sentence.host };
    if (taskType) details['taskType'] = taskType;
    const transferred = parseSize(get(LABELS.transferred));
    if (transferred !== null) details['transferredBytes'] = transferred;

    return {
      software: 'Synology Active Backup for Business',
      type,
      jobName: sentence.task,
      status,
      objects,
      startedAt: parseDateTime(get(LABELS.start)),
      endedAt: parseDateTime(get(LABELS.end)),
      details,
      message,
    };
  },
};
