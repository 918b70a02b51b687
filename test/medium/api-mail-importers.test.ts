import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const IMAP_PASSWORD = 'imap-S3cret-Pa55word!';
const IMAP_PASSWORD_2 = 'imap-N3w-S3cret-Pa55!';
const GRAPH_SECRET = 'graph-Cl1ent-S3cret~value';
const SMTP_PASSWORD = 'smtp-Recv-S3cret-42';
const SECRETS = [IMAP_PASSWORD, IMAP_PASSWORD_2, GRAPH_SECRET, SMTP_PASSWORD];

/** A port nobody listens on (connection refused at once) and a free one to listen on. */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Mail importer configuration (contract: "Mail importers"): CRUD with write-only secrets sealed
 * at rest and kept out of answers and the audit log, admin-only writes, "Import now" as a run of
 * the mail_import system job (409 while one is active), the connection test, the SMTP receiver's
 * listener following its importer, the mail_import job parked while nothing is to be polled, and
 * the read-only parsers list. Workers and scheduler are off here so queued runs stay queued (the
 * runs themselves are exercised in mail-import-job.test.ts).
 */
for (const dialect of DIALECTS) {
  describe(`mail importers API (${dialect})`, () => {
    let t: TestApp;
    let imap: Json;
    let refusedPort: number;
    const imapConfig = () => ({
      host: '127.0.0.1',
      port: refusedPort,
      tls: false,
      username: 'reports@example.com',
      password: IMAP_PASSWORD,
    });

    const ok = async (method: string, url: string, body?: unknown, tok?: string) => {
      const res = await t.call(method, url, body, tok);
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const mailJob = async () =>
      ((await ok('GET', '/api/jobs?kind=system')).items as Json[]).find((j) => j.task === 'mail_import');

    beforeAll(async () => {
      t = await startTestApp(dialect, { KEEPWATCH_WORKERS: 'false', KEEPWATCH_SCHEDULER: 'false' });
      refusedPort = await freePort();
    });
    afterAll(async () => t?.close());

    it('the mail_import system job exists and is parked while no importer is to be polled', async () => {
      const job = await mailJob();
      expect(job).toMatchObject({ kind: 'system', name: 'Mail import', enabled: true, nextRunAt: null });
      expect(job.scheduleText).toMatch(/Automatic/);
    });

    it('creates an IMAP importer with defaults; the password is write-only and sealed at rest', async () => {
      const res = await t.call('POST', '/api/mail-importers', {
        name: 'Reports mailbox',
        kind: 'imap',
        config: imapConfig(),
      });
      expect(res.status).toBe(201);
      imap = res.body;
      expect(imap).toMatchObject({
        name: 'Reports mailbox',
        kind: 'imap',
        enabled: true,
        intervalMinutes: 15,
        config: {
          host: '127.0.0.1',
          port: refusedPort,
          tls: false,
          username: 'reports@example.com',
          folder: 'INBOX',
          processedFolder: 'Processed',
        },
        hasSecret: { password: true },
        lastImportAt: null,
        lastError: null,
      });
      expect(imap.config.password).toBeUndefined();
      // Enabled and never polled: the mail_import job now fires (at once).
      const job = await mailJob();
      expect(job.nextRunAt).not.toBeNull();
      expect(Date.parse(job.nextRunAt)).toBeLessThanOrEqual(Date.now() + 60_000);

      const row = await t.app.repos.db.kysely
        .selectFrom('mail_importers')
        .selectAll()
        .where('id', '=', imap.id)
        .executeTakeFirstOrThrow();
      expect(row.secrets).toBeTruthy();
      expect(row.secrets).not.toContain(IMAP_PASSWORD);
      expect(row.config).not.toContain(IMAP_PASSWORD);
    });

    it('validates kind, interval, settings and secrets, naming the field', async () => {
      const bad = async (body: unknown, pattern: RegExp, status = 400) => {
        const res = await t.call('POST', '/api/mail-importers', body);
        expect(res.status).toBe(status);
        expect(res.body.error.message).toMatch(pattern);
      };
      await bad({ name: 'x', kind: 'pop3', config: {} }, /kind/);
      await bad({ name: 'x', kind: 'imap', intervalMinutes: 10, config: imapConfig() }, /intervalMinutes/);
      await bad(
        { name: 'x', kind: 'imap', config: { ...imapConfig(), password: undefined } },
        /imap\.password is required/,
      );
      await bad({ name: 'x', kind: 'imap', config: { ...imapConfig(), port: 70000 } }, /imap\.port/);
      await bad(
        { name: 'x', kind: 'imap', config: { ...imapConfig(), colour: 'red' } },
        /imap\.colour is not a known setting/,
      );
      await bad({ name: 'x', kind: 'graph', config: { mailbox: 'r@example.com', clientSecret: 's' } }, /graph\./);
      await bad({ name: 'x', kind: 'smtp', config: { port: 2525, username: 'u' } }, /smtp\.password is required/);
      await bad({ name: 'Reports mailbox', kind: 'imap', config: imapConfig() }, /already exists/, 409);
    });

    it('updates without the password keeps it; a new one replaces it; clearing a required one is refused', async () => {
      const renamed = await ok('PATCH', `/api/mail-importers/${imap.id}`, {
        name: 'Reports',
        intervalMinutes: 5,
        config: { host: '127.0.0.1', port: refusedPort, tls: false, username: 'other@example.com' },
      });
      expect(renamed).toMatchObject({
        name: 'Reports',
        intervalMinutes: 5,
        config: { username: 'other@example.com' },
        hasSecret: { password: true },
      });
      const before = await t.app.repos.mailImporters.get(imap.id);
      await ok('PATCH', `/api/mail-importers/${imap.id}`, { config: { ...imapConfig(), password: IMAP_PASSWORD_2 } });
      const after = await t.app.repos.mailImporters.get(imap.id);
      expect(after!.secrets).not.toBe(before!.secrets);
      const cleared = await t.call('PATCH', `/api/mail-importers/${imap.id}`, {
        config: { ...imapConfig(), password: null },
      });
      expect(cleared.status).toBe(400);
      expect(cleared.body.error.message).toMatch(/imap\.password is required/);
      const kind = await t.call('PATCH', `/api/mail-importers/${imap.id}`, { kind: 'graph' });
      expect(kind.status).toBe(400);
    });

    it('creates a Graph importer with its client secret write-only', async () => {
      const graph = await ok('POST', '/api/mail-importers', {
        name: 'M365',
        kind: 'graph',
        enabled: false,
        intervalMinutes: 60,
        config: {
          tenantId: '11111111-2222-3333-4444-555555555555',
          clientId: '66666666-7777-8888-9999-000000000000',
          mailbox: 'backups@example.com',
          clientSecret: GRAPH_SECRET,
        },
      });
      expect(graph).toMatchObject({
        kind: 'graph',
        enabled: false,
        intervalMinutes: 60,
        config: { mailbox: 'backups@example.com' },
        hasSecret: { clientSecret: true },
      });
    });

    it('"Import now" queues a run of the mail_import job for this importer; a second one is refused with 409', async () => {
      const job = await mailJob();
      const res = await t.call('POST', `/api/mail-importers/${imap.id}/import`, { batchSize: 7 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        jobId: job.id,
        operation: 'system',
        status: 'queued',
        trigger: 'manual',
        params: { importerId: imap.id, batchSize: 7 },
      });
      const again = await t.call('POST', `/api/mail-importers/${imap.id}/import`, {});
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/a mail import is already queued or running \(run #\d+\)/);
      await ok('POST', `/api/runs/${res.body.id}/cancel`);
      const defaults = await ok('POST', `/api/mail-importers/${imap.id}/import`);
      expect(defaults.params).toEqual({ importerId: imap.id, batchSize: 100 });
      await ok('POST', `/api/runs/${defaults.id}/cancel`);
      for (const batchSize of [0, 1001, 2.5])
        expect((await t.call('POST', `/api/mail-importers/${imap.id}/import`, { batchSize })).status).toBe(400);
    });

    it('tests the connection and says why it failed, without the password', async () => {
      const res = await ok('POST', `/api/mail-importers/${imap.id}/test`);
      expect(res.ok).toBe(false);
      expect(res.message).toBeTruthy();
      expect(JSON.stringify(res)).not.toContain(IMAP_PASSWORD_2);
    });

    it('an enabled SMTP importer makes the server listen; changing the port moves it; disabling stops it', async () => {
      const port = await freePort();
      const smtp = await ok('POST', '/api/mail-importers', {
        name: 'Receiver',
        kind: 'smtp',
        config: { host: '127.0.0.1', port, username: 'backup', password: SMTP_PASSWORD },
      });
      expect(smtp).toMatchObject({ kind: 'smtp', hasSecret: { password: true }, config: { port, username: 'backup' } });
      const listening = await until('the receiver', async () => {
        const r = await ok('POST', `/api/mail-importers/${smtp.id}/test`);
        return r.ok ? r : null;
      });
      expect(listening.message).toContain(`port ${port}`);
      const banner = await new Promise<string>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1');
        s.once('data', (d) => {
          resolve(d.toString());
          s.end();
        });
        s.once('error', reject);
      });
      expect(banner).toMatch(/^220 /);
      expect((await t.call('POST', `/api/mail-importers/${smtp.id}/import`, {})).status).toBe(400);

      const port2 = await freePort();
      await ok('PATCH', `/api/mail-importers/${smtp.id}`, {
        config: { host: '127.0.0.1', port: port2, username: 'backup' },
      });
      await until('the move', async () =>
        (await ok('POST', `/api/mail-importers/${smtp.id}/test`)).message.includes(`port ${port2}`),
      );
      await until('the old port to close', async () => !(await canConnect(port)));

      await ok('PATCH', `/api/mail-importers/${smtp.id}`, { enabled: false });
      await until('the listener to stop', async () => !(await canConnect(port2)));
      expect(await ok('POST', `/api/mail-importers/${smtp.id}/test`)).toMatchObject({ ok: false });
      await ok('DELETE', `/api/mail-importers/${smtp.id}`);
    });

    it('a port already taken gives a clear lastError', async () => {
      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      const port = (blocker.address() as net.AddressInfo).port;
      try {
        const smtp = await ok('POST', '/api/mail-importers', {
          name: 'Busy',
          kind: 'smtp',
          config: { host: '127.0.0.1', port },
        });
        const got = await until(
          'lastError',
          async () => (await ok('GET', `/api/mail-importers/${smtp.id}`)).lastError as string,
        );
        expect(got).toBe(`cannot listen on 127.0.0.1:${port}: the port is already in use by another program`);
        expect(await ok('POST', `/api/mail-importers/${smtp.id}/test`)).toEqual({ ok: false, message: got });
        // Two enabled receivers on one port are refused outright.
        const twin = await t.call('POST', '/api/mail-importers', { name: 'Twin', kind: 'smtp', config: { port } });
        expect(twin.status).toBe(409);
        await ok('DELETE', `/api/mail-importers/${smtp.id}`);
      } finally {
        await new Promise<void>((r) => blocker.close(() => r()));
      }
    });

    it('lists importers (SMTP host defaults to all interfaces) and never answers or audits a secret', async () => {
      const port = await freePort();
      const wide = await ok('POST', '/api/mail-importers', {
        name: 'Wide',
        kind: 'smtp',
        enabled: false,
        config: { port },
      });
      expect(wide.config).toMatchObject({ host: '0.0.0.0', port, maxSizeBytes: expect.any(Number) });
      const list = await ok('GET', '/api/mail-importers');
      expect(list.items.map((i: Json) => i.name)).toEqual(['M365', 'Reports', 'Wide']);
      expect(await ok('GET', `/api/mail-importers/${imap.id}`)).toMatchObject({ id: imap.id, name: 'Reports' });
      const everything = JSON.stringify(list);
      const audit = (await t.app.repos.db.kysely.selectFrom('audit_log').selectAll().execute())
        .filter((a) => a.entity === 'mail_importer')
        .map((a) => JSON.stringify(a))
        .join('\n');
      expect(audit).toContain('changedCredentials');
      for (const secret of SECRETS) {
        expect(everything).not.toContain(secret);
        expect(audit).not.toContain(secret);
      }
    });

    it('only admins change importers; operators may import now; scoped users see nothing', async () => {
      const operator = await t.userToken(`mi-op-${dialect}`, 'operator', { allCustomers: true });
      const viewer = await t.userToken(`mi-viewer-${dialect}`, 'viewer', { allCustomers: true });
      const customer = (await ok('POST', '/api/customers', { name: `Scoped ${dialect}` })).id;
      const scoped = await t.userToken(`mi-scoped-${dialect}`, 'admin', { customerIds: [customer] });
      expect((await t.call('GET', '/api/mail-importers', undefined, viewer)).status).toBe(200);
      expect((await t.call('GET', '/api/mail-importers', undefined, scoped)).status).toBe(403);
      const create = { name: 'Nope', kind: 'imap', config: imapConfig() };
      expect((await t.call('POST', '/api/mail-importers', create, operator)).status).toBe(403);
      expect((await t.call('PATCH', `/api/mail-importers/${imap.id}`, { enabled: false }, operator)).status).toBe(403);
      expect((await t.call('DELETE', `/api/mail-importers/${imap.id}`, undefined, viewer)).status).toBe(403);
      expect((await t.call('POST', `/api/mail-importers/${imap.id}/test`, undefined, operator)).status).toBe(403);
      expect((await t.call('POST', `/api/mail-importers/${imap.id}/import`, {}, viewer)).status).toBe(403);
      const run = await t.call('POST', `/api/mail-importers/${imap.id}/import`, {}, operator);
      expect(run.status).toBe(201);
      await ok('POST', `/api/runs/${run.body.id}/cancel`);
      expect((await t.call('GET', '/api/mail-importers', undefined, null)).status).toBe(401);
    });

    it('deleting the last polled importer parks the mail_import job again', async () => {
      await ok('DELETE', `/api/mail-importers/${imap.id}`);
      expect((await t.call('GET', `/api/mail-importers/${imap.id}`)).status).toBe(404);
      expect((await t.call('DELETE', `/api/mail-importers/${imap.id}`)).status).toBe(404);
      // M365 is disabled and Wide is an SMTP receiver: nothing to poll.
      await until('the job to be parked', async () => (await mailJob()).nextRunAt === null);
    });

    it('lists the parsers in match order for any signed-in user', async () => {
      const viewer = await t.userToken(`parsers-viewer-${dialect}`, 'viewer', { customerIds: [] });
      const res = await ok('GET', '/api/parsers', undefined, viewer);
      expect(res.items.length).toBeGreaterThan(5);
      expect(res.items.map((p: Json) => p.order)).toEqual(res.items.map((_: Json, i: number) => i + 1));
      for (const p of res.items) {
        expect(p).toMatchObject({ name: expect.any(String), software: expect.any(String), enabled: true });
        expect(Array.isArray(p.types)).toBe(true);
        expect(typeof p.criteria).toBe('string');
      }
      expect(res.items.map((p: Json) => p.software)).toEqual(expect.arrayContaining(['Veeam Backup & Replication']));
      expect((await t.call('GET', '/api/parsers', undefined, null)).status).toBe(401);
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
