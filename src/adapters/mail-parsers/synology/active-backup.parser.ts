import type { MailInput, ReportObject, ReportParser } from '../../../core/mail-report.js';
import { htmlTables, labelKey, labelledLines, pick } from '../common/html-tables.js';
import { reportBodyText } from '../common/html-text.js';
import { parseDateTime, statusFromWord, worstStatus } from '../common/report-values.js';
import { ABB_MARKER, explanationAfter, findTaskSentence } from './synology-text.js';

/**
 * Synology Active Backup for Business task notifications: the DSM sentence "The backup task
 * <task> on <NAS> has completed / partially completed / failed.", "Task type:", "Start time:",
 * "End time:" lines and a table with one row per protected device (PC, physical server, virtual
 * machine or file server): "Device | Status | Start time | End time | Transferred data | Details".
 * The task type decides the backup type; the table rows are the objects.
 */

const TYPES: readonly [RegExp, string, string][] = [
  [/virtu|vmware|hyper-v|\bvm\b/i, 'VM backup', 'VM'],
  [/file server|dateiserver|serveur de fichiers|smb|rsync/i, 'File server backup', 'File server'],
  [/pc|physical|physisch|server|serveur|windows|linux|mac/i, 'PC/Server backup', 'Device'],
];

const LABELS = {
  taskType: ['task type', 'workload type', 'aufgabentyp', 'typ', 'type de tâche'],
  start: ['start time', 'startzeit', 'heure de début'],
  end: ['end time', 'endzeit', 'heure de fin'],
  reason: ['reason', 'error', 'ursache', 'fehler', 'erreur', 'cause'],
} as const;

const STATUS_HEADERS = new Set(['status', 'statut', 'zustand']);

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

export const activeBackupParser: ReportParser = {
  name: 'synology-active-backup',
  software: 'Synology Active Backup for Business',
  types: ['PC/Server backup', 'VM backup', 'File server backup'],
  criteria:
    'Mail names "Active Backup for Business" and has the sentence "The backup task <task> on <NAS> has completed/failed" (or the German/French DSM wording)',
  matches(mail: MailInput): boolean {
    if (!ABB_MARKER.test(mail.subject) && !ABB_MARKER.test(mail.html ?? mail.text)) return false;
    return findTaskSentence(reportBodyText(mail)) !== null;
  },
  parse(mail: MailInput) {
    const text = reportBodyText(mail);
    const sentence = findTaskSentence(text);
    if (!sentence) throw new Error('Active Backup for Business mail without the task sentence');
    const values = labelledLines(text);
    const get = (labels: readonly string[]): string | null => pick(values, ...labels);

    const taskType = get(LABELS.taskType);
    const [, type, objectType] = TYPES.find(([re]) => re.test(taskType ?? '')) ?? [null, 'PC/Server backup', 'Device'];
    const objects = deviceRows(mail.html, objectType);
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
