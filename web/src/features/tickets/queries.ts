import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, patch, post, qs } from '../../api/client';
import type { Remark, Ticket } from '../../api/types';
import { invalidateReview } from '../run-checks/queries';
import type { TicketBody } from './tickets-logic';

/** Remarks and tickets change the 💬/🎫 indicators of Run Checks, Daily Jobs and Jobs: refresh them all. */

export function useTickets(openOnly: boolean) {
  return useQuery({
    queryKey: ['tickets', 'list', { openOnly }],
    queryFn: async () =>
      (await get<{ items: Ticket[] }>(`/api/tickets${qs({ open: openOnly ? true : undefined })}`)).items,
  });
}

export function useRemarks(openOnly: boolean) {
  return useQuery({
    queryKey: ['remarks', 'list', { openOnly }],
    queryFn: async () =>
      (await get<{ items: Remark[] }>(`/api/remarks${qs({ open: openOnly ? true : undefined })}`)).items,
  });
}

export function useSaveTicket() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: number | null; body: Partial<TicketBody> & { resolvedAt?: string | null } }) =>
      v.id === null ? post<Ticket>('/api/tickets', v.body) : patch<Ticket>(`/api/tickets/${v.id}`, v.body),
    onSuccess: () => invalidateReview(qc),
  });
}

export function useSaveRemark() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: {
      id: number | null;
      body: { jobId?: number; runId?: number | null; text?: string; startDate?: string; resolvedAt?: string | null };
    }) => (v.id === null ? post<Remark>('/api/remarks', v.body) : patch<Remark>(`/api/remarks/${v.id}`, v.body)),
    onSuccess: () => invalidateReview(qc),
  });
}
