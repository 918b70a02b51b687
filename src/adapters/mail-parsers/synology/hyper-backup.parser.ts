import type { MailInput, ReportParser } from '../../../core/mail-report.js';
import { labelledLines, pick } from '../common/html-tables.js';
import { reportBodyText } from '../common/html-text.js';
import { parseDateTime, parseDuration, parseSize } from '../common/report-values.js';
import { ABB_MARKER, explanationAfter, findTaskSentence, SYNOLOGY_MARKER } from './synology-text.js';

/**
 * Synology Hyper Backup task notifications from DSM: "Dear user, Backup task <task> on <NAS> has
 * completed / partially completed / failed.", an optional explanation, then "Task:", "Backup
 * destination:", "Start time:", "End time:", "Duration:", "Transferred size:" lines (English,
 * German and French DSM). The mail names no individual folders, so the report has no objects.
 * DSM prints times in the NAS's own zone without saying which: read as UTC like every other
 * zone-less report time.
 */

const LABELS = {
  task: ['task', 'task name', 'aufgabe', 'aufgabenname', 'tâche', 'nom de la tâche'],
  destination: ['backup destination', 'destination', 'sicherungsziel', 'ziel', 'destination de sauvegarde'],
  start: ['start time', 'startzeit', 'heure de début', 'début'],
  end: ['end time', 'endzeit', 'heure de fin', 'fin'],
  duration: ['duration', 'dauer', 'durée'],
  transferred: ['transferred size', 'transferred data', 'übertragene größe', 'übertragene daten', 'taille transférée'],
  reason: ['reason', 'error', 'cause', 'ursache', 'fehler', 'grund', 'erreur'],
} as const;

export const hyperBackupParser: ReportParser = {
  name: 'synology-hyper-backup',
  software: 'Synology Hyper Backup',
  types: ['Backup Task'],
  criteria:
    'Synology mail (not Active Backup for Business) with the sentence "Backup task <task> on <NAS> has completed/failed" (or the German/French DSM wording)',
  matches(mail: MailInput): boolean {
    const body = mail.html ?? mail.text;
    if (!SYNOLOGY_MARKER.test(body) || ABB_MARKER.test(body) || ABB_MARKER.test(mail.subject)) return false;
    return findTaskSentence(reportBodyText(mail)) !== null;
  },
  parse(mail: MailInput) {
    const text = reportBodyText(mail);
    const sentence = findTaskSentence(text);
    if (!sentence) throw new Error('Hyper Backup mail without the task sentence');
    const values = labelledLines(text);
    const get = (labels: readonly string[]): string | null => pick(values, ...labels);

    const startedAt = parseDateTime(get(LABELS.start));
    const duration = parseDuration(get(LABELS.duration));
    // Older DSM versions print only the duration; the end follows from it.
    const endedAt =
      parseDateTime(get(LABELS.end)) ?? (startedAt !== null && duration !== null ? startedAt + duration * 1000 : null);
    const message = sentence.status === 'success' ? null : (get(LABELS.reason) ?? explanationAfter(text, sentence));

    const details: Record<string, string | number> = { nas: sentence.host };
    const destination = get(LABELS.destination);
    if (destination) details['destination'] = destination;
    const transferred = parseSize(get(LABELS.transferred));
    if (transferred !== null) details['transferredBytes'] = transferred;
    if (duration !== null) details['durationSeconds'] = duration;

    return {
      software: 'Synology Hyper Backup',
      type: 'Backup Task',
      jobName: get(LABELS.task) ?? sentence.task,
      status: sentence.status,
      objects: [],
      startedAt,
      endedAt,
      details,
      message,
    };
  },
};
