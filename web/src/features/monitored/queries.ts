import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { get } from '../../api/client';
import type { MonitoredJob, Page } from '../../api/types';
import { jobsPathWithExtras, type JobListExtras } from './monitored-logic';

type ListFilters = Parameters<typeof jobsPathWithExtras>[0];

/**
 * The jobs list of one kind (backup or monitored), active or archived. Keys start with 'jobs',
 * so every job action (which invalidates ['jobs']) refreshes it.
 */
export function useJobsOfKind(filters: ListFilters, extras: JobListExtras, pageSize: number) {
  const { kind, archived } = extras;
  return useQuery({
    queryKey: ['jobs', 'list', filters, { kind, archived }],
    queryFn: () => get<Page<MonitoredJob>>(jobsPathWithExtras(filters, { kind, archived }, pageSize)),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some((j) => j.status === 'running') ? 3_000 : 30_000),
  });
}
