import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayBounds } from '../../src/core/expected-slots.js';
import type { LearnedSchedule } from '../../src/core/schedule-inference.js';
import { dateOfDay, localTime } from '../../src/core/zoned-time.js';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createCustomer, HOUR, insertMonitoredJob, insertRun, MIN, okCaller } from '../helpers/review-fixtures.js';

/** A parsed JSON answer: tests read into it freely and let the assertions judge. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const PARIS = 'Europe/Paris';
/** A Wednesday (CET, UTC+1). */
const DATE = '2025-03-12';
const DAY_START = dayBounds(DATE, PARIS).start;

const learned = (kind: LearnedSchedule['kind'], days: number[] = []): LearnedSchedule => ({
  kind,
  days,
  window: kind === 'irregular' ? null : { from: 105, to: 135 },
  medianMinute: kind === 'irregular' ? null : 120,
  sampleCount: 10,
  text: kind === 'daily' ? 'Daily 01:45–02:15' : kind === 'weekly' ? 'Weekly 01:45–02:15' : 'Irregular',
});

/**
 * Daily Jobs (SPEC §5): every job expected on a date — learned schedules of monitored jobs and
 * configured cron schedules of managed ones — with the run of its slot, its status
 * (success / warning / failed / missed / expected), override, review state and indicators.
 */
describe.each(DIALECTS)('Daily Jobs (%s)', (dialect) => {
  let t: TestApp;
  const ok = okCaller(() => t);
  const c = { acme: 0, beta: 0 };
  const j: Record<string, number> = {};
  const r: Record<string, number> = {};

  const byName = async (query = `date=${DATE}`, token?: string): Promise<Record<string, Json>> => {
    const page = await ok('GET', `/api/daily-jobs?${query}`, undefined, token);
    return Object.fromEntries(page.items.map((i: Json) => [i.job.name, i]));
  };

  beforeAll(async () => {
    t = await startTestApp(dialect, { KEEPWATCH_WORKERS: 'false', KEEPWATCH_SCHEDULER: 'false' });
    await ok('PATCH', '/api/settings', { timezone: PARIS });
    c.acme = await createCustomer(t, 'Acme', PARIS);
    c.beta = await createCustomer(t, 'Beta', PARIS);
    const repos = t.app.repos;
    const monitored: [string, number, LearnedSchedule, boolean?][] = [
      ['ok', c.acme, learned('daily')],
      ['overridden', c.acme, learned('daily')],
      ['failed', c.acme, learned('daily')],
      ['missed-run', c.acme, learned('daily')],
      ['silent', c.acme, learned('daily')],
      ['weekly-wed', c.acme, learned('weekly', [3])],
      ['weekly-mon', c.acme, learned('weekly', [1])],
      ['irregular', c.acme, learned('irregular')],
      ['disabled', c.acme, learned('daily'), false],
      ['beta-daily', c.beta, learned('daily')],
    ];
    for (const [name, customerId, schedule, enabled] of monitored) {
      j[name] = await insertMonitoredJob(repos, { customerId, name, enabled: enabled ?? true });
      await repos.learnedSchedules.upsert({
        job_id: j[name]!,
        kind: schedule.kind,
        schedule: JSON.stringify(schedule),
        timezone: PARIS,
        sample_count: schedule.sampleCount,
        learned_at: DAY_START,
        checked_until: null,
      });
    }
    const at = DAY_START + 2 * HOUR + 5 * MIN;
    r.ok = await insertRun(repos, { jobId: j.ok!, customerId: c.acme, status: 'success', at });
    // An older run of the day before does not count for this date.
    await insertRun(repos, { jobId: j.silent!, customerId: c.acme, status: 'success', at: at - 24 * HOUR });
    r.overridden = await insertRun(repos, { jobId: j.overridden!, customerId: c.acme, status: 'warning', at });
    await repos.runs.update(r.overridden, { effective_status: 'success' });
    r.failed = await insertRun(repos, { jobId: j.failed!, customerId: c.acme, status: 'failed', at });
    r.missed = await insertRun(repos, { jobId: j['missed-run']!, customerId: c.acme, status: 'missed', at });
    await repos.runs.update(r.missed, { scheduled_for: DAY_START + 105 * MIN, started_at: null });
    r.weekly = await insertRun(repos, { jobId: j['weekly-wed']!, customerId: c.acme, status: 'warning', at });

    await ok('POST', '/api/sources', {
      name: 'src',
      customerId: c.acme,
      kind: 'sqlite',
      config: { path: '/tmp/x.db' },
    });
    await ok('POST', '/api/destinations', {
      name: 'dst',
      customerId: c.acme,
      kind: 'local',
      config: { path: `${t.dataDir}/b` },
    });
    const backup = async (name: string, schedule: unknown) =>
      (
        await ok('POST', '/api/jobs', {
          name,
          customerId: c.acme,
          source: 'src',
          destinations: [{ destination: 'dst' }],
          schedule,
          timeoutSeconds: 3600,
        })
      ).id as number;
    j.managed = await backup('managed', { type: 'cron', expression: '0 3 * * *', timezone: PARIS });
    j.manual = await backup('manual', { type: 'manual' });
    r.managed = await insertRun(repos, {
      jobId: j.managed,
      customerId: c.acme,
      status: 'failed',
      operation: 'backup',
      at: DAY_START + 3 * HOUR,
    });
  });
  afterAll(async () => t?.close());

  it('lists the jobs expected on a date, with their slot, run and status', async () => {
    const page = await ok('GET', `/api/daily-jobs?date=${DATE}`);
    expect(page).toMatchObject({ date: DATE, timezone: PARIS });
    expect(page.items.map((i: Json) => i.job.name)).toEqual([
      'failed',
      'managed',
      'missed-run',
      'ok',
      'overridden',
      'silent',
      'weekly-wed',
      'beta-daily',
    ]);
    const items = await byName();
    expect(items.ok).toMatchObject({
      job: {
        id: j.ok,
        kind: 'monitored',
        customer: { id: c.acme, name: 'Acme' },
        software: 'Veeam Backup & Replication',
      },
      scheduleText: 'Daily 01:45–02:15',
      slots: [{ from: '2025-03-12T00:45:00.000Z', to: '2025-03-12T01:15:00.000Z' }],
      lastRun: { id: r.ok, status: 'success' },
      status: 'success',
      overridden: false,
      reviewed: false,
      hasOpenRemark: false,
      hasOpenTicket: false,
    });
    expect(items.overridden).toMatchObject({ status: 'success', overridden: true, lastRun: { id: r.overridden } });
    expect(items.failed).toMatchObject({ status: 'failed', lastRun: { id: r.failed } });
    expect(items['missed-run']).toMatchObject({ status: 'missed', lastRun: { id: r.missed } });
    expect(items.silent).toMatchObject({ status: 'missed', lastRun: null });
    expect(items['weekly-wed']).toMatchObject({ status: 'warning', scheduleText: 'Weekly 01:45–02:15' });
    expect(items.managed).toMatchObject({
      job: { kind: 'backup' },
      scheduleText: expect.stringContaining('03:00'),
      slots: [{ from: '2025-03-12T02:00:00.000Z', to: '2025-03-12T04:00:00.000Z' }],
      lastRun: { id: r.managed, status: 'failed' },
      status: 'failed',
    });
  });

  it('shows the review state and the remark/ticket indicators', async () => {
    await ok('POST', '/api/run-checks/review', { jobIds: [j.ok] });
    await ok('POST', '/api/remarks', { jobId: j.failed, text: 'Looking into it' });
    await ok('POST', '/api/tickets', { code: 'PSA-9', scopes: [{ kind: 'customer', customerId: c.beta }] });
    const items = await byName();
    expect(items.ok).toMatchObject({ reviewed: true, hasOpenRemark: false, hasOpenTicket: false });
    expect(items.failed).toMatchObject({ reviewed: false, hasOpenRemark: true, hasOpenTicket: false });
    expect(items['beta-daily']).toMatchObject({ hasOpenRemark: false, hasOpenTicket: true });
  });

  it('says "expected" for a day still to come', async () => {
    const tomorrow = dateOfDay(localTime(Date.now(), PARIS).day + 1);
    const items = await byName(`date=${tomorrow}`);
    expect(items.ok).toMatchObject({ status: 'expected', lastRun: null });
    expect(items.managed).toMatchObject({ status: 'expected', lastRun: null });
    expect(Object.values(items).every((i: Json) => i.status === 'expected')).toBe(true);
  });

  it('defaults to today in the instance time zone', async () => {
    const page = await ok('GET', '/api/daily-jobs');
    expect(page.date).toBe(dateOfDay(localTime(Date.now(), PARIS).day));
    expect(page.timezone).toBe(PARIS);
  });

  it('filters by customer and keeps to the caller’s customers', async () => {
    expect(Object.keys(await byName(`date=${DATE}&customerId=${c.beta}`))).toEqual(['beta-daily']);
    const viewer = await t.userToken('vic', 'viewer', { customerIds: [c.beta] });
    expect(Object.keys(await byName(`date=${DATE}`, viewer))).toEqual(['beta-daily']);
    expect((await t.call('GET', `/api/daily-jobs?customerId=${c.acme}`, undefined, viewer)).status).toBe(404);
  });

  it('rejects a malformed date', async () => {
    for (const date of ['bogus', '2025-13-45', '12.03.2025']) {
      const res = await t.call('GET', `/api/daily-jobs?date=${date}`);
      expect(res.status, date).toBe(400);
      expect(res.body.error.message).toContain('date');
    }
  });
});
