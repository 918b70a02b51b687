import { createServer, type AddressInfo, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationMessage } from '../../src/adapters/notifiers/notifier.contract.js';
import { loadNotifierAdapter } from '../../src/adapters/notifiers/registry.js';
import { ValidationError } from '../../src/core/errors.js';
import { decodeQp, decodeWords, splitMessage } from '../helpers/mime.js';

interface Received {
  from: string;
  to: string[];
  secure: boolean;
  raw: string;
}
interface AuthSeen {
  user: string;
  password: string;
  secure: boolean;
}

const PASSWORD = 'S3cr3t-p4ss!';
const message: NotificationMessage = {
  event: 'run.finished',
  status: 'success',
  title: 'nightly-db (Acme)',
  text: 'Backup finished in 2 min.\nWritten: 1.2 GB <ok> & fine.',
  data: { job: 'nightly-db', customer: 'Acme <Corp>' },
};

let server: SMTPServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A real SMTP server on a free loopback port that records what it receives. */
async function startServer(options: SMTPServerOptions) {
  const received: Received[] = [];
  const auths: AuthSeen[] = [];
  server = new SMTPServer({
    logger: false,
    ...options,
    onAuth(auth, session, callback) {
      auths.push({ user: auth.username ?? '', password: auth.password ?? '', secure: session.secure });
      if (auth.username === 'keepwatch' && auth.password === PASSWORD) callback(null, { user: 'keepwatch' });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mailFrom = session.envelope.mailFrom;
        received.push({
          from: mailFrom ? mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  const s = server;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.server.address() as AddressInfo;
  return { port, received, auths };
}

// --- a minimal MIME reader, enough for what nodemailer produces -------------------------------

function parts(raw: string): { subject: string; headers: Map<string, string>; text: string; html: string } {
  const { headers, body } = splitMessage(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1] ?? '';
  const decoded: Record<string, string> = {};
  for (const chunk of body.split(`--${boundary}`).slice(1, -1)) {
    const part = splitMessage(chunk.replace(/^\r\n/, ''));
    const cte = part.headers.get('content-transfer-encoding') ?? '7bit';
    const content =
      cte === 'base64'
        ? Buffer.from(part.body, 'base64').toString('utf8')
        : cte === 'quoted-printable'
          ? decodeQp(part.body)
          : part.body;
    decoded[(part.headers.get('content-type') ?? '').split(';')[0] ?? ''] = content;
  }
  return {
    subject: decodeWords(headers.get('subject') ?? ''),
    headers,
    text: decoded['text/plain'] ?? '',
    html: decoded['text/html'] ?? '',
  };
}

// ------------------------------------------------------------------------------------------------

const base = { host: '127.0.0.1', from: 'Keepwatch <kw@example.test>', to: ['ops@example.test', 'boss@example.test'] };

describe('smtp notifier', () => {
  it('sends subject, text and escaped HTML without AUTH', async () => {
    const { port, received, auths } = await startServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'] });
    const smtp = await loadNotifierAdapter('smtp');
    await smtp.send({ ...base, port, startTls: 'never' }, message);
    expect(auths).toEqual([]);
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.from).toBe('kw@example.test');
    expect(mail.to).toEqual(['ops@example.test', 'boss@example.test']);
    const { subject, headers, text, html } = parts(mail.raw);
    expect(subject).toBe('[Keepwatch] ✔ success: nightly-db (Acme)');
    expect(headers.get('auto-submitted')).toBe('auto-generated');
    expect(text).toContain('Backup finished in 2 min.\r\nWritten: 1.2 GB <ok> & fine.');
    expect(text).toContain('customer: Acme <Corp>');
    expect(html).toContain('Written: 1.2 GB &lt;ok&gt; &amp; fine.');
    expect(html).toContain('Acme &lt;Corp&gt;');
    expect(html).not.toContain('<Corp>');
  });

  it('authenticates over STARTTLS with the configured credentials', async () => {
    const { port, received, auths } = await startServer({ authMethods: ['PLAIN', 'LOGIN'] });
    const smtp = await loadNotifierAdapter('smtp');
    await smtp.send(
      {
        ...base,
        port,
        startTls: 'required',
        allowInvalidCertificate: true,
        user: 'keepwatch',
        password: PASSWORD,
        subjectPrefix: '[KW]',
      },
      { ...message, status: 'failed' },
    );
    expect(auths).toEqual([{ user: 'keepwatch', password: PASSWORD, secure: true }]);
    expect(received[0]?.secure).toBe(true);
    expect(parts(received[0]?.raw ?? '').subject).toBe('[KW] ✖ failed: nightly-db (Acme)');
  });

  it('speaks implicit TLS when secure is set', async () => {
    const { port, received } = await startServer({ secure: true, authOptional: true });
    const smtp = await loadNotifierAdapter('smtp');
    await smtp.send({ ...base, port, secure: true, allowInvalidCertificate: true }, message);
    expect(received[0]?.secure).toBe(true);
  });

  it('a wrong password fails with a message that names the problem but not the password', async () => {
    const { port, auths } = await startServer({ allowInsecureAuth: true, disabledCommands: ['STARTTLS'] });
    const smtp = await loadNotifierAdapter('smtp');
    const wrong = 'Wr0ng-pa55word';
    const err = (await smtp
      .send({ ...base, port, startTls: 'never', user: 'keepwatch', password: wrong }, message)
      .catch((e: unknown) => e)) as Error;
    expect(auths).toEqual([{ user: 'keepwatch', password: wrong, secure: false }]);
    expect(err.message).toMatch(
      new RegExp(`^smtp 127\\.0\\.0\\.1:${port}: authentication failed for user "keepwatch"`),
    );
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(Buffer.from(wrong).toString('base64'));
    expect(JSON.stringify(err)).not.toContain(wrong);
  });

  it('uses configured credentials or fails, even when the server does not offer AUTH', async () => {
    // The server does not advertise AUTH: nodemailer alone would silently send without it.
    const { port, received } = await startServer({ disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true });
    const smtp = await loadNotifierAdapter('smtp');
    const err = (await smtp
      .send({ ...base, port, startTls: 'never', user: 'keepwatch', password: PASSWORD }, message)
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/authentication failed for user "keepwatch"/);
    expect(err.message).not.toContain(PASSWORD);
    expect(received).toEqual([]);
  });

  it('refuses a self-signed certificate unless allowed, and requires STARTTLS when told to', async () => {
    const smtp = await loadNotifierAdapter('smtp');
    const tls = await startServer({ authOptional: true });
    const err1 = (await smtp
      .send({ ...base, port: tls.port, startTls: 'required' }, message)
      .catch((e: unknown) => e)) as Error;
    expect(err1.message).toMatch(/certificate/i);
    expect(tls.received).toEqual([]);
    await new Promise<void>((resolve) => server?.close(() => resolve()));

    const plain = await startServer({ authOptional: true, disabledCommands: ['STARTTLS'] });
    const err2 = (await smtp
      .send({ ...base, port: plain.port, startTls: 'required' }, message)
      .catch((e: unknown) => e)) as Error;
    expect(err2.message).toMatch(/TLS negotiation failed/);
    expect(plain.received).toEqual([]);
  });

  it('names the host and port when it cannot connect', async () => {
    const { port } = await startServer({ authOptional: true });
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const smtp = await loadNotifierAdapter('smtp');
    await expect(smtp.send({ ...base, port }, message)).rejects.toThrow(`smtp 127.0.0.1:${port}: cannot connect`);
  });

  it('stops waiting when the caller aborts', async () => {
    // A server that accepts but never greets: nodemailer alone would wait for its 30 s timeout.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const smtp = await loadNotifierAdapter('smtp');
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const { port } = silent.address() as AddressInfo;
      await expect(smtp.send({ ...base, port }, message, controller.signal)).rejects.toThrow(
        `smtp 127.0.0.1:${port}: sending was aborted`,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('validates its config before connecting, without echoing secrets', async () => {
    const smtp = await loadNotifierAdapter('smtp');
    expect(smtp.secretFields).toEqual(['password']);
    for (const bad of [
      { ...base, to: [] },
      { ...base, to: ['not-an-address'] },
      { ...base, to: ['a@b.test, c@d.test'] },
      { ...base, to: ['a@b.test\r\nBcc: x@y.test'] },
      { ...base, from: 'nobody' },
      { ...base, startTls: 'sometimes' },
      { ...base, port: 70000 },
      { ...base, password: PASSWORD },
      { ...base, user: 'u', password: 42 },
    ]) {
      const err = (await smtp.send(bad, message).catch((e: unknown) => e)) as Error;
      expect(err, JSON.stringify(bad)).toBeInstanceOf(ValidationError);
      expect(err.message).not.toContain(PASSWORD);
    }
  });
});
