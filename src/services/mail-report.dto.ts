import type { ParsedReport, ReportObject, ReportStatus } from '../core/mail-report.js';

/**
 * What `POST /api/mail/parse` answers and `keepwatch mail parse --json` prints per file, with
 * exactly these field names (docs/api-contract.md). Pure so the offline CLI can use it too.
 */
export interface ParseResult {
  file: string;
  parser: string | null;
  software: string | null;
  type: string | null;
  jobName: string | null;
  status: ReportStatus | null;
  /** [] when no parser recognised the message; null when the file is not a readable message. */
  objects: ReportObject[] | null;
  startedAt: string | null;
  endedAt: string | null;
  /** Only when the file is not a readable message. */
  error?: string;
}

const iso = (ms: number | null | undefined) => (ms == null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

/** `unreadable`: why the file is not a message at all (then every report field is null). */
export function parseResultOf(file: string, report: ParsedReport | null, unreadable?: string | null): ParseResult {
  const out: ParseResult = {
    file,
    parser: report?.parser ?? null,
    software: report?.software ?? null,
    type: report?.type ?? null,
    jobName: report?.jobName ?? null,
    status: report?.status ?? null,
    objects: (report?.objects ?? []).map((o) => ({
      name: o.name,
      type: o.type ?? null,
      status: o.status ?? null,
      message: o.message ?? null,
    })),
    startedAt: iso(report?.startedAt),
    endedAt: iso(report?.endedAt),
  };
  if (unreadable) {
    out.objects = null;
    out.error = unreadable;
  }
  return out;
}
