import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayBounds, localDayStart } from '../../src/services/dashboard.service.js';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';

/** A parsed JSON answer: tests read into it freely and let the assertions judge. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const PARIS = 'Europe/Paris';

describe('day boundaries in a time zone', () => {
  it('finds local midnights, across DST changes too', () => {
    expect(new Date(localDayStart(2025, 0, 15, PARIS)).toISOString()).toBe('2025-01-14T23:00:00.000Z');
    expect(new Date(localDayStart(2025, 6, 15, PARIS)).toISOString()).toBe('2025-07-14T22:00:00.000Z');
    // 30 March 2025: clocks go forward at 02:00 in Paris; the day is 23 hours long.
    expect(localDayStart(2025, 2, 31, PARIS) - localDayStart(2025, 2, 30, PARIS)).toBe(23 * HOUR);
    expect(new Date(localDayStart(2025, 0, 15, 'America/New_York')).toISOString()).toBe('2025-01-15T05:00:00.000Z');
  });

  it('lists the last n days, oldest first, with the end of today', () => {
    const now = Date.parse('2025-03-31T21:30:00Z'); // 23:30 in Paris
    const { bounds, dates } = dayBounds(now, PARIS, 3);
    expect(dates).toEqual(['2025-03-29', '2025-03-30', '2025-03-31']);
    expect(bounds.map((b) => new Date(b).toISOString())).toEqual([
      '2025-03-28T23:00:00.000Z',
      '2025-03-29T23:00:00.000Z',
      '2025-03-30T22:00:00.000Z',
      '2025-03-31T22:00:00.000Z',
    ]);
  });
});

describe.each(DIALECTS)('dashboard and sorted history (%s)', (dialect) => {
  let t: TestApp;
  const ids = {} as { custA: number; custB: number; failing: number; healthy: number; idle: number; other: number };
  const runIds = {} as { running: number; today: number; yesterday: number; old: number; slow: number };
  let now = 0;
  let todayStart = 0;

  const ok = async (method: string, url: string, body?: unknown, token?: string): Promise<Json> => {
    const res = await t.call(method, url, body, token);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  const insertRun = async (
    jobId: number,
    customerId: number,
    status: string,
    queuedAt: number,
    opts: { durationMs?: number; bytes?: number; step?: string } = {},
  ) => {
    const started = status === 'queued' ? null : queuedAt + 1000;
    const finished = status === 'queued' || status === 'running' ? null : started! + (opts.durationMs ?? 1000);
    const row = await t.app.repos.runs.insert({
      job_id: jobId,
      customer_id: customerId,
      operation: 'backup',
      status,
      trigger: 'manual',
      params: '{}',
      scheduled_for: null,
      queued_at: queuedAt,
      started_at: started,
      finished_at: finished,
      step: opts.step ?? null,
      steps: '[]',
      bytes_read: (opts.bytes ?? 0) * 2,
      bytes_written: opts.bytes ?? 0,
      requested_by: null,
      node_id: status === 'running' ? t.app.nodeId : null,
      heartbeat_at: status === 'running' ? Date.now() : null,
    });
    return row.id;
  };

  beforeAll(async () => {
    // No workers or scheduler: the runs below are written by the test and must stay as they are.
    t = await startTestApp(dialect, { KEEPWATCH_WORKERS: 'false', KEEPWATCH_SCHEDULER: 'false' });
    await ok('PATCH', '/api/settings', { timezone: PARIS });
    ids.custA = (await ok('POST', '/api/customers', { name: 'Acme' })).id;
    ids.custB = (await ok('POST', '/api/customers', { name: 'Beta' })).id;
    for (const [c, suffix] of [
      [ids.custA, 'a'],
      [ids.custB, 'b'],
    ] as const) {
      await ok('POST', '/api/sources', {
        name: `src-${suffix}`,
        customerId: c,
        kind: 'sqlite',
        config: { path: path.join(t.dataDir, `${suffix}.db`) },
      });
      await ok('POST', '/api/destinations', {
        name: `dst-${suffix}`,
        customerId: c,
        kind: 'local',
        config: { path: path.join(t.dataDir, `backups-${suffix}`) },
      });
    }
    const job = async (name: string, customer: number, suffix: string, schedule: unknown) =>
      (
        await ok('POST', '/api/jobs', {
          name,
          customerId: customer,
          source: `src-${suffix}`,
          destinations: [{ destination: `dst-${suffix}` }],
          schedule,
        })
      ).id as number;
    ids.failing = await job('alpha-failing', ids.custA, 'a', { type: 'cron', expression: '0 2 * * *' });
    ids.healthy = await job('bravo-healthy', ids.custA, 'a', { type: 'cron', expression: '0 3 * * *' });
    ids.idle = await job('charlie-idle', ids.custA, 'a', { type: 'manual' });
    ids.other = await job('delta-other', ids.custB, 'b', { type: 'cron', expression: '0 4 * * *' });

    now = Date.now();
    const { bounds } = dayBounds(now, PARIS, 14);
    todayStart = bounds[13]!;
    // Just after local midnight (never in the future) and just before it.
    const justAfterMidnight = Math.min(todayStart + MIN, now - 10_000);
    runIds.today = await insertRun(ids.healthy, ids.custA, 'success', justAfterMidnight, { bytes: 1000 });
    runIds.yesterday = await insertRun(ids.healthy, ids.custA, 'failed', todayStart - MIN, { bytes: 7 });
    runIds.old = await insertRun(ids.failing, ids.custA, 'success', now - 3 * DAY, { bytes: 50, durationMs: 5000 });
    runIds.slow = await insertRun(ids.failing, ids.custA, 'failed', now - 2 * HOUR, { durationMs: 60_000 });
    await insertRun(ids.healthy, ids.custA, 'success', now - HOUR, { bytes: 200, durationMs: 2000 });
    await insertRun(ids.idle, ids.custA, 'warning', now - 10 * DAY, { bytes: 30 });
    await insertRun(ids.idle, ids.custA, 'success', now - 20 * DAY, { bytes: 30 });
    runIds.running = await insertRun(ids.idle, ids.custA, 'running', now - 5 * MIN, { bytes: 4096, step: 'dump' });
    await insertRun(ids.other, ids.custB, 'failed', now - 30 * MIN, { bytes: 11 });
  });
  afterAll(async () => t?.close());

  it('counts runs by status for the last 24 hours and 7 days', async () => {
    const d = await ok('GET', `/api/dashboard?customerId=${ids.custA}`);
    expect(d.timezone).toBe(PARIS);
    expect(d.customerId).toBe(ids.custA);
    const yesterdayIn24h = todayStart - MIN >= now - DAY ? 1 : 0;
    expect(d.counts.last24h).toMatchObject({
      success: 2,
      failed: 1 + yesterdayIn24h,
      running: 1,
      warning: 0,
      queued: 0,
    });
    expect(d.counts.last7d).toMatchObject({ success: 3, failed: 2, running: 1, warning: 0 });

    const all = await ok('GET', '/api/dashboard');
    expect(all.customerId).toBeNull();
    expect(all.counts.last7d.failed).toBe(3);
  });

  it('lists failing jobs with their last run, running runs with progress, and the next fires', async () => {
    const d = await ok('GET', `/api/dashboard?customerId=${ids.custA}`);
    // bravo's last run is a success, charlie's is running: only alpha is failing.
    expect(d.failingJobs.map((j: Json) => j.name)).toEqual(['alpha-failing']);
    expect(d.failingJobs[0].lastRun).toMatchObject({ id: runIds.slow, status: 'failed', jobName: 'alpha-failing' });

    expect(d.running).toHaveLength(1);
    expect(d.running[0]).toMatchObject({
      id: runIds.running,
      jobName: 'charlie-idle',
      status: 'running',
      step: 'dump',
      bytesWritten: 4096,
    });
    expect(d.running[0].rate).toBeGreaterThan(0);

    expect(d.nextRuns.map((n: Json) => n.jobName)).toEqual(['alpha-failing', 'bravo-healthy']);
    expect(d.nextRuns[0].scheduleText).toBe('Every day at 02:00 (Europe/Paris)');
    expect(Date.parse(d.nextRuns[0].at)).toBeLessThan(Date.parse(d.nextRuns[1].at));

    // Installation-wide, the system tasks and the other customer's job are there too (10 at most).
    const all = await ok('GET', '/api/dashboard');
    expect(all.nextRuns.length).toBeLessThanOrEqual(10);
    expect(all.nextRuns.map((n: Json) => n.jobName)).toEqual(expect.arrayContaining(['delta-other']));
    expect(all.failingJobs.map((j: Json) => j.name).sort()).toEqual(['alpha-failing', 'delta-other']);
  });

  it('gives 14 days of runs by status and bytes written, split at local midnight', async () => {
    const d = await ok('GET', `/api/dashboard?customerId=${ids.custA}`);
    expect(d.days).toHaveLength(14);
    const today = d.days[13];
    const yesterday = d.days[12];
    expect(today.date).toBe(new Intl.DateTimeFormat('en-CA', { timeZone: PARIS }).format(now));
    const dayOf = (ms: number) => d.days.find((x: Json) => x.date === new Date(ms).toISOString().slice(0, 10));
    expect(dayOf(Date.UTC(2000, 0, 1))).toBeUndefined();
    // Today: the run just after midnight, plus the ones of the last hours when they fall after midnight.
    const todays = [
      [todayStart + MIN, 'success', 1000],
      [now - 2 * HOUR, 'failed', 0],
      [now - HOUR, 'success', 200],
      [now - 5 * MIN, 'running', 4096],
    ] as const;
    const expected = todays.filter(([at]) => at >= todayStart);
    expect(today.total).toBe(expected.length);
    expect(today.bytesWritten).toBe(expected.reduce((n, [, , b]) => n + b, 0));
    expect(today.runs.success).toBe(expected.filter(([, s]) => s === 'success').length);
    expect(yesterday.runs.failed).toBeGreaterThanOrEqual(1);
    expect(yesterday.bytesWritten).toBeGreaterThanOrEqual(7);
    const total = d.days.reduce((n: number, x: Json) => n + x.total, 0);
    expect(total).toBe(7); // the 20-day-old run is outside the window
    expect(d.days.reduce((n: number, x: Json) => n + x.bytesWritten, 0)).toBe(1000 + 7 + 50 + 200 + 30 + 4096);
  });

  it('is limited to the caller’s customers', async () => {
    const bUser = await t.userToken(`viewer-b-${dialect}`, 'viewer', { customerIds: [ids.custB] });
    const d = await ok('GET', '/api/dashboard', undefined, bUser);
    expect(d.counts.last7d).toMatchObject({ failed: 1, success: 0, running: 0 });
    expect(d.failingJobs.map((j: Json) => j.name)).toEqual(['delta-other']);
    expect(d.running).toEqual([]);
    expect(d.nextRuns.map((n: Json) => n.jobName)).toEqual(['delta-other']);
    expect((await t.call('GET', `/api/dashboard?customerId=${ids.custA}`, undefined, bUser)).status).toBe(404);
    expect((await t.call('GET', '/api/dashboard?customerId=abc')).status).toBe(400);
    expect((await t.call('GET', '/api/dashboard', undefined, null)).status).toBe(401);
  });

  it('sorts the run history on the server', async () => {
    const list = async (q: string) =>
      (await ok('GET', `/api/runs?jobId=${ids.failing}&${q}`)).items.map((r: Json) => r.id) as number[];
    const [oldRun, slowRun] = [runIds.old, runIds.slow];
    expect(await list('sort=duration&order=desc')).toEqual([slowRun, oldRun]);
    expect(await list('sort=duration&order=asc')).toEqual([oldRun, slowRun]);
    expect(await list('sort=status&order=desc')).toEqual([slowRun, oldRun]);
    expect(await list('sort=queuedAt&order=asc')).toEqual([oldRun, slowRun]);

    // Runs not started or not finished sort last in both directions.
    const byFinish = async (order: string) =>
      (await ok('GET', `/api/runs?sort=finishedAt&order=${order}&pageSize=500`)).items as Json[];
    for (const order of ['asc', 'desc']) {
      const items = await byFinish(order);
      expect(items[items.length - 1].finishedAt).toBeNull();
      const finished = items.filter((r) => r.finishedAt).map((r) => Date.parse(r.finishedAt));
      const sorted = [...finished].sort((a, b) => (order === 'asc' ? a - b : b - a));
      expect(finished).toEqual(sorted);
    }

    const byJob = (await ok('GET', '/api/runs?sort=job&order=asc&pageSize=500')).items.map((r: Json) => r.jobName);
    expect(byJob).toEqual([...byJob].sort());
    const paged = await ok('GET', '/api/runs?sort=startedAt&order=desc&page=2&pageSize=3');
    expect(paged.total).toBe(9);
    expect(paged.items).toHaveLength(3);

    const bad = await t.call('GET', '/api/runs?sort=size');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/sort/);
    expect((await t.call('GET', '/api/runs?order=up')).status).toBe(400);
  });
});
