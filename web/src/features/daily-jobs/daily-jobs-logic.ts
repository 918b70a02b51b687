import { qs } from '../../api/client';
import type { DailyJob, DailyStatus } from '../../api/types';
import { formatTimeInZone } from '../run-checks/review-time';

/** Pure view logic of Daily Jobs (unit-tested in test/web/review-logic.test.ts). */

export function dailyJobsPath(date: string, customerId: string | null): string {
  return `/api/daily-jobs${qs({ date, customerId })}`;
}

/** The expected start windows of the day, "07:45–08:20" (several slots joined by commas). */
export function windowText(slots: DailyJob['slots'], timeZone: string, locale?: string): string {
  if (!slots.length) return '—';
  return slots
    .map((s) => `${formatTimeInZone(s.from, timeZone, locale)}–${formatTimeInZone(s.to, timeZone, locale)}`)
    .join(', ');
}

const ORDER: DailyStatus[] = ['failed', 'missed', 'warning', 'success', 'expected'];
const WORD: Record<DailyStatus, string> = {
  failed: 'failed',
  missed: 'missed',
  warning: 'warning',
  success: 'success',
  expected: 'expected',
};

/** "5 jobs: 1 failed · 1 missed · 3 success" (an overridden success counts as success). */
export function daySummary(items: readonly Pick<DailyJob, 'status'>[]): string {
  if (!items.length) return 'No jobs expected';
  const counts = new Map<DailyStatus, number>();
  for (const i of items) counts.set(i.status, (counts.get(i.status) ?? 0) + 1);
  const parts = ORDER.filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${WORD[s]}`);
  return `${items.length} ${items.length === 1 ? 'job' : 'jobs'}: ${parts.join(' · ')}`;
}
