import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, del, post } from '../../api/client';
import type { Job, Run } from '../../api/types';

type JobRef = Pick<Job, 'id' | 'name'>;

const failed = (title: string, err: unknown) =>
  notifications.show({ color: 'red', title, message: err instanceof Error ? err.message : String(err) });

/**
 * The actions of the jobs list, the row menu and the job page. Each one says how it went in a
 * notification and refreshes every cached view of jobs; they resolve to the result, or null on
 * failure (already notified), so callers never need their own error handling.
 */
export function useJobActions() {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ['jobs'] });

  async function runNow(job: JobRef, opts: { refresh?: boolean } = {}): Promise<Run | null> {
    try {
      const run = await post<Run>(`/api/jobs/${job.id}/run`);
      notifications.show({ color: 'blue', title: `Run #${run.id} started`, message: `${job.name} is running now.` });
      return run;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409)
        notifications.show({ color: 'yellow', title: `${job.name} is already running`, message: err.message });
      else failed(`${job.name} could not start`, err);
      return null;
    } finally {
      if (opts.refresh !== false) void refresh();
    }
  }

  /** Starts several jobs, one notification per job (409 = already running). */
  async function runMany(jobs: JobRef[]): Promise<number> {
    const runs = await Promise.all(jobs.map((j) => runNow(j, { refresh: false })));
    void refresh();
    return runs.filter(Boolean).length;
  }

  async function act<T>(title: string, fn: () => Promise<T>, done: (r: T) => string | null): Promise<T | null> {
    try {
      const result = await fn();
      const message = done(result);
      if (message) notifications.show({ color: 'green', title, message });
      return result;
    } catch (err) {
      failed(`${title} failed`, err);
      return null;
    } finally {
      void refresh();
    }
  }

  return {
    runNow,
    runMany,
    duplicate: (job: JobRef) =>
      act(
        'Job duplicated',
        () => post<Job>(`/api/jobs/${job.id}/duplicate`),
        (copy) => `${copy.name} was created, disabled until you enable it.`,
      ),
    setEnabled: (job: JobRef, enabled: boolean) =>
      act(
        enabled ? 'Job enabled' : 'Job disabled',
        () => post<Job>(`/api/jobs/${job.id}/${enabled ? 'enable' : 'disable'}`),
        () => (enabled ? `${job.name} runs on its schedule again.` : `${job.name} no longer runs on its schedule.`),
      ),
    archive: (job: JobRef) =>
      act(
        'Job archived',
        () => post<Job>(`/api/jobs/${job.id}/archive`),
        () => `${job.name} is hidden from the list; its history and backups are kept.`,
      ),
    unarchive: (job: JobRef) =>
      act(
        'Job restored from the archive',
        () => post<Job>(`/api/jobs/${job.id}/unarchive`),
        (updated) =>
          `${job.name} is back in the jobs list${updated.enabled ? ' and runs on its schedule again' : ' (still disabled)'}.`,
      ),
    /** Throws, so the confirmation dialog can show why (e.g. 409 while a run is active). */
    remove: async (job: JobRef) => {
      const result = await del<{ deleted: boolean; backupsKept: number }>(`/api/jobs/${job.id}`);
      notifications.show({
        color: 'green',
        title: 'Job deleted',
        message: `${job.name} was deleted; ${result.backupsKept} stored backup${result.backupsKept === 1 ? ' was' : 's were'} kept.`,
      });
      qc.removeQueries({ queryKey: ['jobs', 'detail', String(job.id)] });
      void refresh();
      return result;
    },
  };
}
