import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfigFromEnv } from '../../src/config/app-config.js';
import { ADMIN_PASSWORD, DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';
import { veeamMail } from '../helpers/report-mails.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const FROM_REPORT = 'software, type, job name and sender come from the report and cannot be edited';
const HOUR = 3_600_000;

/**
 * Editing monitored jobs (contract: "Monitored jobs", "Heartbeats"): PATCH takes only name,
 * description, enabled, notifications (and maxRunSeconds on heartbeat jobs) and refuses the
 * rest with a message saying why; Run now is refused; an open heartbeat run can be cancelled
 * and fails once it is older than its job's limit — at the job's next ping or in the recovery
 * sweep.
 */
describe.each(DIALECTS)('editing monitored jobs (%s)', (dialect) => {
  let t: TestApp;
  let acme: number;
  let bolt: number;
  let channel: number;
  let boltChannel: number;
  let email: Json;
  let hb: Json;

  const ok = async (method: string, url: string, body?: unknown): Promise<Json> => {
    const res = await t.call(method, url, body);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const ping = (app: App, url: string) => app.http.inject({ method: 'GET', url });
  const runsOf = async (jobId: number) => (await ok('GET', `/api/runs?jobId=${jobId}`)).items as Json[];
  const pathOf = (job: Json) => new URL(job.monitor.pingUrl).pathname;
  /** Moves a run's start back in time, as if the start ping had come `ms` earlier. */
  const ageRun = (runId: number, ms: number) =>
    t.app.repos.runs.transition(runId, ['running'], { started_at: Date.now() - ms, queued_at: Date.now() - ms });

  beforeAll(async () => {
    t = await startTestApp(dialect, { KEEPWATCH_PUBLIC_URL: 'https://kw.example.com' });
    acme = (await ok('POST', '/api/customers', { name: 'Acme' })).id;
    bolt = (await ok('POST', '/api/customers', { name: 'Bolt' })).id;
    const hook = { kind: 'webhook', config: { url: 'http://127.0.0.1:9/hook' } };
    channel = (await ok('POST', '/api/notification-channels', { ...hook, name: 'ops', customerId: acme })).id;
    boltChannel = (await ok('POST', '/api/notification-channels', { ...hook, name: 'bolt', customerId: bolt })).id;
    const imported = await ok('POST', '/api/mail/import', {
      files: [{ name: 'r.eml', content: veeamMail({ jobName: 'Nightly VMs' }).toString('base64') }],
    });
    email = (await ok('POST', `/api/inbox/${imported.results[0].mailId}/approve`, { customerId: acme })).job;
    hb = await ok('POST', '/api/jobs', { kind: 'monitored', feed: 'heartbeat', name: 'rsync', customerId: acme });
  });
  afterAll(async () => t?.close());

  it('edits name, description, enabled and notifications of an e-mail job, audited', async () => {
    expect(email.monitor.maxRunSeconds).toBeNull();
    const edited = await ok('PATCH', `/api/jobs/${email.id}`, {
      name: 'Nightly VMs (site A)',
      description: 'all production VMs',
      enabled: false,
      notifications: [
        { channelId: channel, condition: 'failure' },
        { channel: 'ops', condition: 'missed' },
      ],
    });
    expect(edited).toMatchObject({
      id: email.id,
      kind: 'monitored',
      name: 'Nightly VMs (site A)',
      description: 'all production VMs',
      enabled: false,
      software: email.software,
      backupType: email.backupType,
      monitor: { feed: 'email', sender: email.monitor.sender, jobName: 'Nightly VMs' },
    });
    expect(edited.notifications).toEqual([
      { channel: { id: channel, name: 'ops', kind: 'webhook' }, condition: 'failure' },
      { channel: { id: channel, name: 'ops', kind: 'webhook' }, condition: 'missed' },
    ]);
    const audit = await t.app.db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'job')
      .where('entity_id', '=', String(email.id))
      .where('action', '=', 'update')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.before)).toContain('Nightly VMs');
    expect(JSON.stringify(audit[0]!.after)).toContain('all production VMs');

    // Still matched by its report criteria: a new report of the same job is linked to it.
    // (A success: no subscription above asks for it, so nothing is sent to the unreachable hook.)
    const next = await ok('POST', '/api/mail/import', {
      files: [{ name: 'r2.eml', content: veeamMail({ jobName: 'Nightly VMs' }).toString('base64') }],
    });
    expect(next.results[0]).toMatchObject({ outcome: 'linked', jobId: email.id });

    const back = await ok('PATCH', `/api/jobs/${email.id}`, { enabled: true, notifications: [] });
    expect(back).toMatchObject({ enabled: true, notifications: [], name: 'Nightly VMs (site A)' });
  });

  it('refuses a name another job of the customer has (409), but not its own name', async () => {
    const dup = await t.call('PATCH', `/api/jobs/${email.id}`, { name: 'rsync' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toMatch(/'rsync' already exists for customer 'Acme'/);
    expect((await t.call('PATCH', `/api/jobs/${email.id}`, { name: 'Nightly VMs (site A)' })).status).toBe(200);
  });

  it('refuses settings monitored jobs do not have, naming the field and why', async () => {
    const cases: Record<string, unknown>[] = [
      { sourceId: 1 },
      { source: 'db' },
      { destinations: [{ destinationId: 1 }] },
      { schedule: { type: 'manual' } },
      { compression: { algorithm: 'zstd' } },
      { timeoutSeconds: 60 },
      { software: 'Other' },
      { backupType: 'Replica' },
      { jobName: 'renamed' },
      { sender: 'x@example.com' },
      { subjectPattern: '*' },
    ];
    for (const body of cases) {
      const res = await t.call('PATCH', `/api/jobs/${email.id}`, { description: 'no', ...body });
      const field = Object.keys(body)[0]!;
      expect(res.status, field).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toContain(`job.${field}`);
      expect(res.body.error.message).toContain(FROM_REPORT);
    }
    const move = await t.call('PATCH', `/api/jobs/${email.id}`, { customerId: bolt });
    expect(move.status).toBe(400);
    expect(move.body.error.message).toMatch(/job\.customerId cannot be changed.*delete the job.*Inbox.*approve/);
    const limit = await t.call('PATCH', `/api/jobs/${email.id}`, { maxRunSeconds: 3600 });
    expect(limit.status).toBe(400);
    expect(limit.body.error.message).toMatch(/maxRunSeconds applies to heartbeat jobs only/);
    // Nothing of the refused requests was applied.
    expect((await ok('GET', `/api/jobs/${email.id}`)).description).toBe('all production VMs');
  });

  it('validates notifications like for backup jobs', async () => {
    const bad = await t.call('PATCH', `/api/jobs/${email.id}`, {
      notifications: [{ channelId: channel, condition: 'sometimes' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/notifications\[0\]\.condition must be one of .*missed/);
    const other = await t.call('PATCH', `/api/jobs/${email.id}`, {
      notifications: [{ channelId: boltChannel, condition: 'always' }],
    });
    expect(other.status).toBe(400);
    expect(other.body.error.message).toMatch(/belongs to another customer/);
    const missing = await t.call('PATCH', `/api/jobs/${email.id}`, { notifications: [{ condition: 'always' }] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/notifications\[0\]\.channel is required/);
  });

  it('refuses Run now on monitored jobs without queueing anything', async () => {
    for (const job of [email, hb]) {
      const before = (await runsOf(job.id)).length;
      const res = await t.call('POST', `/api/jobs/${job.id}/run`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/monitored jobs are run by the product that reports them/);
      expect((await runsOf(job.id)).length).toBe(before);
    }
  });

  it('sets maxRunSeconds on a heartbeat job (60 s to 7 days, default 24 h)', async () => {
    expect(hb.monitor.maxRunSeconds).toBe(86_400);
    for (const v of [59, 604_801]) {
      const res = await t.call('PATCH', `/api/jobs/${hb.id}`, { maxRunSeconds: v });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/maxRunSeconds must be a whole number of seconds from 60/);
    }
    const edited = await ok('PATCH', `/api/jobs/${hb.id}`, { maxRunSeconds: 3600, description: 'backup of /srv' });
    expect(edited.monitor).toMatchObject({ feed: 'heartbeat', maxRunSeconds: 3600 });
    expect(edited.monitor.pingUrl).toBe(hb.monitor.pingUrl);
    expect(edited.description).toBe('backup of /srv');
    // The ping URL keeps working after an edit.
    expect((await ping(t.app, pathOf(hb))).statusCode).toBe(200);
    const move = await t.call('PATCH', `/api/jobs/${hb.id}`, { customerId: bolt });
    expect(move.status).toBe(400);
    expect(move.body.error.message).toMatch(/delete the job and create it again/);
  });

  it('cancels an open heartbeat run at once; the next ping records a run of its own', async () => {
    await ping(t.app, `${pathOf(hb)}/start`);
    const [open] = await runsOf(hb.id);
    expect(open.status).toBe('running');
    const cancelled = await ok('POST', `/api/runs/${open.id}/cancel`);
    expect(cancelled).toMatchObject({ id: open.id, status: 'cancelled' });
    expect(cancelled.finishedAt).not.toBeNull();
    expect(cancelled.error).toMatch(/cancelled by admin/);
    expect((await t.call('POST', `/api/runs/${open.id}/cancel`)).status).toBe(409);
    await ping(t.app, pathOf(hb));
    const [next, previous] = await runsOf(hb.id);
    expect(previous).toMatchObject({ id: open.id, status: 'cancelled' });
    expect(next).toMatchObject({ status: 'success', trigger: 'heartbeat' });
  });

  it('a start completed within the limit succeeds; past the limit the next ping fails it first', async () => {
    await ping(t.app, `${pathOf(hb)}/start`);
    const [inTime] = await runsOf(hb.id);
    await ageRun(inTime.id, HOUR - 60_000);
    await ping(t.app, pathOf(hb));
    expect((await ok('GET', `/api/runs/${inTime.id}`)).status).toBe('success');

    await ping(t.app, `${pathOf(hb)}/start`);
    const [late] = await runsOf(hb.id);
    await ageRun(late.id, HOUR + 60_000);
    await ping(t.app, pathOf(hb));
    const expired = await ok('GET', `/api/runs/${late.id}`);
    expect(expired).toMatchObject({ status: 'failed', error: 'no completion ping within 1h' });
    // It ended when the limit passed, not when the ping noticed.
    expect(Date.parse(expired.finishedAt) - Date.parse(expired.startedAt)).toBe(HOUR);
    const logs = (await ok('GET', `/api/runs/${late.id}/logs`)).items.map((l: Json) => l.message);
    expect(logs.at(-1)).toMatch(/no success or failure ping arrived within 1h/);
    const [own] = await runsOf(hb.id);
    expect(own.id).not.toBe(late.id);
    expect(own).toMatchObject({ status: 'success', trigger: 'heartbeat' });
    expect(own.startedAt).toBe(own.finishedAt);

    // A start after an expired one opens a new run normally.
    await ping(t.app, `${pathOf(hb)}/start`);
    const [again] = await runsOf(hb.id);
    await ageRun(again.id, 2 * HOUR);
    await ping(t.app, `${pathOf(hb)}/start`);
    expect((await ok('GET', `/api/runs/${again.id}`)).error).toBe('no completion ping within 1h');
    const [fresh] = await runsOf(hb.id);
    expect(fresh.status).toBe('running');
    await ping(t.app, `${pathOf(hb)}/fail`);
    expect((await ok('GET', `/api/runs/${fresh.id}`)).status).toBe('failed');
  });

  it('the recovery sweep fails open heartbeat runs past their limit and leaves the others open', async () => {
    const other = await ok('POST', '/api/jobs', { kind: 'monitored', feed: 'heartbeat', name: 'db', customerId: acme });
    await ping(t.app, `${pathOf(hb)}/start`);
    await ping(t.app, `${pathOf(other)}/start`);
    const [overdue] = await runsOf(hb.id);
    const [young] = await runsOf(other.id);
    await ageRun(overdue.id, 3 * HOUR);
    // 23 h: within the default 24 h.
    await ageRun(young.id, 23 * HOUR);
    // The sweep runs at start and every few seconds: restart on the same database to run it now.
    await t.app.close();
    const again = await createApp(
      loadConfigFromEnv({
        KEEPWATCH_DATA: t.dataDir,
        KEEPWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD,
        KEEPWATCH_SECRET: 'test-master-key-material-0123456789',
        LOG_LEVEL: 'silent',
        ...(t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : {}),
      }),
      { logger: pino({ level: 'silent' }) },
    );
    try {
      const failed = await again.repos.runs.get(overdue.id);
      expect(failed).toMatchObject({ status: 'failed', error: 'no completion ping within 1h' });
      expect(failed!.finished_at! - failed!.started_at!).toBe(HOUR);
      expect((await again.repos.runs.get(young.id))?.status).toBe('running');
      // The open one still completes with its ping.
      expect((await ping(again, `${pathOf(other)}`)).statusCode).toBe(200);
      expect((await again.repos.runs.get(young.id))?.status).toBe('success');
    } finally {
      await again.close();
    }
  });
});
