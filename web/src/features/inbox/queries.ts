import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { get, qs } from '../../api/client';
import type { InboxItem, MailDetail, Page } from '../../api/types';
import { inboxPath, type InboxQuery } from './inbox-logic';

/**
 * Server state of the Inbox. Keys start with 'inbox' (the list and the navigation's count) or
 * 'mail' (one message), so an import, approval or re-parse refreshes them all at once.
 */
export function useInbox(query: InboxQuery) {
  return useQuery({
    queryKey: ['inbox', 'list', query],
    queryFn: () => get<Page<InboxItem>>(inboxPath(query)),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

export function useMail(id: number | null) {
  return useQuery({
    queryKey: ['mail', id],
    queryFn: () => get<MailDetail>(`/api/mail/${id}`),
    enabled: id !== null,
  });
}

/** The instance time zone: Inbox times are shown in it (undefined while loading). */
export function useInstanceTimezone(): string | undefined {
  const settings = useQuery({
    queryKey: ['settings'],
    queryFn: () => get<{ timezone: string }>('/api/settings'),
    staleTime: 300_000,
  });
  return settings.data?.timezone;
}

/** Active customers whose name contains `q` (the approve dialog's autocomplete). */
export function useCustomerSearch(q: string, enabled: boolean) {
  return useQuery({
    queryKey: ['customers', 'search', q],
    queryFn: async () =>
      (await get<{ items: { id: number; name: string }[] }>(`/api/customers/search${qs({ q })}`)).items,
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}
