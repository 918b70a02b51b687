import { useQuery } from '@tanstack/react-query';
import { get, qs } from '../../api/client';
import type { Run, RunStatus } from '../../api/types';

/** GET /api/dashboard (the server's DashboardService). */
export interface Dashboard {
  generatedAt: string;
  timezone: string;
  customerId: number | null;
  counts: { last24h: Record<RunStatus, number>; last7d: Record<RunStatus, number> };
  failingJobs: { id: number; name: string; kind: string; customerId: number; lastRun: Run | null }[];
  running: Run[];
  nextRuns: {
    jobId: number;
    jobName: string;
    kind: string;
    customerId: number;
    at: string;
    scheduleText: string;
  }[];
  days: { date: string; runs: Record<RunStatus, number>; total: number; bytesWritten: number; bytesRead: number }[];
}

/** Refreshed every 10 s, and every 2 s while something runs (its progress moves). */
export function useDashboard(customerId: number | null) {
  return useQuery({
    queryKey: ['dashboard', { customerId }],
    queryFn: () => get<Dashboard>(`/api/dashboard${qs({ customerId })}`),
    placeholderData: (prev) => prev,
    refetchInterval: (q) => (q.state.data?.running.length ? 2000 : 10_000),
  });
}
