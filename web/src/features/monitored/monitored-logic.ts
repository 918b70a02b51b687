import type { JobMonitor, RunStatus } from '../../api/types';
import { jobsApiPath } from '../jobs/jobs-filters';

/** Pure view logic of monitored jobs (unit-tested in test/web/mail-monitored.test.ts). */

export type JobKindFilter = 'backup' | 'monitored';

export interface JobListExtras {
  kind: JobKindFilter;
  /** Rows under one heading per customer (default on for monitored jobs, as in BackupChecks). */
  grouped: boolean;
  /** Archived jobs instead of the active ones. */
  archived: boolean;
}

/** Reads the extras of the jobs list from the page's query string (kind, group, archived). */
export function extrasFromSearch(search: URLSearchParams): JobListExtras {
  const kind: JobKindFilter = search.get('kind') === 'monitored' ? 'monitored' : 'backup';
  const group = search.get('group');
  return {
    kind,
    grouped: group === null ? kind === 'monitored' : group === '1',
    archived: search.get('archived') === '1',
  };
}

/** Adds the extras to a query string built for the common filters; defaults stay out of the URL. */
export function extrasToSearch(base: URLSearchParams, x: JobListExtras): URLSearchParams {
  const out = new URLSearchParams(base);
  if (x.kind !== 'backup') out.set('kind', x.kind);
  if (x.grouped !== (x.kind === 'monitored')) out.set('group', x.grouped ? '1' : '0');
  if (x.archived) out.set('archived', '1');
  return out;
}

/** The jobs API request for the common filters plus kind and archived. */
export function jobsPathWithExtras(
  f: Parameters<typeof jobsApiPath>[0],
  x: Pick<JobListExtras, 'kind' | 'archived'>,
  pageSize: number,
): string {
  return jobsApiPath(f, pageSize, x);
}

export interface CustomerGroup<J> {
  customer: { id: number; name: string };
  jobs: J[];
}

/**
 * Jobs under one heading per customer: customers by name (case-insensitive), each customer's
 * jobs in the order the server sorted them.
 */
export function groupByCustomer<J extends { customer: { id: number; name: string } }>(
  jobs: readonly J[],
): CustomerGroup<J>[] {
  const groups = new Map<number, CustomerGroup<J>>();
  for (const job of jobs) {
    let g = groups.get(job.customer.id);
    if (!g) {
      g = { customer: { id: job.customer.id, name: job.customer.name }, jobs: [] };
      groups.set(job.customer.id, g);
    }
    g.jobs.push(job);
  }
  return [...groups.values()].sort(
    (a, b) =>
      a.customer.name.localeCompare(b.customer.name, undefined, { sensitivity: 'base' }) ||
      a.customer.id - b.customer.id,
  );
}

export const FEED_LABEL: Record<JobMonitor['feed'], string> = { email: 'E-mail reports', heartbeat: 'HTTP heartbeat' };

/** A ping URL the user can paste: relative ones are completed with the page's origin. */
export function absolutePingUrl(url: string, origin: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  return `${origin.replace(/\/$/, '')}/${url.replace(/^\//, '')}`;
}

/** What a script runs to report to a heartbeat job: success, start, failure (with its output). */
export function curlExamples(pingUrl: string): { label: string; command: string }[] {
  const url = pingUrl.replace(/\/$/, '');
  return [
    { label: 'Report success', command: `curl -fsS -m 10 --retry 3 ${url}` },
    {
      label: 'Report the start (then success or failure completes the same run)',
      command: `curl -fsS -m 10 --retry 3 ${url}/start`,
    },
    {
      label: 'Report a failure with its output as the run log',
      command: `curl -fsS -m 10 --retry 3 --data-raw "$OUTPUT" ${url}/fail`,
    },
  ];
}

/** A script wrapped so that its result is reported either way. */
export function wrapperExample(pingUrl: string, command = '/usr/local/bin/backup.sh'): string {
  const url = pingUrl.replace(/\/$/, '');
  return [
    `curl -fsS -m 10 --retry 3 ${url}/start`,
    `if OUTPUT=$(${command} 2>&1); then`,
    `  curl -fsS -m 10 --retry 3 --data-raw "$OUTPUT" ${url}`,
    'else',
    `  curl -fsS -m 10 --retry 3 --data-raw "$OUTPUT" ${url}/fail`,
    'fi',
  ].join('\n');
}

/** The status a run counts as (an override can make a failure count as success). */
export function effectiveStatus(run: { status: RunStatus; effectiveStatus?: RunStatus | undefined }): RunStatus {
  return run.effectiveStatus ?? run.status;
}

/** What a delete of a monitored job removes, in the confirmation's words. */
export function deleteWarning(jobName: string): string {
  return (
    `Deleting ${jobName} removes its runs, remarks and tickets for good. Its report e-mails go back to the ` +
    'Inbox, where they can be approved again (for example for another customer). Archive the job instead to ' +
    'keep its history.'
  );
}
