import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';

describe.each(DIALECTS)('backup job end to end (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('creates resources, runs a job, stores a verified encrypted backup and restores it', async () => {
    const src = path.join(t.dataDir, 'src.db');
    execFileSync('sqlite3', [src, "create table t(a int, b text); insert into t values (1,'hello'),(2,'wörld');"]);
    expect((await t.call('POST', '/api/sources', { name: 's1', kind: 'sqlite', config: { path: src } })).status).toBe(
      201,
    );
    expect(
      (
        await t.call('POST', '/api/destinations', {
          name: 'd1',
          kind: 'local',
          config: { path: path.join(t.dataDir, 'backups') },
        })
      ).status,
    ).toBe(201);
    expect((await t.call('POST', '/api/encryption-profiles', { name: 'main' })).status).toBe(201);
    const job = await t.call('POST', '/api/jobs', {
      name: 'nightly',
      source: 's1',
      destinations: [{ destination: 'd1', retention: { type: 'keep_last', count: 2 } }],
      compression: { algorithm: 'zstd', level: 3 },
      encryptionProfile: 'main',
      schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Paris' },
    });
    expect(job.status).toBe(201);
    expect(job.body.scheduleText).toBe('Every day at 02:00 (Europe/Paris)');
    expect(job.body.nextRunAt).not.toBeNull();

    const run = await t.call('POST', '/api/jobs/nightly/run');
    expect(run.status).toBe(201);
    const done = await t.waitForRun(run.body.id);
    expect(done.status).toBe('success');
    expect(done.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      'initialize:done',
      'dump:done',
      'upload:done',
      'verify:done',
      'complete:done',
      'retention:done',
    ]);
    const backups = await t.call('GET', '/api/backups');
    expect(backups.body.items).toHaveLength(1);
    const b = backups.body.items[0];
    expect(b.encrypted).toBe(true);
    expect(b.key).toMatch(/^default\/nightly\/.*-run\d+\.sqlite\.zst\.kwe$/);
    expect(b.verifiedAt).not.toBeNull();

    const target = path.join(t.dataDir, 'restored.db');
    expect(
      (await t.call('POST', '/api/sources', { name: 'target', kind: 'sqlite', config: { path: target } })).status,
    ).toBe(201);
    const restore = await t.call('POST', `/api/backups/${b.id}/restore`, { source: 'target' });
    expect(restore.status).toBe(201);
    const restored = await t.waitForRun(restore.body.id);
    expect(restored.error).toBeNull();
    expect(restored.status).toBe('success');
    expect(execFileSync('sqlite3', [target, 'select a, b from t order by a'], { encoding: 'utf8' })).toBe(
      '1|hello\n2|wörld\n',
    );
  });
});
