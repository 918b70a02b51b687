import nodemailer from 'nodemailer';
import type { NotificationMessage, NotifierAdapter } from '../notifier.contract.js';
import { parseSmtpConfig, smtpConfigSchema, smtpSecretFields, type SmtpConfig } from './smtp.config.js';
import { renderMail } from './smtp.render.js';

/** One budget for DNS, connect, greeting and every later socket wait. */
const TIMEOUT_MS = 30_000;

interface NodemailerError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
}

function transportOptions(config: SmtpConfig) {
  return {
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: !config.secure && config.startTls === 'required',
    ignoreTLS: !config.secure && config.startTls === 'never',
    // Without forceAuth nodemailer silently skips AUTH when the server does not advertise it
    // (e.g. on a plain connection); configured credentials must be used or fail loudly.
    ...(config.user !== undefined ? { auth: { user: config.user, pass: config.password ?? '' }, forceAuth: true } : {}),
    tls: { rejectUnauthorized: config.allowInvalidCertificate !== true, servername: config.host },
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    dnsTimeout: TIMEOUT_MS,
    logger: false,
    debug: false,
  };
}

/**
 * Servers echo odd things in their replies; strip anything that could be the password (plain or
 * in the base64 forms AUTH PLAIN/LOGIN put on the wire) before the text reaches a log or the UI.
 */
function redact(text: string, config: SmtpConfig): string {
  const pass = config.password;
  if (!pass) return text;
  const variants = [
    pass,
    Buffer.from(pass).toString('base64'),
    Buffer.from(`\0${config.user ?? ''}\0${pass}`).toString('base64'),
  ];
  return variants.reduce((t, v) => t.split(v).join('***'), text);
}

function describeError(err: NodemailerError, config: SmtpConfig): string {
  const detail = (err.response ?? err.message ?? String(err)).trim();
  switch (err.code) {
    case 'EAUTH':
      return `authentication failed for user "${config.user ?? ''}" (${detail})`;
    case 'NoAuth':
      return 'the server asked for authentication but no user is configured';
    case 'ETIMEDOUT':
      return `timed out (${detail})`;
    case 'ETLS':
      return `TLS negotiation failed (${detail})`;
    case 'EDNS':
      return `cannot resolve host (${detail})`;
    case 'ECONNECTION':
    case 'ESOCKET':
      return `cannot connect (${detail})`;
    case 'EENVELOPE':
      return `the server refused the sender or a recipient (${detail})`;
    case 'EMESSAGE':
      return `the server refused the message (${detail})`;
    default:
      return detail;
  }
}

async function send(
  rawConfig: Record<string, unknown>,
  message: NotificationMessage,
  signal?: AbortSignal,
): Promise<void> {
  const config = parseSmtpConfig(rawConfig);
  signal?.throwIfAborted();
  const mail = renderMail(message, config.subjectPrefix);
  const transport = nodemailer.createTransport(transportOptions(config));
  const sending = transport.sendMail({
    from: config.from,
    to: config.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Keepwatch-Event': message.event },
  });
  // nodemailer cannot cancel a send in flight; on abort we stop waiting and let its socket
  // timeouts reap the connection.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal?.reason ?? new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sending, aborted]);
  } catch (err) {
    if (signal?.aborted) throw new Error(`smtp ${config.host}:${config.port}: sending was aborted`);
    const reason = redact(describeError(err as NodemailerError, config), config);
    throw new Error(`smtp ${config.host}:${config.port}: ${reason}`);
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    sending.catch(() => undefined);
    transport.close();
  }
}

/**
 * E-mail channel over SMTP.
 *
 * @example
 *   await smtpNotifier.send({ host: 'mail.example.com', from: 'kw@example.com', to: ['ops@example.com'],
 *     user: 'kw', password: '…' }, message);
 */
export const smtpNotifier: NotifierAdapter = {
  kind: 'smtp',
  label: 'E-mail (SMTP)',
  configSchema: smtpConfigSchema,
  secretFields: smtpSecretFields,
  send,
};
