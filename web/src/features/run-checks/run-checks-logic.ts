import { qs } from '../../api/client';
import type { CheckedRun, RunCheckJob, RunStatus } from '../../api/types';

/** Pure view logic of Run Checks (unit-tested in test/web/review-logic.test.ts). */

/** Failed, timed out and missed first, then warnings, then the rest (the server's order too). */
export function statusRank(status: string): number {
  if (status === 'failed' || status === 'timed_out' || status === 'missed') return 0;
  if (status === 'warning') return 1;
  return 2;
}

/** Worst first: what a job is badged by. */
const SEVERITY: RunStatus[] = ['failed', 'timed_out', 'missed', 'warning', 'cancelled', 'success', 'running', 'queued'];

/** The worst status with a non-zero count ('success' when there is none). */
export function worstOf(statuses: Partial<Record<string, number>>): RunStatus {
  return SEVERITY.find((s) => (statuses[s] ?? 0) > 0) ?? 'success';
}

/**
 * The list order: failed/missed first, then warnings, then the rest; within a rank by customer,
 * then job name, then id. Kept on the client so a list refreshed after an action keeps its order.
 */
export function sortRunCheckJobs<T extends Pick<RunCheckJob, 'job' | 'worstStatus'>>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) =>
      statusRank(a.worstStatus) - statusRank(b.worstStatus) ||
      a.job.customer.name.localeCompare(b.job.customer.name) ||
      a.job.name.localeCompare(b.job.name) ||
      a.job.id - b.job.id,
  );
}

/** "2 failed · 1 warning · 3 success": the non-zero counts, worst first. */
export function statusSummary(statuses: Partial<Record<string, number>>): string {
  const label: Record<string, string> = { timed_out: 'timed out' };
  return SEVERITY.filter((s) => (statuses[s] ?? 0) > 0)
    .map((s) => `${statuses[s]} ${label[s] ?? s}`)
    .join(' · ');
}

/** The page's headline: the goal of the day is "All runs reviewed". */
export function remainingLabel(remaining: number): string {
  if (remaining <= 0) return 'All runs reviewed';
  return remaining === 1 ? '1 run to review' : `${remaining} runs to review`;
}

export interface RunChecksFilters {
  q: string;
  customerId: string | null;
  /** Admins: also runs reviewed in the last 7 days. */
  showReviewed: boolean;
}

export function filtersFromSearch(search: URLSearchParams): RunChecksFilters {
  return {
    q: search.get('q') ?? '',
    customerId: search.get('customer') || null,
    showReviewed: search.get('reviewed') === '1',
  };
}

/** Defaults stay out of the URL, so /run-checks is the plain list. */
export function filtersToSearch(f: RunChecksFilters): URLSearchParams {
  const s = new URLSearchParams();
  if (f.q.trim()) s.set('q', f.q.trim());
  if (f.customerId) s.set('customer', f.customerId);
  if (f.showReviewed) s.set('reviewed', '1');
  return s;
}

export const RUN_CHECKS_PAGE_SIZE = 200;

export function runChecksPath(f: RunChecksFilters, isAdmin: boolean): string {
  return `/api/run-checks${qs({
    q: f.q.trim(),
    customerId: f.customerId,
    includeReviewed: isAdmin && f.showReviewed ? true : undefined,
    pageSize: RUN_CHECKS_PAGE_SIZE,
  })}`;
}

/** Selected jobs that are still listed (a refresh may have removed some). */
export function keepListed(selected: ReadonlySet<number>, items: readonly { job: { id: number } }[]): Set<number> {
  const listed = new Set(items.map((i) => i.job.id));
  return new Set([...selected].filter((id) => listed.has(id)));
}

/** When a run happened, for sorting and display: reported start, else when it was recorded. */
export const runTime = (r: Pick<CheckedRun, 'startedAt' | 'queuedAt'>) => r.startedAt ?? r.queuedAt;

/** The status the run counts as (an override or "Mark as success" can make it success). */
export const effectiveOf = (r: Pick<CheckedRun, 'status' | 'effectiveStatus'>): RunStatus =>
  r.effectiveStatus ?? r.status;

/** "Mark as success" makes sense for a finished run that does not already count as success. */
export function canMarkSuccess(r: Pick<CheckedRun, 'status' | 'effectiveStatus'>): boolean {
  const s = effectiveOf(r);
  return s !== 'success' && s !== 'queued' && s !== 'running';
}

/**
 * The runs the drawer lists: the server's runs, with the ones changed in this session (marked
 * as success, reviewed, undone) in their new state, newest first. Runs reviewed here stay
 * visible until the drawer closes, so the user sees what their action did.
 */
export function mergeRuns(server: readonly CheckedRun[], handled: ReadonlyMap<number, CheckedRun>): CheckedRun[] {
  const byId = new Map<number, CheckedRun>();
  for (const r of server) byId.set(r.id, handled.get(r.id) ?? r);
  for (const [id, r] of handled) if (!byId.has(id)) byId.set(id, r);
  return [...byId.values()].sort((a, b) => Date.parse(runTime(b)) - Date.parse(runTime(a)) || b.id - a.id);
}

/** A run's one-line label in pickers: "#14 · Failed · 21 Nov 2026, 07:59". */
export function runOptionLabel(r: CheckedRun, format: (iso: string) => string): string {
  const s = effectiveOf(r);
  const status = r.overridden && s === 'success' ? 'Success (override)' : r.statusLabel || s;
  return `#${r.id} · ${status} · ${format(runTime(r))}`;
}
