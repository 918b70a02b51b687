import { qs } from '../../api/client';

/** What the jobs list shows: kept in the page's URL so a filtered list can be shared and reloaded. */
export type JobSortKey = 'name' | 'status' | 'customer' | 'lastRun' | 'nextRun';
export type SortOrder = 'asc' | 'desc';

export interface JobsFilters {
  q: string;
  statuses: string[];
  customerId: string | null;
  sort: JobSortKey;
  order: SortOrder;
  page: number;
}

export const PAGE_SIZE = 50;
export const JOB_SORT_KEYS: readonly JobSortKey[] = ['name', 'status', 'customer', 'lastRun', 'nextRun'];
export const FILTER_STATUSES = ['active', 'disabled', 'running', 'failed'] as const;

export const DEFAULT_FILTERS: JobsFilters = {
  q: '',
  statuses: [],
  customerId: null,
  sort: 'name',
  order: 'asc',
  page: 1,
};

/** Reads the filters from the page's query string, ignoring anything unknown. */
export function filtersFromSearch(search: URLSearchParams): JobsFilters {
  const sort = search.get('sort') as JobSortKey | null;
  const page = Number(search.get('page'));
  const customer = search.get('customer');
  return {
    q: search.get('q') ?? '',
    statuses: (search.get('status') ?? '').split(',').filter((s) => (FILTER_STATUSES as readonly string[]).includes(s)),
    customerId: customer && /^\d+$/.test(customer) ? customer : null,
    sort: sort && JOB_SORT_KEYS.includes(sort) ? sort : DEFAULT_FILTERS.sort,
    order: search.get('order') === 'desc' ? 'desc' : 'asc',
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** The page's query string for these filters; defaults are left out to keep URLs short. */
export function filtersToSearch(f: JobsFilters): URLSearchParams {
  const out = new URLSearchParams();
  if (f.q.trim()) out.set('q', f.q.trim());
  if (f.statuses.length) out.set('status', f.statuses.join(','));
  if (f.customerId) out.set('customer', f.customerId);
  if (f.sort !== DEFAULT_FILTERS.sort || f.order !== DEFAULT_FILTERS.order) {
    out.set('sort', f.sort);
    out.set('order', f.order);
  }
  if (f.page > 1) out.set('page', String(f.page));
  return out;
}

/**
 * The API request for these filters: backup jobs unless another kind is asked for (system jobs
 * get their own screen), the archived ones instead of the others on request.
 */
export function jobsApiPath(
  f: Pick<JobsFilters, 'page' | 'statuses' | 'q' | 'customerId'> & { sort: string; order: string },
  pageSize = PAGE_SIZE,
  x: { kind: string; archived: boolean } = { kind: 'backup', archived: false },
): string {
  return `/api/jobs${qs({
    kind: x.kind,
    sort: f.sort,
    order: f.order,
    page: f.page,
    pageSize,
    status: f.statuses.join(','),
    q: f.q.trim(),
    customerId: f.customerId,
    archived: x.archived ? true : undefined,
  })}`;
}

/**
 * A click on a column header: the same column flips the order, another column sorts by it
 * (most recent first for last run, ascending otherwise). Either way back to page 1.
 */
export function toggleSort(f: JobsFilters, key: JobSortKey): JobsFilters {
  if (f.sort === key) return { ...f, order: f.order === 'asc' ? 'desc' : 'asc', page: 1 };
  return { ...f, sort: key, order: key === 'lastRun' ? 'desc' : 'asc', page: 1 };
}

/** Any change of filter goes back to the first page. */
export function withFilter(f: JobsFilters, change: Partial<Omit<JobsFilters, 'page'>>): JobsFilters {
  return { ...f, ...change, page: 1 };
}
