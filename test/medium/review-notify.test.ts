/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are checked by the tests, not typed here */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Two promises of the review workflow that sit between its parts: a failure an override
 * accepts notifies as the success it counts as (not as a failure), and a system task that went
 * well is reviewed as it ends so Run Checks can be emptied.
 */
const report = (id: string, subject: string) =>
  Buffer.from(
    [
      'From: NAS <backup@acme.test>',
      'To: reports@keepwatch.test',
      `Subject: ${subject}`,
      'Date: Sat, 21 Nov 2026 02:00:00 +0000',
      `Message-ID: <${id}@acme.test>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Sync ended: target share full.',
      '',
    ].join('\r\n'),
  ).toString('base64');

for (const dialect of DIALECTS) {
  describe(`review: notifications and system runs (${dialect})`, () => {
    let t: TestApp;
    let hook: Server;
    const hits: { path: string; body: any }[] = [];
    const ok = async (method: string, url: string, body?: unknown) => {
      const res = await t.call(method, url, body);
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const until = async (what: string, fn: () => boolean | Promise<boolean>) => {
      for (let i = 0; i < 200; i++) {
        if (await fn()) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`timed out waiting for ${what}`);
    };

    beforeAll(async () => {
      t = await startTestApp(dialect);
      hook = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (b: Buffer) => chunks.push(b));
        req.on('end', () => {
          hits.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await t?.close();
      hook?.closeAllConnections();
      await new Promise<void>((resolve) => (hook ? hook.close(() => resolve()) : resolve()));
    });

    it('notifies an overridden failure as a success', async () => {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
      const customer = (await ok('POST', '/api/customers', { name: 'Acme' })).id;
      const first = await ok('POST', '/api/mail/import', {
        files: [{ name: '1.eml', content: report('r1', '[Failed] Nightly sync') }],
      });
      const approved = await ok('POST', `/api/inbox/${first.results[0].mailId}/approve`, { customerId: customer });
      const jobId = approved.job.id;
      for (const [name, condition] of [
        ['hook-failure', 'failure'],
        ['hook-success', 'success'],
      ]) {
        const ch = await ok('POST', '/api/notification-channels', {
          name,
          customerId: customer,
          kind: 'webhook',
          config: { url: `${url}/${condition}` },
        });
        await t.app.repos.jobs.replaceNotifications(
          jobId,
          [
            ...(await t.app.repos.jobs.notifications(jobId)),
            { job_id: jobId, channel_id: ch.id, condition } as any,
          ].map((n: any) => ({ channel_id: n.channel_id, condition: n.condition })),
        );
      }

      // Without an override, the next failed report notifies the failure channel.
      const second = await ok('POST', '/api/mail/import', {
        files: [{ name: '2.eml', content: report('r2', '[Failed] Nightly sync') }],
      });
      expect(second.results[0].outcome).toBe('linked');
      await until('the failure notification', () => hits.some((h) => h.path === '/failure'));
      expect(hits.filter((h) => h.path === '/success')).toEqual([]);

      // With one, the same report counts as a success and notifies as one, saying why.
      await ok('POST', '/api/overrides', { jobId, statuses: ['failed'], comment: 'share is known to be full' });
      hits.length = 0;
      const third = await ok('POST', '/api/mail/import', {
        files: [{ name: '3.eml', content: report('r3', '[Failed] Nightly sync') }],
      });
      const run = await ok('GET', `/api/runs/${third.results[0].runId}`);
      expect(run).toMatchObject({ status: 'failed', effectiveStatus: 'success', overridden: true });
      await until('the success notification', () => hits.some((h) => h.path === '/success'));
      expect(hits.filter((h) => h.path === '/failure')).toEqual([]);
      const sent = hits.find((h) => h.path === '/success')!.body;
      expect(JSON.stringify(sent)).toMatch(/override/i);
    });

    it('reviews a successful system run as it ends, and keeps it out of Run Checks', async () => {
      const jobs = (await ok('GET', '/api/jobs?kind=system&pageSize=100')).items as any[];
      const cleanup = jobs.find((j) => j.task === 'temp_cleanup');
      expect(cleanup).toBeTruthy();
      const queued = await ok('POST', `/api/jobs/${cleanup.id}/run`);
      const done = await t.waitForRun(queued.id);
      expect(done.status).toBe('success');
      expect((await ok('GET', `/api/runs/${queued.id}`)).reviewedAt).not.toBeNull();
      const checks = await ok('GET', '/api/run-checks?pageSize=100');
      expect((checks.items as any[]).map((i) => i.job.id)).not.toContain(cleanup.id);
    });
  });
}
