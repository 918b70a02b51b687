import { execFileSync } from 'node:child_process';
import { mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  filesUnder,
  create,
  patch,
  runJob,
  backupsOf,
  logText,
  ids,
  type Run,
  type Backup,
  type Job,
} from '../helpers/pipeline-api.js';

// ── helpers ──────────────────────────────────────────────────────────────────────────────────

interface Decision {
  id: number;
  key: string;
  createdAt: string;
  reasons: string[];
}
interface Preview {
  destinationId: number;
  policy: unknown;
  keep: Decision[];
  delete: Decision[];
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** Runs a built-in system job found by its name in GET /api/jobs?kind=system. */
async function runSystemJob(t: TestApp, name: string): Promise<Run> {
  const jobs = (await t.call<{ items: Job[] }>('GET', '/api/jobs?kind=system')).body.items;
  const job = jobs.find((j) => j.name === name);
  expect(job, `system job '${name}'`).toBeDefined();
  expect(job!.kind).toBe('system');
  return runJob(t, job!.id);
}

// ── the suite ────────────────────────────────────────────────────────────────────────────────

describe('retention', () => {
  let t: TestApp;
  let disk = '';

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    disk = path.join(t.dataDir, 'disk');
    const db = path.join(t.dataDir, 'app.db');
    execFileSync('sqlite3', [db, "create table t (a int, b text); insert into t values (1, 'x'), (2, 'y');"]);
    await create(t, '/api/sources', { name: 'lite', kind: 'sqlite', config: { path: db } });
    await create(t, '/api/destinations', { name: 'disk', kind: 'local', config: { path: disk } });
  });
  afterAll(async () => t?.close());

  it('keep_last N: after N+2 runs the N newest remain, on disk (sidecars too) and in the API', async () => {
    const job = await create(t, '/api/jobs', {
      name: 'keep-two',
      source: 'lite',
      destinations: [{ destination: 'disk', retention: { type: 'keep_last', count: 2 } }],
      compression: { algorithm: 'gzip', level: 1 },
    });
    const runs: Run[] = [];
    const keys: string[] = [];
    for (let i = 0; i < 4; i++) {
      const run = await runJob(t, job.id);
      expect(run.status).toBe('success');
      runs.push(run);
      keys.push((await t.call<Backup>('GET', `/api/backups/${run.backupIds[0]}`)).body.key);
      expect(await backupsOf(t, job.id)).toHaveLength(Math.min(i + 1, 2));
    }
    const left = await backupsOf(t, job.id);
    expect(ids(left)).toEqual([runs[2]!.backupIds[0], runs[3]!.backupIds[0]]);
    expect(await filesUnder(path.join(disk, 'default', 'keep-two'))).toEqual(
      [keys[2]!, `${keys[2]}.meta.json`, keys[3]!, `${keys[3]}.meta.json`].map((k) => k.split('/').pop()!).sort(),
    );
    for (const gone of keys.slice(0, 2)) {
      expect(await exists(path.join(disk, gone))).toBe(false);
      expect(await exists(path.join(disk, `${gone}.meta.json`))).toBe(false);
    }
    expect((await t.call('GET', `/api/backups/${runs[0]!.backupIds[0]}`)).status).toBe(404);
    const log = await logText(t, runs[3]!.id);
    expect(log).toContain(`retention on 'disk': deleted ${keys[1]}`);
    expect(log).toContain(`retention on 'disk': kept 2, deleted 1`);
  });

  it('pinned backups survive keep_last and cannot be deleted until unpinned', async () => {
    const job = await create(t, '/api/jobs', {
      name: 'keep-one',
      source: 'lite',
      destinations: [{ destination: 'disk', retention: { type: 'keep_last', count: 1 } }],
      compression: { algorithm: 'none' },
    });
    const first = (await runJob(t, job.id)).backupIds[0];
    const pinned = await t.call('POST', `/api/backups/${first}/pin`);
    expect(pinned.status).toBe(200);
    expect(pinned.body.pinned).toBe(true);
    const second = (await runJob(t, job.id)).backupIds[0];
    expect(ids(await backupsOf(t, job.id))).toEqual([first, second]);
    const third = (await runJob(t, job.id)).backupIds[0];
    expect(ids(await backupsOf(t, job.id))).toEqual([first, third]);
    const firstKey = (await t.call<Backup>('GET', `/api/backups/${first}`)).body.key;
    expect(await exists(path.join(disk, firstKey))).toBe(true);

    const del = await t.call('DELETE', `/api/backups/${first}`);
    expect(del.status).toBe(409);
    expect(del.body.error.message).toMatch(/pinned/);
    expect((await t.call('POST', `/api/backups/${first}/unpin`)).body.pinned).toBe(false);
    const fourth = (await runJob(t, job.id)).backupIds[0];
    expect(ids(await backupsOf(t, job.id))).toEqual([fourth]);
    expect(await exists(path.join(disk, firstKey))).toBe(false);
  });

  describe('GFS in the job’s time zone (Europe/Paris), preview and the retention sweep', () => {
    let job: Job;
    /** b1 is the newest. Times in UTC; the comments give Paris wall-clock time and ISO week. */
    const TIMES = [
      '2025-04-01T22:30:00Z', // b1 Wed 2 Apr 00:30 CEST, W14
      '2025-04-01T21:30:00Z', // b2 Tue 1 Apr 23:30 CEST, W14 (1 Apr in Paris and in UTC)
      '2025-04-01T10:00:00Z', // b3 Tue 1 Apr 12:00, W14: an older backup of b2's day
      '2025-03-30T22:30:00Z', // b4 Mon 31 Mar 00:30 CEST, W14 (Sun 30 Mar, W13 in UTC)
      '2025-03-29T23:30:00Z', // b5 Sun 30 Mar 00:30 CET (before the DST switch), W13
      '2025-03-23T12:00:00Z', // b6 Sun 23 Mar, W12
      '2025-03-16T12:00:00Z', // b7 Sun 16 Mar, W11 (pinned)
    ];
    const b: number[] = [];
    const keyOf = new Map<number, string>();

    beforeAll(async () => {
      job = await create(t, '/api/jobs', {
        name: 'gfs',
        source: 'lite',
        enabled: false, // the schedule only supplies the time zone here
        schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Paris' },
        destinations: [{ destination: 'disk', retention: { type: 'none' } }],
        compression: { algorithm: 'zstd', level: 1 },
      });
      for (let i = 0; i < TIMES.length; i++) {
        const run = await runJob(t, job.id);
        expect(run.status).toBe('success');
        b.unshift(run.backupIds[0]!); // newest first, like TIMES
      }
      for (const [i, id] of b.entries()) {
        await t.app.repos.db.kysely
          .updateTable('backups')
          .set({ created_at: Date.parse(TIMES[i]!) })
          .where('id', '=', id)
          .execute();
        keyOf.set(id, (await t.call<Backup>('GET', `/api/backups/${id}`)).body.key);
      }
      expect((await t.call('POST', `/api/backups/${b[6]}/pin`)).status).toBe(200);
      await patch(t, `/api/jobs/${job.id}`, {
        destinations: [{ destination: 'disk', retention: { type: 'gfs', daily: 3, weekly: 2 } }],
      });
    });

    const preview = async (body: unknown = {}): Promise<Preview> => {
      const r = await t.call<{ destinations: Preview[] }>('POST', `/api/jobs/${job.id}/retention-preview`, body);
      expect(r.status).toBe(200);
      expect(r.body.destinations).toHaveLength(1);
      return r.body.destinations[0]!;
    };

    it('previews what the policy keeps and deletes, by Paris calendar days and ISO weeks', async () => {
      const p = await preview();
      expect(p.policy).toEqual({ type: 'gfs', daily: 3, weekly: 2, monthly: 0, yearly: 0 });
      const [b1, b2, b3, b4, b5, b6, b7] = b;
      expect(p.keep.map((x) => x.id)).toEqual([b1, b2, b4, b5, b7]);
      expect(p.delete.map((x) => x.id)).toEqual([b3, b6]);
      const reasons = Object.fromEntries(p.keep.map((x) => [x.id, x.reasons]));
      expect(reasons[b1!]).toEqual(expect.arrayContaining(['daily 2025-04-02', 'weekly 2025-W14']));
      expect(reasons[b2!]).toEqual(['daily 2025-04-01']);
      expect(reasons[b4!]).toEqual(['daily 2025-03-31']);
      expect(reasons[b5!]).toEqual(['weekly 2025-W13']);
      expect(reasons[b7!]).toEqual(['pinned']);
      expect(p.delete[0]!.createdAt).toBe('2025-04-01T10:00:00.000Z');
      expect(p.delete[0]!.key).toBe(keyOf.get(b3!));
      // A preview deletes nothing.
      expect(await backupsOf(t, job.id)).toHaveLength(7);
    });

    it('uses the job’s time zone: the same backups in UTC give another selection', async () => {
      await patch(t, `/api/jobs/${job.id}`, {
        schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'UTC' },
      });
      const p = await preview();
      const [b1, b2, b3, b4, b5, b6, b7] = b;
      expect(p.keep.map((x) => x.id)).toEqual([b1, b4, b5, b7]);
      expect(p.delete.map((x) => x.id)).toEqual([b2, b3, b6]);
      await patch(t, `/api/jobs/${job.id}`, {
        schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Paris' },
      });
    });

    it('previews another policy given in the body, and rejects a bad one', async () => {
      const [b1, b2, b3, b4, b5, b6, b7] = b;
      const p = await preview({ retention: { type: 'keep_last', count: 2 } });
      expect(p.keep.map((x) => x.id)).toEqual([b1, b2, b7]);
      expect(p.delete.map((x) => x.id)).toEqual([b3, b4, b5, b6]);
      const bad = await t.call('POST', `/api/jobs/${job.id}/retention-preview`, { retention: { type: 'gfs' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/at least one daily, weekly, monthly or yearly/);
    });

    it('the "Retention sweep" system job applies the policies, and skips a job whose last run failed', async () => {
      // A job whose last backup failed keeps everything, even beyond its keep_last.
      const failing = await create(t, '/api/jobs', {
        name: 'last-failed',
        source: 'lite',
        destinations: [{ destination: 'disk' }],
        compression: { algorithm: 'none' },
      });
      for (let i = 0; i < 2; i++) expect((await runJob(t, failing.id)).status).toBe('success');
      await patch(t, `/api/jobs/${failing.id}`, {
        sizeCheck: { minBytes: 100_000_000 },
        destinations: [{ destination: 'disk', retention: { type: 'keep_last', count: 1 } }],
      });
      expect((await runJob(t, failing.id)).status).toBe('failed');

      const sweep = await runSystemJob(t, 'Retention sweep');
      expect(sweep.error).toBeNull();
      expect(sweep.status).toBe('success');
      expect(sweep.operation).toBe('system');
      const [b1, b2, b3, b4, b5, b6, b7] = b;
      expect(ids(await backupsOf(t, job.id))).toEqual(ids([b1, b2, b4, b5, b7].map((id) => ({ id: id! }))));
      for (const id of [b3, b6]) {
        expect(await exists(path.join(disk, keyOf.get(id!)!))).toBe(false);
        expect(await exists(path.join(disk, `${keyOf.get(id!)!}.meta.json`))).toBe(false);
      }
      for (const id of [b1, b2, b4, b5, b7]) {
        expect(await exists(path.join(disk, keyOf.get(id!)!))).toBe(true);
        expect(await exists(path.join(disk, `${keyOf.get(id!)!}.meta.json`))).toBe(true);
      }
      expect(await backupsOf(t, failing.id)).toHaveLength(2);
      const log = await logText(t, sweep.id);
      expect(log).toContain("job 'last-failed': skipped, its last backup run is failed");
      expect(log).toContain("retention on 'gfs → disk': kept 5, deleted 2");

      // A second sweep finds nothing more to do.
      const again = await runSystemJob(t, 'Retention sweep');
      expect(again.status).toBe('success');
      expect(await logText(t, again.id)).toContain("retention on 'gfs → disk': kept 5, deleted 0");
    });
  });

  it('the "Temporary file cleanup" system job removes stale scratch dirs and abandoned partial uploads', async () => {
    const tmp = path.join(t.dataDir, 'tmp');
    const partials = path.join(disk, '.keepwatch-partial');
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);

    // A run's scratch dir whose run is not running (it crashed): removed whatever its age.
    await mkdir(path.join(tmp, 'run-999999-AbCdEf'), { recursive: true });
    await writeFile(path.join(tmp, 'run-999999-AbCdEf', 'my.cnf'), '[client]\npassword=x\n');
    // Unknown scratch dirs: only removed once old (they might belong to someone else).
    await mkdir(path.join(tmp, 'stale-scratch'));
    await utimes(path.join(tmp, 'stale-scratch'), hoursAgo(7), hoursAgo(7));
    await mkdir(path.join(tmp, 'fresh-scratch'));
    // An abandoned upload, and one young enough to belong to a live run on another node.
    const old = path.join(partials, `${encodeURIComponent('default/x/y.sql.gz')}.999998.a1b2c3d4e5f6.partial`);
    const young = path.join(partials, `${encodeURIComponent('default/x/z.sql.gz')}.999997.0a1b2c3d4e5f.partial`);
    await writeFile(old, 'half a backup');
    await utimes(old, hoursAgo(7), hoursAgo(7));
    await writeFile(young, 'half a backup');

    const run = await runSystemJob(t, 'Temporary file cleanup');
    expect(run.error).toBeNull();
    expect(run.status).toBe('success');
    expect((await readdir(tmp)).sort()).toEqual(['fresh-scratch']);
    expect(await readdir(partials)).toEqual([path.basename(young)]);
    const log = await logText(t, run.id);
    expect(log).toContain('removed scratch run-999999-AbCdEf');
    expect(log).toContain("destination 'disk': removed 1 unfinished upload(s)");
    expect(log).toContain('removed 3 leftover(s)');
    // Stored backups are not leftovers.
    for (const bk of (await t.call<{ items: Backup[] }>('GET', '/api/backups')).body.items)
      expect(await exists(path.join(disk, bk.key))).toBe(true);
  });
});
