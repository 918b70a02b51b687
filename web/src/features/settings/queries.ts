import { useQuery } from '@tanstack/react-query';
import { get } from '../../api/client';
import type { Customer, EncryptionProfile, Page, Resource, User } from '../../api/types';
import type { ResourceType } from './resource-kinds';

/**
 * Server state of the settings screens. Keys start with the resource name, so a mutation
 * invalidates every list of it (['sources'] also refreshes other screens' source pickers).
 */
export function useCustomers() {
  return useQuery({
    queryKey: ['customers', 'list'],
    queryFn: async () => (await get<Page<Customer>>('/api/customers')).items,
  });
}

export function useResources(type: ResourceType) {
  return useQuery({
    queryKey: [type, 'list'],
    queryFn: async () => (await get<Page<Resource>>(`/api/${type}`)).items,
  });
}

export function useProfiles() {
  return useQuery({
    queryKey: ['encryption-profiles', 'list'],
    queryFn: async () => (await get<Page<EncryptionProfile>>('/api/encryption-profiles')).items,
  });
}

export function useUsers(enabled: boolean) {
  return useQuery({
    queryKey: ['users', 'list'],
    queryFn: async () => (await get<{ items: User[] }>('/api/users')).items,
    enabled,
  });
}

export interface InstanceSettings {
  maxConcurrentRuns: number;
  timezone: string;
  catchUpWindowSeconds: number;
}

export function useInstanceSettings() {
  return useQuery({ queryKey: ['settings'], queryFn: () => get<InstanceSettings>('/api/settings') });
}

/** Select options for customers: active ones, plus `keep` (the current value) if inactive. */
export function customerOptions(customers: Customer[] | undefined, keep?: number) {
  return (customers ?? [])
    .filter((c) => c.active || c.id === keep)
    .map((c) => ({ value: String(c.id), label: c.name }));
}

/**
 * The customer a new resource belongs to unless chosen otherwise: the only one, else the
 * first created (the installation's own customer), not the first by name.
 */
export function defaultCustomerId(customers: Customer[] | undefined): string {
  const active = (customers ?? []).filter((c) => c.active);
  if (!active.length) return '';
  return String(Math.min(...active.map((c) => c.id)));
}

/** Every IANA time zone the browser knows, with UTC first. */
export function timeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}
