import type { MailInput, ReportParser } from '../../../core/mail-report.js';
import { htmlTables, labelKey, labelledLines, pairsFromRows, pick } from '../common/html-tables.js';
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
 *
 * Acronis Cyber Protect Cloud (noreply-abc@cloud.acronis.com) puts the facts in the subject:
 * "BACKUP FAILED (group: <partner> > <customer>)(backup account: <login>)(machine: <name>)(plan:
 * <plan>)", "BACKUP SUCCEEDED (group: …)(resource: <M365 organisation>)(plan: …)" and
 * "BACKUP SUCCEEDED WITH WARNINGS  (…)" (two spaces). Its HTML body shows the headline, the
 * workload, the error text, then stacked labels ("Plan name", "Group", "Account") with the value
 * on the next line, and no times. The "DAILY STATUS REPORT ON …" recap lists active alerts, not
 * one run, so it is recognised and refused.
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
    'plan name',
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
  group: ['group'],
  account: ['account'],
} as const;

/** Cyber Protect Cloud alert subjects; the result word comes first, the facts in brackets. */
const CLOUD_SUBJECT =
  /^\s*BACKUP (SUCCEEDED WITH WARNINGS|SUCCEEDED|FAILED)\s*\((?:group|backup account|machine|resource|plan):/i;
/** One "(name: value)" part; plan names may hold one level of brackets ("… storage (4)"). */
const SUBJECT_PART = /\((group|backup account|machine|resource|plan): ((?:[^()]|\([^()]*\))*)\)/gi;
const DAILY_REPORT = /^\s*DAILY STATUS REPORT ON\b/i;
/** Labels the cloud body puts on their own line, above their value. */
const STACKED_LABELS = new Set(['device', 'plan name', 'group', 'account', 'where to back up']);
const NOT_A_MESSAGE = /^(?:show details|manage data protection|view in web console)$/i;

/** The "(name: value)" parts of a Cyber Protect Cloud subject, or null for other subjects. */
function cloudSubject(subject: string): { result: string; parts: Map<string, string> } | null {
  const head = CLOUD_SUBJECT.exec(subject.slice(0, 2000));
  if (!head) return null;
  const parts = new Map<string, string>();
  for (const m of subject.slice(0, 2000).matchAll(SUBJECT_PART)) {
    const key = (m[1] ?? '').toLowerCase();
    if (!parts.has(key)) parts.set(key, (m[2] ?? '').trim());
  }
  return { result: head[1] ?? '', parts };
}

/** "Label" on one line and its value on the next, as the cloud alert body lays them out. */
function stackedValues(lines: readonly string[], into: Map<string, string>): void {
  for (let i = 0; i + 1 < lines.length; i++) {
    const key = labelKey(lines[i] ?? '');
    const value = lines[i + 1] ?? '';
    if (STACKED_LABELS.has(key) && !STACKED_LABELS.has(labelKey(value)) && !into.has(key)) into.set(key, value);
  }
}

/** The cloud body's error or warning text: the first line after the headline and workload. */
function cloudMessage(lines: readonly string[], workload: string | null): string | null {
  const at = lines.findIndex((l) => HEADLINE.test(l));
  for (const line of lines.slice(at + 1, at + 6)) {
    if (STACKED_LABELS.has(labelKey(line))) return null;
    if (line === workload || NOT_A_MESSAGE.test(line)) continue;
    return line;
  }
  return null;
}

export const acronisParser: ReportParser = {
  name: 'acronis-cyber-protect',
  software: 'Acronis Cyber Protect',
  types: ['Backup'],
  criteria:
    'Sender or body names Acronis (or the subject is a Cyber Protect Cloud "BACKUP FAILED (group: …)(plan: …)" alert) and the body starts a line with the backup result ("Backup succeeded", "Backup fehlgeschlagen", "Sauvegarde réussie"...)',
  matches(mail: MailInput): boolean {
    const body = mail.html ?? mail.text;
    if (!/acronis/i.test(mail.from) && !/Acronis/i.test(body) && !CLOUD_SUBJECT.test(mail.subject)) return false;
    return HEADLINE.test(reportBodyText(mail));
  },
  parse(mail: MailInput) {
    if (DAILY_REPORT.test(mail.subject)) {
      throw new Error('an Acronis daily status report (a recap of active alerts), not the result of one backup');
    }
    const text = reportBodyText(mail);
    const lines = text.split('\n').map((l) => l.trim());
    const cloud = cloudSubject(mail.subject);
    const headline = HEADLINE.exec(text)?.[1] ?? '';
    const status = statusFromWord(headline) ?? statusFromWord(cloud?.result);
    if (!status) throw new Error('Acronis notification without a readable result');

    // Table rows in the HTML mails; "Label: value" lines of the plain-text part fill the gaps.
    const rows = mail.html ? htmlTables(mail.html).flatMap((t) => t.filter((r) => r.length === 2)) : [];
    const values = pairsFromRows(rows);
    for (const [label, value] of labelledLines(mail.text)) if (!values.has(label)) values.set(label, value);
    stackedValues(lines, values);
    const get = (labels: readonly string[]): string | null => pick(values, ...labels);
    const part = (name: string): string | null => cloud?.parts.get(name) || null;

    // Cloud-to-cloud plans (Microsoft 365) name a "resource" instead of a machine.
    const resource = part('resource');
    const device = part('machine') ?? resource ?? get(LABELS.device);
    const jobName = part('plan') ?? get(LABELS.plan) ?? device;
    if (!jobName) throw new Error('Acronis notification without a protection plan or device name');
    const problem = status === 'failed' ? get(LABELS.error) : status === 'warning' ? get(LABELS.warning) : null;
    const message =
      problem ??
      (status === 'success'
        ? null
        : (get(LABELS.error) ?? get(LABELS.warning) ?? (cloud ? cloudMessage(lines, device) : null)));

    const details: Record<string, string | number> = {};
    const add = (key: string, value: string | number | null): void => {
      if (value !== null && value !== '') details[key] = value;
    };
    add('device', device);
    add('location', get(LABELS.location));
    add('backupSizeBytes', parseSize(get(LABELS.size)));
    add('durationSeconds', parseDuration(get(LABELS.duration)));
    add('errorCode', get(LABELS.errorCode));
    add('group', part('group') ?? get(LABELS.group));
    add('account', part('backup account') ?? get(LABELS.account));
    add('product', /Acronis Cyber (?:Protect|Backup)(?: Cloud)?(?: \d+(?:\.\d+)*)?/.exec(text)?.[0] ?? null);

    return {
      software: 'Acronis Cyber Protect',
      type: 'Backup',
      jobName,
      status,
      objects: device
        ? [{ name: device, type: resource && device === resource ? 'Resource' : 'Machine', status, message }]
        : [],
      startedAt: parseDateTime(get(LABELS.started)),
      endedAt: parseDateTime(get(LABELS.finished)),
      details,
      message,
    };
  },
};
