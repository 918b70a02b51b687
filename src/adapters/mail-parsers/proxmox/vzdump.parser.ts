import type { MailInput, ParsedReport, ReportObject, ReportParser, ReportStatus } from '../../../core/mail-report.js';
import { parseBytes, parseDuration, parseLogTime } from './units.js';

/**
 * Proxmox VE backup job mails (vzdump). Two generations share the subject and the guest table:
 *
 *  - PVE ≤ 7: "vzdump backup status (host) : backup successful", a fixed-width table
 *    "VMID NAME STATUS TIME SIZE FILENAME" (times "00:01:02", sizes "1.21GB"), then
 *    "Detailed backup logs:" with the command line and "<vmid>: <time> INFO: ..." task logs.
 *  - PVE 8+ (notification system): "vzdump backup status (host): backup successful", an
 *    optional error, "Details" with a "VMID Name Status Time Size Filename" table ("1min 2s",
 *    "1.21 GiB"), totals, then "Logs" with the same per-guest task logs.
 */

const SUBJECT = /^vzdump backup status \(([^)]*)\)\s*:\s*backup (successful|failed)(?::\s*(.*))?$/i;
const TABLE_HEADER = /^\s*VMID\s+NAME\s+STATUS\s+TIME\s+SIZE\s+FILENAME\s*$/i;
const ROW_START = /^\s*(\d+)\s+\S/;
const GUEST_STATUS = /^(ok|err|error|failed)$/i;
const SIZE_AT_END = /(\d+(?:\.\d+)?)\s*([KMGTP]?i?B)$/i;
const TIMESTAMP = /\b(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\b/;
const STARTING = /Starting Backup of VM (\d+) \((qemu|lxc|openvz)\)/;
const GUEST_ERROR = /ERROR: Backup of VM (\d+) failed - (.*)$/;
const PREFIXED_LOG = /^(\d+): \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} ([A-Z]+):/;

interface GuestRow {
  vmid: string;
  name: string;
  ok: boolean;
  seconds: number | null;
  bytes: number | null;
  filename: string | null;
}

function parseRow(line: string): GuestRow | null {
  const tokens = line.trim().split(/\s+/);
  const vmid = tokens[0];
  if (!vmid || !/^\d+$/.test(vmid)) return null;
  // The name column can hold "VM 100" when the guest has no name, so find the status token.
  let statusAt = -1;
  for (let i = 2; i < tokens.length; i++) {
    if (GUEST_STATUS.test(tokens[i] ?? '')) {
      statusAt = i;
      break;
    }
  }
  if (statusAt < 0) return null;
  const rest = tokens.slice(statusAt + 1);
  const lastToken = rest[rest.length - 1] ?? '';
  const isFilename = lastToken === '-' || (/[/.]/.test(lastToken) && !/^\d+(?:\.\d+)?$/.test(lastToken));
  const filename = isFilename ? lastToken : null;
  let middle = (isFilename ? rest.slice(0, -1) : rest).join(' ');
  let bytes: number | null = null;
  const size = SIZE_AT_END.exec(middle);
  if (size) {
    bytes = parseBytes(size[0]);
    middle = middle.slice(0, size.index).trim();
  }
  return {
    vmid,
    name: tokens.slice(1, statusAt).join(' '),
    ok: /^ok$/i.test(tokens[statusAt] ?? ''),
    seconds: parseDuration(middle),
    bytes,
    filename: filename === '-' ? null : filename,
  };
}

interface LogFacts {
  kinds: Map<string, string>;
  errors: Map<string, string>;
  warnings: Map<string, number>;
  first: number | null;
  last: number | null;
  command: string | null;
}

function scanLogs(lines: string[]): LogFacts {
  const facts: LogFacts = {
    kinds: new Map(),
    errors: new Map(),
    warnings: new Map(),
    first: null,
    last: null,
    command: null,
  };
  for (const line of lines) {
    const started = STARTING.exec(line);
    if (started?.[1] && started[2])
      facts.kinds.set(started[1], started[2] === 'lxc' || started[2] === 'openvz' ? 'CT' : 'VM');
    const failed = GUEST_ERROR.exec(line);
    if (failed?.[1] && failed[2]) facts.errors.set(failed[1], failed[2].trim());
    const prefixed = PREFIXED_LOG.exec(line);
    if (prefixed?.[1] && (prefixed[2] === 'WARN' || prefixed[2] === 'WARNING')) {
      facts.warnings.set(prefixed[1], (facts.warnings.get(prefixed[1]) ?? 0) + 1);
    }
    if (facts.command === null && /^\s*vzdump\s/.test(line)) facts.command = line.trim();
    const stamp = TIMESTAMP.exec(line);
    const at = stamp?.[1] ? parseLogTime(stamp[1]) : null;
    if (at !== null) {
      facts.first = facts.first === null ? at : Math.min(facts.first, at);
      facts.last = facts.last === null ? at : Math.max(facts.last, at);
    }
  }
  return facts;
}

function parse(mail: MailInput): Omit<ParsedReport, 'parser'> {
  const subject = SUBJECT.exec(mail.subject.trim());
  if (!subject) throw new Error('the subject is not a vzdump status line');
  const host = (subject[1] ?? '').trim();
  const failed = (subject[2] ?? '').toLowerCase() === 'failed';
  const subjectError = subject[3]?.trim() || null;

  const lines = mail.text.split(/\r?\n/);
  const headerAt = lines.findIndex((l) => TABLE_HEADER.test(l));
  const rows: GuestRow[] = [];
  let tableEnd = headerAt;
  if (headerAt >= 0) {
    for (let i = headerAt + 1; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (!ROW_START.test(line)) break;
      const row = parseRow(line);
      if (row) rows.push(row);
      tableEnd = i;
    }
  }
  if (headerAt < 0 && !failed) throw new Error('the guest table (VMID / Name / Status ...) is missing');

  // Whatever precedes the table (PVE 8: before "Details") is the job-level error, if any.
  const detailsAt = lines.findIndex((l) => /^Details$/.test(l.trim()));
  const preambleEnd = detailsAt >= 0 ? detailsAt : headerAt >= 0 ? headerAt : 0;
  const preamble = lines.slice(0, preambleEnd).join('\n').trim() || null;

  const logs = scanLogs(lines.slice(tableEnd + 1));
  const objects: ReportObject[] = rows.map((row) => {
    const warnings = logs.warnings.get(row.vmid) ?? 0;
    const status: ReportStatus = !row.ok ? 'failed' : warnings > 0 ? 'warning' : 'success';
    return {
      name: row.name && row.name !== `VM ${row.vmid}` ? `${row.vmid} (${row.name})` : row.vmid,
      type: logs.kinds.get(row.vmid) ?? null,
      status,
      message: row.ok ? null : (logs.errors.get(row.vmid) ?? 'backup failed'),
    };
  });

  const status: ReportStatus = failed ? 'failed' : objects.some((o) => o.status === 'warning') ? 'warning' : 'success';
  const firstGuestError = objects.find((o) => o.status === 'failed')?.message ?? null;

  const details: Record<string, string | number> = { host, guests: rows.length };
  const failedGuests = rows.filter((r) => !r.ok).length;
  if (failedGuests) details.failedGuests = failedGuests;
  const totalBytes = rows.reduce((sum, r) => sum + (r.bytes ?? 0), 0);
  const totalSize = /^\s*Total size:\s*(.+)$/m.exec(mail.text)?.[1];
  details.totalBytes = parseBytes(totalSize) ?? totalBytes;
  // PVE 8 prints the total; older mails only have per-guest times.
  const totalTime =
    parseDuration(/^\s*Total running time:\s*(.+)$/m.exec(mail.text)?.[1]) ??
    (rows.length && rows.every((r) => r.seconds !== null) ? rows.reduce((sum, r) => sum + (r.seconds ?? 0), 0) : null);
  if (totalTime !== null) details.totalSeconds = totalTime;
  if (logs.command) {
    details.command = logs.command;
    const storage = /--storage\s+(\S+)/.exec(logs.command)?.[1];
    if (storage) details.storage = storage;
  }

  return {
    software: 'Proxmox VE',
    type: 'vzdump backup',
    // vzdump mails name no job; the node is what identifies them (details.command tells jobs apart).
    jobName: host,
    status,
    objects,
    startedAt: logs.first,
    endedAt: logs.last,
    details,
    message: status === 'success' ? null : (subjectError ?? preamble ?? firstGuestError),
  };
}

export const vzdumpParser: ReportParser = {
  name: 'proxmox-vzdump',
  software: 'Proxmox VE',
  types: ['vzdump backup'],
  criteria: "subject starts with 'vzdump backup status (<node>): backup successful|failed'",
  matches: (mail) => SUBJECT.test(mail.subject.trim()),
  parse,
};
