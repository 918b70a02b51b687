import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfigFromEnv } from '../../src/config/app-config.js';
import { ADMIN_PASSWORD, DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const PUBLIC_URL = 'https://keepwatch.example.com';

async function until(fn: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Heartbeat-fed monitored jobs (contract: "Heartbeats"): a job created through the API gets a
 * ping URL (shown to admins and operators only); /ping/<token>[/start|/fail] records runs without
 * sign-in, keeps the body as the run's log, completes a started run, survives a restart while a
 * run is open, answers 404 for unknown tokens and is rate-limited.
 */
for (const dialect of DIALECTS) {
  describe(`heartbeats (${dialect})`, () => {
    let t: TestApp;
    let customerId: number;
    let job: Json;
    let token: string;

    const ok = async (method: string, url: string, body?: unknown, tok?: string) => {
      const res = await t.call(method, url, body, tok);
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const ping = (app: App, url: string, opts: { method?: 'GET' | 'POST'; body?: string; type?: string } = {}) =>
      app.http.inject({
        method: opts.method ?? 'GET',
        url,
        ...(opts.body !== undefined
          ? { payload: opts.body, headers: { 'content-type': opts.type ?? 'text/plain' } }
          : {}),
      });
    const runsOf = async (jobId: number) => (await ok('GET', `/api/runs?jobId=${jobId}`)).items as Json[];
    const logsOf = async (runId: number) =>
      ((await ok('GET', `/api/runs/${runId}/logs`)).items as Json[]).map((l) => l.message);

    beforeAll(async () => {
      t = await startTestApp(dialect, { KEEPWATCH_PUBLIC_URL: PUBLIC_URL });
      customerId = (await ok('POST', '/api/customers', { name: 'Heartbeat Co' })).id;
      job = await ok('POST', '/api/jobs', {
        kind: 'monitored',
        feed: 'heartbeat',
        name: 'nightly-script',
        customerId,
        description: 'cron on host A',
      });
      token = job.monitor.pingUrl.split('/ping/')[1];
    });
    afterAll(async () => t?.close());

    it('creates a heartbeat job with a ping URL under the public URL, shown only to admins and operators', async () => {
      expect(job).toMatchObject({
        kind: 'monitored',
        name: 'nightly-script',
        description: 'cron on host A',
        monitor: { feed: 'heartbeat' },
      });
      expect(job.monitor.pingUrl).toMatch(
        /^https:\/\/keepwatch\.example\.com\/ping\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      const viewer = await t.userToken(`hb-viewer-${dialect}`, 'viewer', { customerIds: [customerId] });
      const operator = await t.userToken(`hb-operator-${dialect}`, 'operator', { customerIds: [customerId] });
      expect((await ok('GET', `/api/jobs/${job.id}`, undefined, viewer)).monitor).toMatchObject({
        feed: 'heartbeat',
        pingUrl: null,
      });
      const listed = (await ok('GET', '/api/jobs?kind=monitored', undefined, viewer)).items as Json[];
      expect(listed.map((j) => j.monitor.pingUrl)).toEqual([null]);
      expect((await ok('GET', `/api/jobs/${job.id}`, undefined, operator)).monitor.pingUrl).toBe(job.monitor.pingUrl);
      // The token never reaches the audit log.
      const audit = await t.app.repos.db.kysely.selectFrom('audit_log').select(['after']).execute();
      expect(audit.map((a) => a.after ?? '').join('\n')).not.toContain(token);
    });

    it('refuses e-mail monitored jobs and backup-only settings through the API', async () => {
      const email = await t.call('POST', '/api/jobs', { kind: 'monitored', feed: 'email', name: 'x', customerId });
      expect(email.status).toBe(400);
      expect(email.body.error.message).toMatch(/approving a message in the Inbox/);
      const extra = await t.call('POST', '/api/jobs', {
        kind: 'monitored',
        feed: 'heartbeat',
        name: 'y',
        customerId,
        sourceId: 1,
      });
      expect(extra.status).toBe(400);
      expect(extra.body.error.message).toContain('job.sourceId');
      const dup = await t.call('POST', '/api/jobs', {
        kind: 'monitored',
        feed: 'heartbeat',
        name: 'nightly-script',
        customerId,
      });
      expect(dup.status).toBe(409);
    });

    it('a success ping without a start records a finished run; unknown tokens answer 404 in plain text', async () => {
      const res = await ping(t.app, `/ping/${token}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toBe('OK');
      const [run] = await runsOf(job.id);
      expect(run).toMatchObject({ status: 'success', operation: 'report', trigger: 'heartbeat', jobId: job.id });
      expect(run.startedAt).toBe(run.finishedAt);
      expect(run.startedAt).not.toBeNull();

      const unknown = await ping(t.app, '/ping/00000000-0000-4000-8000-000000000000');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.body).toBe('not found');
      expect((await ping(t.app, '/ping/nope/fail', { method: 'POST' })).statusCode).toBe(404);
      expect((await runsOf(job.id)).length).toBe(1);
    });

    it('start then success completes the same run and keeps both bodies as log lines', async () => {
      const started = await ping(t.app, `/ping/${token}/start`, { method: 'POST', body: 'starting backup of /srv' });
      expect(started.statusCode).toBe(200);
      const [open] = await runsOf(job.id);
      expect(open).toMatchObject({ status: 'running', finishedAt: null });
      expect((await ok('GET', `/api/jobs/${job.id}`)).status).toBe('running');

      const done = await ping(t.app, `/ping/${token}`, {
        method: 'POST',
        body: 'copied 12 files\r\nall good\n\n',
        type: 'application/x-www-form-urlencoded',
      });
      expect(done.statusCode).toBe(200);
      const runs = await runsOf(job.id);
      expect(runs.length).toBe(2);
      expect(runs[0]).toMatchObject({ id: open.id, status: 'success', error: null });
      expect(Date.parse(runs[0].finishedAt)).toBeGreaterThanOrEqual(Date.parse(runs[0].startedAt));
      expect(await logsOf(open.id)).toEqual([
        'start ping received',
        'starting backup of /srv',
        'success ping received',
        'copied 12 files',
        'all good',
      ]);
    });

    it('start then fail completes the run as failed; a fail without a start is a failed run', async () => {
      await ping(t.app, `/ping/${token}/start`);
      const fail = await ping(t.app, `/ping/${token}/fail`, {
        method: 'POST',
        body: JSON.stringify({ exit: 3 }),
        type: 'application/json',
      });
      expect(fail.statusCode).toBe(200);
      const [run] = await runsOf(job.id);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/reported a failure/);
      expect(await logsOf(run.id)).toEqual(['start ping received', 'fail ping received', '{"exit":3}']);

      await ping(t.app, `/ping/${token}/fail`);
      const [alone] = await runsOf(job.id);
      expect(alone.id).not.toBe(run.id);
      expect(alone).toMatchObject({ status: 'failed', trigger: 'heartbeat' });
      expect((await ok('GET', `/api/jobs/${job.id}`)).status).toBe('failed');
    });

    it('a second start fails the run that never reported how it ended', async () => {
      await ping(t.app, `/ping/${token}/start`);
      const [first] = await runsOf(job.id);
      await ping(t.app, `/ping/${token}/start`);
      const [second, previous] = await runsOf(job.id);
      expect(previous.id).toBe(first.id);
      expect(previous.status).toBe('failed');
      expect(previous.error).toMatch(/before the next start/);
      expect(second.status).toBe('running');
      await ping(t.app, `/ping/${token}`);
      expect((await runsOf(job.id))[0]).toMatchObject({ id: second.id, status: 'success' });
    });

    it('keeps at most 100 KB of a body and says it was cut', async () => {
      const big = 'x'.repeat(1000) + '\n';
      const res = await ping(t.app, `/ping/${token}`, { method: 'POST', body: big.repeat(150) });
      expect(res.statusCode).toBe(200);
      const [run] = await runsOf(job.id);
      const lines = await logsOf(run.id);
      expect(lines.at(-1)).toMatch(/body truncated/);
      const kept = lines.slice(1, -1).join('\n').length;
      expect(kept).toBeLessThanOrEqual(100 * 1024);
      expect(kept).toBeGreaterThan(99 * 1024);
    });

    it('rate-limits pings per token and address', async () => {
      const other = await ok('POST', '/api/jobs', { kind: 'monitored', feed: 'heartbeat', name: 'chatty', customerId });
      const url = new URL(other.monitor.pingUrl).pathname;
      const codes: number[] = [];
      for (let i = 0; i < 62; i++) codes.push((await ping(t.app, url)).statusCode);
      expect(codes.slice(0, 60).every((c) => c === 200)).toBe(true);
      expect(codes.at(-1)).toBe(429);
      // Another token from the same address is not affected.
      expect((await ping(t.app, `/ping/${token}`)).statusCode).toBe(200);
    });

    it('a deleted job stops answering pings', async () => {
      const gone = await ok('POST', '/api/jobs', {
        kind: 'monitored',
        feed: 'heartbeat',
        name: 'to-delete',
        customerId,
      });
      const url = new URL(gone.monitor.pingUrl).pathname;
      expect((await ping(t.app, url)).statusCode).toBe(200);
      await ok('DELETE', `/api/jobs/${gone.id}`);
      expect((await ping(t.app, url)).statusCode).toBe(404);
    });

    it("a completed heartbeat sends the job's notifications like any other run", async () => {
      const received: Json[] = [];
      const server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          received.push(JSON.parse(body));
          res.end('ok');
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const port = (server.address() as AddressInfo).port;
        const channel = await ok('POST', '/api/notification-channels', {
          name: 'hook',
          kind: 'webhook',
          customerId,
          config: { url: `http://127.0.0.1:${port}/hook` },
        });
        const hb = await ok('POST', '/api/jobs', {
          kind: 'monitored',
          feed: 'heartbeat',
          name: 'notified',
          customerId,
        });
        // Monitored jobs have no editing route for subscriptions yet: subscribe in the database.
        await t.app.repos.jobs.replaceNotifications(hb.id, [{ channel_id: channel.id, condition: 'failure' }]);
        const url = new URL(hb.monitor.pingUrl).pathname;
        await ping(t.app, `${url}/start`);
        await ping(t.app, url);
        await ping(t.app, `${url}/fail`, { method: 'POST', body: 'disk full' });
        const deadline = Date.now() + 10_000;
        while (!received.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        // Only the failure matches the subscription; the success before it sent nothing.
        await new Promise((r) => setTimeout(r, 200));
        expect(received).toHaveLength(1);
        expect(JSON.stringify(received[0])).toContain('notified');
        expect(JSON.stringify(received[0])).toContain('failed');
        const [run] = await runsOf(hb.id);
        await until(async () => (await logsOf(run.id)).some((l) => l.startsWith('notification sent')));
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    });

    it('an open run survives a server restart (crash recovery leaves it alone) and completes afterwards', async () => {
      await ping(t.app, `/ping/${token}/start`);
      const [open] = await runsOf(job.id);
      expect(open.status).toBe('running');
      await t.app.close();
      const config = loadConfigFromEnv({
        KEEPWATCH_DATA: t.dataDir,
        KEEPWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD,
        KEEPWATCH_SECRET: 'test-master-key-material-0123456789',
        KEEPWATCH_PUBLIC_URL: PUBLIC_URL,
        LOG_LEVEL: 'silent',
        ...(t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : {}),
      });
      const again = await createApp(config, { logger: pino({ level: 'silent' }) });
      try {
        const row = await again.repos.runs.get(open.id);
        expect(row?.status).toBe('running');
        expect((await ping(again, `/ping/${token}`)).statusCode).toBe(200);
        expect((await again.repos.runs.get(open.id))?.status).toBe('success');
      } finally {
        await again.close();
      }
    });
  });
}
