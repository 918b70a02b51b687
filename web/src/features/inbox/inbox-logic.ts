import { qs } from '../../api/client';
import type { MailImportOutcome, MailImportResult } from '../../api/types';
import { formatBytes, formatDuration } from '../../components/format';

/** Pure view logic of the Inbox (unit-tested in test/web/inbox-logic.test.ts). */

export const INBOX_PAGE_SIZE = 50;
/** The API takes at most 50 files per request; smaller batches keep each request body moderate. */
export const UPLOAD_BATCH = 10;
/** The server refuses larger files (25 MiB); they are reported without being sent. */
export const MAX_EML_BYTES = 25 * 1024 * 1024;

export interface InboxQuery {
  page: number;
  q: string;
  deleted: boolean;
}

export function inboxPath(query: InboxQuery, pageSize = INBOX_PAGE_SIZE): string {
  return `/api/inbox${qs({
    page: query.page,
    pageSize,
    q: query.q.trim(),
    deleted: query.deleted ? true : undefined,
  })}`;
}

/** A time in the instance time zone ("12 Mar 2025, 14:05"); the zone name when it is not the browser's. */
export function formatInZone(iso: string | null | undefined, timeZone: string | undefined, locale?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  try {
    return date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) });
  } catch {
    // An unknown zone name: the browser's own zone is better than nothing.
    return date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
  }
}

/** Files of a drop or a picker that look like e-mails (.eml, or typed message/rfc822). */
export function isEmlFile(file: { name: string; type: string }): boolean {
  return /\.eml$/i.test(file.name) || file.type === 'message/rfc822';
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Base64 of bytes, in slices (String.fromCharCode over a whole 25 MiB file overflows the stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) binary += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(binary);
}

export async function fileToBase64(file: Blob): Promise<string> {
  return bytesToBase64(new Uint8Array(await file.arrayBuffer()));
}

export const OUTCOME_LABEL: Record<MailImportOutcome, string> = {
  linked: 'Linked to a job',
  inbox: 'In the Inbox',
  duplicate: 'Duplicate (already imported)',
  rejected: 'Rejected',
};

export const OUTCOME_COLOR: Record<MailImportOutcome, string> = {
  linked: 'green',
  inbox: 'blue',
  duplicate: 'gray',
  rejected: 'red',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "3 files: 1 linked to a job, 1 in the Inbox, 1 duplicate" (zero counts left out). */
export function summarizeImport(results: readonly Pick<MailImportResult, 'outcome'>[]): string {
  const counts: Record<MailImportOutcome, number> = { linked: 0, inbox: 0, duplicate: 0, rejected: 0 };
  for (const r of results) counts[r.outcome]++;
  const parts = [
    counts.linked && `${counts.linked} linked to a job`,
    counts.inbox && `${counts.inbox} in the Inbox`,
    counts.duplicate && plural(counts.duplicate, 'duplicate'),
    counts.rejected && `${counts.rejected} rejected`,
  ].filter(Boolean);
  return `${plural(results.length, 'file')}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** The answer of "Re-parse all" in words: "12 re-parsed, 3 linked". */
export function reparseSummary(r: { reparsed: number; linked: number }): string {
  return `${r.reparsed} re-parsed, ${r.linked} linked`;
}

/** A result for a file that was not sent (wrong type, too large), in the server's shape. */
export function localRejection(file: string, error: string): MailImportResult {
  return { file, outcome: 'rejected', mailId: null, jobId: null, runId: null, error };
}

/**
 * Splits what the user dropped into files to send and files refused here, keeping the order;
 * the server stays the judge of everything it receives.
 */
export function triageFiles<F extends { name: string; type: string; size: number }>(
  files: readonly F[],
): { send: F[]; refused: MailImportResult[] } {
  const send: F[] = [];
  const refused: MailImportResult[] = [];
  for (const f of files) {
    if (!isEmlFile(f)) refused.push(localRejection(f.name, 'not an .eml file'));
    else if (f.size === 0) refused.push(localRejection(f.name, 'the file is empty'));
    else if (f.size > MAX_EML_BYTES) refused.push(localRejection(f.name, 'larger than 25 MiB'));
    else send.push(f);
  }
  return { send, refused };
}

/** "totalSizeBytes" → "Total size", "createdBy" → "Created by". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/(Bytes|Seconds|Ms)$/, '')
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : key;
}

/**
 * A parser's extra facts as label/value lines: sizes (…Bytes) in KiB/MiB/GiB, durations
 * (…Seconds) in h/m/s, anything else as given.
 */
export function detailEntries(details: Record<string, string | number> | null | undefined): {
  key: string;
  label: string;
  value: string;
}[] {
  return Object.entries(details ?? {}).map(([key, v]) => {
    let value = String(v);
    if (typeof v === 'number' && /Bytes$/.test(key)) value = formatBytes(v);
    else if (typeof v === 'number' && /Seconds$/.test(key)) value = formatDuration(v * 1000);
    return { key, label: humanizeKey(key), value };
  });
}
