import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfigFromEnv } from '../../src/config/app-config.js';
import { ADMIN_PASSWORD, DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NO_ENGINE = { KEEPWATCH_SCHEDULER: 'false', KEEPWATCH_WORKERS: 'false' };
/** Fires once a year, so no fire of its own happens while a test runs (unless on New Year's Eve). */
const YEARLY = { type: 'cron', expression: '0 0 1 1 *', timezone: 'UTC' };

/** A source (SQLite file) and a destination every job of the app can use. */
async function prepare(t: TestApp, rows = 10): Promise<void> {
  const file = path.join(t.dataDir, 'source.db');
  execFileSync('sqlite3', [
    file,
    `create table t(id integer primary key, v text);
     with recursive n(i) as (select 1 union all select i + 1 from n where i < ${rows})
     insert into t select i, hex(randomblob(64)) from n;`,
  ]);
  expect((await t.call('POST', '/api/sources', { name: 'src', kind: 'sqlite', config: { path: file } })).status).toBe(
    201,
  );
  const dest = { name: 'dst', kind: 'local', config: { path: path.join(t.dataDir, 'backups') } };
  expect((await t.call('POST', '/api/destinations', dest)).status).toBe(201);
}

async function createJob(t: TestApp, name: string, schedule: unknown = YEARLY): Promise<number> {
  const r = await t.call('POST', '/api/jobs', {
    name,
    source: 'src',
    destinations: [{ destination: 'dst', retention: { type: 'none' } }],
    compression: { algorithm: 'none' },
    schedule,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as number;
}

async function setNextFire(t: TestApp | App, jobId: number, at: number | null): Promise<void> {
  const app = 'app' in t ? t.app : t;
  await app.repos.jobs.update(jobId, { next_fire_at: at });
}

async function nextFire(t: TestApp, jobId: number): Promise<number | null> {
  return (await t.app.repos.jobs.get(jobId))!.next_fire_at;
}

interface RunJson {
  id: number;
  status: string;
  trigger: string;
  operation: string;
  scheduledFor: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

async function runsOf(t: TestApp, jobId: number): Promise<RunJson[]> {
  const r = await t.call('GET', `/api/runs?jobId=${jobId}&pageSize=500`);
  expect(r.status).toBe(200);
  return r.body.items;
}

async function eventsOf(t: TestApp, jobId: number): Promise<{ level: string; message: string }[]> {
  const r = await t.call('GET', `/api/jobs/${jobId}/events`);
  expect(r.status).toBe(200);
  return r.body.items;
}

/** The UTC minute `ms` falls in, as a daily cron schedule firing exactly then. */
function dailyAt(ms: number): { schedule: unknown; fire: number } {
  const d = new Date(ms);
  const fire = Math.floor(ms / MINUTE) * MINUTE;
  return {
    schedule: { type: 'cron', expression: `${d.getUTCMinutes()} ${d.getUTCHours()} * * *`, timezone: 'UTC' },
    fire,
  };
}

describe('two server processes on one PostgreSQL', () => {
  let t: TestApp;
  let second: App | undefined;
  let secondDir: string | undefined;

  afterAll(async () => {
    await second?.close();
    if (secondDir) await rm(secondDir, { recursive: true, force: true });
    await t?.close();
  });

  it('never fire a schedule twice', async () => {
    t = await startTestApp('postgres', { KEEPWATCH_WORKERS: 'false' });
    secondDir = await mkdtemp(path.join(os.tmpdir(), 'kw-test-second-'));
    second = await createApp(
      loadConfigFromEnv({
        KEEPWATCH_DATA: secondDir,
        DATABASE_URL: t.databaseUrl,
        KEEPWATCH_SECRET: 'test-master-key-material-0123456789',
        KEEPWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD,
        LOG_LEVEL: 'silent',
        KEEPWATCH_WORKERS: 'false',
      }),
      { logger: pino({ level: 'silent' }) },
    );
    expect(second.nodeId).not.toBe(t.app.nodeId);
    await prepare(t);
    const ids: number[] = [];
    for (let i = 0; i < 30; i++)
      ids.push(await createJob(t, `job-${i}`, i % 2 ? YEARLY : { type: 'interval', everySeconds: 366 * 86_400 }));

    const rounds = 3;
    const fires: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const now = Date.now();
      const fire = now - 5_000 - round; // just passed, and different in every round
      fires.push(fire);
      for (const [i, id] of ids.entries()) await setNextFire(t, id, fire - i);
      for (let k = 0; k < 4; k++) await Promise.all([t.app.scheduler.tick(), second.scheduler.tick()]);
      for (const id of ids) expect(await nextFire(t, id)).toBeGreaterThan(now);
      // Finish this round's runs, so that the next round's fire is not refused as an overlap.
      await t.app.db.kysely
        .updateTable('runs')
        .set({ status: 'success', finished_at: Date.now() })
        .where('status', '=', 'queued')
        .execute();
    }

    for (const [i, id] of ids.entries()) {
      const runs = await runsOf(t, id);
      expect(runs.map((r) => r.trigger)).toEqual(Array(rounds).fill('schedule'));
      expect(runs.map((r) => Date.parse(r.scheduledFor!)).sort()).toEqual(fires.map((f) => f - i).sort());
      // The compare-and-set decided, not the one-active-run index: no fire was even attempted twice.
      expect(await eventsOf(t, id)).toEqual([]);
    }
  });
});

describe.each(DIALECTS)('scheduler (%s)', (dialect) => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await startTestApp(dialect, NO_ENGINE);
    await prepare(t);
  });
  afterAll(async () => t?.close());
  afterEach(async () => {
    // Every test leaves its jobs unscheduled and without queued runs.
    await t.app.db.kysely.updateTable('jobs').set({ next_fire_at: null }).where('kind', '=', 'backup').execute();
    await t.app.db.kysely.updateTable('runs').set({ status: 'cancelled' }).where('status', '=', 'queued').execute();
  });
  const name = (p: string) => `${p}-${++n}`;

  it('fires a due job once, as a scheduled run, and moves the next fire forward', async () => {
    const id = await createJob(t, name('due'), { type: 'interval', everySeconds: 3600 });
    const fire = Date.now() - 2_000;
    await setNextFire(t, id, fire);
    await t.app.scheduler.tick();
    await t.app.scheduler.tick();
    const runs = await runsOf(t, id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'schedule', status: 'queued', operation: 'backup' });
    expect(Date.parse(runs[0]!.scheduledFor!)).toBe(fire);
    const next = (await nextFire(t, id))!;
    expect(next).toBeGreaterThan(Date.now());
    expect(next % HOUR).toBe(0);
    expect(await eventsOf(t, id)).toEqual([]);
  });

  it('a fire while the previous run is queued or running creates no run, is logged and moves on', async () => {
    const id = await createJob(t, name('busy'));
    const manual = await t.call('POST', `/api/jobs/${id}/run`);
    expect(manual.status).toBe(201);
    expect(manual.body.status).toBe('queued');

    const fire1 = Date.now() - 1_000;
    await setNextFire(t, id, fire1);
    await t.app.scheduler.tick();
    expect((await runsOf(t, id)).map((r) => r.id)).toEqual([manual.body.id]);
    let events = await eventsOf(t, id);
    expect(events).toHaveLength(1);
    expect(events[0]!.level).toBe('warn');
    expect(events[0]!.message).toContain(`#${manual.body.id}`);
    expect(events[0]!.message).toContain(new Date(fire1).toISOString());
    expect(events[0]!.message).toMatch(/skipped/);
    expect(await nextFire(t, id)).toBeGreaterThan(Date.now());

    // Same while it runs.
    expect(
      await t.app.repos.runs.transition(manual.body.id, ['queued'], { status: 'running', started_at: Date.now() }),
    ).toBe(true);
    const fire2 = Date.now() - 500;
    await setNextFire(t, id, fire2);
    await t.app.scheduler.tick();
    expect((await runsOf(t, id)).map((r) => r.id)).toEqual([manual.body.id]);
    events = await eventsOf(t, id);
    expect(events).toHaveLength(2);
    expect(events[0]!.message).toContain(new Date(fire2).toISOString());
    expect(await nextFire(t, id)).toBeGreaterThan(Date.now());

    // Once it finished, the next fire runs again.
    await t.app.repos.runs.update(manual.body.id, { status: 'success', finished_at: Date.now() });
    await setNextFire(t, id, Date.now() - 100);
    await t.app.scheduler.tick();
    const runs = await runsOf(t, id);
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({ trigger: 'schedule', status: 'queued' });
  });

  it('a fire missed within the catch-up window runs once, as catch_up', async () => {
    const { schedule, fire } = dailyAt(Date.now() - 10 * MINUTE);
    const id = await createJob(t, name('caught'), schedule);
    await setNextFire(t, id, fire);
    await t.app.scheduler.tick();
    await t.app.scheduler.tick();
    const runs = await runsOf(t, id);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.trigger).toBe('catch_up');
    expect(Date.parse(runs[0]!.scheduledFor!)).toBe(fire);
    // The next fire is tomorrow's, not another catch-up.
    expect(await nextFire(t, id)).toBe(fire + 24 * HOUR);
  });

  it('several missed fires collapse into one run', async () => {
    const id = await createJob(t, name('collapse'), { type: 'interval', everySeconds: 60 });
    const now = Date.now();
    await setNextFire(t, id, Math.floor((now - 30 * MINUTE) / MINUTE) * MINUTE); // 30 fires missed
    await t.app.scheduler.tick();
    await t.app.scheduler.tick();
    const runs = await runsOf(t, id);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.trigger).toBe('catch_up');
    const next = (await nextFire(t, id))!;
    expect(next).toBeGreaterThan(now);
    expect(next).toBeLessThanOrEqual(Date.now() + MINUTE);
  });

  it('a fire older than the catch-up window is skipped and logged', async () => {
    expect((await t.call('PATCH', '/api/settings', { catchUpWindowSeconds: 600 })).status).toBe(200);
    try {
      const { schedule, fire } = dailyAt(Date.now() - 2 * HOUR);
      const id = await createJob(t, name('too-old'), schedule);
      await setNextFire(t, id, fire);
      await t.app.scheduler.tick();
      expect(await runsOf(t, id)).toEqual([]);
      const events = await eventsOf(t, id);
      expect(events).toHaveLength(1);
      expect(events[0]!.level).toBe('warn');
      expect(events[0]!.message).toContain(new Date(fire).toISOString());
      expect(events[0]!.message).toContain('catch-up window (600s)');
      expect(await nextFire(t, id)).toBe(fire + 24 * HOUR);
      await t.app.scheduler.tick();
      expect(await runsOf(t, id)).toEqual([]);
    } finally {
      expect((await t.call('PATCH', '/api/settings', { catchUpWindowSeconds: 3600 })).status).toBe(200);
    }
  });

  it('after an outage longer than the schedule period, the newest missed fire within the window still runs', async () => {
    // A daily job; the server was down 25 hours: yesterday's fire is out of the window, today's is not.
    const { schedule, fire } = dailyAt(Date.now() - 10 * MINUTE);
    const id = await createJob(t, name('long-outage'), schedule);
    await setNextFire(t, id, fire - 24 * HOUR);
    await t.app.scheduler.tick();
    const runs = await runsOf(t, id);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.trigger).toBe('catch_up');
    expect(Date.parse(runs[0]!.scheduledFor!)).toBe(fire);
    expect(await nextFire(t, id)).toBe(fire + 24 * HOUR);
  });

  it('with a catch-up window of 0, on-time fires still run', async () => {
    expect((await t.call('PATCH', '/api/settings', { catchUpWindowSeconds: 0 })).status).toBe(200);
    try {
      const id = await createJob(t, name('window-0'), YEARLY);
      await setNextFire(t, id, Date.now() - 2_000);
      await t.app.scheduler.tick();
      expect((await runsOf(t, id)).map((r) => r.trigger)).toEqual(['schedule']);

      const late = await createJob(t, name('window-0-late'), { type: 'interval', everySeconds: 60 });
      await setNextFire(t, late, Math.floor((Date.now() - 10 * MINUTE) / MINUTE) * MINUTE);
      await t.app.scheduler.tick();
      expect(await runsOf(t, late)).toEqual([]);
      expect(await eventsOf(t, late)).toHaveLength(1);
    } finally {
      expect((await t.call('PATCH', '/api/settings', { catchUpWindowSeconds: 3600 })).status).toBe(200);
    }
  });

  it('disabled and archived jobs never fire; enabling recomputes the next fire; disabled jobs run by hand', async () => {
    const disabled = await createJob(t, name('disabled'), { type: 'interval', everySeconds: 3600 });
    const archived = await createJob(t, name('archived'), { type: 'interval', everySeconds: 3600 });
    expect(await nextFire(t, disabled)).not.toBeNull();

    const d = await t.call('POST', `/api/jobs/${disabled}/disable`);
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ enabled: false, nextRunAt: null });
    expect(await nextFire(t, disabled)).toBeNull();
    const a = await t.call('POST', `/api/jobs/${archived}/archive`);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ archived: true, nextRunAt: null });

    // Even with a stale due fire left in the row (another process, an old version), nothing runs.
    const stale = Date.now() - 1_000;
    await setNextFire(t, disabled, stale);
    await setNextFire(t, archived, stale);
    await t.app.scheduler.tick();
    expect(await runsOf(t, disabled)).toEqual([]);
    expect(await runsOf(t, archived)).toEqual([]);
    expect(await nextFire(t, disabled)).toBeNull();
    expect(await nextFire(t, archived)).toBeNull();

    const e = await t.call('POST', `/api/jobs/${disabled}/enable`);
    expect(e.status).toBe(200);
    const next = (await nextFire(t, disabled))!;
    expect(next).toBeGreaterThan(Date.now());
    expect(next % HOUR).toBe(0);
    expect(Date.parse(e.body.nextRunAt)).toBe(next);
    expect((await t.call('POST', `/api/jobs/${disabled}/disable`)).status).toBe(200);

    const manual = await t.call('POST', `/api/jobs/${disabled}/run`);
    expect(manual.status).toBe(201);
    expect(manual.body).toMatchObject({ trigger: 'manual', status: 'queued' });
    expect((await t.call('POST', `/api/jobs/${archived}/run`)).status).toBe(409);
  });

  it('a job whose stored schedule cannot be read does not hold back the others', async () => {
    const good = await createJob(t, name('good'));
    const bad = await createJob(t, name('bad'));
    await t.app.repos.jobs.update(bad, { schedule: '{not json' });
    const now = Date.now();
    await setNextFire(t, bad, now - 2_000); // due first
    await setNextFire(t, good, now - 1_000);
    await t.app.scheduler.tick();
    expect((await runsOf(t, good)).map((r) => r.trigger)).toEqual(['schedule']);
    expect(await runsOf(t, bad)).toEqual([]);
    expect(await nextFire(t, bad)).toBeNull();
    const events = await eventsOf(t, bad);
    expect(events).toHaveLength(1);
    expect(events[0]!.level).toBe('error');
    expect(events[0]!.message).toMatch(/schedule cannot be evaluated/);
  });
});

describe('the scheduler timer', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('fires the earliest due job without an explicit tick', async () => {
    t = await startTestApp('sqlite', { KEEPWATCH_WORKERS: 'false' });
    await prepare(t);
    const id = await createJob(t, 'timed', { type: 'interval', everySeconds: 60 });
    const fire = Date.now() + 300;
    await setNextFire(t, id, fire);
    // What a schedule change does; the scheduler then sleeps until the earliest fire.
    t.app.scheduler.reschedule();
    let runs: RunJson[] = [];
    for (let i = 0; i < 100 && runs.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      runs = await runsOf(t, id);
    }
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'schedule' });
    expect(Date.parse(runs[0]!.scheduledFor!)).toBe(fire);
  });
});

describe('the local dispatcher', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('runs at most maxConcurrentRuns (1 by default) at once', async () => {
    t = await startTestApp('sqlite', { KEEPWATCH_SCHEDULER: 'false' });
    expect((await t.call('GET', '/api/settings')).body.maxConcurrentRuns).toBe(1);
    await prepare(t, 20_000);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(await createJob(t, `parallel-${i}`));
    const runIds: number[] = [];
    for (const id of ids) {
      const r = await t.call('POST', `/api/jobs/${id}/run`);
      expect(r.status).toBe(201);
      runIds.push(r.body.id);
    }

    let maxRunning = 0;
    for (let i = 0; i < 2000; i++) {
      const running = await t.call('GET', '/api/runs?status=running');
      maxRunning = Math.max(maxRunning, running.body.total);
      const done = await Promise.all(runIds.map((id) => t.call('GET', `/api/runs/${id}`)));
      if (done.every((d) => !['queued', 'running'].includes(d.body.status))) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(maxRunning).toBeLessThanOrEqual(1);
    const finished = await Promise.all(runIds.map((id) => t.waitForRun(id)));
    expect(finished.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    // The recorded times prove it too: no two runs overlap.
    const spans = finished
      .map((r) => [Date.parse(r.startedAt), Date.parse(r.finishedAt)] as const)
      .sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    // Oldest queued first.
    const byStart = [...finished].sort((x, y) => Date.parse(x.startedAt) - Date.parse(y.startedAt));
    expect(byStart.map((r) => r.id)).toEqual(runIds);
  });
});
