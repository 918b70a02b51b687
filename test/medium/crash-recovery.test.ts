import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { createPgDatabase, pgQuery } from '../helpers/databases.js';
import { loginToken, spawnServerProcess, startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { DIALECTS, type Dialect } from '../helpers/test-app.js';

/**
 * SPEC §14 "Crash safety", with a real `kill -9` of a spawned server process in the middle of a
 * PostgreSQL backup, then a restart on the same data directory / database.
 */

const ADMIN_PASSWORD = 'crash-admin-password-123';
const TERMINAL = ['success', 'warning', 'failed', 'timed_out', 'cancelled', 'missed'];
const PARTIAL_DIR = '.keepwatch-partial';
const MINUTE = 60_000;

/** Polls `probe` until it returns a value other than undefined; fails with `what` after `timeoutMs`. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every file under `dir`, as paths relative to it. */
function walk(dir: string, rel = ''): string[] {
  if (!existsSync(path.join(dir, rel))) return [];
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(dir, path.join(rel, e.name)) : [path.join(rel, e.name)],
  );
}

describe.each(DIALECTS)('crash recovery after kill -9 (%s)', (dialect: Dialect) => {
  let work: string;
  let dataDir: string;
  let destDir: string;
  let logFile: string;
  let sourceDb: Awaited<ReturnType<typeof createPgDatabase>>;
  let stateDb: Awaited<ReturnType<typeof createPgDatabase>> | null = null;
  let server: ServerProcess | null = null;
  let killedPid = 0;
  let token = '';
  const ids = { runA: 0, runB: 0, runBQueuedAt: '', jobC: 0, jobD: 0 };

  const env = (): Record<string, string> => ({
    KEEPWATCH_DATA: dataDir,
    KEEPWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD,
    KEEPWATCH_SECRET: 'crash-test-master-key-0123456789abcdef',
    KEEPWATCH_MAX_CONCURRENT_RUNS: '1',
    KEEPWATCH_CATCH_UP_WINDOW: '3600',
    ...(stateDb ? { DATABASE_URL: stateDb.url } : {}),
  });
  const call = (method: string, url: string, body?: unknown) => server!.call(method, url, body, token);
  const run = async (id: number) => {
    const r = await call('GET', `/api/runs/${id}`);
    if (r.status !== 200) throw new Error(`GET run ${id}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const waitForRun = (id: number, timeoutMs = 60_000) =>
    until(
      `run ${id} to finish`,
      async () => {
        const r = await run(id);
        return TERMINAL.includes(r.status) ? r : undefined;
      },
      timeoutMs,
    );

  /** Reads (and writes) the state database while no server runs. */
  async function stateQuery<T>(sqlText: string, params: unknown[] = []): Promise<T[]> {
    if (stateDb) {
      let i = 0;
      return pgQuery<T>(
        stateDb.url,
        sqlText.replace(/\?/g, () => `$${++i}`),
        params,
      );
    }
    const db = new SqliteDatabase(path.join(dataDir, 'keepwatch.db'));
    try {
      const stmt = db.prepare(sqlText);
      return (stmt.reader ? stmt.all(...params) : (stmt.run(...params), [])) as T[];
    } finally {
      db.close();
    }
  }

  const scratchOf = (runId: number) =>
    readdirSync(path.join(dataDir, 'tmp')).filter((n) => n.startsWith(`run-${runId}-`));
  const partialsOf = (runId: number) =>
    existsSync(path.join(destDir, PARTIAL_DIR))
      ? // "<key>.<runId>.<random>.partial"
        readdirSync(path.join(destDir, PARTIAL_DIR)).filter(
          (n) => n.endsWith('.partial') && n.split('.').at(-3) === String(runId),
        )
      : [];

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), `kw-crash-${dialect}-`));
    dataDir = path.join(work, 'data');
    destDir = path.join(work, 'backups');
    logFile = path.join(work, 'server.log');
    // A table big enough that pg_dump + gzip -9 takes seconds: the kill lands mid-dump.
    sourceDb = await createPgDatabase('kwcrashsrc');
    await pgQuery(
      sourceDb.url,
      `create table big as select g as id, 'row ' || g || ' some text to make the dump bigger and slower ' || (g % 997) as t
         from generate_series(1, 2500000) g`,
    );
    execFileSync('sqlite3', [
      path.join(work, 'small.db'),
      "create table t(a int, b text); insert into t values (1, 'one'), (2, 'two');",
    ]);
    if (dialect === 'postgres') stateDb = await createPgDatabase('kwcrashstate');
    server = await startServerProcess({ env: env(), logFile });
    token = await loginToken(server, 'admin', ADMIN_PASSWORD);
  }, 120_000);

  afterAll(async () => {
    if (server && !server.hasExited) await server.kill('SIGKILL');
    await sourceDb?.drop();
    await stateDb?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('kill -9 in the middle of a backup leaves a running run, a queued run, a partial file and a scratch dir', async () => {
    const created = async (url: string, body: unknown) => {
      const r = await call('POST', url, body);
      expect(r.status, `${url}: ${JSON.stringify(r.body)}`).toBe(201);
      return r.body;
    };
    await created('/api/sources', {
      name: 'big-pg',
      kind: 'postgres',
      config: { host: '127.0.0.1', port: 5432, user: 'postgres', database: sourceDb.name },
    });
    await created('/api/sources', { name: 'small', kind: 'sqlite', config: { path: path.join(work, 'small.db') } });
    await created('/api/destinations', { name: 'local', kind: 'local', config: { path: destDir } });
    const job = (name: string, source: string, extra: Record<string, unknown> = {}) =>
      created('/api/jobs', {
        name,
        source,
        destinations: [{ destination: 'local', retention: { type: 'keep_last', count: 5 } }],
        compression: { algorithm: 'gzip', level: 9 },
        ...extra,
      });
    await job('job-a', 'big-pg');
    await job('job-b', 'small');
    // Yearly cron: never due by itself while the test runs; the fires are set by hand below.
    const yearly = { type: 'cron', expression: '0 3 1 1 *', timezone: 'Europe/Berlin' };
    ids.jobC = (await job('job-c', 'small', { schedule: yearly })).id;
    ids.jobD = (await job('job-d', 'small', { schedule: yearly })).id;

    const a = await call('POST', '/api/jobs/job-a/run');
    expect(a.status).toBe(201);
    ids.runA = a.body.id;
    const running = await until(`run ${ids.runA} to be running with bytes read`, async () => {
      const r = await run(ids.runA);
      if (TERMINAL.includes(r.status)) throw new Error(`run A ended before the kill: ${JSON.stringify(r)}`);
      return r.status === 'running' && r.bytesRead > 0 ? r : undefined;
    });
    expect(running.step).toBe('dump');

    const b = await call('POST', '/api/jobs/job-b/run');
    expect(b.status).toBe(201);
    expect(b.body.status).toBe('queued'); // max 1 concurrent run, and A is running
    ids.runB = b.body.id;
    ids.runBQueuedAt = b.body.queuedAt;

    killedPid = server!.pid;
    const exit = await server!.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');

    // What the crash left behind (so the assertions after the restart prove a real clean-up).
    expect(scratchOf(ids.runA)).toHaveLength(1);
    expect(partialsOf(ids.runA)).toHaveLength(1);
    const states = await stateQuery<{ id: number; status: string }>('select id, status from runs where id in (?, ?)', [
      ids.runA,
      ids.runB,
    ]);
    expect(Object.fromEntries(states.map((s) => [Number(s.id), s.status]))).toEqual({
      [ids.runA]: 'running',
      [ids.runB]: 'queued',
    });
    if (dialect === 'sqlite')
      expect(readFileSync(path.join(dataDir, 'keepwatch.lock'), 'utf8')).toBe(String(killedPid));

    // Fires missed while the server is down: C within the catch-up window, D outside it.
    const now = Date.now();
    await stateQuery('update jobs set next_fire_at = ? where id = ?', [now - 5 * MINUTE, ids.jobC]);
    await stateQuery('update jobs set next_fire_at = ? where id = ?', [now - 120 * MINUTE, ids.jobD]);
  }, 120_000);

  it('after the restart the interrupted run is failed ("interrupted") and nothing of it is left', async () => {
    // On SQLite the stale lock of the killed process must not block this restart.
    server = await startServerProcess({ env: env(), logFile });
    expect(server.pid).not.toBe(killedPid);
    // SQLite: recovered before the server answers. PostgreSQL: the dead node is noticed by its
    // stale heartbeat (15 s) on the next recovery pass (every 10 s).
    const a = await until(
      `run ${ids.runA} to be recovered`,
      async () => {
        const r = await run(ids.runA);
        return r.status === 'running' ? undefined : r;
      },
      40_000,
    );
    expect(a.status).toBe('failed');
    expect(a.error).toMatch(/interrupted/);
    expect(a.finishedAt).not.toBeNull();
    const logs = await call('GET', `/api/runs/${ids.runA}/logs`);
    expect(logs.body.items.map((l: { message: string }) => l.message).join('\n')).toMatch(/interrupted/);

    const backups = await call('GET', '/api/backups?job=job-a');
    expect(backups.status).toBe(200);
    expect(backups.body.items).toEqual([]);
    // The clean-up runs right after the status change: wait for it rather than race it.
    await until('the scratch dir and the partial file of run A to be removed', async () =>
      scratchOf(ids.runA).length === 0 && partialsOf(ids.runA).length === 0 ? true : undefined,
    );
    expect(walk(destDir).filter((f) => f.includes('job-a'))).toEqual([]);
  }, 90_000);

  it('the run that was queued at the crash is still queued and runs to success', async () => {
    const b = await waitForRun(ids.runB);
    expect(b.status).toBe('success');
    expect(b.queuedAt).toBe(ids.runBQueuedAt);
    const runs = await call('GET', '/api/jobs/job-b/runs');
    expect(runs.body.items.map((r: { id: number }) => r.id)).toEqual([ids.runB]); // the same run, not a new one
    const backups = await call('GET', '/api/backups?job=job-b');
    expect(backups.body.items).toHaveLength(1);
    expect(backups.body.items[0].runId).toBe(ids.runB);
  }, 90_000);

  it('the scheduler goes on: a fire missed within the catch-up window runs once, an older one is logged', async () => {
    const c = await until('the catch-up run of job C', async () => {
      const r = await call('GET', '/api/jobs/job-c/runs');
      return r.body.items.length ? r.body.items : undefined;
    });
    const done = await waitForRun(c[0].id);
    expect(done.status).toBe('success');
    expect(done.trigger).toBe('catch_up');

    const dEvents = await until('the missed-fire event of job D', async () => {
      const r = await call('GET', '/api/jobs/job-d/events');
      const hit = r.body.items.filter((e: { message: string }) => /outside the catch-up window/.test(e.message));
      return hit.length ? hit : undefined;
    });
    expect(dEvents).toHaveLength(1);
    expect(dEvents[0].level).toBe('warn');
    expect((await call('GET', '/api/jobs/job-d/runs')).body.items).toEqual([]);

    // Exactly one run of C, and both schedules moved on to their next (future) fire.
    expect((await call('GET', '/api/jobs/job-c/runs')).body.items).toHaveLength(1);
    for (const name of ['job-c', 'job-d']) {
      const j = await call('GET', `/api/jobs/${name}`);
      expect(j.body.nextRunAt, name).not.toBeNull();
      expect(Date.parse(j.body.nextRunAt), name).toBeGreaterThan(Date.now());
    }
  }, 90_000);

  // Only the embedded SQLite default locks its data directory; PostgreSQL servers share a database by design.
  if (dialect === 'sqlite')
    it('a second server on the same data directory is refused with a clear error; the first keeps running', async () => {
      const lock = path.join(dataDir, 'keepwatch.lock');
      expect(readFileSync(lock, 'utf8')).toBe(String(server!.pid));
      const second = spawnServerProcess({ env: env(), logFile: path.join(work, 'second.log') });
      const exit = await second.exited;
      expect(exit.code).toBe(1);
      expect(second.output()).toContain(`another Keepwatch server (pid ${server!.pid}) uses ${dataDir}`);
      expect(readFileSync(lock, 'utf8')).toBe(String(server!.pid));
      expect((await call('GET', '/readyz')).status).toBe(200);

      // A graceful stop releases the lock.
      const stop = await server!.kill('SIGTERM');
      expect(stop.code).toBe(0);
      expect(existsSync(lock)).toBe(false);
    }, 60_000);
});
