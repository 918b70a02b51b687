import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { del, get, patch, post } from '../../api/client';
import type { Override, OverrideInput } from '../../api/types';
import { invalidateReview } from '../run-checks/queries';

export function useOverrides() {
  return useQuery({
    queryKey: ['overrides', 'list'],
    queryFn: async () => (await get<{ items: Override[] }>('/api/overrides')).items,
  });
}

export function useSaveOverride() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: number | null; body: OverrideInput }) =>
      v.id === null ? post<Override>('/api/overrides', v.body) : patch<Override>(`/api/overrides/${v.id}`, v.body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['overrides'] }),
  });
}

export function useDeleteOverride() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => del<void>(`/api/overrides/${id}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['overrides'] }),
  });
}

/** Re-evaluates unreviewed runs against the current rules: statuses in Run Checks may change. */
export function useApplyOverrides() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => post<{ changed: number }>('/api/overrides/apply'),
    onSuccess: () => invalidateReview(qc),
  });
}
