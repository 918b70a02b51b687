import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { get, qs } from '../../api/client';
import type { Customer, EncryptionProfile, Job, Page, Resource, Run } from '../../api/types';
import { jobsApiPath, type JobsFilters } from './jobs-filters';

/**
 * Server state of the jobs screens. Every key starts with the resource name, so a mutation that
 * invalidates ['jobs'] refreshes the list, the detail and the job's runs alike.
 */
export function useJobsList(filters: JobsFilters) {
  return useQuery({
    queryKey: ['jobs', 'list', filters],
    queryFn: () => get<Page<Job>>(jobsApiPath(filters)),
    placeholderData: keepPreviousData,
    // Running jobs change often; an idle list only needs an occasional refresh.
    refetchInterval: (q) => (q.state.data?.items.some((j) => j.status === 'running') ? 3_000 : 30_000),
  });
}

export function useJob(id: string | undefined) {
  return useQuery({
    queryKey: ['jobs', 'detail', id],
    queryFn: () => get<Job>(`/api/jobs/${encodeURIComponent(id!)}`),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 3_000 : 30_000),
  });
}

export function useJobRuns(jobId: number | undefined, statuses: string[], page: number, pageSize = 20) {
  return useQuery({
    queryKey: ['jobs', 'runs', jobId, { statuses, page, pageSize }],
    queryFn: () => get<Page<Run>>(`/api/jobs/${jobId}/runs${qs({ status: statuses.join(','), page, pageSize })}`),
    enabled: jobId !== undefined,
    placeholderData: keepPreviousData,
    refetchInterval: (q) =>
      q.state.data?.items.some((r) => r.status === 'running' || r.status === 'queued') ? 3_000 : 30_000,
  });
}

export function useCustomerList() {
  return useQuery({
    queryKey: ['customers', 'jobs-picker'],
    queryFn: async () => (await get<Page<Customer>>('/api/customers')).items,
  });
}

export type PickerResource = 'sources' | 'destinations' | 'notification-channels';

/** Sources, destinations or channels of every visible customer (the editor filters by customer). */
export function useResourceList(type: PickerResource) {
  return useQuery({
    queryKey: [type, 'jobs-picker'],
    queryFn: async () => (await get<Page<Resource>>(`/api/${type}`)).items,
  });
}

export function useProfileList() {
  return useQuery({
    queryKey: ['encryption-profiles', 'jobs-picker'],
    queryFn: async () => (await get<Page<EncryptionProfile>>('/api/encryption-profiles')).items,
  });
}

/** The instance time zone, the default of new schedules (undefined while loading). */
export function useInstanceTimezone(): string | undefined {
  const settings = useQuery({
    queryKey: ['settings'],
    queryFn: () => get<{ timezone: string }>('/api/settings'),
    staleTime: 300_000,
  });
  return settings.data?.timezone ?? (settings.isError ? 'UTC' : undefined);
}
