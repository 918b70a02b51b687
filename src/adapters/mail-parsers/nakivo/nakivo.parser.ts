import type { MailInput, ReportObject, ReportParser } from '../../../core/mail-report.js';
import { htmlTables, labelKey, labelledLines, pairsFromRows, pick } from '../common/html-tables.js';
import { htmlToTidyText } from '../common/html-text.js';
import { parseDateTime, parseDuration, parseSize, statusFromWord, worstStatus } from '../common/report-values.js';

/**
 * NAKIVO Backup & Replication job report mails. Layout followed: the product bar, the job name
 * as a heading over the words "Job report", a two-column summary ("Job type:", "Job status:",
 * "Started:", "Finished:", "Duration:", "Total data transferred:"...) and a table of the job's
 * source items ("Name | Status | Started | Finished | Data transferred | Speed | Details").
 * NAKIVO's web UI and reports are English-only. Times read as UTC unless the report adds a zone.
 */

const TYPES: readonly [RegExp, string][] = [
  [/replication/i, 'Replication Job'],
  [/backup copy/i, 'Backup Copy Job'],
  [/backup/i, 'Backup Job'],
];

const OBJECT_TYPES: readonly [RegExp, string][] = [
  [/physical/i, 'Machine'],
  [/ec2|aws/i, 'Instance'],
  [/microsoft 365|m365|office 365/i, 'Account'],
];

const isItemHeader = (row: string[]): boolean =>
  labelKey(row[0] ?? '') === 'name' && labelKey(row[1] ?? '') === 'status' && row.length >= 3;

function sourceItems(html: string, objectType: string): ReportObject[] {
  const objects: ReportObject[] = [];
  for (const table of htmlTables(html)) {
    const at = table.findIndex(isItemHeader);
    if (at < 0) continue;
    const columns = (table[at] ?? []).map(labelKey);
    const detailsCol = columns.indexOf('details');
    for (const row of table.slice(at + 1)) {
      const name = row[0]?.trim() ?? '';
      if (name === '' || row.length !== columns.length) continue;
      const details = detailsCol >= 0 ? (row[detailsCol]?.trim() ?? '') : '';
      objects.push({
        name,
        type: objectType,
        status: statusFromWord(row[1]),
        message: details === '' ? null : details,
      });
    }
  }
  return objects;
}

export const nakivoParser: ReportParser = {
  name: 'nakivo-br',
  software: 'NAKIVO Backup & Replication',
  types: ['Backup Job', 'Replication Job', 'Backup Copy Job'],
  criteria: 'Body names "NAKIVO Backup & Replication" and is a "Job report" with a "Job status:" line',
  matches(mail: MailInput): boolean {
    const body = mail.html ?? mail.text;
    return /NAKIVO/i.test(body) && /Job report/i.test(body) && /Job status\s*:?/i.test(body);
  },
  parse(mail: MailInput) {
    const html = mail.html;
    const text = html ? htmlToTidyText(html) : mail.text;
    const values = html
      ? pairsFromRows(htmlTables(html).flatMap((t) => t.filter((r) => r.length === 2)))
      : labelledLines(text);
    const lines = text.split('\n');
    const reportAt = lines.findIndex((l) => /^job report$/i.test(l.trim()));
    const jobName =
      pick(values, 'job name', 'job') ??
      (reportAt > 0 ? lines[reportAt - 1]?.trim() : undefined) ??
      /Job "(.+?)"/.exec(mail.subject)?.[1];
    if (!jobName) throw new Error('NAKIVO job report without a job name');

    const jobType = pick(values, 'job type') ?? '';
    const type = TYPES.find(([re]) => re.test(jobType))?.[1] ?? 'Backup Job';
    const objectType = OBJECT_TYPES.find(([re]) => re.test(jobType))?.[1] ?? 'VM';
    const objects = html ? sourceItems(html, objectType) : [];
    const status = statusFromWord(pick(values, 'job status', 'status')) ?? worstStatus(...objects.map((o) => o.status));
    if (!status) throw new Error(`NAKIVO job report for "${jobName}" without a readable status`);

    const problems = objects.filter((o) => o.status !== 'success' && o.message).map((o) => `${o.name}: ${o.message}`);
    const details: Record<string, string | number> = {};
    if (jobType) details['jobType'] = jobType;
    const transferred = parseSize(pick(values, 'total data transferred', 'data transferred'));
    if (transferred !== null) details['transferredBytes'] = transferred;
    const duration = parseDuration(pick(values, 'duration'));
    if (duration !== null) details['durationSeconds'] = duration;
    const speed = pick(values, 'speed');
    if (speed) details['speed'] = speed;
    const destination = pick(values, 'destination', 'target', 'backup repository');
    if (destination) details['destination'] = destination;
    const version = /NAKIVO Backup (?:&|and) Replication v?(\d+(?:\.\d+)+)/i.exec(text)?.[1];
    if (version) details['version'] = version;

    return {
      software: 'NAKIVO Backup & Replication',
      type,
      jobName,
      status,
      objects,
      startedAt: parseDateTime(pick(values, 'started', 'start time')),
      endedAt: parseDateTime(pick(values, 'finished', 'end time')),
      details,
      message:
        problems.length > 0 ? problems.join('\n') : status === 'success' ? null : pick(values, 'error', 'reason'),
    };
  },
};
