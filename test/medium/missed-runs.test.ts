import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayBounds } from '../../src/core/expected-slots.js';
import { dateOfDay, localTime } from '../../src/core/zoned-time.js';
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
 * Schedule learning and missed-run detection (SPEC §5), driven with a frozen clock: a monitored
 * job reporting daily at 02:00 (Paris) learns a daily schedule; slots that pass without a report
 * become `missed` runs exactly once — across passes and across two passes at the same time —
 * notified like failures; a managed job's cron schedule is checked the same way.
 */
describe.each(DIALECTS)('missed runs (%s)', (dialect) => {
  let t: TestApp;
  const ok = okCaller(() => t);
  let hook: Server;
  const hits: { path: string; body: Json }[] = [];
  let now = 0;
  const c = { acme: 0 };
  const j = { daily: 0, disabled: 0, archived: 0, sparse: 0, managed: 0 };
  /** Local midnight (Paris) three days from now: everything below happens relative to it. */
  let day0 = 0;
  const localDay = (offset: number) => dayBounds(dateOfDay(localTime(day0, PARIS).day + offset), PARIS).start;

  let deps: ScheduleLearningDeps;
  const logs: string[] = [];
  const pass = async () => {
    const result = await learnSchedulesAndDetectMissed(deps, (_l, m) => logs.push(m));
    expect(result.errors, logs.join('\n')).toBe(0);
    return result;
  };
  const missedRuns = async (jobId: number) =>
    (await ok('GET', `/api/runs?jobId=${jobId}&status=missed&pageSize=100`)).items as Json[];
  const waitForHooks = async (n: number) => {
    for (let i = 0; i < 100 && hits.filter((h) => h.path === '/failure').length < n; i++)
      await new Promise((r) => setTimeout(r, 20));
    return hits.filter((h) => h.path === '/failure');
  };

  beforeAll(async () => {
    t = await startTestApp(dialect, { KEEPWATCH_SCHEDULER: 'false' });
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (b: Buffer) => chunks.push(b));
      req.on('end', () => {
        hits.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;

    day0 = dayBounds(dateOfDay(localTime(Date.now(), PARIS).day + 3), PARIS).start;
    now = day0 + 12 * HOUR;
    deps = {
      repos: t.app.repos,
      clock: () => now,
      settings: t.app.services.settings,
      notifier: new Notifier(t.app.repos, t.app.services.channels, []),
    };
    c.acme = await createCustomer(t, 'Acme', PARIS);
    const created = localDay(-30);
    j.daily = await insertMonitoredJob(t.app.repos, { customerId: c.acme, name: 'daily', createdAt: created });
    j.disabled = await insertMonitoredJob(t.app.repos, {
      customerId: c.acme,
      name: 'disabled',
      createdAt: created,
      enabled: false,
    });
    j.archived = await insertMonitoredJob(t.app.repos, {
      customerId: c.acme,
      name: 'archived',
      createdAt: created,
      archivedAt: created,
    });
    j.sparse = await insertMonitoredJob(t.app.repos, { customerId: c.acme, name: 'sparse', createdAt: created });
    for (let d = -10; d <= -1; d++)
      for (const jobId of [j.daily, j.disabled, j.archived])
        await insertRun(t.app.repos, { jobId, customerId: c.acme, status: 'success', at: localDay(d) + 2 * HOUR });
    await insertRun(t.app.repos, { jobId: j.sparse, customerId: c.acme, status: 'success', at: localDay(-2) });

    const failure = await ok('POST', '/api/notification-channels', {
      name: 'hook-failure',
      customerId: c.acme,
      kind: 'webhook',
      config: { url: `${url}/failure` },
    });
    const success = await ok('POST', '/api/notification-channels', {
      name: 'hook-success',
      customerId: c.acme,
      kind: 'webhook',
      config: { url: `${url}/success` },
    });
    await t.app.repos.jobs.replaceNotifications(j.daily, [
      { channel_id: failure.id, condition: 'failure' },
      { channel_id: success.id, condition: 'success' },
    ]);
  });
  afterAll(async () => {
    await t?.close();
    hook?.closeAllConnections();
    await new Promise<void>((resolve) => (hook ? hook.close(() => resolve()) : resolve()));
  });

  it('learns a daily schedule from reports and records nothing for slots before learning', async () => {
    const first = await pass();
    expect(first.missed).toBe(0);
    const job = await ok('GET', `/api/jobs/${j.daily}`);
    expect(job.learnedSchedule).toMatchObject({ kind: 'daily', sampleCount: 10 });
    expect(job.learnedSchedule.window.from < '02:00' && job.learnedSchedule.window.to > '02:00').toBe(true);
    expect(job.learnedSchedule.text).toMatch(/^Daily /);
    expect((await ok('GET', `/api/jobs/${j.sparse}`)).learnedSchedule.kind).toBe('none');
    expect((await ok('GET', `/api/jobs/${j.archived}`)).learnedSchedule).toBeNull();
    expect(await missedRuns(j.daily)).toEqual([]);
  });

  it('does not record a slot that got its report', async () => {
    await insertRun(t.app.repos, {
      jobId: j.daily,
      customerId: c.acme,
      status: 'success',
      at: localDay(1) + 2 * HOUR + 3 * MIN,
    });
    now = day0 + DAY + 12 * HOUR;
    expect((await pass()).missed).toBe(0);
    expect(await missedRuns(j.daily)).toEqual([]);
  });

  it('records each passed slot once as a missed run, notified like a failure', async () => {
    now = day0 + 3 * DAY + 12 * HOUR;
    const second = await pass();
    expect(second.missed).toBe(2);
    const runs = await missedRuns(j.daily);
    expect(runs).toHaveLength(2);
    const { window } = (await ok('GET', `/api/jobs/${j.daily}`)).learnedSchedule;
    for (const [i, d] of [3, 2].entries()) {
      const run = runs[i];
      expect(run).toMatchObject({
        status: 'missed',
        operation: 'report',
        trigger: 'missed',
        error: `No report received between ${window.from} and ${window.to}`,
        reviewedAt: null,
      });
      const slotStart = Date.parse(run.scheduledFor);
      expect(slotStart).toBeGreaterThan(localDay(d));
      expect(slotStart).toBeLessThan(localDay(d) + 2 * HOUR);
      expect(run.queuedAt).toBe(run.finishedAt);
      expect(Date.parse(run.finishedAt)).toBeGreaterThan(localDay(d) + 2 * HOUR);
    }
    expect(await missedRuns(j.disabled)).toEqual([]);
    expect(await missedRuns(j.archived)).toEqual([]);
    expect(await missedRuns(j.sparse)).toEqual([]);

    const hooks = await waitForHooks(2);
    expect(hooks).toHaveLength(2);
    expect(hooks[0]!.body).toMatchObject({ event: 'run.finished', status: 'missed' });
    expect(hits.filter((h) => h.path === '/success')).toEqual([]);

    // A second pass at the same moment finds nothing new.
    expect((await pass()).missed).toBe(0);
    expect(await missedRuns(j.daily)).toHaveLength(2);
  });

  it('records a slot exactly once when two passes run at the same time', async () => {
    now = day0 + 4 * DAY + 12 * HOUR;
    const [a, b] = await Promise.all([pass(), pass()]);
    expect(a.missed + b.missed).toBe(1);
    expect(await missedRuns(j.daily)).toHaveLength(3);
    expect(await waitForHooks(3)).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 100));
    expect(hits.filter((h) => h.path === '/failure')).toHaveLength(3);
  });

  it('puts missed runs in Run Checks and never learns from them', async () => {
    const row = (await ok('GET', '/api/run-checks')).items.find((i: Json) => i.job.id === j.daily);
    expect(row).toMatchObject({ worstStatus: 'missed' });
    expect(row.statuses.missed).toBe(3);
    expect((await ok('GET', `/api/jobs/${j.daily}`)).learnedSchedule).toMatchObject({ kind: 'daily', sampleCount: 11 });
  });

  it('checks managed jobs against their cron schedule, from when the job existed', async () => {
    await ok('PATCH', '/api/settings', { timezone: PARIS });
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
      config: { path: `${t.dataDir}/backups` },
    });
    const job = await ok('POST', '/api/jobs', {
      name: 'managed',
      customerId: c.acme,
      source: 'src',
      destinations: [{ destination: 'dst' }],
      schedule: { type: 'cron', expression: '0 3 * * *', timezone: PARIS },
      timeoutSeconds: 3600,
    });
    j.managed = job.id;
    const disabled = await ok('POST', '/api/jobs', {
      name: 'managed-off',
      customerId: c.acme,
      source: 'src',
      destinations: [{ destination: 'dst' }],
      schedule: { type: 'cron', expression: '0 3 * * *', timezone: PARIS },
      enabled: false,
    });
    // The jobs "exist" from noon two days before day 5.
    for (const id of [j.managed, disabled.id])
      await t.app.repos.jobs.update(id, { created_at: localDay(3) + 12 * HOUR, updated_at: localDay(3) + 12 * HOUR });
    now = day0 + 5 * DAY + 12 * HOUR;
    await pass();
    const runs = await missedRuns(j.managed);
    expect(runs.map((r: Json) => Date.parse(r.scheduledFor))).toEqual([localDay(5) + 3 * HOUR, localDay(4) + 3 * HOUR]);
    expect(runs[0]).toMatchObject({
      operation: 'backup',
      trigger: 'missed',
      error: 'No backup run started between 03:00 and 05:00',
      finishedAt: new Date(localDay(5) + 5 * HOUR).toISOString(),
    });
    expect(await missedRuns(disabled.id)).toEqual([]);

    // A run queued at its fire time fills the slot; the next day's slot, without one, does not.
    await insertRun(t.app.repos, {
      jobId: j.managed,
      customerId: c.acme,
      status: 'success',
      operation: 'backup',
      at: localDay(6) + 3 * HOUR,
      durationMs: 0,
    });
    now = day0 + 7 * DAY + 12 * HOUR;
    await pass();
    const after = await missedRuns(j.managed);
    expect(after.map((r: Json) => Date.parse(r.scheduledFor))).toEqual([
      localDay(7) + 3 * HOUR,
      localDay(5) + 3 * HOUR,
      localDay(4) + 3 * HOUR,
    ]);
  });

  it('does not report the time a job was archived or disabled once it is back', async () => {
    const before = (await missedRuns(j.daily)).length;
    const managedBefore = (await missedRuns(j.managed)).length;
    await ok('POST', `/api/jobs/${j.daily}/archive`);
    await ok('POST', `/api/jobs/${j.managed}/disable`);
    await t.app.repos.jobs.update(j.managed, { updated_at: localDay(3) });
    now = day0 + 10 * DAY + 12 * HOUR;
    await pass();
    await ok('POST', `/api/jobs/${j.daily}/unarchive`);
    await ok('POST', `/api/jobs/${j.managed}/enable`);
    await t.app.repos.jobs.update(j.managed, { updated_at: localDay(3) });
    now += 10 * MIN;
    await pass();
    expect(await missedRuns(j.daily)).toHaveLength(before);
    expect(await missedRuns(j.managed)).toHaveLength(managedBefore);
    // Back in service: the next passed slot is reported again.
    now = day0 + 11 * DAY + 12 * HOUR;
    await pass();
    expect(await missedRuns(j.daily)).toHaveLength(before + 1);
    expect(await missedRuns(j.managed)).toHaveLength(managedBefore + 1);
  });

  it('is a built-in system job that runs every 15 minutes', async () => {
    const jobs = await ok('GET', '/api/jobs?kind=system');
    const task = jobs.items.find((x: Json) => x.task === 'schedule_learning');
    expect(task).toMatchObject({ name: 'Schedule learning and missed runs', enabled: true });
    expect(task.scheduleText).toContain('15 minutes');
    const run = await t.waitForRun((await ok('POST', `/api/jobs/${task.id}/run`)).id);
    expect(run.status).toBe('success');
    const log = (await ok('GET', `/api/runs/${run.id}/logs`)).items.map((l: Json) => l.message).join('\n');
    expect(log).toMatch(/\d+ schedule\(s\) learned \(\d+ changed\), 0 missed run\(s\) recorded/);
  });
});
