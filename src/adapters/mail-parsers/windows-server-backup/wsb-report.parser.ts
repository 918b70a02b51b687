import type { MailInput, ReportObject, ReportParser } from '../../../core/mail-report.js';
import { htmlTables, labelKey, pairsFromRows, pick } from '../common/html-tables.js';
import { htmlToTidyText } from '../common/html-text.js';
import { parseDateTime, parseDuration, parseSize, statusFromWord, worstStatus } from '../common/report-values.js';

/**
 * Windows Server Backup has no mail of its own; admins schedule a PowerShell script. Format
 * followed: the widely shared "Windows Backup Mail Report" script (jocha.se, v4.x), which mails
 * Get-WBSummary and Get-WBJob -Previous 1 as HTML: subject "Successful Backup on SERVER" /
 * "Failed Backup on SERVER", a heading "<Company> Backup Report for <SERVER>", a two-column table
 * ("Start time last backup:", "Backup Result:", "Error Message (if applicable):"...) and a
 * ConvertTo-Html table of the job items (Name | Status | Size). Dates are printed in the
 * server's culture ("1/15/2024 9:00:12 PM", "15.01.2024 21:00:12").
 */

const MARKERS = [/Backup Report for\s/i, /Backup Result:/i, /Last Successful Backup:/i];

const isItemHeader = (row: string[]): boolean =>
  labelKey(row[0] ?? '') === 'name' && labelKey(row[1] ?? '') === 'status' && labelKey(row[2] ?? '') === 'size';

function items(html: string): { objects: ReportObject[]; totalBytes: number | null } {
  const objects: ReportObject[] = [];
  let totalBytes: number | null = null;
  for (const table of htmlTables(html)) {
    const at = table.findIndex(isItemHeader);
    if (at < 0) continue;
    for (const [name = '', status = '', size = ''] of table.slice(at + 1)) {
      if (name === '') continue;
      // Volumes are listed by drive letter or label; other job items are system state and the like.
      const type = /^[A-Z]:\\?$|partition|volume|\\\\\?\\/i.test(name) ? 'Volume' : 'Item';
      objects.push({ name, type, status: statusFromWord(status), message: null });
      const bytes = parseSize(size);
      if (bytes !== null) totalBytes = (totalBytes ?? 0) + bytes;
    }
  }
  return { objects, totalBytes };
}

export const wsbReportParser: ReportParser = {
  name: 'windows-server-backup-report',
  software: 'Windows Server Backup',
  types: [],
  criteria:
    'HTML body of the "Windows Backup Mail Report" PowerShell script: "Backup Report for <server>", "Last Successful Backup:" and "Backup Result:"',
  matches(mail: MailInput): boolean {
    const html = mail.html;
    return !!html && MARKERS.every((re) => re.test(html));
  },
  parse(mail: MailInput) {
    const html = mail.html ?? '';
    const text = htmlToTidyText(html);
    const values = pairsFromRows(htmlTables(html).flatMap((t) => t.filter((r) => r.length === 2)));
    const heading = /^(.{0,120}?)[ \t]*Backup Report for[ \t]+(\S+)/im.exec(text);
    const server = heading?.[2] ?? /Backup on\s+(\S+)/i.exec(mail.subject)?.[1];
    if (!server) throw new Error('Windows Server Backup report without a server name');

    const { objects, totalBytes } = items(html);
    const result = statusFromWord(pick(values, 'backup result'));
    if (!result) throw new Error(`Windows Server Backup report for ${server} without a readable result`);
    // The script calls any run with HRESULT 0 "Successful"; an item that did not complete still needs a look.
    const itemsStatus = worstStatus(...objects.map((o) => o.status));
    const status = result === 'success' && itemsStatus && itemsStatus !== 'success' ? 'warning' : result;

    const errorText = pick(values, 'error message (if applicable)', 'error message');
    const details: Record<string, string | number> = {};
    const company = heading?.[1]?.trim();
    if (company) details['company'] = company;
    const lastSuccess = parseDateTime(pick(values, 'last successful backup'));
    if (lastSuccess !== null) details['lastSuccessAt'] = lastSuccess;
    const duration = parseDuration(pick(values, 'duration last backup'));
    if (duration !== null) details['durationSeconds'] = duration;
    if (totalBytes !== null) details['totalSizeBytes'] = totalBytes;

    return {
      software: 'Windows Server Backup',
      type: null,
      jobName: server,
      status,
      objects,
      startedAt: parseDateTime(pick(values, 'start time last backup')),
      endedAt: parseDateTime(pick(values, 'end time last backup')),
      details,
      message: status === 'success' ? null : errorText,
    };
  },
};
