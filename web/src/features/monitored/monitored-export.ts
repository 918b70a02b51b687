import { qs } from '../../api/client';
import type { MonitoredJobsDocument, MonitoredJobsImportResult } from '../../api/types';

/**
 * Pure logic of the monitored jobs JSON export and import of the Jobs page (MonitoredJobsTransfer;
 * unit-tested in test/web/mail-monitored-export.test.tsx).
 */

export const MONITORED_JOBS_FORMAT = 'keepwatch-monitored-jobs/1';
export const MONITORED_JOBS_FILE = 'keepwatch-monitored-jobs.json';

/** GET /api/monitored-jobs/export, for one customer when the list is filtered by one. */
export function monitoredExportPath(customerId: string | null | undefined): string {
  return `/api/monitored-jobs/export${qs({ customerId })}`;
}

/** The export as the file the user keeps: indented, so it reads well and diffs well in version control. */
export function exportFileText(doc: MonitoredJobsDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export type ParsedDocument = { ok: true; doc: MonitoredJobsDocument } | { ok: false; error: string };

/**
 * Reads a chosen file before anything is sent: it must be JSON and look like an export
 * ({format: 'keepwatch-monitored-jobs/1', jobs: [...]}). The entries themselves are checked by
 * the server, which answers per index.
 */
export function parseMonitoredJobsFile(text: string, fileName = 'The file'): ParsedDocument {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, error: `${fileName} is not JSON (${why}). Nothing was imported.` };
  }
  const shape = `${fileName} is not a monitored jobs export: expected {"format": "${MONITORED_JOBS_FORMAT}", "jobs": [...]}. Nothing was imported.`;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { ok: false, error: shape };
  const d = data as { format?: unknown; jobs?: unknown };
  if (d.format !== MONITORED_JOBS_FORMAT || !Array.isArray(d.jobs)) return { ok: false, error: shape };
  return { ok: true, doc: data as MonitoredJobsDocument };
}

/** "2 created, 1 unchanged" or, when any entry failed (all or nothing), "Nothing imported: 2 jobs have errors". */
export function monitoredImportSummary(r: MonitoredJobsImportResult): string {
  if (r.errors.length) {
    const n = r.errors.length;
    return `Nothing imported: ${n} job${n === 1 ? ' has an error' : 's have errors'}`;
  }
  return `${r.created} created, ${r.unchanged} unchanged`;
}

export interface ImportErrorRow {
  index: number;
  /** "jobs[3]": where to look in the file. */
  entry: string;
  /** "Contoso Ltd / Daily VMs" when the entry names them, else null. */
  job: string | null;
  message: string;
}

/** The server's errors by index, with the job each index stands for in the imported document. */
export function importErrorRows(
  r: MonitoredJobsImportResult,
  doc: { jobs: readonly unknown[] } | null,
): ImportErrorRow[] {
  return [...r.errors]
    .sort((a, b) => a.index - b.index)
    .map((e) => {
      const raw = doc?.jobs[e.index] as { customer?: unknown; name?: unknown } | null | undefined;
      const parts = [raw?.customer, raw?.name].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
      return {
        index: e.index,
        entry: `jobs[${e.index}]`,
        job: parts.length ? parts.join(' / ') : null,
        message: e.message,
      };
    });
}

/** A line under a successful import's summary, when there is something worth saying. */
export function importNote(r: MonitoredJobsImportResult, doc: { jobs: readonly unknown[] }): string | null {
  if (r.errors.length) return null;
  if (doc.jobs.length === 0) return 'The file lists no jobs.';
  if (r.created === 0) return 'Every job in the file already exists with the same settings.';
  const heartbeat = doc.jobs.some((j) => (j as { feed?: unknown } | null)?.feed === 'heartbeat');
  return heartbeat ? 'Imported heartbeat jobs get new ping URLs: update the scripts that report to them.' : null;
}
