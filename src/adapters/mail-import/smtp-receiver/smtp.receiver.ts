import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { SmtpReceiver, SmtpReceiverOptions } from '../mail-import.js';

/** How long close() lets a sender finish its transaction before hanging up with 421. */
const CLOSE_GRACE_MS = 5_000;
/** Backup software sends a report or two at a time; this only stops a flood. */
const MAX_CLIENTS = 50;

interface SmtpReplyError extends Error {
  responseCode?: number;
}

function replyError(code: number, message: string): SmtpReplyError {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Compares digests so neither the length nor a prefix of the password leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function envelopeOf(session: SMTPServerSession): { from: string; to: string[] } {
  const from = session.envelope.mailFrom;
  return { from: from ? from.address : '', to: session.envelope.rcptTo.map((r) => r.address) };
}

/**
 * Starts the built-in SMTP receiver that backup software can send its reports to directly.
 * There is no TLS (Keepwatch has no certificate to offer), so AUTH is accepted over plain text:
 * listen on loopback or a trusted LAN, or put a relay that terminates TLS (e.g. Postfix) in front.
 *
 * @example
 *   const receiver = await startSmtpReceiver({
 *     host: '0.0.0.0', port: 2525, username: 'backups', password: 's3cret', maxSizeBytes: 25 * 1024 * 1024,
 *     onMessage: async (raw, envelope) => { await mailService.store(raw, envelope); },
 *   });
 *   // ... later
 *   await receiver.close();
 */
export async function startSmtpReceiver(opts: SmtpReceiverOptions): Promise<SmtpReceiver> {
  const log = opts.logger ?? (() => {});
  const needAuth = opts.username !== undefined && opts.username !== '';
  if (needAuth && !opts.password) throw new Error('SMTP receiver: a username is set but no password');

  const onData = (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) => {
    // A stream error may be followed by 'end'; the connection must get exactly one answer.
    let answered = false;
    const done = (err?: Error | null) => {
      if (answered) return;
      answered = true;
      callback(err);
    };
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is drained but not kept, so a huge message cannot fill memory.
      if (size <= opts.maxSizeBytes) chunks.push(chunk);
    });
    stream.on('error', (err) => done(err));
    stream.on('end', () => {
      const envelope = envelopeOf(session);
      if (stream.sizeExceeded || size > opts.maxSizeBytes) {
        log(
          'warn',
          `SMTP receiver: refused a ${size}-byte message from <${envelope.from}> (limit ${opts.maxSizeBytes})`,
        );
        done(replyError(552, `Error: message exceeds fixed maximum message size ${opts.maxSizeBytes}`));
        return;
      }
      const raw = Buffer.concat(chunks);
      opts.onMessage(raw, envelope).then(
        () => {
          log('info', `SMTP receiver: accepted ${raw.length} bytes from <${envelope.from}>`);
          done();
        },
        (err: unknown) => {
          // 451 is temporary: the sender keeps the message and tries again later. The reason
          // goes to our log, not to the sender.
          log('error', `SMTP receiver: could not store a message from <${envelope.from}>: ${(err as Error).message}`);
          done(replyError(451, 'Requested action aborted: local error in processing, try again later'));
        },
      );
    });
  };

  const server = new SMTPServer({
    logger: false,
    banner: 'Keepwatch mail import',
    size: opts.maxSizeBytes,
    // Refuse at the end of DATA even when the sender did not declare a SIZE in MAIL FROM.
    rejectOversized: true,
    maxClients: MAX_CLIENTS,
    closeTimeout: CLOSE_GRACE_MS,
    // No certificate to offer, so no STARTTLS; AUTH only when a user is configured.
    disabledCommands: needAuth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !needAuth,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const ok =
        needAuth &&
        sameSecret(auth.username ?? '', opts.username ?? '') &&
        sameSecret(auth.password ?? '', opts.password ?? '');
      if (ok) return callback(null, { user: auth.username });
      log('warn', `SMTP receiver: failed login as "${auth.username ?? ''}"`);
      callback(replyError(535, 'Error: authentication credentials invalid'));
    },
    onData,
  });
  // Connection-level trouble (a sender hanging up mid-command) arrives as 'error' events; an
  // unhandled one would crash the process.
  server.on('error', (err: Error) => log('warn', `SMTP receiver: ${err.message}`));

  await new Promise<void>((resolve, reject) => {
    const onListenError = (err: Error) =>
      reject(new Error(`SMTP receiver cannot listen on ${opts.host}:${opts.port}: ${err.message}`));
    server.server.once('error', onListenError);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', onListenError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  log('info', `SMTP receiver listening on ${opts.host}:${port}${needAuth ? ' (AUTH required)' : ''}`);

  let closing: Promise<void> | null = null;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closing;
    },
  };
}
