import type { MailInput, ReportParser } from '../../../core/mail-report.js';
import { labelKey } from '../common/html-tables.js';
import { parseDuration, parseSize, statusFromWord, timeOnDay, worstStatus } from '../common/report-values.js';
import { productVersion, readVeeamLayout, sessionDay, subjectInfo, VBR_MARKER } from './veeam-layout.js';

/**
 * The Veeam Backup & Replication configuration backup mail. Same frame as a job mail, but the
 * header cell reads "Configuration Backup" (no "<kind> job:"), the summary has data/backup sizes
 * and the target repository, and instead of machines there is a session log ("Status | Action |
 * Duration"). The one protected thing is the backup server's configuration, reported as an
 * object named after the server with the log's warnings and errors as its message.
 */

const HEADER_HTML = />\s*Configuration Backup\s*</i;
const isLogHeader = (row: string[]): boolean =>
  labelKey(row[0] ?? '') === 'status' && labelKey(row[1] ?? '') === 'action';

export const veeamConfigBackupParser: ReportParser = {
  name: 'veeam-config-backup',
  software: 'Veeam Backup & Replication',
  types: ['Configuration Backup'],
  criteria: 'HTML body names "Veeam Backup & Replication" and its header cell reads "Configuration Backup"',
  matches(mail: MailInput): boolean {
    return !!mail.html && VBR_MARKER.test(mail.html) && HEADER_HTML.test(mail.html);
  },
  parse(mail: MailInput) {
    const layout = readVeeamLayout(mail, /^(?<name>Configuration Backup)\s*$/i, isLogHeader);
    const subject = subjectInfo(mail.subject);
    const log = layout.objects.map((row) => ({
      status: statusFromWord(row.cells.get('status')),
      action: (row.cells.get('action') ?? '').replace(/\n/g, ' '),
    }));
    const status = layout.header?.status ?? subject.status ?? worstStatus(...log.map((l) => l.status));
    if (!status) throw new Error('Veeam configuration backup mail without a readable result');

    const problems = log
      .filter((l) => l.status !== null && l.status !== 'success' && l.action !== '')
      .map((l) => l.action);
    const message = problems.length > 0 ? problems.join('\n') : null;
    const server = /(?:Backup server|Server):\s*(\S+)/i.exec(layout.header?.description ?? '')?.[1] ?? null;

    const s = layout.summary;
    const day = sessionDay(layout);
    const startedAt = timeOnDay(s.get('start time'), day, null) ?? layout.sessionStart;
    const details: Record<string, string | number> = {};
    const add = (key: string, value: string | number | null | undefined): void => {
      if (value !== null && value !== undefined && value !== '') details[key] = value;
    };
    add('server', server);
    add('dataSizeBytes', parseSize(s.get('data size')));
    add('backupSizeBytes', parseSize(s.get('backup size')));
    add('durationSeconds', parseDuration(s.get('duration')));
    add('repository', s.get('repository'));
    add('encryption', s.get('encryption'));
    add('version', productVersion(layout));

    return {
      software: 'Veeam Backup & Replication',
      type: 'Configuration Backup',
      jobName: subject.name ?? 'Configuration Backup',
      status,
      objects: [{ name: server ?? 'Backup server', type: 'Server', status, message }],
      startedAt,
      endedAt: timeOnDay(s.get('end time'), day, startedAt),
      details,
      message,
    };
  },
};
