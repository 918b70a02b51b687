import type { NotificationMessage } from '../notifier.contract.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const STATUS_ICON: Readonly<Record<string, string>> = {
  success: '✔',
  warning: '⚠',
  failed: '✖',
  timed_out: '⏱',
  cancelled: '⊘',
  missed: '⌛',
  info: 'ℹ',
};

// Same palette as the run badges in the UI, so a mail looks like the page it links to.
const STATUS_COLOR: Readonly<Record<string, string>> = {
  success: '#2f9e44',
  warning: '#f08c00',
  failed: '#e03131',
  timed_out: '#e03131',
  cancelled: '#868e96',
  missed: '#9c36b5',
  info: '#1971c2',
};

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Header values must stay on one line whatever a job name contains. */
function oneLine(value: string): string {
  return value.replace(/[\r\n\t]+/g, ' ').trim();
}

function factValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value) ?? '';
}

/** The message's structured facts as label/value pairs; nulls are left out. */
function facts(data: Record<string, unknown>): Array<[string, string]> {
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => [k, factValue(v)]);
}

export function renderMail(message: NotificationMessage, subjectPrefix: string): RenderedMail {
  const icon = STATUS_ICON[message.status] ?? '•';
  const subject = oneLine(`${subjectPrefix ? `${subjectPrefix} ` : ''}${icon} ${message.status}: ${message.title}`);
  const pairs = facts(message.data);

  const textLines = [message.title, `Status: ${message.status}`, '', message.text.trimEnd()];
  if (pairs.length > 0) textLines.push('', ...pairs.map(([k, v]) => `${k}: ${v}`));

  const color = STATUS_COLOR[message.status] ?? '#495057';
  const rows = pairs
    .map(
      ([k, v]) =>
        `<tr><td style="padding:2px 12px 2px 0;color:#868e96">${escapeHtml(k)}</td>` +
        `<td style="padding:2px 0">${escapeHtml(v)}</td></tr>`,
    )
    .join('');
  const html =
    `<!doctype html><html><body style="font-family:sans-serif;font-size:14px;color:#212529">` +
    `<h2 style="margin:0 0 8px">${escapeHtml(message.title)}</h2>` +
    `<p style="margin:0 0 12px"><span style="background:${color};color:#fff;border-radius:4px;padding:2px 8px">` +
    `${escapeHtml(`${icon} ${message.status}`)}</span></p>` +
    `<pre style="font-family:inherit;white-space:pre-wrap;margin:0 0 12px">${escapeHtml(message.text)}</pre>` +
    (rows ? `<table style="border-collapse:collapse">${rows}</table>` : '') +
    `</body></html>`;

  return { subject, text: `${textLines.join('\n')}\n`, html };
}
