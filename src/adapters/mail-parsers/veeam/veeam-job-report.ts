import type { MailInput, ParsedReport } from '../../../core/mail-report.js';
import { parseDuration, parseSize, timeOnDay, worstStatus } from '../common/report-values.js';
import { processedCount, productVersion, sessionDay, subjectInfo, type VeeamLayout } from './veeam-layout.js';

export interface JobReportNames {
  software: string;
  type: string;
  /** What one row of the object table is ("VM", "Computer"). */
  objectType: string;
}

/** Adds a detail only when the report had it, so details never carry nulls. */
function put(details: Record<string, string | number>, key: string, value: string | number | null | undefined): void {
  if (value !== null && value !== undefined && value !== '') details[key] = value;
}

function count(value: string | undefined): number | null {
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
}

/** The ParsedReport of a Veeam job session mail (B&R job or standalone agent). */
export function buildJobReport(
  mail: MailInput,
  layout: VeeamLayout,
  names: JobReportNames,
): Omit<ParsedReport, 'parser'> {
  const subject = subjectInfo(mail.subject);
  const jobName = layout.header?.name || subject.name;
  if (!jobName) throw new Error('Veeam job mail without a job name (neither in the header nor in the subject)');

  // A single computer without its own details text gets the session log under the table (vee-mail).
  const lone = layout.objects.length === 1;
  const objects = layout.objects.map((o) => ({
    name: o.name,
    type: names.objectType,
    status: o.status,
    message: o.message ?? (lone && o.status !== 'success' ? layout.jobDetails : null),
  }));
  const status = layout.header?.status ?? subject.status ?? worstStatus(...objects.map((o) => o.status));
  if (!status) throw new Error(`Veeam job mail for "${jobName}" without a readable result`);

  const s = layout.summary;
  const day = sessionDay(layout);
  const startedAt = timeOnDay(s.get('start time'), day, null) ?? layout.sessionStart;
  const endedAt = timeOnDay(s.get('end time'), day, startedAt);

  const details: Record<string, string | number> = {};
  put(details, 'processed', processedCount(layout.text));
  put(details, 'successCount', count(s.get('success')));
  put(details, 'warningCount', count(s.get('warning')));
  put(details, 'errorCount', count(s.get('error')));
  put(details, 'totalSizeBytes', parseSize(s.get('total size')));
  put(details, 'backupSizeBytes', parseSize(s.get('backup size')));
  put(details, 'dataReadBytes', parseSize(s.get('data read')));
  put(details, 'transferredBytes', parseSize(s.get('transferred')));
  put(details, 'durationSeconds', parseDuration(s.get('duration')));
  put(details, 'dedupe', s.get('dedupe'));
  put(details, 'compression', s.get('compression'));
  put(details, 'bottleneck', s.get('bottleneck'));
  put(details, 'processingRate', s.get('processing rate'));
  put(details, 'createdBy', /Created by (.+?) at /i.exec(layout.header?.description ?? '')?.[1]);
  put(details, 'version', productVersion(layout));

  // The overall text is what the report says about the objects that did not succeed.
  const problems = objects.filter((o) => o.status !== 'success' && o.message).map((o) => `${o.name}: ${o.message}`);

  return {
    software: names.software,
    type: names.type,
    jobName,
    status,
    objects,
    startedAt,
    endedAt,
    details,
    message: problems.length > 0 ? problems.join('\n') : status === 'success' ? null : layout.jobDetails,
  };
}
