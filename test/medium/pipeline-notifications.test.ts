import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { create, runJob } from '../helpers/pipeline-api.js';
import { decodeQp, decodeWords, splitMessage } from '../helpers/mime.js';

// ── receivers on loopback ─────────────────────────────────────────────────────────────────────

interface HookBody {
  event: string;
  status: string;
  title: string;
  text: string;
  data: Record<string, unknown>;
}
interface Hook {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: HookBody;
}
interface Mail {
  to: string[];
  user: string | undefined;
  subject: string;
  text: string;
}

const SMTP_USER = 'keepwatch';
const SMTP_PASSWORD = 'smtp-S3cret!';

async function startWebhookReceiver(): Promise<{ url: string; hooks: Hook[]; server: Server }> {
  const hooks: Hook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hooks.push({
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as HookBody,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hooks, server };
}

/** Subject and text part of what nodemailer sends (multipart/alternative). */
function readMail(raw: string): { subject: string; text: string } {
  const { headers, body } = splitMessage(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1] ?? '';
  let text = '';
  for (const chunk of body.split(`--${boundary}`).slice(1, -1)) {
    const part = splitMessage(chunk.replace(/^\r\n/, ''));
    if (!(part.headers.get('content-type') ?? '').startsWith('text/plain')) continue;
    const cte = part.headers.get('content-transfer-encoding') ?? '7bit';
    text =
      cte === 'base64'
        ? Buffer.from(part.body, 'base64').toString('utf8')
        : cte === 'quoted-printable'
          ? decodeQp(part.body)
          : part.body;
  }
  return { subject: decodeWords(headers.get('subject') ?? ''), text };
}

/** A real SMTP server that insists on authentication (plain connection, AUTH allowed on it). */
async function startSmtpReceiver(): Promise<{ port: number; mails: Mail[]; server: SMTPServer }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) cb(null, { user: SMTP_USER });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          ...readMail(Buffer.concat(chunks).toString('utf8')),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.server.address() as AddressInfo).port, mails, server };
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────

async function logLines(t: TestApp, runId: number): Promise<string[]> {
  const r = await t.call('GET', `/api/runs/${runId}/logs?limit=5000`);
  return (r.body.items as { message: string }[]).map((l) => l.message);
}

/**
 * Notifications go out after the run is recorded as finished; their outcome is appended to the
 * run log. Waits until `n` deliveries are logged (sent, or failed for good).
 */
async function waitForDeliveries(t: TestApp, runId: number, n: number): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const lines = (await logLines(t, runId)).filter((l) => /^notification (sent to|to .* failed permanently)/.test(l));
    if (lines.length >= n) return lines.sort();
    if (Date.now() > deadline) throw new Error(`run ${runId}: only ${lines.length} of ${n} notifications logged`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ── the suite ────────────────────────────────────────────────────────────────────────────────

describe('notifications of backup runs (webhook and SMTP, conditions always / success / failure)', () => {
  let t: TestApp;
  let web: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  const CONDITIONS = ['always', 'success', 'failure'] as const;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    web = await startWebhookReceiver();
    smtp = await startSmtpReceiver();
    const db = path.join(t.dataDir, 'app.db');
    execFileSync('sqlite3', [db, "create table t (a int, b text); insert into t values (1, 'x');"]);
    await create(t, '/api/sources', { name: 'lite', kind: 'sqlite', config: { path: db } });
    await create(t, '/api/destinations', {
      name: 'disk',
      kind: 'local',
      config: { path: path.join(t.dataDir, 'disk') },
    });
    for (const c of CONDITIONS) {
      await create(t, '/api/notification-channels', {
        name: `hook-${c}`,
        kind: 'webhook',
        config: { url: `${web.url}/${c}`, headers: { authorization: `Bearer token-${c}` } },
      });
      const mail = await create(t, '/api/notification-channels', {
        name: `mail-${c}`,
        kind: 'smtp',
        config: {
          host: '127.0.0.1',
          port: smtp.port,
          startTls: 'never',
          user: SMTP_USER,
          password: SMTP_PASSWORD,
          from: 'Keepwatch <kw@example.test>',
          to: [`${c}@example.test`],
        },
      });
      expect(JSON.stringify(mail)).not.toContain(SMTP_PASSWORD);
    }
    const job = await create(t, '/api/jobs', {
      name: 'notified-job',
      source: 'lite',
      destinations: [{ destination: 'disk' }],
      compression: { algorithm: 'gzip', level: 6 },
      notifications: CONDITIONS.flatMap((c) => [
        { channel: `hook-${c}`, condition: c },
        { channel: `mail-${c}`, condition: c },
      ]),
    });
    expect(job.notifications.map((n) => `${n.channel.name}:${n.condition}`).sort()).toEqual(
      CONDITIONS.flatMap((c) => [`hook-${c}:${c}`, `mail-${c}:${c}`]).sort(),
    );
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => web?.server.close(r));
    await new Promise<void>((r) => (smtp ? smtp.server.close(() => r()) : r()));
  });

  it('a successful run notifies the always and success channels, not the failure ones', async () => {
    const run = await runJob(t, 'notified-job');
    expect(run.status).toBe('success');
    const sent = await waitForDeliveries(t, run.id, 4);
    expect(sent).toEqual([
      "notification sent to 'hook-always' (webhook)",
      "notification sent to 'hook-success' (webhook)",
      "notification sent to 'mail-always' (smtp)",
      "notification sent to 'mail-success' (smtp)",
    ]);

    expect(web.hooks.map((h) => h.path).sort()).toEqual(['/always', '/success']);
    for (const h of web.hooks) {
      expect(h.headers.authorization).toBe(`Bearer token-${h.path.slice(1)}`);
      expect(h.body).toMatchObject({
        event: 'run.finished',
        status: 'success',
        data: { job: 'notified-job', runId: run.id, status: 'success', operation: 'backup', error: null },
      });
      expect(h.body.title).toContain('notified-job');
      expect(h.body.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(smtp.mails.map((m) => m.to.join()).sort()).toEqual(['always@example.test', 'success@example.test']);
    for (const m of smtp.mails) {
      expect(m.user).toBe(SMTP_USER);
      expect(m.subject).toContain('success');
      expect(m.subject).toContain('notified-job');
      expect(m.text).toContain('Status: success');
      expect(m.text).toContain(`runId: ${run.id}`);
    }
  });

  it('a failed run notifies the always and failure channels, with the reason', async () => {
    web.hooks.length = 0;
    smtp.mails.length = 0;
    const patched = await t.call('PATCH', '/api/jobs/notified-job', { sizeCheck: { minBytes: 100_000_000 } });
    expect(patched.status).toBe(200);
    const run = await runJob(t, 'notified-job');
    expect(run.status).toBe('failed');
    const sent = await waitForDeliveries(t, run.id, 4);
    expect(sent).toEqual([
      "notification sent to 'hook-always' (webhook)",
      "notification sent to 'hook-failure' (webhook)",
      "notification sent to 'mail-always' (smtp)",
      "notification sent to 'mail-failure' (smtp)",
    ]);

    expect(web.hooks.map((h) => h.path).sort()).toEqual(['/always', '/failure']);
    for (const h of web.hooks) {
      expect(h.body).toMatchObject({ status: 'failed', data: { job: 'notified-job', runId: run.id } });
      expect(h.body.data.error).toMatch(/implausibly small/);
      expect(h.body.text).toMatch(/Reason: the dump is implausibly small/);
    }
    expect(smtp.mails.map((m) => m.to.join()).sort()).toEqual(['always@example.test', 'failure@example.test']);
    for (const m of smtp.mails) {
      expect(m.subject).toContain('failed');
      expect(m.subject).toContain('notified-job');
      expect(m.text).toContain('implausibly small');
    }
  });

  it('POST /api/notification-channels/:id/test delivers a test message on each kind', async () => {
    web.hooks.length = 0;
    smtp.mails.length = 0;
    const channels = (await t.call<{ items: { id: number; name: string }[] }>('GET', '/api/notification-channels')).body
      .items;
    const hook = channels.find((c) => c.name === 'hook-failure');
    const mail = channels.find((c) => c.name === 'mail-success');

    const h = await t.call('POST', `/api/notification-channels/${hook!.id}/test`);
    expect(h.status).toBe(200);
    expect(h.body).toEqual({ ok: true, message: "notification sent to 'hook-failure' (webhook)" });
    expect(web.hooks).toHaveLength(1);
    expect(web.hooks[0]!.path).toBe('/failure');
    expect(web.hooks[0]!.body).toMatchObject({ event: 'test', title: 'Test from Keepwatch: hook-failure' });

    const m = await t.call('POST', `/api/notification-channels/${mail!.id}/test`);
    expect(m.status).toBe(200);
    expect(m.body.ok).toBe(true);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.to).toEqual(['success@example.test']);
    expect(smtp.mails[0]!.subject).toContain('Test from Keepwatch: mail-success');
  });

  it('a channel that cannot deliver reports the failure from the test endpoint and never leaks the secret', async () => {
    const bad = await create(t, '/api/notification-channels', {
      name: 'mail-wrong-password',
      kind: 'smtp',
      config: {
        host: '127.0.0.1',
        port: smtp.port,
        startTls: 'never',
        user: SMTP_USER,
        password: 'not-the-password',
        from: 'kw@example.test',
        to: ['x@example.test'],
      },
    });
    const before = smtp.mails.length;
    const r = await t.call('POST', `/api/notification-channels/${bad.id}/test`);
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(false);
    expect(r.body.message).toMatch(/failed permanently: .*authentication failed for user "keepwatch"/);
    expect(r.body.message).not.toContain('not-the-password');
    expect(smtp.mails).toHaveLength(before);
  });
});
