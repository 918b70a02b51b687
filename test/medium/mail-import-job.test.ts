import { execFileSync } from 'node:child_process';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfigFromEnv } from '../../src/config/app-config.js';
import { findBinary, freePort, startDovecot, type DovecotServer } from '../helpers/dovecot.js';
import { startGraphServer } from '../helpers/graph-server.js';
import { startPostfixRelay } from '../helpers/postfix.js';
import { plainMail, veeamMail } from '../helpers/report-mails.js';
import { ADMIN_PASSWORD, DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const TERMINAL = ['success', 'warning', 'failed', 'timed_out', 'cancelled'];
const SMTP_USER = 'backup-sender';
const SMTP_PASSWORD = 'smtp-Recv-S3cret-77';

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The mail_import system job end to end against a real Dovecot: an importer configured through
 * the API is polled at once, its messages land in the Inbox or as runs of approved jobs and move
 * to Processed; duplicates are not stored twice (also across a server restart); "Import now"
 * honours its batch size; a failing importer makes the run a warning, all failing a failure.
 * And the SMTP receiver the app starts for an smtp importer takes a nodemailer message into
 * the Inbox.
 */
for (const dialect of DIALECTS) {
  describe(`mail import job (${dialect})`, () => {
    let t: TestApp;
    let app: App;
    let dovecot: DovecotServer;
    let customerId: number;
    let importer: Json;
    let mailJobId: number;

    const call = async (method: string, url: string, body?: unknown) => {
      const res = await app.http.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${t.token}` },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
      return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Json) : null };
    };
    const ok = async (method: string, url: string, body?: unknown) => {
      const res = await call(method, url, body);
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const waitForRun = (id: number) =>
      until(`run ${id}`, async () => {
        const r = await ok('GET', `/api/runs/${id}`);
        return TERMINAL.includes(r.status) ? r : null;
      });
    const logsOf = async (runId: number) =>
      ((await ok('GET', `/api/runs/${runId}/logs`)).items as Json[]).map((l) => l.message as string);
    /** The finished run of the mail_import job whose log mentions `text`, newest first. */
    const runMentioning = (text: string) =>
      until(`a mail import run mentioning ${text}`, async () => {
        const runs = (await ok('GET', `/api/runs?jobId=${mailJobId}&pageSize=50`)).items as Json[];
        for (const r of runs) {
          if (!TERMINAL.includes(r.status)) continue;
          if ((await logsOf(r.id)).some((l) => l.includes(text))) return r;
        }
        return null;
      });
    /** "Import now"; a scheduled minute fire may hold the job for a moment, so 409 is retried. */
    const importNow = async (id: number, body: unknown = {}) => {
      const res = await until('the mail import job to be free', async () => {
        const r = await call('POST', `/api/mail-importers/${id}/import`, body);
        if (r.status === 409) return null;
        return r;
      });
      expect(res.status).toBe(201);
      return waitForRun(res.body.id);
    };
    const storedCount = async () =>
      Number(
        (
          await app.repos.db.kysely
            .selectFrom('mail_messages')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const inbox = async () => ((await ok('GET', '/api/inbox?pageSize=200')).items as Json[]).map((m) => m.subject);

    beforeAll(async () => {
      dovecot = await startDovecot();
      t = await startTestApp(dialect);
      app = t.app;
      customerId = (await ok('POST', '/api/customers', { name: 'Mail Co' })).id;
      mailJobId = ((await ok('GET', '/api/jobs?kind=system')).items as Json[]).find((j) => j.task === 'mail_import').id;
    });
    afterAll(async () => {
      if (app !== t?.app) await app?.close();
      await t?.close();
      await dovecot?.stop();
    });

    it('polls a new importer at once: messages go to the Inbox and move to Processed', async () => {
      await dovecot.append(
        'INBOX',
        veeamMail({ jobName: 'SQL nightly', sender: 'veeam@corp.example', messageId: 'sql-1' }),
      );
      await dovecot.append('INBOX', veeamMail({ jobName: 'File server', sender: 'veeam@corp.example' }));
      await dovecot.append('INBOX', plainMail('Lunch on Friday?', 'lunch-1'));
      importer = await ok('POST', '/api/mail-importers', {
        name: 'Mailbox',
        kind: 'imap',
        config: {
          host: '127.0.0.1',
          port: dovecot.port,
          tls: false,
          username: dovecot.user,
          password: dovecot.password,
        },
      });
      const run = await runMentioning("importer 'Mailbox' (imap)");
      expect(run).toMatchObject({ status: 'success', operation: 'system', params: {} });
      expect(await logsOf(run.id)).toContain(
        "importer 'Mailbox' (imap): fetched 3, imported to Inbox 3, linked to jobs 0, duplicates 0, not imported 0",
      );
      expect(await dovecot.list('INBOX')).toEqual([]);
      expect(await dovecot.list('Processed')).toHaveLength(3);
      expect(await inbox()).toEqual(
        expect.arrayContaining(['Lunch on Friday?', expect.stringContaining('SQL nightly')]),
      );
      const sources = await app.repos.db.kysely.selectFrom('mail_messages').select('import_source').execute();
      expect(new Set(sources.map((s) => s.import_source))).toEqual(new Set([`imap:${importer.id}`]));
      const after = await ok('GET', `/api/mail-importers/${importer.id}`);
      expect(after.lastImportAt).not.toBeNull();
      expect(after.lastError).toBeNull();
      // Polled: the job's next fire is when this importer is due again (15 min), not an empty run a minute later.
      const next = Date.parse((await ok('GET', `/api/jobs/${mailJobId}`)).nextRunAt);
      expect(next).toBeGreaterThan(Date.now() + 13 * 60_000);
      expect(next).toBeLessThanOrEqual(Date.now() + 15.5 * 60_000);
    });

    it('links reports of approved jobs and moves duplicates without storing them twice', async () => {
      const items = (await ok('GET', '/api/inbox?pageSize=200')).items as Json[];
      const sql = items.find((m) => String(m.subject).includes('SQL nightly'));
      await ok('POST', `/api/inbox/${sql.id}/approve`, { customerId });
      const before = await storedCount();
      await dovecot.append(
        'INBOX',
        veeamMail({ jobName: 'SQL nightly', sender: 'veeam@corp.example', start: new Date(Date.UTC(2024, 0, 16, 22)) }),
      );
      await dovecot.append('INBOX', plainMail('Lunch on Friday?', 'lunch-1'));
      const run = await importNow(importer.id);
      expect(run.status).toBe('success');
      expect(run.params).toEqual({ importerId: importer.id, batchSize: 100 });
      expect(await logsOf(run.id)).toContain(
        "importer 'Mailbox' (imap): fetched 2, imported to Inbox 0, linked to jobs 1, duplicates 1, not imported 0",
      );
      expect(await storedCount()).toBe(before + 1);
      expect(await dovecot.list('INBOX')).toEqual([]);
      expect(await dovecot.list('Processed')).toHaveLength(5);
      const job = ((await ok('GET', `/api/jobs?kind=monitored&customerId=${customerId}`)).items as Json[])[0];
      expect((await ok('GET', `/api/runs?jobId=${job.id}`)).total).toBe(2);
    });

    it('"Import now" takes at most its batch size and leaves the rest for later', async () => {
      for (let i = 1; i <= 5; i++) await dovecot.append('INBOX', plainMail(`Batch ${i}`));
      const run = await importNow(importer.id, { batchSize: 2 });
      expect(run.status).toBe('success');
      expect((await logsOf(run.id)).join('\n')).toContain("importer 'Mailbox' (imap): fetched 2, imported to Inbox 2");
      expect(await dovecot.list('INBOX')).toEqual(['Batch 3', 'Batch 4', 'Batch 5']);
      const rest = await importNow(importer.id, { batchSize: 10 });
      expect((await logsOf(rest.id)).join('\n')).toContain('fetched 3, imported to Inbox 3');
      expect(await dovecot.list('INBOX')).toEqual([]);
    });

    it('after a server restart nothing is imported twice and polling is armed again', async () => {
      const before = await storedCount();
      const processed = await dovecot.list('Processed');
      await app.close();
      app = await createApp(
        loadConfigFromEnv({
          KEEPWATCH_DATA: t.dataDir,
          KEEPWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD,
          KEEPWATCH_SECRET: 'test-master-key-material-0123456789',
          LOG_LEVEL: 'silent',
          ...(t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : {}),
        }),
        { logger: pino({ level: 'silent' }) },
      );
      expect((await ok('GET', `/api/jobs/${mailJobId}`)).nextRunAt).not.toBeNull();
      const run = await importNow(importer.id);
      expect(await logsOf(run.id)).toContain(
        "importer 'Mailbox' (imap): fetched 0, imported to Inbox 0, linked to jobs 0, duplicates 0, not imported 0",
      );
      // A message the mailbox delivers again (a copy put back by a user) is recognised.
      await dovecot.append('INBOX', plainMail('Lunch on Friday?', 'lunch-1'));
      const again = await importNow(importer.id);
      expect((await logsOf(again.id)).join('\n')).toContain(
        'fetched 1, imported to Inbox 0, linked to jobs 0, duplicates 1',
      );
      expect(await storedCount()).toBe(before);
      expect(await dovecot.list('Processed')).toHaveLength(processed.length + 1);
    });

    it('one failing importer makes the run a warning; all failing make it a failure', async () => {
      const broken = await ok('POST', '/api/mail-importers', {
        name: 'Broken',
        kind: 'imap',
        config: {
          host: '127.0.0.1',
          port: dovecot.port,
          tls: false,
          username: dovecot.user,
          password: 'wrong-password',
        },
      });
      // Polled at once on its own (the other one is not due): every importer of that run failed.
      const alone = await runMentioning("importer 'Broken' (imap)");
      expect(alone.status).toBe('failed');
      expect(alone.error).toMatch(/^importer 'Broken' \(imap\): /);
      const lastError = (await ok('GET', `/api/mail-importers/${broken.id}`)).lastError as string;
      expect(lastError).toBeTruthy();
      expect(lastError).not.toContain('wrong-password');

      // "Run now" on the system job polls every enabled importer.
      await dovecot.append('INBOX', plainMail('Still arriving'));
      const started = await until('the job to be free', async () => {
        const r = await call('POST', `/api/jobs/${mailJobId}/run`);
        return r.status === 409 ? null : r;
      });
      expect(started.status).toBe(201);
      const both = await waitForRun(started.body.id);
      expect(both.status).toBe('warning');
      expect(both.error).toBe('1 of 2 mail importers failed');
      const lines = (await logsOf(both.id)).join('\n');
      expect(lines).toContain("importer 'Mailbox' (imap): fetched 1, imported to Inbox 1");
      expect(lines).toMatch(/importer 'Broken' \(imap\): fetched 0, .* — failed: /);
      expect((await ok('GET', `/api/mail-importers/${importer.id}`)).lastError).toBeNull();
      expect(await inbox()).toContain('Still arriving');
      await ok('DELETE', `/api/mail-importers/${broken.id}`);
    });

    it('the SMTP receiver started for an smtp importer takes a nodemailer message into the Inbox', async () => {
      const port = await freePort();
      const smtp = await ok('POST', '/api/mail-importers', {
        name: 'Receiver',
        kind: 'smtp',
        config: { host: '127.0.0.1', port, username: SMTP_USER, password: SMTP_PASSWORD },
      });
      await until('the receiver', async () => (await ok('POST', `/api/mail-importers/${smtp.id}/test`)).ok as boolean);
      const transport = (pass: string) =>
        nodemailer.createTransport({
          host: '127.0.0.1',
          port,
          secure: false,
          ignoreTLS: true,
          auth: { user: SMTP_USER, pass },
        });
      await expect(
        transport('not-the-password').sendMail({
          envelope: { from: 'veeam@corp.example', to: ['reports@keepwatch.local'] },
          raw: plainMail('Refused'),
        }),
      ).rejects.toThrow(/535|auth/i);

      const good = transport(SMTP_PASSWORD);
      const info = await good.sendMail({
        from: 'Backup Exec <backup@corp.example>',
        to: 'reports@keepwatch.local',
        subject: 'Nightly job finished',
        text: 'All 12 files copied.',
      });
      expect(info.response).toMatch(/^250/);
      await good.sendMail({
        envelope: { from: 'veeam@corp.example', to: ['reports@keepwatch.local'] },
        raw: veeamMail({
          jobName: 'SQL nightly',
          sender: 'veeam@corp.example',
          start: new Date(Date.UTC(2024, 0, 17, 22)),
        }),
      });
      good.close();
      const subjects = await inbox();
      expect(subjects).toContain('Nightly job finished');
      expect(subjects).not.toContain('Refused');
      const stored = await app.repos.db.kysely
        .selectFrom('mail_messages')
        .select(['subject', 'import_source', 'job_id'])
        .where('import_source', '=', 'smtp')
        .execute();
      expect(stored).toHaveLength(2);
      expect(stored.map((m) => m.subject)).toContain('Nightly job finished');
      // The report of the approved job became its run straight away.
      expect(stored.find((m) => m.subject.includes('SQL nightly'))?.job_id).not.toBeNull();
      expect((await ok('GET', `/api/mail-importers/${smtp.id}`)).lastImportAt).not.toBeNull();
    });

    it('imports from a Microsoft Graph mailbox (local Graph server) and moves messages to Processed', async () => {
      const graph = await startGraphServer({ maxPageSize: 2 });
      try {
        graph.addMessage('Inbox', veeamMail({ jobName: 'Exchange DAG', sender: 'veeam@corp.example' }));
        graph.addMessage('Inbox', plainMail('Graph one'));
        graph.addMessage('Inbox', plainMail('Graph two'));
        const m365 = await ok('POST', '/api/mail-importers', {
          name: 'M365',
          kind: 'graph',
          intervalMinutes: 30,
          config: {
            tenantId: graph.tenantId,
            clientId: graph.clientId,
            mailbox: graph.mailbox,
            authorityUrl: graph.authorityUrl,
            graphUrl: graph.graphUrl,
            clientSecret: graph.clientSecret,
          },
        });
        expect(m365.hasSecret).toEqual({ clientSecret: true });
        const run = await runMentioning("importer 'M365' (graph)");
        expect(run.status).toBe('success');
        expect(await logsOf(run.id)).toContain(
          "importer 'M365' (graph): fetched 3, imported to Inbox 3, linked to jobs 0, duplicates 0, not imported 0",
        );
        expect(graph.list('Inbox')).toEqual([]);
        expect(graph.list('Processed')).toHaveLength(3);
        expect(await inbox()).toEqual(expect.arrayContaining(['Graph one', 'Graph two']));
        const test = await ok('POST', `/api/mail-importers/${m365.id}/test`);
        expect(test.ok).toBe(true);
        expect(JSON.stringify(test)).not.toContain(graph.clientSecret);
        await ok('DELETE', `/api/mail-importers/${m365.id}`);
      } finally {
        await graph.close();
      }
    });

    it('Postfix relays to the receiver; a failed store answers 451 and Postfix delivers it on retry', async () => {
      const port = await freePort();
      const target = await ok('POST', '/api/mail-importers', {
        name: 'Relay target',
        kind: 'smtp',
        config: { host: '127.0.0.1', port },
      });
      await until(
        'the receiver',
        async () => (await ok('POST', `/api/mail-importers/${target.id}/test`)).ok as boolean,
      );
      const relay = await startPostfixRelay({ domain: 'keepwatch.test', nextHopPort: port });
      const db = app.repos.db;
      // Storing fails until the trigger is dropped: the receiver must answer 4xx, not lose the message.
      if (db.dialect === 'postgres') {
        await sql`create function kw_block_mail() returns trigger language plpgsql as $$ begin raise exception 'blocked by the test'; end $$`.execute(
          db.kysely,
        );
        await sql`create trigger kw_block before insert on mail_messages for each row execute function kw_block_mail()`.execute(
          db.kysely,
        );
      } else {
        await sql`create trigger kw_block before insert on mail_messages begin select raise(abort, 'blocked by the test'); end`.execute(
          db.kysely,
        );
      }
      try {
        const mailer = nodemailer.createTransport({
          host: '127.0.0.1',
          port: relay.port,
          secure: false,
          ignoreTLS: true,
        });
        await mailer.sendMail({
          from: 'nas@corp.example',
          to: 'reports@keepwatch.test',
          subject: 'Relayed through Postfix',
          text: 'Hyper Backup finished.',
        });
        mailer.close();
        await until('a deferral', async () => /status=deferred.*451/.test(await relay.log()), 20_000);
        expect(await inbox()).not.toContain('Relayed through Postfix');
        await sql`drop trigger kw_block${db.dialect === 'postgres' ? sql` on mail_messages` : sql``}`.execute(
          db.kysely,
        );
        // Postfix retries on its own backoff schedule; flushing the queue asks for that retry now.
        execFileSync(findBinary('postqueue') ?? 'postqueue', ['-c', relay.dir, '-f']);
        await until('the retry', async () => (await inbox()).includes('Relayed through Postfix'), 30_000).catch(
          async (err: Error) => {
            throw new Error(`${err.message}\n${await relay.log()}`);
          },
        );
        // The receiver stores before it answers 250, so the Inbox can show the message a moment before
        // Postfix has read that 250 and logged the delivery.
        await until('the relay to log the delivery', async () => /status=sent/.test(await relay.log()), 10_000);
        expect(await relay.log()).toMatch(/status=sent/);
      } finally {
        await sql`drop trigger if exists kw_block${db.dialect === 'postgres' ? sql` on mail_messages` : sql``}`
          .execute(db.kysely)
          .catch(() => undefined);
        await relay.stop();
        await ok('DELETE', `/api/mail-importers/${target.id}`);
      }
    });
  });
}
