import type { RunStatus } from '../../api/types';
import type { RunListParams, RunSort } from './run-queries';

export const PAGE_SIZE = 50;
const SORTS: readonly RunSort[] = ['queuedAt', 'startedAt', 'finishedAt', 'status', 'job', 'duration'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** History filters as they live in the address bar (shareable, survive a reload). */
export interface HistoryFilters {
  status: RunStatus[];
  from: string;
  to: string;
  sort: RunSort | undefined;
  order: 'asc' | 'desc';
  page: number;
}

export function readFilters(p: URLSearchParams): HistoryFilters {
  const sort = p.get('sort') as RunSort | null;
  const page = Number(p.get('page'));
  return {
    status: (p.get('status') ?? '').split(',').filter(Boolean) as RunStatus[],
    from: DATE.test(p.get('from') ?? '') ? p.get('from')! : '',
    to: DATE.test(p.get('to') ?? '') ? p.get('to')! : '',
    sort: sort && SORTS.includes(sort) ? sort : undefined,
    order: p.get('order') === 'asc' ? 'asc' : 'desc',
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

export function writeFilters(f: HistoryFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.status.length) p.set('status', f.status.join(','));
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.sort) {
    p.set('sort', f.sort);
    p.set('order', f.order);
  }
  if (f.page > 1) p.set('page', String(f.page));
  return p;
}

/** Start of a local calendar day (YYYY-MM-DD), shifted by `days`, as an ISO instant. */
export function localDayIso(date: string, days = 0): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + days).toISOString();
}

/** The API query for the filters: "To" includes the whole day it names. */
export function toQuery(f: HistoryFilters): RunListParams {
  return {
    status: f.status,
    ...(f.from ? { from: localDayIso(f.from) } : {}),
    ...(f.to ? { to: localDayIso(f.to, 1) } : {}),
    ...(f.sort ? { sort: f.sort, order: f.order } : {}),
    page: f.page,
    pageSize: PAGE_SIZE,
  };
}
