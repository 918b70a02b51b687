/**
 * Schedules in words, in the browser: the server's own pure core (src/core/schedule.ts) reads
 * and validates what the user types, so the editor says exactly what the server will save.
 */
import { describeSchedule, validateSchedule } from './core';
import type { Schedule } from '../api/types';

export type ScheduleDraft =
  | { type: 'manual' }
  | { type: 'cron'; expression: string; timezone: string }
  | { type: 'weekly'; days: string[]; times: string[]; timezone: string };

export interface ScheduleReading {
  /** The normalised schedule, when valid. */
  schedule: Schedule | null;
  /** "Every day at 02:00 (Europe/Paris)" */
  text: string | null;
  /** Why the draft is not valid, without the field path. */
  error: string | null;
  /** The API path the error is about ("schedule.expression", "schedule.times[1]"...). */
  field: string | null;
}

const FIELD_LABELS: Record<string, string> = {
  expression: 'Cron expression',
  days: 'Days',
  times: 'Times',
  timezone: 'Time zone',
};

/** Reads a draft schedule as the server would: its plain words, or the validation message. */
export function readSchedule(draft: ScheduleDraft, defaultTimezone: string): ScheduleReading {
  try {
    const schedule = validateSchedule(draft, defaultTimezone) as Schedule;
    return {
      schedule,
      text: describeSchedule(schedule as Parameters<typeof describeSchedule>[0]),
      error: null,
      field: null,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const m = /^(schedule(?:\.[A-Za-z]+)?(?:\[\d+\])?)(:\s*|\s+)(.*)$/s.exec(message);
    if (!m) return { schedule: null, text: null, error: message, field: null };
    const [, field = 'schedule', sep = '', rest = ''] = m;
    const key = field.replace(/^schedule\.?/, '').replace(/\[\d+\]$/, '');
    const error = sep.startsWith(':') ? capitalize(rest) : `${FIELD_LABELS[key] ?? 'Schedule'} ${rest}`;
    return { schedule: null, text: null, error, field };
  }
}

/** Plain words for a saved schedule (the API also sends them as `scheduleText`). */
export function scheduleText(schedule: Schedule): string {
  return describeSchedule(schedule as Parameters<typeof describeSchedule>[0]);
}

function capitalize(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}
