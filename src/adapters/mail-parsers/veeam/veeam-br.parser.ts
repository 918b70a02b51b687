import type { MailInput, ReportParser } from '../../../core/mail-report.js';
import { buildJobReport } from './veeam-job-report.js';
import { JOB_HEADER_HTML, readVeeamLayout, VBR_MARKER } from './veeam-layout.js';

/**
 * Veeam Backup & Replication job session mails. The header names the job kind ("Backup job:",
 * "Backup Copy job:", "Replication job:", "Agent Backup job:" for agents managed by the server...);
 * the object table lists the machines. The subject ("[Success] Daily VMs (3 machines)") is only a
 * fallback: the generic "[Success] ..." parser also reads such subjects, so matching relies on the
 * body (the product footer plus the job header cell).
 */

const KNOWN_TYPES: Readonly<Record<string, string>> = {
  backup: 'Backup Job',
  'backup copy': 'Backup Copy Job',
  replication: 'Replication Job',
  'agent backup': 'Agent Backup Job',
  'file backup': 'File Backup Job',
  'file share backup': 'File Backup Job',
  'object storage backup': 'Object Storage Backup Job',
};

const OBJECT_TYPES: Readonly<Record<string, string>> = {
  'Agent Backup Job': 'Computer',
  'File Backup Job': 'File share',
  'Object Storage Backup Job': 'Bucket',
};

/** "Backup Copy" → "Backup Copy Job"; kinds this parser does not know keep their words. */
function jobType(kind: string): string {
  const key = kind.toLowerCase().replace(/\s+/g, ' ').trim();
  const known = KNOWN_TYPES[key];
  if (known) return known;
  const words = key.split(' ').filter((w) => w !== '');
  return words.length > 0 ? `${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ')} Job` : 'Backup Job';
}

export const veeamBackupReplicationParser: ReportParser = {
  name: 'veeam-br',
  software: 'Veeam Backup & Replication',
  types: ['Backup Job', 'Backup Copy Job', 'Replication Job', 'Agent Backup Job', 'File Backup Job'],
  criteria:
    'HTML body names "Veeam Backup & Replication" and has a job header cell ("Backup job: <name>", "Replication job: <name>"...)',
  matches(mail: MailInput): boolean {
    const html = mail.html;
    if (!html || !VBR_MARKER.test(html)) return false;
    // The configuration backup mail has no "<kind> job:" header cell, so it never matches here.
    return JOB_HEADER_HTML.test(html);
  },
  parse(mail: MailInput) {
    const layout = readVeeamLayout(mail);
    const type = jobType(layout.header?.kind ?? 'Backup');
    return buildJobReport(mail, layout, {
      software: 'Veeam Backup & Replication',
      type,
      objectType: OBJECT_TYPES[type] ?? 'VM',
    });
  },
};
