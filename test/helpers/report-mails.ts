/**
 * Builders of realistic report e-mails (the layouts real products send) for the mail tests and
 * the benchmark. Each returns the raw RFC 822 bytes, as a mailbox or an upload would deliver them.
 */
import { randomUUID } from 'node:crypto';
import { MONTH_NAMES } from '../../src/core/schedule.js';

export type Status = 'success' | 'warning' | 'failed';

export interface ReportObjectSpec {
  name: string;
  status: Status;
  message?: string;
}

export interface VeeamMailOptions {
  jobName: string;
  status?: Status;
  /** Header kind: "Backup" (default), "Backup Copy", "Replication". */
  kind?: string;
  sender?: string;
  to?: string;
  /** When the session started (default 2024-01-15 22:00:12 UTC); the mail is dated 31 min later. */
  start?: Date;
  objects?: ReportObjectSpec[];
  messageId?: string;
  /** Extra HTML placed in the body (sanitising tests). */
  extraHtml?: string;
  subject?: string;
}

const WORD: Record<Status, string> = { success: 'Success', warning: 'Warning', failed: 'Failed' };
const COLOR: Record<Status, string> = { success: '#00B050', warning: '#ffd96c', failed: '#fb9895' };

const pad = (n: number) => String(n).padStart(2, '0');
const hms = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const longDate = (d: Date) =>
  `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTH_NAMES[d.getUTCMonth()]} ${d.getUTCFullYear()} ${hms(d)}`;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Base64 body lines of 76 characters (what real mailers send for HTML). */
function base64Lines(text: string): string {
  return (
    Buffer.from(text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g)
      ?.join('\r\n') ?? ''
  );
}

const cell = (content: string, extra = '') =>
  `<td style="padding: 2px 3px;vertical-align: top;border: 1px solid #a7a9ac;font-family: Tahoma;font-size: 12px;"${extra}>${content}</td>`;

/** A Veeam Backup & Replication job session mail (HTML, like VBR 11/12 send it). */
export function veeamMail(o: VeeamMailOptions): Buffer {
  const status = o.status ?? 'success';
  const kind = o.kind ?? 'Backup';
  const start = o.start ?? new Date(Date.UTC(2024, 0, 15, 22, 0, 12));
  const end = new Date(start.getTime() + 31 * 60_000 + 33_000);
  const objects = o.objects ?? [
    { name: 'dc01', status: 'success' },
    { name: 'sql01', status },
    { name: 'web01', status: 'success' },
  ];
  const count = (s: Status) => objects.filter((x) => x.status === s).length;
  const rows = objects
    .map((x, i) => {
      const s = new Date(start.getTime() + i * 60_000);
      return `<tr>${cell(escapeHtml(x.name))}${cell(WORD[x.status])}${cell(hms(s))}${cell(hms(new Date(s.getTime() + 600_000)))}${cell('40 GB')}${cell('8.1 GB')}${cell('0:10:00')}${cell(escapeHtml(x.message ?? ''))}</tr>`;
    })
    .join('\n');
  const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<style type="text/css">#body { font-family: Tahoma; font-size: 12px; } table { border-collapse: collapse; }</style></head>
<body id="body">
<table cellspacing="0" cellpadding="0" width="100%" border="0" style="border-collapse: collapse;">
<tr style="height:70px">
<td style="width: 80%;background-color: ${COLOR[status]};color: White;font-weight: bold;font-size: 16px;">${escapeHtml(kind)} job: ${escapeHtml(o.jobName)}<div class="jobDescription" style="margin-top: 5px;font-size: 12px;">Created by CONTOSO\\administrator at 12/03/2023 14:22.</div></td>
<td style="background-color: ${COLOR[status]};color: White;font-weight: bold;font-size: 16px;">${WORD[status]}<div style="font-size: 12px;font-weight: normal;">${count('success')} of ${objects.length} VMs processed</div></td>
</tr>
<tr><td colspan="2">
<table class="inner" cellspacing="0" cellpadding="0" width="100%" border="0" style="margin: 0px;border-collapse: collapse;">
<tr><td colspan="8" class="sessionDetails" style="background-color: #f3f4f4;font-size: 16px;"><span>${longDate(start)}</span></td></tr>
<tr>${cell('<b>Success</b>')}${cell(String(count('success')))}${cell('<b>Start time</b>')}${cell(hms(start))}${cell('<b>Total size</b>')}${cell('180 GB')}${cell('<b>Backup size</b>')}${cell('12.4 GB')}</tr>
<tr>${cell('<b>Warning</b>')}${cell(String(count('warning')))}${cell('<b>End time</b>')}${cell(hms(end))}${cell('<b>Data read</b>')}${cell('24.6 GB')}${cell('<b>Dedupe</b>')}${cell('1.9x')}</tr>
<tr>${cell('<b>Error</b>')}${cell(String(count('failed')))}${cell('<b>Duration</b>')}${cell('0:31:33')}${cell('<b>Transferred</b>')}${cell('11.9 GB')}${cell('<b>Compression</b>')}${cell('2.1x')}</tr>
<tr style="background-color: #e3e3e3;">${['Name', 'Status', 'Start time', 'End time', 'Size', 'Read', 'Duration', 'Details'].map((h) => cell(`<b>${h}</b>`)).join('')}</tr>
${rows}
</table>
</td></tr>
<tr><td colspan="2" style="font-size: 11px;color: #626365;">Veeam Backup &amp; Replication 12.1.1.56</td></tr>
</table>
${o.extraHtml ?? ''}
</body></html>`;
  const subject =
    o.subject ??
    `[${WORD[status]}] ${o.jobName} (${objects.length} machines)${count('failed') ? ` ${count('failed')} failed` : ''}${count('warning') ? `${count('failed') ? ',' : ''} ${count('warning')} warning${count('warning') > 1 ? 's' : ''}` : ''}`;
  const headers = [
    `From: Veeam Backup & Replication <${o.sender ?? 'veeam@contoso.com'}>`,
    `To: ${o.to ?? 'backup-reports@contoso.com'}`,
    `Subject: ${subject}`,
    `Date: ${end.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${o.messageId ?? randomUUID()}@vbr01.contoso.local>`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
  ];
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${base64Lines(html)}\r\n`);
}

export interface ProxmoxMailOptions {
  host: string;
  status?: 'success' | 'failed';
  guests?: { vmid: number; name: string; ok: boolean }[];
  start?: Date;
  messageId?: string;
  sender?: string;
}

/** A Proxmox VE 8 vzdump notification (plain text). */
export function proxmoxMail(o: ProxmoxMailOptions): Buffer {
  const start = o.start ?? new Date(Date.UTC(2024, 2, 5, 1, 0, 2));
  const guests = o.guests ?? [
    { vmid: 100, name: 'web01', ok: o.status !== 'failed' },
    { vmid: 101, name: 'dns01', ok: true },
  ];
  const ok = guests.every((g) => g.ok);
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const stamp = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 19);
  const table = guests
    .map((g, i) => {
      const t = new Date(start.getTime() + i * 72_000);
      return `${String(g.vmid).padEnd(8)}${g.name.padEnd(9)}${(g.ok ? 'ok' : 'err').padEnd(10)}${'1min 12s'.padEnd(12)}${'8.004 GiB'.padEnd(13)}${g.ok ? `vm/${g.vmid}/${iso(t)}` : '-'}`;
    })
    .join('\n');
  const logs = guests
    .map((g, i) => {
      const t = new Date(start.getTime() + i * 72_000);
      const e = new Date(t.getTime() + 72_000);
      return [
        `${g.vmid}: ${stamp(t)} INFO: Starting Backup of VM ${g.vmid} (qemu)`,
        `${g.vmid}: ${stamp(t)} INFO: VM Name: ${g.name}`,
        g.ok
          ? `${g.vmid}: ${stamp(e)} INFO: Finished Backup of VM ${g.vmid} (00:01:12)`
          : `${g.vmid}: ${stamp(e)} ERROR: Backup of VM ${g.vmid} failed - unable to open file '/mnt/pve/nfs/dump.tmp' - Read-only file system`,
      ].join('\n');
    })
    .join('\n\n');
  const text = `\nDetails\n=======\nVMID    Name     Status    Time        Size         Filename\n${table}\n\nTotal running time: 2min 24s\nTotal size: 16.008 GiB\n\nLogs\n====\nvzdump ${guests.map((g) => g.vmid).join(' ')} --storage pbs-main --mode snapshot --mailnotification always --node ${o.host.split('.')[0]} --quiet 1\n\n\n${logs}\n`;
  const date = new Date(start.getTime() + guests.length * 72_000 + 5_000);
  const headers = [
    `From: Proxmox VE <${o.sender ?? `root@${o.host}`}>`,
    'To: backup-reports@example.com',
    `Subject: vzdump backup status (${o.host}): backup ${ok ? 'successful' : 'failed'}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${o.messageId ?? randomUUID()}@${o.host}>`,
    'Auto-Submitted: auto-generated;',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${text.replace(/\n/g, '\r\n')}`);
}

/** Not a report: an ordinary message no parser recognises. */
export function plainMail(subject = 'Lunch on Friday?', messageId?: string): Buffer {
  return Buffer.from(
    [
      'From: Alice <alice@example.com>',
      'To: team@example.com',
      `Subject: ${subject}`,
      'Date: Tue, 16 Jan 2024 09:12:00 +0000',
      `Message-ID: <${messageId ?? randomUUID()}@example.com>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Shall we try the new place?',
      '',
    ].join('\r\n'),
  );
}
