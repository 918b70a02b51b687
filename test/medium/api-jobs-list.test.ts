import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';

/** A parsed JSON answer: tests read into it freely and let the assertions judge. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * GET /api/jobs sorts, filters and pages on the server (SPEC §11), the same on both dialects:
 *
 *   customer "Alpha Corp": alpha-daily (cron, last run success), Beta-hourly (cron, never ran),
 *     gamma-failed (manual, last run failed), delta-off (disabled), epsilon-running (a run in
 *     progress), old-archived (archived: hidden unless asked for)
 *   customer "Zulu Corp":  zulu-job2, zulu-job10 (weekly)
 */
const BY_NAME = [
  'alpha-daily',
  'Beta-hourly',
  'delta-off',
  'epsilon-running',
  'gamma-failed',
  'zulu-job2',
  'zulu-job10',
];

describe.each(DIALECTS)('jobs list: sort, filter, paginate (%s)', (dialect) => {
  let t: TestApp;
  const ids: Record<string, number> = {};
  const customers = { alpha: 0, zulu: 0 };
  const T0 = Date.parse('2024-05-01T10:00:00Z');

  const ok = async (method: string, url: string, body?: unknown, token?: string): Promise<Json> => {
    const res = await t.call(method, url, body, token);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const names = async (query: string, token?: string): Promise<string[]> =>
    ((await ok('GET', `/api/jobs?kind=backup&${query}`, undefined, token)).items as Json[]).map((j) => j.name);

  const addRun = async (job: string, status: string, finishedAt: number | null) => {
    const id = ids[job]!;
    await t.app.repos.runs.insert({
      job_id: id,
      customer_id: job.startsWith('zulu') ? customers.zulu : customers.alpha,
      operation: 'backup',
      status,
      trigger: 'manual',
      params: '{}',
      queued_at: (finishedAt ?? Date.now()) - 1000,
      started_at: (finishedAt ?? Date.now()) - 900,
      finished_at: finishedAt,
      steps: '[]',
      bytes_read: 0,
      bytes_written: 0,
      // A run of this live node: crash recovery leaves it alone.
      node_id: t.app.nodeId,
      heartbeat_at: Date.now(),
    });
  };

  beforeAll(async () => {
    t = await startTestApp(dialect);
    for (const [key, name] of [
      ['alpha', 'Alpha Corp'],
      ['zulu', 'Zulu Corp'],
    ] as const) {
      customers[key] = (await ok('POST', '/api/customers', { name })).id;
      const file = path.join(t.dataDir, `${key}.db`);
      execFileSync('sqlite3', [file, 'create table t(a int);']);
      await ok('POST', '/api/sources', {
        name: `src-${key}`,
        kind: 'sqlite',
        customerId: customers[key],
        config: { path: file },
      });
      await ok('POST', '/api/destinations', {
        name: `dst-${key}`,
        kind: 'local',
        customerId: customers[key],
        config: { path: path.join(t.dataDir, `backups-${key}`) },
      });
    }
    const job = async (name: string, key: 'alpha' | 'zulu', schedule: unknown) => {
      const body = await ok('POST', '/api/jobs', {
        name,
        customerId: customers[key],
        source: `src-${key}`,
        destinations: [{ destination: `dst-${key}` }],
        schedule,
      });
      ids[name] = body.id;
    };
    await job('alpha-daily', 'alpha', { type: 'cron', expression: '0 2 * * *', timezone: 'UTC' });
    await job('Beta-hourly', 'alpha', { type: 'cron', expression: '0 * * * *', timezone: 'UTC' });
    await job('gamma-failed', 'alpha', { type: 'manual' });
    await job('delta-off', 'alpha', { type: 'cron', expression: '0 3 * * *', timezone: 'UTC' });
    await job('epsilon-running', 'alpha', { type: 'manual' });
    await job('old-archived', 'alpha', { type: 'manual' });
    await job('zulu-job10', 'zulu', { type: 'weekly', days: ['mon'], times: ['04:00'], timezone: 'UTC' });
    await job('zulu-job2', 'zulu', { type: 'weekly', days: ['tue'], times: ['05:00'], timezone: 'UTC' });
    await ok('POST', `/api/jobs/${ids['delta-off']}/disable`);
    await ok('POST', `/api/jobs/${ids['old-archived']}/archive`);
    await addRun('alpha-daily', 'success', T0);
    await addRun('gamma-failed', 'failed', T0 + 60_000);
    await addRun('zulu-job2', 'success', T0 - 60_000);
    await addRun('epsilon-running', 'running', null);
  });
  afterAll(async () => t?.close());

  it('answers a page with the total, sorted by name (case-insensitive, numbers in order) by default', async () => {
    const body = await ok('GET', '/api/jobs?kind=backup');
    expect(body).toMatchObject({ total: 7, page: 1, pageSize: 50 });
    expect(body.items.map((j: Json) => j.name)).toEqual(BY_NAME);
    expect(await names('sort=name&order=desc')).toEqual([...BY_NAME].reverse());
    const statuses = Object.fromEntries(body.items.map((j: Json) => [j.name, j.status]));
    expect(statuses).toMatchObject({
      'alpha-daily': 'active',
      'delta-off': 'disabled',
      'epsilon-running': 'running',
      'gamma-failed': 'failed',
    });
  });

  it('sorts by status (what needs attention first), customer, last run and next run', async () => {
    expect(await names('sort=status')).toEqual([
      'gamma-failed',
      'epsilon-running',
      'alpha-daily',
      'Beta-hourly',
      'zulu-job2',
      'zulu-job10',
      'delta-off',
    ]);
    expect((await names('sort=status&order=desc'))[0]).toBe('delta-off');
    expect(await names('sort=customer')).toEqual([...BY_NAME.slice(0, 5), 'zulu-job2', 'zulu-job10']);
    expect((await names('sort=customer&order=desc')).slice(0, 2)).toEqual(['zulu-job2', 'zulu-job10']);
    // Jobs that never ran come last in both directions, by name.
    const never = ['Beta-hourly', 'delta-off', 'epsilon-running', 'zulu-job10'];
    expect(await names('sort=lastRun')).toEqual(['zulu-job2', 'alpha-daily', 'gamma-failed', ...never]);
    expect(await names('sort=lastRun&order=desc')).toEqual(['gamma-failed', 'alpha-daily', 'zulu-job2', ...never]);
    for (const order of ['asc', 'desc']) {
      const items: Json[] = (await ok('GET', `/api/jobs?kind=backup&sort=nextRun&order=${order}`)).items;
      const times = items.map((j) => (j.nextRunAt ? Date.parse(j.nextRunAt) : null));
      const set = times.filter((x): x is number => x !== null);
      expect(set.length).toBe(4);
      expect(times.slice(0, 4)).toEqual(
        order === 'asc' ? [...set].sort((a, b) => a - b) : [...set].sort((a, b) => b - a),
      );
      expect(items.slice(4).map((j) => j.name)).toEqual(['delta-off', 'epsilon-running', 'gamma-failed']);
    }
  });

  it('filters by status, part of the name, customer and kind, with the total after filtering', async () => {
    expect(await names('status=failed')).toEqual(['gamma-failed']);
    expect(await names('status=running,disabled')).toEqual(['delta-off', 'epsilon-running']);
    const active = await ok('GET', '/api/jobs?kind=backup&status=active&pageSize=1&page=2');
    expect(active).toMatchObject({ total: 4, page: 2, pageSize: 1 });
    expect(active.items.map((j: Json) => j.name)).toEqual(['Beta-hourly']);
    expect(await names('q=JOB')).toEqual(['zulu-job2', 'zulu-job10']);
    expect(await names('q=a-d')).toEqual(['alpha-daily']);
    expect(await names('q=%25')).toEqual([]);
    expect(await names('q=_')).toEqual([]);
    expect(await names(`customerId=${customers.zulu}&sort=name&order=desc`)).toEqual(['zulu-job10', 'zulu-job2']);
    expect(await names(`customerId=${customers.alpha}&status=active`)).toEqual(['alpha-daily', 'Beta-hourly']);
    expect(await names('archived=true')).toEqual(['old-archived']);
    const system = await ok('GET', '/api/jobs?kind=system');
    expect(system.total).toBeGreaterThan(0);
    expect(system.items.every((j: Json) => j.kind === 'system')).toBe(true);
  });

  it('pages through the sorted list without losing or repeating a job', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const body = await ok('GET', `/api/jobs?kind=backup&sort=lastRun&order=desc&pageSize=2&page=${page}`);
      expect(body).toMatchObject({ total: 7, page, pageSize: 2 });
      seen.push(...body.items.map((j: Json) => j.name));
    }
    expect(seen).toEqual(await names('sort=lastRun&order=desc'));
    const beyond = await ok('GET', '/api/jobs?kind=backup&page=9&pageSize=2');
    expect(beyond).toMatchObject({ items: [], total: 7, page: 9 });
    expect((await ok('GET', '/api/jobs?kind=backup&pageSize=500')).items).toHaveLength(7);
  });

  it('refuses unknown sort keys, statuses and page sizes', async () => {
    for (const query of ['pageSize=501', 'pageSize=0', 'page=0', 'sort=size', 'order=up', 'status=broken']) {
      const res = await t.call('GET', `/api/jobs?${query}`);
      expect(res.status, query).toBe(400);
    }
  });

  it('lists only the customers a user may see', async () => {
    const zulu = await t.userToken('zulu-viewer', 'viewer', { customerIds: [customers.zulu] });
    const body = await ok('GET', '/api/jobs?sort=status', undefined, zulu);
    expect(body.total).toBe(2);
    expect(body.items.map((j: Json) => j.name)).toEqual(['zulu-job2', 'zulu-job10']);
    expect(await names('q=alpha', zulu)).toEqual([]);
    expect(await names('status=failed', zulu)).toEqual([]);
    expect((await t.call('GET', `/api/jobs?customerId=${customers.alpha}`, undefined, zulu)).status).toBe(404);
  });
});
