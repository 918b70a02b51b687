import type { MailInput, ReportStatus } from '../../../core/mail-report.js';
import { htmlTables, labelKey, pairsFromRows, type TableRows } from '../common/html-tables.js';
import { reportBodyText } from '../common/html-text.js';
import { dayOf, parseDateTime, statusFromWord } from '../common/report-values.js';

/**
 * The layout shared by Veeam's session mails (Backup & Replication jobs, its configuration backup
 * and the standalone Veeam Agents): a coloured header row "<Kind> job: <name>" with the result on
 * the right, a session row with the start date, "label | value" summary rows, then a table of
 * processed objects headed "Name | Status | Start time | End time | ... | Details", and a footer
 * naming the product and its version. The parsers in this folder only differ in how they name
 * the software and type and what they call the objects.
 */

export interface VeeamHeader {
  /** Text before "job:" ("Backup", "Backup Copy", "Agent Backup"), '' for headers without it. */
  kind: string;
  name: string;
  /** Lines under the name ("Created by CONTOSO\admin at ..."). */
  description: string;
  status: ReportStatus | null;
}

export interface VeeamObjectRow {
  name: string;
  status: ReportStatus | null;
  message: string | null;
  /** Cells by lower-cased column header ("start time", "size"...). */
  cells: Map<string, string>;
}

export interface VeeamLayout {
  header: VeeamHeader | null;
  /** Start of the session (date and time of the session row), UTC reading. */
  sessionStart: number | null;
  /** Summary values by lower-cased label ("start time", "total size", "success"...). */
  summary: Map<string, string>;
  /** Header cells of the object table, lower-cased ("name", "status", "details"). */
  objectColumns: string[];
  objects: VeeamObjectRow[];
  /** A "Details" block under the object table (the Linux agent's session log), or null. */
  jobDetails: string | null;
  /** "Veeam Backup & Replication 12.1.1.56" as printed in the footer, or null. */
  product: string | null;
  text: string;
}

export const VBR_MARKER = /Veeam Backup (?:&|&amp;|and) Replication/i;
export const AGENT_MARKER = /Veeam Agent for (?:Microsoft Windows|Linux|Mac)/i;
/** The header cell of a job session mail: "Backup job: ...", "Backup Copy job: ...". */
export const JOB_HEADER_HTML = />\s*[A-Za-z][A-Za-z -]{0,40}\bjob:\s*[^<\s]/i;

const SUBJECT = /^\s*\[(success|warning|failed|error)\]\s*(.+?)\s*$/i;
/** Subjects and header lines are short; longer ones are cut before matching. */
const MAX_LINE = 500;
// The default subject appends "(3 machines)" / "(3 VMs)" and the issue counts ("1 failed, 2 warnings").
const SUBJECT_TAIL =
  /\s*(?:\(\s*\d+\s+[a-z]+\s*\))?(?:\s+\d+\s+(?:failed|warnings?|errors?)(?:,\s*\d+\s+(?:failed|warnings?|errors?))*)?\s*$/i;

/** Result and job name from a "[Success] Daily VMs (3 machines)" subject. */
export function subjectInfo(subject: string): { status: ReportStatus | null; name: string | null } {
  const m = SUBJECT.exec(subject.slice(0, MAX_LINE));
  if (!m || m[1] === undefined || m[2] === undefined) return { status: null, name: null };
  const name = m[2].replace(SUBJECT_TAIL, '').trim();
  return { status: statusFromWord(m[1]), name: name === '' ? null : name };
}

function findHeader(tables: TableRows[], headline: RegExp): VeeamHeader | null {
  for (const table of tables) {
    for (const row of table) {
      for (let i = 0; i < row.length; i++) {
        const [first = '', ...rest] = (row[i] ?? '').split('\n');
        const m = headline.exec(first.slice(0, MAX_LINE));
        if (!m) continue;
        // The result is the next cell of the header row ("Success", "Warning", "Failed").
        const statusCell = (row[i + 1] ?? '').split('\n')[0] ?? '';
        return {
          kind: (m.groups?.['kind'] ?? '').trim(),
          name: (m.groups?.['name'] ?? '').trim(),
          description: rest.join('\n'),
          status: statusFromWord(statusCell),
        };
      }
    }
  }
  return null;
}

const isObjectHeader = (row: string[]): boolean =>
  labelKey(row[0] ?? '') === 'name' && labelKey(row[1] ?? '') === 'status';

/**
 * Reads a Veeam session mail. `headline` recognises the header cell's first line and names the
 * groups "kind" and "name"; `objectHeader` recognises the header row of the object table.
 */
export function readVeeamLayout(
  mail: MailInput,
  headline: RegExp = /^(?<kind>[A-Za-z][A-Za-z -]*?)\s*job:\s*(?<name>.+)$/i,
  objectHeader: (row: string[]) => boolean = isObjectHeader,
): VeeamLayout {
  const html = mail.html ?? '';
  const tables = htmlTables(html);
  const text = reportBodyText(mail);
  const header = findHeader(tables, headline);

  let sessionStart: number | null = null;
  const summary = new Map<string, string>();
  let objectColumns: string[] = [];
  const objects: VeeamObjectRow[] = [];
  let jobDetails: string | null = null;

  for (const table of tables) {
    const headerAt = table.findIndex(objectHeader);
    const before = headerAt >= 0 ? table.slice(0, headerAt) : table;
    for (const row of before) {
      if (row.length === 1 && sessionStart === null) {
        // The session row: "Monday, 15 January 2024 22:00:12" in the server's regional format.
        sessionStart = parseDateTime(row[0]);
      } else if (row.length >= 4 && row.length % 2 === 0) {
        pairsFromRows([row], summary);
      }
    }
    if (headerAt < 0 || objectColumns.length > 0) continue;
    objectColumns = (table[headerAt] ?? []).map(labelKey);
    const after = table.slice(headerAt + 1);
    const detailsAt = after.findIndex((row) => row.length === 1 && labelKey(row[0] ?? '') === 'details');
    const detailsRow = detailsAt >= 0 ? after[detailsAt + 1] : undefined;
    if (detailsRow?.length === 1 && detailsRow[0]) jobDetails = detailsRow[0];
    for (const row of after) {
      if (row.length !== objectColumns.length) break;
      const cells = new Map(objectColumns.map((col, i) => [col, row[i] ?? '']));
      const name = row[0]?.trim() ?? '';
      if (name === '') continue;
      const details = cells.get('details')?.trim() ?? '';
      objects.push({
        name,
        status: statusFromWord(cells.get('status')),
        message: details === '' ? null : details,
        cells,
      });
    }
  }

  const product =
    /Veeam (?:Backup (?:&|and) Replication|Agent for (?:Microsoft Windows|Linux|Mac))\s+\d+(?:\.\d+)+/i.exec(text);
  return { header, sessionStart, summary, objectColumns, objects, jobDetails, product: product?.[0] ?? null, text };
}

/** The session's day (midnight, UTC reading), for placing the bare times of the summary rows. */
export function sessionDay(layout: VeeamLayout): number | null {
  return layout.sessionStart === null ? null : dayOf(layout.sessionStart);
}

/** "3 of 3 VMs processed" and similar counters anywhere in the mail. */
export function processedCount(text: string): string | null {
  const m = /(\d+)\s+of\s+(\d+)\s+(?:VMs?|machines?|objects?|computers?|hosts?|workloads?)\s+processed/i.exec(text);
  return m ? `${m[1]} of ${m[2]}` : null;
}

/** The version number printed in the footer ("12.1.1.56"), or null. */
export function productVersion(layout: VeeamLayout): string | null {
  return layout.product ? (/\d+(?:\.\d+)+$/.exec(layout.product)?.[0] ?? null) : null;
}
