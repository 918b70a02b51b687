import { connect } from 'node:net';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { SmtpReceiver, SmtpReceiverOptions } from '../../src/adapters/mail-import/mail-import.js';
import { startSmtpReceiver } from '../../src/adapters/mail-import/smtp-receiver/smtp.receiver.js';
import { startPostfixRelay, type PostfixRelay } from '../helpers/postfix.js';

interface Received {
  raw: Buffer;
  envelope: { from: string; to: string[] };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function receiver(over: Partial<SmtpReceiverOptions> = {}) {
  const received: Received[] = [];
  const logs: string[] = [];
  const handle: SmtpReceiver = await startSmtpReceiver({
    host: '127.0.0.1',
    port: 0,
    maxSizeBytes: 20_000,
    onMessage: async (raw, envelope) => {
      received.push({ raw, envelope });
    },
    logger: (level, msg) => logs.push(`${level}: ${msg}`),
    ...over,
  });
  cleanups.push(() => handle.close());
  return { handle, received, logs };
}

function transport(port: number, auth?: { user: string; pass: string }, method?: string) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    ...(auth ? { auth, forceAuth: true, authMethod: method } : {}),
    connectionTimeout: 5_000,
    socketTimeout: 10_000,
  });
}

const mail = (subject: string, text = 'Backup finished.') => ({
  from: 'Veeam <veeam@customer.example>',
  to: ['reports@test.local', 'copy@test.local'],
  subject,
  text,
});

interface SendError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

async function sendError(p: Promise<unknown>): Promise<SendError> {
  return p.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (e: SendError) => e,
  );
}

/** Speaks SMTP by hand, for what nodemailer will not send (a SIZE it knows is too big). */
async function converse(port: number, lines: string[]): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buffer = '';
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        buffer += d.toString('latin1');
        // A complete reply ends with a line "NNN text" (no dash after the code).
        const m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(buffer);
        if (!m) return;
        const end = m.index + m[0].length;
        const reply = buffer.slice(0, end).trim();
        buffer = buffer.slice(end);
        socket.off('data', onData);
        resolve(reply);
      };
      socket.on('data', onData);
      socket.once('error', reject);
    });
  replies.push(await next());
  for (const line of lines) {
    socket.write(`${line}\r\n`);
    replies.push(await next());
  }
  socket.destroy();
  return replies;
}

describe('built-in SMTP receiver', () => {
  it('accepts mail without AUTH when no user is configured and reports the real port', async () => {
    const { handle, received } = await receiver();
    expect(handle.port).toBeGreaterThan(0);
    const info = await transport(handle.port).sendMail(mail('Sicherung für Müller — erfolgreich ✓'));
    expect(info.response).toMatch(/^250 /);
    expect(received).toHaveLength(1);
    const parsed = await simpleParser(received[0]!.raw);
    expect(parsed.subject).toBe('Sicherung für Müller — erfolgreich ✓');
    expect(parsed.text?.trim()).toBe('Backup finished.');
    expect(received[0]!.envelope).toEqual({
      from: 'veeam@customer.example',
      to: ['reports@test.local', 'copy@test.local'],
    });
    // AUTH and STARTTLS are not even offered.
    const [, ehlo] = await converse(handle.port, ['EHLO client.example']);
    expect(ehlo).not.toMatch(/AUTH|STARTTLS/);
  });

  it('requires AUTH PLAIN or LOGIN when a user is configured', async () => {
    const { handle, received, logs } = await receiver({ username: 'backups', password: 'S3cret pass!' });
    for (const method of ['PLAIN', 'LOGIN']) {
      await transport(handle.port, { user: 'backups', pass: 'S3cret pass!' }, method).sendMail(mail(`via ${method}`));
    }
    expect(received.map((r) => r.raw.toString()).join()).toMatch(/via PLAIN[\s\S]*via LOGIN/);

    const wrong = await sendError(transport(handle.port, { user: 'backups', pass: 'guess' }).sendMail(mail('no')));
    expect(wrong.code).toBe('EAUTH');
    expect(wrong.responseCode).toBe(535);
    const anonymous = await sendError(transport(handle.port).sendMail(mail('no')));
    expect(anonymous.responseCode).toBe(530);
    expect(received).toHaveLength(2);
    expect(logs.join('\n')).toMatch(/warn: SMTP receiver: failed login as "backups"/);
    expect(logs.join('\n')).not.toContain('guess');
  });

  it('refuses messages over the size limit with 552, declared or not', async () => {
    const { handle, received } = await receiver({ maxSizeBytes: 10_000 });
    await transport(handle.port).sendMail(mail('small enough', 'y'.repeat(5_000)));
    const big = await sendError(transport(handle.port).sendMail(mail('too big', 'x'.repeat(50_000))));
    expect(big.responseCode).toBe(552);
    expect(big.response).toMatch(/exceeds fixed maximum message size 10000/);
    const replies = await converse(handle.port, ['EHLO client.example', 'MAIL FROM:<a@customer.example> SIZE=50000']);
    expect(replies[1]).toMatch(/SIZE 10000/);
    expect(replies[2]).toMatch(/^552 /);
    expect(received.map((r) => r.raw.toString())).toEqual([expect.stringContaining('small enough')]);
  });

  it('answers 250 only after onMessage resolves, and 451 when it fails', async () => {
    let release!: () => void;
    let fail = false;
    const { handle, logs } = await receiver({
      onMessage: async () => {
        if (fail) throw new Error('database is locked');
        await new Promise<void>((resolve) => (release = resolve));
      },
    });
    let done = false;
    const sending = transport(handle.port)
      .sendMail(mail('slow store'))
      .finally(() => (done = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    release();
    expect((await sending).response).toMatch(/^250 /);

    fail = true;
    const err = await sendError(transport(handle.port).sendMail(mail('store fails')));
    expect(err.responseCode).toBe(451);
    // The reason goes to our log, not to the sender.
    expect(err.response).not.toContain('database');
    expect(logs.join('\n')).toMatch(
      /error: SMTP receiver: could not store a message from <veeam@customer\.example>: database is locked/,
    );
  });

  it('refuses to start on a port that is taken, and stops listening on close', async () => {
    const { handle } = await receiver();
    await expect(
      startSmtpReceiver({ host: '127.0.0.1', port: handle.port, maxSizeBytes: 1000, onMessage: async () => {} }),
    ).rejects.toThrow(new RegExp(`SMTP receiver cannot listen on 127\\.0\\.0\\.1:${handle.port}: .*EADDRINUSE`));
    await handle.close();
    await expect(transport(handle.port).sendMail(mail('closed'))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('receives mail relayed by a real Postfix, which retries after a 4xx', async () => {
    let failures = 1;
    const { handle, received } = await receiver({
      onMessage: async (raw, envelope) => {
        if (failures-- > 0) throw new Error('temporarily unavailable');
        received.push({ raw, envelope });
      },
    });
    const relay: PostfixRelay = await startPostfixRelay({ domain: 'test.local', nextHopPort: handle.port });
    cleanups.push(() => relay.stop());

    const info = await transport(relay.port).sendMail({ ...mail('Über Postfix'), to: 'reports@test.local' });
    expect(info.response).toMatch(/^250 .*queued as/);
    // First delivery attempt gets 451 and is deferred; Postfix retries a second or two later.
    const deadline = Date.now() + 20_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(received, await relay.log()).toHaveLength(1);
    const parsed = await simpleParser(received[0]!.raw);
    expect(parsed.subject).toBe('Über Postfix');
    expect(parsed.headers.get('received')).toBeDefined();
    expect(received[0]!.raw.toString()).toMatch(/^Received: from .*\r\n\tby relay\.keepwatch\.test \(Postfix\)/m);
    expect(received[0]!.envelope).toEqual({ from: 'veeam@customer.example', to: ['reports@test.local'] });
    expect(await relay.log()).toMatch(/status=deferred \(host 127\.0\.0\.1\[127\.0\.0\.1\] said: 451 /);
  });
});
