import type { MailInput, ReportParser } from '../../../core/mail-report.js';
import { htmlTables, labelledLines, pairsFromRows, pick } from '../common/html-tables.js';
import { reportBodyText } from '../common/html-text.js';
import { parseDateTime, parseDuration, parseSize, statusFromWord } from '../common/report-values.js';

/**
 * Acronis Cyber Protect (Cloud and on-premises 15/16) and Acronis Cyber Backup 12.5 backup
 * notifications. Format followed: the per-workload alert mail — a headline with the result
 * ("Backup succeeded", "Backup succeeded with warnings", "Backup failed" and the German/French
 * console translations), then "label | value" rows: device, protection plan, start and finish
 * time, duration, backup size, location and the error or warning text. Older Cyber Backup
 * builds send the same facts as plain "Label: value" lines. One mail covers one device and one
 * plan, so the plan is the job and the device its only object.
 */

const HEADLINE =
  /^[ \t]*(Backup (?:succeeded with warnings|succeeded|completed with warnings|completed|failed)|Backup (?:mit Warnungen erfolgreich|erfolgreich mit Warnungen|erfolgreich|fehlgeschlagen)|Sauvegarde réussie avec des avertissements|Sauvegarde réussie|Échec de la sauvegarde|La sauvegarde a échoué)\b/imu;

const LABELS = {
  device: [
    'device',
    'machine',
    'workload',
    'gerät',
    'maschine',
    'workload-name',
    'terminal',
    'appareil',
    'machine virtuelle',
  ],
  plan: [
    'protection plan',
    'backup plan',
    'plan',
    'schutzplan',
    'backup-plan',
    'plan de protection',
    'plan de sauvegarde',
  ],
  started: ['started', 'start time', 'gestartet', 'startzeit', 'démarré', 'démarrée', 'heure de début'],
  finished: [
    'finished',
    'end time',
    'completed',
    'beendet',
    'endzeit',
    'abgeschlossen',
    'terminé',
    'terminée',
    'heure de fin',
  ],
  duration: ['duration', 'dauer', 'durée'],
  size: ['backup size', 'backup-größe', 'größe', 'taille de la sauvegarde', 'taille'],
  location: [
    'backup location',
    'location',
    'backup-speicherort',
    'speicherort',
    'emplacement de la sauvegarde',
    'emplacement',
  ],
  error: ['error', 'error message', 'fehler', 'fehlermeldung', 'erreur', "message d'erreur"],
  warning: ['warning', 'warnung', 'avertissement'],
  errorCode: ['error code', 'fehlercode', "code d'erreur"],
} as const;

export const acronisParser: ReportParser = {
  name: 'acronis-cyber-protect',
  software: 'Acronis Cyber Protect',
  types: ['Backup'],
  criteria:
    'Sender or body names Acronis and the body starts a line with the backup result ("Backup succeeded", "Backup fehlgeschlagen", "Sauvegarde réussie"...)',
  matches(mail: MailInput): boolean {
    const body = mail.html ?? mail.text;
    if (!/acronis/i.test(mail.from) && !/Acronis/i.test(body)) return false;
    return HEADLINE.test(reportBodyText(mail));
  },
  parse(mail: MailInput) {
    const text = reportBodyText(mail);
    const headline = HEADLINE.exec(text)?.[1] ?? '';
    const status = statusFromWord(headline);
    if (!status) throw new Error('Acronis notification without a readable result');

    // Table rows in the HTML mails; "Label: value" lines of the plain-text part fill the gaps.
    const rows = mail.html ? htmlTables(mail.html).flatMap((t) => t.filter((r) => r.length === 2)) : [];
    const values = pairsFromRows(rows);
    for (const [label, value] of labelledLines(mail.text)) if (!values.has(label)) values.set(label, value);
    const get = (labels: readonly string[]): string | null => pick(values, ...labels);

    const device = get(LABELS.device);
    const jobName = get(LABELS.plan) ?? device;
    if (!jobName) throw new Error('Acronis notification without a protection plan or device name');
    const problem = status === 'failed' ? get(LABELS.error) : status === 'warning' ? get(LABELS.warning) : null;
    const message = problem ?? (status === 'success' ? null : (get(LABELS.error) ?? get(LABELS.warning)));

    const details: Record<string, string | number> = {};
    const add = (key: string, value: string | number | null): void => {
      if (value !== null && value !== '') details[key] = value;
    };
    add('device', device);
    add('location', get(LABELS.location));
    add('backupSizeBytes', parseSize(get(LABELS.size)));
    add('durationSeconds', parseDuration(get(LABELS.duration)));
    add('errorCode', get(LABELS.errorCode));
    add('product', /Acronis Cyber (?:Protect|Backup)(?: Cloud)?(?: \d+(?:\.\d+)*)?/.exec(text)?.[0] ?? null);

    return {
      software: 'Acronis Cyber Protect',
      type: 'Backup',
      jobName,
      status,
      objects: device ? [{ name: device, type: 'Machine', status, message }] : [],
      startedAt: parseDateTime(get(LABELS.started)),
      endedAt: parseDateTime(get(LABELS.finished)),
      details,
      message,
    };
  },
};
