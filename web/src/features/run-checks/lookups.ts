import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { get } from '../../api/client';
import type { Customer, Job, Page } from '../../api/types';

/**
 * Names and pickers shared by the review screens: remarks, tickets and overrides store ids, the
 * screens show names. Jobs of every kind the user can see (at most 500, by name).
 */
export interface JobOption {
  value: string;
  label: string;
  name: string;
  customerId: number;
  customerName: string;
}

export function useJobOptions(enabled = true) {
  return useQuery({
    queryKey: ['jobs', 'review-options'],
    queryFn: async () =>
      (await get<Page<Job>>('/api/jobs?pageSize=500&sort=name')).items.map((j): JobOption => ({
        value: String(j.id),
        label: `${j.name} (${j.customer.name})`,
        name: j.name,
        customerId: j.customer.id,
        customerName: j.customer.name,
      })),
    enabled,
    staleTime: 60_000,
  });
}

export function useCustomerOptions(enabled = true) {
  return useQuery({
    queryKey: ['customers', 'review-options'],
    queryFn: async () =>
      (await get<Page<Customer>>('/api/customers')).items.map((c) => ({ value: String(c.id), label: c.name })),
    enabled,
    staleTime: 60_000,
  });
}

/** Id → name, falling back to "#id" for what the user cannot see (or what was deleted). */
export function useNames() {
  const jobs = useJobOptions();
  const customers = useCustomerOptions();
  return useMemo(() => {
    const j = new Map((jobs.data ?? []).map((o) => [Number(o.value), o.name]));
    const c = new Map((customers.data ?? []).map((o) => [Number(o.value), o.label]));
    return {
      job: (id: number) => j.get(id) ?? `#${id}`,
      customer: (id: number) => c.get(id) ?? `#${id}`,
      jobs: jobs.data ?? [],
      customers: customers.data ?? [],
    };
  }, [jobs.data, customers.data]);
}

/** The instance time zone (GET /api/settings): "today" and dates of the review screens (undefined while loading). */
export function useReviewTimezone(): string | undefined {
  const settings = useQuery({
    queryKey: ['settings'],
    queryFn: () => get<{ timezone: string }>('/api/settings'),
    staleTime: 300_000,
  });
  return settings.data?.timezone ?? (settings.isError ? 'UTC' : undefined);
}
