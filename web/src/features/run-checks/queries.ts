import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { get, post, qs } from '../../api/client';
import type {
  CheckedRun,
  LogLine,
  MailDetail,
  MarkSuccessResult,
  OverrideInput,
  RunCheckJobDetail,
  RunChecksAnswer,
} from '../../api/types';
import { runChecksPath, type RunChecksFilters } from './run-checks-logic';

/**
 * Server state of Run Checks. A review changes the list, the navigation's counter (key
 * ['run-checks', 'count']), Daily Jobs' reviewed marks and the jobs' last runs: every review
 * mutation refreshes them all.
 */
export function invalidateReview(qc: QueryClient) {
  for (const key of ['run-checks', 'daily-jobs', 'jobs', 'runs', 'overrides', 'remarks', 'tickets'])
    void qc.invalidateQueries({ queryKey: [key] });
}

export function useRunChecks(filters: RunChecksFilters, isAdmin: boolean, enabled = true) {
  return useQuery({
    queryKey: ['run-checks', 'list', filters, isAdmin],
    queryFn: () => get<RunChecksAnswer>(runChecksPath(filters, isAdmin)),
    enabled,
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

export function useRunCheckJob(jobId: number | null, includeReviewed: boolean) {
  return useQuery({
    queryKey: ['run-checks', 'job', jobId, includeReviewed],
    queryFn: () =>
      get<RunCheckJobDetail>(
        `/api/run-checks/jobs/${jobId}${qs({ includeReviewed: includeReviewed ? true : undefined })}`,
      ),
    enabled: jobId !== null,
  });
}

export function useReviewJobs() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (jobIds: number[]) => post<{ reviewed: number }>('/api/run-checks/review', { jobIds }),
    onSuccess: () => invalidateReview(qc),
  });
}

export function useUnreview() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (runId: number) => post<CheckedRun>(`/api/runs/${runId}/unreview`),
    onSuccess: () => invalidateReview(qc),
  });
}

export function useMarkSuccess() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { runId: number; override?: OverrideInput }) =>
      post<MarkSuccessResult>(`/api/runs/${v.runId}/mark-success`, v.override ? { override: v.override } : {}),
    onSuccess: () => invalidateReview(qc),
  });
}

export function useOverrideDraft(runId: number | null) {
  return useQuery({
    queryKey: ['run-checks', 'override-draft', runId],
    queryFn: () => get<OverrideInput>(`/api/runs/${runId}/override-draft`),
    enabled: runId !== null,
    staleTime: Infinity,
  });
}

export function useMail(mailId: number | null | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['mail', mailId],
    queryFn: () => get<MailDetail>(`/api/mail/${mailId}`),
    enabled: enabled && !!mailId,
    staleTime: 300_000,
  });
}

export function useRunLog(runId: number, enabled: boolean) {
  return useQuery({
    queryKey: ['runs', 'logs', runId],
    queryFn: () => get<{ items: LogLine[]; next: number | null }>(`/api/runs/${runId}/logs${qs({ limit: 1000 })}`),
    enabled,
    staleTime: 60_000,
  });
}
