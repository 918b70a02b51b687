import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayBounds } from '../../src/core/expected-slots.js';
import { inferSchedule, INFERENCE } from '../../src/core/schedule-inference.js';
import { dateOfDay, localTime, localToInstant } from '../../src/core/zoned-time.js';
import { Notifier } from '../../src/engine/notifier.js';
import {
  learnSchedulesAndDetectMissed,
  type ScheduleLearningDeps,
} from '../../src/engine/operations/schedule-learning.task.js';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createCustomer, DAY, HOUR, insertMonitoredJob, insertRun, MIN, okCaller } from '../helpers/review-fixtures.js';

/** A parsed JSON answer: tests read into it freely and let the assertions judge. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const PARIS = 'Europe/Paris';

/**
 * A daily job that stops reporting for six days and then reports again keeps its learned
 * schedule (docs/review.md "Keeping a schedule through a gap"), so the next day without a
 * report is a missed run again — re-learning from the gappy history alone would learn no
 * schedule and stop missed-run detection. Frozen clock, as in missed-runs.test.ts.
 */
describe.each(DIALECTS)('missed runs after a reporting gap (%s)', (dialect) => {
  let t: TestApp;
  const ok = okCaller(() => t);
  let now = 0;
  let jobId = 0;
  let customerId = 0;
  /** Local midnight (Paris) three days from now: everything below happens relative to it. */
  let day0 = 0;
  const localDay = (offset: number) => localTime(day0, PARIS).day + offset;
  const noon = (offset: number) => dayBounds(dateOfDay(localDay(offset)), PARIS).start + 12 * HOUR;
  /** A report starting at 02:00 (Paris) + `late` on day `offset`. */
  const report = (offset: number, late = 0) =>
    insertRun(t.app.repos, {
      jobId,
      customerId,
      status: 'success',
      at: localToInstant(localDay(offset), 120, PARIS) + late,
    });

  let deps: ScheduleLearningDeps;
  const logs: string[] = [];
  const pass = async () => {
    const result = await learnSchedulesAndDetectMissed(deps, (_l, m) => logs.push(m));
    expect(result.errors, logs.join('\n')).toBe(0);
    return result;
  };
  const missedDays = async () =>
    ((await ok('GET', `/api/runs?jobId=${jobId}&status=missed&pageSize=100`)).items as Json[])
      .map((r: Json) => localTime(Date.parse(r.scheduledFor), PARIS).day - localDay(0))
      .sort((a: number, b: number) => a - b);
  const schedule = async () => (await ok('GET', `/api/jobs/${jobId}`)).learnedSchedule as Json;

  beforeAll(async () => {
    t = await startTestApp(dialect, { KEEPWATCH_SCHEDULER: 'false' });
    day0 = dayBounds(dateOfDay(localTime(Date.now(), PARIS).day + 3), PARIS).start;
    now = noon(0);
    deps = {
      repos: t.app.repos,
      clock: () => now,
      settings: t.app.services.settings,
      notifier: new Notifier(t.app.repos, t.app.services.channels, []),
    };
    customerId = await createCustomer(t, 'Acme', PARIS);
    jobId = await insertMonitoredJob(t.app.repos, { customerId, name: 'nightly', createdAt: noon(-30) });
    for (let d = -14; d <= -1; d++) await report(d);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('learns the daily schedule, then records the days without a report', async () => {
    await pass();
    expect(await schedule()).toMatchObject({ kind: 'daily', sampleCount: 14 });
    // Days 0–5 pass without a report (day 0's slot was before the job was first looked at).
    now = noon(5);
    expect((await pass()).missed).toBe(5);
    expect(await missedDays()).toEqual([1, 2, 3, 4, 5]);
    expect((await schedule()).kind).toBe('daily');
  });

  it('keeps the daily schedule when the job reports again after the gap', async () => {
    await report(6, 3 * MIN);
    await report(7, -4 * MIN);
    now = noon(7);
    expect((await pass()).missed).toBe(0);
    // The gap alone would unlearn it: six of the last 22 days have no report.
    const starts = await t.app.repos.learnedSchedules.reportStarts(jobId, now - INFERENCE.lookbackDays * DAY);
    expect(inferSchedule(starts, PARIS, now).kind).not.toBe('daily');
    expect(await schedule()).toMatchObject({ kind: 'daily', sampleCount: starts.length });
    expect(await missedDays()).toEqual([1, 2, 3, 4, 5]);
  });

  it('records the next day without a report as missed again', async () => {
    now = noon(8);
    expect((await pass()).missed).toBe(1);
    expect(await missedDays()).toEqual([1, 2, 3, 4, 5, 8]);
    // Reports resume: nothing more is missed and the schedule stays daily.
    await report(9);
    now = noon(9);
    expect((await pass()).missed).toBe(0);
    expect(await missedDays()).toEqual([1, 2, 3, 4, 5, 8]);
    expect((await schedule()).text).toMatch(/^Daily /);
  });
});
