import { execFileSync } from 'node:child_process';
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, mysqlExec, PG_ADMIN_URL, pgQuery, uniqueName } from '../helpers/databases.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  sha256,
  filesUnder,
  create,
  patch,
  startRun,
  runJob,
  backupsOf,
  logText,
  ids,
  stepStatus,
  waitUntil,
  type Run,
  type Backup,
} from '../helpers/pipeline-api.js';

// ── helpers ──────────────────────────────────────────────────────────────────────────────────

const sqliteFingerprint = (file: string) =>
  execFileSync('sqlite3', [file, "select count(*), group_concat(id || ':' || name, ',') from t"], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });

// ── the suite: one app on the embedded default, runs one at a time ─────────────────────────────

describe('backup pipeline failures', () => {
  let t: TestApp;
  let disk = '';
  let pg: { name: string; url: string; drop(): Promise<void> };
  const limitedRole = uniqueName('kwlim');
  const my = { db: uniqueName('kwfmy'), user: uniqueName('kwfu') };
  let lite = '';

  /** The stored files of the disk destination besides `keep` (artifacts and sidecars). */
  const diskFiles = () => filesUnder(disk);

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    disk = path.join(t.dataDir, 'disk');
    pg = await createPgDatabase('kwfail');
    await pgQuery(
      pg.url,
      `create table secret (id int primary key, v text);
       insert into secret select i, md5(i::text) from generate_series(1, 100) i;
       create role "${limitedRole}" login;`,
    );
    mysqlExec(`CREATE DATABASE \`${my.db}\`; CREATE USER '${my.user}'@'127.0.0.1' IDENTIFIED BY 'right-password';
               GRANT ALL ON \`${my.db}\`.* TO '${my.user}'@'127.0.0.1';`);
    mysqlExec('CREATE TABLE x (a INT); INSERT INTO x VALUES (1);', my.db);
    lite = path.join(t.dataDir, 'lite.db');
    execFileSync('sqlite3', [
      lite,
      `create table t (id integer primary key, name text);
       with recursive c(i) as (select 1 union all select i + 1 from c where i < 3000)
         insert into t select i, 'row ' || i || ' ' || hex(randomblob(40)) from c;`,
    ]);
    await create(t, '/api/destinations', { name: 'disk', kind: 'local', config: { path: disk } });
    await create(t, '/api/sources', {
      name: 'pg',
      kind: 'postgres',
      config: { host: '127.0.0.1', user: 'postgres', database: pg.name },
    });
    await create(t, '/api/sources', { name: 'lite', kind: 'sqlite', config: { path: lite } });
    await create(t, '/api/encryption-profiles', { name: 'k' });
  });
  afterAll(async () => {
    await t?.close();
    await pg?.drop();
    await pgQuery(PG_ADMIN_URL, `drop role if exists "${limitedRole}"`);
    mysqlExec(`DROP DATABASE IF EXISTS \`${my.db}\`; DROP USER IF EXISTS '${my.user}'@'127.0.0.1';`);
  });

  it('a PostgreSQL dump that cannot run fails the run; nothing is stored and retention does not run', async () => {
    const job = await create(t, '/api/jobs', {
      name: 'pg-fail',
      source: 'pg',
      destinations: [{ destination: 'disk', retention: { type: 'none' } }],
      compression: { algorithm: 'gzip', level: 1 },
    });
    for (let i = 0; i < 2; i++) expect((await runJob(t, job.id)).status).toBe('success');
    const before = await backupsOf(t, job.id);
    expect(before).toHaveLength(2);
    const filesBefore = await diskFiles();
    expect(filesBefore).toHaveLength(4); // two artifacts, two sidecars

    // keep_last 1 would delete the older backup if retention ran after the failed runs.
    await patch(t, `/api/jobs/${job.id}`, {
      database: 'no_such_database_kw',
      destinations: [{ destination: 'disk', retention: { type: 'keep_last', count: 1 } }],
    });
    const missing = await runJob(t, job.id);
    expect(missing.status).toBe('failed');
    expect(missing.error).toMatch(/no_such_database_kw/);
    expect(missing.error).toMatch(/does not exist/);
    expect(missing.backupIds).toEqual([]);
    expect(stepStatus(missing, 'initialize')).toBe('failed');
    expect(stepStatus(missing, 'retention')).toBe('skipped');

    // pg_dump itself exits non-zero half-way: the role may connect but not read the table.
    await create(t, '/api/sources', {
      name: 'pg-limited',
      kind: 'postgres',
      config: { host: '127.0.0.1', user: limitedRole, database: pg.name },
    });
    await patch(t, `/api/jobs/${job.id}`, { database: null, source: 'pg-limited' });
    const denied = await runJob(t, job.id);
    expect(denied.status).toBe('failed');
    expect(denied.error).toMatch(/pg_dump/);
    expect(denied.error).toMatch(/permission denied for table secret/);
    expect(stepStatus(denied, 'initialize')).toBe('done');
    expect(stepStatus(denied, 'dump')).toBe('failed');
    expect(stepStatus(denied, 'retention')).toBe('skipped');
    expect(denied.backupIds).toEqual([]);

    expect((await backupsOf(t, job.id)).map((b) => b.id)).toEqual(before.map((b) => b.id));
    expect(await diskFiles()).toEqual(filesBefore);
    expect(await readdir(path.join(disk, '.keepwatch-partial'))).toEqual([]);
    expect(await readdir(path.join(t.dataDir, 'tmp'))).toEqual([]);
    expect((await t.call('GET', `/api/jobs/${job.id}`)).body.status).toBe('failed');
  });

  it('a wrong MariaDB password fails the run with the server’s message and without the password', async () => {
    await create(t, '/api/sources', {
      name: 'maria-bad',
      kind: 'mysql',
      config: { host: '127.0.0.1', user: my.user, password: 'wrong-password-x', database: my.db },
    });
    const job = await create(t, '/api/jobs', {
      name: 'maria-bad',
      source: 'maria-bad',
      destinations: [{ destination: 'disk' }],
    });
    const filesBefore = await diskFiles();
    const run = await runJob(t, job.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/Access denied/);
    expect(run.error).not.toContain('wrong-password-x');
    expect(await logText(t, run.id)).not.toContain('wrong-password-x');
    expect(await backupsOf(t, job.id)).toEqual([]);
    expect(await diskFiles()).toEqual(filesBefore);
  });

  it('a dump below sizeCheck.minBytes fails as implausibly small; the partial is removed, retention skipped', async () => {
    const job = await create(t, '/api/jobs', {
      name: 'too-small',
      source: 'lite',
      destinations: [{ destination: 'disk' }],
      compression: { algorithm: 'zstd', level: 3 },
      encryptionProfile: 'k',
    });
    for (let i = 0; i < 2; i++) expect((await runJob(t, job.id)).status).toBe('success');
    const before = await backupsOf(t, job.id);
    const filesBefore = await diskFiles();
    await patch(t, `/api/jobs/${job.id}`, {
      sizeCheck: { minBytes: 50_000_000 },
      destinations: [{ destination: 'disk', retention: { type: 'keep_last', count: 1 } }],
    });
    const run = await runJob(t, job.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/implausibly small: \d+ bytes, below the minimum of 50000000/);
    expect(run.bytesRead).toBeGreaterThan(0);
    expect(stepStatus(run, 'upload')).toBe('skipped');
    expect(stepStatus(run, 'retention')).toBe('skipped');
    expect(run.backupIds).toEqual([]);
    expect((await backupsOf(t, job.id)).map((b) => b.id)).toEqual(before.map((b) => b.id));
    expect(await diskFiles()).toEqual(filesBefore);
    expect(await readdir(path.join(disk, '.keepwatch-partial'))).toEqual([]);
  });

  it('a dump far below the median of recent runs fails (minRatio), and retention does not run', async () => {
    const shrink = path.join(t.dataDir, 'shrink.db');
    execFileSync('sqlite3', [
      shrink,
      `create table t (id integer primary key, name text);
       with recursive c(i) as (select 1 union all select i + 1 from c where i < 4000)
         insert into t select i, hex(randomblob(60)) from c;`,
    ]);
    await create(t, '/api/sources', { name: 'shrink', kind: 'sqlite', config: { path: shrink } });
    const job = await create(t, '/api/jobs', {
      name: 'shrinking',
      source: 'shrink',
      destinations: [{ destination: 'disk' }],
      compression: { algorithm: 'gzip', level: 1 },
      sizeCheck: { minRatio: 0.5 },
    });
    expect(job.sizeCheck).toEqual({ minBytes: 1, minRatio: 0.5 });
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const ok = await runJob(t, job.id);
      expect(ok.status).toBe('success');
      sizes.push(ok.bytesRead);
    }
    const before = await backupsOf(t, job.id);
    expect(before).toHaveLength(3);
    const filesBefore = await diskFiles();

    execFileSync('sqlite3', [shrink, 'delete from t where id > 100; vacuum;']);
    await patch(t, `/api/jobs/${job.id}`, {
      destinations: [{ destination: 'disk', retention: { type: 'keep_last', count: 1 } }],
    });
    const run = await runJob(t, job.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(
      /implausibly small: .* against a median of .* over the last 3 successful runs \(threshold 50%\)/,
    );
    expect(run.bytesRead).toBeLessThan(sizes[0]! * 0.5);
    expect(stepStatus(run, 'retention')).toBe('skipped');
    expect((await backupsOf(t, job.id)).map((b) => b.id)).toEqual(before.map((b) => b.id));
    expect(await diskFiles()).toEqual(filesBefore);
    expect(await readdir(path.join(disk, '.keepwatch-partial'))).toEqual([]);
  });

  describe('tampered backups', () => {
    let target = '';
    let targetBefore = '';
    let enc: Backup;
    let plain: Backup;

    beforeAll(async () => {
      target = path.join(t.dataDir, 'target.db');
      execFileSync('sqlite3', [
        target,
        "create table t (id integer primary key, name text); insert into t values (1, 'keep me');",
      ]);
      targetBefore = sqliteFingerprint(target);
      await create(t, '/api/sources', { name: 'target', kind: 'sqlite', config: { path: target } });
      await create(t, '/api/jobs', {
        name: 'tamper-enc',
        source: 'lite',
        destinations: [{ destination: 'disk' }],
        compression: { algorithm: 'zstd', level: 3 },
        encryptionProfile: 'k',
      });
      await create(t, '/api/jobs', {
        name: 'tamper-plain',
        source: 'lite',
        destinations: [{ destination: 'disk' }],
        compression: { algorithm: 'none' },
      });
      const r1 = await runJob(t, 'tamper-enc');
      const r2 = await runJob(t, 'tamper-plain');
      expect([r1.status, r2.status]).toEqual(['success', 'success']);
      enc = (await t.call<Backup>('GET', `/api/backups/${r1.backupIds[0]}`)).body;
      plain = (await t.call<Backup>('GET', `/api/backups/${r2.backupIds[0]}`)).body;
    });

    async function verify(id: number): Promise<Run> {
      const r = await t.call('POST', `/api/backups/${id}/verify`);
      expect(r.status).toBe(201);
      return t.waitForRun(r.body.id);
    }
    async function restoreInto(id: number): Promise<Run> {
      const r = await t.call('POST', `/api/backups/${id}/restore`, { source: 'target' });
      expect(r.status).toBe(201);
      return t.waitForRun(r.body.id);
    }

    it('intact backups verify', async () => {
      expect((await verify(enc.id)).status).toBe('success');
      expect((await verify(plain.id)).status).toBe('success');
    });

    it('a flipped byte in an encrypted file fails verification (authentication) and the restore', async () => {
      const verifiedAt = (await t.call('GET', `/api/backups/${enc.id}`)).body.verifiedAt;
      expect(verifiedAt).not.toBeNull();
      const file = path.join(disk, enc.key);
      const bytes = await readFile(file);
      bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
      await writeFile(file, bytes);
      expect(sha256(bytes)).not.toBe(enc.sha256);

      const v = await verify(enc.id);
      expect(v.status).toBe('failed');
      // Whichever check trips first names it: a chunk's GCM tag or the stored file's SHA-256.
      expect(v.error).toMatch(new RegExp(`backup ${enc.id} failed verification: .*(authentication|SHA-256)`));
      const after = (await t.call('GET', `/api/backups/${enc.id}`)).body;
      expect(after.verifiedAt).toBe(verifiedAt); // a failed check does not refresh it

      const r = await restoreInto(enc.id);
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(/authentication|SHA-256/);
      expect(sqliteFingerprint(target)).toBe(targetBefore);
      expect((await readdir(t.dataDir)).filter((n) => n.startsWith('target.db.restore-'))).toEqual([]);
    });

    it('a changed byte in an unencrypted, uncompressed file fails on the SHA-256, before the restore lands', async () => {
      const file = path.join(disk, plain.key);
      const bytes = await readFile(file);
      // Change a character inside a stored text value: still a valid SQLite file, only the hash tells.
      const at = bytes.indexOf(Buffer.from('row 1234 '));
      expect(at).toBeGreaterThan(0);
      bytes[at + 5] = '9'.charCodeAt(0);
      await writeFile(file, bytes);

      const v = await verify(plain.id);
      expect(v.status).toBe('failed');
      expect(v.error).toMatch(/SHA-256/);

      // The decoded download must not complete as if the file were fine.
      // (the body has started as a 200, so the connection is cut: the client sees an incomplete response)
      await expect(
        t.app.http.inject({
          method: 'GET',
          url: `/api/backups/${plain.id}/download`,
          headers: { authorization: `Bearer ${t.token}` },
        }),
      ).rejects.toThrow(/destroyed before completion/);

      const r = await restoreInto(plain.id);
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(/SHA-256/);
      // The tampered copy must not have replaced the target database.
      expect(sqliteFingerprint(target)).toBe(targetBefore);
    });

    it('a truncated file fails verification and restore', async () => {
      const run = await runJob(t, 'tamper-enc');
      const b = (await t.call<Backup>('GET', `/api/backups/${run.backupIds[0]}`)).body;
      const file = path.join(disk, b.key);
      await truncate(file, b.size - 100);

      const v = await verify(b.id);
      expect(v.status).toBe('failed');
      expect(v.error).toMatch(new RegExp(`${b.size - 100} bytes .*${b.size} were stored`));

      const r = await restoreInto(b.id);
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(/truncated|authentication|SHA-256/);
      expect(sqliteFingerprint(target)).toBe(targetBefore);
    });
  });

  describe('a slow dump (brotli quality 11 on a PostgreSQL table)', () => {
    beforeAll(async () => {
      await pgQuery(
        pg.url,
        `create table big (id int, v text);
         insert into big select i, md5(i::text) || md5((i * 7)::text) from generate_series(1, 300000) i;`,
      );
      await create(t, '/api/jobs', {
        name: 'slow',
        source: 'pg',
        destinations: [{ destination: 'disk' }],
        compression: { algorithm: 'brotli', level: 11 },
      });
    });

    /** pg_dump was stopped, not left running: its session on the source database goes away. */
    async function dumpConnectionsGone(): Promise<void> {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const [row] = await pgQuery<{ n: number }>(
          PG_ADMIN_URL,
          `select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = 'keepwatch'`,
          [pg.name],
        );
        if (row!.n === 0) return;
        if (Date.now() > deadline) throw new Error(`pg_dump still connected to ${pg.name}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }

    it('refuses a second run while one is queued or running (409), and cancels a running run', async () => {
      const filesBefore = await diskFiles();
      const first = await startRun(t, 'slow');
      const second = await t.call('POST', '/api/jobs/slow/run');
      expect(second.status).toBe(409);
      expect(second.body.error.code).toBe('conflict');
      expect(second.body.error.message).toMatch(/already has a (queued|running) run/);

      const running = await waitUntil(t, first.id, (r) => r.status === 'running' && r.bytesRead > 0, 'progress');
      expect(running.step).toBe('dump');
      expect((await t.call('POST', '/api/jobs/slow/run')).status).toBe(409);

      // Another job's run waits behind it (one run at a time); cancelling it ends it at once.
      const queued = await startRun(t, 'tamper-plain');
      expect((await t.call('GET', `/api/runs/${queued.id}`)).body.status).toBe('queued');
      const cq = await t.call('POST', `/api/runs/${queued.id}/cancel`);
      expect(cq.status).toBe(200);
      expect(cq.body.status).toBe('cancelled');
      expect(cq.body.error).toBe('cancelled by admin before it started');
      expect(cq.body.startedAt).toBeNull();

      const c = await t.call('POST', `/api/runs/${first.id}/cancel`);
      expect(c.status).toBe(200);
      expect(c.body.cancelRequested).toBe(true);
      const done = await t.waitForRun(first.id);
      expect(done.status).toBe('cancelled');
      expect(done.error).toMatch(/cancelled/);
      expect(done.backupIds).toEqual([]);
      expect(stepStatus(done, 'dump')).toBe('failed');
      expect(stepStatus(done, 'retention')).toBe('skipped');
      expect(await backupsOf(t, done.jobId)).toEqual([]);
      expect(await diskFiles()).toEqual(filesBefore);
      expect(await readdir(path.join(disk, '.keepwatch-partial'))).toEqual([]);
      expect(await readdir(path.join(t.dataDir, 'tmp'))).toEqual([]);
      await dumpConnectionsGone();
      expect((await t.call('GET', `/api/runs/${queued.id}`)).body.status).toBe('cancelled');
      // Cancelling a finished run is a conflict, not a silent success.
      expect((await t.call('POST', `/api/runs/${first.id}/cancel`)).status).toBe(409);
    });

    it('times out after timeoutSeconds (10 s, the minimum) with nothing stored', async () => {
      await patch(t, '/api/jobs/slow', { timeoutSeconds: 10 });
      const filesBefore = await diskFiles();
      const run = await runJob(t, 'slow');
      expect(run.status).toBe('timed_out');
      expect(run.error).toBe('timed out after 10s');
      expect(run.backupIds).toEqual([]);
      expect(stepStatus(run, 'retention')).toBe('skipped');
      expect(await diskFiles()).toEqual(filesBefore);
      expect(await readdir(path.join(disk, '.keepwatch-partial'))).toEqual([]);
      await dumpConnectionsGone();
    });
  });

  it('a destination that cannot be written: warning, the backup lands on the good one, retention skipped', async () => {
    const blocker = path.join(t.dataDir, 'a-file.txt');
    await writeFile(blocker, 'not a directory');
    await create(t, '/api/destinations', {
      name: 'broken',
      kind: 'local',
      config: { path: path.join(blocker, 'sub') },
    });
    const job = await create(t, '/api/jobs', {
      name: 'half',
      source: 'lite',
      destinations: [{ destination: 'disk' }],
      compression: { algorithm: 'gzip', level: 6 },
    });
    for (let i = 0; i < 2; i++) expect((await runJob(t, job.id)).status).toBe('success');
    await patch(t, `/api/jobs/${job.id}`, {
      destinations: [
        { destination: 'disk', retention: { type: 'keep_last', count: 1 } },
        { destination: 'broken', retention: { type: 'keep_last', count: 1 } },
      ],
    });
    const run = await runJob(t, job.id);
    expect(run.status).toBe('warning');
    expect(run.error).toMatch(
      /stored on 'disk'; failed on 'broken' \(local destination .*a-file\.txt\/sub: cannot create or write there/,
    );
    expect(run.backupIds).toHaveLength(1);
    expect(stepStatus(run, 'retention')).toBe('done');
    expect(await logText(t, run.id)).toContain('retention skipped: not every destination succeeded');
    const backups = await backupsOf(t, job.id);
    expect(backups).toHaveLength(3); // keep_last 1 did not run
    expect(backups.every((b) => b.destination.name === 'disk')).toBe(true);
    const newest = backups.find((b) => b.id === run.backupIds[0])!;
    expect(sha256(await readFile(path.join(disk, newest.key)))).toBe(newest.sha256);
    expect((await t.call('GET', `/api/jobs/${job.id}`)).body.lastRun.status).toBe('warning');
  });

  it('deleting a job keeps its backups: listed, on disk, verifiable and restorable', async () => {
    const job = await create(t, '/api/jobs', {
      name: 'to-delete',
      source: 'lite',
      destinations: [{ destination: 'disk' }],
      encryptionProfile: 'k',
    });
    const run = await runJob(t, job.id);
    expect(run.status).toBe('success');
    const del = await t.call('DELETE', `/api/jobs/${job.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ deleted: true, backupsKept: 1 });
    expect((await t.call('GET', `/api/jobs/${job.id}`)).status).toBe(404);

    const listed = (await t.call<{ items: Backup[] }>('GET', '/api/backups')).body.items.filter(
      (b) => b.jobId === job.id,
    );
    expect(listed).toHaveLength(1);
    const kept = listed[0]!;
    expect(ids(await backupsOf(t, job.id))).toEqual(ids(listed));
    expect((await t.call('GET', '/api/backups?job=to-delete')).status).toBe(404); // names mean live jobs
    expect(kept.jobName).toBe('to-delete');
    const stored = await readFile(path.join(disk, kept.key));
    expect(sha256(stored)).toBe(kept.sha256);

    const v = await t.call('POST', `/api/backups/${kept.id}/verify`);
    expect(v.status).toBe(201);
    const verified = await t.waitForRun(v.body.id);
    expect(verified.error).toBeNull();
    expect(verified.status).toBe('success');

    const copy = path.join(t.dataDir, 'from-deleted-job.db');
    await create(t, '/api/sources', { name: 'copy', kind: 'sqlite', config: { path: copy } });
    const r = await t.call('POST', `/api/backups/${kept.id}/restore`, { source: 'copy' });
    expect(r.status).toBe(201);
    const restored = await t.waitForRun(r.body.id);
    expect(restored.error).toBeNull();
    expect(restored.status).toBe('success');
    expect(sqliteFingerprint(copy)).toBe(sqliteFingerprint(lite));
  });
});
