import type { Schedule } from '../core/domain.js';
import { ValidationError } from '../core/errors.js';
import { configuredSlots, dayBounds, DEFAULT_EARLY_MS, learnedSlots, type Slot } from '../core/expected-slots.js';
import { describeSchedule } from '../core/schedule.js';
import type { LearnedSchedule } from '../core/schedule-inference.js';
import { dateOfDay, localTime } from '../core/zoned-time.js';
import type { ScheduledJobRow } from '../db/repositories/learned-schedule.repository.js';
import type { RunWithJob } from '../db/repositories/run.repository.js';
import { customerScope, requireAccess, type Actor } from './access.js';
import { runDto } from './run.service.js';
import type { ServiceDeps } from './service-deps.js';
import type { SettingsService } from './settings.service.js';

const HOUR = 3_600_000;
/** A managed run must start within this, plus the job's timeout, of its fire time (else: missed). */
export const MANAGED_GRACE_MS = HOUR;
/** Learned schedules: a report may come this long after its window closed before the slot counts as missed. */
export const REPORT_GRACE_MS = HOUR;
const SCHEDULABLE = new Set(['daily', 'weekly', 'monthly']);

/** The grace of a managed job's slots: one hour plus its timeout (a queued run may wait for a worker). */
export function managedGraceMs(job: { config: string }): number {
  const timeoutS = (JSON.parse(job.config) as { timeoutSeconds?: number }).timeoutSeconds ?? 0;
  return MANAGED_GRACE_MS + timeoutS * 1000;
}

/** The expected slots of a job in [from, to): learned (monitored) or configured cron/weekly (backup). */
export function expectedSlots(
  job: Pick<ScheduledJobRow, 'kind' | 'schedule' | 'config'>,
  learned: { schedule: LearnedSchedule; timezone: string } | undefined,
  from: number,
  to: number,
): { slots: Slot[]; text: string } | null {
  if (job.kind === 'monitored') {
    if (!learned || !SCHEDULABLE.has(learned.schedule.kind)) return null;
    return { slots: learnedSlots(learned.schedule, learned.timezone, from, to), text: learned.schedule.text };
  }
  const schedule = JSON.parse(job.schedule) as Schedule;
  if (job.kind !== 'backup' || (schedule.type !== 'cron' && schedule.type !== 'weekly')) return null;
  return { slots: configuredSlots(schedule, from, to, managedGraceMs(job)), text: describeSchedule(schedule) };
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
type DailyStatus = 'success' | 'warning' | 'failed' | 'missed' | 'expected';

function runStatus(r: RunWithJob): DailyStatus {
  const s = r.effective_status ?? r.status;
  if (s === 'success' || s === 'warning' || s === 'missed') return s;
  if (s === 'queued' || s === 'running') return 'expected';
  return 'failed';
}

/** When a run happened for slot matching: its reported/actual start, else when it was queued. */
const runStart = (r: RunWithJob) =>
  r.status === 'missed' ? (r.scheduled_for ?? r.queued_at) : (r.started_at ?? r.queued_at);

/** Daily Jobs: every job expected on a date, with the run of its slot and the review state. */
export class DailyJobsService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly settings: SettingsService,
  ) {}

  async list(actor: Actor, q: { date?: string | undefined; customerId?: number | undefined }) {
    requireAccess(actor, 'read', q.customerId, 'daily jobs');
    const repos = this.deps.repos;
    const timezone = (await this.settings.current()).timezone;
    const now = this.deps.clock();
    const date = q.date ?? dateOfDay(localTime(now, timezone).day);
    if (!DATE_RE.test(date)) throw new ValidationError(`date: '${date}' must be YYYY-MM-DD`);
    let day: { start: number; end: number };
    try {
      day = dayBounds(date, timezone);
    } catch {
      throw new ValidationError(`date: '${date}' is not a date`);
    }
    const jobs = await repos.learnedSchedules.activeJobs({
      kinds: ['monitored', 'backup'],
      scope: customerScope(actor),
      customerId: q.customerId,
      enabledOnly: true,
    });
    const learned = new Map(
      (await repos.learnedSchedules.forJobs(jobs.filter((j) => j.kind === 'monitored').map((j) => j.id))).map((r) => [
        r.job_id,
        { schedule: JSON.parse(r.schedule) as LearnedSchedule, timezone: r.timezone },
      ]),
    );
    const expected = jobs.flatMap((job) => {
      const e = expectedSlots(job, learned.get(job.id), day.start, day.end);
      // A slot belongs to the day it starts on (a window crossing midnight is listed once).
      const slots = e?.slots.filter((s) => s.start >= day.start && s.start < day.end) ?? [];
      return slots.length ? [{ job, slots, text: e!.text }] : [];
    });
    const maxEnd = Math.max(day.end, ...expected.flatMap((e) => e.slots.map((s) => s.end)));
    // Reports are recorded when their e-mail arrives, possibly a while after the window: look a day further.
    const runs = await repos.learnedSchedules.runsBetween(
      expected.map((e) => e.job.id),
      day.start - DEFAULT_EARLY_MS,
      maxEnd + 24 * HOUR,
    );
    const runsByJob = new Map<number, RunWithJob[]>();
    for (const r of runs) runsByJob.set(r.job_id, [...(runsByJob.get(r.job_id) ?? []), r]);
    const [remarks, tickets] = await Promise.all([
      repos.review.openRemarkJobs(expected.map((e) => e.job.id)),
      repos.review.openTicketJobs(
        expected.map((e) => e.job),
        now,
      ),
    ]);

    const items = expected.map(({ job, slots, text }) => {
      const jobRuns = runsByJob.get(job.id) ?? [];
      const inSlot = (s: Slot) =>
        jobRuns
          .filter((r) => {
            const t = runStart(r);
            return t >= s.start - DEFAULT_EARLY_MS && t < s.end;
          })
          .sort((a, b) => runStart(b) - runStart(a) || b.id - a.id)[0];
      // The slot that matters now: the last one that has begun (or the first, before the day starts).
      const current = [...slots].reverse().find((s) => s.start <= now) ?? slots[0]!;
      const run = inSlot(current);
      const latest =
        slots
          .map(inSlot)
          .filter((r): r is RunWithJob => !!r)
          .pop() ?? null;
      const lastRun = run ?? latest;
      // Same patience as missed-run detection: a report may arrive a while after its window.
      const awaitUntil = current.end + (job.kind === 'monitored' ? REPORT_GRACE_MS : 0);
      const status: DailyStatus = run ? runStatus(run) : now < awaitUntil ? 'expected' : 'missed';
      return {
        job: {
          id: job.id,
          name: job.name,
          kind: job.kind,
          customer: { id: job.customer_id, name: job.customer_name },
          software: job.software,
          backupType: job.backup_type,
        },
        scheduleText: text,
        slots: slots.map((s) => ({ from: new Date(s.start).toISOString(), to: new Date(s.end).toISOString() })),
        lastRun: lastRun ? runDto(lastRun) : null,
        status,
        overridden: !!run && run.effective_status !== null && run.effective_status !== run.status,
        reviewed: !!lastRun && lastRun.reviewed_at !== null,
        hasOpenRemark: remarks.has(job.id),
        hasOpenTicket: tickets.has(job.id),
      };
    });
    items.sort(
      (a, b) =>
        a.job.customer.name.localeCompare(b.job.customer.name) ||
        a.job.name.localeCompare(b.job.name) ||
        a.job.id - b.job.id,
    );
    return { date, timezone, items };
  }
}
