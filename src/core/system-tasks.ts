import type { Schedule } from './domain.js';

/** Built-in maintenance tasks: identifier, description and the cadence "automatic" means. */
export interface SystemTaskInfo {
  task: string;
  name: string;
  description: string;
  /** What an `automatic` schedule means for this task. */
  automatic: Schedule;
}

export const SYSTEM_TASKS: readonly SystemTaskInfo[] = [
  {
    task: 'retention_sweep',
    name: 'Retention sweep',
    description:
      'Applies every backup job’s retention policy to its destinations (never the newest successful backup, never pinned ones).',
    automatic: { type: 'cron', expression: '30 3 * * *', timezone: 'UTC' },
  },
  {
    task: 'temp_cleanup',
    name: 'Temporary file cleanup',
    description: 'Removes scratch directories and unfinished uploads left by interrupted runs.',
    automatic: { type: 'interval', everySeconds: 3600 },
  },
  {
    task: 'mail_import',
    name: 'Mail import',
    description:
      'Fetches backup report e-mails from the IMAP and Microsoft Graph mail importers, each when its own interval (5–60 min) has passed.',
    automatic: { type: 'interval', everySeconds: 60 },
  },
  {
    task: 'schedule_learning',
    name: 'Schedule learning and missed runs',
    description:
      'Learns monitored jobs’ schedules from their reports and records a missed run (notified like a failure) for every expected slot that passed without a run, for learned and configured schedules.',
    automatic: { type: 'interval', everySeconds: 900 },
  },
];

export function systemTask(task: string): SystemTaskInfo | undefined {
  return SYSTEM_TASKS.find((t) => t.task === task);
}

/** The schedule that actually drives fires: `automatic` resolves to the task's own cadence. */
export function effectiveSchedule(schedule: Schedule, task?: string | null): Schedule {
  if (schedule.type !== 'automatic') return schedule;
  return (task && systemTask(task)?.automatic) || { type: 'manual' };
}
