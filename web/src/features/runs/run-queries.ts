import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, post, qs } from '../../api/client';
import type { Page, Run, RunStatus } from '../../api/types';
import type { BackupWithMeta } from '../backups/backup-meta';

/** Columns the server sorts run lists by (GET /api/runs?sort=&order=). */
export type RunSort = 'queuedAt' | 'startedAt' | 'finishedAt' | 'status' | 'job' | 'duration';

export interface RunListParams {
  status?: RunStatus[];
  from?: string;
  to?: string;
  jobId?: number;
  sort?: RunSort;
  order?: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

export function useRuns(p: RunListParams) {
  return useQuery({
    queryKey: ['runs', 'list', p],
    queryFn: () =>
      get<Page<Run>>(
        `/api/runs${qs({
          status: p.status?.length ? p.status.join(',') : undefined,
          from: p.from,
          to: p.to,
          jobId: p.jobId,
          sort: p.sort,
          order: p.order,
          page: p.page,
          pageSize: p.pageSize,
        })}`,
      ),
    placeholderData: (prev) => prev,
    // Runs in progress on the page change on their own: keep them fresh.
    refetchInterval: (q) =>
      q.state.data?.items.some((r) => r.status === 'queued' || r.status === 'running') ? 5000 : false,
  });
}

export function useRun(id: number) {
  return useQuery({
    queryKey: ['runs', 'detail', id],
    queryFn: () => get<Run>(`/api/runs/${id}`),
    enabled: Number.isInteger(id) && id > 0,
    retry: false,
  });
}

export function useCancelRun(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => post<Run>(`/api/runs/${id}/cancel`),
    onSuccess: (run) => {
      qc.setQueryData(['runs', 'detail', id], run);
      void qc.invalidateQueries({ queryKey: ['runs', 'list'] });
      void qc.invalidateQueries({ queryKey: ['dashboard'] });
    },
  });
}

/** The artifacts of a backup run, one GET /api/backups/:id each. */
export function useBackups(ids: number[]) {
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: ['backups', 'detail', id],
      queryFn: () => get<BackupWithMeta>(`/api/backups/${id}`),
      retry: false,
    })),
  });
}
